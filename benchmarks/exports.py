"""How long each action-plan download takes, as a multiple of the HTML page's time.

    .venv/bin/python benchmarks/exports.py [--orgs 40] [--repeat 20] [--database-url URL]

Fills a throw-away SQLite database (or the scratch database given) with `mir demo`, picks
the listed organisation whose published plan has the most actions, and requests in turn,
in-process (no server, no network):

    /organisations/{slug}/action-plan          the page (the baseline)
    /organisations/{slug}/action-plan.pdf      WeasyPrint
    /organisations/{slug}/action-plan.docx     python-docx
    /organisations/{slug}/action-plan.csv
    /organisations/{slug}/action-plan.json

The public page cache is emptied before every request, so each one is rendered. Prints
the median and 90th percentile time of each, its size, and the ratio of its median to the
page's median, in wall-clock time and in CPU time (steadier on a busy machine), requests
taken round-robin. Exits 2 if the demo data has no published plan.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.caching import cache_of
from app.config import PROJECT_ROOT, Settings
from app.db import engine_for
from app.demo import load_demo
from app.main import create_app
from app.organisations.models import Organisation
from app.publications import repository as publications
from app.publications.service import PUBLISHED_FILES

FORMATS = ("", ".pdf", ".docx", ".csv", ".json")
WARMUP = 2


def busiest_plan(database_url: str) -> str | None:
    """The slug of the listed organisation whose latest plan has the most actions."""
    best: tuple[int, str] | None = None
    with Session(engine_for(database_url)) as db:
        for organisation in db.exec(select(Organisation)):
            if not organisation.is_listed:
                continue
            plans = [p for p in publications.publications_of(db, organisation.id or 0)
                     if p.kind in ("plan", "correction") and p.hidden_reason is None]
            if plans:
                size = len(plans[0].snapshot.get("actions", []))
                if best is None or size > best[0]:
                    best = (size, organisation.slug)
    return best[1] if best else None


@dataclass
class Timings:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    size: int = 0


def measure(client: TestClient, paths: list[str], repeat: int) -> dict[str, Timings]:
    """Round after round, each path once per round, so a busy machine slows all alike.

    CPU time is the whole process's (the test client runs the app in a thread of it)."""
    cache = cache_of(client.app)
    results = {path: Timings() for path in paths}
    for attempt in range(WARMUP + repeat):
        for path in paths:
            cache.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
            results[path].size = len(response.content)
            if attempt >= WARMUP:
                results[path].wall.append(wall)
                results[path].cpu.append(cpu)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=40, help="demo organisations (40)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per path (20)")
    parser.add_argument("--database-url", help="a scratch database (default: temporary SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mir-exports-bench-") as folder:
        root = Path(folder)
        settings = Settings(database_url=args.database_url or f"sqlite:///{root / 'mir.db'}",
                            upload_dir=root / "uploads", outbox_dir=root / "outbox",
                            markers_dir=PROJECT_ROOT / "markers")
        (settings.upload_dir / PUBLISHED_FILES).mkdir(parents=True)
        print(load_demo(settings, orgs=args.orgs, seed=args.seed, only_if_empty=True))
        slug = busiest_plan(settings.database_url)
        if slug is None:
            print("The demo data has no published plan to export.", file=sys.stderr)
            return 2
        base = f"/organisations/{slug}/action-plan"
        print(f"Organisation: {slug}; {args.repeat} requests per path after {WARMUP} "
              "warm-up requests; public cache emptied before each.\n")
        paths = [base + suffix for suffix in FORMATS]
        with TestClient(create_app(settings)) as client:
            logging.getLogger("mir.access").setLevel(logging.WARNING)
            results = measure(client, paths, args.repeat)
        page = results[base]
        print("| path | median ms | p90 ms | CPU ms | bytes | × page (time) | × page (CPU) |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for path, timings in results.items():
            median = statistics.median(timings.wall)
            cpu = statistics.median(timings.cpu)
            p90 = statistics.quantiles(timings.wall, n=10)[-1] \
                if len(timings.wall) > 1 else median
            print(f"| `{path}` | {median * 1000:.1f} | {p90 * 1000:.1f} | {cpu * 1000:.1f} "
                  f"| {timings.size} | {median / statistics.median(page.wall):.1f}× "
                  f"| {cpu / statistics.median(page.cpu):.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
