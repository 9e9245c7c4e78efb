"""The organisation in the URL and the signed-in user's membership of it, as `Annotated`
aliases (the role each page needs). Features above organisations import them from app.deps."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException
from sqlmodel import select

from app.accounts.deps import CurrentUser, SessionDep
from app.accounts.models import User
from app.organisations.models import Membership, Organisation, Role


class OrgAccess:
    """The organisation in the URL, the current user, and their membership of it."""

    def __init__(self, organisation: Organisation, user: User, membership: Membership) -> None:
        self.organisation = organisation
        self.user = user
        self.membership = membership
        self.role = Role(membership.role)

    def can(self, role: Role) -> bool:
        return self.role.rank >= role.rank

    @property
    def can_edit(self) -> bool:
        return self.can(Role.editor)


def org_access(minimum: Role):  # type: ignore[no-untyped-def]
    """A dependency: the user must be a member of `{slug}` with at least `minimum` role."""

    def dependency(slug: str, user: CurrentUser, db: SessionDep) -> OrgAccess:
        row = db.exec(
            select(Organisation, Membership)
            .join(Membership, Membership.organisation_id == Organisation.id)  # type: ignore[arg-type]
            .where(Organisation.slug == slug, Membership.user_id == user.id)
        ).first()
        if row is None:
            # Same answer whether the organisation exists or not: nothing leaks.
            raise HTTPException(404, "There is no organisation at this address that you "
                                     "are a member of.")
        organisation, membership = row
        access = OrgAccess(organisation, user, membership)
        if not access.can(minimum):
            raise HTTPException(403, f"You need to be {minimum.value} or above to do this. "
                                     "Ask an owner of the organisation.")
        return access

    dependency.required_role = minimum  # type: ignore[attr-defined]  # read by the access matrix
    return dependency


ViewerAccess = Annotated[OrgAccess, Depends(org_access(Role.viewer))]
EditorAccess = Annotated[OrgAccess, Depends(org_access(Role.editor))]
OwnerAccess = Annotated[OrgAccess, Depends(org_access(Role.owner))]
