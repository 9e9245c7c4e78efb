"""Every query of people's voice. Counts are made in SQL, so a page costs the same
number of queries at 10 answers as at 10 000."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from app.assessments.models import Assessment
from app.organisations.models import Organisation
from app.voice.models import VoiceAnswer, VoiceDraft, VoiceResponse, VoiceRound


def round_by_token(db: Session, token: str) -> VoiceRound | None:
    return db.exec(select(VoiceRound).where(VoiceRound.token == token)).first()


def round_of(db: Session, assessment_id: int, round_id: int) -> VoiceRound | None:
    return db.exec(select(VoiceRound).where(VoiceRound.id == round_id,
                                            VoiceRound.assessment_id == assessment_id)).first()


def rounds_of(db: Session, assessment_id: int) -> Sequence[VoiceRound]:
    """Newest first."""
    return db.exec(select(VoiceRound).where(VoiceRound.assessment_id == assessment_id)
                   .order_by(col(VoiceRound.opens_on).desc(),
                             col(VoiceRound.id).desc())).all()


def answer_counts(db: Session, round_id: int) -> dict[str, dict[str, int]]:
    """Marker code → answer → how many, leaving out removed answers."""
    rows = db.exec(select(VoiceAnswer.marker_code, VoiceAnswer.answer, func.count())
                   .where(VoiceAnswer.round_id == round_id, col(VoiceAnswer.removed).is_(False))
                   .group_by(VoiceAnswer.marker_code, VoiceAnswer.answer)).all()
    counts: dict[str, dict[str, int]] = {}
    for code, answer, count in rows:
        counts.setdefault(code, {})[answer] = count
    return counts


def response_summary(db: Session, round_id: int) -> tuple[int, int]:
    """(people who answered, of them on paper), leaving out removed answers."""
    total, paper = db.exec(
        select(func.count(), func.count().filter(col(VoiceResponse.on_behalf).is_(True)))
        .where(VoiceResponse.round_id == round_id, col(VoiceResponse.removed_at).is_(None))
    ).one()
    return int(total or 0), int(paper or 0)


def comments(db: Session, round_id: int, *, marker_code: str | None = None,
             limit: int = 50) -> Sequence[tuple[VoiceAnswer, VoiceResponse]]:
    """The newest comments (with who the person said they were), removed ones left out."""
    query = (select(VoiceAnswer, VoiceResponse)
             .join(VoiceResponse, col(VoiceResponse.id) == VoiceAnswer.response_id)
             .where(VoiceAnswer.round_id == round_id, col(VoiceAnswer.removed).is_(False),
                    VoiceAnswer.comment != ""))
    if marker_code is not None:
        query = query.where(VoiceAnswer.marker_code == marker_code)
    return db.exec(query.order_by(col(VoiceAnswer.id).desc()).limit(limit)).all()


def responses(db: Session, round_id: int, *, offset: int,
              limit: int) -> Sequence[VoiceResponse]:
    return db.exec(select(VoiceResponse).where(VoiceResponse.round_id == round_id)
                   .order_by(col(VoiceResponse.id).desc()).offset(offset).limit(limit)).all()


def answers_of(db: Session, response_ids: Sequence[int]) -> Sequence[VoiceAnswer]:
    if not response_ids:
        return []
    return db.exec(select(VoiceAnswer).where(col(VoiceAnswer.response_id).in_(response_ids))
                   .order_by(col(VoiceAnswer.id))).all()


def response_ids(db: Session, round_id: int, receipts: Sequence[str]) -> dict[str, int]:
    """Receipt → id of the round's responses sent with these receipts."""
    wanted = set(receipts)
    rows = db.exec(select(VoiceResponse.receipt, VoiceResponse.id)
                   .where(VoiceResponse.round_id == round_id)).all()
    return {receipt: id_ for receipt, id_ in rows if receipt in wanted and id_ is not None}


def response_in(db: Session, round_id: int, response_id: int) -> VoiceResponse | None:
    return db.exec(select(VoiceResponse).where(VoiceResponse.id == response_id,
                                               VoiceResponse.round_id == round_id)).first()


def answer_in(db: Session, round_id: int, answer_id: int
              ) -> tuple[VoiceAnswer, VoiceResponse] | None:
    row = db.exec(select(VoiceAnswer, VoiceResponse)
                  .join(VoiceResponse, col(VoiceResponse.id) == VoiceAnswer.response_id)
                  .where(VoiceAnswer.id == answer_id, VoiceAnswer.round_id == round_id)).first()
    return (row[0], row[1]) if row else None


def mark_answers_removed(db: Session, response_id: int) -> None:
    db.execute(update(VoiceAnswer).where(col(VoiceAnswer.response_id) == response_id)
               .values(removed=True))


def receipt_used(db: Session, receipt: str) -> bool:
    return db.exec(select(VoiceResponse.id).where(VoiceResponse.receipt == receipt)
                   ).first() is not None


def draft(db: Session, round_id: int, key_hash: str) -> VoiceDraft | None:
    return db.exec(select(VoiceDraft).where(VoiceDraft.key_hash == key_hash,
                                            VoiceDraft.round_id == round_id)).first()


def round_with_owner(db: Session, token: str
                     ) -> tuple[VoiceRound, Assessment, Organisation] | None:
    """A round by its public link, with its assessment and the organisation asking."""
    row = db.exec(select(VoiceRound, Assessment, Organisation)
                  .join(Assessment, col(Assessment.id) == VoiceRound.assessment_id)
                  .join(Organisation, col(Organisation.id) == Assessment.organisation_id)
                  .where(VoiceRound.token == token)).first()
    return (row[0], row[1], row[2]) if row else None


def delete_drafts_before(db: Session, moment: datetime) -> None:
    db.execute(delete(VoiceDraft).where(col(VoiceDraft.updated_at) < moment))
