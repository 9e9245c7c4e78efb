"""Independent views: starting one and keeping it about the latest publication. Rating a
view's markers, its evidence and its co-production record are an assessment's
(app/assessments), with this kind (`VIEW`); publishing is in `publishing.py`, the
side-by-side comparison in `comparison.py`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.assessments import repository as assessments
from app.assessments.kinds import view_kind
from app.assessments.models import Assessment, Rating
from app.audit.service import record
from app.errors import DomainError
from app.frameworks import Framework
from app.organisations.models import Organisation
from app.publications.models import Publication
from app.views import repository
from app.views.snapshot import published_markers

# Starting a view --------------------------------------------------------------------------

def start_view(db: Session, *, actor_id: int, organisation: Organisation, about: Publication,
               framework: Framework) -> Assessment:
    """A new draft view of `about`, another organisation's published assessment."""
    about_organisation = db.get(Organisation, about.organisation_id)
    if about.organisation_id == organisation.id:
        raise DomainError("Choose another organisation: a view is of someone else's markers",
                          field="about")
    if (about_organisation is None or not about_organisation.is_listed
            or about.hidden_reason is not None
            or repository.latest_assessed(db, about.organisation_id, framework.id) != about):
        raise DomainError("Choose an organisation's latest published assessment from the list",
                          field="about")
    existing = [view for view in assessments.views_by(db, organisation.id or 0)
                if view.subject_organisation_id == about.organisation_id
                and view.framework_id == framework.id]
    if existing:
        raise DomainError(f"Your organisation is already writing a view of "
                          f"{about_organisation.name} for {framework.title}: carry on with it",
                          field="about")
    view = Assessment(organisation_id=organisation.id or 0,
                      subject_organisation_id=about.organisation_id,
                      framework_id=framework.id, framework_version=framework.version, name="",
                      about_publication_id=about.id, created_by_id=actor_id)
    db.add(view)
    db.flush()
    for marker in framework.markers:
        db.add(Rating(assessment_id=view.id or 0, marker_code=marker.code,
                      updated_by_id=actor_id))
    record(db, actor_id=actor_id, action="view.start", organisation_id=organisation.id,
           subject=f"view:{view.id}",
           after={"about": about_organisation.slug, "framework": framework.id,
                  "about_publication": about.number})
    return view


def newer_publication(db: Session, view: Assessment) -> Publication | None:
    """The organisation viewed's latest assessed publication, if newer than the view's."""
    latest = repository.latest_assessed(db, view.subject_organisation_id, view.framework_id)
    return latest if latest is not None and latest.id != view.about_publication_id else None


def look_at_newer(db: Session, *, actor_id: int, view: Assessment) -> Publication:
    """Make the view about the organisation viewed's newest publication."""
    latest = newer_publication(db, view)
    if latest is None:
        raise DomainError("Your view is already about their latest publication",
                          status_code=409)
    before = view.about_publication_id
    view.about_publication_id = latest.id
    db.add(view)
    record(db, actor_id=actor_id, action="view.about_newer", organisation_id=view.organisation_id,
           subject=f"view:{view.id}", before={"about_publication_id": before},
           after={"about_publication_id": latest.id})
    return latest


def their_words(db: Session, view: Assessment) -> dict[str, dict[str, Any]]:
    """What the organisation viewed published about each marker (never its drafts)."""
    about = db.get(Publication, view.about_publication_id) if view.about_publication_id \
        else None
    if about is None or about.hidden_reason is not None:
        return {}
    return published_markers(about.snapshot)


# What a view's marker pages show beside the form (app/assessments/kinds.py).
VIEW = view_kind(their_words)


@dataclass(frozen=True)
class WaitingView:
    publication: Publication  # the published independent view
    viewer: Organisation  # who wrote it


def views_waiting_for_reply(db: Session, organisation_id: int) -> list[WaitingView]:
    """Independent views of this organisation that it has not replied to yet (two queries)."""
    received = [(publication, viewer)
                for publication, viewer in repository.views_published_about(db, organisation_id)
                if publication.hidden_reason is None]
    replies = repository.replies_to(db, [publication.id or 0 for publication, _ in received])
    return [WaitingView(publication, viewer) for publication, viewer in received
            if not replies.get(publication.id or 0)]
