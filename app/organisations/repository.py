"""Reading organisations, their areas and members."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.areas.models import Area
from app.organisations.models import Commitment, Membership, Organisation, OrganisationArea


def areas(db: Session) -> Sequence[Area]:
    return db.exec(select(Area).order_by(Area.name)).all()


def slug_taken(db: Session, slug: str) -> bool:
    return db.exec(select(Organisation.id).where(Organisation.slug == slug)).first() is not None


def area_codes_of(db: Session, organisation_id: int) -> list[str]:
    return list(db.exec(select(OrganisationArea.area_code)
                        .where(OrganisationArea.organisation_id == organisation_id)).all())


def areas_of(db: Session, organisation_id: int) -> Sequence[Area]:
    return db.exec(select(Area)
                   .join(OrganisationArea, OrganisationArea.area_code == Area.gss_code)  # type: ignore[arg-type]
                   .where(OrganisationArea.organisation_id == organisation_id)
                   .order_by(Area.name)).all()


def commitments_of(db: Session, organisation_id: int) -> Sequence[Commitment]:
    return db.exec(select(Commitment).where(Commitment.organisation_id == organisation_id)
                   .order_by(col(Commitment.signed_up_on), col(Commitment.id))).all()


def memberships_of_user(db: Session, user_id: int) -> Sequence[tuple[Membership, Organisation]]:
    return db.exec(select(Membership, Organisation)
                   .join(Organisation, Organisation.id == Membership.organisation_id)  # type: ignore[arg-type]
                   .where(Membership.user_id == user_id)
                   .order_by(Organisation.name)).all()


def members_of(db: Session, organisation_id: int) -> Sequence[tuple[Membership, User]]:
    return db.exec(select(Membership, User)
                   .join(User, User.id == Membership.user_id)  # type: ignore[arg-type]
                   .where(Membership.organisation_id == organisation_id)
                   .order_by(User.name)).all()


def owner_count(db: Session, organisation_id: int) -> int:
    return db.exec(select(func.count()).select_from(Membership)
                   .where(Membership.organisation_id == organisation_id,
                          Membership.role == "owner")).one()


def by_slug(db: Session, slug: str) -> Organisation | None:
    return db.exec(select(Organisation).where(Organisation.slug == slug)).first()


def listed_by_slug(db: Session, slug: str) -> tuple[Organisation | None, str | None]:
    """The listed organisation at this address, or else the address of the listed one it
    was merged into (so old links lead on), or neither."""
    organisation = by_slug(db, slug)
    if organisation is not None and organisation.merged_into_id is not None:
        target = db.get(Organisation, organisation.merged_into_id)
        if target is not None and target.is_listed:
            return None, target.slug
    if organisation is None or not organisation.is_listed:
        return None, None
    return organisation, None


def site_admins(db: Session) -> Sequence[User]:
    return db.exec(select(User).where(col(User.is_admin).is_(True),
                                      col(User.is_disabled).is_(False))).all()


def user_name(db: Session, user_id: int | None) -> str:
    user = db.get(User, user_id) if user_id is not None else None
    return user.name if user is not None else "someone no longer here"


