"""Every email the service sends: names stay as typed in subjects and plain text, and the
HTML part stays escaped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import PROJECT_ROOT, Settings
from app.db import engine_for
from app.email import compose
from tests.factories import csrf_token, make_organisation, make_user
from tests.views import mail

NAME = "People's Alliance & Friends <Deaf> Group"
ESCAPED = ("&#39;", "&#x27;", "&amp;", "&lt;", "&gt;", "&quot;")
PATHS = {key: "/organisations/x/publications/1" for key in (
    "publication_path", "admin_path", "view_path", "reply_path", "publish_path", "plan_path",
    "settings_path", "unsubscribe_path", "feed_path", "page_path")}
# Each email's context as its sender builds it, with every name the awkward one.
CONTEXTS: dict[str, dict[str, Any]] = {
    "already_registered": {"name": NAME},
    "change_email": {"name": NAME, "token": "t"},
    "concern_reported": {"organisation": NAME, "publication": "Action plan 1"},
    "confirm_email": {"name": NAME, "token": "t", "organisation": NAME},
    "follow_confirm": {"name": NAME, "token": "t"},
    "invitation": {"organisation": NAME, "inviter": NAME, "role": "editor", "token": "t"},
    "new_publication": {"organisation": NAME, "kind_label": "Independent view",
                        "about": NAME, "published_on": date(2026, 4, 1), "followed": NAME},
    "possible_duplicate": {"name": NAME, "other": NAME},
    "reminder": {"name": NAME, "kind": "plan_due", "organisation": NAME, "framework": NAME,
                 "due_on": date(2026, 4, 1)},
    "reply_published": {"name": NAME, "viewer": NAME, "organisation": NAME},
    "reset_password": {"name": NAME, "token": "t"},
    "view_published": {"name": NAME, "viewer": NAME, "organisation": NAME, "framework": NAME},
}


def _settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/unused.db", outbox_dir=tmp_path,
                    base_url="http://testserver")


def _check_text(message: EmailMessage) -> None:
    text, html = mail.parts(message)
    subject = str(message["Subject"])
    for shown in (subject, text):
        assert not any(entity in shown for entity in ESCAPED), shown
    assert NAME in subject + text
    assert "&lt;Deaf&gt;" in html and "<Deaf>" not in html  # the HTML part is still safe


def test_every_email_kind_is_listed() -> None:
    kinds = {path.name.removesuffix(".subject.txt")
             for path in (PROJECT_ROOT / "templates" / "emails").glob("*.subject.txt")}
    assert kinds == set(CONTEXTS)


@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_names_are_not_html_escaped_in_plain_text(template: str, tmp_path: Path) -> None:
    for kind in ("plan_due", "plan_overdue", "progress_due", "lapsing") \
            if template == "reminder" else ("",):
        context = {**PATHS, **CONTEXTS[template]} | ({"kind": kind} if kind else {})
        message = compose(_settings(tmp_path), to="someone@example.org", template=template,
                          context=context)
        _check_text(message)


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


def test_follow_email_of_a_name_with_an_apostrophe(client: TestClient, db: Session,
                                                   settings: Settings) -> None:
    make_organisation(db, owner=make_user(db), name=NAME, slug="peoples-alliance")
    db.commit()
    client.post("/follow", data={"csrf_token": csrf_token(client, "/follow"),
                                 "organisation": "peoples-alliance",
                                 "email": "fan@example.org"})
    [message] = mail.sent(settings.outbox_dir)
    assert str(message["Subject"]).strip() == f"Confirm you want emails about {NAME}"
    _check_text(message)
