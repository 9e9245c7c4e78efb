"""People's voice: opening a round, answering it without an account, and the counts.

Counts below SUPPRESS_BELOW for a marker are never shown, to the team or the public, so
that no one can be picked out."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import segno
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app import ratelimit
from app.assessments import evidence as evidence_service
from app.assessments import repository as assessments
from app.assessments.models import (
    NOT_APPLICABLE,
    Assessment,
    Evidence,
    EvidenceKind,
    Rating,
    SourceKind,
)
from app.audit.service import record
from app.clock import now
from app.errors import DomainError
from app.frameworks import Framework, Marker
from app.voice import repository
from app.voice.models import (
    ANSWER_LABELS,
    COUNTED,
    COUNTED_LABELS,
    RESPONDENT_LABELS,
    SUPPRESS_BELOW,
    Answer,
    RespondentKind,
    VoiceAnswer,
    VoiceDraft,
    VoiceResponse,
    VoiceRound,
)

# Rate limits on sending (app.ratelimit counts in the database, so every worker sees them).
ADDRESS_LIMIT, ROUND_LIMIT = 30, 600
LIMIT_WINDOW = timedelta(hours=1)
COMMENT_MAX = 2000
DRAFT_DAYS = 30
# A quote in the evidence says who spoke only as broadly as the person told us.
QUOTE_SOURCES = {RespondentKind.person.value: SourceKind.person_using_support.value,
                 RespondentKind.carer.value: SourceKind.family_carer.value}


class RoundProblem(DomainError):
    """A rule of rounds would be broken; the message says which (and for which field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)
        self.field: str = field  # always names a field of the round form


# Opening a round ----------------------------------------------------------------------------

def open_round(db: Session, *, actor_id: int, organisation_id: int, assessment: Assessment,
               framework: Framework, marker_codes: Sequence[str], opens_on: date,
               closes_on: date, welcome: str) -> VoiceRound:
    """A new round with an unguessable link; the markers kept in the framework's order."""
    chosen = set(marker_codes)
    codes = [m.code for m in framework.markers if m.code in chosen]
    if not codes:
        raise RoundProblem("markers", "Choose at least one marker to ask about")
    if closes_on < opens_on:
        raise RoundProblem("closes_on", "The closing date must be on or after the opening date")
    voice_round = VoiceRound(assessment_id=assessment.id or 0, token=secrets.token_urlsafe(24),
                             marker_codes=codes, opens_on=opens_on, closes_on=closes_on,
                             welcome=welcome.strip(), created_by_id=actor_id)
    db.add(voice_round)
    db.flush()
    record(db, actor_id=actor_id, action="voice.open", organisation_id=organisation_id,
           subject=f"voice_round:{voice_round.id}",
           after={"assessment_id": assessment.id, "markers": codes,
                  "opens_on": str(opens_on), "closes_on": str(closes_on), "welcome": welcome})
    return voice_round


def close_round(db: Session, *, actor_id: int, organisation_id: int, voice_round: VoiceRound,
                today: date) -> None:
    """No more answers from today on."""
    before = str(voice_round.closes_on)
    voice_round.closes_on = today - timedelta(days=1)
    voice_round.opens_on = min(voice_round.opens_on, voice_round.closes_on)
    db.add(voice_round)
    record(db, actor_id=actor_id, action="voice.close", organisation_id=organisation_id,
           subject=f"voice_round:{voice_round.id}", before={"closes_on": before},
           after={"closes_on": str(voice_round.closes_on)})


@lru_cache(maxsize=256)
def qr_svg(url: str) -> str:
    """The link as a QR code, an SVG made here (nothing fetched from elsewhere); kept, as
    a round's link never changes and drawing it takes tens of milliseconds."""
    code = segno.make(url, error="m")
    svg: str = code.svg_inline(scale=5, dark="#0b0c0c", light="#ffffff",
                               svgclass="mir-qr")
    return svg


def link_of(base_url: str, voice_round: VoiceRound) -> str:
    return f"{base_url.rstrip('/')}/voice/{voice_round.token}"


# Counts ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MarkerCounts:
    """One marker's answers: `counts` is None when fewer than SUPPRESS_BELOW answered."""

    code: str
    statement: str
    answered: int
    counts: dict[str, int] | None

    @property
    def suppressed(self) -> bool:
        return self.counts is None


def marker_counts(marker: Marker, counts: Mapping[str, int]) -> MarkerCounts:
    answered = sum(counts.get(a.value, 0) for a in COUNTED)
    shown = {a.value: counts.get(a.value, 0) for a in COUNTED} \
        if answered >= SUPPRESS_BELOW else None
    return MarkerCounts(marker.code, marker.statement, answered, shown)


def round_counts(db: Session, voice_round: VoiceRound,
                 framework: Framework) -> list[MarkerCounts]:
    """Every marker of the round with its counts (one query)."""
    raw = repository.answer_counts(db, voice_round.id or 0)
    return [marker_counts(marker, raw.get(code, {}))
            for code in voice_round.marker_codes
            if (marker := framework.marker(code)) is not None]


def people_in_words(people: int) -> str:
    if people < SUPPRESS_BELOW:
        return f"Fewer than {SUPPRESS_BELOW} people answered"
    return f"{people:,} people answered"


def voice_snapshot(db: Session, assessment: Assessment | None, framework: Framework,
                   today: date) -> dict[str, Any] | None:
    """What a publication freezes of the newest round that has opened: counts per marker
    (None below SUPPRESS_BELOW), how many people answered and between which dates. Never
    a comment: those reach the public only as evidence the team chose to publish."""
    if assessment is None or assessment.id is None:
        return None
    opened = [r for r in repository.rounds_of(db, assessment.id) if r.opens_on <= today]
    if not opened:
        return None
    voice_round = opened[0]
    people, _paper = repository.response_summary(db, voice_round.id or 0)
    return {"opens_on": voice_round.opens_on.isoformat(),
            "closes_on": min(voice_round.closes_on, today).isoformat(),
            "people": people if people >= SUPPRESS_BELOW else None,
            "people_label": people_in_words(people),
            "answer_labels": COUNTED_LABELS,
            "markers": [{"code": m.code, "statement": m.statement,
                         "answered": m.answered if not m.suppressed else None,
                         "counts": m.counts}
                        for m in round_counts(db, voice_round, framework)]}


# Answering ---------------------------------------------------------------------------------

def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def start_draft(db: Session, voice_round: VoiceRound, *, easy_read: bool) -> str:
    """A new draft; returns the random key the browser keeps in a cookie. Drafts nobody
    touched for DRAFT_DAYS are forgotten: unsent words are not kept for ever."""
    repository.delete_drafts_before(db, now() - timedelta(days=DRAFT_DAYS))
    key = secrets.token_urlsafe(24)
    db.add(VoiceDraft(round_id=voice_round.id or 0, key_hash=hash_key(key),
                      easy_read=easy_read))
    db.flush()
    return key


def save_answer(db: Session, draft: VoiceDraft, code: str, answer: Answer,
                comment: str) -> None:
    draft.answers = {**draft.answers, code: {"answer": answer.value,
                                             "comment": comment[:COMMENT_MAX]}}
    draft.updated_at = now()
    db.add(draft)


def save_about(db: Session, draft: VoiceDraft, *, respondent_kind: str | None,
               may_share: bool) -> None:
    draft.respondent_kind, draft.may_share = respondent_kind, may_share
    draft.updated_at = now()
    db.add(draft)


def _limits(voice_round: VoiceRound, *, secret: str,
            ip: str) -> list[tuple[ratelimit.Limit, str]]:
    """Per address (a keyed hash of it: the table never holds the address) and per round."""
    return [(ratelimit.Limit("voice:address", ADDRESS_LIMIT, LIMIT_WINDOW), f"{secret}:{ip}"),
            (ratelimit.Limit("voice:round", ROUND_LIMIT, LIMIT_WINDOW), str(voice_round.id))]


def retry_at(db: Session, voice_round: VoiceRound, *, secret: str,
             ip: str) -> datetime | None:
    """When this address (or anyone, for a busy round) may send again, if not now."""
    waits = [ratelimit.retry_at(db, limit, subject)
             for limit, subject in _limits(voice_round, secret=secret, ip=ip)]
    found = [w for w in waits if w is not None]
    return max(found) if found else None


def _store(db: Session, voice_round: VoiceRound, *, receipt: str,
           answers: Mapping[str, Mapping[str, str]], respondent_kind: str | None,
           may_share: bool, on_behalf: bool, today: date) -> VoiceResponse | None:
    """Keep one set of answers; None if this receipt was already used (sent twice)."""
    kinds = {k.value for k in RespondentKind}
    response = VoiceResponse(
        round_id=voice_round.id or 0, receipt=receipt,
        respondent_kind=respondent_kind if respondent_kind in kinds else None,
        may_share=may_share, on_behalf=on_behalf, sent_on=today)
    try:
        with db.begin_nested():
            db.add(response)
            db.flush()
    except IntegrityError:
        return None
    for code in voice_round.marker_codes:
        given = answers.get(code) or {}
        answer = given.get("answer") if given.get("answer") in {a.value for a in Answer} \
            else Answer.skipped.value
        db.add(VoiceAnswer(response_id=response.id or 0, round_id=voice_round.id or 0,
                           marker_code=code, answer=str(answer),
                           comment=str(given.get("comment", ""))[:COMMENT_MAX].strip()))
    db.flush()
    return response


def send(db: Session, voice_round: VoiceRound, draft: VoiceDraft, *, secret: str, ip: str,
         today: date) -> VoiceResponse | None:
    """Turn a draft into a response, count it against the limits and forget the draft."""
    response = _store(db, voice_round, receipt=draft.key_hash, answers=draft.answers,
                      respondent_kind=draft.respondent_kind, may_share=bool(draft.may_share),
                      on_behalf=False, today=today)
    if response is not None:
        for limit, subject in _limits(voice_round, secret=secret, ip=ip):
            ratelimit.hit(db, limit, subject)
    db.delete(draft)
    return response


def enter_paper(db: Session, *, actor_id: int, organisation_id: int, voice_round: VoiceRound,
                answers: Mapping[str, Mapping[str, str]], respondent_kind: str | None,
                may_share: bool, today: date) -> VoiceResponse:
    """A paper form typed in by the team, marked as entered on the person's behalf."""
    response = _store(db, voice_round, receipt=secrets.token_hex(16), answers=answers,
                      respondent_kind=respondent_kind, may_share=may_share, on_behalf=True,
                      today=today)
    assert response is not None  # a fresh random receipt
    record(db, actor_id=actor_id, action="voice.paper", organisation_id=organisation_id,
           subject=f"voice_response:{response.id}", after={"round_id": voice_round.id})
    return response


def add_sample_answers(db: Session, voice_round: VoiceRound, *, start: int, count: int,
                       today: date) -> None:
    """`count` made-up sets of answers to every marker of the round, each with a comment,
    in two bulk inserts (demo data, benchmarks and tests: no rate limits, no audit). Sets
    are numbered from `start`, so a round can be filled in several goes."""
    if count <= 0:
        return
    receipts = [f"sample-{voice_round.id}-{number}" for number in range(start, start + count)]
    db.execute(insert(VoiceResponse), [
        {"round_id": voice_round.id, "receipt": receipt, "may_share": number % 2 == 0,
         "on_behalf": number % 10 == 0, "sent_on": today, "removed_reason": "",
         "respondent_kind": RespondentKind.person.value}
        for number, receipt in enumerate(receipts, start=start)])
    ids = repository.response_ids(db, voice_round.id or 0, receipts)
    db.execute(insert(VoiceAnswer), [
        {"response_id": ids[receipt], "round_id": voice_round.id, "marker_code": code,
         "answer": COUNTED[(offset + index) % len(COUNTED)].value,
         "comment": f"Comment {start + offset} on {code}", "removed": False}
        for offset, receipt in enumerate(receipts)
        for index, code in enumerate(voice_round.marker_codes)])


def remove_response(db: Session, *, actor_id: int, organisation_id: int,
                    response: VoiceResponse, reason: str) -> None:
    """Take a set of answers out of every count. Answers are never edited."""
    if response.removed_at is not None:
        return
    response.removed_at, response.removed_reason = now(), reason.strip()
    db.add(response)
    repository.mark_answers_removed(db, response.id or 0)
    record(db, actor_id=actor_id, action="voice.remove", organisation_id=organisation_id,
           subject=f"voice_response:{response.id}", before={"removed": False},
           after={"removed": True, "reason": reason.strip()})


def quote_from(db: Session, *, actor_id: int, organisation_id: int, rating: Rating,
               answer: VoiceAnswer, response: VoiceResponse) -> Evidence:
    """A comment the person allowed to be shared, as a quote (no name) in the evidence."""
    if not response.may_share or answer.removed or not answer.comment:
        raise evidence_service.NotAllowed("This person did not agree to their words being "
                                          "shared")
    return evidence_service.add_evidence(
        db, actor_id=actor_id, organisation_id=organisation_id, rating=rating,
        new=evidence_service.NewEvidence(
            kind=EvidenceKind.quote, text=answer.comment,
            source_kind=QUOTE_SOURCES.get(response.respondent_kind or ""),
            consent_to_publish=True, publishable=True))


# Beside the team's own level (the marker page and the overview) ----------------------------

@dataclass(frozen=True)
class AssessmentVoice:
    """The newest round of an assessment, as the marker page and the overview show it."""

    round: VoiceRound
    people: int
    people_label: str
    markers: dict[str, MarkerCounts]
    comments: Sequence[tuple[VoiceAnswer, VoiceResponse]] = ()


def assessment_voice(db: Session, assessment_id: int, framework: Framework, *,
                     marker_code: str | None = None) -> AssessmentVoice | None:
    """Counts of the newest round (and, for one marker, its newest comments); None when
    the assessment has no round. A fixed number of queries, however many answers."""
    rounds = repository.rounds_of(db, assessment_id)
    if not rounds:
        return None
    voice_round = rounds[0]
    if marker_code is not None and marker_code not in voice_round.marker_codes:
        return None
    people, _paper = repository.response_summary(db, voice_round.id or 0)
    counts = {m.code: m for m in round_counts(db, voice_round, framework)}
    comments = repository.comments(db, voice_round.id or 0, marker_code=marker_code,
                                   limit=20) if marker_code else ()
    return AssessmentVoice(voice_round, people, people_in_words(people), counts, comments)


def answer_tallies(db: Session, assessment_id: int) -> dict[str, dict[str, int]]:
    """Marker code -> answer -> how many, for the newest round, skips left out; a marker
    fewer than SUPPRESS_BELOW people answered is left out too (no one can be picked out)."""
    rounds = repository.rounds_of(db, assessment_id)
    if not rounds:
        return {}
    tallies = {code: {answer: count for answer, count in counts.items()
                      if answer != Answer.skipped.value}
               for code, counts in repository.answer_counts(db, rounds[0].id or 0).items()}
    return {code: counts for code, counts in tallies.items()
            if sum(counts.values()) >= SUPPRESS_BELOW}


def marker_context(db: Session, assessment: Assessment, framework: Framework,
                   code: str) -> dict[str, Any]:
    """What the marker page's people's voice panel needs (templates/voice/_marker.html)."""
    return {"voice": assessment_voice(db, assessment.id or 0, framework, marker_code=code),
            **_labels()}


def overview_context(db: Session, assessment: Assessment,
                     framework: Framework) -> dict[str, Any]:
    """What the overview's people's voice table needs (templates/voice/_overview.html)."""
    voice = assessment_voice(db, assessment.id or 0, framework)
    labels = {level.id: level.label for level in framework.scale}
    labels[NOT_APPLICABLE] = "Does not apply to us"
    levels = {code: labels.get(rating.level, rating.level) for code, rating in
              assessments.ratings_of(db, assessment.id or 0).items()
              if rating.level} if voice else {}
    return {"voice": voice, "overview_levels": levels, **_labels()}


def _labels() -> dict[str, Any]:
    return {"voice_labels": COUNTED_LABELS, "voice_answer_labels": ANSWER_LABELS,
            "voice_kind_labels": RESPONDENT_LABELS}
