"""What a publication freezes: built from the drafts, holding only what may be public.

The snapshot is plain JSON. Pages, exports and the API render publications from it alone,
so later edits to drafts can never change what was published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from app.assessments import repository as assessments
from app.assessments.models import (
    NOT_APPLICABLE,
    SOURCE_LABELS,
    Assessment,
    CoProduction,
    Evidence,
    EvidenceKind,
    SourceKind,
)
from app.frameworks import Framework
from app.organisations import repository as organisations
from app.organisations.models import (
    Organisation,
    organisation_kind_label,
)
from app.plans import repository as plans
from app.plans.models import ACTION_STATUS_LABELS, ActionStatus
from app.plans.service import is_overdue
from app.publications.models import PUBLICATION_KIND_LABELS, PublicationKind

SCHEMA_VERSION = 1
METHOD_LABELS = {"workshops": "Workshops", "survey": "A survey", "interviews": "Interviews",
                 "online": "Online", "other": "Other"}


def public_evidence(item: Evidence) -> dict[str, Any] | None:
    """The publishable part of one evidence item, or None if it must stay private."""
    if not item.publishable:
        return None
    if item.kind == EvidenceKind.quote:
        if not item.consent_to_publish:
            return None
        source = SOURCE_LABELS.get(SourceKind(item.source_kind), "Someone") \
            if item.source_kind else "Someone"
        return {"kind": "quote", "text": item.text, "source": source,
                "name": item.attributed_name if item.attributed_name else None}
    if item.kind == EvidenceKind.file:
        return {"kind": "file", "file_name": item.file_name, "size": item.size,
                "content_type": item.content_type, "stored_name": item.stored_name,
                "text": item.text}
    if item.kind == EvidenceKind.link:
        return {"kind": "link", "url": item.url, "text": item.text}
    return {"kind": "note", "text": item.text}


def co_production_snapshot(record: CoProduction | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {"people_using_support": record.people_using_support,
            "family_carers": record.family_carers, "staff": record.staff,
            "partner_organisations": record.partner_organisations,
            "methods": [METHOD_LABELS.get(m, m) for m in record.methods],
            "other_method": record.other_method, "what_people_said": record.what_people_said}


@dataclass(frozen=True)
class MarkerWords:
    """A rating's public parts: level, words, and the evidence that may be published."""

    level: str | None
    working: str = ""
    needs_change: str = ""
    evidence: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ActionRecord:
    """An action as published, with the progress updates this publication shows."""

    title: str
    description: str
    markers: tuple[str, ...]
    owner: str
    due_on: date | None
    status: str
    dropped_reason: str
    updates: tuple[tuple[date, str], ...] = ()


def compose_snapshot(*, organisation: dict[str, Any], framework: Framework, kind: PublicationKind,
                     today: date, since: date | None, what_changed: str,
                     assessment_name: str | None, ratings: dict[str, MarkerWords],
                     priorities: Sequence[tuple[str, str]],
                     co_production: dict[str, Any] | None,
                     actions: Sequence[ActionRecord]) -> dict[str, Any]:
    """The snapshot from plain values (no database): used by publishing and the demo.

    Each action shows the updates its record carries: the caller chooses them."""
    labels = {level.id: level.label for level in framework.scale}
    labels[NOT_APPLICABLE] = "Does not apply"
    snapshot: dict[str, Any] = {
        "schema": SCHEMA_VERSION, "kind": kind.value, "kind_label": PUBLICATION_KIND_LABELS[kind],
        "published_on": today.isoformat(), "since": since.isoformat() if since else None,
        "what_changed": what_changed, "organisation": organisation,
        "framework": {"id": framework.id, "title": framework.title,
                      "version": framework.version,
                      "scale": [{"id": level.id, "label": level.label}
                                for level in framework.scale]},
        "assessment": None, "priorities": [], "co_production": None,
    }
    if assessment_name is not None:
        themes = []
        for theme in framework.themes:
            markers, counts = [], {level.id: 0 for level in framework.scale}
            counts[NOT_APPLICABLE], not_rated = 0, 0
            for marker in theme.markers:
                words = ratings.get(marker.code) or MarkerWords(level=None)
                if words.level is None:
                    not_rated += 1
                else:
                    counts[words.level] = counts.get(words.level, 0) + 1
                markers.append({
                    "code": marker.code, "statement": marker.statement, "level": words.level,
                    "level_label": labels.get(words.level, "Not rated") if words.level
                    else "Not rated",
                    "working": words.working, "needs_change": words.needs_change,
                    "evidence": list(words.evidence)})
            themes.append({"id": theme.id, "title": theme.title, "counts": counts,
                           "not_rated": not_rated, "markers": markers})
        snapshot["assessment"] = {"name": assessment_name, "themes": themes}
        snapshot["priorities"] = [
            {"code": code, "why": why,
             "statement": (m.statement if (m := framework.marker(code)) else ""),
             "level_label": labels.get(ratings[code].level or "", "Not rated")
             if code in ratings else "Not rated"}
            for code, why in priorities]
        snapshot["co_production"] = co_production
    snapshot["actions"] = [{
        "title": a.title, "description": a.description, "markers": list(a.markers),
        "owner": a.owner, "due_on": a.due_on.isoformat() if a.due_on else None,
        "status": a.status, "status_label": ACTION_STATUS_LABELS[ActionStatus(a.status)],
        "dropped_reason": a.dropped_reason if a.status == ActionStatus.dropped else "",
        "overdue": is_overdue(a.due_on, a.status, today),
        "updates": [{"on": on.isoformat(), "note": note} for on, note in a.updates],
    } for a in actions]
    return snapshot


def organisation_summary(db: Session, organisation: Organisation) -> dict[str, Any]:
    return {"name": organisation.name, "slug": organisation.slug, "kind": organisation.kind,
            "kind_label": organisation_kind_label(organisation.kind),
            "areas": [{"code": a.gss_code, "name": a.name}
                      for a in organisations.areas_of(db, organisation.id or 0)]}


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def build_snapshot(db: Session, *, organisation: Organisation, framework: Framework,
                   assessment: Assessment | None, kind: PublicationKind, today: date,
                   since: date | None, what_changed: str,
                   since_at: datetime | None = None) -> dict[str, Any]:
    """Everything the public will see for this publication, and nothing else.

    `since` and `since_at` are the date and the moment of the last publication (for a
    progress report): only progress updates written after that moment are shown, whatever
    date they carry, so an update written on the day of the last publication is not lost.
    """
    organisation_id = organisation.id or 0
    ratings: dict[str, MarkerWords] = {}
    priorities: list[tuple[str, str]] = []
    co_production = None
    if assessment is not None and assessment.id is not None:
        evidence = assessments.evidence_of_assessment(db, assessment.id)
        for code, rating in assessments.ratings_of(db, assessment.id).items():
            public = (public_evidence(e) for e in evidence.get(rating.id or 0, []))
            ratings[code] = MarkerWords(rating.level, rating.working, rating.needs_change,
                                        tuple(item for item in public if item is not None))
        priorities = [(p.marker_code, p.why) for p in plans.priorities_of(db, assessment.id)]
        co_production = co_production_snapshot(assessments.co_production_of(db, assessment.id))
    actions = plans.actions_of(db, organisation_id, framework.id)
    updates = plans.updates_for(db, [a.id for a in actions if a.id is not None])
    records = [ActionRecord(a.title, a.description, tuple(a.marker_codes), a.owner, a.due_on,
                            a.status, a.dropped_reason,
                            tuple((u.on, u.note) for u in updates.get(a.id or 0, [])
                                  if since_at is None
                                  or _utc(u.created_at) > _utc(since_at)))
               for a in actions]
    return compose_snapshot(
        organisation=organisation_summary(db, organisation), framework=framework, kind=kind,
        today=today, since=since, what_changed=what_changed,
        assessment_name=assessment.name if assessment is not None else None,
        ratings=ratings, priorities=priorities, co_production=co_production, actions=records)


def stored_files(snapshot: dict[str, Any]) -> Sequence[dict[str, Any]]:
    """The file evidence items a snapshot refers to (to copy them at publication)."""
    assessment = snapshot.get("assessment") or {}
    return [item for theme in assessment.get("themes", []) for marker in theme["markers"]
            for item in marker["evidence"] if item["kind"] == "file"]


def view_markers(snapshot: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Marker code → what a view publication said about it."""
    view = snapshot.get("view") or {}
    return {marker["code"]: marker for theme in view.get("themes", [])
            for marker in theme.get("markers", [])}


def stored_view_files(snapshot: dict[str, Any]) -> Sequence[dict[str, Any]]:
    """The file evidence items a view snapshot refers to."""
    return [item for marker in view_markers(snapshot).values()
            for item in marker.get("evidence", []) if item.get("kind") == "file"]
