"""The co-production record: who took part and how, saved without losing anyone's words."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.assessments.coproduction import co_production_complete
from app.assessments.models import CoProduction
from app.audit.models import AuditEvent
from tests.conftest import checked_client
from tests.factories import (
    add_member,
    csrf_token,
    login,
    make_commitment,
    make_organisation,
    make_user,
)

BASE = "/manage/team-org/assessments"


@pytest.fixture
def team(db: Session) -> None:
    owner = make_user(db, email="owner@example.org", name="Olive")
    organisation = make_organisation(db, owner=owner, name="Team Org")
    add_member(db, organisation, make_user(db, email="editor@example.org", name="Eddie"),
               "editor")
    add_member(db, organisation, make_user(db, email="viewer@example.org", name="Vera"),
               "viewer")
    make_commitment(db, organisation)
    db.commit()


@pytest.fixture
def url(client: TestClient, team: None) -> str:
    login(client, "editor@example.org")
    response = client.post(BASE, data={"csrf_token": csrf_token(client, BASE),
                                       "framework": "making-it-real-2018",
                                       "name": "Spring 2026"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"]) + "/co-production"


def fields(html: str) -> dict[str, str]:
    return {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1),  # type: ignore[union-attr]
            "version": re.search(r'name="version" value="(\d+)"', html).group(1)}  # type: ignore[union-attr]


FULL = {"people_using_support": "12", "family_carers": "4", "staff": "3",
        "partner_organisations": "1", "methods": ["workshops", "survey"],
        "what_people_said": "It felt like our meeting, not theirs.\nMore time next time."}


def the_record(db: Session) -> CoProduction | None:
    db.expire_all()
    return db.exec(select(CoProduction)).first()


def test_save_creates_then_updates_the_record(client: TestClient, db: Session,
                                              url: str) -> None:
    page = client.get(url)
    assert "Who took part, and how" in page.text
    assert "Before you can publish, this record needs:" in page.text
    assert fields(page.text)["version"] == "0"
    saved = client.post(url, data={**fields(page.text), **FULL}, follow_redirects=True)
    assert "Saved who took part and how." in saved.text
    assert "This record is complete enough to publish" in saved.text
    record = the_record(db)
    assert record is not None
    assert (record.people_using_support, record.family_carers, record.staff,
            record.partner_organisations, record.methods, record.version) == (
        12, 4, 3, 1, ["workshops", "survey"], 1)
    assert co_production_complete(record)
    again = client.post(url, data={**fields(saved.text), **FULL, "family_carers": "",
                                   "methods": ["other"], "other_method": "Coffee mornings"},
                        follow_redirects=True)
    assert 'value="Coffee mornings"' in again.text
    record = the_record(db)
    assert record is not None
    assert (record.family_carers, record.methods, record.other_method, record.version) == (
        0, ["other"], "Coffee mornings", 2)
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "co_production.save")
                     .order_by(AuditEvent.id)).all()  # type: ignore[arg-type]
    assert len(events) == 2
    assert events[0].before is None and events[1].before is not None
    assert events[1].before["family_carers"] == 4 and events[1].after["family_carers"] == 0  # type: ignore[index]


def test_words_about_another_way_count_as_ticking_it(client: TestClient, db: Session,
                                                     url: str) -> None:
    page = client.get(url)
    client.post(url, data={**fields(page.text), "methods": "survey",
                           "other_method": "Home visits"})
    record = the_record(db)
    assert record is not None and record.methods == ["survey", "other"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("family_carers", "twelve", "Enter the number of family carers as a whole number, like 12"),
    ("family_carers", "-3", "Enter the number of family carers as a whole number, like 12"),
    ("family_carers", "2.5", "Enter the number of family carers as a whole number, like 12"),
    ("people_using_support", "200000", "Enter the number of people who use support as a "
                                       "whole number between 0 and 100,000"),
    ("staff", "lots", "Enter the number of staff as a whole number, like 12"),
    ("partner_organisations", "x", "Enter the number of partner organisations as a whole "
                                   "number, like 12"),
])
def test_numbers_must_be_whole_numbers(client: TestClient, db: Session, url: str,
                                       field: str, value: str, message: str) -> None:
    page = client.get(url)
    response = client.post(url, data={**fields(page.text), **FULL, field: value})
    assert response.status_code == 200
    assert message in response.text
    assert f'href="#{field}"' in response.text
    assert "<title>Error: " in response.text
    assert "It felt like our meeting, not theirs." in response.text
    assert f'value="{value}"' in response.text
    assert the_record(db) is None


def test_another_way_needs_saying_what(client: TestClient, db: Session, url: str) -> None:
    page = client.get(url)
    response = client.post(url, data={**fields(page.text), **FULL,
                                      "methods": ["survey", "other"]})
    assert "Say what other way people took part" in response.text
    assert 'href="#other_method"' in response.text
    assert the_record(db) is None


def test_a_stale_save_shows_both_versions_and_keeps_the_words(app: FastAPI,
                                                              client: TestClient,
                                                              db: Session, url: str) -> None:
    first = client.get(url)
    client.post(url, data={**fields(first.text), **FULL})
    mine = client.get(url)
    with checked_client(app) as other:
        login(other, "owner@example.org")
        theirs = other.get(url)
        saved = other.post(url, data={**fields(theirs.text), **FULL,
                                      "what_people_said": "Words from the owner."},
                           follow_redirects=True)
        assert "Saved who took part and how." in saved.text
    second = client.post(url, data={**fields(mine.text), **FULL,
                                    "what_people_said": "Words from the editor, not lost."})
    assert second.status_code == 409
    assert "<title>Error: Who took part" in second.text
    assert "Someone else saved this record while you were working on it" in second.text
    assert "What Olive saved" in second.text
    assert "Words from the owner." in second.text
    assert "Words from the editor, not lost." in second.text
    assert 'name="version" value="2"' in second.text
    record = the_record(db)
    assert record is not None
    assert (record.what_people_said, record.version) == ("Words from the owner.", 2)
    merged = client.post(url, data={**fields(second.text), **FULL,
                                    "what_people_said": "Both, merged."},
                         follow_redirects=True)
    assert "Saved who took part and how." in merged.text
    record = the_record(db)
    assert record is not None and (record.what_people_said, record.version) == (
        "Both, merged.", 3)


def test_two_first_saves_do_not_overwrite_each_other(app: FastAPI, client: TestClient,
                                                     db: Session, url: str) -> None:
    mine = client.get(url)
    with checked_client(app) as other:
        login(other, "owner@example.org")
        theirs = other.get(url)
        other.post(url, data={**fields(theirs.text), **FULL, "what_people_said": "First."})
    second = client.post(url, data={**fields(mine.text), **FULL,
                                    "what_people_said": "Second, kept."})
    assert second.status_code == 409
    assert "First." in second.text and "Second, kept." in second.text
    record = the_record(db)
    assert record is not None and record.what_people_said == "First."


def test_a_viewer_reads_but_cannot_save(client: TestClient, db: Session, url: str) -> None:
    page = client.get(url)
    client.post(url, data={**fields(page.text), **FULL})
    client.cookies.clear()
    login(client, "viewer@example.org")
    page = client.get(url)
    assert page.status_code == 200
    assert "It felt like our meeting, not theirs.<br>More time next time." in page.text
    assert "Workshops or meetings" in page.text and 'name="version"' not in page.text
    refused = client.post(url, data={"csrf_token": csrf_token(client, url), "version": "1",
                                     **FULL, "staff": "99"})
    assert refused.status_code == 403
    record = the_record(db)
    assert record is not None and record.staff == 3


def test_complete_needs_people_a_way_and_their_words() -> None:
    assert not co_production_complete(None)
    whole = CoProduction(assessment_id=1, family_carers=2, methods=["survey"],
                         what_people_said="Good.")
    assert co_production_complete(whole)
    assert not co_production_complete(CoProduction(assessment_id=1, staff=5,
                                                    methods=["survey"],
                                                    what_people_said="Good."))
    assert not co_production_complete(CoProduction(assessment_id=1, people_using_support=1,
                                                   what_people_said="Good."))
    assert not co_production_complete(CoProduction(assessment_id=1, people_using_support=1,
                                                   methods=["online"],
                                                   what_people_said="  "))


def test_empty_count_boxes_start_empty(client: TestClient, url: str) -> None:
    """The hint says to leave a box empty when nobody from that group took part: the form
    must not type a 0 into it for the person."""
    page = client.get(url).text
    for field in ("people_using_support", "family_carers", "staff", "partner_organisations"):
        box = re.search(rf'<input[^>]*name="{field}"[^>]*>', page)
        assert box and 'value="0"' not in box.group(0), field
