"""Publishing an independent view, and the organisation viewed publishing its reply: the
checks, the snapshot to check first, the publication, and the emails that tell people."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.assessments import repository as assessments
from app.assessments.coproduction import co_production_complete
from app.assessments.models import Assessment
from app.audit.service import record
from app.config import Settings
from app.email import compose
from app.errors import DomainError
from app.frameworks import Framework
from app.organisations.models import Organisation
from app.publications import repository as publications
from app.publications.models import REPLY_KIND, VIEW_KIND, Publication
from app.publications.service import Check, copy_files
from app.publications.snapshot import stored_view_files
from app.views import repository
from app.views.snapshot import build_reply_snapshot, build_view_snapshot

# Publishing a view ---------------------------------------------------------------------------

def checklist(db: Session, *, view: Assessment, organisation: Organisation,
              about_organisation: Organisation, base: str) -> list[Check]:
    """What must be true before a view is published."""
    about = db.get(Publication, view.about_publication_id) if view.about_publication_id \
        else None
    rated = sum(1 for rating in assessments.ratings_of(db, view.id or 0).values()
                if rating.level is not None)
    return [
        Check(about is not None and about.hidden_reason is None
              and about_organisation.is_listed,
              f"{about_organisation.name}'s publication that this view is about is public"),
        Check(organisation.is_listed, "Your organisation is listed publicly"),
        Check(rated > 0, f"At least one marker has a level ({rated} so far)", base),
        Check(co_production_complete(assessments.co_production_of(db, view.id or 0)),
              "The co-production record says who took part, how, and what they said",
              f"{base}/co-production"),
    ]


def preview(db: Session, *, view: Assessment, organisation: Organisation,
            about_organisation: Organisation, framework: Framework,
            today: date) -> dict[str, Any] | None:
    about = db.get(Publication, view.about_publication_id) if view.about_publication_id \
        else None
    if about is None:
        return None
    return build_view_snapshot(db, view=view, organisation=organisation,
                               about_organisation=about_organisation, about=about,
                               framework=framework, today=today)


def publish_view(db: Session, *, actor_id: int, view: Assessment,
                 organisation: Organisation, about_organisation: Organisation,
                 framework: Framework, today: date, upload_dir: Path, base: str) -> Publication:
    """Freeze the view as a dated, numbered publication of the organisation writing it."""
    problems = [c.text for c in checklist(db, view=view, organisation=organisation,
                                          about_organisation=about_organisation, base=base)
                if not c.done]
    if problems:
        raise DomainError("Not ready to publish: " + "; ".join(problems), field="publish")
    snapshot = preview(db, view=view, organisation=organisation,
                       about_organisation=about_organisation, framework=framework, today=today)
    assert snapshot is not None
    copy_files(stored_view_files(snapshot), upload_dir)
    publication = Publication(
        organisation_id=organisation.id or 0, framework_id=framework.id,
        number=publications.next_number(db, organisation.id or 0), kind=VIEW_KIND,
        published_on=today, published_by_id=actor_id,
        about_organisation_id=about_organisation.id, snapshot=snapshot)
    db.add(publication)
    db.flush()
    record(db, actor_id=actor_id, action="view.publish", organisation_id=organisation.id,
           subject=f"publication:{publication.number}",
           after={"kind": VIEW_KIND, "about": about_organisation.slug,
                  "framework": framework.id, "number": publication.number,
                  "published_on": str(today), "view": view.id})
    return publication


REPLY_MARKER_LIMIT = 20_000


def reply_marker_problems(per_marker: dict[str, str]) -> dict[str, str]:
    """Form errors for replies on a marker that are too long, keyed by the marker's field."""
    return {f"marker-{code}": "Your reply on this marker must be 20,000 characters or fewer"
            for code, text in per_marker.items() if len(text) > REPLY_MARKER_LIMIT}


def preview_reply(db: Session, *, organisation: Organisation, view_publication: Publication,
                  framework: Framework, overall: str, per_marker: dict[str, str],
                  today: date) -> dict[str, Any]:
    """What a reply would publish (its snapshot), to check before the step that cannot be
    undone."""
    viewer = db.get(Organisation, view_publication.organisation_id)
    if view_publication.kind != VIEW_KIND \
            or view_publication.about_organisation_id != organisation.id or viewer is None:
        raise DomainError("You can only reply to a view of your own organisation",
                          field="overall")
    if not overall.strip():
        raise DomainError("Enter your reply", field="overall")
    return build_reply_snapshot(db, organisation=organisation,
                                view_publication=view_publication, viewer=viewer,
                                framework=framework, overall=overall.strip(),
                                per_marker=per_marker, today=today)


def publish_reply(db: Session, *, actor_id: int, organisation: Organisation,
                  view_publication: Publication, framework: Framework, overall: str,
                  per_marker: dict[str, str], today: date) -> Publication:
    """The organisation viewed answers a view: a dated, numbered publication of its own."""
    snapshot = preview_reply(db, organisation=organisation, view_publication=view_publication,
                             framework=framework, overall=overall, per_marker=per_marker,
                             today=today)
    viewer = db.get(Organisation, view_publication.organisation_id)
    assert viewer is not None
    publication = Publication(
        organisation_id=organisation.id or 0, framework_id=framework.id,
        number=publications.next_number(db, organisation.id or 0), kind=REPLY_KIND,
        published_on=today, published_by_id=actor_id, in_reply_to_id=view_publication.id,
        about_organisation_id=viewer.id, snapshot=snapshot)
    db.add(publication)
    db.flush()
    record(db, actor_id=actor_id, action="reply.publish", organisation_id=organisation.id,
           subject=f"publication:{publication.number}",
           after={"kind": REPLY_KIND, "in_reply_to": f"{viewer.slug}/{view_publication.number}",
                  "number": publication.number, "published_on": str(today),
                  "markers": [m["code"] for m in snapshot["markers"]]})
    return publication


# Telling people -----------------------------------------------------------------------------

def view_emails(db: Session, settings: Settings, *, publication: Publication,
                viewer: Organisation, about_organisation: Organisation) -> list[EmailMessage]:
    """Tell the owners of the organisation viewed, with a link to reply."""
    return [compose(settings, to=email, template="view_published", context={
        "name": name, "viewer": viewer.name, "organisation": about_organisation.name,
        "framework": publication.snapshot["framework"]["title"],
        "view_path": f"/organisations/{viewer.slug}/publications/{publication.number}",
        "reply_path": f"/manage/{about_organisation.slug}/views/received/{publication.id}"})
        for _id, name, email in repository.owners_of(db, about_organisation.id or 0)]


def reply_emails(db: Session, settings: Settings, *, reply: Publication,
                 organisation: Organisation, viewer: Organisation) -> list[EmailMessage]:
    """Tell the owners of the organisation that wrote the view that there is a reply."""
    return [compose(settings, to=email, template="reply_published", context={
        "name": name, "viewer": viewer.name, "organisation": organisation.name,
        "reply_path": f"/organisations/{organisation.slug}/publications/{reply.number}"})
        for _id, name, email in repository.owners_of(db, viewer.id or 0)]
