"""What a published view or reply freezes: built from drafts and publications alone.

A view is about the organisation viewed's *publication*: its levels here come from that
publication's snapshot, never from its draft assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from app.assessments import repository as assessments
from app.assessments.models import Assessment
from app.frameworks import Framework
from app.organisations import repository as organisations
from app.organisations.models import (
    Organisation,
    organisation_kind_label,
)
from app.publications.models import (
    REPLY_KIND,
    VIEW_KIND,
    VIEW_KIND_LABELS,
    Publication,
    publication_kind_label,
)
from app.publications.snapshot import co_production_snapshot, public_evidence, view_markers
from app.voice.service import voice_snapshot

SCHEMA_VERSION = 1


NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def level_steps(scale: list[str], *, organisation_level: str | None,
                local_level: str | None) -> int | None:
    """How many levels higher (positive) or lower (negative) local people rate a marker than
    the organisation does; None when either level is not on the scale."""
    if organisation_level not in scale or local_level not in scale:
        return None
    assert organisation_level is not None and local_level is not None
    return scale.index(local_level) - scale.index(organisation_level)


def difference_in_words(scale: list[str], *, organisation_level: str | None,
                        local_level: str | None, organisation: str, viewer: str) -> str:
    """The difference between two levels, said in words (never only shown by colour)."""
    steps = level_steps(scale, organisation_level=organisation_level, local_level=local_level)
    if steps is None:
        return "The two levels cannot be compared, because one of them is not on the scale."
    # Two short sentences, not one long one: the sentence is on every marker of a view.
    if steps == 0:
        return f"Local people give the same level as {organisation} does. {viewer} asked them."
    count = abs(steps)
    how_far = "one level" if count == 1 else f"{NUMBER_WORDS.get(count, str(count))} levels"
    direction = "lower" if steps < 0 else "higher"
    return (f"Local people rate this {how_far} {direction} than {organisation} does. "
            f"{viewer} asked them.")


def published_markers(snapshot: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Marker code → what a publication said about it (level, words), from its snapshot."""
    assessment = snapshot.get("assessment") or {}
    return {marker["code"]: marker for theme in assessment.get("themes", [])
            for marker in theme.get("markers", [])}


def organisation_part(db: Session, organisation: Organisation) -> dict[str, Any]:
    return {"name": organisation.name, "slug": organisation.slug, "kind": organisation.kind,
            "kind_label": organisation_kind_label(organisation.kind),
            "areas": [{"code": a.gss_code, "name": a.name}
                      for a in organisations.areas_of(db, organisation.id or 0)]}


def framework_part(framework: Framework) -> dict[str, Any]:
    return {"id": framework.id, "title": framework.title, "version": framework.version,
            "scale": [{"id": level.id, "label": level.label} for level in framework.scale]}


@dataclass(frozen=True)
class LocalWords:
    """What local people say about one marker: a level, reasons, and publishable evidence."""

    level: str | None
    reasons: str = ""
    evidence: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class PublicationRef:
    """The publication of the organisation viewed that a view is about."""

    number: int
    kind: str
    published_on: date


def compose_view_snapshot(*, organisation: dict[str, Any], about: dict[str, Any],
                          about_publication: PublicationRef, their_snapshot: dict[str, Any],
                          framework: Framework, words: dict[str, LocalWords],
                          co_production: dict[str, Any] | None,
                          today: date) -> dict[str, Any]:
    """A view's snapshot from plain values (the publishing service and the demo share it).

    `organisation` is an `organisation_part`, `about` the name, slug and kind label of the
    organisation viewed; `their_snapshot` is the snapshot of the publication viewed, so the
    organisation's levels come from what it published, never from its drafts."""
    labels = {level.id: level.label for level in framework.scale}
    scale = [level.id for level in framework.scale]
    theirs = published_markers(their_snapshot)
    themes = []
    for theme in framework.themes:
        markers = []
        for marker in theme.markers:
            said = words.get(marker.code)
            if said is None or (said.level is None and not said.reasons.strip()):
                continue
            their = theirs.get(marker.code, {})
            markers.append({
                "code": marker.code, "statement": marker.statement, "level": said.level,
                "level_label": labels.get(said.level or "", "Not rated"),
                "reasons": said.reasons,
                "their_level": their.get("level"),
                "their_level_label": their.get("level_label", "Not rated"),
                "difference": difference_in_words(
                    scale, organisation_level=their.get("level"), local_level=said.level,
                    organisation=about["name"], viewer=organisation["name"]),
                "evidence": list(said.evidence)})
        if markers:
            themes.append({"id": theme.id, "title": theme.title, "markers": markers})
    return {
        "schema": SCHEMA_VERSION, "kind": VIEW_KIND, "kind_label": VIEW_KIND_LABELS[VIEW_KIND],
        "published_on": today.isoformat(),
        "organisation": organisation,
        "about": {"name": about["name"], "slug": about["slug"],
                  "kind_label": about["kind_label"],
                  "publication_number": about_publication.number,
                  "publication_kind_label": publication_kind_label(about_publication.kind),
                  "published_on": about_publication.published_on.isoformat(),
                  "published_on_label": f"{about_publication.published_on:%-d %B %Y}"},
        "framework": framework_part(framework),
        "view": {"themes": themes},
        "co_production": co_production,
    }


def build_view_snapshot(db: Session, *, view: Assessment, organisation: Organisation,
                        about_organisation: Organisation, about: Publication,
                        framework: Framework, today: date) -> dict[str, Any]:
    """Everything the public will see of this view, and nothing else."""
    evidence = assessments.evidence_of_assessment(db, view.id or 0)
    words = {}
    for code, rating in assessments.ratings_of(db, view.id or 0).items():
        items = [public_evidence(item) for item in evidence.get(rating.id or 0, [])]
        # A view's reasons are its rating's `working` words.
        words[code] = LocalWords(rating.level, rating.working,
                                 tuple(item for item in items if item is not None))
    snapshot = compose_view_snapshot(
        organisation=organisation_part(db, organisation),
        about={"name": about_organisation.name, "slug": about_organisation.slug,
               "kind_label": organisation_kind_label(about_organisation.kind)},
        about_publication=PublicationRef(about.number, about.kind, about.published_on),
        their_snapshot=about.snapshot, framework=framework, words=words,
        co_production=co_production_snapshot(assessments.co_production_of(db, view.id or 0)),
        today=today)
    # The counts of the view's round of questions (suppressed below 5), never a comment.
    snapshot["voice"] = voice_snapshot(db, view, framework, today)
    return snapshot


def compose_reply_snapshot(*, organisation: dict[str, Any], viewer: dict[str, Any],
                           view_publication: PublicationRef, view_snapshot: dict[str, Any],
                           framework: Framework, overall: str, per_marker: dict[str, str],
                           today: date) -> dict[str, Any]:
    """A reply's snapshot from plain values: overall words, and words on each marker of the
    view that has some."""
    markers = []
    for code in view_markers(view_snapshot):
        text = per_marker.get(code, "").strip()
        marker = framework.marker(code)
        if text and marker is not None:
            markers.append({"code": code, "statement": marker.statement, "text": text})
    return {
        "schema": SCHEMA_VERSION, "kind": REPLY_KIND,
        "kind_label": VIEW_KIND_LABELS[REPLY_KIND], "published_on": today.isoformat(),
        "organisation": organisation,
        "in_reply_to": {"name": viewer["name"], "slug": viewer["slug"],
                        "number": view_publication.number,
                        "published_on": view_publication.published_on.isoformat(),
                        "published_on_label": f"{view_publication.published_on:%-d %B %Y}"},
        "framework": framework_part(framework),
        "overall": overall, "markers": markers,
    }


def build_reply_snapshot(db: Session, *, organisation: Organisation,
                         view_publication: Publication, viewer: Organisation,
                         framework: Framework, overall: str,
                         per_marker: dict[str, str], today: date) -> dict[str, Any]:
    """A reply: overall words, and words on each marker of the view that has some."""
    return compose_reply_snapshot(
        organisation=organisation_part(db, organisation),
        viewer={"name": viewer.name, "slug": viewer.slug},
        view_publication=PublicationRef(view_publication.number, view_publication.kind,
                                        view_publication.published_on),
        view_snapshot=view_publication.snapshot, framework=framework, overall=overall,
        per_marker=per_marker, today=today)
