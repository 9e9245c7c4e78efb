"""The plans service without HTTP: the priorities rule, what an action needs, no lost
updates, moving actions, and the publish checks and refusals that use them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.accounts.models import User
from app.assessments.models import Assessment
from app.audit.models import AuditEvent
from app.errors import DomainError, Problems, Stale
from app.organisations.models import Organisation
from app.plans import repository, service
from app.plans.models import Action, ActionStatus
from app.publications import service as publishing
from app.publications.models import Publication, PublicationKind
from tests.factories import make_finished_assessment, make_organisation, make_user
from tests.views.factories import FRAMEWORK

BASE = "/manage/bury"
WHY = {"IA1": "People told us", "IA2": "Our survey", "IA3": "The workshops"}


@pytest.fixture
def owner(db: Session) -> User:
    return make_user(db, name="Olu Owner")


@pytest.fixture
def organisation(db: Session, owner: User) -> Organisation:
    return make_organisation(db, owner=owner, name="Bury Voice", slug="bury")


@pytest.fixture
def assessment(db: Session, organisation: Organisation, owner: User) -> Assessment:
    return make_finished_assessment(db, organisation, owner, FRAMEWORK)


def choose(db: Session, organisation: Organisation, owner: User, assessment: Assessment,
           chosen: dict[str, str]) -> dict[str, str]:
    return service.choose_priorities(db, actor_id=owner.id or 0,
                                     organisation_id=organisation.id or 0,
                                     assessment_id=assessment.id or 0, framework=FRAMEWORK,
                                     chosen=chosen)


def change(title: str = "Rewrite the leaflet", *, markers: tuple[str, ...] = (),
           status: ActionStatus = ActionStatus.planned,
           dropped_reason: str = "") -> service.ActionChange:
    return service.ActionChange(title=title, description="", marker_codes=list(markers),
                                owner="", due_on=None, status=status,
                                dropped_reason=dropped_reason)


def add(db: Session, organisation: Organisation, owner: User, title: str) -> Action:
    return service.add_action(db, actor_id=owner.id or 0, organisation_id=organisation.id or 0,
                              framework_id=FRAMEWORK.id, change=change(title))


def test_fewer_priorities_than_the_framework_asks_are_refused_and_nothing_is_saved(
        db: Session, organisation: Organisation, owner: User, assessment: Assessment) -> None:
    assert FRAMEWORK.min_priorities == 3
    with pytest.raises(Problems) as refused:
        choose(db, organisation, owner, assessment, {"IA1": "People told us", "IA2": " "})
    assert refused.value.errors == {
        "priority": "Choose at least 3 priorities; you chose 2",
        "why-IA2": "Say why IA2 is a priority"}
    assert repository.priorities_of(db, assessment.id or 0) == []


def test_codes_that_are_not_markers_do_not_count_towards_the_minimum(
        db: Session, organisation: Organisation, owner: User, assessment: Assessment) -> None:
    with pytest.raises(Problems) as refused:
        choose(db, organisation, owner, assessment,
               {"IA1": "a", "IA2": "b", "NOT-A-MARKER": "c"})
    assert refused.value.field == "priority"
    assert refused.value.message == "Choose at least 3 priorities; you chose 2"


def test_enough_priorities_each_with_a_reason_are_saved_and_audited(
        db: Session, organisation: Organisation, owner: User, assessment: Assessment) -> None:
    saved = choose(db, organisation, owner, assessment, {**WHY, "NOT-A-MARKER": "x"})
    assert saved == WHY
    stored = {p.marker_code: p.why for p in repository.priorities_of(db, assessment.id or 0)}
    assert stored == WHY
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "priorities.set")).one()
    assert event.after == WHY


def test_an_action_needs_markers_from_the_framework_and_a_reason_to_drop_it() -> None:
    assert service.action_problems(FRAMEWORK, change(markers=("IA1",))) == {}
    assert service.action_problems(FRAMEWORK, change(markers=("IA1", "ZZ9"))) == {
        "marker_codes": "Choose markers from the list"}
    assert service.action_problems(FRAMEWORK, change(status=ActionStatus.dropped)) == {
        "dropped_reason": "Say why the action was dropped"}
    assert service.action_problems(FRAMEWORK, change(status=ActionStatus.dropped,
                                                     dropped_reason="Funding ended")) == {}


def test_a_save_from_an_old_form_is_refused_with_the_action_as_saved(
        db: Session, organisation: Organisation, owner: User) -> None:
    action = add(db, organisation, owner, "Rewrite the leaflet")
    seen = action.version
    service.save_action(db, actor_id=owner.id or 0, action=action, seen_version=seen,
                        change=change("Rewrite the leaflet in Easy Read"))
    with pytest.raises(Stale) as stale:
        service.save_action(db, actor_id=owner.id or 0, action=action, seen_version=seen,
                            change=change("Print the leaflet"))
    assert stale.value.status_code == 409
    assert stale.value.current.title == "Rewrite the leaflet in Easy Read"
    assert db.get(Action, action.id).title == "Rewrite the leaflet in Easy Read"  # type: ignore[union-attr]


def test_moving_an_action_swaps_it_with_its_neighbour(
        db: Session, organisation: Organisation, owner: User) -> None:
    first, second = (add(db, organisation, owner, title) for title in ("First", "Second"))
    actions = repository.actions_of(db, organisation.id or 0, FRAMEWORK.id)
    service.move_action(db, actor_id=owner.id or 0, actions=actions, action_id=second.id or 0,
                        direction="up")
    db.flush()
    titles = [a.title for a in repository.actions_of(db, organisation.id or 0, FRAMEWORK.id)]
    assert titles == ["Second", "First"]
    with pytest.raises(DomainError) as missing:
        service.move_action(db, actor_id=owner.id or 0, actions=actions,
                            action_id=(first.id or 0) + 1000, direction="up")
    assert missing.value.status_code == 404


def test_an_action_is_overdue_only_while_it_is_still_to_do() -> None:
    due, later = date(2026, 3, 1), date(2026, 3, 2)
    assert service.is_overdue(due, ActionStatus.in_progress, later)
    assert not service.is_overdue(due, ActionStatus.done, later)
    assert not service.is_overdue(due, ActionStatus.planned, due)
    assert not service.is_overdue(None, ActionStatus.planned, later)


def test_the_publish_checklist_counts_priorities_and_actions(
        db: Session, organisation: Organisation, owner: User, assessment: Assessment,
        tmp_path: Path) -> None:
    def checks() -> dict[str, bool]:
        found = publishing.checklist(db, organisation=organisation, framework=FRAMEWORK,
                                     assessment=assessment, kind=PublicationKind.plan,
                                     base=BASE)
        return {check.text: check.done for check in found}

    assert checks() == {
        "The co-production record says who took part, how, and what they said": True,
        "At least 3 priorities are chosen (0 so far)": False,
        "The action plan has at least one action": False}
    with pytest.raises(DomainError) as refused:
        publish(db, organisation, owner, assessment, tmp_path, PublicationKind.plan)
    assert refused.value.field == "kind"
    assert refused.value.message.startswith("Not ready to publish: At least 3 priorities")
    choose(db, organisation, owner, assessment, WHY)
    add(db, organisation, owner, "Rewrite the leaflet")
    assert all(checks().values())
    assert publish(db, organisation, owner, assessment, tmp_path,
                   PublicationKind.plan).number == 1


def test_a_correction_must_say_what_changed(
        db: Session, organisation: Organisation, owner: User, assessment: Assessment,
        tmp_path: Path) -> None:
    choose(db, organisation, owner, assessment, WHY)
    add(db, organisation, owner, "Rewrite the leaflet")
    with pytest.raises(DomainError) as refused:
        publish(db, organisation, owner, assessment, tmp_path, PublicationKind.correction)
    assert (refused.value.field, refused.value.message) == (
        "what_changed", "Say what changed since the last publication")


def publish(db: Session, organisation: Organisation, owner: User, assessment: Assessment,
            upload_dir: Path, kind: PublicationKind) -> Publication:
    return publishing.publish(db, actor_id=owner.id or 0, organisation=organisation,
                              framework=FRAMEWORK, assessment=assessment, kind=kind,
                              what_changed="", today=date(2026, 4, 1), upload_dir=upload_dir,
                              base=BASE)
