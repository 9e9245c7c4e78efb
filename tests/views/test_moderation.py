"""Report a concern (public, CSRF-checked, rate-limited) and hiding a publication."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import ratelimit
from app.audit.models import AuditEvent
from app.config import Settings
from app.moderation.models import ConcernReport
from app.moderation.service import CONCERN_LIMIT
from app.publications.models import Publication
from tests.conftest import checked_client
from tests.factories import csrf_token, login, make_organisation, make_user
from tests.views import mail
from tests.views.factories import complete_view, publish_plan, publish_view, start_view

PLAN = "/organisations/bury-council/publications/1"
VIEW = "/organisations/bury-voice/publications/1"


@pytest.fixture
def published(db: Session, settings: Settings) -> None:
    council_owner = make_user(db, email="council@example.org")
    council = make_organisation(db, owner=council_owner, name="Bury Council",
                                slug="bury-council", kind="council")
    plan = publish_plan(db, council, council_owner, upload_dir=settings.upload_dir)
    dpulo_owner = make_user(db, email="dpulo@example.org")
    dpulo = make_organisation(db, owner=dpulo_owner, name="Bury Voice", slug="bury-voice")
    view = start_view(db, dpulo, dpulo_owner, plan)
    complete_view(db, view, dpulo_owner, reasons="Unique view words")
    publish_view(db, view, dpulo, dpulo_owner, upload_dir=settings.upload_dir)
    make_user(db, email="admin@example.org", admin=True)
    db.commit()


def report(client: TestClient, **data: str):  # type: ignore[no-untyped-def]
    return client.post(f"{VIEW}/concern", data={
        "csrf_token": csrf_token(client, f"{VIEW}/concern"), **data}, follow_redirects=False)


def test_anyone_can_report_a_concern(client: TestClient, published: None, db: Session,
                                     settings: Settings) -> None:
    page = client.get(VIEW).text
    assert f'href="{VIEW}/concern"' in page
    form = client.get(f"{VIEW}/concern")
    assert "Report a concern about this publication" in form.text
    empty = report(client, concern="", email="not an email")
    assert empty.status_code == 200
    assert "Tell us what is wrong with this publication" in empty.text
    assert "Enter an email address in the correct format" in empty.text
    sent = report(client, concern="It names my neighbour.", email="me@example.org")
    assert sent.status_code == 303
    assert "Thank you for your report" in client.get(sent.headers["location"]).text
    [row] = db.exec(select(ConcernReport)).all()
    assert row.concern == "It names my neighbour." and row.email == "me@example.org"
    [told] = mail.sent(settings.outbox_dir)
    assert told["To"] == "admin@example.org"
    mail.check(told, absent="It names my neighbour.")
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "concern.report")).first()


def test_the_concern_form_checks_csrf(client: TestClient, published: None,
                                      db: Session) -> None:
    response = client.post(f"{VIEW}/concern", data={"concern": "No token"})
    assert response.status_code == 403
    other = checked_client(client.app)  # type: ignore[arg-type]
    token = csrf_token(other, "/")
    response = client.post(f"{VIEW}/concern", data={"concern": "Wrong token",
                                                    "csrf_token": token})
    assert response.status_code == 403
    assert db.exec(select(ConcernReport)).first() is None


def test_the_concern_form_is_rate_limited(client: TestClient, published: None,
                                          db: Session) -> None:
    for number in range(CONCERN_LIMIT.count):
        assert report(client, concern=f"Report {number}").status_code == 303
    refused = report(client, concern="One too many")
    assert refused.status_code == 429
    assert "too many reports from your connection" in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    assert len(db.exec(select(ConcernReport)).all()) == CONCERN_LIMIT.count


def test_admins_hide_a_publication_with_a_public_reason(app: FastAPI, published: None,
                                                        db: Session) -> None:
    public = checked_client(app)
    report(public, concern="It is not true.")
    admin = checked_client(app)
    login(admin, "admin@example.org")
    concerns = admin.get("/admin/concerns").text
    assert "It is not true." in concerns and "Bury Voice" in concerns
    view = db.exec(select(Publication).where(Publication.kind == "view")).one()
    url = f"/admin/publications/{view.id}"
    empty = admin.post(f"{url}/hide", data={"csrf_token": csrf_token(admin, url)})
    assert "Enter the reason for hiding this publication" in empty.text
    admin.post(f"{url}/hide", data={"csrf_token": csrf_token(admin, url),
                                    "reason": "It names someone who did not agree."})
    page = public.get(VIEW).text
    assert "This publication has been hidden" in page
    assert "It names someone who did not agree." in page
    assert "Unique view words" not in page
    side = public.get("/organisations/bury-council/independent-views").text
    assert "It names someone who did not agree." in side and "Unique view words" not in side
    feed = public.get("/organisations/bury-voice/feed.atom").text
    assert "It names someone who did not agree." in feed
    admin.post(f"{url}/unhide", data={"csrf_token": csrf_token(admin, url)})
    assert "Unique view words" in public.get(VIEW).text
    actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert "publication.hide" in actions and "publication.unhide" in actions
    concern = db.exec(select(ConcernReport)).one()
    admin.post(f"/admin/concerns/{concern.id}/close",
               data={"csrf_token": csrf_token(admin, "/admin/concerns")})
    db.expire_all()
    assert db.exec(select(ConcernReport)).one().closed_at is not None


def test_a_hidden_plan_shows_its_reason(app: FastAPI, published: None, db: Session) -> None:
    plan = db.exec(select(Publication).where(Publication.kind == "plan")).one()
    plan.hidden_reason = "Published by mistake."
    db.add(plan)
    db.commit()
    page = checked_client(app).get(PLAN).text
    assert "This publication has been hidden" in page and "Published by mistake." in page
    assert "Public words on IA1" not in page


def test_admins_get_a_few_concern_emails_an_hour_and_every_report_is_kept(
        app: FastAPI, published: None, db: Session, settings: Settings) -> None:
    for number in range(8):
        visitor = checked_client(app, client=(f"192.0.2.{number}", 50000))
        assert report(visitor, concern=f"Report {number}").status_code == 303
    assert len(db.exec(select(ConcernReport)).all()) == 8
    assert len(mail.to(mail.sent(settings.outbox_dir), "admin@example.org")) \
        == ratelimit.EMAILS_PER_HOUR
