"""An owner's reminder emails about their organisation: see whether they get them, stop them,
or start them again after unsubscribing with the link in a reminder.

Only the person themself changes their own choice: the page acts on the logged-in owner, never
on another member. (Unsubscribing is app/following/web.py's.)
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app.deps import OrgAccess, OwnerAccess, SessionDep, WebSessionDep
from app.following import service as following
from app.forms import Errors, form_values, parse
from app.reminders.forms import RemindersForm
from app.templating import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, access: OrgAccess, db: SessionDep, errors: Errors,
          status_code: int = 200) -> Response:
    opt_out = following.reminder_opt_out(db, user_id=access.user.id or 0,
                                         organisation_id=access.organisation.id or 0)
    return render(request, "reminders/settings.html", {
        "organisation": access.organisation, "access": access, "role": access.role,
        "user": access.user, "opt_out": opt_out, "errors": errors}, status_code=status_code)


@router.get("/manage/{slug}/reminders")
def reminders_page(request: Request, access: OwnerAccess, db: SessionDep) -> Response:
    return _page(request, access, db, {})


@router.post("/manage/{slug}/reminders")
async def save_reminders(request: Request, access: OwnerAccess, db: SessionDep,
                         session: WebSessionDep) -> Response:
    form, errors = parse(RemindersForm, form_values(await request.form()))
    if form is None:
        return _page(request, access, db, errors)
    who = {"user_id": access.user.id or 0, "organisation_id": access.organisation.id or 0}
    name = access.organisation.name
    if form.reminders == "on":
        following.restart_reminders(db, **who)
        session.add_flash(f"You will get reminder emails about {name} again.")
    else:
        following.stop_reminders(db, **who)
        session.add_flash(f"You will not get reminder emails about {name}.")
    return RedirectResponse(f"/manage/{access.organisation.slug}/reminders", status_code=303)
