"""What an adversarial review found (issue 17): email bombing, sessions that outlived a
log-out, old reset links, lock-outs by strangers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select, update

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.config import Settings
from app.db import engine_for
from app.ratelimit import EMAILS_PER_HOUR, RateLimitHit
from tests.accounts.test_web import GOOD_SIGN_UP, link_in, outbox, post_form
from tests.conftest import checked_client
from tests.factories import PASSWORD, login, make_user


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


@pytest.fixture
def ann(db: Session) -> User:
    user = make_user(db, email="ann@example.org")
    db.commit()
    return user


def from_address(app: FastAPI, number: int) -> TestClient:
    """A visitor at another client address (192.0.2.x is for documentation)."""
    return checked_client(app, client=(f"192.0.2.{number}", 50000))


def sent_to(settings: Settings, address: str, subject_word: str = "") -> int:
    return sum(1 for message in outbox(settings)
               if message["To"] == address and subject_word in str(message["Subject"]))


# 2. Email bombing ------------------------------------------------------------------------

def test_password_reset_emails_one_address_a_few_times_an_hour(
        app: FastAPI, client: TestClient, settings: Settings, ann: User) -> None:
    pages = [post_form(client, "/password-reset", {"email": "ann@example.org"})
             for _ in range(10)]
    pages += [post_form(from_address(app, number), "/password-reset",
                        {"email": "ann@example.org"}) for number in range(1, 6)]
    assert sent_to(settings, "ann@example.org") == EMAILS_PER_HOUR
    for page in pages:  # the same answer whether or not an email went
        assert page.status_code == 200  # type: ignore[attr-defined]
        assert "If <strong>ann@example.org</strong> has an account" in page.text  # type: ignore[attr-defined]


def test_password_reset_is_limited_per_client_address(client: TestClient, ann: User) -> None:
    for number in range(10):
        post_form(client, "/password-reset", {"email": f"someone{number}@example.org"})
    refused = post_form(client, "/password-reset", {"email": "ann@example.org"})
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert "Too many attempts" in refused.text  # type: ignore[attr-defined]
    assert 0 < int(refused.headers["Retry-After"]) <= 3600  # type: ignore[attr-defined]


def test_registering_a_known_address_again_and_again_sends_a_few_emails(
        app: FastAPI, settings: Settings, ann: User) -> None:
    for number in range(12):
        page = post_form(from_address(app, number), "/register",
                         {**GOOD_SIGN_UP, "org_name": f"Group {number}"},
                         follow_redirects=True)
        assert "Check your email" in page.text  # type: ignore[attr-defined]
    assert sent_to(settings, "ann@example.org") == EMAILS_PER_HOUR


def test_registering_is_limited_per_client_address(client: TestClient,
                                                   settings: Settings) -> None:
    for number in range(10):
        page = post_form(client, "/register", {**GOOD_SIGN_UP, "email": f"p{number}@example.org",
                                               "org_name": f"Group {number}"},
                         follow_redirects=False)
        assert page.status_code == 303  # type: ignore[attr-defined]
    refused = post_form(client, "/register", {**GOOD_SIGN_UP, "email": "last@example.org",
                                              "org_name": "Last Group"}, follow_redirects=False)
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert int(refused.headers["Retry-After"]) > 0  # type: ignore[attr-defined]
    assert len(outbox(settings)) == 10


# 3. Logging out ends the session on the server --------------------------------------------

def test_a_copied_session_cookie_stops_working_after_logout(app: FastAPI, client: TestClient,
                                                            ann: User) -> None:
    login(client, "ann@example.org")
    thief = checked_client(app, cookies=dict(client.cookies))
    assert thief.get("/manage", follow_redirects=False).status_code == 200
    post_form(client, "/logout", {}, page="/manage")
    stolen = thief.get("/manage", follow_redirects=False)
    assert stolen.status_code == 303
    assert stolen.headers["location"].startswith("/login")


def test_logging_out_on_one_device_leaves_the_others(app: FastAPI, client: TestClient,
                                                     ann: User) -> None:
    phone = checked_client(app)
    login(phone, "ann@example.org")
    login(client, "ann@example.org")
    post_form(client, "/logout", {}, page="/manage")
    assert phone.get("/manage", follow_redirects=False).status_code == 200


def test_log_out_everywhere_from_the_account_page(app: FastAPI, client: TestClient,
                                                  db: Session, ann: User) -> None:
    phone = checked_client(app)
    login(phone, "ann@example.org")
    login(client, "ann@example.org")
    page = client.get("/account").text
    assert 'action="/account/log-out-everywhere"' in page
    forged = client.post("/account/log-out-everywhere", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert phone.get("/manage", follow_redirects=False).status_code == 200
    done = post_form(client, "/account/log-out-everywhere", {}, page="/account",
                     follow_redirects=True)
    assert "You have logged out on every device" in done.text  # type: ignore[attr-defined]
    for device in (phone, client):
        assert device.get("/manage", follow_redirects=False).status_code == 303
    assert db.exec(select(AuditEvent).where(
        AuditEvent.action == "user.logout_everywhere")).first() is not None
    login(client, "ann@example.org")  # the password still works


# 4. Using one reset link voids the others --------------------------------------------------

def test_using_a_reset_link_voids_every_older_one(client: TestClient, settings: Settings,
                                                  ann: User) -> None:
    post_form(client, "/password-reset", {"email": "ann@example.org"})
    post_form(client, "/password-reset", {"email": "ann@example.org"})
    older, newer = (link_in(message, "/password-reset") for message in outbox(settings))
    post_form(client, newer, {"password": "a brand new password"})
    client.cookies.clear()
    stale = client.get(older)
    assert stale.status_code == 410
    refused = post_form(client, older, {"password": "the attacker's choice"}, page="/login")
    assert refused.status_code == 410  # type: ignore[attr-defined]
    login(client, "ann@example.org", "a brand new password")


# 5. A stranger cannot lock the owner out ----------------------------------------------------

def test_failures_from_one_address_do_not_lock_the_owner_out(app: FastAPI, ann: User) -> None:
    stranger = from_address(app, 66)
    for _ in range(5):
        post_form(stranger, "/login", {"email": "ann@example.org", "password": "a wrong guess"})
    blocked = post_form(stranger, "/login", {"email": "ann@example.org", "password": PASSWORD})
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    assert "reset your password" in blocked.text  # type: ignore[attr-defined]
    login(from_address(app, 7), "ann@example.org")  # the owner, at home


def test_failures_from_many_addresses_slow_the_account_down_without_locking_it(
        app: FastAPI, db: Session, ann: User) -> None:
    for number in range(20):
        post_form(from_address(app, 100 + number), "/login",
                  {"email": "ann@example.org", "password": "a wrong guess"})
    owner = from_address(app, 7)
    slowed = post_form(owner, "/login", {"email": "ann@example.org", "password": PASSWORD})
    assert slowed.status_code == 429  # type: ignore[attr-defined]
    assert 0 < int(slowed.headers["Retry-After"]) <= 60  # type: ignore[attr-defined]
    # A minute later (the counts are moved back in time): one more try is allowed.
    db.exec(update(RateLimitHit).values(at=col(RateLimitHit.at) - timedelta(minutes=2)))
    db.commit()
    login(owner, "ann@example.org")

