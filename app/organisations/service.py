"""Rules about organisations: creating, signing up, duplicates, members."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from app.accounts.models import User
from app.accounts.security import hash_password, use_token
from app.audit.service import record
from app.clock import now
from app.errors import DomainError
from app.frameworks import Framework, FrameworkCatalogue
from app.organisations import repository
from app.organisations.models import (
    Commitment,
    CommitmentKind,
    Membership,
    Organisation,
    OrganisationArea,
    Role,
)
from app.organisations.status import (
    CommitmentStatus,
    PublishedDates,
    commitment_status,
    counted_dates,
    status_label,
    status_meaning,
)


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:80].strip("-") or "organisation"


def unique_slug(db: Session, name: str) -> str:
    base = slugify(name)
    slug, number = base, 2
    while repository.slug_taken(db, slug):
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_organisation(db: Session, *, actor_id: int, name: str, kind: str,
                        area_codes: Sequence[str], website: str, description: str,
                        possible_duplicate_of_id: int | None = None) -> Organisation:
    """A new organisation with the actor as its first owner (not public until confirmed)."""
    organisation = Organisation(slug=unique_slug(db, name), name=name, kind=kind,
                                website=website, description=description,
                                possible_duplicate_of_id=possible_duplicate_of_id)
    db.add(organisation)
    db.flush()
    assert organisation.id is not None
    for code in dict.fromkeys(area_codes):
        db.add(OrganisationArea(organisation_id=organisation.id, area_code=code))
    db.add(Membership(user_id=actor_id, organisation_id=organisation.id, role=Role.owner))
    record(db, actor_id=actor_id, action="organisation.create", organisation_id=organisation.id,
           subject=f"organisation:{organisation.id}",
           after={"name": name, "kind": kind, "areas": list(area_codes), "website": website,
                  "possible_duplicate_of": possible_duplicate_of_id})
    return organisation


def sign_up(db: Session, *, actor_id: int, organisation: Organisation, framework_id: str,
            statement: str, on: date,
            kind: CommitmentKind = CommitmentKind.improve) -> Commitment:
    """Sign the organisation up to a framework (again, if it withdrew before)."""
    assert organisation.id is not None
    current = [c for c in repository.commitments_of(db, organisation.id)
               if c.framework_id == framework_id and c.withdrawn_on is None]
    if current:
        raise DomainError("Your organisation is already signed up to this framework.",
                          field="framework")
    commitment = Commitment(organisation_id=organisation.id, framework_id=framework_id,
                            kind=kind.value, statement=statement, signed_up_on=on,
                            created_by_id=actor_id)
    db.add(commitment)
    db.flush()
    record(db, actor_id=actor_id, action="commitment.sign_up", organisation_id=organisation.id,
           subject=f"commitment:{commitment.id}",
           after={"framework": framework_id, "kind": kind.value, "statement": statement,
                  "signed_up_on": str(on)})
    return commitment


def withdraw(db: Session, *, actor_id: int, commitment: Commitment, reason: str,
             on: date) -> None:
    if commitment.withdrawn_on is not None:
        raise DomainError("Your organisation has already withdrawn from this framework.",
                          field="reason")
    commitment.withdrawn_on, commitment.withdrawal_reason = on, reason
    db.add(commitment)
    record(db, actor_id=actor_id, action="commitment.withdraw",
           organisation_id=commitment.organisation_id, subject=f"commitment:{commitment.id}",
           before={"withdrawn_on": None}, after={"withdrawn_on": str(on), "reason": reason})


def update_profile(db: Session, *, actor_id: int, organisation: Organisation,
                   changes: dict[str, object], area_codes: Sequence[str]) -> None:
    assert organisation.id is not None
    before = {key: getattr(organisation, key) for key in changes}
    before["areas"] = repository.area_codes_of(db, organisation.id)
    renamed = "name" in changes and changes["name"] != organisation.name
    if renamed:  # search still finds it by the name people knew
        names = [organisation.name, *organisation.former_names.splitlines()]
        organisation.former_names = "\n".join(dict.fromkeys(names))[:1000]
    for key, value in changes.items():
        setattr(organisation, key, value)
    db.add(organisation)
    current = set(before["areas"])
    wanted = list(dict.fromkeys(area_codes))
    for code in current - set(wanted):
        link = db.get(OrganisationArea, (organisation.id, code))
        if link is not None:
            db.delete(link)
    for code in wanted:
        if code not in current:
            db.add(OrganisationArea(organisation_id=organisation.id, area_code=code))
    record(db, actor_id=actor_id, action="organisation.update", organisation_id=organisation.id,
           subject=f"organisation:{organisation.id}", before=before,
           after={**changes, "areas": wanted})


def change_role(db: Session, *, actor_id: int, membership: Membership, role: Role) -> None:
    if membership.role == Role.owner and role != Role.owner \
            and repository.owner_count(db, membership.organisation_id) == 1:
        raise DomainError("This is the only owner. Make someone else an owner first.",
                          field="role")
    before = membership.role
    membership.role = role
    db.add(membership)
    record(db, actor_id=actor_id, action="membership.change_role",
           organisation_id=membership.organisation_id, subject=f"membership:{membership.id}",
           before={"role": before}, after={"role": role.value})


def remove_member(db: Session, *, actor_id: int, membership: Membership) -> None:
    if membership.role == Role.owner and repository.owner_count(db,
                                                                membership.organisation_id) == 1:
        raise DomainError("The only owner cannot leave or be removed. Make someone else an "
                          "owner first.", field="remove")
    record(db, actor_id=actor_id, action="membership.remove",
           organisation_id=membership.organisation_id, subject=f"membership:{membership.id}",
           before={"user_id": membership.user_id, "role": membership.role})
    db.delete(membership)


def add_member(db: Session, *, actor_id: int | None, organisation_id: int, user_id: int,
               role: str) -> Membership:
    """Add a member, or raise their role if they are one already (never lower it)."""
    existing = db.exec(select(Membership).where(Membership.organisation_id == organisation_id,
                                                Membership.user_id == user_id)).first()
    if existing is not None:
        if Role(role).rank > Role(existing.role).rank:
            change_role(db, actor_id=actor_id or user_id, membership=existing, role=Role(role))
        return existing
    membership = Membership(user_id=user_id, organisation_id=organisation_id, role=role)
    db.add(membership)
    db.flush()
    record(db, actor_id=actor_id, action="membership.add", organisation_id=organisation_id,
           subject=f"membership:{membership.id}", after={"user_id": user_id, "role": role})
    return membership


def create_invited_user(db: Session, *, email: str, name: str, password: str) -> User:
    """An account for someone invited who had none: the invitation proved the address."""
    member = User(email=email, name=name, password_hash=hash_password(password),
                  email_confirmed_at=now())
    db.add(member)
    db.flush()
    record(db, actor_id=member.id, action="user.register_by_invitation",
           subject=f"user:{member.id}", after={"email": member.email})
    return member


def accept_invitation(db: Session, *, raw_token: str, member: User) -> Organisation | None:
    """Use the invitation (once): the member joins its organisation in the role offered."""
    invitation = use_token(db, raw_token, "invite")
    assert invitation.organisation_id is not None and member.id is not None
    add_member(db, actor_id=member.id, organisation_id=invitation.organisation_id,
               user_id=member.id, role=invitation.role or "viewer")
    return db.get(Organisation, invitation.organisation_id)


# What each organisation published, by (organisation, framework): app/publications, above us,
# reads it and fills this in when imported (as app/views adds its kind to the assessment pages).
PublishedDatesLookup = Callable[[Session, Sequence[int]], Mapping[tuple[int, str], PublishedDates]]
PUBLISHED_DATES: list[PublishedDatesLookup] = []


@dataclass(frozen=True)
class CommitmentView:
    commitment: Commitment
    framework: Framework | None
    status: CommitmentStatus
    plan_due_on: date | None

    @property
    def label(self) -> str:
        return status_label(self.status, self.commitment.kind)

    @property
    def meaning(self) -> str:
        return status_meaning(self.status, self.commitment.kind)

    @property
    def holds_to_account(self) -> bool:
        return self.commitment.kind == CommitmentKind.hold_to_account


def commitment_views(db: Session, organisation_id: int, catalogue: FrameworkCatalogue,
                     today: date) -> list[CommitmentView]:
    """Each sign-up with its framework and status today, newest sign-up first."""
    views = []
    dates = PUBLISHED_DATES[0](db, [organisation_id])
    for commitment in reversed(repository.commitments_of(db, organisation_id)):
        framework = catalogue.get(commitment.framework_id)
        due_days = framework.plan_due_days if framework else 90
        published = dates.get((organisation_id, commitment.framework_id)) \
            or PublishedDates(None, None)
        last_plan_on, last_progress_on = counted_dates(
            commitment.kind, last_plan_on=published.last_plan_on,
            last_progress_on=published.last_progress_on,
            last_view_on=published.last_view_on, views=published.views)
        views.append(CommitmentView(
            commitment=commitment, framework=framework,
            status=commitment_status(today=today, signed_up_on=commitment.signed_up_on,
                                     plan_due_days=due_days,
                                     withdrawn_on=commitment.withdrawn_on,
                                     last_plan_on=last_plan_on,
                                     last_progress_on=last_progress_on),
            plan_due_on=commitment.signed_up_on + timedelta(days=due_days),
        ))
    return views
