"""An assessment read by another framework's statements (CQC's, first): the council's view.

Built from the data the team already keeps (ratings, evidence, priorities, actions, published
independent views), never typed in twice, and it changes nothing. The result is plain JSON
so one template renders it in the workspace, in a frozen publication and in the exports.

`public=True` builds the part a publication freezes: only evidence the team marked as
publishable is counted, no evidence words are listed, people's voice only where at least
five people answered, and only independent views by listed organisations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session

from app.assessments import repository as assessments
from app.assessments.models import (
    CATEGORY_GAPS,
    CATEGORY_LABELS,
    NOT_APPLICABLE,
    SOURCE_LABELS,
    Assessment,
    Evidence,
    EvidenceCategory,
    EvidenceKind,
    Rating,
    SourceKind,
)
from app.frameworks import Crosswalk, Framework, Statement
from app.organisations.models import Organisation
from app.plans import repository as plans
from app.plans.models import ACTION_STATUS_LABELS, Action, ActionStatus, Priority
from app.publications.models import Publication
from app.publications.snapshot import public_evidence, view_markers
from app.views import repository as views

# People's voice, per marker: answer -> how many people gave it, from the newest round of
# questions (app.voice.service.answer_tallies: markers under 5 answers are left out).
VoiceTally = Mapping[str, int]
VOICE_ANSWERS = {"yes": "Yes", "sometimes": "Sometimes", "no": "No", "dont_know": "Don't know"}
PUBLIC_VOICE_MINIMUM = 5  # DESIGN §6: public counts are suppressed below 5 per marker


def _level_label(framework: Framework, rating: Rating | None) -> str:
    if rating is None or rating.level is None:
        return "Not rated"
    if rating.level == NOT_APPLICABLE:
        return "Does not apply"
    level = framework.level(rating.level)
    return level.label if level else "Not rated"


def _voice(tally: VoiceTally | None, public: bool) -> list[dict[str, Any]] | None:
    if not tally or sum(tally.values()) == 0:
        return None
    if public and sum(tally.values()) < PUBLIC_VOICE_MINIMUM:
        return None
    return [{"answer": label, "count": tally.get(answer, 0)}
            for answer, label in VOICE_ANSWERS.items()]


def _words(item: Evidence) -> dict[str, Any]:
    """One evidence item as a line of the view (members only)."""
    if item.kind == EvidenceKind.quote:
        who = SOURCE_LABELS.get(SourceKind(item.source_kind), "Someone") \
            if item.source_kind in set(SourceKind) else "Someone"
        return {"kind": "quote", "text": item.text, "by": who, "private": not item.publishable}
    if item.kind == EvidenceKind.link:
        return {"kind": "link", "text": item.text, "url": item.url,
                "private": not item.publishable}
    if item.kind == EvidenceKind.file:
        return {"kind": "file", "text": item.text, "file_name": item.file_name,
                "private": not item.publishable}
    return {"kind": "note", "text": item.text, "private": not item.publishable}


def _category(item: Evidence) -> EvidenceCategory:
    try:
        return EvidenceCategory(item.category)
    except ValueError:
        return EvidenceCategory.processes


def _statement(statement: Statement, *, framework: Framework, ratings: Mapping[str, Rating],
               evidence: Mapping[str, Sequence[Evidence]], voice: Mapping[str, VoiceTally],
               priorities: Sequence[Priority], actions: Sequence[Action],
               views_by_code: Mapping[str, list[dict[str, Any]]],
               public: bool) -> dict[str, Any]:
    codes = set(statement.codes)
    markers = []
    for link in statement.links:
        marker = framework.marker(link.code)
        markers.append({
            "code": link.code, "statement": marker.statement if marker else "",
            "reason": link.reason, "from_source": link.from_source,
            "level_label": _level_label(framework, ratings.get(link.code)),
            "voice": _voice(voice.get(link.code), public)})
    by_category: dict[EvidenceCategory, list[dict[str, Any]]] = {c: [] for c in EvidenceCategory}
    for code in statement.codes:
        for item in evidence.get(code, ()):
            if public and public_evidence(item) is None:
                continue
            by_category[_category(item)].append({"code": code, **_words(item)})
    return {
        "id": statement.id, "number": statement.number, "title": statement.title,
        "summary": statement.summary, "markers": markers,
        "counts": [{"category": c.value, "label": CATEGORY_LABELS[c], "count": len(items)}
                   for c, items in by_category.items()],
        "gaps": [CATEGORY_GAPS[c] for c, items in by_category.items() if not items],
        "evidence": [] if public else [
            {"category": c.value, "label": CATEGORY_LABELS[c], "items": items}
            for c, items in by_category.items() if items],
        "priorities": [{"code": p.marker_code, "why": p.why} for p in priorities
                       if p.marker_code in codes],
        "actions": [{"title": a.title, "status_label": ACTION_STATUS_LABELS[ActionStatus(a.status)],
                     "due_on": a.due_on.isoformat() if a.due_on else None,
                     "markers": [c for c in a.marker_codes if c in codes]}
                    for a in actions if codes.intersection(a.marker_codes)],
        "views": [view for code in statement.codes for view in views_by_code.get(code, [])],
    }


def _views_by_code(framework: Framework, published: Sequence[tuple[Publication, Organisation]],
                   public: bool) -> dict[str, list[dict[str, Any]]]:
    """The latest published view of each organisation, by marker code."""
    found: dict[str, list[dict[str, Any]]] = {}
    seen: set[int] = set()
    for publication, viewer in published:  # newest first
        if (publication.framework_id != framework.id or publication.hidden_reason is not None
                or publication.organisation_id in seen or (public and not viewer.is_listed)):
            continue
        seen.add(publication.organisation_id)
        for code, marker in view_markers(publication.snapshot).items():
            found.setdefault(code, []).append({
                "by": viewer.name, "slug": viewer.slug, "code": code,
                "level_label": marker.get("level_label", "Not rated"),
                "published_on": publication.published_on.isoformat()})
    return found


def compose(*, crosswalk: Crosswalk, framework: Framework, assessment_name: str,
            ratings: Mapping[str, Rating], evidence: Mapping[int, Sequence[Evidence]],
            priorities: Sequence[Priority], actions: Sequence[Action],
            views_about: Sequence[tuple[Publication, Organisation]],
            voice: Mapping[str, VoiceTally] | None = None,
            public: bool = False) -> dict[str, Any]:
    """The view by statement from plain values (no database)."""
    by_code = {rating.marker_code: evidence.get(rating.id or 0, ()) for rating in ratings.values()}
    views_by_code = _views_by_code(framework, views_about, public)
    themes = [{"id": theme.id, "number": theme.number, "title": theme.title,
               "statements": [_statement(s, framework=framework, ratings=ratings,
                                         evidence=by_code, voice=voice or {},
                                         priorities=priorities, actions=actions,
                                         views_by_code=views_by_code, public=public)
                              for s in theme.statements]}
              for theme in crosswalk.themes]
    return {"crosswalk": {"id": crosswalk.id, "title": crosswalk.title,
                          "owner": crosswalk.owner.name, "reading": crosswalk.reading},
            "assessment_name": assessment_name, "public": public, "themes": themes}


def build(db: Session, *, organisation: Organisation, assessment: Assessment,
          framework: Framework, crosswalk: Crosswalk,
          voice: Mapping[str, VoiceTally] | None = None, public: bool = False
          ) -> dict[str, Any]:
    """The view by statement of one assessment, in five queries however big it is."""
    assessment_id = assessment.id or 0
    return compose(
        crosswalk=crosswalk, framework=framework, assessment_name=assessment.name,
        ratings=assessments.ratings_of(db, assessment_id),
        evidence=assessments.evidence_of_assessment(db, assessment_id),
        priorities=plans.priorities_of(db, assessment_id),
        actions=plans.actions_of(db, organisation.id or 0, framework.id),
        views_about=views.views_published_about(db, organisation.id or 0),
        voice=voice, public=public)

