"""The team's pages of people's voice: open a round, share its link, read the answers,
type in paper forms, turn a comment into a quote, remove an answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from app.assessments import evidence as evidence_service
from app.assessments import repository as assessments
from app.assessments.pages import (
    MARKER_PANELS,
    OVERVIEW_PANELS,
    Judgement,
    KindDep,
    Panel,
    level_labels,
    load_judgement,
    load_rating,
)
from app.clock import today
from app.deps import (
    CatalogueDep,
    EditorAccess,
    OrgAccess,
    OwnerAccess,
    SessionDep,
    SettingsDep,
    ViewerAccess,
    WebSessionDep,
)
from app.forms import DbInt, date_from_parts, form_values, parse
from app.plans import repository as plans
from app.templating import render
from app.voice import paper, repository, service
from app.voice.forms import AboutForm, RemoveForm, RoundForm
from app.voice.models import (
    ANSWER_LABELS,
    COUNTED,
    COUNTED_LABELS,
    RESPONDENT_LABELS,
    Answer,
    VoiceAnswer,
    VoiceResponse,
    VoiceRound,
)

router = APIRouter(include_in_schema=False)

# An assessment's marker and overview pages show what people said (assessments cannot import us).
MARKER_PANELS.append(Panel("voice/_marker.html", service.marker_context))
OVERVIEW_PANELS.append(Panel("voice/_overview.html", service.overview_context))
RESPONSES_PER_PAGE = 50
COMMENTS_SHOWN = 100
ANSWER_OPTIONS = [(a.value, ANSWER_LABELS[a]) for a in (*COUNTED, Answer.skipped)]


# Every page lives under a self-assessment and under an independent view (the same handler;
# the kind comes from the URL, as for the marker pages).
PLACES = ("/manage/{slug}/assessments/{assessment_id}/voice",
          "/manage/{slug}/views/{assessment_id}/voice")
Handler = Callable[..., Any]


def _get(suffix: str = "") -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for place in PLACES:
            router.get(place + suffix)(handler)
        return handler
    return register


def _post(suffix: str = "") -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for place in PLACES:
            router.post(place + suffix)(handler)
        return handler
    return register


def _go(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _voice_url(judgement: Judgement) -> str:
    return f"{judgement.base}/voice"


def _round(db: Session, judgement: Judgement, round_id: DbInt) -> VoiceRound:
    found = repository.round_of(db, judgement.assessment.id or 0, round_id)
    if found is None:
        raise HTTPException(404, "This assessment has no such round of questions.")
    return found


def _base(access: OrgAccess, judgement: Judgement, **more: Any) -> dict[str, Any]:
    return {**judgement.context(access), "voice_base": _voice_url(judgement), **more}


# Rounds ------------------------------------------------------------------------------------

def _rounds_page(request: Request, access: OrgAccess, db: Session, judgement: Judgement,
                 values: dict[str, Any],
                 errors: dict[str, str]) -> Response:
    return render(request, "voice/rounds.html", _base(
        access, judgement, rounds=repository.rounds_of(db, judgement.assessment.id or 0),
        today=today(), values=values, errors=errors,
        marker_options=[(m.code, f"{m.code}: {m.statement}") for m in judgement.framework.markers],
        priorities=[p.marker_code for p in plans.priorities_of(db, judgement.assessment.id or 0)]))


@_get()
def rounds_page(request: Request, assessment_id: DbInt, access: ViewerAccess, db: SessionDep,
                catalogue: CatalogueDep, kind: KindDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    start, end = today(), today() + timedelta(days=28)
    values = {"markers": "all", "opens_on-day": start.day, "opens_on-month": start.month,
              "opens_on-year": start.year, "closes_on-day": end.day,
              "closes_on-month": end.month, "closes_on-year": end.year}
    return _rounds_page(request, access, db, judgement, values, {})


@_post()
async def open_round(request: Request, assessment_id: DbInt, access: EditorAccess,
                     db: SessionDep, catalogue: CatalogueDep, kind: KindDep,
                     session: WebSessionDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    values = form_values(await request.form())
    values["chosen"] = values.get("chosen") if isinstance(values.get("chosen"), list) \
        else [values["chosen"]] if values.get("chosen") else []
    form, errors = parse(RoundForm, values)
    opens_on, opens_error = date_from_parts(values, "opens_on", "the opening date", True)
    closes_on, closes_error = date_from_parts(values, "closes_on", "the closing date", True)
    errors.update({k: v for k, v in (("opens_on", opens_error), ("closes_on", closes_error))
                   if v})
    if form is None or opens_on is None or closes_on is None or errors:
        return _rounds_page(request, access, db, judgement, values, errors)
    codes = {"all": [m.code for m in judgement.framework.markers],
             "priorities": [p.marker_code
                            for p in plans.priorities_of(db, judgement.assessment.id or 0)],
             "chosen": form.chosen}[form.markers]
    try:
        voice_round = service.open_round(
            db, actor_id=access.user.id or 0, organisation_id=access.organisation.id or 0,
            assessment=judgement.assessment, framework=judgement.framework, marker_codes=codes,
            opens_on=opens_on, closes_on=closes_on, welcome=form.welcome)
    except service.RoundProblem as problem:
        return _rounds_page(request, access, db, judgement, values,
                            {problem.field: problem.message})
    session.add_flash("Your round of questions is ready. Share its link.")
    return _go(f"{_voice_url(judgement)}/{voice_round.id}")


# One round: link, QR code, counts, comments -------------------------------------------------

@_get("/{round_id}")
def round_page(request: Request, assessment_id: DbInt, round_id: DbInt, access: ViewerAccess,
               db: SessionDep, catalogue: CatalogueDep, kind: KindDep,
               settings: SettingsDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    voice_round = _round(db, judgement, round_id)
    link = service.link_of(settings.base_url, voice_round)
    people, on_paper = repository.response_summary(db, voice_round.id or 0)
    ratings = assessments.ratings_of(db, judgement.assessment.id or 0)
    return render(request, "voice/round.html", _base(
        access, judgement, voice_round=voice_round, link=link,
        qr=service.qr_svg(link), people=people, on_paper=on_paper,
        people_label=service.people_in_words(people), is_open=voice_round.is_open(today()),
        markers=service.round_counts(db, voice_round, judgement.framework),
        levels=level_labels(judgement.framework),
        team_levels={code: rating.level for code, rating in ratings.items()},
        comments=repository.comments(db, voice_round.id or 0, limit=COMMENTS_SHOWN),
        comments_shown=COMMENTS_SHOWN,
        answer_labels=ANSWER_LABELS, counted_labels=COUNTED_LABELS,
        kind_labels=RESPONDENT_LABELS, can_edit=access.can_edit))


@_post("/{round_id}/close")
def close(assessment_id: DbInt, round_id: DbInt, access: EditorAccess, db: SessionDep,
          catalogue: CatalogueDep, kind: KindDep, session: WebSessionDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    voice_round = _round(db, judgement, round_id)
    service.close_round(db, actor_id=access.user.id or 0,
                        organisation_id=access.organisation.id or 0, voice_round=voice_round,
                        today=today())
    session.add_flash("The round is closed. No one can send answers now.")
    return _go(f"{_voice_url(judgement)}/{round_id}")


@_get("/{round_id}/paper.pdf")
def paper_pdf(assessment_id: DbInt, round_id: DbInt, access: ViewerAccess, db: SessionDep,
              catalogue: CatalogueDep, kind: KindDep, settings: SettingsDep,
              easy_read: bool = False) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    voice_round = _round(db, judgement, round_id)
    body = paper.to_pdf(voice_round, judgement.framework, organisation=access.organisation.name,
                        link=service.link_of(settings.base_url, voice_round),
                        easy_read=easy_read)
    name = f"questions-{'easy-read-' if easy_read else ''}{voice_round.id}.pdf"
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# Paper answers -----------------------------------------------------------------------------

def _paper_page(request: Request, access: OrgAccess, judgement: Judgement,
                voice_round: VoiceRound, values: dict[str, Any],
                errors: dict[str, str]) -> Response:
    return render(request, "voice/paper.html", _base(
        access, judgement, voice_round=voice_round, values=values,
        errors=errors, answer_options=ANSWER_OPTIONS,
        kind_options=[(k.value, label) for k, label in RESPONDENT_LABELS.items()],
        markers=[m for code in voice_round.marker_codes
                 if (m := judgement.framework.marker(code)) is not None]))


@_get("/{round_id}/paper")
def paper_page(request: Request, assessment_id: DbInt, round_id: DbInt, access: EditorAccess,
               db: SessionDep, catalogue: CatalogueDep, kind: KindDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    voice_round = _round(db, judgement, round_id)
    return _paper_page(request, access, judgement, voice_round, {}, {})


@_post("/{round_id}/paper")
async def enter_paper(request: Request, assessment_id: DbInt, round_id: DbInt,
                      access: EditorAccess, db: SessionDep, catalogue: CatalogueDep, kind: KindDep,
                      session: WebSessionDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    voice_round = _round(db, judgement, round_id)
    values = form_values(await request.form())
    about, errors = parse(AboutForm, values)
    answers = {code: {"answer": str(values.get(f"answer-{code}") or Answer.skipped.value),
                      "comment": str(values.get(f"comment-{code}", ""))}
               for code in voice_round.marker_codes}
    allowed = {a.value for a in Answer}
    errors.update({f"answer-{code}": "Choose one of the answers"
                   for code, given in answers.items() if given["answer"] not in allowed})
    errors.update({f"comment-{code}": "This must be 2000 characters or fewer"
                   for code, given in answers.items()
                   if len(given["comment"]) > service.COMMENT_MAX})
    if about is None or errors:
        return _paper_page(request, access, judgement, voice_round, values,
                           errors)
    service.enter_paper(db, actor_id=access.user.id or 0,
                        organisation_id=access.organisation.id or 0, voice_round=voice_round,
                        answers=answers, respondent_kind=about.respondent_kind,
                        may_share=about.may_share == "yes", today=today())
    session.add_flash("The paper answers are saved, marked as typed in for someone.")
    return _go(f"{_voice_url(judgement)}/{round_id}/paper"
               if values.get("next") == "another" else f"{_voice_url(judgement)}/"
                                                       f"{round_id}")


# Quotes and removal ------------------------------------------------------------------------

@_post("/{round_id}/answers/{answer_id}/quote")
def make_quote(assessment_id: DbInt, round_id: DbInt, answer_id: DbInt, access: EditorAccess,
               db: SessionDep, catalogue: CatalogueDep, kind: KindDep,
               session: WebSessionDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    voice_round = _round(db, judgement, round_id)
    found = repository.answer_in(db, voice_round.id or 0, answer_id)
    if found is None:
        raise HTTPException(404, "This round has no such answer.")
    answer, response = found
    rating = load_rating(db, judgement, answer.marker_code)
    try:
        service.quote_from(db, actor_id=access.user.id or 0,
                           organisation_id=access.organisation.id or 0, rating=rating,
                           answer=answer, response=response)
    except evidence_service.NotAllowed as refused:
        raise HTTPException(403, refused.message) from refused
    session.add_flash(f"The comment is now a quote in the evidence for {answer.marker_code}. "
                  f"It will be published with your next "
                  f"{'view' if kind.is_view else 'action plan'}.")
    return _go(f"{judgement.base}/markers/{answer.marker_code}")


@_get("/{round_id}/responses")
def responses_page(request: Request, assessment_id: DbInt, round_id: DbInt,
                   access: ViewerAccess, db: SessionDep, catalogue: CatalogueDep, kind: KindDep,
                   page: int = 1) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    voice_round = _round(db, judgement, round_id)
    page = max(1, page)
    rows = repository.responses(db, voice_round.id or 0,
                                offset=(page - 1) * RESPONSES_PER_PAGE,
                                limit=RESPONSES_PER_PAGE + 1)
    shown = rows[:RESPONSES_PER_PAGE]
    answers: dict[int, list[VoiceAnswer]] = {}
    for item in repository.answers_of(db, [r.id for r in shown if r.id is not None]):
        answers.setdefault(item.response_id, []).append(item)
    return render(request, "voice/responses.html", _base(
        access, judgement, voice_round=voice_round, responses=shown,
        answers=answers, page=page, has_more=len(rows) > RESPONSES_PER_PAGE,
        answer_labels=ANSWER_LABELS, kind_labels=RESPONDENT_LABELS))


def _remove_page(request: Request, access: OrgAccess, judgement: Judgement,
                 voice_round: VoiceRound, response_id: DbInt,
                 values: dict[str, Any], errors: dict[str, str]) -> Response:
    return render(request, "voice/remove.html", _base(
        access, judgement, voice_round=voice_round, response_id=response_id,
        values=values, errors=errors))


def _response(db: Session, voice_round: VoiceRound, response_id: DbInt) -> VoiceResponse:
    found = repository.response_in(db, voice_round.id or 0, response_id)
    if found is None:
        raise HTTPException(404, "This round has no such answer.")
    return found


@_get("/{round_id}/responses/{response_id}/remove")
def remove_page(request: Request, assessment_id: DbInt, round_id: DbInt, response_id: DbInt,
                access: OwnerAccess, db: SessionDep, catalogue: CatalogueDep,
                kind: KindDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    voice_round = _round(db, judgement, round_id)
    _response(db, voice_round, response_id)
    return _remove_page(request, access, judgement, voice_round, response_id,
                        {}, {})


@_post("/{round_id}/responses/{response_id}/remove")
async def remove(request: Request, assessment_id: DbInt, round_id: DbInt, response_id: DbInt,
                 access: OwnerAccess, db: SessionDep, catalogue: CatalogueDep, kind: KindDep,
                 session: WebSessionDep) -> Response:
    judgement = load_judgement(db, access, assessment_id, catalogue, kind)
    voice_round = _round(db, judgement, round_id)
    response = _response(db, voice_round, response_id)
    values = form_values(await request.form())
    form, errors = parse(RemoveForm, values)
    if form is None:
        return _remove_page(request, access, judgement, voice_round,
                            response_id, values, errors)
    service.remove_response(db, actor_id=access.user.id or 0,
                            organisation_id=access.organisation.id or 0, response=response,
                            reason=form.reason)
    session.add_flash("The answer is removed from every count.")
    return _go(f"{_voice_url(judgement)}/{round_id}/responses")
