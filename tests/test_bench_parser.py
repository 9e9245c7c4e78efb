"""The wrk output parser of benchmarks/run.py, on captured `wrk --latency` output."""

from __future__ import annotations

import http.server
import importlib.util
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from types import ModuleType

import pytest

RUN_PY = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def _load_run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mir_benchmarks_run", RUN_PY)
    assert spec is not None and spec.loader is not None, f"cannot load {RUN_PY}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while building classes
    spec.loader.exec_module(module)
    return module


run = _load_run()

# A fast endpoint: latencies in microseconds, no errors.
FAST = """\
Running 10s test @ http://127.0.0.1:41873/healthz
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.44us  301.12us   9.87ms   91.20%
    Req/Sec    19.83k     1.21k   22.40k    74.50%
  Latency Distribution
     50%  765.00us
     75%    0.90ms
     90%    1.08ms
     99%  942.00us
  394702 requests in 10.00s, 57.22MB read
Requests/sec:  39468.43
Transfer/sec:      5.72MB
"""

# A page under load: milliseconds, some 404s.
PAGE = """\
Running 2s test @ http://127.0.0.1:18765/missing
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.12ms   16.28ms 213.24ms   93.98%
    Req/Sec   404.08    169.86   777.00     65.00%
  Latency Distribution
     50%    6.02ms
     75%    9.81ms
     90%   16.65ms
     99%   78.21ms
  1630 requests in 2.04s, 828.10KB read
  Non-2xx or 3xx responses: 1630
Requests/sec:    797.75
Transfer/sec:    405.28KB
"""

# An overloaded server: seconds, socket errors and timeouts.
OVERLOADED = """\
Running 10s test @ http://127.0.0.1:41873/frameworks
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   834.17ms  312.55ms   1.99s    68.02%
    Req/Sec    20.41     11.87    60.00     70.31%
  Latency Distribution
     50%  801.33ms
     75%    1.02s
     90%    1.31s
     99%    1.87s
  371 requests in 10.02s, 4.11MB read
  Socket errors: connect 0, read 3, write 1, timeout 12
  Non-2xx or 3xx responses: 2
Requests/sec:     37.03
Transfer/sec:    420.12KB
"""


def test_parses_microseconds_without_errors() -> None:
    result = run.parse_wrk_output(FAST)
    assert result.requests_per_sec == pytest.approx(39468.43)
    assert result.p99_ms == pytest.approx(0.942)  # the 99% line, not the 50%, 75% or 90% ones
    assert result.requests == 394702
    assert (result.non_2xx_3xx, result.socket_errors, result.errors) == (0, 0, 0)


def test_parses_milliseconds_and_non_2xx() -> None:
    result = run.parse_wrk_output(PAGE)
    assert result.requests_per_sec == pytest.approx(797.75)
    assert result.p99_ms == pytest.approx(78.21)
    assert result.requests == 1630
    assert result.non_2xx_3xx == 1630
    assert result.socket_errors == 0
    assert result.errors == 1630


def test_parses_seconds_and_sums_socket_errors() -> None:
    result = run.parse_wrk_output(OVERLOADED)
    assert result.requests_per_sec == pytest.approx(37.03)
    assert result.p99_ms == pytest.approx(1870.0)
    assert result.socket_errors == 3 + 1 + 12
    assert result.non_2xx_3xx == 2
    assert result.errors == 18


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [("250.00", "us", 0.25), ("7.5", "ms", 7.5), ("1.20", "s", 1200.0), ("2.00", "m", 120_000.0)],
)
def test_time_units(value: str, unit: str, expected: float) -> None:
    assert run.to_ms(value, unit) == pytest.approx(expected)


def test_output_without_latency_distribution_is_rejected() -> None:
    percentiles = ("Latency Distribution", "50%", "75%", "90%", "99%")
    without = "\n".join(
        line for line in FAST.splitlines() if not line.strip().startswith(percentiles)
    )
    assert "Requests/sec" in without
    with pytest.raises(ValueError, match="--latency"):
        run.parse_wrk_output(without)


def test_output_without_requests_per_second_is_rejected() -> None:
    with pytest.raises(ValueError, match="Requests/sec"):
        run.parse_wrk_output("unable to connect to 127.0.0.1:18799 Connection refused\n")


def test_ratios_are_relative_to_healthz_and_higher_is_better() -> None:
    baseline = run.parse_wrk_output(FAST)
    page = run.parse_wrk_output(PAGE)
    rows = run.make_rows(baseline, [("/missing", page)])
    assert [row.path for row in rows] == ["/healthz", "/missing"]
    assert rows[0].throughput_ratio == pytest.approx(1.0)
    assert rows[0].p99_ratio == pytest.approx(1.0)
    assert rows[1].throughput_ratio == pytest.approx(797.75 / 39468.43)
    assert rows[1].p99_ratio == pytest.approx(0.942 / 78.21)
    table = run.markdown_table(rows)
    assert "higher is better" in table
    assert "| `/missing` | 798 | 78.21 | 0.02 | 0.01 | 1630 (1630 non-2xx/3xx, 0 socket) |" in table


def test_public_paths_are_filled_with_the_busiest_council_and_its_area(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = {"data": [
        {"slug": "quiet-council", "areas": [{"code": "E06000001"}], "commitments": [1]},
        {"slug": "busy-council", "areas": [{"code": "E08000003"}], "commitments": [1, 2]},
        {"slug": "no-area-council", "areas": [], "commitments": [1, 2, 3]},
    ]}
    asked: list[str] = []
    monkeypatch.setattr(run, "get_json", lambda url: asked.append(url) or page)
    paths = run.fill_placeholders(run.PUBLIC_PATHS, "http://127.0.0.1:1")
    assert "/organisations/busy-council" in paths
    assert "/areas/E08000003" in paths
    assert asked == ["http://127.0.0.1:1/api/v1/organisations?kind=council&per_page=50"]
    assert run.fill_placeholders(["/map"], "http://127.0.0.1:1") == ["/map"]
    assert len(asked) == 1  # no placeholders, no lookup


def test_orgs_option_is_bounded() -> None:
    assert run.parse_args(["--orgs", "30000"]).orgs == 30_000
    with pytest.raises(SystemExit):
        run.parse_args(["--orgs", "0"])


def test_wrk_command_sends_the_session_cookie_only_when_given() -> None:
    url = "http://127.0.0.1:1/manage/hartlepool-council"
    public = run.wrk_command("wrk", url, threads=2, connections=32, duration=5)
    assert public == ["wrk", "-t", "2", "-c", "32", "-d", "5s", "--latency", url]
    cookie = run.cookie_header({"session": "abc.def", "csrf": "x1"})
    assert cookie == "csrf=x1; session=abc.def"
    members = run.wrk_command("wrk", url, threads=2, connections=32, duration=5, cookie=cookie,
                              timeout_s=10)
    assert members[-5:] == ["-H", "Cookie: csrf=x1; session=abc.def", "--timeout", "10s", url]
    cold = run.wrk_command("wrk", url, threads=1, connections=1, duration=1, cold=True)
    assert cold[-3:] == ["-s", str(run.COLD_SCRIPT), url]


def _link(path: str) -> str:
    return f'<a class="govuk-link" href="{path}">{path}</a>'


WORKSPACE = "/manage/hartlepool-council"
FIRST, SECOND = f"{WORKSPACE}/assessments/1", f"{WORKSPACE}/assessments/4"
MEMBER_SITE = {
    "/manage": _link("/manage") + _link(WORKSPACE),
    WORKSPACE: _link(f"{WORKSPACE}/assessments")
    + _link(f"{WORKSPACE}/plans/making-it-real-2018/publish")
    + _link(f"{WORKSPACE}/plans/making-it-real-2018"),
    f"{WORKSPACE}/assessments": _link(f"{WORKSPACE}/assessments/compare") + _link(FIRST)
    + _link(SECOND),
    FIRST: _link(f"{FIRST}/markers/WI1") + _link(f"{FIRST}/voice"),
    SECOND: _link(f"{SECOND}/markers/WI1") + _link(f"{SECOND}/voice/7")
    + _link(f"{SECOND}/markers/IA1"),
    f"{SECOND}/voice/7": _link(f"{SECOND}/voice/7/responses") + _link(f"{SECOND}/markers/IA1"),
}


def test_members_pages_follow_links_to_the_assessment_with_a_voice_round() -> None:
    fetched: list[str] = []

    def fetch(path: str) -> str:
        fetched.append(path)
        return MEMBER_SITE[path]

    assert run.member_paths(fetch) == [
        ("workspace", WORKSPACE),
        ("assessment", SECOND),
        ("marker", f"{SECOND}/markers/IA1"),  # a marker of the round: its page shows answers
        ("action plan", f"{WORKSPACE}/plans/making-it-real-2018"),
        ("voice results", f"{SECOND}/voice/7"),
    ]
    assert f"{WORKSPACE}/assessments/compare" not in fetched


def test_members_pages_without_a_round_leave_the_voice_results_out() -> None:
    site = {**MEMBER_SITE, f"{WORKSPACE}/assessments": _link(FIRST)}
    assert run.member_paths(site.__getitem__) == [
        ("workspace", WORKSPACE),
        ("assessment", FIRST),
        ("marker", f"{FIRST}/markers/WI1"),
        ("action plan", f"{WORKSPACE}/plans/making-it-real-2018"),
    ]
    with pytest.raises(run.BenchError, match="no workspace"):
        run.member_paths({"/manage": _link("/manage")}.__getitem__)


def test_members_rows_are_labelled_and_voice_answers_go_with_members() -> None:
    baseline, page = run.parse_wrk_output(FAST), run.parse_wrk_output(PAGE)
    rows = run.make_rows(baseline, [("/", page), ("/manage/x", page)],
                         labels={"/manage/x": "workspace"})
    assert [row.label for row in rows] == ["", "", "workspace"]
    assert "| `/manage/x` (members: workspace) | 798 |" in run.markdown_table(rows)
    assert run.parse_args(["--members"]).voice_answers == run.DEFAULT_VOICE_ANSWERS
    assert run.parse_args(["--members", "--voice-answers", "0"]).voice_answers == 0
    assert run.parse_args([]).voice_answers == 0
    with pytest.raises(SystemExit):
        run.parse_args(["--voice-answers", "10"])


def test_cold_runs_never_ask_for_an_address_an_earlier_run_asked_for() -> None:
    """Two --cold runs against one server: every address new, so the second run is not
    answered from what the first left in the cache."""
    wrk = shutil.which("wrk")
    assert wrk, "wrk is missing: make test-system-deps installs it"
    asked: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # (the standard library names it)
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/organisations?q=care"
    try:
        for _run in range(2):
            command = run.wrk_command(wrk, url, threads=1, connections=2, duration=1, cold=True)
            subprocess.run(command, check=True, capture_output=True, timeout=30)
    finally:
        server.shutdown()
    assert len(asked) > 10
    assert all(path.startswith("/organisations?q=care&cold=") for path in asked)
    assert len(set(asked)) == len(asked)
