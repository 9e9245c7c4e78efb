"""Following by email (double opt-in, unsubscribe link in every email) and the Atom feeds."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import ratelimit
from app.config import Settings
from app.db import engine_for
from app.following import service
from app.following.models import Follower
from app.following.web import FOLLOW_LIMIT
from app.organisations.models import Organisation
from app.organisations.repository import by_slug
from app.publications.models import Publication
from tests.factories import add_member, csrf_token, make_organisation, make_user
from tests.views import mail
from tests.views.factories import complete_view, publish_plan, publish_view, start_view

ATOM = "{http://www.w3.org/2005/Atom}"
AREA = "E08000002"  # where the council and the DPULO work


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


@pytest.fixture
def organisations(db: Session) -> None:
    for email, name, slug, area in (("council@example.org", "Bury Council", "bury-council", AREA),
                                    ("dpulo@example.org", "Bury Voice", "bury-voice", AREA),
                                    ("far@example.org", "Far Away", "far-away", "E06000001")):
        make_organisation(db, owner=make_user(db, email=email), name=name, slug=slug,
                          areas=(area,))
    db.commit()


def follow(client: TestClient, **data: str):  # type: ignore[no-untyped-def]
    return client.post("/follow", data={"csrf_token": csrf_token(client, "/follow"), **data},
                       follow_redirects=False)


def organisation(db: Session, slug: str) -> Organisation:
    found = by_slug(db, slug)
    assert found is not None
    return found


def publish(db: Session, settings: Settings, slug: str) -> tuple[Publication,
                                                                 list[EmailMessage]]:
    """Publish a plan for the organisation; return it and the follower emails it causes."""
    org = organisation(db, slug)
    owner = make_user(db)
    add_member(db, org, owner, "owner")
    publication = publish_plan(db, org, owner, upload_dir=settings.upload_dir)
    messages = service.notices_for(db, settings, publication)
    db.commit()
    return publication, messages


def confirm(client: TestClient, message: EmailMessage) -> None:
    path = mail.link(message, "/follow/confirm/")
    assert "Confirm you want these emails" in client.get(path).text
    done = client.post(path, data={"csrf_token": csrf_token(client, path)},
                       follow_redirects=True)
    assert "You are following" in done.text


def test_follow_confirm_notify_unsubscribe(client: TestClient, organisations: None,
                                           db: Session, settings: Settings) -> None:
    page = client.get("/follow?organisation=bury-council")
    assert "Follow Bury Council" in page.text
    bad = follow(client, organisation="bury-council", email="not an email")
    assert "Enter an email address in the correct format" in bad.text
    asked = follow(client, organisation="bury-council", email="Fan@Example.org")
    assert asked.headers["location"] == "/follow/check-email"
    assert "Check your email" in client.get("/follow/check-email").text
    [ask] = mail.sent(settings.outbox_dir)
    assert ask["To"] == "fan@example.org"
    mail.check(ask)

    _plan, before = publish(db, settings, "bury-council")
    assert before == []  # not confirmed yet: nothing but the confirmation email
    confirm(client, ask)
    follow(client, organisation="bury-council", email="fan@example.org")
    assert len(mail.sent(settings.outbox_dir)) == 1  # following already: no second email

    publication, [notice] = publish(db, settings, "bury-council")
    assert notice["To"] == "fan@example.org"
    assert "Bury Council has published a new action plan" in notice["Subject"]
    mail.check(notice)
    assert mail.link(notice, f"/organisations/bury-council/publications/{publication.number}")
    unsubscribe = mail.link(notice, "/unsubscribe/")
    assert notice["List-Unsubscribe"] == f"<{mail.BASE_URL}{unsubscribe}>"
    assert service.notices_for(db, settings, publication) == []  # never the same one twice
    db.rollback()

    assert "Stop emails to fan@example.org" in client.get(unsubscribe).text
    done = client.post(unsubscribe, data={"csrf_token": csrf_token(client, unsubscribe)},
                       follow_redirects=True)
    assert "You are unsubscribed" in done.text
    assert db.exec(select(Follower)).first() is None
    _later, after = publish(db, settings, "bury-council")
    assert after == []
    assert "You are unsubscribed" in client.get(unsubscribe).text


def test_following_an_area(client: TestClient, organisations: None, db: Session,
                           settings: Settings) -> None:
    assert "Follow an area" in client.get("/follow").text
    missing = follow(client, email="area@example.org")
    assert "Choose the area to follow" in missing.text
    follow(client, area=AREA, email="area@example.org")
    follow(client, organisation="bury-council", email="area@example.org")
    for message in mail.sent(settings.outbox_dir):
        confirm(client, message)
    plan, [notice] = publish(db, settings, "bury-council")  # follows both: one email
    assert notice["To"] == "area@example.org"
    _far, none = publish(db, settings, "far-away")
    assert none == []
    dpulo, owner = organisation(db, "bury-voice"), make_user(db)
    add_member(db, dpulo, owner, "owner")
    view = start_view(db, dpulo, owner, plan)
    complete_view(db, view, owner)
    published = publish_view(db, view, dpulo, owner, upload_dir=settings.upload_dir)
    [about] = service.notices_for(db, settings, published)
    assert about["Subject"] == "Bury Voice: independent view of Bury Council"
    mail.check(about)


def test_unknown_targets_and_bad_links(client: TestClient, organisations: None) -> None:
    assert client.get("/follow?organisation=nobody").status_code == 404
    assert client.get("/follow?area=E99999999").status_code == 404
    assert client.get("/follow/confirm/not-a-token").status_code == 410
    assert client.get("/unsubscribe/not-a-token").status_code == 410


def test_following_is_rate_limited(client: TestClient, organisations: None) -> None:
    for number in range(FOLLOW_LIMIT.count):
        follow(client, organisation="bury-council", email=f"p{number}@example.org")
    refused = follow(client, organisation="bury-council", email="one.more@example.org")
    assert refused.status_code == 429


def test_recent_publications_reach_followers_once(organisations: None, db: Session,
                                                  settings: Settings, database_url: str) -> None:
    council = organisation(db, "bury-council")
    db.add(Follower(email="late@example.org", organisation_id=council.id,
                    confirmed_at=service.now()))
    db.commit()
    owner = make_user(db)
    add_member(db, council, owner, "owner")
    publish_plan(db, council, owner, upload_dir=settings.upload_dir)
    db.commit()
    engine = engine_for(database_url)
    assert service.send_recent_notices(engine, settings) == 1
    assert service.send_recent_notices(engine, settings) == 0
    [message] = mail.sent(settings.outbox_dir)
    mail.check(message)


def entries(client: TestClient, path: str) -> list[ElementTree.Element]:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id") is not None and root.find(f"{ATOM}updated") is not None
    return root.findall(f"{ATOM}entry")


def test_feeds_parse_and_link_to_publications(client: TestClient, organisations: None,
                                              db: Session, settings: Settings) -> None:
    plan, _ = publish(db, settings, "bury-council")
    dpulo, owner = organisation(db, "bury-voice"), make_user(db)
    add_member(db, dpulo, owner, "owner")
    view = start_view(db, dpulo, owner, plan)
    complete_view(db, view, owner)
    publish_view(db, view, dpulo, owner, upload_dir=settings.upload_dir)
    db.commit()
    everything = entries(client, "/feed.atom")
    council = entries(client, "/organisations/bury-council/feed.atom")
    area = entries(client, f"/areas/{AREA}/feed.atom")
    assert len(everything) == len(council) == len(area) == 2  # the plan and the view of it
    assert entries(client, "/organisations/far-away/feed.atom") == []
    for entry in everything:
        link = entry.find(f"{ATOM}link")
        assert link is not None
        href = link.get("href", "")
        assert href.startswith(mail.BASE_URL + "/organisations/")
        assert client.get(href[len(mail.BASE_URL):]).status_code == 200
        assert entry.findtext(f"{ATOM}title")
    titles = [entry.findtext(f"{ATOM}title") for entry in council]
    assert "Bury Voice: independent view of Bury Council" in titles
    assert client.get("/areas/E99999999/feed.atom").status_code == 404
    assert client.get("/organisations/nobody/feed.atom").status_code == 404


def test_one_address_gets_a_few_confirmations_an_hour_whoever_asks(
        client: TestClient, organisations: None, settings: Settings) -> None:
    from tests.conftest import checked_client

    for number in range(8):
        visitor = checked_client(client.app, client=(f"192.0.2.{number}", 50000))  # type: ignore[arg-type]
        for slug in ("bury-council", "bury-voice"):
            asked = follow(visitor, organisation=slug, email="target@example.org")
            assert asked.status_code == 303  # the same answer whether or not an email went
    assert len(mail.to(mail.sent(settings.outbox_dir), "target@example.org")) \
        == ratelimit.EMAILS_PER_HOUR
