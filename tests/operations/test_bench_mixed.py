"""benchmarks/run.py --mixed: its options, percentile and table (no server is started)."""

from __future__ import annotations

import pytest

from tests.test_bench_parser import run


def test_percentile_is_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert run.percentile(values, 0.99) == 99.0
    assert run.percentile(values, 0.50) == 50.0
    assert run.percentile([7.0], 0.99) == 7.0
    assert run.percentile([], 0.99) == 0.0


def test_mixed_table_and_options() -> None:
    rows = [
        run.MixedRow("public read", 100, 10.0, 20.0, 90.5, 0, 0),
        run.MixedRow("editor save", 20, 2.0, 50.0, 150.25, 1, 2),
    ]
    table = run.mixed_table(rows)
    assert "| public read | 100 | 10.0 | 20.0 | 90.5 | 0 | 0 |" in table
    assert "| editor save | 20 | 2.0 | 50.0 | 150.2 | 1 | 2 |" in table
    args = run.parse_args(
        [
            "--mixed",
            "--workers",
            "4",
            "--readers",
            "2",
            "--editors",
            "3",
            "--database-url",
            "postgresql://u@127.0.0.1/bench",
        ]
    )
    assert (args.mixed, args.workers, args.readers, args.editors) == (True, 4, 2, 3)
    with pytest.raises(SystemExit):
        run.parse_args(["--editors", "1000"])
