"""Commitment status: one function, computed from dates (DESIGN §1)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum


class CommitmentStatus(StrEnum):
    signed_up = "signed_up"
    plan_published = "plan_published"
    progress_reported = "progress_reported"
    plan_overdue = "plan_overdue"
    lapsed = "lapsed"
    withdrawn = "withdrawn"


STATUS_LABELS = {
    CommitmentStatus.signed_up: "Signed up",
    CommitmentStatus.plan_published: "Plan published",
    CommitmentStatus.progress_reported: "Progress reported",
    CommitmentStatus.plan_overdue: "Plan overdue",
    CommitmentStatus.lapsed: "Lapsed",
    CommitmentStatus.withdrawn: "Withdrawn",
}

STATUS_MEANINGS = {
    CommitmentStatus.signed_up: "Signed up; the first action plan is not due yet.",
    CommitmentStatus.plan_published: "Has published an action plan.",
    CommitmentStatus.progress_reported: "Has published an action plan and reported progress "
                                        "on it.",
    CommitmentStatus.plan_overdue: "Signed up, but has not published an action plan within "
                                   "the time the framework suggests.",
    CommitmentStatus.lapsed: "Has published nothing for 12 months.",
    CommitmentStatus.withdrawn: "Has withdrawn from this framework.",
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 29th February becomes the 28th in other years."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def commitment_status(*, today: date, signed_up_on: date, plan_due_days: int = 90,
                      withdrawn_on: date | None = None, last_plan_on: date | None = None,
                      last_progress_on: date | None = None) -> CommitmentStatus:
    """Where an organisation stands with one framework on `today`.

    - withdrawn once it withdrew;
    - lapsed when nothing has been published for 12 months (counting from signing up when
      nothing was ever published): on the anniversary it is lapsed;
    - plan_overdue from the day after `plan_due_days` without a published plan;
    - progress_reported after a progress report, plan_published after a plan;
    - signed_up otherwise.
    """
    if withdrawn_on is not None and withdrawn_on <= today:
        return CommitmentStatus.withdrawn
    published = [d for d in (last_plan_on, last_progress_on) if d is not None]
    last_published = max(published) if published else None
    if today >= add_months(last_published or signed_up_on, 12):
        return CommitmentStatus.lapsed
    if last_plan_on is None:
        if today > signed_up_on + timedelta(days=plan_due_days):
            return CommitmentStatus.plan_overdue
        return CommitmentStatus.signed_up
    if last_progress_on is not None:
        return CommitmentStatus.progress_reported
    return CommitmentStatus.plan_published
