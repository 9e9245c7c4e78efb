"""An assessment's overview page, and two cycles compared marker by marker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.assessments import overview, repository
from app.assessments.models import Assessment
from app.assessments.pages import assessment_url, load_assessment, overview_panels
from app.deps import CatalogueDep, SessionDep, ViewerAccess
from app.forms import DbInt
from app.frameworks import FrameworkCatalogue
from app.templating import render

router = APIRouter(include_in_schema=False)


def _cycle_options(cycles: Sequence[Assessment],
                   catalogue: FrameworkCatalogue) -> list[tuple[str, str]]:
    options = [("", "Choose an assessment")]
    for cycle in cycles:
        framework = catalogue.get(cycle.framework_id)
        title = framework.title if framework else cycle.framework_id
        options.append((str(cycle.id), f"{cycle.name} ({title}, started "
                                       f"{cycle.created_at.strftime('%-d %B %Y')})"))
    return options


def _default_pair(cycles: Sequence[Assessment]) -> dict[str, str]:
    """The latest cycle, and the one it followed (or the one before it of its framework)."""
    if not cycles:
        return {"a": "", "b": ""}
    latest = cycles[0]
    earlier = next((c for c in cycles[1:] if c.id == latest.previous_id), None) or next(
        (c for c in cycles[1:] if c.framework_id == latest.framework_id), None)
    return {"a": str(earlier.id) if earlier else "", "b": str(latest.id)}


@router.get("/manage/{slug}/assessments/compare")
def compare(request: Request, access: ViewerAccess, db: SessionDep, catalogue: CatalogueDep,
            a: str | None = None, b: str | None = None) -> Response:
    cycles = repository.assessments_of(db, access.organisation.id or 0)
    context: dict[str, Any] = {
        "organisation": access.organisation, "access": access, "role": access.role,
        "options": _cycle_options(cycles, catalogue), "errors": {},
        "base": f"/manage/{access.organisation.slug}/assessments"}
    if a is None and b is None:
        return render(request, "assessments/compare.html",
                      {**context, "values": _default_pair(cycles)})
    values = {"a": a or "", "b": b or ""}
    pair, errors = overview.choose_pair(cycles, values["a"], values["b"])
    framework = catalogue.get(pair[0].framework_id) if pair else None
    if pair is not None and framework is None:
        errors = {"a": "The framework of these assessments is no longer loaded"}
    if pair is None or framework is None or errors:
        return render(request, "assessments/compare.html",
                      {**context, "values": values, "errors": errors})
    earlier, later = pair
    comparison = overview.compare_ratings(framework,
                                          repository.ratings_of(db, earlier.id or 0),
                                          repository.ratings_of(db, later.id or 0))
    return render(request, "assessments/compare.html", {
        **context, "values": values, "earlier": earlier, "later": later,
        "framework": framework, "comparison": comparison,
        "later_url": assessment_url(access, later)})


@router.get("/manage/{slug}/assessments/{assessment_id}")
def overview_page(request: Request, assessment_id: DbInt, access: ViewerAccess, db: SessionDep,
                  catalogue: CatalogueDep) -> Response:
    assessment, framework = load_assessment(db, access, assessment_id, catalogue)
    base = assessment_url(access, assessment)
    summary = overview.summarise(framework, repository.ratings_of(db, assessment.id or 0),
                                 repository.evidence_counts(db, assessment.id or 0),
                                 repository.co_production_of(db, assessment.id or 0))
    return render(request, "assessments/overview.html", {
        "organisation": access.organisation, "access": access, "role": access.role,
        "assessment": assessment, "framework": framework, "base": base,
        "overview": summary, "chart": overview.theme_chart(framework, summary),
        "next_steps": overview.next_steps(summary, framework, base),
        "crosswalks": catalogue.crosswalks_for(framework.id),
        **overview_panels(db, assessment, framework),
        "compare_url": (f"/manage/{access.organisation.slug}/assessments/compare"
                        f"?a={assessment.previous_id}&b={assessment.id}")
        if assessment.previous_id else None})
