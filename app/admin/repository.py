"""The lists and counts of the site admin pages (the service makes the changes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.accounts.models import Token, User
from app.areas.models import Area
from app.audit.models import AuditEvent
from app.db import Page, fetch_page
from app.organisations.models import Commitment, Membership, Organisation, OrganisationArea

PAGE_SIZE = 50


def _name_matches(column: Any, q: str) -> Any:
    return func.lower(column).contains(q.lower(), autoescape=True)


# Dashboard ----------------------------------------------------------------------------------

def _count(db: Session, statement: SelectOfScalar[int]) -> int:
    return int(db.exec(statement).one())


def _count_organisations(db: Session, *conditions: Any) -> int:
    return _count(db, select(func.count()).select_from(Organisation).where(*conditions))


def not_merged() -> Any:
    return col(Organisation.merged_into_id).is_(None)


def awaiting_verification() -> tuple[Any, ...]:
    return (not_merged(), col(Organisation.verified).is_(False),
            col(Organisation.hidden_reason).is_(None))


def flagged_duplicate() -> tuple[Any, ...]:
    return (not_merged(), col(Organisation.possible_duplicate_of_id).is_not(None))


def hidden() -> tuple[Any, ...]:
    return (col(Organisation.hidden_reason).is_not(None),)


STATUS_CONDITIONS = {
    "all": (),
    "unverified": awaiting_verification(),
    "duplicates": flagged_duplicate(),
    "hidden": hidden(),
}


@dataclass
class Counts:
    organisations: int
    awaiting_verification: int
    possible_duplicates: int
    hidden: int
    merged: int
    users: int
    disabled_users: int
    admins: int


def counts(db: Session) -> Counts:
    return Counts(
        organisations=_count_organisations(db, not_merged()),
        awaiting_verification=_count_organisations(db, *awaiting_verification()),
        possible_duplicates=_count_organisations(db, *flagged_duplicate()),
        hidden=_count_organisations(db, *hidden()),
        merged=_count_organisations(db, col(Organisation.merged_into_id).is_not(None)),
        users=_count(db, select(func.count()).select_from(User)),
        disabled_users=_count(db, select(func.count()).select_from(User)
                              .where(col(User.is_disabled).is_(True))),
        admins=_count(db, select(func.count()).select_from(User)
                      .where(col(User.is_admin).is_(True))),
    )


# Organisations ------------------------------------------------------------------------------

@dataclass
class OrganisationRow:
    organisation: Organisation
    duplicate_of: Organisation | None
    merged_into: Organisation | None
    areas: list[Area]


def organisations_page(db: Session, *, q: str, status: str, number: int) -> Page[OrganisationRow]:
    """Organisations by name, filtered, with their areas loaded in one more query."""
    duplicate = aliased(Organisation)
    merged = aliased(Organisation)
    statement = (select(Organisation, duplicate, merged)
                 .outerjoin(duplicate, col(Organisation.possible_duplicate_of_id)
                            == duplicate.id)
                 .outerjoin(merged, col(Organisation.merged_into_id) == merged.id)
                 .where(*STATUS_CONDITIONS[status])
                 .order_by(func.lower(Organisation.name), col(Organisation.id)))
    if q:
        statement = statement.where(or_(_name_matches(Organisation.name, q),
                                        _name_matches(Organisation.slug, q)))
    page = fetch_page(db, statement, number, PAGE_SIZE)
    areas = areas_by_organisation(db, [row[0].id for row in page.items])
    return page.with_items([OrganisationRow(org, dup, into, areas.get(org.id or 0, []))
                            for org, dup, into in page.items])


def areas_by_organisation(db: Session, organisation_ids: Sequence[int | None]
                          ) -> dict[int, list[Area]]:
    """The areas of each of these organisations, in one query."""
    found: dict[int, list[Area]] = {}
    if not organisation_ids:
        return found
    rows = db.exec(select(OrganisationArea.organisation_id, Area)
                   .join(Area, col(Area.gss_code) == OrganisationArea.area_code)
                   .where(col(OrganisationArea.organisation_id).in_(organisation_ids))
                   .order_by(Area.name)).all()
    for organisation_id, area in rows:
        found.setdefault(organisation_id, []).append(area)
    return found


def organisation(db: Session, organisation_id: int) -> Organisation | None:
    return db.get(Organisation, organisation_id)


def organisation_by_slug(db: Session, slug: str) -> Organisation | None:
    return db.exec(select(Organisation).where(Organisation.slug == slug.strip().lower())).first()


def memberships_of(db: Session, organisation_id: int) -> Sequence[Membership]:
    return db.exec(select(Membership).where(Membership.organisation_id == organisation_id)
                   .order_by(col(Membership.id))).all()


def members_of(db: Session, organisation_id: int) -> Sequence[tuple[Membership, User]]:
    return db.exec(select(Membership, User)
                   .join(User, col(User.id) == Membership.user_id)
                   .where(Membership.organisation_id == organisation_id)
                   .order_by(func.lower(User.name), col(User.id))).all()


def area_rows_of(db: Session, organisation_id: int) -> Sequence[OrganisationArea]:
    return db.exec(select(OrganisationArea)
                   .where(OrganisationArea.organisation_id == organisation_id)
                   .order_by(OrganisationArea.area_code)).all()


def commitments_of(db: Session, organisation_id: int) -> Sequence[Commitment]:
    return db.exec(select(Commitment).where(Commitment.organisation_id == organisation_id)
                   .order_by(col(Commitment.signed_up_on), col(Commitment.id))).all()


def pending_invitations_of(db: Session, organisation_id: int) -> Sequence[Token]:
    return db.exec(select(Token).where(Token.organisation_id == organisation_id,
                                       col(Token.used_at).is_(None))).all()


def organisations_pointing_at(db: Session, organisation_id: int) -> Sequence[Organisation]:
    """Organisations flagged as a possible duplicate of, or merged into, this one."""
    return db.exec(select(Organisation).where(or_(
        col(Organisation.possible_duplicate_of_id) == organisation_id,
        col(Organisation.merged_into_id) == organisation_id))).all()


# Users --------------------------------------------------------------------------------------

def users_page(db: Session, *, q: str, number: int) -> Page[User]:
    statement = select(User).order_by(func.lower(User.name), col(User.id))
    if q:
        statement = statement.where(or_(_name_matches(User.name, q),
                                        _name_matches(User.email, q)))
    return fetch_page(db, statement, number, PAGE_SIZE)


def user(db: Session, user_id: int) -> User | None:
    return db.get(User, user_id)


def user_by_email(db: Session, email: str) -> User | None:
    return db.exec(select(User).where(User.email == email.strip().lower())).first()


def memberships_of_user(db: Session, user_id: int) -> Sequence[tuple[Membership, Organisation]]:
    return db.exec(select(Membership, Organisation)
                   .join(Organisation, col(Organisation.id) == Membership.organisation_id)
                   .where(Membership.user_id == user_id)
                   .order_by(func.lower(Organisation.name))).all()


# Audit log ----------------------------------------------------------------------------------

@dataclass
class AuditRow:
    event: AuditEvent
    actor_email: str | None
    organisation: Organisation | None


def audit_actions(db: Session) -> list[str]:
    return list(db.exec(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all())


def audit_page(db: Session, *, organisation_id: int | None, actor_id: int | None,
               action: str | None, since: datetime | None, before: datetime | None,
               number: int) -> Page[AuditRow]:
    """Audit events, newest first, with who did them and to which organisation."""
    statement = (select(AuditEvent, User.email, Organisation)
                 .outerjoin(User, col(User.id) == AuditEvent.actor_id)
                 .outerjoin(Organisation, col(Organisation.id) == AuditEvent.organisation_id)
                 .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()))
    if organisation_id is not None:
        statement = statement.where(AuditEvent.organisation_id == organisation_id)
    if actor_id is not None:
        statement = statement.where(AuditEvent.actor_id == actor_id)
    if action:
        statement = statement.where(AuditEvent.action == action)
    if since is not None:
        statement = statement.where(col(AuditEvent.at) >= since)
    if before is not None:
        statement = statement.where(col(AuditEvent.at) < before)
    page = fetch_page(db, statement, number, PAGE_SIZE)
    return page.with_items([AuditRow(event, email, org) for event, email, org in page.items])
