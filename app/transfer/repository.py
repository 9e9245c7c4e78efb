"""Every query an organisation's export and import needs, a table at a time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.areas.models import Area
from app.assessments.models import Assessment, CoProduction, Evidence, Rating
from app.organisations.models import Organisation
from app.plans.models import Action, ActionUpdate, Priority
from app.publications.models import Publication
from app.voice.models import VoiceAnswer, VoiceResponse, VoiceRound


def assessments_of(db: Session, organisation_id: int) -> Sequence[Assessment]:
    """Everything the organisation wrote: its self-assessments and its views of others."""
    return db.exec(select(Assessment).where(Assessment.organisation_id == organisation_id)
                   .order_by(col(Assessment.id))).all()


def ratings_of(db: Session, assessment_ids: Sequence[int]) -> Sequence[Rating]:
    return db.exec(select(Rating).where(col(Rating.assessment_id).in_(assessment_ids))
                   .order_by(col(Rating.id))).all()


def evidence_of(db: Session, rating_ids: Sequence[int]) -> Sequence[Evidence]:
    return db.exec(select(Evidence).where(col(Evidence.rating_id).in_(rating_ids))
                   .order_by(col(Evidence.id))).all()


def co_productions_of(db: Session, assessment_ids: Sequence[int]) -> Sequence[CoProduction]:
    return db.exec(select(CoProduction)
                   .where(col(CoProduction.assessment_id).in_(assessment_ids))).all()


def priorities_of(db: Session, assessment_ids: Sequence[int]) -> Sequence[Priority]:
    return db.exec(select(Priority).where(col(Priority.assessment_id).in_(assessment_ids))
                   .order_by(col(Priority.id))).all()


def actions_of(db: Session, organisation_id: int) -> Sequence[Action]:
    """Every action of every framework, in each plan's own order."""
    return db.exec(select(Action).where(Action.organisation_id == organisation_id)
                   .order_by(col(Action.framework_id), col(Action.position),
                             col(Action.id))).all()


def updates_of(db: Session, action_ids: Sequence[int]) -> Sequence[ActionUpdate]:
    return db.exec(select(ActionUpdate).where(col(ActionUpdate.action_id).in_(action_ids))
                   .order_by(col(ActionUpdate.on), col(ActionUpdate.id))).all()


def emails_of(db: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    return {user_id: email for user_id, email in
            db.exec(select(User.id, User.email).where(col(User.id).in_(wanted))).all()
            if user_id is not None}


def users_by_email(db: Session, emails: Iterable[str]) -> dict[str, User]:
    wanted = {email.lower() for email in emails}
    if not wanted:
        return {}
    return {user.email.lower(): user for user in
            db.exec(select(User).where(func.lower(User.email).in_(wanted))).all()}


def slugs_of(db: Session, organisation_ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {org_id for org_id in organisation_ids if org_id is not None}
    if not wanted:
        return {}
    return {org_id: slug for org_id, slug in
            db.exec(select(Organisation.id, Organisation.slug)
                    .where(col(Organisation.id).in_(wanted))).all()
            if org_id is not None}


def publication_numbers(db: Session, publication_ids: Iterable[int | None]
                        ) -> dict[int, int]:
    """Publication id → its number (within its organisation)."""
    wanted = {pid for pid in publication_ids if pid is not None}
    if not wanted:
        return {}
    return {pid: number for pid, number in
            db.exec(select(Publication.id, Publication.number)
                    .where(col(Publication.id).in_(wanted))).all() if pid is not None}


def publication_ids(db: Session, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """(organisation id, number) → publication id, for those that exist."""
    found: dict[tuple[int, int], int] = {}
    for organisation_id, number in set(wanted):
        pid = db.exec(select(Publication.id).where(
            Publication.organisation_id == organisation_id,
            Publication.number == number)).first()
        if pid is not None:
            found[(organisation_id, number)] = pid
    return found


def ids_of_slugs(db: Session, slugs: Iterable[str | None]) -> dict[str, int]:
    wanted = {slug for slug in slugs if slug is not None}
    if not wanted:
        return {}
    return {slug: org_id for org_id, slug in
            db.exec(select(Organisation.id, Organisation.slug)
                    .where(col(Organisation.slug).in_(wanted))).all()
            if org_id is not None}


def known_area_codes(db: Session, codes: Iterable[str]) -> set[str]:
    wanted = set(codes)
    if not wanted:
        return set()
    return set(db.exec(select(Area.gss_code).where(col(Area.gss_code).in_(wanted))).all())


def voice_rounds_of(db: Session, assessment_ids: Sequence[int]) -> Sequence[VoiceRound]:
    return db.exec(select(VoiceRound).where(col(VoiceRound.assessment_id).in_(assessment_ids))
                   .order_by(col(VoiceRound.id))).all()


def voice_responses_of(db: Session, round_ids: Sequence[int]) -> Sequence[VoiceResponse]:
    return db.exec(select(VoiceResponse).where(col(VoiceResponse.round_id).in_(round_ids))
                   .order_by(col(VoiceResponse.id))).all()


def voice_answers_of(db: Session, round_ids: Sequence[int]) -> Sequence[VoiceAnswer]:
    return db.exec(select(VoiceAnswer).where(col(VoiceAnswer.round_id).in_(round_ids))
                   .order_by(col(VoiceAnswer.id))).all()


def voice_tokens_taken(db: Session, tokens: Iterable[str]) -> set[str]:
    return set(db.exec(select(VoiceRound.token).where(col(VoiceRound.token).in_(list(tokens))))
               .all())


def voice_receipts_taken(db: Session, receipts: Iterable[str]) -> set[str]:
    return set(db.exec(select(VoiceResponse.receipt)
                       .where(col(VoiceResponse.receipt).in_(list(receipts)))).all())
