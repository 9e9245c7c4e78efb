"""Side by side: each independent view beside what the organisation viewed published,
marker by marker, with any reply; for an organisation's pages and an area's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from app.organisations.models import Organisation
from app.publications.models import Publication
from app.views import repository
from app.views.snapshot import difference_in_words, level_steps, published_markers

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
