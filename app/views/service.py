"""Independent views: starting one, publishing a view or a reply, and the side-by-side
comparison. Rating a view's markers, its evidence and its co-production record are an
assessment's (app/assessments), with this kind (`VIEW`)."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.assessments import repository as assessments
from app.assessments.coproduction import co_production_complete
from app.assessments.kinds import view_kind
from app.assessments.models import Assessment, Rating
from app.audit.service import record
from app.caching import bump_public_version
from app.config import Settings
from app.email import compose
from app.errors import DomainError
from app.frameworks import Framework
from app.organisations.models import Organisation
from app.publications import repository as publications
from app.publications.models import REPLY_KIND, VIEW_KIND, Publication
from app.publications.service import PUBLISHED_FILES, Check
from app.publications.snapshot import stored_view_files
from app.views import repository
from app.views.snapshot import (
    build_reply_snapshot,
    build_view_snapshot,
    difference_in_words,
    level_steps,
    published_markers,
)

__all__ = ["VIEW", "DomainError", "checklist", "publish_reply", "publish_view", "side_by_side",
           "side_by_side_in_area", "side_by_side_of", "start_view"]


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


def _copy_files(items: list[dict[str, Any]], upload_dir: Path) -> None:
    """Copy each file: deleting a draft's evidence later never breaks what was published."""
    published_dir = upload_dir / PUBLISHED_FILES
    for item in items:
        source = upload_dir / item["stored_name"]
        copy_name = secrets.token_hex(16) + Path(item["stored_name"]).suffix
        if source.exists():
            published_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, published_dir / copy_name)
        item["stored_name"] = copy_name


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
    _copy_files(list(stored_view_files(snapshot)), upload_dir)
    publication = Publication(
        organisation_id=organisation.id or 0, framework_id=framework.id,
        number=publications.next_number(db, organisation.id or 0), kind=VIEW_KIND,
        published_on=today, published_by_id=actor_id,
        about_organisation_id=about_organisation.id, snapshot=snapshot)
    db.add(publication)
    db.flush()
    bump_public_version(db, [about_organisation.id or 0])  # the view shows on its pages too
    record(db, actor_id=actor_id, action="view.publish", organisation_id=organisation.id,
           subject=f"publication:{publication.number}",
           after={"kind": VIEW_KIND, "about": about_organisation.slug,
                  "framework": framework.id, "number": publication.number,
                  "published_on": str(today), "view": view.id})
    return publication


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
    bump_public_version(db, [viewer.id or 0])  # the reply shows beside the view
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


# Side by side ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reply:
    number: int
    published_on: date
    hidden_reason: str | None
    overall: str
    markers: dict[str, str]


@dataclass(frozen=True)
class ViewSummary:
    """One organisation's latest published view, and the latest reply to it."""

    viewer_name: str
    viewer_slug: str
    number: int
    published_on: date
    hidden_reason: str | None
    about: dict[str, Any]
    reply: Reply | None
    voice: dict[str, Any] | None = None  # people's voice as published with the view


@dataclass(frozen=True)
class LocalSay:
    """What local people say about one marker, through one organisation."""

    view: ViewSummary
    level_label: str
    reasons: str
    difference: str
    # Levels higher (positive) or lower (negative) than the organisation's; None: not comparable.
    steps: int | None
    evidence: list[dict[str, Any]]
    reply_text: str | None
    voice: dict[str, Any] | None = None  # this marker's counts (None inside below 5)


@dataclass(frozen=True)
class MarkerComparison:
    code: str
    statement: str
    theme_title: str
    organisation_level_label: str
    organisation_working: str
    organisation_needs_change: str
    local: list[LocalSay]


@dataclass(frozen=True)
class Comparison:
    """For one framework: the organisation's words, local people's, and the replies."""

    organisation_name: str
    organisation_slug: str
    organisation_kind: str
    framework_id: str
    framework_title: str
    own_number: int | None
    own_published_on: date | None
    views: list[ViewSummary]
    markers: list[MarkerComparison]


def _reply(db_replies: list[Publication], organisation_id: int) -> Reply | None:
    latest = next((r for r in db_replies if r.organisation_id == organisation_id), None)
    if latest is None:
        return None
    return Reply(number=latest.number, published_on=latest.published_on,
                 hidden_reason=latest.hidden_reason,
                 overall=latest.snapshot.get("overall", ""),
                 markers={m["code"]: m["text"] for m in latest.snapshot.get("markers", [])})


def side_by_side(db: Session, organisation: Organisation) -> list[Comparison]:
    """Per framework and marker: what the organisation says, what local people say (naming
    the organisation that gathered their views), and the reply. Public data only."""
    assert organisation.id is not None
    rows = [(publication, viewer, organisation) for publication, viewer
            in repository.views_published_about(db, organisation.id)]
    return side_by_side_of(db, rows).get(organisation.id, [])


def side_by_side_in_area(db: Session, area_code: str) -> dict[int, list[Comparison]]:
    """The side by side of every listed organisation working in the area that local people
    have published a view of, by organisation id: three queries, however many there are."""
    return side_by_side_of(db, repository.views_published_in_area(db, area_code))


def side_by_side_of(db: Session,
                    rows: Sequence[tuple[Publication, Organisation, Organisation]]
                    ) -> dict[int, list[Comparison]]:
    """The comparisons for each organisation viewed, from (view publication, who wrote it,
    who it is about) rows, newest first. Two more queries: the replies, and each organisation
    viewed's own latest publication. Views by unlisted organisations are left out."""
    latest_by_viewer: dict[tuple[int, str, int], Publication] = {}
    viewers: dict[int, Organisation] = {}
    viewed: dict[int, Organisation] = {}
    for publication, viewer, about in rows:
        if viewer.is_listed:
            latest_by_viewer.setdefault((about.id or 0, publication.framework_id,
                                         viewer.id or 0), publication)
            viewers[viewer.id or 0] = viewer
            viewed[about.id or 0] = about
    if not latest_by_viewer:
        return {}
    replies = repository.replies_to(db, [p.id or 0 for p in latest_by_viewer.values()])
    own = repository.latest_own_publications_of(db, list(viewed))
    found: dict[int, list[Comparison]] = {}
    for about_id, framework_id in dict.fromkeys(key[:2] for key in latest_by_viewer):
        views = [(publication, viewers[viewer_id]) for (organisation_id, framework, viewer_id),
                 publication in latest_by_viewer.items()
                 if organisation_id == about_id and framework == framework_id]
        found.setdefault(about_id, []).append(_comparison(
            viewed[about_id], framework_id, views, replies,
            own.get(about_id, {}).get(framework_id)))
    return found


def _comparison(organisation: Organisation, framework_id: str,
                published: list[tuple[Publication, Organisation]],
                replies: dict[int, list[Publication]],
                own_publication: Publication | None) -> Comparison:
    """One organisation's comparison for one framework, from the latest view by each
    organisation that wrote one."""
    assert organisation.id is not None
    views = [(publication, ViewSummary(
        viewer_name=viewer.name, viewer_slug=viewer.slug,
        number=publication.number, published_on=publication.published_on,
        hidden_reason=publication.hidden_reason, about=publication.snapshot["about"],
        reply=_reply(replies.get(publication.id or 0, []), organisation.id),
        voice=publication.snapshot.get("voice")))
        for publication, viewer in published]
    own_snapshot = own_publication.snapshot if own_publication else views[0][0].snapshot
    theirs = published_markers(own_publication.snapshot) if own_publication else {}
    scale = [level["id"] for level in own_snapshot["framework"]["scale"]]
    markers: dict[str, MarkerComparison] = {}
    for publication, summary in views:
        if summary.hidden_reason is not None:
            continue
        for theme in publication.snapshot["view"]["themes"]:
            for marker in theme["markers"]:
                code = marker["code"]
                ours = theirs.get(code, {})
                reply = summary.reply
                say = LocalSay(
                    view=summary, level_label=marker["level_label"],
                    reasons=marker["reasons"],
                    difference=difference_in_words(
                        scale, organisation_level=ours.get("level"),
                        local_level=marker["level"], organisation=organisation.name,
                        viewer=summary.viewer_name),
                    steps=level_steps(scale, organisation_level=ours.get("level"),
                                      local_level=marker["level"]),
                    evidence=marker["evidence"],
                    reply_text=reply.markers.get(code) if reply and reply.hidden_reason
                    is None else None,
                    voice=next((m for m in (summary.voice or {}).get("markers", [])
                                if m["code"] == code), None))
                if code not in markers:
                    markers[code] = MarkerComparison(
                        code=code, statement=marker["statement"], theme_title=theme["title"],
                        organisation_level_label=ours.get("level_label", "Not published"),
                        organisation_working=ours.get("working", ""),
                        organisation_needs_change=ours.get("needs_change", ""), local=[])
                markers[code].local.append(say)
    order = list(theirs) + [code for code in markers if code not in theirs]
    return Comparison(
        organisation_name=organisation.name, organisation_slug=organisation.slug,
        organisation_kind=organisation.kind, framework_id=framework_id,
        framework_title=own_snapshot["framework"]["title"],
        own_number=own_publication.number if own_publication else None,
        own_published_on=own_publication.published_on if own_publication else None,
        views=[summary for _publication, summary in views],
        markers=[markers[code] for code in order if code in markers])


def views_given(db: Session, organisation: Organisation
                ) -> list[tuple[Publication, Organisation]]:
    """The views this organisation published about organisations that are listed."""
    published = repository.views_published_by(db, organisation.id or 0)
    about = repository.organisations_by_id(db, [p.about_organisation_id or 0
                                                for p in published])
    return [(publication, about[publication.about_organisation_id or 0])
            for publication in published
            if publication.about_organisation_id in about
            and about[publication.about_organisation_id or 0].is_listed]
