"""Rules for priorities and the action plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, delete

from app.audit.service import record
from app.clock import now
from app.db import save_if_version
from app.errors import DomainError, Problems, Stale
from app.frameworks import Framework
from app.plans import repository
from app.plans.models import Action, ActionStatus, ActionUpdate, Priority


def priority_problems(framework: Framework, chosen: dict[str, str]) -> dict[str, str]:
    """What stops `chosen` (marker code → why) being the priorities: each needs a reason,
    and there must be at least the framework's minimum. Empty when nothing does."""
    errors = {f"why-{code}": f"Say why {code} is a priority"
              for code, why in chosen.items() if not why.strip()}
    if len(chosen) < framework.min_priorities:
        errors = {"priority": f"Choose at least {framework.min_priorities} priorities; you "
                              f"chose {len(chosen)}", **errors}
    return errors


def choose_priorities(db: Session, *, actor_id: int, organisation_id: int, assessment_id: int,
                      framework: Framework, chosen: dict[str, str]) -> dict[str, str]:
    """Make `chosen` the priorities if they keep the rules (`priority_problems`), else raise
    Problems. Codes that are not the framework's markers are left out. Returns what was
    chosen."""
    chosen = {code: why for code, why in chosen.items() if framework.marker(code) is not None}
    problems = priority_problems(framework, chosen)
    if problems:
        raise Problems(problems)
    set_priorities(db, actor_id=actor_id, organisation_id=organisation_id,
                   assessment_id=assessment_id, chosen=chosen)
    return chosen


def set_priorities(db: Session, *, actor_id: int, organisation_id: int, assessment_id: int,
                   chosen: dict[str, str]) -> None:
    """Replace the assessment's priorities with `chosen` (marker code → why), unchecked: a
    draft may have fewer than the minimum (`choose_priorities` keeps the rules)."""
    before = {p.marker_code: p.why for p in repository.priorities_of(db, assessment_id)}
    db.exec(delete(Priority).where(col(Priority.assessment_id) == assessment_id))
    for code, why in chosen.items():
        db.add(Priority(assessment_id=assessment_id, marker_code=code, why=why,
                        created_by_id=actor_id))
    record(db, actor_id=actor_id, action="priorities.set", organisation_id=organisation_id,
           subject=f"assessment:{assessment_id}", before=before, after=dict(chosen))


def is_overdue(due_on: date | None, status: str, today: date) -> bool:
    """Past its due date and neither done nor dropped."""
    return (due_on is not None and due_on < today
            and status in (ActionStatus.planned, ActionStatus.in_progress))


@dataclass(frozen=True)
class ActionChange:
    title: str
    description: str
    marker_codes: list[str]
    owner: str
    due_on: date | None
    status: ActionStatus
    dropped_reason: str

    def as_dict(self) -> dict[str, object]:
        return {"title": self.title, "description": self.description,
                "marker_codes": self.marker_codes, "owner": self.owner, "due_on": self.due_on,
                "status": self.status.value, "dropped_reason": self.dropped_reason}


def action_problems(framework: Framework, change: ActionChange) -> dict[str, str]:
    """What is wrong with an action before it is saved, by form field."""
    errors = {}
    if any(framework.marker(code) is None for code in change.marker_codes):
        errors["marker_codes"] = "Choose markers from the list"
    if change.status == ActionStatus.dropped and not change.dropped_reason.strip():
        errors["dropped_reason"] = "Say why the action was dropped"
    return errors


def add_action(db: Session, *, actor_id: int, organisation_id: int, framework_id: str,
               change: ActionChange) -> Action:
    existing = repository.actions_of(db, organisation_id, framework_id)
    action = Action(organisation_id=organisation_id, framework_id=framework_id,
                    position=max((a.position for a in existing), default=0) + 1,
                    created_by_id=actor_id, updated_by_id=actor_id, **change.as_dict())  # type: ignore[arg-type]
    db.add(action)
    db.flush()
    record(db, actor_id=actor_id, action="action.add", organisation_id=organisation_id,
           subject=f"action:{action.id}", after=change.as_dict())
    return action


def save_action(db: Session, *, actor_id: int, action: Action, seen_version: int,
                change: ActionChange) -> Action:
    """Save only if nobody saved since `seen_version`, else raise Stale with their action."""
    before = {**ActionChange(action.title, action.description, list(action.marker_codes),
                             action.owner, action.due_on, ActionStatus(action.status),
                             action.dropped_reason).as_dict(), "version": action.version}
    if not save_if_version(db, action, seen_version, {**change.as_dict(),
                                                      "updated_by_id": actor_id,
                                                      "updated_at": now()}):
        raise Stale(action)
    record(db, actor_id=actor_id, action="action.save", organisation_id=action.organisation_id,
           subject=f"action:{action.id}", before=before,
           after={**change.as_dict(), "version": action.version})
    return action


def move_action(db: Session, *, actor_id: int, actions: Sequence[Action], action_id: int,
                direction: str) -> None:
    """Swap an action with its neighbour; positions are renumbered 1..n."""
    ordered = list(actions)
    index = next((i for i, a in enumerate(ordered) if a.id == action_id), None)
    if index is None:
        raise DomainError("There is no such action in this plan.", status_code=404)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, action in enumerate(ordered, start=1):
        if action.position != position:
            action.position = position
            db.add(action)
    record(db, actor_id=actor_id, action="action.move",
           organisation_id=ordered[0].organisation_id, subject=f"action:{action_id}",
           after={"direction": direction, "order": [a.id for a in ordered]})


def add_update(db: Session, *, actor_id: int, action: Action, on: date,
               note: str) -> ActionUpdate:
    entry = ActionUpdate(action_id=action.id or 0, on=on, note=note, created_by_id=actor_id)
    db.add(entry)
    db.flush()
    record(db, actor_id=actor_id, action="action.update_progress",
           organisation_id=action.organisation_id, subject=f"action:{action.id}",
           after={"on": str(on), "note": note})
    return entry
