"""`mir user create`: an account that can log in straight away, or a clear refusal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import User
from app.accounts.security import verify_password
from app.audit.models import AuditEvent
from app.cli import main
from app.config import get_settings
from app.db import engine_for
from app.organisations.models import Membership
from tests.factories import login, make_organisation, make_user


@pytest.fixture
def database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("MIR_DATABASE_URL", database_url)
    get_settings.cache_clear()
    with Session(engine_for(database_url)) as db:
        make_user(db, email="taken@example.org")
        make_organisation(db, name="Bolton Voice", slug="bolton-voice")
        db.commit()
    yield database_url
    get_settings.cache_clear()


def create(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["user", "create", *args], input=input)


def find(database_url: str, email: str) -> User | None:
    with Session(engine_for(database_url)) as db:
        return db.exec(select(User).where(User.email == email)).first()


def test_creates_a_confirmed_admin_with_a_membership(database: str) -> None:
    result = create("--email", "Ops@Example.org", "--password", "a long password",
                    "--name", "Ops Person", "--admin", "--org", "bolton-voice",
                    "--role", "owner")
    assert result.exit_code == 0, result.output
    assert "Created the account ops@example.org (site administrator), owner of bolton-voice." \
        in result.output
    user = find(database, "ops@example.org")
    assert user is not None and user.is_admin and user.name == "Ops Person"
    assert user.email_confirmed_at is not None
    assert verify_password("a long password", user.password_hash)
    with Session(engine_for(database)) as db:
        membership = db.exec(select(Membership).where(Membership.user_id == user.id)).one()
        assert membership.role == "owner"
        created = db.exec(select(AuditEvent).where(AuditEvent.action == "user.create")).one()
        assert created.actor_id is None and created.subject == f"user:{user.id}"


def test_asks_for_the_password_twice_without_showing_it(database: str) -> None:
    result = create("--email", "quiet@example.org",
                    input="a long password\na long password\n")
    assert result.exit_code == 0, result.output
    assert "a long password" not in result.output
    assert "Repeat for confirmation" in result.output
    user = find(database, "quiet@example.org")
    assert user is not None and not user.is_admin and user.name == "quiet"
    assert verify_password("a long password", user.password_hash)


def test_the_new_account_can_log_in(database: str, client: TestClient) -> None:
    assert create("--email", "new@example.org", "--password", "a long password").exit_code == 0
    login(client, "new@example.org", "a long password")


@pytest.mark.parametrize(("args", "message"), [
    (["--email", "taken@example.org"], "There is already an account with the email address"),
    (["--email", "not an email"], "Enter an email address in the correct format"),
    (["--email", "new@example.org", "--password", "short"],
     "Password must be 10 characters or more"),
    (["--email", "new@example.org", "--org", "nowhere"],
     "There is no organisation with the slug nowhere"),
    (["--email", "new@example.org", "--org", "bolton-voice", "--role", "boss"],
     "'boss' is not one of"),
    (["--email", "new@example.org", "--role", "owner"], "as well as the role"),
])
def test_refuses_bad_details_clearly(database: str, args: list[str], message: str) -> None:
    if "--password" not in args:
        args = [*args, "--password", "a long password"]
    result = create(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert find(database, "new@example.org") is None
    with Session(engine_for(database)) as db:
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "user.create")).all() == []
