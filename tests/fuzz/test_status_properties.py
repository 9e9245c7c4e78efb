"""Hypothesis: the commitment status rules, as properties over any dates."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.organisations.status import CommitmentStatus as S
from app.organisations.status import add_months, commitment_status

# Higher is better for the organisation (and for the people it supports).
RANK = {
    S.withdrawn: 0,
    S.lapsed: 1,
    S.plan_overdue: 2,
    S.signed_up: 3,
    S.plan_published: 4,
    S.progress_reported: 5,
}

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
due_days = st.integers(min_value=0, max_value=300)
MANY = settings(settings.default, max_examples=200)


@MANY
@given(
    today=days,
    signed=days,
    due=due_days,
    withdrawn=days,
    plan=st.none() | days,
    progress=st.none() | days,
)
def test_withdrawn_wins(
    today: date, signed: date, due: int, withdrawn: date, plan: date | None, progress: date | None
) -> None:
    assume(withdrawn <= today)
    assert (
        commitment_status(
            today=today,
            signed_up_on=signed,
            plan_due_days=due,
            withdrawn_on=withdrawn,
            last_plan_on=plan,
            last_progress_on=progress,
        )
        == S.withdrawn
    )


@MANY
@given(today=days, signed=days, due=due_days, withdrawn=st.none() | days)
def test_withdrawing_later_does_not_count_yet(
    today: date, signed: date, due: int, withdrawn: date | None
) -> None:
    assume(withdrawn is None or withdrawn > today)
    status = commitment_status(
        today=today, signed_up_on=signed, plan_due_days=due, withdrawn_on=withdrawn
    )
    assert status != S.withdrawn
    assert status == commitment_status(today=today, signed_up_on=signed, plan_due_days=due)


@MANY
@given(
    today=days,
    signed=days,
    due=due_days,
    plan_offset=st.integers(0, 5000),
    progress=st.none() | st.integers(0, 5000),
)
def test_publishing_a_plan_is_never_worse_than_not(
    today: date, signed: date, due: int, plan_offset: int, progress: int | None
) -> None:
    plan = signed + timedelta(days=plan_offset)
    assume(signed <= plan <= today)
    without = commitment_status(today=today, signed_up_on=signed, plan_due_days=due)
    with_plan = commitment_status(
        today=today, signed_up_on=signed, plan_due_days=due, last_plan_on=plan
    )
    assert RANK[with_plan] >= RANK[without]
    if progress is not None:
        reported = plan + timedelta(days=progress)
        assume(reported <= today)
        with_progress = commitment_status(
            today=today,
            signed_up_on=signed,
            plan_due_days=due,
            last_plan_on=plan,
            last_progress_on=reported,
        )
        assert RANK[with_progress] >= RANK[with_plan]


@MANY
@given(signed=days, due=due_days, first=st.integers(0, 800), later=st.integers(0, 800))
def test_without_a_plan_things_only_get_worse_with_time(
    signed: date, due: int, first: int, later: int
) -> None:
    earlier_day = signed + timedelta(days=first)
    later_day = earlier_day + timedelta(days=later)
    before = commitment_status(today=earlier_day, signed_up_on=signed, plan_due_days=due)
    after = commitment_status(today=later_day, signed_up_on=signed, plan_due_days=due)
    assert RANK[after] <= RANK[before]


@MANY
@given(signed=days, due=due_days, offset=st.integers(0, 300))
def test_signed_up_until_the_plan_is_due(signed: date, due: int, offset: int) -> None:
    assume(offset <= due)
    today = signed + timedelta(days=offset)
    assume(today < add_months(signed, 12))
    assert commitment_status(today=today, signed_up_on=signed, plan_due_days=due) == S.signed_up
    overdue = signed + timedelta(days=due + 1)
    if overdue < add_months(signed, 12):
        assert (
            commitment_status(today=overdue, signed_up_on=signed, plan_due_days=due)
            == S.plan_overdue
        )


@MANY
@given(day=days, months=st.integers(0, 240))
def test_add_months_moves_forward_and_keeps_the_day_where_it_can(day: date, months: int) -> None:
    later = add_months(day, months)
    assert later >= day
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day == day.day or later.day < day.day >= 28


@MANY
@given(first=days, second=days)
def test_add_months_is_monotonic(first: date, second: date) -> None:
    assume(first <= second)
    assert add_months(first, 12) <= add_months(second, 12)
