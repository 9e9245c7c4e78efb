"""Starting cycles, rating markers without JavaScript and with htmx, and no lost updates."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.assessments.models import Assessment, Rating
from app.audit.models import AuditEvent
from app.frameworks import load_catalogue
from app.templating import EASY_READ_COOKIE
from tests.conftest import MARKERS_DIR, checked_client
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


def start(client: TestClient, name: str = "Spring 2026", carry_over: bool = False) -> int:
    data = {"csrf_token": csrf_token(client, BASE), "framework": "making-it-real-2018",
            "name": name}
    if carry_over:
        data["carry_over"] = "true"
    response = client.post(BASE, data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def form_fields(html: str) -> dict[str, str]:
    return {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1),  # type: ignore[union-attr]
            "version": re.search(r'name="version" value="(\d+)"', html).group(1)}  # type: ignore[union-attr]


def test_start_a_cycle_makes_a_rating_per_marker(client: TestClient, db: Session,
                                                 team: None) -> None:
    login(client, "editor@example.org")
    assessment_id = start(client)
    ratings = db.exec(select(Rating).where(Rating.assessment_id == assessment_id)).all()
    assert len(ratings) == 32
    page = client.get(f"{BASE}/{assessment_id}/themes/information-and-advice")
    assert page.status_code == 200
    assert page.text.count("Not rated yet") == 5


def test_start_needs_a_name_and_a_signed_up_framework(client: TestClient, team: None) -> None:
    login(client, "editor@example.org")
    page = client.post(BASE, data={"csrf_token": csrf_token(client, BASE),
                                   "framework": "making-it-real-2012", "name": ""})
    assert "Enter a name for this assessment, like Spring 2026" in page.text
    page = client.post(BASE, data={"csrf_token": csrf_token(client, BASE),
                                   "framework": "making-it-real-2012", "name": "X"})
    assert "Choose a framework your organisation has signed up to" in page.text


def test_warning_signs_are_listed_once_on_a_marker_page(client: TestClient, db: Session,
                                                        team: None) -> None:
    """An editor ticks the warning signs in the form: the help beside it does not list them
    again; a viewer, who has no form, still reads them in the help."""
    login(client, "editor@example.org")
    assessment_id = start(client)
    flag = "People fit around staff rotas"
    page = client.get(f"{BASE}/{assessment_id}/markers/WI1").text
    assert "Warning signs you have seen" in page and flag in page
    assert ">Warning signs</h2>" not in page


def test_warning_signs_in_easy_read_are_saved_in_standard_words(client: TestClient, db: Session,
                                                                team: None) -> None:
    """In Easy Read the boxes and the help read in Easy Read; what is ticked is saved (and
    so published) in the framework's standard words, whichever wording the editor saw."""
    login(client, "editor@example.org")
    assessment_id = start(client)
    framework = load_catalogue(MARKERS_DIR).get("making-it-real-2018")
    marker = framework.marker("WI1") if framework else None
    assert marker is not None
    client.cookies.set(EASY_READ_COOKIE, "1")
    url = f"{BASE}/{assessment_id}/markers/WI1"
    page = client.get(url).text
    standard, easy = marker.red_flags[1], marker.red_flags_easy_read[1]
    assert easy in page and f'value="{standard}"' in page
    assert page.count(standard) == 1  # only as the box's value
    assert marker.prompts_easy_read[0] in page and marker.prompts[0] not in page
    assert f"will do:</strong> {marker.we_statement_easy_read}" in page
    client.post(url, data={**form_fields(page), "level": "getting_started",
                           "red_flags": standard}, follow_redirects=True)
    rating = db.exec(select(Rating).where(Rating.assessment_id == assessment_id,
                                          Rating.marker_code == "WI1")).one()
    assert rating.red_flags == [standard]
    client.cookies.set(EASY_READ_COOKIE, "0")
    page = client.get(url).text
    assert page.count(standard) == 2  # the box's value and its label
    assert easy not in page and marker.prompts[0] in page


def test_rate_a_marker_without_javascript(client: TestClient, db: Session, team: None) -> None:
    login(client, "editor@example.org")
    assessment_id = start(client)
    url = f"{BASE}/{assessment_id}/markers/IA1"
    page = client.get(url)
    assert "Where are you now?" in page.text and "Questions to ask" in page.text
    saved = client.post(url, data={**form_fields(page.text), "level": "making_progress",
                                   "working": "People *like* the new leaflet.",
                                   "needs_change": "Easy Read versions."},
                        follow_redirects=True)
    assert "Saved IA1 at" in saved.text
    assert "People *like* the new leaflet." in saved.text  # kept in the form
    rating = db.exec(select(Rating).where(Rating.assessment_id == assessment_id,
                                          Rating.marker_code == "IA1")).one()
    assert (rating.level, rating.version) == ("making_progress", 2)
    theme = client.get(f"{BASE}/{assessment_id}/themes/information-and-advice")
    assert "Making progress" in theme.text
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "rating.save")).first()


def test_rate_with_htmx_returns_the_form_with_saved_time(client: TestClient,
                                                         team: None) -> None:
    login(client, "editor@example.org")
    assessment_id = start(client)
    url = f"{BASE}/{assessment_id}/markers/IA2"
    page = client.get(url)
    fields = form_fields(page.text)
    response = client.post(url, data={"version": fields["version"], "level": "real"},
                           headers={"HX-Request": "true", "X-CSRF-Token": fields["csrf_token"]})
    assert response.status_code == 200
    # "Saved at" goes out of band into the page's one lasting live region, so it is read out.
    assert 'id="rating-status" class="mir-rating-status" role="status"' in page.text
    assert re.search(r'<div id="rating-status" hx-swap-oob="innerHTML">'
                     r'<p [^>]*>Saved at \d\d:\d\d</p>', response.text)
    assert "<html" not in response.text  # only the form block
    assert 'name="version" value="2"' in response.text
    # htmx gives focus back to the element with the id that had it: the Save button.
    assert 'id="save-rating"' in page.text and 'id="save-rating"' in response.text


def test_not_applicable_needs_a_reason(client: TestClient, team: None) -> None:
    login(client, "editor@example.org")
    assessment_id = start(client)
    url = f"{BASE}/{assessment_id}/markers/WI2"
    page = client.get(url)
    response = client.post(url, data={**form_fields(page.text), "level": "not_applicable",
                                      "working": "Keep this text"})
    assert "Say why this marker does not apply to you" in response.text
    assert 'href="#not_applicable_reason"' in response.text
    assert "Keep this text" in response.text


def test_second_save_from_a_stale_form_shows_both_versions(app: FastAPI, client: TestClient,
                                                           db: Session, team: None) -> None:
    login(client, "editor@example.org")
    assessment_id = start(client)
    url = f"{BASE}/{assessment_id}/markers/AC1"
    with checked_client(app) as other:
        login(other, "owner@example.org")
        mine, theirs = client.get(url), other.get(url)
        first = other.post(url, data={**form_fields(theirs.text), "level": "real",
                                      "working": "Words from the owner about friends."})
        assert first.status_code == 200
        second = client.post(url, data={**form_fields(mine.text), "level": "getting_started",
                                         "working": "Words from the editor, not lost."})
    assert second.status_code == 409
    assert "<title>Error: AC1: " in second.text
    assert "Someone else saved this marker while you were working on it" in second.text
    assert "Words from the owner about friends." in second.text
    assert "Words from the editor, not lost." in second.text
    assert 'name="version" value="2"' in second.text
    rating = db.exec(select(Rating).where(Rating.assessment_id == assessment_id,
                                          Rating.marker_code == "AC1")).one()
    assert (rating.level, rating.working) == ("real", "Words from the owner about friends.")
    merged = client.post(url, data={**form_fields(second.text), "level": "making_progress",
                                    "working": "Both, merged."}, follow_redirects=True)
    assert "Saved AC1 at" in merged.text
    db.expire_all()
    assert db.get(Rating, rating.id).working == "Both, merged."  # type: ignore[union-attr]


def test_next_cycle_carries_over_until_saved(client: TestClient, db: Session,
                                             team: None) -> None:
    login(client, "editor@example.org")
    first = start(client, "Spring 2026")
    url = f"{BASE}/{first}/markers/FI1"
    page = client.get(url)
    client.post(url, data={**form_fields(page.text), "level": "making_progress",
                           "working": "We plan together."})
    second = start(client, "Autumn 2026", carry_over=True)
    page = client.get(f"{BASE}/{second}/markers/FI1")
    assert "Carried over from your last assessment" in page.text
    assert "We plan together." in page.text
    client.post(f"{BASE}/{second}/markers/FI1", data={**form_fields(page.text),
                                                      "level": "real", "working": "Better."})
    assert "Carried over" not in client.get(f"{BASE}/{second}/markers/FI1").text
    untouched = db.exec(select(Rating).where(Rating.assessment_id == second,
                                             Rating.marker_code == "FI2")).one()
    assert not untouched.carried_over  # it had nothing to carry
    assert db.exec(select(Assessment).where(Assessment.id == second)).one().previous_id == first


def test_viewer_reads_but_cannot_save(client: TestClient, team: None, db: Session) -> None:
    login(client, "editor@example.org")
    assessment_id = start(client)
    client.cookies.clear()
    login(client, "viewer@example.org")
    url = f"{BASE}/{assessment_id}/markers/IA1"
    page = client.get(url)
    assert page.status_code == 200 and "Save this marker" not in page.text
    refused = client.post(url, data={"csrf_token": csrf_token(client, url), "version": "1",
                                     "level": "real"})
    assert refused.status_code == 403


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>",
                                     '<img src=x onerror="alert(1)">',
                                     "[click](javascript:alert(1))"])
def test_markdown_is_rendered_inert(client: TestClient, team: None, payload: str) -> None:
    login(client, "editor@example.org")
    assessment_id = start(client)
    url = f"{BASE}/{assessment_id}/markers/IA1"
    page = client.get(url)
    client.post(url, data={**form_fields(page.text), "working": payload})
    client.cookies.clear()
    login(client, "viewer@example.org")
    html = client.get(url).text
    assert "<script>alert" not in html
    assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", "") \
        or "&lt;img" in html
    assert 'href="javascript:' not in html
