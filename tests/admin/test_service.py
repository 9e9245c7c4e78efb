"""Site admin rules: merging, hiding, verifying, and not locking yourself out."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.accounts.security import verify_password
from app.admin import service
from app.admin.forms import AuditFilter
from app.audit.models import AuditEvent
from app.db import engine_for
from app.organisations.models import Commitment, Membership, Organisation, OrganisationArea
from tests.factories import add_member, make_commitment, make_organisation, make_user

TODAY = date(2026, 3, 31)


def events(db: Session, action: str) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)
                        .order_by(col(AuditEvent.id))).all())


def roles(db: Session, organisation: Organisation) -> dict[str, str]:
    rows = db.exec(select(User.email, Membership.role)
                   .join(Membership, col(Membership.user_id) == User.id)
                   .where(Membership.organisation_id == organisation.id)).all()
    return dict(rows)


def area_codes(db: Session, organisation: Organisation) -> list[str]:
    return sorted(db.exec(select(OrganisationArea.area_code)
                          .where(OrganisationArea.organisation_id == organisation.id)).all())


def test_merge_moves_members_areas_and_sign_ups_keeping_the_higher_role(
        database_url: str) -> None:
    with Session(engine_for(database_url)) as db:
        admin = make_user(db, email="admin@example.org", admin=True)
        source_owner = make_user(db, email="source-owner@example.org")
        both_editor = make_user(db, email="both@example.org")
        target_owner = make_user(db, email="target-owner@example.org")
        source = make_organisation(db, owner=source_owner, name="Bolton Voice",
                                   areas=("E08000001", "E08000002"))
        target = make_organisation(db, owner=target_owner, name="Bolton Voice CIC",
                                   areas=("E08000002",))
        add_member(db, source, both_editor, "editor")
        add_member(db, target, both_editor, "viewer")
        add_member(db, source, target_owner, "viewer")
        duplicate_sign_up = make_commitment(db, source, "making-it-real-2018")
        other_sign_up = make_commitment(db, source, "another-framework")
        make_commitment(db, target, "making-it-real-2018")
        flagged = make_organisation(db, name="Bolton Voice", possible_duplicate_of_id=source.id)
        source.possible_duplicate_of_id = target.id
        db.commit()

        service.merge(db, actor=admin, source=source, target=target, on=TODAY)
        db.commit()

        assert roles(db, target) == {"source-owner@example.org": "owner",
                                     "both@example.org": "editor",
                                     "target-owner@example.org": "owner"}
        assert roles(db, source) == {}
        assert area_codes(db, target) == ["E08000001", "E08000002"]
        assert area_codes(db, source) == []
        moved = db.exec(select(Commitment).where(Commitment.organisation_id == target.id)).all()
        assert len(moved) == 3
        db.refresh(duplicate_sign_up)
        db.refresh(other_sign_up)
        assert duplicate_sign_up.withdrawn_on == TODAY
        assert "merged into Bolton Voice CIC" in (duplicate_sign_up.withdrawal_reason or "")
        assert other_sign_up.organisation_id == target.id
        assert other_sign_up.withdrawn_on is None
        assert source.merged_into_id == target.id
        assert source.possible_duplicate_of_id is None
        assert not source.is_listed
        db.refresh(flagged)
        assert flagged.possible_duplicate_of_id == target.id

        [merge] = events(db, "organisation.merge")
        assert merge.actor_id == admin.id and merge.organisation_id == source.id
        assert merge.before is not None and merge.after is not None
        assert merge.before["merged_into"] is None
        assert merge.after["merged_into"] == target.slug
        assert merge.before["areas"] == ["E08000001", "E08000002"]
        assert merge.after["areas"] == [] and merge.after["members"] == []
        [merge_into] = events(db, "organisation.merge_into")
        assert merge_into.organisation_id == target.id
        assert merge_into.after is not None and merge_into.after["merged_from"] == source.slug
        assert merge_into.after["areas"] == ["E08000001", "E08000002"]


@pytest.mark.parametrize("problem", ["itself", "unknown", "already-merged-target",
                                     "already-merged-source"])
def test_merge_refuses_what_makes_no_sense(database_url: str, problem: str) -> None:
    with Session(engine_for(database_url)) as db:
        source = make_organisation(db, name="Source")
        target = make_organisation(db, name="Target")
        elsewhere = make_organisation(db, name="Elsewhere")
        slug = {"itself": source.slug, "unknown": "no-such-organisation"}.get(problem,
                                                                              target.slug)
        if problem == "already-merged-target":
            target.merged_into_id = elsewhere.id
        if problem == "already-merged-source":
            source.merged_into_id = elsewhere.id
        db.flush()
        with pytest.raises(service.DomainError):
            service.check_merge(db, source=source, target_slug=slug)


def test_hiding_and_verifying_are_audited_with_before_and_after(database_url: str) -> None:
    with Session(engine_for(database_url)) as db:
        admin = make_user(db, admin=True)
        organisation = make_organisation(db, name="Bolton Voice")
        service.hide(db, actor=admin, organisation=organisation, reason="Being checked")
        service.unhide(db, actor=admin, organisation=organisation)
        service.set_verified(db, actor=admin, organisation=organisation, verified=True)
        service.set_verified(db, actor=admin, organisation=organisation, verified=True)
        service.set_verified(db, actor=admin, organisation=organisation, verified=False)
        db.commit()

        assert organisation.hidden_reason is None and not organisation.verified
        [hide] = events(db, "organisation.hide")
        assert (hide.before, hide.after) == ({"hidden_reason": None},
                                             {"hidden_reason": "Being checked"})
        assert hide.actor_id == admin.id and hide.organisation_id == organisation.id
        [unhide] = events(db, "organisation.unhide")
        assert (unhide.before, unhide.after) == ({"hidden_reason": "Being checked"},
                                                 {"hidden_reason": None})
        [verify] = events(db, "organisation.verify")  # the second, no-change call adds none
        assert (verify.before, verify.after) == ({"verified": False}, {"verified": True})
        [unverify] = events(db, "organisation.unverify")
        assert (unverify.before, unverify.after) == ({"verified": True}, {"verified": False})


def test_not_a_duplicate_clears_the_flag(database_url: str) -> None:
    with Session(engine_for(database_url)) as db:
        admin = make_user(db, admin=True)
        first = make_organisation(db, name="Same Name")
        second = make_organisation(db, name="Same Name", possible_duplicate_of_id=first.id)
        service.not_a_duplicate(db, actor=admin, organisation=second)
        db.commit()
        assert second.possible_duplicate_of_id is None
        [event] = events(db, "organisation.not_duplicate")
        assert event.before == {"possible_duplicate_of": first.id}


def test_an_admin_cannot_remove_their_own_admin_rights_or_disable_themselves(
        database_url: str) -> None:
    with Session(engine_for(database_url)) as db:
        admin = make_user(db, admin=True)
        with pytest.raises(service.DomainError, match="cannot remove your own admin rights"):
            service.set_admin(db, actor=admin, user=admin, admin=False)
        with pytest.raises(service.DomainError, match="cannot disable your own account"):
            service.set_disabled(db, actor=admin, user=admin, disabled=True)
        assert admin.is_admin and not admin.is_disabled
        assert events(db, "user.remove_admin") == events(db, "user.disable") == []


def test_disabling_ends_sessions_and_is_audited(database_url: str) -> None:
    with Session(engine_for(database_url)) as db:
        admin = make_user(db, admin=True)
        person = make_user(db)
        service.set_disabled(db, actor=admin, user=person, disabled=True)
        assert person.is_disabled and person.session_epoch == 1
        service.set_disabled(db, actor=admin, user=person, disabled=False)
        service.set_admin(db, actor=admin, user=person, admin=True)
        service.set_admin(db, actor=admin, user=person, admin=False)
        db.commit()
        assert not person.is_disabled and not person.is_admin
        [disable] = events(db, "user.disable")
        assert (disable.before, disable.after) == ({"disabled": False}, {"disabled": True})
        assert disable.subject == f"user:{person.id}"
        assert len(events(db, "user.enable")) == 1
        assert len(events(db, "user.make_admin")) == len(events(db, "user.remove_admin")) == 1


def test_create_user_makes_a_confirmed_account_and_membership(database_url: str) -> None:
    with Session(engine_for(database_url)) as db:
        organisation = make_organisation(db, name="Bolton Voice")
        user = service.create_user(db, email="New@Example.org", password="long enough pw",
                                   name="New Person", org_slug=organisation.slug,
                                   role="editor")
        db.commit()
        assert user.email == "new@example.org" and user.email_confirmed_at is not None
        assert verify_password("long enough pw", user.password_hash)
        assert roles(db, organisation) == {"new@example.org": "editor"}
        [created] = events(db, "user.create")
        assert created.actor_id is None and created.after is not None
        assert created.after["email"] == "new@example.org"
        assert len(events(db, "membership.add")) == 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"email": "taken@example.org"}, "already an account"),
    ({"email": "not-an-email"}, "correct format"),
    ({"password": "short"}, "10 characters or more"),
    ({"org_slug": "nowhere"}, "no organisation with the slug nowhere"),
    ({"org_slug": "bolton-voice", "role": "boss"}, "owner, editor or viewer"),
    ({"role": "owner"}, "as well as the role"),
])
def test_create_user_refuses_bad_details(database_url: str, changes: dict[str, str],
                                         message: str) -> None:
    with Session(engine_for(database_url)) as db:
        make_user(db, email="taken@example.org")
        make_organisation(db, name="Bolton Voice", slug="bolton-voice")
        details = {"email": "new@example.org", "password": "long enough pw", **changes}
        with pytest.raises(service.DomainError, match=message):
            service.create_user(db, **details)  # type: ignore[arg-type]


def test_audit_log_filters_say_what_is_unknown(database_url: str) -> None:
    with Session(engine_for(database_url)) as db:
        filters = AuditFilter(organisation="nowhere", user="nobody@example.org",
                              action="made.up")
        with pytest.raises(service.Problems) as problem:
            service.audit_log(db, filters=filters, actions=["user.login"], number=1)
        assert problem.value.errors == {
            "organisation": "There is no organisation with this slug",
            "user": "There is no account with this email address",
            "action": "Choose an action from the list",
        }
