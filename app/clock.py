"""The one place that says what time it is, so tests can move it."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """The current time, timezone-aware in UTC (stored as UTC on both engines)."""
    return datetime.now(UTC)


def today() -> date:
    return now().date()
