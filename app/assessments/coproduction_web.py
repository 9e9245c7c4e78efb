"""The co-production record of an assessment or a view: who took part, how, and in their
words."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from app.assessments import coproduction, repository
from app.assessments.evidence_forms import METHODS, CoProductionForm
from app.assessments.models import Assessment, CoProduction
from app.assessments.pages import Judgement, KindDep, load_judgement
from app.deps import CatalogueDep, EditorAccess, OrgAccess, SessionDep, ViewerAccess, WebSessionDep
from app.errors import Stale
from app.forms import DbInt, Errors, form_values, parse
from app.organisations import repository as organisations
from app.responses import redirect
from app.templating import render

router = APIRouter(include_in_schema=False)

PEOPLE_LABELS = {
    "people_using_support": "People who use support",
    "family_carers": "Family carers",
    "staff": "Staff",
    "partner_organisations": "Partner organisations",
}


def _page(request: Request, access: OrgAccess, db: Session, judgement: Judgement,
          values: dict[str, Any], errors: Errors, status_code: int = 200,
          **extra: Any) -> Response:
    saved = repository.co_production_of(db, judgement.assessment.id or 0)
    return render(request, "assessments/co_production.html", {
        **judgement.context(access),
        "record": saved, "saved": coproduction.values_of(saved),
        "saved_by": organisations.user_name(db, saved.updated_by_id) if saved else "",
        "complete": coproduction.co_production_complete(saved),
        "missing": coproduction.missing(saved),
        "methods": METHODS, "people_labels": PEOPLE_LABELS,
        "values": values, "errors": errors, **extra}, status_code=status_code)


def _own_record(db: Session, judgement: Judgement) -> tuple[Assessment, CoProduction] | None:
    """For a view with no record yet: the author's latest self-assessment's record, which it
    may copy rather than type the same again."""
    if not judgement.kind.is_view:
        return None
    own = repository.latest_for_framework(db, judgement.assessment.organisation_id,
                                          judgement.assessment.framework_id)
    record_ = repository.co_production_of(db, own.id or 0) if own else None
    return (own, record_) if own and record_ else None


@router.get("/manage/{slug}/assessments/{assessment_id}/co-production")
@router.get("/manage/{slug}/views/{assessment_id}/co-production")
def co_production(request: Request, assessment_id: DbInt, access: ViewerAccess,
                  db: SessionDep, catalogue: CatalogueDep, kind: KindDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    saved = repository.co_production_of(db, judgement.assessment.id or 0)
    own = _own_record(db, judgement) if saved is None else None
    # ?copy=own fills the form from it; nothing is saved until the person presses Save.
    start = own[1] if own and request.query_params.get("copy") == "own" else saved
    return _page(request, access, db, judgement,
                 {**coproduction.form_values_of(start), "version": 0 if saved is None
                  else saved.version}, {}, copy_from=own[0] if own else None,
                 copied=start is not saved)


@router.post("/manage/{slug}/assessments/{assessment_id}/co-production")
@router.post("/manage/{slug}/views/{assessment_id}/co-production")
async def save(request: Request, assessment_id: DbInt, access: EditorAccess, db: SessionDep,
               catalogue: CatalogueDep, kind: KindDep, session: WebSessionDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    values = form_values(await request.form())
    if isinstance(values.get("methods"), str):
        values["methods"] = [values["methods"]] if values["methods"] else []
    form, errors = parse(CoProductionForm, values)
    if form is not None:
        errors = form.problems()
    if form is None or errors:
        return _page(request, access, db, judgement, values, errors)
    change = coproduction.CoProductionChange(
        people_using_support=form.people_using_support, family_carers=form.family_carers,
        staff=form.staff, partner_organisations=form.partner_organisations,
        methods=form.chosen_methods(), other_method=form.other_method.strip(),
        what_people_said=form.what_people_said)
    try:
        coproduction.save_co_production(db, actor_id=access.user.id or 0,
                                        organisation_id=access.organisation.id or 0,
                                        assessment_id=judgement.assessment.id or 0,
                                        seen_version=form.version, change=change)
    except Stale as stale:
        theirs = stale.current
        # Their record on screen, our words in the form, at the version now saved.
        return _page(request, access, db, judgement,
                     {**values, "version": theirs.version}, {}, status_code=409,
                     conflict=True, theirs=coproduction.values_of(theirs),
                     theirs_by=organisations.user_name(db, theirs.updated_by_id))
    session.add_flash("Saved who took part and how.")
    return redirect(f"{judgement.base}/co-production")
