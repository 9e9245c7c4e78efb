"""Reminders: the rules at their boundaries, once only however often they run, owners only,
never to an owner who unsubscribed, and again once they start them in the workspace."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.cli import main
from app.clock import now, today
from app.config import Settings, get_settings
from app.db import engine_for
from app.following.models import Follower
from app.organisations.repository import by_slug
from app.reminders.models import ReminderSent
from app.reminders.service import ReminderKind, reminders_due, send_reminders
from tests.factories import (
    add_member,
    csrf_token,
    login,
    make_commitment,
    make_organisation,
    make_user,
)
from tests.views import mail
from tests.views.factories import CATALOGUE, publish_plan

SIGNED = date(2026, 1, 10)  # plan due 90 days later: 10 April 2026
DUE = SIGNED + timedelta(days=90)
LAPSES = date(2027, 1, 10)  # a year after signing up, if nothing is published
PLAN_ON = date(2026, 3, 1)
PLAN_LAPSES = date(2027, 3, 1)


def due(on: date, **published: date) -> list[tuple[ReminderKind, date]]:
    return reminders_due(today=on, signed_up_on=SIGNED, plan_due_days=90, **published)


@pytest.mark.parametrize(("on", "expected"), [
    (DUE - timedelta(days=15), []),
    (DUE - timedelta(days=14), [(ReminderKind.plan_due, DUE)]),
    (DUE, [(ReminderKind.plan_due, DUE)]),
    (DUE + timedelta(days=1), [(ReminderKind.plan_overdue, DUE)]),
    (LAPSES - timedelta(days=15), [(ReminderKind.plan_overdue, DUE)]),
    (LAPSES - timedelta(days=14), [(ReminderKind.lapsing, LAPSES)]),
    (LAPSES - timedelta(days=1), [(ReminderKind.lapsing, LAPSES)]),
    (LAPSES, []),  # lapsed: the status says so, no more reminders
])
def test_without_a_plan(on: date, expected: list[tuple[ReminderKind, date]]) -> None:
    assert due(on) == expected


@pytest.mark.parametrize(("on", "expected"), [
    (DUE + timedelta(days=1), []),  # a plan is published: not overdue
    (PLAN_LAPSES - timedelta(days=31), []),
    (PLAN_LAPSES - timedelta(days=30), [(ReminderKind.progress_due, PLAN_LAPSES)]),
    (PLAN_LAPSES - timedelta(days=15), [(ReminderKind.progress_due, PLAN_LAPSES)]),
    (PLAN_LAPSES - timedelta(days=14), [(ReminderKind.lapsing, PLAN_LAPSES)]),
    (PLAN_LAPSES, []),
])
def test_with_a_plan(on: date, expected: list[tuple[ReminderKind, date]]) -> None:
    assert due(on, last_plan_on=PLAN_ON) == expected


def test_a_progress_report_moves_the_year_on_and_withdrawing_stops_all() -> None:
    progress = date(2026, 9, 1)
    assert due(PLAN_LAPSES - timedelta(days=30), last_plan_on=PLAN_ON,
               last_progress_on=progress) == []
    assert due(date(2027, 8, 2), last_plan_on=PLAN_ON, last_progress_on=progress) == [
        (ReminderKind.progress_due, date(2027, 9, 1))]
    assert reminders_due(today=DUE, signed_up_on=SIGNED, withdrawn_on=DUE) == []


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


@pytest.fixture
def signed_up(db: Session) -> None:
    """Signed up 80 days ago: the plan is due in 10 days. Two owners, an editor, a follower."""
    owner = make_user(db, email="owner@example.org", name="Owner One")
    organisation = make_organisation(db, owner=owner, name="Bury Council", slug="bury")
    add_member(db, organisation, make_user(db, email="second@example.org"), "owner")
    add_member(db, organisation, make_user(db, email="editor@example.org"), "editor")
    add_member(db, organisation, make_user(db, email="unconfirmed@example.org",
                                           confirmed=False), "owner")
    db.add(Follower(email="follower@example.org", organisation_id=organisation.id,
                    confirmed_at=now()))
    make_commitment(db, organisation, signed_up_on=today() - timedelta(days=80))
    db.commit()


def run(database_url: str, settings: Settings, on: date | None = None) -> int:
    return send_reminders(engine_for(database_url), settings, CATALOGUE,
                          today=on or today()).emails


def test_run_twice_one_email_each_to_owners_only(signed_up: None, database_url: str,
                                                 settings: Settings, db: Session) -> None:
    assert run(database_url, settings) == 2
    assert run(database_url, settings) == 0
    emails = mail.sent(settings.outbox_dir)
    assert sorted(str(m["To"]) for m in emails) == ["owner@example.org", "second@example.org"]
    [sent] = db.exec(select(ReminderSent)).all()
    assert (sent.kind, sent.recipients) == ("plan_due", 2)
    for message in emails:
        mail.check(message)
        assert "action plan is due on" in message["Subject"]
        assert mail.link(message, "/manage/bury/plans/making-it-real-2018/publish")
        assert mail.link(message, "/unsubscribe/")


def test_an_owner_who_unsubscribed_gets_none(client: TestClient, signed_up: None,
                                             database_url: str, settings: Settings) -> None:
    run(database_url, settings)
    [message] = mail.to(mail.sent(settings.outbox_dir), "owner@example.org")
    link = mail.link(message, "/unsubscribe/")
    assert "Stop reminder emails to owner@example.org" in client.get(link).text
    done = client.post(link, data={"csrf_token": csrf_token(client, link)},
                       follow_redirects=True)
    assert "You are unsubscribed" in done.text
    # Later the plan is overdue: a new reminder, but not for the owner who unsubscribed.
    assert run(database_url, settings, today() + timedelta(days=11)) == 1
    overdue = [m for m in mail.sent(settings.outbox_dir) if "overdue" in m["Subject"]]
    assert [str(m["To"]) for m in overdue] == ["second@example.org"]


def test_a_published_plan_means_no_plan_reminder(signed_up: None, database_url: str,
                                                 settings: Settings, db: Session) -> None:
    organisation = by_slug(db, "bury")
    assert organisation is not None
    user = make_user(db)
    add_member(db, organisation, user, "owner")
    publish_plan(db, organisation, user, upload_dir=settings.upload_dir)
    db.commit()
    assert run(database_url, settings) == 0


def test_the_command(signed_up: None, database_url: str,
                     monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("MIR_DATABASE_URL", database_url)
    monkeypatch.setenv("MIR_OUTBOX_DIR", str(settings.outbox_dir))
    get_settings.cache_clear()
    try:
        first = CliRunner().invoke(main, ["reminders", "send"])
        again = CliRunner().invoke(main, ["reminders", "send"])
    finally:
        get_settings.cache_clear()
    assert first.exit_code == 0, first.output
    assert first.output.startswith("1 reminder sent (2 emails)")
    assert again.output.startswith("0 reminders sent (0 emails)")
    assert len(mail.sent(settings.outbox_dir)) == 2


def _send(database_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch,
          on: date) -> str:
    """`mir reminders send --today ON`, as cron runs it."""
    monkeypatch.setenv("MIR_DATABASE_URL", database_url)
    monkeypatch.setenv("MIR_OUTBOX_DIR", str(settings.outbox_dir))
    monkeypatch.setenv("MIR_BASE_URL", settings.base_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["reminders", "send", "--today", on.isoformat()])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    return result.output


def test_an_owner_who_unsubscribed_can_start_reminders_again(
        client: TestClient, signed_up: None, database_url: str, settings: Settings,
        monkeypatch: pytest.MonkeyPatch, db: Session) -> None:
    assert _send(database_url, settings, monkeypatch, today()).startswith(
        "1 reminder sent (2 emails)")
    [message] = mail.to(mail.sent(settings.outbox_dir), "owner@example.org")
    assert mail.link(message, "/manage/bury/reminders")
    link = mail.link(message, "/unsubscribe/")
    done = client.post(link, data={"csrf_token": csrf_token(client, link)},
                       follow_redirects=True)
    assert 'href="/manage/bury/reminders">start reminder emails again</a>' in done.text
    # In the workspace, the owner sees that they stopped them, and starts them again.
    login(client, "owner@example.org")
    page = client.get("/manage/bury/reminders")
    assert "<title>Bury Council: reminder emails" in page.text
    assert "You do not get reminder emails about Bury Council: you stopped them on" in page.text
    assert 'value="off" checked' in page.text
    saved = client.post("/manage/bury/reminders",
                        data={"csrf_token": csrf_token(client, "/manage/bury/reminders"),
                              "reminders": "on"}, follow_redirects=True)
    assert "You will get reminder emails about Bury Council again." in saved.text
    assert "You get reminder emails about Bury Council." in saved.text
    assert 'value="on" checked' in saved.text
    [event] = db.exec(select(AuditEvent).where(AuditEvent.action == "reminders.resubscribe"))
    assert (event.before, event.after, event.subject) == (
        {"reminders": False}, {"reminders": True}, f"user:{event.actor_id}")
    # The next reminder (the plan is now overdue) goes to both owners again.
    later = today() + timedelta(days=11)
    assert _send(database_url, settings, monkeypatch, later).startswith(
        "1 reminder sent (2 emails)")
    overdue = [m for m in mail.sent(settings.outbox_dir) if "overdue" in m["Subject"]]
    assert sorted(str(m["To"]) for m in overdue) == ["owner@example.org", "second@example.org"]


def test_an_owner_stops_reminders_in_the_workspace(
        client: TestClient, signed_up: None, database_url: str, settings: Settings,
        db: Session) -> None:
    login(client, "second@example.org")
    page = client.get("/manage/bury/reminders")
    assert "You get reminder emails about Bury Council." in page.text
    token = csrf_token(client, "/manage/bury/reminders")
    # Nothing chosen (only a crafted form can do that): the question says so.
    problem = client.post("/manage/bury/reminders", data={"csrf_token": token})
    assert problem.status_code == 200
    assert "<title>Error: Bury Council: reminder emails" in problem.text
    assert 'href="#reminders">Choose whether to get reminder emails</a>' in problem.text
    refused = client.post("/manage/bury/reminders", data={"reminders": "off"})
    assert refused.status_code == 403  # no CSRF token
    saved = client.post("/manage/bury/reminders",
                        data={"csrf_token": token, "reminders": "off"}, follow_redirects=True)
    assert "You will not get reminder emails about Bury Council." in saved.text
    assert "you stopped them on" in saved.text
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "reminders.unsubscribe")
                   ).one().actor_id is not None
    # Only their own emails stop: the other owner still gets the reminder.
    assert run(database_url, settings) == 1
    assert [str(m["To"]) for m in mail.sent(settings.outbox_dir)] == ["owner@example.org"]
    # Saving the same choice again changes nothing.
    client.post("/manage/bury/reminders", data={"csrf_token": token, "reminders": "off"})
    assert len(db.exec(select(AuditEvent).where(
        AuditEvent.action == "reminders.unsubscribe")).all()) == 1


def test_only_owners_choose_reminders(client: TestClient, signed_up: None) -> None:
    login(client, "editor@example.org")
    assert client.get("/manage/bury/reminders").status_code == 403
