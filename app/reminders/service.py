"""Reminders to owners: a plan due in 14 days, a plan overdue, a yearly progress report due,
and a warning before an organisation lapses. Each is sent at most once, however often
`mir reminders send` runs, and never to an owner who unsubscribed from them."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from enum import StrEnum

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.audit.service import record
from app.clock import now
from app.config import Settings
from app.db import session_scope
from app.email import compose, send
from app.following.models import ReminderOptOut
from app.following.tokens import Unsubscribe, unsubscribe_token
from app.frameworks import FrameworkCatalogue
from app.organisations.models import Commitment, Organisation
from app.organisations.status import add_months
from app.publications.repository import published_dates
from app.reminders.models import ReminderSent
from app.views.repository import owners_of

PLAN_DUE_NOTICE = timedelta(days=14)  # "your plan is due in 14 days"
PROGRESS_NOTICE = timedelta(days=30)  # "your yearly progress report is due"
LAPSE_NOTICE = timedelta(days=14)  # "you will lapse in 14 days"

_session = contextmanager(session_scope)


class ReminderKind(StrEnum):
    plan_due = "plan_due"
    plan_overdue = "plan_overdue"
    progress_due = "progress_due"
    lapsing = "lapsing"


def reminders_due(*, today: date, signed_up_on: date, plan_due_days: int = 90,
                  withdrawn_on: date | None = None, last_plan_on: date | None = None,
                  last_progress_on: date | None = None) -> list[tuple[ReminderKind, date]]:
    """Which reminders apply today, each with the date it is about (the same rules and dates
    as the commitment status in app/organisations/status.py):

    - plan_due from 14 days before the plan is due, up to the day it is due;
    - plan_overdue from the day after, while no plan is published;
    - progress_due from 30 days before a year has passed since the last publication;
    - lapsing from 14 days before that anniversary, the day the organisation lapses (in
      those 14 days it is the only reminder, so nobody gets two at once).
    Nothing once withdrawn or lapsed. At most one reminder applies on any day.
    """
    if withdrawn_on is not None and withdrawn_on <= today:
        return []
    published = [d for d in (last_plan_on, last_progress_on) if d is not None]
    lapses_on = add_months(max(published) if published else signed_up_on, 12)
    if today >= lapses_on:
        return []
    if lapses_on - LAPSE_NOTICE <= today:
        return [(ReminderKind.lapsing, lapses_on)]
    if last_plan_on is None:
        plan_due_on = signed_up_on + timedelta(days=plan_due_days)
        if plan_due_on - PLAN_DUE_NOTICE <= today <= plan_due_on:
            return [(ReminderKind.plan_due, plan_due_on)]
        if today > plan_due_on:
            return [(ReminderKind.plan_overdue, plan_due_on)]
        return []
    if lapses_on - PROGRESS_NOTICE <= today:
        return [(ReminderKind.progress_due, lapses_on)]
    return []


@dataclass(frozen=True)
class Reminder:
    organisation_id: int
    organisation_slug: str
    organisation_name: str
    framework_id: str
    framework_title: str
    kind: ReminderKind
    due_on: date


def due_today(db: Session, catalogue: FrameworkCatalogue, today: date) -> list[Reminder]:
    """Every reminder that applies today, sent or not."""
    rows = db.exec(select(Commitment, Organisation)
                   .join(Organisation, col(Organisation.id) == col(Commitment.organisation_id))
                   .where(col(Commitment.withdrawn_on).is_(None),
                          col(Organisation.merged_into_id).is_(None))
                   .order_by(col(Organisation.id), col(Commitment.id))).all()
    dates = published_dates(db, sorted({organisation.id or 0 for _c, organisation in rows}))
    found = []
    for commitment, organisation in rows:
        framework = catalogue.get(commitment.framework_id)
        if framework is None:
            continue
        published = dates.get((organisation.id or 0, framework.id))
        for kind, due_on in reminders_due(
                today=today, signed_up_on=commitment.signed_up_on,
                plan_due_days=framework.plan_due_days,
                last_plan_on=published.last_plan_on if published else None,
                last_progress_on=published.last_progress_on if published else None):
            found.append(Reminder(organisation.id or 0, organisation.slug, organisation.name,
                                  framework.id, framework.title, kind, due_on))
    return found


def _claim(db: Session, reminder: Reminder) -> ReminderSent | None:
    """Record the reminder as sent; None if it was already (by this run or another)."""
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: an ORM insert on PostgreSQL reports rowcount -1.
    claimed = db.execute(insert(ReminderSent)
                         .values(organisation_id=reminder.organisation_id,
                                 framework_id=reminder.framework_id, kind=reminder.kind.value,
                                 due_on=reminder.due_on, recipients=0, sent_at=now())
                         .on_conflict_do_nothing(index_elements=[
                             "organisation_id", "framework_id", "kind", "due_on"])
                         .returning(col(ReminderSent.id))).first()
    return db.get(ReminderSent, claimed[0]) if claimed is not None else None


def _opted_out(db: Session, organisation_id: int) -> set[int]:
    return set(db.exec(select(ReminderOptOut.user_id)
                       .where(ReminderOptOut.organisation_id == organisation_id)).all())


def compose_reminder(db: Session, settings: Settings,
                     reminder: Reminder) -> list[EmailMessage] | None:
    """Claim the reminder and write its emails to the owners; None if already sent."""
    sent = _claim(db, reminder)
    if sent is None:
        return None
    stopped = _opted_out(db, reminder.organisation_id)
    owners = [owner for owner in owners_of(db, reminder.organisation_id)
              if owner[0] not in stopped]
    sent.recipients = len(owners)
    db.add(sent)
    record(db, actor_id=None, action="reminder.send", organisation_id=reminder.organisation_id,
           subject=f"reminder:{sent.id}",
           after={"kind": reminder.kind.value, "framework": reminder.framework_id,
                  "due_on": str(reminder.due_on), "recipients": len(owners)})
    base = f"/manage/{reminder.organisation_slug}"
    return [compose(settings, to=email, template="reminder", context={
        "name": name, "kind": reminder.kind.value, "organisation": reminder.organisation_name,
        "framework": reminder.framework_title, "due_on": reminder.due_on,
        "publish_path": f"{base}/plans/{reminder.framework_id}/publish",
        "plan_path": f"{base}/plans/{reminder.framework_id}",
        "settings_path": f"{base}/reminders",
        "unsubscribe_path": "/unsubscribe/" + unsubscribe_token(settings, Unsubscribe(
            "reminders", user_id=user_id, organisation_id=reminder.organisation_id))})
        for user_id, name, email in owners]


@dataclass(frozen=True)
class Outcome:
    reminders: int  # reminders sent this run
    emails: int


def send_reminders(engine: Engine, settings: Settings, catalogue: FrameworkCatalogue, *,
                   today: date) -> Outcome:
    """Send each reminder due today that was not sent before. Each one is recorded and
    committed before its emails go: a crash can lose a reminder, never send one twice."""
    with _session(engine) as db:
        due = due_today(db, catalogue, today)
    reminders = emails = 0
    for reminder in due:
        with _session(engine) as db:
            messages = compose_reminder(db, settings, reminder)
        if messages is None:
            continue
        reminders += 1
        for message in messages:
            send(settings, message)
            emails += 1
    return Outcome(reminders, emails)
