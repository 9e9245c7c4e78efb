"""Commitment status on its boundaries: day 90, and 12 months without publishing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.organisations.status import CommitmentStatus as S
from app.organisations.status import add_months, commitment_status

SIGNED = date(2025, 1, 10)


def status(today: date, **kwargs: object) -> S:
    return commitment_status(today=today, signed_up_on=SIGNED, **kwargs)  # type: ignore[arg-type]


def test_signed_up_until_day_90_then_overdue() -> None:
    assert status(SIGNED) == S.signed_up
    assert status(SIGNED + timedelta(days=90)) == S.signed_up
    assert status(SIGNED + timedelta(days=91)) == S.plan_overdue


def test_framework_can_set_its_own_plan_due_days() -> None:
    assert status(SIGNED + timedelta(days=31), plan_due_days=30) == S.plan_overdue
    assert status(SIGNED + timedelta(days=30), plan_due_days=30) == S.signed_up


def test_nothing_published_for_12_months_is_lapsed_on_the_anniversary() -> None:
    assert status(date(2026, 1, 9)) == S.plan_overdue
    assert status(date(2026, 1, 10)) == S.lapsed


def test_plan_published_then_lapses_12_months_after_the_last_publication() -> None:
    plan = date(2025, 3, 1)
    assert status(date(2025, 3, 1), last_plan_on=plan) == S.plan_published
    assert status(date(2026, 2, 28), last_plan_on=plan) == S.plan_published
    assert status(date(2026, 3, 1), last_plan_on=plan) == S.lapsed


def test_progress_report_keeps_it_going() -> None:
    plan, progress = date(2025, 3, 1), date(2026, 2, 1)
    assert status(date(2026, 3, 1), last_plan_on=plan, last_progress_on=progress) \
        == S.progress_reported
    assert status(date(2027, 1, 31), last_plan_on=plan, last_progress_on=progress) \
        == S.progress_reported
    assert status(date(2027, 2, 1), last_plan_on=plan, last_progress_on=progress) \
        == S.lapsed


def test_plan_published_late_is_no_longer_overdue() -> None:
    assert status(date(2025, 6, 1), last_plan_on=date(2025, 5, 30)) == S.plan_published


def test_withdrawn_wins_from_the_day_of_withdrawal() -> None:
    assert status(date(2025, 2, 1), withdrawn_on=date(2025, 2, 1)) == S.withdrawn
    assert status(date(2025, 1, 31), withdrawn_on=date(2025, 2, 1)) == S.signed_up


@pytest.mark.parametrize(("day", "expected"), [
    (date(2024, 2, 29), date(2025, 2, 28)),
    (date(2025, 1, 31), date(2026, 1, 31)),
    (date(2025, 12, 15), date(2026, 12, 15)),
])
def test_add_twelve_months(day: date, expected: date) -> None:
    assert add_months(day, 12) == expected


def test_add_one_month_to_the_31st() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
