"""Moderation: the public reports a concern; site admins hide or show a publication."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

from sqlmodel import Session

from app import ratelimit
from app.accounts.models import User
from app.audit.service import record
from app.clock import now
from app.config import Settings
from app.email import compose
from app.moderation.models import ConcernReport
from app.organisations import repository as organisations
from app.organisations.models import Organisation
from app.publications.models import Publication, publication_kind_label

# Reports from one client address. Every report is kept and listed for the site admins;
# each admin is emailed about a few an hour at most (ratelimit.may_email).
CONCERN_LIMIT = ratelimit.Limit("concern:address", 5, timedelta(hours=1))


def report_concern(db: Session, settings: Settings, *, publication: Publication,
                   organisation: Organisation, concern: str,
                   email: str) -> list[EmailMessage]:
    """Keep the report and tell the site admins (not more than a few times an hour)."""
    report = ConcernReport(publication_id=publication.id or 0, concern=concern, email=email)
    db.add(report)
    db.flush()
    record(db, actor_id=None, action="concern.report", organisation_id=organisation.id,
           subject=f"concern:{report.id}",
           after={"publication": f"{organisation.slug}/{publication.number}",
                  "concern": concern, "email": email})
    return [compose(settings, to=admin.email, template="concern_reported", context={
        "organisation": organisation.name,
        "publication": f"{publication_kind_label(publication.kind)} {publication.number}",
        "publication_path": f"/organisations/{organisation.slug}/publications/"
                            f"{publication.number}",
        "admin_path": f"/admin/publications/{publication.id}"})
        for admin in organisations.site_admins(db)
        if ratelimit.may_email(db, "concern_reported", admin.email)]


def hide_publication(db: Session, *, actor: User, publication: Publication,
                     reason: str) -> None:
    """Hide a publication; the reason is shown publicly in its place."""
    before = publication.hidden_reason
    publication.hidden_reason = reason
    db.add(publication)  # its pages go stale from the publications' flush hook
    record(db, actor_id=actor.id, action="publication.hide",
           organisation_id=publication.organisation_id,
           subject=f"publication:{publication.id}", before={"hidden_reason": before},
           after={"hidden_reason": reason})


def unhide_publication(db: Session, *, actor: User, publication: Publication) -> None:
    if publication.hidden_reason is None:
        return
    before = publication.hidden_reason
    publication.hidden_reason = None
    db.add(publication)  # its pages go stale from the publications' flush hook
    record(db, actor_id=actor.id, action="publication.unhide",
           organisation_id=publication.organisation_id,
           subject=f"publication:{publication.id}", before={"hidden_reason": before},
           after={"hidden_reason": None})


def close_concern(db: Session, *, actor: User, report: ConcernReport) -> None:
    """Mark a report as dealt with."""
    if report.closed_at is not None:
        return
    report.closed_at, report.closed_by_id = now(), actor.id
    db.add(report)
    record(db, actor_id=actor.id, action="concern.close", subject=f"concern:{report.id}",
           before={"closed": False}, after={"closed": True})
