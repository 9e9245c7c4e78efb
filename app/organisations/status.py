"""Commitment status: one function, computed from dates (DESIGN §1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


@dataclass(frozen=True)
class PublishedDates:
    """What the commitment status needs: the latest plan and the latest progress report."""

    last_plan_on: date | None
    last_progress_on: date | None
    last_view_on: date | None = None  # independent views it published (to this framework)
    views: int = 0


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
    CommitmentStatus.signed_up: "Signed up. The first action plan is not due yet.",
    CommitmentStatus.plan_published: "Has put out an action plan.",
    CommitmentStatus.progress_reported: "Has put out an action plan. Has said how it is going.",
    CommitmentStatus.plan_overdue: "Signed up. But it has not put out an action plan in the "
                                   "time the framework suggests.",
    CommitmentStatus.lapsed: "Has put out nothing for 12 months.",
    CommitmentStatus.withdrawn: "Has withdrawn from this framework.",
}


# An organisation that holds others to account (CommitmentKind.hold_to_account) publishes
# independent views: the same statuses, said in the words of what it does.
HOLD_TO_ACCOUNT_LABELS = {
    **STATUS_LABELS,
    CommitmentStatus.plan_published: "View published",
    CommitmentStatus.progress_reported: "Views kept up to date",
    CommitmentStatus.plan_overdue: "View overdue",
}
HOLD_TO_ACCOUNT_MEANINGS = {
    **STATUS_MEANINGS,
    CommitmentStatus.signed_up: "Signed up to hold others to account. Its first independent "
                                "view is not due yet.",
    CommitmentStatus.plan_published: "Has put out an independent view of another group.",
    CommitmentStatus.progress_reported: "Has put out independent views more than once. It "
                                        "keeps them up to date.",
    CommitmentStatus.plan_overdue: "Signed up to hold others to account. But it has not put "
                                   "out an independent view in the time the framework "
                                   "suggests.",
}
HOLD_TO_ACCOUNT = "hold_to_account"  # CommitmentKind.hold_to_account (models import this)
# Each status's tag in Easy Read, by its standard words (either kind of commitment).
EASY_READ_STATUS_LABELS = {
    "Signed up": "Signed up",
    "Plan published": "Plan is out",
    "Progress reported": "Says how it is going",
    "Plan overdue": "Plan is late",
    "Lapsed": "Quiet for a year",
    "Withdrawn": "Left",
    "View published": "View is out",
    "Views kept up to date": "Views up to date",
    "View overdue": "View is late",
}


def status_label(status: CommitmentStatus, commitment_kind: str = "") -> str:
    labels = HOLD_TO_ACCOUNT_LABELS if commitment_kind == HOLD_TO_ACCOUNT else STATUS_LABELS
    return labels[status]


def status_words(label: str, *, easy_read: bool = False) -> str:
    """A status tag's words as the page shows them: `label` or, in Easy Read, its Easy Read
    words."""
    return EASY_READ_STATUS_LABELS.get(label, label) if easy_read else label


def status_meaning(status: CommitmentStatus, commitment_kind: str = "") -> str:
    meanings = HOLD_TO_ACCOUNT_MEANINGS if commitment_kind == HOLD_TO_ACCOUNT \
        else STATUS_MEANINGS
    return meanings[status]


def counted_dates(commitment_kind: str, *, last_plan_on: date | None,
                  last_progress_on: date | None, last_view_on: date | None,
                  views: int) -> tuple[date | None, date | None]:
    """(last plan, last progress) as the status rules count them for this kind of
    commitment: to hold others to account, a published independent view counts as the
    plan, and a later one as progress (DESIGN §6)."""
    if commitment_kind == HOLD_TO_ACCOUNT:
        return last_view_on, last_view_on if views >= 2 else None
    return last_plan_on, last_progress_on


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
