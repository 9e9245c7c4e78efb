"""Signing up without HTTP: what it makes, and the emails it sends (issue 18.3)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.db import engine_for
from app.organisations.models import Commitment, Organisation
from app.signup import service
from app.signup.forms import RegisterForm
from tests.factories import make_organisation, make_user

FORM = RegisterForm(
    name="Ann Example", email="ann@example.org", password="a long enough password",
    org_name="Bolton Disabled People's Forum", org_kind="dpulo", areas=["E08000001"],
    framework="making-it-real-2018", commitment="We will look at every marker with our members.")


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


def test_signing_up_makes_an_unlisted_organisation_and_sends_the_confirm_link(
        db: Session, settings: Settings) -> None:
    registration = service.register(db, FORM, today=date(2026, 1, 5))
    emails = service.registration_emails(db, settings, FORM, registration, [])
    organisation = db.exec(select(Organisation)).one()
    assert organisation.name == FORM.org_name and not organisation.confirmed
    assert db.exec(select(Commitment)).one().framework_id == "making-it-real-2018"
    (message,) = emails
    assert message["To"] == "ann@example.org"
    assert f"/confirm/{registration.token}" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_signing_up_again_tells_the_owner_and_a_near_duplicate_tells_the_admins(
        db: Session, settings: Settings) -> None:
    make_user(db, email="ann@example.org", name="Ann Before")
    make_user(db, email="admin@example.org", admin=True)
    other = make_organisation(db, name="Bolton Disabled Peoples Forum")
    db.commit()
    duplicates = service.same_name_in_areas(db, FORM.org_name, FORM.areas)
    assert [organisation.id for organisation in duplicates] == [other.id]
    registration = service.register(db, FORM, today=date(2026, 1, 5))
    assert registration.token is None and db.exec(select(Organisation)).all() == [other]
    emails = service.registration_emails(db, settings, FORM, registration, duplicates)
    assert sorted(message["To"] for message in emails) == ["admin@example.org",
                                                           "ann@example.org"]
    assert any("Ann Before" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
               for message in emails)


def test_sign_ups_like_another_group_email_each_admin_a_few_times_an_hour_at_most(
        db: Session, settings: Settings) -> None:
    """Signing up again and again under a name like an existing group's cannot flood the
    admins' inboxes: each admin hears of it three times an hour at most."""
    make_user(db, email="admin@example.org", admin=True)
    make_organisation(db, name="Bolton Disabled Peoples Forum")
    db.commit()
    duplicates = service.same_name_in_areas(db, FORM.org_name, FORM.areas)
    to_admin = []
    for attempt in range(5):
        form = FORM.model_copy(update={"email": f"person{attempt}@example.org"})
        registration = service.register(db, form, today=date(2026, 1, 5))
        emails = service.registration_emails(db, settings, form, registration, duplicates)
        to_admin += [message for message in emails if message["To"] == "admin@example.org"]
        assert any(message["To"] == form.email for message in emails)  # the person's own link
    assert len(to_admin) == 3
