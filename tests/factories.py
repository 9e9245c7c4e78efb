"""Factory functions for tests: people, organisations, members, and logging a client in.

Each factory adds to the session and flushes (so ids are set) but never commits: the test
decides when, usually with

    with Session(engine_for(database_url)) as db:
        owner = make_user(db, email="owner@example.org")
        organisation = make_organisation(db, owner=owner)
        db.commit()
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.accounts.security import hash_password
from app.assessments.models import Assessment, CoProduction, Rating
from app.assessments.service import start_assessment
from app.clock import now, today
from app.frameworks import Framework
from app.organisations.models import Commitment, Membership, Organisation, OrganisationArea
from app.organisations.service import unique_slug

PASSWORD = "correct horse battery"
FRAMEWORK_ID = "making-it-real-2018"

_numbers = itertools.count(1)
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
# Hashing the same password again and again is slow (Argon2 is meant to be): keep each one.
_hashes: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _hashes:
        _hashes[password] = hash_password(password)
    return _hashes[password]


def make_user(db: Session, email: str | None = None, name: str | None = None,
              password: str = PASSWORD, admin: bool = False, *, confirmed: bool = True,
              disabled: bool = False) -> User:
    """A person who can log in (confirmed email address) unless told otherwise."""
    number = next(_numbers)
    user = User(email=(email or f"person{number}@example.org").lower(),
                name=name or f"Person {number}", password_hash=_hash(password),
                is_admin=admin, is_disabled=disabled,
                email_confirmed_at=now() if confirmed else None)
    db.add(user)
    db.flush()
    return user


def make_organisation(db: Session, owner: User | None = None, name: str | None = None,
                      kind: str = "dpulo", areas: Sequence[str] = ("E08000001",),
                      confirmed: bool = True, *, slug: str | None = None,
                      **fields: Any) -> Organisation:
    """An organisation working in `areas`, with `owner` (if given) as its owner.

    Any other Organisation field can be given by keyword: `verified=True`,
    `hidden_reason="…"`, `possible_duplicate_of_id=other.id`, `website="…"`.
    """
    name = name or f"Organisation {next(_numbers)}"
    organisation = Organisation(slug=slug or unique_slug(db, name), name=name, kind=kind,
                                confirmed=confirmed, **fields)
    db.add(organisation)
    db.flush()
    assert organisation.id is not None
    for code in dict.fromkeys(areas):
        db.add(OrganisationArea(organisation_id=organisation.id, area_code=code))
    if owner is not None:
        add_member(db, organisation, owner, "owner")
    db.flush()
    return organisation


def add_member(db: Session, org: Organisation, user: User, role: str = "editor") -> Membership:
    """Make `user` a member of `org` with `role` (owner, editor or viewer)."""
    assert org.id is not None and user.id is not None
    membership = Membership(user_id=user.id, organisation_id=org.id, role=role)
    db.add(membership)
    db.flush()
    return membership


def make_commitment(db: Session, org: Organisation, framework_id: str = FRAMEWORK_ID,
                    signed_up_on: date | None = None,
                    statement: str = "We will look at every marker with the people we support.",
                    ) -> Commitment:
    """Sign `org` up to a framework."""
    assert org.id is not None
    commitment = Commitment(organisation_id=org.id, framework_id=framework_id,
                            statement=statement, signed_up_on=signed_up_on or today())
    db.add(commitment)
    db.flush()
    return commitment


def make_finished_assessment(db: Session, org: Organisation, owner: User, framework: Framework,
                             name: str = "Spring 2026",
                             what_people_said: str = "People said the workshops felt like "
                                                     "being heard.") -> Assessment:
    """An assessment of `framework` with every marker rated (going round the scale) and
    described, and a complete co-production record: ready for priorities and a plan.

    `org` must have signed up to the framework (see `make_commitment`).
    """
    assert org.id is not None and owner.id is not None
    assessment = start_assessment(db, actor_id=owner.id, organisation_id=org.id,
                                  framework=framework, name=name, carry_over=False)
    levels = [level.id for level in framework.scale]
    ratings = db.exec(select(Rating).where(Rating.assessment_id == assessment.id)
                      .order_by(col(Rating.id))).all()
    for index, rating in enumerate(ratings):
        rating.level = levels[index % len(levels)]
        rating.working = f"What is working on {rating.marker_code}"
        rating.needs_change = f"What needs to change on {rating.marker_code}"
        db.add(rating)
    db.add(CoProduction(assessment_id=assessment.id or 0, people_using_support=12,
                        family_carers=3, staff=4, partner_organisations=1,
                        methods=["workshops", "survey"], what_people_said=what_people_said))
    db.flush()
    return assessment


def csrf_token(client: TestClient, path: str = "/") -> str:
    """The CSRF token of the client's session, read from the page at `path`."""
    page = client.get(path)
    found = _CSRF_META.search(page.text)
    assert found and found.group(1), f"no CSRF token on {path}"
    return found.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    """Log the client in through the login form, as a person would."""
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                           "email": email, "password": password,
                                           "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, f"could not log in as {email}: {response.text[:500]}"
