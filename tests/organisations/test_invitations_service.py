"""Accepting an invitation without HTTP (issue 18.3): a new account, once, in the role offered."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from app.accounts.security import TokenProblem, issue_token
from app.db import engine_for
from app.organisations import service
from app.organisations.models import Membership
from tests.factories import make_organisation, make_user


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


def test_an_invited_person_gets_a_confirmed_account_and_joins_once(db: Session) -> None:
    owner = make_user(db)
    organisation = make_organisation(db, owner=owner)
    token = issue_token(db, purpose="invite", email="bea@example.org",
                        organisation_id=organisation.id, role="editor")
    member = service.create_invited_user(db, email="bea@example.org", name="Bea",
                                         password="a long enough password")
    joined = service.accept_invitation(db, raw_token=token, member=member)
    assert joined is not None and joined.id == organisation.id
    assert member.email_confirmed_at is not None
    membership = db.exec(select(Membership).where(Membership.user_id == member.id)).one()
    assert membership.role == "editor"
    with pytest.raises(TokenProblem):
        service.accept_invitation(db, raw_token=token, member=member)
