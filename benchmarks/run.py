"""Benchmark the public pages with wrk against a local `mir serve` (run by `make bench`).

    .venv/bin/python benchmarks/run.py [--duration 10] [--connections 32] [--threads 2]
        [--database-url URL] [--orgs 300] [--workers 1] [--paths / /frameworks ...]
        [--members [--voice-answers 10000]] [--mixed [--readers 8] [--editors 4]]

Sets up a throw-away SQLite database (or uses --database-url, e.g. PostgreSQL), runs
`mir db upgrade` and `mir demo --orgs N` (unless it holds data), starts `mir serve` on a
free port of 127.0.0.1, then runs `wrk --latency` against /healthz (the baseline) and each
path. With --members it then logs in as the demo council and measures its signed-in pages
the same way (wrk sends the session cookie), the people's-voice results among them at
--voice-answers sets of answers. Prints a Markdown table and writes the same figures to
benchmarks/results/latest.json.
With --mixed it then runs a mixed load for --duration seconds: editors saving ratings
through POST while the public reads, from Python threads on 127.0.0.1, and reports p99 and
errors of each. Exits 1 if any request failed, 2 if wrk is missing or the server could not
be set up. See
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_FILE = ROOT / "benchmarks" / "results" / "latest.json"
HOST = "127.0.0.1"
BASELINE = "/healthz"
FRAMEWORK_PATHS = (
    "/",
    "/frameworks",
    "/frameworks/making-it-real-2018",
    "/frameworks/making-it-real-2018/markers/WI1",
    "/frameworks/making-it-real-2012/markers/IA1",
)
# The public side (issue 7). {slug} and {area} are filled in once the server runs: a listed
# council and its area, so the profile and area pages have publications to show.
PUBLIC_PATHS = (
    "/",
    "/organisations?q=care",
    "/organisations/{slug}",
    "/areas/{area}",
    "/map",
    "/api/v1/organisations",
)
DEFAULT_PATHS = tuple(dict.fromkeys(PUBLIC_PATHS + FRAMEWORK_PATHS))
DEFAULT_ORGS = 300
DEFAULT_VOICE_ANSWERS = 10_000  # with --members: sets of answers in the demo council's round
# Members' pages take hundreds of milliseconds each: with 32 connections on one worker, a
# request waits seconds in the queue. wrk's 2 s default would count that as a socket error
# and leave it out of the p99, so these runs wait longer.
MEMBER_TIMEOUT_S = 10
# wrk script for --cold: a unique `cold=` query parameter on each request.
COLD_SCRIPT = ROOT / "benchmarks" / "cold.lua"
TARGET_RATIO = 0.5  # every public page serves at least half the requests /healthz does
COLD_TARGET_RATIO = 0.1  # and, missing the cache every time, a tenth of them
READY_TIMEOUT_S = 120.0  # importing the app in each worker takes a while on a busy machine
SETUP_TIMEOUT_S = 300.0
WARMUP_REQUESTS = 5
# Each measured run follows one of this many seconds at the same load, not counted: the
# workers open their database connections and fill their per-process caches then, as a
# server that has been running a while has (the first seconds were measuring that).
WARMUP_S = 1
STOP_TIMEOUT_S = 10.0

# wrk prints durations with these units (src/units.c: us, ms, s, m, h).
_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)\s*$", re.MULTILINE)
_P99 = re.compile(r"^\s*99(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(\d+)\s*$", re.MULTILINE)
_SOCKET = re.compile(
    r"^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)\s*$", re.MULTILINE
)
_TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", re.MULTILINE)


class BenchError(Exception):
    """A failure that stops the run, with a message for the user."""


@dataclass(frozen=True)
class WrkResult:
    requests_per_sec: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + self.socket_errors


@dataclass(frozen=True)
class Row:
    path: str
    requests_per_sec: float
    p99_ms: float
    throughput_ratio: float  # path req/s ÷ /healthz req/s (higher is better, at most ~1)
    p99_ratio: float  # /healthz p99 ÷ path p99 (higher is better, at most ~1)
    requests: int
    non_2xx_3xx: int
    socket_errors: int
    errors: int
    label: str = ""  # a members' page: what it is ("voice results"); public pages have none


def to_ms(value: str, unit: str) -> float:
    """A wrk duration ("812.00", "us") in milliseconds."""
    try:
        return float(value) * _TIME_UNITS_MS[unit]
    except KeyError:
        raise ValueError(f"unknown wrk time unit {unit!r}") from None


def parse_wrk_output(text: str) -> WrkResult:
    """Read requests/s, the 99th percentile latency and the error counts from `wrk --latency`."""
    rps = _RPS.search(text)
    if rps is None:
        raise ValueError("no 'Requests/sec:' line in the wrk output")
    p99 = _P99.search(text)
    if p99 is None:
        raise ValueError("no 99% line in the wrk output: was wrk run with --latency?")
    total = _TOTAL.search(text)
    non_2xx = _NON_2XX.search(text)
    socket_errors = _SOCKET.search(text)
    return WrkResult(
        requests_per_sec=float(rps.group(1)),
        p99_ms=to_ms(p99.group(1), p99.group(2)),
        requests=int(total.group(1)) if total else 0,
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
    )


def make_rows(baseline: WrkResult, results: Sequence[tuple[str, WrkResult]], *,
              labels: Mapping[str, str] | None = None) -> list[Row]:
    """Rows for the baseline and each path, with ratios relative to the baseline; `labels`
    marks the members' pages (path → what the page is)."""
    labels = labels or {}
    rows = []
    for path, result in [(BASELINE, baseline), *results]:
        throughput = (
            result.requests_per_sec / baseline.requests_per_sec
            if baseline.requests_per_sec
            else 0.0
        )
        latency = baseline.p99_ms / result.p99_ms if result.p99_ms else 0.0
        rows.append(
            Row(
                path=path,
                requests_per_sec=result.requests_per_sec,
                p99_ms=result.p99_ms,
                throughput_ratio=throughput,
                p99_ratio=latency,
                requests=result.requests,
                non_2xx_3xx=result.non_2xx_3xx,
                socket_errors=result.socket_errors,
                errors=result.errors,
                label=labels.get(path, ""),
            )
        )
    return rows


def markdown_table(rows: Sequence[Row]) -> str:
    lines = [
        "| path | req/s | p99 ms | throughput ÷ /healthz (higher is better) "
        "| /healthz p99 ÷ p99 (higher is better) | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        errors = str(row.errors)
        if row.errors:
            errors = f"{row.errors} ({row.non_2xx_3xx} non-2xx/3xx, {row.socket_errors} socket)"
        page = f"`{row.path}`" + (f" (members: {row.label})" if row.label else "")
        lines.append(
            f"| {page} | {row.requests_per_sec:,.0f} | {row.p99_ms:.2f} "
            f"| {row.throughput_ratio:.2f} | {row.p99_ratio:.2f} | {errors} |"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=10, help="seconds per path (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=1, help="mir serve --workers (1)")
    parser.add_argument(
        "--orgs",
        type=int,
        default=DEFAULT_ORGS,
        help=f"organisations in the demo data ({DEFAULT_ORGS}); an existing --database-url "
        "that already holds data is used as it is",
    )
    parser.add_argument(
        "--database-url",
        help="database to benchmark against, e.g. a scratch PostgreSQL database "
        "(default: a temporary SQLite file)",
    )
    parser.add_argument(
        "--paths",
        nargs="+",
        default=list(DEFAULT_PATHS),
        metavar="PATH",
        help="paths to benchmark, besides the /healthz baseline",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="make every request's address unique, so no page comes from the public cache",
    )
    parser.add_argument(
        "--members",
        action="store_true",
        help=f"also measure the demo council's signed-in pages (logged in as {DEMO_EDITOR})",
    )
    parser.add_argument(
        "--voice-answers",
        type=int,
        metavar="N",
        help="--members: sets of answers in the round of people's voice whose results page is "
        f"measured, added once to the demo council's assessment ({DEFAULT_VOICE_ANSWERS})",
    )
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="also run a mixed load: editors saving ratings while the public reads",
    )
    parser.add_argument("--readers", type=int, default=8, help="--mixed: reader threads (8)")
    parser.add_argument("--editors", type=int, default=4, help="--mixed: editor threads (4)")
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS_FILE,
        help=f"JSON results file (default {RESULTS_FILE.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 600:
        parser.error("--duration must be between 1 and 600 seconds")
    if not 0 <= args.readers <= 64 or not 0 <= args.editors <= 64:
        parser.error("--readers and --editors must be between 0 and 64")
    if not 1 <= args.orgs <= 100_000:
        parser.error("--orgs must be between 1 and 100000")
    if args.voice_answers is not None and not args.members:
        parser.error("--voice-answers goes with --members")
    if args.voice_answers is None:
        args.voice_answers = DEFAULT_VOICE_ANSWERS if args.members else 0
    if not 0 <= args.voice_answers <= 1_000_000:
        parser.error("--voice-answers must be between 0 and 1000000")
    if args.threads < 1 or args.workers < 1:
        parser.error("--threads and --workers must be at least 1")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk needs one per thread)")
    for path in args.paths:
        if not path.startswith("/") or path.startswith("//"):
            parser.error(f"{path!r}: paths must start with a single / (traffic stays on {HOST})")
    return args


def mir_command() -> list[str]:
    """The `mir` CLI of the running interpreter's environment."""
    script = Path(sys.executable).parent / "mir"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "app.cli"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def run_step(command: list[str], env: dict[str, str], what: str) -> None:
    print(f"$ {what}", flush=True)
    try:
        done = subprocess.run(
            command,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=SETUP_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"{what} took more than {SETUP_TIMEOUT_S:.0f}s") from None
    if done.returncode != 0:
        raise BenchError(f"{what} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    if done.stdout.strip():
        print(done.stdout.strip(), flush=True)


def get_status(url: str, timeout: float = 5.0) -> int:
    """HTTP status of GET url (redirects followed), or 0 if the server did not answer."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def log_tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def wait_ready(server: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"mir serve exited with {server.returncode}:\n{log_tail(log)}")
        if get_status(f"{base}/readyz", timeout=2.0) == 200:
            return
        time.sleep(0.2)
    raise BenchError(
        f"{base}/readyz did not answer 200 within {READY_TIMEOUT_S:.0f}s:\n{log_tail(log)}"
    )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Terminate the server (and its workers, in its own process group), then kill it."""
    if server.poll() is not None:
        return

    def signal_group(sig: signal.Signals) -> None:
        try:
            os.killpg(server.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        except AttributeError:  # no process groups on this platform
            server.send_signal(sig)

    signal_group(signal.SIGTERM)
    try:
        server.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        signal_group(signal.SIGKILL)
        server.wait(timeout=STOP_TIMEOUT_S)


def wrk_command(wrk: str, url: str, *, threads: int, connections: int, duration: int,
                cold: bool = False, cookie: str = "", timeout_s: int | None = None
                ) -> list[str]:
    """The wrk command line for one path; `cookie` is sent with every request, and a
    request taking more than `timeout_s` (wrk's default: 2) counts as a socket error."""
    return [
        wrk,
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--latency",
        *(["-s", str(COLD_SCRIPT)] if cold else []),
        *(["-H", f"Cookie: {cookie}"] if cookie else []),
        *(["--timeout", f"{timeout_s}s"] if timeout_s else []),
        url,
    ]


def cookie_header(cookies: Mapping[str, str]) -> str:
    """The value of a Cookie header sending these cookies ("name=value; name=value")."""
    return "; ".join(f"{name}={value}" for name, value in sorted(cookies.items()))


def run_wrk(wrk: str, url: str, args: argparse.Namespace, *, cold: bool = False,
            cookie: str = "", timeout_s: int | None = None) -> WrkResult:
    """One measured wrk run, after a short one whose figures are dropped (WARMUP_S)."""
    warm_up = wrk_command(wrk, url, threads=args.threads, connections=args.connections,
                          duration=WARMUP_S, cold=cold, cookie=cookie, timeout_s=timeout_s)
    subprocess.run(warm_up, capture_output=True, timeout=WARMUP_S + 60, check=False)
    command = wrk_command(wrk, url, threads=args.threads, connections=args.connections,
                          duration=args.duration, cold=cold, cookie=cookie,
                          timeout_s=timeout_s)
    shown = [f"'Cookie: {'…' if cookie else ''}'" if part.startswith("Cookie: ") else part
             for part in command[1:]]  # the session stays out of logs
    print(f"$ {' '.join(shown)}", flush=True)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=args.duration + 60, check=False
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"wrk did not finish within {args.duration + 60}s for {url}") from None
    if done.returncode != 0:
        raise BenchError(f"wrk failed for {url} (exit {done.returncode}):\n{done.stderr}")
    try:
        return parse_wrk_output(done.stdout)
    except ValueError as error:
        raise BenchError(f"{error}; wrk printed:\n{done.stdout}{done.stderr}") from None


def get_json(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=30.0) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise BenchError(f"GET {url} failed: {error}") from error


def fill_placeholders(paths: Sequence[str], base: str) -> list[str]:
    """Replace {slug} and {area} with a listed council and its area, found through the API."""
    if not any("{" in path for path in paths):
        return list(paths)
    page = get_json(f"{base}/api/v1/organisations?kind=council&per_page=50")
    councils = [item for item in page["data"] if item["areas"]]
    if not councils:
        raise BenchError("the database has no listed council with an area for {slug}/{area}")
    # The council with the most publications makes the heaviest profile and area pages.
    council = max(councils, key=lambda item: len(item["commitments"]))
    values = {"slug": council["slug"], "area": council["areas"][0]["code"]}
    return [path.format(**values) for path in paths]


def count_organisations(base: str) -> int | None:
    try:
        return int(get_json(f"{base}/api/v1/organisations?per_page=1")["meta"]["total"])
    except (BenchError, KeyError, TypeError, ValueError):
        return None


def database_kind(url: str) -> str:
    """The database's kind only (never the URL, which may hold a password)."""
    return url.split(":", 1)[0].split("+", 1)[0]


def benchmark(args: argparse.Namespace, wrk: str
              ) -> tuple[list[Row], list[Row], dict[str, Any]]:
    """Rows served from the cache, then (with --cold) rows missing it every time, both
    beside the same /healthz baseline; and what was measured."""
    with tempfile.TemporaryDirectory(prefix="mir-bench-") as tmp:
        workdir = Path(tmp)
        database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
        env = dict(os.environ)
        env.update(
            {
                "MIR_DATABASE_URL": database_url,
                "MIR_UPLOAD_DIR": str(workdir / "uploads"),
                "MIR_OUTBOX_DIR": str(workdir / "outbox"),
            }
        )
        env.setdefault("MIR_MARKERS_DIR", str(ROOT / "markers"))
        mir = mir_command()
        run_step([*mir, "db", "upgrade"], env, "mir db upgrade")
        voice = ["--voice-answers", str(args.voice_answers)] if args.voice_answers else []
        run_step([*mir, "demo", "--if-empty", "--orgs", str(args.orgs), *voice], env, "mir demo")

        port = free_port()
        base = f"http://{HOST}:{port}"
        log = workdir / "server.log"
        with log.open("wb") as log_file:
            server = subprocess.Popen(
                [
                    *mir,
                    "serve",
                    "--host",
                    HOST,
                    "--port",
                    str(port),
                    "--workers",
                    str(args.workers),
                ],
                env=env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_ready(server, base, log)
            print(f"mir serve is ready at {base} ({args.workers} worker(s))", flush=True)
            paths = fill_placeholders(args.paths, base)
            organisations = count_organisations(base)
            for path in [BASELINE, *paths]:
                # Each worker process keeps its own cache: warm them all.
                statuses = {get_status(base + path)
                            for _ in range(WARMUP_REQUESTS * args.workers)}
                if not statuses <= set(range(200, 400)):
                    print(f"warning: warming {path} answered {sorted(statuses)}", flush=True)
            baseline = run_wrk(wrk, base + BASELINE, args)
            results = [(path, run_wrk(wrk, base + path, args)) for path in paths]
            labels: dict[str, str] = {}
            if args.members:
                cookie, members = sign_in_members(base, args)
                labels = {path: label for label, path in members}
                results += [(path, run_wrk(wrk, base + path, args, cookie=cookie,
                                           timeout_s=MEMBER_TIMEOUT_S))
                            for _label, path in members]
            cold = [(path, run_wrk(wrk, base + path, args, cold=True)) for path in paths] \
                if args.cold else []
            mixed = run_mixed(base, args) if args.mixed else None
        finally:
            stop_server(server)
    meta: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_s": args.duration,
        "connections": args.connections,
        "threads": args.threads,
        "workers": args.workers,
        "cold": args.cold,
        "database": database_kind(database_url),
        "organisations": organisations,
        "python": sys.version.split()[0],
    }
    if args.members:
        meta["members"] = {"user": DEMO_EDITOR, "voice_answers": args.voice_answers}
    if mixed is not None:
        meta["mixed"] = [asdict(row) for row in mixed]
    return (make_rows(baseline, results, labels=labels),
            make_rows(baseline, cold)[1:] if cold else [], meta)


# Mixed load: editors saving ratings while the public reads ------------------------------

DEMO_EDITOR = "council@example.org"
DEMO_PASSWORD = "making it real demo"
MIXED_READ_PATHS = ("/", "/frameworks", "/organisations", "/frameworks/making-it-real-2018")
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
_VERSION = re.compile(r'name="version" value="(\d+)"')
_LEVEL = re.compile(r'name="level"[^>]*value="([a-z_]+)"|value="([a-z_]+)"[^>]*name="level"')


@dataclass(frozen=True)
class MixedRow:
    kind: str  # "public read" or "editor save"
    requests: int
    requests_per_sec: float
    p50_ms: float
    p99_ms: float
    errors: int  # 5xx answers and transport errors
    conflicts: int  # 409: someone else saved the same marker first (expected, not an error)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank); 0 if none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def mixed_table(rows: Sequence[MixedRow]) -> str:
    lines = [
        "| mixed load | requests | req/s | p50 ms | p99 ms | errors | conflicts (409) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row.kind} | {row.requests} | {row.requests_per_sec:,.1f} | {row.p50_ms:.1f} "
            f"| {row.p99_ms:.1f} | {row.errors} | {row.conflicts} |"
        )
    return "\n".join(lines)


@dataclass
class _Tally:
    latencies: list[float]
    errors: int = 0
    conflicts: int = 0


def _editor_targets(base: str, count: int) -> list[str]:
    """Marker pages of the demo council's assessments, one list per editor (round robin)."""
    import httpx

    with httpx.Client(base_url=base, timeout=30.0) as client:
        _log_in(client)
        manage = client.get("/manage").text
        slugs = sorted(set(re.findall(r'href="/manage/([a-z0-9-]+)"', manage)))
        pages: list[str] = []
        for slug in slugs:
            listing = client.get(f"/manage/{slug}/assessments").text
            for assessment in sorted(
                set(re.findall(rf'href="/manage/{slug}/assessments/(\d+)"', listing))
            )[:1]:
                base_path = f"/manage/{slug}/assessments/{assessment}"
                overview = client.get(base_path).text
                themes = sorted(set(re.findall(r'/themes/([A-Za-z0-9_-]+)"', overview)))
                codes: set[str] = set(re.findall(r'/markers/([A-Za-z0-9_.-]+)"', overview))
                for theme in themes:
                    page = client.get(f"{base_path}/themes/{theme}").text
                    codes.update(re.findall(r'/markers/([A-Za-z0-9_.-]+)"', page))
                pages.extend(f"{base_path}/markers/{code}" for code in sorted(codes))
    if not pages:
        raise BenchError(f"no assessment of {DEMO_EDITOR} found for the editors to save")
    return pages[: max(count, 1) * 8]


def _log_in(client: Any) -> None:
    token = _CSRF.search(client.get("/login").text)
    if token is None:
        raise BenchError("no CSRF token on /login")
    response = client.post(
        "/login",
        data={
            "csrf_token": token.group(1),
            "email": DEMO_EDITOR,
            "password": DEMO_PASSWORD,
            "next": "/manage",
        },
    )
    if response.status_code != 303:
        raise BenchError(f"could not log in as {DEMO_EDITOR}: {response.status_code}")


def _reader(base: str, deadline: float, tally: _Tally, number: int) -> None:
    import httpx

    with httpx.Client(base_url=base, timeout=30.0) as client:
        sequence = number
        while time.monotonic() < deadline:
            path = MIXED_READ_PATHS[sequence % len(MIXED_READ_PATHS)]
            sequence += 1
            started = time.perf_counter()
            try:
                response = client.get(path)
                failed = response.status_code >= 500
            except httpx.HTTPError:
                failed = True
            tally.latencies.append((time.perf_counter() - started) * 1000)
            tally.errors += failed


def _editor(base: str, deadline: float, tally: _Tally, pages: Sequence[str]) -> None:
    import httpx

    with httpx.Client(base_url=base, timeout=30.0) as client:
        try:
            _log_in(client)
        except (BenchError, httpx.HTTPError):
            tally.errors += 1
            return
        sequence = 0
        while time.monotonic() < deadline:
            page = pages[sequence % len(pages)]
            sequence += 1
            try:
                text_ = client.get(page).text
                token, version = _CSRF.search(text_), _VERSION.search(text_)
                levels = [a or b for a, b in _LEVEL.findall(text_)]
                if token is None or version is None or not levels:
                    tally.errors += 1
                    continue
                data = {
                    "csrf_token": token.group(1),
                    "version": version.group(1),
                    "level": levels[sequence % len(levels)],
                    "working": f"Benchmark save {sequence}",
                    "needs_change": "",
                }
                started = time.perf_counter()
                response = client.post(page, data=data)
                tally.latencies.append((time.perf_counter() - started) * 1000)
                tally.errors += response.status_code >= 500 or response.status_code == 403
                tally.conflicts += response.status_code == 409
            except httpx.HTTPError:
                tally.errors += 1


def run_mixed(base: str, args: argparse.Namespace) -> list[MixedRow]:
    """Readers and editors at once for args.duration seconds; their latencies and errors."""
    import threading

    pages = _editor_targets(base, args.editors) if args.editors else []
    print(
        f"$ mixed load: {args.readers} readers, {args.editors} editors saving ratings on "
        f"{len(pages)} marker pages, {args.duration}s",
        flush=True,
    )
    reads, saves = _Tally([]), _Tally([])
    deadline = time.monotonic() + args.duration
    threads = [
        threading.Thread(target=_reader, args=(base, deadline, reads, n), daemon=True)
        for n in range(args.readers)
    ]
    for number in range(args.editors):
        share = pages[number :: args.editors] or pages
        threads.append(
            threading.Thread(target=_editor, args=(base, deadline, saves, share), daemon=True)
        )
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.duration + 60)
    elapsed = max(time.monotonic() - started, 0.001)
    rows = []
    for kind, tally in (("public read", reads), ("editor save", saves)):
        if not tally.latencies and not tally.errors:
            continue
        rows.append(
            MixedRow(
                kind=kind,
                requests=len(tally.latencies),
                requests_per_sec=len(tally.latencies) / elapsed,
                p50_ms=percentile(tally.latencies, 0.50),
                p99_ms=percentile(tally.latencies, 0.99),
                errors=tally.errors,
                conflicts=tally.conflicts,
            )
        )
    return rows


# Members' pages: the demo council's own pages, signed in --------------------------------

MEMBER_PAGES = ("workspace", "assessment", "marker", "action plan", "voice results")
_MARKER_CODE = r"[A-Za-z0-9_.-]+"


def _links(html: str, prefix: str, tail: str) -> list[str]:
    """Distinct links (href) that are `prefix` followed by `tail` (a regex), in page order."""
    return list(dict.fromkeys(re.findall(rf'href="({re.escape(prefix)}{tail})"', html)))


def member_paths(fetch: Callable[[str], str]) -> list[tuple[str, str]]:
    """(what, path) of the signed-in pages measured, found by following links from /manage
    as a member would (`fetch` gives a page's HTML): the first workspace; its assessment with
    a round of people's voice (else its first); a marker of that round (else the first on
    the overview, else on the first theme); the action plan; the round's results. A page
    that cannot be found is left out."""
    workspaces = _links(fetch("/manage"), "/manage/", r"[a-z0-9-]+")
    if not workspaces:
        raise BenchError(f"{DEMO_EDITOR} has no workspace on /manage")
    workspace = workspaces[0]
    found = {"workspace": workspace}
    plans = _links(fetch(workspace), f"{workspace}/plans/", r"[a-z0-9.-]+")
    assessments = _links(fetch(f"{workspace}/assessments"), f"{workspace}/assessments/", r"\d+")
    chosen: tuple[str, str] | None = None  # an assessment's path and overview
    for path in assessments:
        overview = fetch(path)
        rounds = _links(overview, f"{path}/voice/", r"\d+")
        if chosen is None or rounds:
            chosen = (path, overview)
        if rounds:
            found["voice results"] = rounds[0]
            break
    if chosen is not None:
        assessment, overview = chosen
        found["assessment"] = assessment
        where = [fetch(found["voice results"])] if "voice results" in found else []
        where.append(overview)
        themes = _links(overview, f"{assessment}/themes/", r"[a-z0-9-]+")
        markers: list[str] = []
        for html in where:
            markers = markers or _links(html, f"{assessment}/markers/", _MARKER_CODE)
        if not markers and themes:
            markers = _links(fetch(themes[0]), f"{assessment}/markers/", _MARKER_CODE)
        if markers:
            found["marker"] = markers[0]
    if plans:
        found["action plan"] = plans[0]
    return [(what, found[what]) for what in MEMBER_PAGES if what in found]


def sign_in_members(base: str, args: argparse.Namespace) -> tuple[str, list[tuple[str, str]]]:
    """Log in as the demo council; its session cookie (a Cookie header's value) and the
    pages to measure, each checked (and warmed) to answer 200 with that cookie."""
    import httpx

    with httpx.Client(base_url=base, timeout=60.0) as client:
        _log_in(client)

        def fetch(path: str) -> str:
            response = client.get(path)
            if response.status_code != 200:
                raise BenchError(f"GET {path} as {DEMO_EDITOR} answered {response.status_code}")
            return response.text

        members = member_paths(fetch)
        cookie = cookie_header(dict(client.cookies.items()))
    missing = [what for what in MEMBER_PAGES if what not in dict(members)]
    if missing:
        print(f"warning: no members' page found for {', '.join(missing)}", flush=True)
    if args.voice_answers and "voice results" in missing:
        raise BenchError(f"{DEMO_EDITOR}'s assessment has no round of people's voice")
    with httpx.Client(base_url=base, timeout=60.0, headers={"Cookie": cookie}) as client:
        for _what, path in members:
            for _ in range(WARMUP_REQUESTS * args.workers):
                status = client.get(path).status_code
                if status != 200:  # a redirect to /login would be measured as a success
                    raise BenchError(f"{path} answered {status} with the session cookie")
    print(f"signed in as {DEMO_EDITOR}: {len(members)} members' pages", flush=True)
    return cookie, members


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        print(
            "wrk is not installed: install Debian's wrk (sudo apt-get install wrk)", file=sys.stderr
        )
        return 2
    try:
        rows, cold_rows, meta = benchmark(args, wrk)
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    table = markdown_table(rows)
    print()
    print(f"{meta['database']}, {meta['organisations'] or '?'} listed organisations, "
          f"{args.workers} worker(s), {args.duration} s a path, public pages served from "
          "the cache:")
    print(table)
    slow = [row.path for row in rows if row.throughput_ratio < TARGET_RATIO and not row.label]
    print(f"\ntarget, throughput at least {TARGET_RATIO:.0%} of {BASELINE}: "
          + (f"missed by {', '.join(slow)}" if slow else "met by every public path"))
    if "members" in meta:
        print(f"members' pages: signed in as {DEMO_EDITOR}, never publicly cached, no target; "
              f"the round of people's voice: --voice-answers {args.voice_answers:,}")
    if cold_rows:
        print("\nEvery request a cache miss (--cold), beside the same baseline:")
        print(markdown_table([rows[0], *cold_rows]))
        slow = [row.path for row in cold_rows if row.throughput_ratio < COLD_TARGET_RATIO]
        print(f"\ntarget, cold throughput at least {COLD_TARGET_RATIO:.0%} of {BASELINE}: "
              + (f"missed by {', '.join(slow)}" if slow else "met by every path"))
    mixed_rows = [MixedRow(**row) for row in meta.get("mixed", [])]
    if mixed_rows:
        print()
        print(mixed_table(mixed_rows))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {**meta, "baseline": BASELINE, "results": [asdict(row) for row in rows],
              "cold_results": [asdict(row) for row in cold_rows]}
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output}")
    failed = [row.path for row in [*rows, *cold_rows] if row.errors]
    failed += [f"the mixed load ({row.kind})" for row in mixed_rows if row.errors]
    if failed:
        print(f"errors on {', '.join(failed)}: see the errors column", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
