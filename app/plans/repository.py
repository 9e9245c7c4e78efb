"""Reading priorities, actions and progress updates (the service writes them)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.plans.models import Action, ActionUpdate, Priority


def priorities_of(db: Session, assessment_id: int) -> Sequence[Priority]:
    return db.exec(select(Priority).where(Priority.assessment_id == assessment_id)
                   .order_by(col(Priority.id))).all()


def actions_of(db: Session, organisation_id: int, framework_id: str) -> Sequence[Action]:
    return db.exec(select(Action).where(Action.organisation_id == organisation_id,
                                        Action.framework_id == framework_id)
                   .order_by(col(Action.position), col(Action.id))).all()


def action_of(db: Session, organisation_id: int, framework_id: str,
              action_id: int) -> Action | None:
    return db.exec(select(Action).where(Action.id == action_id,
                                        Action.organisation_id == organisation_id,
                                        Action.framework_id == framework_id)).first()


def updates_for(db: Session, action_ids: Sequence[int]) -> dict[int, list[ActionUpdate]]:
    """Progress updates by action, oldest first, in one query."""
    found: dict[int, list[ActionUpdate]] = {action_id: [] for action_id in action_ids}
    if not action_ids:
        return found
    for update in db.exec(select(ActionUpdate)
                          .where(col(ActionUpdate.action_id).in_(action_ids))
                          .order_by(col(ActionUpdate.on), col(ActionUpdate.id))):
        found[update.action_id].append(update)
    return found
