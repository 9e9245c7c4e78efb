"""Priorities, the action plan, and publishing, in the organisation workspace."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sqlmodel import Session
from starlette.responses import Response

from app.assessments import repository as assessments
from app.assessments.models import NOT_APPLICABLE
from app.assessments.pages import assessment_url, load_assessment
from app.clock import today
from app.deps import (
    CatalogueDep,
    EditorAccess,
    OrgAccess,
    SessionDep,
    ViewerAccess,
    WebSessionDep,
)
from app.errors import Problems, Stale
from app.forms import DbInt, date_from_parts, form_values, parse
from app.frameworks import Framework
from app.organisations import repository as organisations
from app.plans import repository, service
from app.plans.forms import ActionForm, UpdateForm
from app.plans.models import ACTION_STATUS_LABELS, Action, ActionStatus
from app.plans.pages import plan_base, plan_framework
from app.responses import redirect
from app.templating import is_htmx, render

router = APIRouter(include_in_schema=False)


_base = plan_base


# Priorities ---------------------------------------------------------------------------------

def _priorities_page(request: Request, access: OrgAccess, db: Session, catalogue: CatalogueDep,
                     assessment_id: int, chosen: dict[str, str],
                     errors: dict[str, str]) -> Response:
    assessment, framework = load_assessment(db, access, assessment_id, catalogue)
    ratings = assessments.ratings_of(db, assessment.id or 0)
    labels = {level.id: level.label for level in framework.scale}
    labels[NOT_APPLICABLE] = "Does not apply"
    return render(request, "plans/priorities.html", _base(
        access, assessment=assessment, framework=framework, ratings=ratings, labels=labels,
        chosen=chosen, errors=errors, base=assessment_url(access, assessment)))


@router.get("/manage/{slug}/assessments/{assessment_id}/priorities")
def priorities_page(request: Request, assessment_id: DbInt, access: ViewerAccess,
                    db: SessionDep, catalogue: CatalogueDep) -> Response:
    chosen = {p.marker_code: p.why for p in repository.priorities_of(db, assessment_id)}
    return _priorities_page(request, access, db, catalogue, assessment_id, chosen, {})


@router.post("/manage/{slug}/assessments/{assessment_id}/priorities")
async def save_priorities(request: Request, assessment_id: DbInt, access: EditorAccess,
                          db: SessionDep, catalogue: CatalogueDep,
                          session: WebSessionDep) -> Response:
    assessment, framework = load_assessment(db, access, assessment_id, catalogue)
    values = form_values(await request.form())
    picked = values.get("priority", [])
    picked = [picked] if isinstance(picked, str) else picked
    chosen = {code: str(values.get(f"why-{code}", "")) for code in picked}
    try:
        chosen = service.choose_priorities(db, actor_id=access.user.id or 0,
                                           organisation_id=access.organisation.id or 0,
                                           assessment_id=assessment.id or 0,
                                           framework=framework, chosen=chosen)
    except Problems as problems:
        return _priorities_page(request, access, db, catalogue, assessment_id, chosen,
                                problems.errors)
    session.add_flash(f"You have chosen {len(chosen)} priorities.")
    return redirect(f"/manage/{access.organisation.slug}/plans/{framework.id}")


# The action plan -----------------------------------------------------------------------------

def _plan_context(access: OrgAccess, db: Session, framework: Framework) -> dict[str, Any]:
    actions = repository.actions_of(db, access.organisation.id or 0, framework.id)
    latest = assessments.latest_for_framework(db, access.organisation.id or 0, framework.id)
    return _base(access, framework=framework, actions=actions, today=today(),
                 updates=repository.updates_for(db, [a.id for a in actions if a.id]),
                 overdue={a.id for a in actions if service.is_overdue(a.due_on, a.status, today())},
                 status_labels=ACTION_STATUS_LABELS, latest=latest,
                 marker_options=[(m.code, f"{m.code}: {m.statement}") for m in framework.markers],
                 plan_url=f"/manage/{access.organisation.slug}/plans/{framework.id}")


@router.get("/manage/{slug}/plans/{framework_id}")
def plan_page(request: Request, framework_id: str, access: ViewerAccess, db: SessionDep,
              catalogue: CatalogueDep) -> Response:
    framework = plan_framework(access, db, catalogue, framework_id)
    return render(request, "plans/plan.html", {
        **_plan_context(access, db, framework), "values": {"status": "planned"}, "errors": {}},
        block="action_list")


async def _action_change(request: Request, framework: Framework
                         ) -> tuple[ActionForm | None, dict[str, Any], dict[str, str],
                                    service.ActionChange | None]:
    values = form_values(await request.form())
    if isinstance(values.get("marker_codes"), str):
        values["marker_codes"] = [values["marker_codes"]]
    form, errors = parse(ActionForm, values)
    due_on, due_error = date_from_parts(values, "due_on", "the date it is due by")
    if due_error:
        errors["due_on"] = due_error
    if form is None:
        return form, values, errors, None
    change = service.ActionChange(
        title=form.title, description=form.description, marker_codes=form.marker_codes,
        owner=form.owner, due_on=due_on, status=form.status,
        dropped_reason=form.dropped_reason.strip() if form.status == ActionStatus.dropped
        else "")
    errors.update(service.action_problems(framework, change))
    return form, values, errors, None if errors else change


@router.post("/manage/{slug}/plans/{framework_id}/actions")
async def add_action(request: Request, framework_id: str, access: EditorAccess,
                     db: SessionDep, catalogue: CatalogueDep, session: WebSessionDep) -> Response:
    framework = plan_framework(access, db, catalogue, framework_id)
    _form, values, errors, change = await _action_change(request, framework)
    if change is None:
        return render(request, "plans/plan.html", {
            **_plan_context(access, db, framework), "values": values, "errors": errors})
    service.add_action(db, actor_id=access.user.id or 0,
                       organisation_id=access.organisation.id or 0, framework_id=framework.id,
                       change=change)
    session.add_flash(f"Added the action “{change.title}”.")
    return redirect(f"/manage/{access.organisation.slug}/plans/{framework.id}")


def _action(db: Session, access: OrgAccess, framework: Framework, action_id: int) -> Action:
    action = repository.action_of(db, access.organisation.id or 0, framework.id, action_id)
    if action is None:
        raise HTTPException(404, "There is no such action in this plan.")
    return action


def _action_values(action: Action) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": action.title, "description": action.description,
        "marker_codes": action.marker_codes, "owner": action.owner, "status": action.status,
        "dropped_reason": action.dropped_reason, "version": action.version}
    if action.due_on:
        values.update({"due_on-day": action.due_on.day, "due_on-month": action.due_on.month,
                       "due_on-year": action.due_on.year})
    return values


def _action_page(request: Request, access: OrgAccess, db: Session, framework: Framework,
                 action: Action, values: dict[str, Any], errors: dict[str, str],
                 status_code: int = 200, **extra: Any) -> Response:
    return render(request, "plans/action.html", {
        **_plan_context(access, db, framework), "action": action, "values": values,
        "errors": errors, "action_updates": repository.updates_for(
            db, [action.id or 0])[action.id or 0], **extra}, status_code=status_code)


@router.get("/manage/{slug}/plans/{framework_id}/actions/{action_id}")
def action_page(request: Request, framework_id: str, action_id: DbInt, access: ViewerAccess,
                db: SessionDep, catalogue: CatalogueDep) -> Response:
    framework = plan_framework(access, db, catalogue, framework_id)
    action = _action(db, access, framework, action_id)
    return _action_page(request, access, db, framework, action, _action_values(action), {})


@router.post("/manage/{slug}/plans/{framework_id}/actions/{action_id}")
async def save_action(request: Request, framework_id: str, action_id: DbInt,
                      access: EditorAccess, db: SessionDep, catalogue: CatalogueDep,
                      session: WebSessionDep) -> Response:
    framework = plan_framework(access, db, catalogue, framework_id)
    action = _action(db, access, framework, action_id)
    form, values, errors, change = await _action_change(request, framework)
    if form is not None and form.version is None:
        errors["title"] = "This form is out of date: reload the page and try again"
    if change is None or form is None or form.version is None:
        return _action_page(request, access, db, framework, action, values, errors)
    try:
        service.save_action(db, actor_id=access.user.id or 0, action=action,
                            seen_version=form.version, change=change)
    except Stale as stale:
        theirs = stale.current
        return _action_page(request, access, db, framework, action,
                            {**values, "version": theirs.version}, {}, status_code=409,
                            conflict=True, theirs=_action_values(theirs),
                            theirs_by=organisations.user_name(db, theirs.updated_by_id))
    session.add_flash(f"Saved the action “{change.title}”.")
    return redirect(f"/manage/{access.organisation.slug}/plans/{framework.id}")


@router.post("/manage/{slug}/plans/{framework_id}/actions/{action_id}/move")
async def move_action(request: Request, framework_id: str, action_id: DbInt,
                      access: EditorAccess, db: SessionDep, catalogue: CatalogueDep) -> Response:
    framework = plan_framework(access, db, catalogue, framework_id)
    direction = str((await request.form()).get("direction", ""))
    if direction not in ("up", "down"):
        raise HTTPException(400, "Choose to move the action up or down.")
    service.move_action(db, actor_id=access.user.id or 0,
                        actions=repository.actions_of(db, access.organisation.id or 0,
                                                      framework.id),
                        action_id=action_id, direction=direction)
    if is_htmx(request):
        db.flush()
        return render(request, "plans/plan.html", {
            **_plan_context(access, db, framework), "values": {}, "errors": {},
            "moved": action_id, "moved_direction": direction}, block="action_list")
    return redirect(f"/manage/{access.organisation.slug}/plans/{framework.id}#action-{action_id}")


@router.post("/manage/{slug}/plans/{framework_id}/actions/{action_id}/updates")
async def add_update(request: Request, framework_id: str, action_id: DbInt,
                     access: EditorAccess, db: SessionDep, catalogue: CatalogueDep,
                     session: WebSessionDep) -> Response:
    framework = plan_framework(access, db, catalogue, framework_id)
    action = _action(db, access, framework, action_id)
    values = form_values(await request.form())
    form, errors = parse(UpdateForm, values)
    on, on_error = date_from_parts(values, "on", "the date of the update")
    if on_error:
        errors["on"] = on_error
    if form is None or errors:
        return _action_page(request, access, db, framework, action, _action_values(action),
                            {f"update-{k}": v for k, v in errors.items()},
                            update_values=values)
    service.add_update(db, actor_id=access.user.id or 0, action=action, on=on or today(),
                       note=form.note)
    session.add_flash("Progress update added.")
    return redirect(f"/manage/{access.organisation.slug}/plans/{framework.id}/actions/"
                    f"{action.id}")
