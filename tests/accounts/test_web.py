"""Registering, confirming, logging in and out, resetting a password, the account page."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.config import Settings
from app.db import engine_for
from app.organisations.models import Commitment, Membership, Organisation
from tests.factories import PASSWORD, csrf_token, login, make_organisation, make_user

GOOD_SIGN_UP = {
    "name": "Ann Example",
    "email": "ann@example.org",
    "password": "a long enough password",
    "org_name": "Bolton Disabled People's Forum",
    "org_kind": "dpulo",
    "areas": "E08000001",
    "website": "bolton-forum.example.org",
    "description": "Run by and for disabled people in Bolton.",
    "framework": "making-it-real-2018",
    "commitment": "We will look at every marker with our members.",
}


def outbox(settings: Settings) -> list[email.message.EmailMessage]:
    files = sorted(Path(settings.outbox_dir).glob("*.eml")) if settings.outbox_dir.exists() \
        else []
    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
            for f in files]


def body(message: email.message.EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def link_in(message: email.message.EmailMessage, path: str) -> str:
    found = re.search(rf"http://testserver({path}/\S+)", body(message))
    assert found, body(message)
    return found.group(1)


def post_form(client: TestClient, path: str, data: dict[str, str], page: str | None = None,
              **kwargs: object) -> object:
    return client.post(path, data={"csrf_token": csrf_token(client, page or path), **data},
                       **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


def test_register_confirm_and_appear_publicly(client: TestClient, settings: Settings,
                                              db: Session) -> None:
    page = post_form(client, "/register", GOOD_SIGN_UP)
    assert "Check your email" in page.text and "ann@example.org" in page.text  # type: ignore[attr-defined]
    organisation = db.exec(select(Organisation)).one()
    assert not organisation.confirmed
    assert client.get(f"/organisations/{organisation.slug}").status_code == 404

    (message,) = outbox(settings)
    assert message["To"] == "ann@example.org"
    assert message.get_body(("html",)) is not None
    confirm_path = link_in(message, "/confirm")
    confirm_page = client.get(confirm_path)
    assert "Confirm your email address" in confirm_page.text
    done = post_form(client, confirm_path, {}, follow_redirects=True)
    # One organisation: straight to its workspace.
    assert done.url.path == f"/manage/{organisation.slug}"  # type: ignore[attr-defined]
    assert '<h1 class="govuk-heading-xl">Bolton Disabled People&#39;s Forum</h1>' \
        in done.text  # type: ignore[attr-defined]
    assert "Your email address is confirmed" in done.text  # type: ignore[attr-defined]

    public = client.get(f"/organisations/{organisation.slug}")
    assert public.status_code == 200
    assert "We will look at every marker with our members." in public.text
    assert "Signed up" in public.text
    db.expire_all()
    commitment = db.exec(select(Commitment)).one()
    assert commitment.framework_id == "making-it-real-2018"
    actions = {event.action for event in db.exec(select(AuditEvent))}
    assert {"user.register", "organisation.create", "commitment.sign_up",
            "user.confirm_email"} <= actions


def test_register_form_errors_keep_what_was_typed(client: TestClient, db: Session) -> None:
    data = {**GOOD_SIGN_UP, "email": "not-an-email", "password": "short", "org_name": ""}
    page = post_form(client, "/register", data)
    html = page.text  # type: ignore[attr-defined]
    assert page.status_code == 200  # type: ignore[attr-defined]
    assert "<title>Error: Sign up your organisation" in html
    assert "There is a problem" in html
    assert 'href="#email">Enter an email address in the correct format, like name@example.com' \
        in html
    assert 'href="#password">Password must be 10 characters or more' in html
    assert 'href="#org_name">Enter the name of your organisation' in html
    assert 'value="not-an-email"' in html
    assert "We will look at every marker with our members." in html
    assert db.exec(select(User)).first() is None


def test_same_name_in_same_area_asks_is_this_you(client: TestClient, db: Session,
                                                 settings: Settings) -> None:
    owner = make_user(db)
    make_organisation(db, owner=owner, name=GOOD_SIGN_UP["org_name"], areas=("E08000001",))
    make_user(db, email="admin@example.org", admin=True)
    db.commit()
    page = post_form(client, "/register", GOOD_SIGN_UP)
    assert "Is this you?" in page.text  # type: ignore[attr-defined]
    assert db.exec(select(User).where(User.email == "ann@example.org")).first() is None
    done = post_form(client, "/register", {**GOOD_SIGN_UP, "not_a_duplicate": "true"})
    assert "Check your email" in done.text  # type: ignore[attr-defined]
    db.expire_all()
    flagged = Organisation.possible_duplicate_of_id.is_not(None)  # type: ignore[union-attr]
    new = db.exec(select(Organisation).where(flagged)).one()
    assert new.name == GOOD_SIGN_UP["org_name"]
    recipients = {message["To"] for message in outbox(settings)}
    assert "admin@example.org" in recipients


def test_a_name_spelt_a_little_differently_in_the_same_area_asks_is_this_you(
        client: TestClient, db: Session) -> None:
    make_organisation(db, name="Bolton Disabled Peoples Forum", areas=("E08000001",))
    make_organisation(db, name="Bolton Disabled People's Forum", areas=("E08000010",))
    make_organisation(db, name="Bolton Carers", areas=("E08000001",))
    db.commit()
    page = post_form(client, "/register", {**GOOD_SIGN_UP,
                                           "org_name": "Bolton Disabled Peoples Fourm"})
    html = page.text  # type: ignore[attr-defined]
    assert "Is this you?" in html
    warning = html[html.index("Is this you?"):html.index("If it is yours")]
    assert "Bolton Disabled Peoples Forum" in warning
    assert "Bolton Carers" not in warning
    assert "Bolton Disabled People&#39;s Forum" not in warning  # works in another area


def test_register_with_a_known_email_says_the_same_and_creates_nothing(
        client: TestClient, db: Session, settings: Settings) -> None:
    make_user(db, email="ann@example.org")
    db.commit()
    page = post_form(client, "/register", GOOD_SIGN_UP)
    assert "Check your email" in page.text  # type: ignore[attr-defined]
    assert db.exec(select(Organisation)).first() is None
    (message,) = outbox(settings)
    assert "already has an account" in body(message)


def test_login_logout_and_session_rotation(client: TestClient, db: Session) -> None:
    make_user(db, email="ann@example.org")
    db.commit()
    client.get("/login")
    before = client.cookies.get("mir_session")
    login(client, "ann@example.org")
    after = client.cookies.get("mir_session")
    assert before and after and before != after
    assert "Your account" in client.get("/").text
    response = post_form(client, "/logout", {}, page="/", follow_redirects=True)
    assert "You have logged out." in response.text  # type: ignore[attr-defined]
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_session_id_changes_on_login() -> None:
    from app.accounts.sessions import Session as WebSession

    session = WebSession()
    old_sid, old_csrf = session.sid, session.csrf
    session.log_in(1, 0)
    assert session.sid != old_sid and session.csrf != old_csrf


def test_wrong_password_and_unknown_email_get_the_same_message(client: TestClient,
                                                               db: Session) -> None:
    make_user(db, email="ann@example.org")
    db.commit()
    wrong = post_form(client, "/login", {"email": "ann@example.org", "password": "nope nope"})
    unknown = post_form(client, "/login", {"email": "bob@example.org", "password": "nope nope"})
    for page in (wrong, unknown):
        assert "The email address or password is not right" in page.text  # type: ignore[attr-defined]
        assert "Error: Log in" in page.text  # type: ignore[attr-defined]


def test_login_is_rate_limited_per_account(client: TestClient, db: Session) -> None:
    make_user(db, email="ann@example.org")
    db.commit()
    for _ in range(5):
        post_form(client, "/login", {"email": "ann@example.org", "password": "wrong password"})
    blocked = post_form(client, "/login", {"email": "ann@example.org", "password": PASSWORD})
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    assert "Too many attempts" in blocked.text  # type: ignore[attr-defined]
    assert "try again after" in blocked.text  # type: ignore[attr-defined]
    assert int(blocked.headers["Retry-After"]) > 0  # type: ignore[attr-defined]


def test_login_is_rate_limited_per_ip(client: TestClient, db: Session) -> None:
    for number in range(20):
        post_form(client, "/login", {"email": f"x{number}@example.org", "password": "wrong one"})
    blocked = post_form(client, "/login", {"email": "new@example.org", "password": "wrong one"})
    assert blocked.status_code == 429  # type: ignore[attr-defined]


def test_password_reset_is_single_use_and_ends_other_sessions(
        app: object, client: TestClient, db: Session, settings: Settings) -> None:
    make_user(db, email="ann@example.org")
    db.commit()
    other = TestClient(app)  # type: ignore[arg-type]
    login(other, "ann@example.org")
    assert "Your account" in other.get("/").text

    page = post_form(client, "/password-reset", {"email": "ann@example.org"})
    same = post_form(client, "/password-reset", {"email": "nobody@example.org"})
    assert "If <strong>ann@example.org</strong> has an account" in page.text  # type: ignore[attr-defined]
    assert "If <strong>nobody@example.org</strong> has an account" in same.text  # type: ignore[attr-defined]
    (message,) = outbox(settings)
    path = link_in(message, "/password-reset")
    done = post_form(client, path, {"password": "a brand new password"}, follow_redirects=True)
    assert "Your password has been changed." in done.text  # type: ignore[attr-defined]
    again = client.get(path)
    assert again.status_code == 410
    assert "already been used" in again.text
    assert "Your account" not in other.get("/").text  # the other session has ended
    client.cookies.clear()
    login(client, "ann@example.org", "a brand new password")


def test_expired_reset_link_is_refused_with_a_clear_page(client: TestClient, db: Session,
                                                         settings: Settings) -> None:
    from datetime import timedelta

    from app.accounts.models import Token

    make_user(db, email="ann@example.org")
    db.commit()
    post_form(client, "/password-reset", {"email": "ann@example.org"})
    path = link_in(outbox(settings)[0], "/password-reset")
    token = db.exec(select(Token)).one()
    token.expires_at = token.expires_at - timedelta(hours=2)
    db.add(token)
    db.commit()
    page = client.get(path)
    assert page.status_code == 410
    assert "This link has expired" in page.text


def test_account_changes_name_email_and_password(client: TestClient, db: Session,
                                                 settings: Settings) -> None:
    make_user(db, email="ann@example.org", name="Ann")
    db.commit()
    login(client, "ann@example.org")
    done = post_form(client, "/account/name", {"name": "Ann Other"}, page="/account",
                     follow_redirects=True)
    assert "Ann Other" in done.text  # type: ignore[attr-defined]
    bad = post_form(client, "/account/password",
                    {"current_password": "wrong password", "password": "another password"},
                    page="/account")
    assert "Your current password is not right" in bad.text  # type: ignore[attr-defined]
    post_form(client, "/account/email", {"email": "ann.new@example.org"}, page="/account")
    path = link_in(outbox(settings)[-1], "/account/email")
    post_form(client, path, {}, follow_redirects=True)
    db.expire_all()
    assert db.exec(select(User)).one().email == "ann.new@example.org"


def test_last_owner_cannot_delete_their_account(client: TestClient, db: Session) -> None:
    owner = make_user(db, email="ann@example.org")
    make_organisation(db, owner=owner, name="Solo Org")
    db.commit()
    login(client, "ann@example.org")
    page = post_form(client, "/account/delete", {"delete_password": PASSWORD}, page="/account")
    assert "You are the only owner of Solo Org" in page.text  # type: ignore[attr-defined]
    db.expire_all()
    assert db.exec(select(User)).first() is not None


def test_member_can_delete_their_account(client: TestClient, db: Session) -> None:
    owner = make_user(db)
    editor = make_user(db, email="ed@example.org")
    organisation = make_organisation(db, owner=owner)
    from tests.factories import add_member

    add_member(db, organisation, editor, "editor")
    db.commit()
    login(client, "ed@example.org")
    done = post_form(client, "/account/delete", {"delete_password": PASSWORD}, page="/account",
                     follow_redirects=True)
    assert "Your account has been deleted." in done.text  # type: ignore[attr-defined]
    db.expire_all()
    assert db.exec(select(User).where(User.email == "ed@example.org")).first() is None
    assert len(db.exec(select(Membership)).all()) == 1


def test_missing_or_wrong_csrf_token_changes_nothing(client: TestClient, db: Session) -> None:
    make_user(db, email="ann@example.org", name="Ann")
    db.commit()
    login(client, "ann@example.org")
    for data in ({"name": "Hacked"}, {"name": "Hacked", "csrf_token": "wrong"}):
        page = client.post("/account/name", data=data)
        assert page.status_code == 403
        assert "did not come from this site" in page.text
    db.expire_all()
    assert db.exec(select(User)).one().name == "Ann"


def test_htmx_requests_send_the_token_as_a_header(client: TestClient, db: Session) -> None:
    make_user(db, email="ann@example.org", name="Ann")
    db.commit()
    login(client, "ann@example.org")
    token = csrf_token(client, "/account")
    response = client.post("/account/name", data={"name": "Ann H"},
                           headers={"X-CSRF-Token": token, "HX-Request": "true"},
                           follow_redirects=False)
    assert response.status_code == 303
    db.expire_all()
    assert db.exec(select(User)).one().name == "Ann H"
