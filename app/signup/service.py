"""Signing up: a new account, its organisation and the organisation's first commitment, made
together; "Is this you?" when the name is already taken nearby; confirming the address, which
lists the organisation; and where a person lands. Above accounts, organisations and search,
which it brings together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage

from sqlmodel import Session, col, delete, select

from app import ratelimit
from app.accounts.models import User
from app.accounts.security import (
    TokenProblem,
    hash_password,
    issue_token,
    use_token,
    verify_password,
)
from app.accounts.service import find_user
from app.audit.service import record
from app.clock import now
from app.config import Settings
from app.email import compose
from app.errors import DomainError
from app.organisations import repository as organisations
from app.organisations.models import Membership, Organisation, OrganisationArea
from app.organisations.service import create_organisation, sign_up
from app.search import service as search
from app.signup.forms import RegisterForm


@dataclass
class Registration:
    """What registering did. `token` is None when the email already had an account."""

    email: str
    token: str | None
    existing_user: User | None = None
    organisation: Organisation | None = None


def same_name_in_areas(db: Session, name: str,
                       area_codes: Sequence[str]) -> Sequence[Organisation]:
    """Organisations with this name, or one spelt nearly the same ("Is this you?"), working
    in any of these areas, closest first."""
    if not area_codes:
        return []
    hits = search.find(db, name, limit=5, minimum=search.SAME_NAME, where=[
        col(Organisation.merged_into_id).is_(None),
        col(Organisation.id).in_(select(OrganisationArea.organisation_id)
                                 .where(col(OrganisationArea.area_code).in_(area_codes)))])
    found = {organisation.id: organisation for organisation in db.exec(
        select(Organisation).where(col(Organisation.id).in_([hit.organisation_id
                                                             for hit in hits])))}
    return [found[hit.organisation_id] for hit in hits if hit.organisation_id in found]


def register(db: Session, form: RegisterForm, *, today: date) -> Registration:
    """Create an unconfirmed account, its organisation and its sign-up.

    When the email already has an account nothing is created: the caller emails that person
    instead, and says the same thing to the browser either way (no account enumeration).
    """
    existing = find_user(db, form.email)
    if existing is not None:
        return Registration(email=form.email, token=None, existing_user=existing)
    user = User(email=form.email, name=form.name, password_hash=hash_password(form.password))
    db.add(user)
    db.flush()
    assert user.id is not None
    duplicates = same_name_in_areas(db, form.org_name, form.areas)
    organisation = create_organisation(
        db, actor_id=user.id, name=form.org_name, kind=form.org_kind.value,
        area_codes=form.areas, website=form.website, description=form.description,
        possible_duplicate_of_id=duplicates[0].id if duplicates else None)
    sign_up(db, actor_id=user.id, organisation=organisation, framework_id=form.framework,
            statement=form.commitment, on=today, kind=form.commitment_kind)
    record(db, actor_id=user.id, action="user.register", subject=f"user:{user.id}",
           after={"email": user.email, "name": user.name})
    token = issue_token(db, purpose="confirm_email", email=user.email, user_id=user.id)
    return Registration(email=user.email, token=token, organisation=organisation)


def registration_emails(db: Session, settings: Settings, form: RegisterForm,
                        registration: Registration,
                        duplicates: Sequence[Organisation]) -> list[EmailMessage]:
    """What signing up sends: the link to confirm the address, or to someone who already has
    an account a note saying so, and to the site admins a possible duplicate (each a few an
    hour at most to one address)."""
    emails = []
    if registration.token is not None \
            and ratelimit.may_email(db, "confirm_email", registration.email):
        emails.append(compose(settings, to=registration.email, template="confirm_email",
                              context={"name": form.name, "token": registration.token,
                                       "organisation": form.org_name}))
    elif registration.existing_user is not None \
            and ratelimit.may_email(db, "already_registered", registration.email):
        emails.append(compose(settings, to=registration.email, template="already_registered",
                              context={"name": registration.existing_user.name}))
    if duplicates:
        emails.extend(compose(settings, to=admin.email, template="possible_duplicate",
                              context={"name": form.org_name, "other": duplicates[0].name})
                      for admin in organisations.site_admins(db)
                      if ratelimit.may_email(db, "possible_duplicate", admin.email))
    return emails


def confirm_email(db: Session, raw_token: str) -> User:
    """Confirm the address; the organisations this person registered become public."""
    token = use_token(db, raw_token, "confirm_email")
    user = db.get(User, token.user_id) if token.user_id else None
    if user is None:
        raise TokenProblem("This link is not valid any more: the account was deleted.")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now()
        db.add(user)
    for membership, organisation in organisations.memberships_of_user(db, user.id or 0):
        if membership.role == "owner" and not organisation.confirmed:
            organisation.confirmed = True
            db.add(organisation)
    record(db, actor_id=user.id, action="user.confirm_email", subject=f"user:{user.id}",
           after={"email": user.email})
    return user


def workspace_home(db: Session, user_id: int) -> str:
    """Where someone lands in the workspace: their organisation's overview when they have
    only one, else the list of their organisations."""
    memberships = organisations.memberships_of_user(db, user_id)
    return f"/manage/{memberships[0][1].slug}" if len(memberships) == 1 else "/manage"


def delete_account(db: Session, user: User, password: str) -> None:
    """Delete an account and its memberships; never the last owner of an organisation."""
    if not verify_password(password, user.password_hash):
        raise DomainError("Your password is not right", field="delete_password")
    for membership, organisation in organisations.memberships_of_user(db, user.id or 0):
        if membership.role == "owner" and organisations.owner_count(db, organisation.id or 0) == 1:
            raise DomainError(f"You are the only owner of {organisation.name}. Make someone "
                              "else an owner first, or ask a site administrator for help.",
                              field="delete_password")
    record(db, actor_id=None, action="user.delete", subject=f"user:{user.id}",
           before={"email": user.email, "name": user.name})
    db.exec(delete(Membership).where(col(Membership.user_id) == user.id))
    db.delete(user)
