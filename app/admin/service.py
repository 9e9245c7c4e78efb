"""Site admin rules: verifying, hiding and merging organisations; managing people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col

from app.accounts.models import User
from app.accounts.security import hash_password
from app.admin import repository
from app.admin.forms import AuditFilter
from app.admin.repository import AuditRow
from app.audit.service import record
from app.clock import now
from app.db import Page
from app.errors import DomainError, Problems
from app.forms import Errors, check_email, check_password
from app.organisations.models import Membership, Organisation, OrganisationArea, Role
from app.search import service as search
from app.search.service import Hit

__all__ = ["DomainError", "Problems", "audit_log", "check_merge", "create_user", "hide",
           "merge", "merge_candidates", "not_a_duplicate", "plan_merge", "set_admin",
           "set_disabled", "set_verified", "unhide"]


def _subject(organisation: Organisation) -> str:
    return f"organisation:{organisation.id}"


# Organisations ------------------------------------------------------------------------------

def set_verified(db: Session, *, actor: User, organisation: Organisation,
                 verified: bool) -> None:
    """Mark the organisation as checked by a site admin, or take that mark away."""
    if organisation.verified == verified:
        return
    organisation.verified = verified
    db.add(organisation)
    record(db, actor_id=actor.id, action="organisation.verify" if verified
           else "organisation.unverify", organisation_id=organisation.id,
           subject=_subject(organisation), before={"verified": not verified},
           after={"verified": verified})


def hide(db: Session, *, actor: User, organisation: Organisation, reason: str) -> None:
    """Hide the organisation from the public; the reason is shown in place of its profile."""
    before = organisation.hidden_reason
    organisation.hidden_reason = reason
    db.add(organisation)
    record(db, actor_id=actor.id, action="organisation.hide", organisation_id=organisation.id,
           subject=_subject(organisation), before={"hidden_reason": before},
           after={"hidden_reason": reason})


def unhide(db: Session, *, actor: User, organisation: Organisation) -> None:
    """Show a hidden organisation to the public again."""
    if organisation.hidden_reason is None:
        return
    before = organisation.hidden_reason
    organisation.hidden_reason = None
    db.add(organisation)
    record(db, actor_id=actor.id, action="organisation.unhide",
           organisation_id=organisation.id, subject=_subject(organisation),
           before={"hidden_reason": before}, after={"hidden_reason": None})


def not_a_duplicate(db: Session, *, actor: User, organisation: Organisation) -> None:
    """Clear the "possible duplicate" flag: an admin checked and it is a different one."""
    if organisation.possible_duplicate_of_id is None:
        return
    before = organisation.possible_duplicate_of_id
    organisation.possible_duplicate_of_id = None
    db.add(organisation)
    record(db, actor_id=actor.id, action="organisation.not_duplicate",
           organisation_id=organisation.id, subject=_subject(organisation),
           before={"possible_duplicate_of": before}, after={"possible_duplicate_of": None})


def merge_candidates(db: Session, *, source: Organisation, find: str) -> list[Hit]:
    """Organisations `source` could be merged into that fit what the admin typed (any,
    listed or not, except itself and those already merged away)."""
    return search.find(db, find, limit=10, where=[
        col(Organisation.merged_into_id).is_(None), col(Organisation.id) != source.id])


def check_merge(db: Session, *, source: Organisation, target_slug: str) -> Organisation:
    """The organisation to merge `source` into, or a DomainError saying why it cannot be."""
    if source.merged_into_id is not None:
        raise DomainError("This organisation has already been merged into another one",
                          field="target")
    target = repository.organisation_by_slug(db, target_slug)
    if target is None:
        raise DomainError("There is no organisation with this slug. Check it on the "
                          "organisation's page and try again", field="target")
    if target.id == source.id:
        raise DomainError("Enter the slug of a different organisation: an organisation "
                          "cannot be merged into itself", field="target")
    if target.merged_into_id is not None:
        raise DomainError("That organisation has itself been merged into another one. "
                          "Merge into the organisation it was merged into instead",
                          field="target")
    return target


@dataclass
class MergePlan:
    """What merging `source` into `target` moves, before anything changes."""

    source: Organisation
    target: Organisation
    members: list[tuple[Membership, User, Membership | None]]  # (source's, who, target's)
    new_areas: list[str]
    commitments: int


def plan_merge(db: Session, *, source: Organisation, target: Organisation) -> MergePlan:
    assert source.id is not None and target.id is not None
    theirs = {membership.user_id: membership
              for membership in repository.memberships_of(db, target.id)}
    target_areas = {row.area_code for row in repository.area_rows_of(db, target.id)}
    return MergePlan(
        source=source, target=target,
        members=[(membership, user, theirs.get(membership.user_id))
                 for membership, user in repository.members_of(db, source.id)],
        new_areas=[row.area_code for row in repository.area_rows_of(db, source.id)
                   if row.area_code not in target_areas],
        commitments=len(repository.commitments_of(db, source.id)),
    )


def _state(db: Session, organisation_id: int) -> dict[str, Any]:
    """An organisation's members, areas and commitments, as the audit log keeps them."""
    return {
        "members": [f"user:{m.user_id} {m.role}"
                    for m in repository.memberships_of(db, organisation_id)],
        "areas": [row.area_code for row in repository.area_rows_of(db, organisation_id)],
        "commitments": [f"commitment:{c.id}"
                        for c in repository.commitments_of(db, organisation_id)],
    }


def merge(db: Session, *, actor: User, source: Organisation, target: Organisation,
          on: date) -> None:
    """Move everything from `source` to `target`; `source` stays only as a pointer to it.

    A person in both keeps the higher of their two roles. Areas are not repeated. When both
    are signed up to the same framework, the moved sign-up is marked as withdrawn so that the
    organisation has one current sign-up per framework.
    """
    assert source.id is not None and target.id is not None
    check_merge(db, source=source, target_slug=target.slug)
    source_before, target_before = _state(db, source.id), _state(db, target.id)
    merged_flags = {"merged_into": None, "possible_duplicate_of": source.possible_duplicate_of_id}

    theirs = {m.user_id: m for m in repository.memberships_of(db, target.id)}
    for membership in repository.memberships_of(db, source.id):
        existing = theirs.get(membership.user_id)
        if existing is None:
            membership.organisation_id = target.id
            db.add(membership)
        else:
            if Role(membership.role).rank > Role(existing.role).rank:
                existing.role = membership.role
                db.add(existing)
            db.delete(membership)

    target_areas = {row.area_code for row in repository.area_rows_of(db, target.id)}
    for row in repository.area_rows_of(db, source.id):
        if row.area_code not in target_areas:
            db.add(OrganisationArea(organisation_id=target.id, area_code=row.area_code))
        db.delete(row)

    signed_up = {c.framework_id for c in repository.commitments_of(db, target.id)
                 if c.withdrawn_on is None}
    for commitment in repository.commitments_of(db, source.id):
        commitment.organisation_id = target.id
        if commitment.withdrawn_on is None and commitment.framework_id in signed_up:
            commitment.withdrawn_on = on
            commitment.withdrawal_reason = (f"{source.name} was merged into {target.name}, "
                                            "which had already signed up to this framework.")
        db.add(commitment)

    for token in repository.pending_invitations_of(db, source.id):
        token.organisation_id = target.id
        db.add(token)
    for other in repository.organisations_pointing_at(db, source.id):
        if other.merged_into_id == source.id:
            other.merged_into_id = target.id
        if other.possible_duplicate_of_id == source.id:
            other.possible_duplicate_of_id = None if other.id == target.id else target.id
        db.add(other)

    source.merged_into_id = target.id
    source.possible_duplicate_of_id = None
    db.add(source)
    db.flush()
    record(db, actor_id=actor.id, action="organisation.merge", organisation_id=source.id,
           subject=_subject(source), before={**merged_flags, **source_before},
           after={"merged_into": target.slug, "possible_duplicate_of": None,
                  **_state(db, source.id)})
    record(db, actor_id=actor.id, action="organisation.merge_into",
           organisation_id=target.id, subject=_subject(target),
           before={"merged_from": None, **target_before},
           after={"merged_from": source.slug, **_state(db, target.id)})


# People -------------------------------------------------------------------------------------

def set_disabled(db: Session, *, actor: User, user: User, disabled: bool) -> None:
    """Stop someone logging in (and end their sessions), or let them log in again."""
    if disabled and user.id == actor.id:
        raise DomainError("You cannot disable your own account. Ask another site "
                          "administrator to do it", field="actions")
    if user.is_disabled == disabled:
        return
    user.is_disabled = disabled
    user.session_epoch += 1
    db.add(user)
    record(db, actor_id=actor.id, action="user.disable" if disabled else "user.enable",
           subject=f"user:{user.id}", before={"disabled": not disabled},
           after={"disabled": disabled})


def set_admin(db: Session, *, actor: User, user: User, admin: bool) -> None:
    """Make someone a site administrator, or take that away."""
    if not admin and user.id == actor.id:
        raise DomainError("You cannot remove your own admin rights. Ask another site "
                          "administrator to do it", field="actions")
    if user.is_admin == admin:
        return
    user.is_admin = admin
    db.add(user)
    record(db, actor_id=actor.id, action="user.make_admin" if admin else "user.remove_admin",
           subject=f"user:{user.id}", before={"admin": not admin}, after={"admin": admin})


def create_user(db: Session, *, email: str, password: str, name: str | None = None,
                admin: bool = False, org_slug: str | None = None, role: str | None = None,
                actor_id: int | None = None) -> User:
    """A confirmed account (for operators), optionally a member of one organisation."""
    try:
        email = check_email(email)
        check_password(password)
    except ValueError as problem:
        raise DomainError(str(problem)) from None
    if role is not None and org_slug is None:
        raise DomainError("Give the organisation (--org) as well as the role")
    if role is not None and role not in {r.value for r in Role}:
        raise DomainError("The role must be owner, editor or viewer")
    if repository.user_by_email(db, email) is not None:
        raise DomainError(f"There is already an account with the email address {email}")
    organisation = None
    if org_slug is not None:
        organisation = repository.organisation_by_slug(db, org_slug)
        if organisation is None:
            raise DomainError(f"There is no organisation with the slug {org_slug}")
    user = User(email=email, name=(name or "").strip() or email.split("@")[0],
                password_hash=hash_password(password), is_admin=admin,
                email_confirmed_at=now())
    db.add(user)
    db.flush()
    record(db, actor_id=actor_id, action="user.create", subject=f"user:{user.id}",
           after={"email": user.email, "name": user.name, "admin": admin})
    if organisation is not None:
        assert organisation.id is not None and user.id is not None
        membership = Membership(user_id=user.id, organisation_id=organisation.id,
                                role=role or Role.viewer.value)
        db.add(membership)
        db.flush()
        record(db, actor_id=actor_id, action="membership.add", organisation_id=organisation.id,
               subject=f"membership:{membership.id}",
               after={"user": user.email, "role": membership.role})
    return user


# Audit log ----------------------------------------------------------------------------------

def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def audit_log(db: Session, *, filters: AuditFilter, actions: list[str],
              number: int) -> Page[AuditRow]:
    """One page of the audit log, newest first; dates are whole days in UTC."""
    errors: Errors = {}
    organisation = user = None
    if filters.organisation:
        organisation = repository.organisation_by_slug(db, filters.organisation)
        if organisation is None:
            errors["organisation"] = "There is no organisation with this slug"
    if filters.user:
        user = repository.user_by_email(db, filters.user)
        if user is None:
            errors["user"] = "There is no account with this email address"
    if filters.action and filters.action not in actions:
        errors["action"] = "Choose an action from the list"
    if errors:
        raise Problems(errors)  # filters naming something that does not exist
    return repository.audit_page(
        db, organisation_id=organisation.id if organisation else None,
        actor_id=user.id if user else None, action=filters.action or None,
        since=_start_of(filters.date_from) if filters.date_from else None,
        before=_start_of(filters.date_to + timedelta(days=1)) if filters.date_to else None,
        number=number)
