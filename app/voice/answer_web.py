"""Answering a round: public, no account, one question per page (GOV.UK pattern).

The browser keeps only a random key in a cookie; the draft is found by the key's hash.
After sending, the cookie says so: one set of answers per browser, unless someone else
on the same device wants to answer."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from app.assessments.models import Assessment
from app.clock import today
from app.config import Settings
from app.db import session_scope
from app.deps import CatalogueDep, SessionDep, SettingsDep
from app.forms import parse
from app.frameworks import Framework, FrameworkCatalogue
from app.organisations.models import Organisation
from app.ratelimit import client_address, too_many
from app.templating import render
from app.voice import repository, service
from app.voice.forms import AboutFields, AboutForm, QuestionFields, QuestionForm
from app.voice.models import ANSWER_LABELS, COUNTED, RESPONDENT_LABELS, Answer, VoiceDraft
from app.voice.models import VoiceRound as Round

router = APIRouter(include_in_schema=False)

COOKIE_PREFIX = "mir_voice_"
SENT = "sent"
COOKIE_MAX_AGE = 60 * 60 * 24 * 180
HONEYPOT = "website"  # hidden from people; simple bots fill it in
ANSWER_OPTIONS = [(a.value, ANSWER_LABELS[a]) for a in COUNTED]
KIND_OPTIONS = [(k.value, label) for k, label in RESPONDENT_LABELS.items()]


class Asked:
    """A round as its answer pages need it: the round, who asks, and the framework."""

    def __init__(self, voice_round: Round, assessment: Assessment, organisation: Organisation,
                 framework: Framework) -> None:
        self.round, self.assessment, self.organisation = voice_round, assessment, organisation
        self.framework = framework
        self.base = f"/voice/{voice_round.token}"
        self.cookie = f"{COOKIE_PREFIX}{voice_round.id}"

    @property
    def total(self) -> int:
        return len(self.round.marker_codes)


def _plain(request: Request, template: str, status: int, **context: Any) -> Response:
    return render(request, template, context, status_code=status)


def _load(request: Request, db: Session, catalogue: FrameworkCatalogue,
          token: str) -> Asked | Response:
    """The round if it is open; otherwise the plain page to answer with (404 or 410)."""
    found = repository.round_with_owner(db, token)
    framework = catalogue.get(found[1].framework_id) if found else None
    if found is None or framework is None:
        return _plain(request, "voice/unknown.html", 404)
    voice_round, assessment, organisation = found
    if voice_round.opens_on > today():
        return _plain(request, "voice/closed.html", 404, organisation=organisation,
                      voice_round=voice_round, not_yet=True)
    if voice_round.closes_on < today():
        return _plain(request, "voice/closed.html", 410, organisation=organisation,
                      voice_round=voice_round, not_yet=False)
    return Asked(voice_round, assessment, organisation, framework)


def _draft(request: Request, db: Session, asked: Asked) -> VoiceDraft | None:
    value = request.cookies.get(asked.cookie, "")
    if not value.startswith("d."):
        return None
    return repository.draft(db, asked.round.id or 0, service.hash_key(value[2:]))


def _with_draft(request: Request, db: Session, catalogue: FrameworkCatalogue, token: str,
                number: int | None = None) -> tuple[Asked, VoiceDraft] | Response:
    """The open round and this browser's answers so far; otherwise the page to answer with:
    the round's 404 or 410 page, or its start page when there is nothing to go on with
    (no answers started, or no question `number`)."""
    asked = _load(request, db, catalogue, token)
    if isinstance(asked, Response):
        return asked
    draft = _draft(request, db, asked)
    if draft is None or (number is not None and not 1 <= number <= asked.total):
        return _go(asked.base)
    return asked, draft


def _go(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _set_cookie(request: Request, response: Response, asked: Asked, value: str) -> None:
    response.set_cookie(asked.cookie, value, max_age=COOKIE_MAX_AGE, path=asked.base,
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")


def _context(asked: Asked, **more: Any) -> dict[str, Any]:
    return {"asked": asked, "organisation": asked.organisation, "base": asked.base, **more}


@router.get("/voice/{token}")
def start_page(request: Request, token: str, db: SessionDep,
               catalogue: CatalogueDep) -> Response:
    asked = _load(request, db, catalogue, token)
    if isinstance(asked, Response):
        return asked
    sent = request.cookies.get(asked.cookie) == SENT
    # A view's round asks about the organisation viewed (a council, say): say so.
    about = db.get(Organisation, asked.assessment.subject_organisation_id) \
        if asked.assessment.is_view else None
    return render(request, "voice/start.html", _context(
        asked, sent=sent, draft=None if sent else _draft(request, db, asked), about=about))


@router.post("/voice/{token}")
def start(request: Request, token: str, db: SessionDep, catalogue: CatalogueDep,
          easy_read: Annotated[str, Form()] = "") -> Response:
    asked = _load(request, db, catalogue, token)
    if isinstance(asked, Response):
        return asked
    key = service.start_draft(db, asked.round, easy_read=easy_read == "yes")
    response = _go(f"{asked.base}/questions/1")
    _set_cookie(request, response, asked, f"d.{key}")
    return response


def _question(request: Request, asked: Asked, draft: VoiceDraft, number: int,
              values: dict[str, Any], errors: dict[str, str], change: bool) -> Response:
    code = asked.round.marker_codes[number - 1]
    marker = asked.framework.marker(code)
    assert marker is not None
    wording = (marker.easy_read or marker.statement) if draft.easy_read else marker.statement
    back = f"{asked.base}/check" if change else (
        f"{asked.base}/questions/{number - 1}" if number > 1 else asked.base)
    return render(request, "voice/question.html", _context(
        asked, number=number, marker=marker, wording=wording, values=values, errors=errors,
        options=ANSWER_OPTIONS, back=back, change=change))


@router.get("/voice/{token}/questions/{number}")
def question_page(request: Request, token: str, number: int, db: SessionDep,
                  catalogue: CatalogueDep, change: bool = False) -> Response:
    found = _with_draft(request, db, catalogue, token, number)
    if isinstance(found, Response):
        return found
    asked, draft = found
    given = draft.answers.get(asked.round.marker_codes[number - 1]) or {}
    values = {"answer": given.get("answer"), "comment": given.get("comment", "")}
    return _question(request, asked, draft, number, values, {}, change)


# The answer pages' POSTs are sync (forms parsed by FastAPI): their database work never
# blocks the event loop, however many people answer at once.
@router.post("/voice/{token}/questions/{number}")
def answer(request: Request, token: str, number: int, db: SessionDep,
           catalogue: CatalogueDep, form_data: Annotated[QuestionFields, Form()],
           change: bool = False) -> Response:
    found = _with_draft(request, db, catalogue, token, number)
    if isinstance(found, Response):
        return found
    asked, draft = found
    values = form_data.model_dump(exclude_none=True)
    form, errors = parse(QuestionForm, values)
    if form is not None and form.action == "answer" and form.answer is None:
        errors = {"answer": "Choose an answer, or choose ‘Skip this question’"}
    if form is None or errors:
        return _question(request, asked, draft, number, values, errors, change)
    chosen = Answer(form.answer) if form.action == "answer" and form.answer else Answer.skipped
    service.save_answer(db, draft, asked.round.marker_codes[number - 1], chosen,
                        "" if form.action == "skip" else form.comment)
    if change:
        return _go(f"{asked.base}/check")
    return _go(f"{asked.base}/questions/{number + 1}" if number < asked.total
               else f"{asked.base}/about")


def _about(request: Request, asked: Asked, values: dict[str, Any],
           errors: dict[str, str]) -> Response:
    return render(request, "voice/about.html", _context(
        asked, values=values, errors=errors, kind_options=KIND_OPTIONS,
        back=f"{asked.base}/questions/{asked.total}"))


@router.get("/voice/{token}/about")
def about_page(request: Request, token: str, db: SessionDep,
               catalogue: CatalogueDep) -> Response:
    found = _with_draft(request, db, catalogue, token)
    if isinstance(found, Response):
        return found
    asked, draft = found
    return _about(request, asked, {
        "respondent_kind": draft.respondent_kind,
        "may_share": None if draft.may_share is None else ("yes" if draft.may_share
                                                           else "no")}, {})


@router.post("/voice/{token}/about")
def about(request: Request, token: str, db: SessionDep, catalogue: CatalogueDep,
          form_data: Annotated[AboutFields, Form()]) -> Response:
    found = _with_draft(request, db, catalogue, token)
    if isinstance(found, Response):
        return found
    asked, draft = found
    values = form_data.model_dump(exclude_none=True)
    form, errors = parse(AboutForm, values)
    if form is None:
        return _about(request, asked, values, errors)
    service.save_about(db, draft, respondent_kind=form.respondent_kind,
                       may_share=form.may_share == "yes")
    return _go(f"{asked.base}/check")


@router.get("/voice/{token}/check")
def check_page(request: Request, token: str, db: SessionDep,
               catalogue: CatalogueDep) -> Response:
    found = _with_draft(request, db, catalogue, token)
    if isinstance(found, Response):
        return found
    asked, draft = found
    rows = []
    for number, code in enumerate(asked.round.marker_codes, start=1):
        marker = asked.framework.marker(code)
        given = draft.answers.get(code) or {}
        label = ANSWER_LABELS.get(Answer(given["answer"])) if given.get("answer") \
            else "Not answered yet"
        rows.append({"number": number, "marker": marker,
                     "wording": (marker.easy_read or marker.statement) if marker and
                     draft.easy_read else (marker.statement if marker else code),
                     "answer": label, "comment": given.get("comment", "")})
    return render(request, "voice/check.html", _context(
        asked, rows=rows, draft=draft,
        kind_label=RESPONDENT_LABELS.get(draft.respondent_kind)  # type: ignore[call-overload]
        if draft.respondent_kind else "You did not say",
        back=f"{asked.base}/about", honeypot=HONEYPOT))


@router.post("/voice/{token}/send")
def send(request: Request, token: str, catalogue: CatalogueDep, settings: SettingsDep,
         website: Annotated[str, Form()] = "") -> Response:
    """Sync, with a unit of work of its own that commits before this thread returns: when
    many people send at once, no request holds a connection while it waits for the event
    loop or a free thread to commit (the pool would run dry and every worker stall)."""
    with contextmanager(session_scope)(request.app.state.engine) as db:
        return _send(request, db, catalogue, settings, token, website.strip())


def _send(request: Request, db: Session, catalogue: FrameworkCatalogue, settings: Settings,
          token: str, honeypot: str) -> Response:
    asked = _load(request, db, catalogue, token)
    if isinstance(asked, Response):
        return asked
    draft = _draft(request, db, asked)
    response = _go(f"{asked.base}/thanks")
    if draft is None:  # sent already (a second click), or never started
        return response if request.cookies.get(asked.cookie) == SENT else _go(asked.base)
    if honeypot:  # a bot: it is thanked, and nothing is kept
        db.delete(draft)
    else:
        retry_at = service.retry_at(db, asked.round, secret=settings.secret_key,
                                    ip=client_address(request))
        if retry_at is not None:
            return too_many(request, retry_at, title="Too many answers at once",
                            doing="answers from your connection",
                            note="Your answers are kept on this device.",
                            next_step=("go back to your answers", f"{asked.base}/check"))
        service.send(db, asked.round, draft, secret=settings.secret_key,
                     ip=client_address(request), today=today())
    _set_cookie(request, response, asked, SENT)
    return response


@router.get("/voice/{token}/thanks")
def thanks_page(request: Request, token: str, db: SessionDep,
                catalogue: CatalogueDep) -> Response:
    asked = _load(request, db, catalogue, token)
    if isinstance(asked, Response):
        return asked
    return render(request, "voice/thanks.html", _context(asked))


@router.post("/voice/{token}/another")
def someone_else(request: Request, token: str, db: SessionDep,
                 catalogue: CatalogueDep) -> Response:
    """A shared device: forget this browser's answers so that the next person can start."""
    asked = _load(request, db, catalogue, token)
    if isinstance(asked, Response):
        return asked
    response = _go(asked.base)
    response.delete_cookie(asked.cookie, path=asked.base)
    return response
