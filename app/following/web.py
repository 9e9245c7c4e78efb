"""Following by email (double opt-in), unsubscribing in one step, and the Atom feeds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from app import ratelimit
from app.accounts.models import User
from app.areas.models import Area
from app.deps import OutboxDep, SessionDep, SettingsDep
from app.following import repository, service
from app.following.feeds import MEDIA_TYPE, atom_feed
from app.following.forms import FollowForm
from app.following.tokens import LinkProblem, read_confirm_token, read_unsubscribe_token
from app.forms import Errors, form_values, parse
from app.organisations import repository as organisations
from app.organisations.models import Organisation
from app.publications.pages import listed_organisation
from app.templating import render

router = APIRouter(include_in_schema=False)

# Requests to follow from one client address; each address followed gets a few
# confirmation emails an hour at most (ratelimit.may_email, in the service).
FOLLOW_LIMIT = ratelimit.Limit("follow:address", 10, timedelta(hours=1))


def _follow_page(request: Request, db: Session, wanted: service.Target | None,
                 values: dict[str, Any], errors: Errors, status_code: int = 200) -> Response:
    return render(request, "following/follow.html", {
        "wanted": wanted, "values": values, "errors": errors,
        "areas": [(area.gss_code, area.name) for area in organisations.areas(db)]},
        status_code=status_code)


@router.get("/follow")
def follow_page(request: Request, db: SessionDep, organisation: str = "",
                area: str = "") -> Response:
    wanted = service.target(db, organisation=organisation, area=area)
    if (organisation or area) and wanted is None:
        raise HTTPException(404, "There is no organisation or area at this address to follow.")
    return _follow_page(request, db, wanted, {"organisation": organisation, "area": area}, {})


@router.post("/follow")
async def follow(request: Request, db: SessionDep, settings: SettingsDep,
                 outbox: OutboxDep) -> Response:
    values = form_values(await request.form())
    form, errors = parse(FollowForm, values)
    wanted = service.target(db, organisation=str(values.get("organisation", "")),
                            area=str(values.get("area", "")))
    if wanted is None:
        if values.get("organisation"):
            raise HTTPException(404, "There is no organisation at this address to follow.")
        errors["area"] = FollowForm.MESSAGES["area"]
    if form is None or wanted is None or errors:
        return _follow_page(request, db, wanted, values, errors)
    if (refused := ratelimit.per_address(request, db, FOLLOW_LIMIT,
                                         doing="requests to follow from your connection")):
        return refused
    message = service.ask_to_follow(db, settings, email=form.email, wanted=wanted)
    if message is not None:
        outbox.append(message)
    return RedirectResponse("/follow/check-email", status_code=303)


@router.get("/follow/check-email")
def check_email(request: Request) -> Response:
    return render(request, "following/check_email.html")


def _bad_link(request: Request, problem: str) -> Response:
    return render(request, "following/bad_link.html", {"problem": problem}, status_code=410)


@router.get("/follow/confirm/{token}")
def confirm_page(request: Request, token: str, db: SessionDep,
                 settings: SettingsDep) -> Response:
    try:
        follower = repository.follower(db, *read_confirm_token(settings, token))
    except LinkProblem as problem:
        return _bad_link(request, str(problem))
    wanted = service.target_of(db, follower) if follower else None
    if follower is None or wanted is None:
        return _bad_link(request, "You are not following this any more. Ask to follow "
                                  "again if you want these emails.")
    return render(request, "following/confirm.html", {
        "follower": follower, "wanted": wanted, "token": token})


@router.post("/follow/confirm/{token}")
def confirm(request: Request, token: str, db: SessionDep, settings: SettingsDep) -> Response:
    try:
        follower = repository.follower(db, *read_confirm_token(settings, token))
    except LinkProblem as problem:
        return _bad_link(request, str(problem))
    if follower is None:
        return _bad_link(request, "You are not following this any more.")
    service.confirm(db, follower)
    return RedirectResponse(f"/follow/confirm/{token}", status_code=303)


def _unsubscribe_context(db: Session, settings: SettingsDep, token: str) -> dict[str, Any]:
    """What the link stops, and whether it is stopped already."""
    what = read_unsubscribe_token(settings, token)
    if what.kind == "follower":
        follower = repository.follower(db, what.follower_id, what.email)
        wanted = service.target_of(db, follower) if follower else None
        return {"kind": "follower", "follower": follower, "wanted": wanted,
                "stopped": follower is None, "token": token}
    organisation = db.get(Organisation, what.organisation_id)
    user = db.get(User, what.user_id)
    if organisation is None or user is None:
        raise LinkProblem("This link is for an organisation or account that no longer "
                          "exists, so you will not get these emails.")
    return {"kind": "reminders", "organisation": organisation, "user": user, "token": token,
            "stopped": service.reminders_stopped(db, user_id=what.user_id,
                                                 organisation_id=what.organisation_id)}


@router.get("/unsubscribe/{token}")
def unsubscribe_page(request: Request, token: str, db: SessionDep,
                     settings: SettingsDep) -> Response:
    try:
        context = _unsubscribe_context(db, settings, token)
    except LinkProblem as problem:
        return _bad_link(request, str(problem))
    return render(request, "following/unsubscribe.html", context)


@router.post("/unsubscribe/{token}")
def unsubscribe(request: Request, token: str, db: SessionDep,
                settings: SettingsDep) -> Response:
    try:
        context = _unsubscribe_context(db, settings, token)
    except LinkProblem as problem:
        return _bad_link(request, str(problem))
    if context["kind"] == "follower" and context["follower"] is not None:
        service.unfollow(db, context["follower"])
    elif context["kind"] == "reminders":
        service.stop_reminders(db, user_id=context["user"].id,
                               organisation_id=context["organisation"].id)
    return RedirectResponse(f"/unsubscribe/{token}", status_code=303)


# Feeds ------------------------------------------------------------------------------------------

def _feed(settings: SettingsDep, **kwargs: Any) -> Response:
    return Response(atom_feed(settings, **kwargs), media_type=MEDIA_TYPE)


@router.get("/feed.atom")
def everything_feed(db: SessionDep, settings: SettingsDep) -> Response:
    return _feed(settings, title="Making It Real: new publications", self_path="/feed.atom",
                 page_path="/", rows=repository.feed_publications(db))


@router.get("/organisations/{slug}/feed.atom")
def organisation_feed(slug: str, db: SessionDep, settings: SettingsDep) -> Response:
    organisation = listed_organisation(db, slug)
    return _feed(settings, title=f"{organisation.name}: Making It Real publications",
                 self_path=f"/organisations/{slug}/feed.atom",
                 page_path=f"/organisations/{slug}",
                 rows=repository.feed_publications(db, organisation_ids=[organisation.id or 0]))


@router.get("/areas/{area_code}/feed.atom")
def area_feed(area_code: str, db: SessionDep, settings: SettingsDep) -> Response:
    area = db.get(Area, area_code)
    if area is None:
        raise HTTPException(404, "There is no council area with this code.")
    return _feed(settings, title=f"{area.name}: Making It Real publications",
                 self_path=f"/areas/{area.gss_code}/feed.atom",
                 page_path=f"/areas/{area.gss_code}",
                 rows=repository.feed_publications(
                     db, organisation_ids=repository.organisation_ids_in_area(db, area.gss_code)))
