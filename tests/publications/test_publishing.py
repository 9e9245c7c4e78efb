"""From a finished assessment to a published plan; drafts never leak; publications stay."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.assessments.models import CoProduction, Evidence, Rating
from app.db import engine_for
from app.publications.models import Publication
from tests.conftest import checked_client
from tests.exports.test_exports import pdf_text, squashed
from tests.factories import (
    add_member,
    csrf_token,
    login,
    make_commitment,
    make_organisation,
    make_user,
)

ORG = "/manage/plan-org"
PLAN = f"{ORG}/plans/making-it-real-2018"
SECRET = "DRAFT-SECRET-7f3a9"


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


def post(client: TestClient, path: str, data: dict[str, object], page: str | None = None,
         **kwargs: object) -> object:
    return client.post(path, data={"csrf_token": csrf_token(client, page or path), **data},
                       **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def ready(client: TestClient, db: Session) -> int:
    """An organisation with a rated assessment, a co-production record, logged in as owner."""
    owner = make_user(db, email="owner@example.org")
    organisation = make_organisation(db, owner=owner, name="Plan Org")
    add_member(db, organisation, make_user(db, email="editor@example.org"), "editor")
    make_commitment(db, organisation)
    db.commit()
    login(client, "owner@example.org")
    response = post(client, f"{ORG}/assessments", {"framework": "making-it-real-2018",
                                                   "name": "Spring 2026"},
                    follow_redirects=False)
    assessment_id = int(response.headers["location"].rsplit("/", 1)[1])  # type: ignore[attr-defined]
    for rating in db.exec(select(Rating).where(Rating.assessment_id == assessment_id)):
        rating.level, rating.working = "making_progress", f"Public words on {rating.marker_code}"
        db.add(rating)
    db.add(CoProduction(assessment_id=assessment_id, people_using_support=12, family_carers=3,
                        staff=4, partner_organisations=1, methods=["workshops", "survey"],
                        what_people_said="People said the workshops felt like being heard."))
    db.commit()
    return assessment_id


def choose_priorities(client: TestClient, assessment_id: int, codes: list[str]) -> object:
    url = f"{ORG}/assessments/{assessment_id}/priorities"
    data: dict[str, object] = {"priority": codes}
    data.update({f"why-{code}": f"Because {code} matters to members" for code in codes})
    return post(client, url, data, url)


def add_action(client: TestClient, title: str, **extra: str) -> object:
    return post(client, f"{PLAN}/actions", {"title": title, "status": "planned", **extra},
                PLAN)


def test_priorities_need_the_minimum_and_a_reason(client: TestClient, ready: int) -> None:
    page = choose_priorities(client, ready, ["IA1"])
    assert "Choose at least 3 priorities; you chose 1" in page.text  # type: ignore[attr-defined]
    url = f"{ORG}/assessments/{ready}/priorities"
    page = post(client, url, {"priority": ["IA1", "IA2", "IA3"], "why-IA1": "Kept reason"}, url)
    assert "Say why IA2 is a priority" in page.text  # type: ignore[attr-defined]
    assert "Kept reason" in page.text  # type: ignore[attr-defined]


def test_action_plan_add_reorder_and_overdue(client: TestClient, ready: int) -> None:
    bad = add_action(client, "", **{"due_on-day": "31", "due_on-month": "2",
                                    "due_on-year": "2027"})
    assert "Enter a short title for the action" in bad.text  # type: ignore[attr-defined]
    assert "must be a real date" in bad.text  # type: ignore[attr-defined]
    add_action(client, "Rewrite the leaflet", **{"due_on-day": "1", "due_on-month": "1",
                                                 "due_on-year": "2020"})
    add_action(client, "Train the front door team")
    plan = client.get(PLAN).text
    assert "Overdue" in plan
    assert plan.index("Rewrite the leaflet") < plan.index("Train the front door team")
    second = re.search(r'id="move-up-(\d+)"', plan).group(1)  # type: ignore[union-attr]
    post(client, f"{PLAN}/actions/{second}/move", {"direction": "up"}, PLAN)
    plan = client.get(PLAN).text
    assert plan.index("Train the front door team") < plan.index("Rewrite the leaflet")


def test_move_with_htmx_returns_the_list(client: TestClient, ready: int) -> None:
    add_action(client, "First")
    add_action(client, "Second")
    plan = client.get(PLAN).text
    second = re.search(r'id="move-up-(\d+)"', plan).group(1)  # type: ignore[union-attr]
    response = client.post(f"{PLAN}/actions/{second}/move", data={"direction": "up"},
                           headers={"HX-Request": "true",
                                    "X-CSRF-Token": csrf_token(client, PLAN)})
    assert response.status_code == 200 and "<html" not in response.text
    assert response.text.index("Second") < response.text.index("First")


def test_moving_an_action_not_in_the_plan_is_page_not_found(client: TestClient,
                                                          ready: int) -> None:
    # The plans service refuses (a DomainError with status 404); no route catches it.
    response = client.post(f"{PLAN}/actions/999999/move", data={"direction": "up"},
                           headers={"X-CSRF-Token": csrf_token(client, PLAN)})
    assert response.status_code == 404
    assert "There is no such action in this plan." in response.text


def test_publish_blocked_until_ready_then_public(client: TestClient, db: Session,
                                                 ready: int) -> None:
    page = client.get(f"{PLAN}/publish").text
    assert "At least 3 priorities are chosen (0 so far)" in page
    assert "Publish now" not in page
    choose_priorities(client, ready, ["IA1", "AC2", "WF3"])
    add_action(client, "Rewrite the leaflet", owner="Head of Adult Social Care")
    page = client.get(f"{PLAN}/publish").text
    assert "Publish now" in page and "Rewrite the leaflet" in page  # the preview
    done = post(client, f"{PLAN}/publish", {"kind": "plan"}, f"{PLAN}/publish",
                follow_redirects=True)
    html = done.text  # type: ignore[attr-defined]
    assert "Action plan, published" in html and "Rewrite the leaflet" in html
    assert "Because AC2 matters to members" in html
    assert "12 people who use support" in html
    profile = client.get("/organisations/plan-org").text
    assert "Plan published" in profile and "Rewrite the leaflet" in profile
    assert db.exec(select(Publication)).one().number == 1


def test_viewer_and_editor_cannot_publish(client: TestClient, ready: int) -> None:
    client.cookies.clear()
    login(client, "editor@example.org")
    response = post(client, f"{PLAN}/publish", {"kind": "plan"}, f"{PLAN}/publish")
    assert response.status_code == 403  # type: ignore[attr-defined]


def publish_plan(client: TestClient, ready: int, **extra: str) -> None:
    choose_priorities(client, ready, ["IA1", "AC2", "WF3"])
    add_action(client, "Rewrite the leaflet")
    response = post(client, f"{PLAN}/publish", {"kind": "plan", **extra}, f"{PLAN}/publish",
                    follow_redirects=False)
    assert response.status_code == 303  # type: ignore[attr-defined]


def test_publications_never_change_after_later_edits(app: FastAPI, client: TestClient,
                                                     db: Session, ready: int) -> None:
    publish_plan(client, ready)
    public = checked_client(app)
    pages = ["/organisations/plan-org/publications/1"]
    client_pages = {path: public.get(path).content for path in pages}
    for rating in db.exec(select(Rating).where(Rating.assessment_id == ready)):
        rating.level, rating.working = "real", "Edited after publishing"
        db.add(rating)
    db.commit()
    add_action(client, "A later action")
    for path, before in client_pages.items():
        assert public.get(path).content == before


def test_correction_needs_a_what_changed_note_and_is_a_new_number(
        client: TestClient, db: Session, ready: int) -> None:
    publish_plan(client, ready)
    page = post(client, f"{PLAN}/publish", {"kind": "correction"},
                f"{PLAN}/publish?kind=correction")
    assert "Say what changed since the last publication" in page.text  # type: ignore[attr-defined]
    post(client, f"{PLAN}/publish", {"kind": "correction", "what_changed": "Fixed a date."},
         f"{PLAN}/publish?kind=correction")
    numbers = sorted(p.number for p in db.exec(select(Publication)))
    assert numbers == [1, 2]
    changes = client.get("/organisations/plan-org/changes?earlier=1&later=2")
    assert changes.status_code == 200


def test_progress_report_shows_updates_since_the_plan(client: TestClient, db: Session,
                                                      ready: int) -> None:
    publish_plan(client, ready)
    plan = client.get(PLAN).text
    action_id = re.search(r'/actions/(\d+)"', plan).group(1)  # type: ignore[union-attr]
    url = f"{PLAN}/actions/{action_id}"
    page = client.get(url).text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    post(client, url, {"title": "Rewrite the leaflet", "status": "in_progress",
                       "version": version}, url)
    from datetime import timedelta

    from app.clock import today

    later = today() + timedelta(days=1)
    post(client, f"{url}/updates", {"note": "Draft shared with members.",
                                    "on-day": later.day, "on-month": later.month,
                                    "on-year": later.year}, url)
    done = post(client, f"{PLAN}/publish", {"kind": "progress"},
                f"{PLAN}/publish?kind=progress", follow_redirects=True)
    assert "Progress report, published" in done.text  # type: ignore[attr-defined]
    assert "Draft shared with members." in done.text  # type: ignore[attr-defined]
    assert "In progress" in done.text  # type: ignore[attr-defined]
    # Dates read as words, not ISO strings from the snapshot.
    assert f"<strong>{later.day} {later:%B %Y}</strong>" in done.text  # type: ignore[attr-defined]
    assert f"with progress since {today().day} {today():%B %Y}" in done.text  # type: ignore[attr-defined]
    assert later.isoformat() not in done.text  # type: ignore[attr-defined]
    assert 'href="/organisations/plan-org/action-plan?framework=' in done.text  # type: ignore[attr-defined]
    assert "Progress reported" in client.get("/organisations/plan-org").text


def test_progress_report_keeps_an_update_written_on_the_day_of_the_plan(
        client: TestClient, ready: int) -> None:
    """Updates are "since the last publication" by when they were written, not their date:
    one dated the day the plan was published, written after it, is in the report; one
    already in the plan is not repeated."""
    choose_priorities(client, ready, ["IA1", "AC2", "WF3"])
    add_action(client, "Rewrite the leaflet")
    plan = client.get(PLAN).text
    action_id = re.search(r'/actions/(\d+)"', plan).group(1)  # type: ignore[union-attr]
    url = f"{PLAN}/actions/{action_id}"
    post(client, f"{url}/updates", {"note": "Members asked for big print."}, url)
    post(client, f"{PLAN}/publish", {"kind": "plan"}, f"{PLAN}/publish")
    post(client, f"{url}/updates", {"note": "The first workshop was held."}, url)
    preview = client.get(f"{PLAN}/publish?kind=progress").text
    assert "The first workshop was held." in preview
    assert "Members asked for big print." not in preview
    done = post(client, f"{PLAN}/publish", {"kind": "progress"},
                f"{PLAN}/publish?kind=progress", follow_redirects=True)
    assert "The first workshop was held." in done.text  # type: ignore[attr-defined]
    csv_text = client.get("/organisations/plan-org/action-plan.csv").text
    assert "The first workshop was held." in csv_text


def test_a_date_error_links_to_the_day_box(client: TestClient, ready: int) -> None:
    bad = add_action(client, "Rewrite the leaflet", **{"due_on-day": "31", "due_on-month": "2",
                                                       "due_on-year": "2027"})
    html = bad.text  # type: ignore[attr-defined]
    assert '<a href="#due_on-day">' in html and 'id="due_on-day"' in html


def test_moving_with_htmx_keeps_focus_on_the_moved_action(client: TestClient,
                                                          ready: int) -> None:
    add_action(client, "First")
    add_action(client, "Second")
    plan = client.get(PLAN).text
    second = re.search(r'id="move-up-(\d+)"', plan).group(1)  # type: ignore[union-attr]
    response = client.post(f"{PLAN}/actions/{second}/move", data={"direction": "up"},
                           headers={"HX-Request": "true",
                                    "X-CSRF-Token": csrf_token(client, PLAN)})
    # Now first, it has no "Move up" button: its "Move down" one takes the focus.
    assert re.findall(r'id="(move-\w+-\d+)" autofocus', response.text) == \
        [f"move-down-{second}"]
    assert "autofocus" not in client.get(PLAN).text


def test_stale_action_save_shows_both_versions(client: TestClient, ready: int) -> None:
    add_action(client, "Original title")
    plan = client.get(PLAN).text
    action_id = re.search(r'/actions/(\d+)"', plan).group(1)  # type: ignore[union-attr]
    url = f"{PLAN}/actions/{action_id}"
    post(client, url, {"title": "Their title", "status": "planned", "version": "1"}, url)
    response = post(client, url, {"title": "My title", "status": "done", "version": "1",
                                  "description": "My words"}, url)
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "<title>Error: Their title – action plan" in response.text  # type: ignore[attr-defined]
    assert "Someone else saved this action" in response.text  # type: ignore[attr-defined]
    assert "Their title" in response.text and "My words" in response.text  # type: ignore[attr-defined]


def test_a_plan_may_include_the_view_by_statement(client: TestClient, ready: int) -> None:
    choose_priorities(client, ready, ["IA1", "AC2", "WF3"])
    add_action(client, "Rewrite the leaflet")
    page = client.get(f"{PLAN}/publish").text
    assert "Yes, read by CQC assessment of local authorities quality statement" in page
    assert 'id="by-statement"' not in page
    page = client.get(f"{PLAN}/publish?kind=plan&by_statement=cqc-local-authority").text
    assert 'id="by-statement"' in page  # the preview shows it
    assert '<input type="hidden" name="by_statement" value="cqc-local-authority">' in page
    post(client, f"{PLAN}/publish", {"kind": "plan"}, f"{PLAN}/publish")
    assert 'id="by-statement"' not in client.get("/organisations/plan-org/publications/1").text
    post(client, f"{PLAN}/publish", {"kind": "progress", "by_statement": "cqc-local-authority"},
         f"{PLAN}/publish")
    page = client.get("/organisations/plan-org/publications/2").text
    assert 'id="by-statement"' in page and "7. Safeguarding" in page


def test_a_draft_never_leaks(client: TestClient, db: Session, ready: int,
                             tmp_path: Path) -> None:
    """A unique string in every draft field and in private evidence is on no public page,
    nor in a view by quality statement published after it was written."""
    publish_plan(client, ready, by_statement="cqc-local-authority")
    rating = db.exec(select(Rating).where(Rating.assessment_id == ready,
                                          Rating.marker_code == "IA1")).one()
    db.add(Evidence(rating_id=rating.id or 0, kind="note", text=f"{SECRET} private note",
                    publishable=False, category="partners"))
    db.add(Evidence(rating_id=rating.id or 0, kind="quote", text=f"{SECRET} quote",
                    source_kind="family_carer", consent_to_publish=False, publishable=True,
                    category="people_experience"))
    for item in db.exec(select(Rating).where(Rating.assessment_id == ready)):
        item.working = item.needs_change = f"{SECRET} draft words"
        db.add(item)
    db.commit()
    response = post(client, f"{PLAN}/publish", {"kind": "progress",
                                                "by_statement": "cqc-local-authority"},
                    f"{PLAN}/publish", follow_redirects=False)
    assert response.status_code == 303  # type: ignore[attr-defined]
    add_action(client, f"{SECRET} draft action", description=f"{SECRET} description",
               owner=f"{SECRET} owner")
    client.cookies.clear()
    public = ["/", "/organisations/plan-org", "/organisations/plan-org/publications/1",
              "/organisations/plan-org/publications/2", "/organisations/plan-org/changes",
              "/frameworks", "/frameworks/cqc-local-authority",
              "/organisations/plan-org/action-plan", "/organisations/plan-org/action-plan.json",
              "/organisations/plan-org/action-plan.csv"]
    for path in public:
        response = client.get(path)
        assert response.status_code == 200, path
        assert SECRET not in response.text, path
    profile = client.get("/organisations/plan-org").text
    assert "Read by CQC assessment of local authorities quality statement" in profile
    assert "no feedback from partners yet" in profile  # the private note is not counted
    docx = Document(io.BytesIO(client.get("/organisations/plan-org/action-plan.docx").content))
    words = "\n".join(p.text for p in docx.paragraphs)
    assert "Read by CQC assessment of local authorities quality statement" in words
    assert SECRET not in words
    pdf = pdf_text(client.get("/organisations/plan-org/action-plan.pdf").content, tmp_path)
    assert squashed("Read by CQC assessment of local authorities quality statement") \
        in squashed(pdf)
    assert SECRET not in pdf
    by_statement = client.get("/organisations/plan-org/action-plan.json").json()["by_statement"]
    assert by_statement["crosswalk"]["title"] == "CQC assessment of local authorities"
    draft = f"{ORG}/assessments/{ready}/crosswalks/cqc-local-authority"
    for path in (draft, f"{draft}.docx", f"{draft}.pdf"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path  # drafts: members only


@pytest.mark.parametrize(("day", "year"), [("1", "99999999999999999999"), ("1", "10000"),
                                           ("99999999999999999999", "2027")])
def test_a_date_beyond_any_calendar_is_a_form_error(client: TestClient, ready: int,
                                                    day: str, year: str) -> None:
    bad = add_action(client, "Rewrite the leaflet", **{"due_on-day": day, "due_on-month": "1",
                                                       "due_on-year": year})
    assert bad.status_code == 200  # type: ignore[attr-defined]
    assert "must be a real date" in bad.text  # type: ignore[attr-defined]
    assert 'value="Rewrite the leaflet"' in bad.text  # type: ignore[attr-defined]


def _checked_kind(page: str) -> str:
    found = re.search(r'<input[^>]*name="kind"[^>]*value="(\w+)"[^>]*checked', page)
    assert found, "no kind is chosen"
    return found.group(1)


def test_publish_page_offers_progress_once_a_plan_is_out_and_previews_first(
        client: TestClient, db: Session, ready: int) -> None:
    choose_priorities(client, ready, ["IA1", "AC2", "WF3"])
    add_action(client, "Rewrite the leaflet")
    first = client.get(f"{PLAN}/publish").text
    assert _checked_kind(first) == "plan"
    assert "Your first plan: your assessment, your priorities" in first
    assert "What you have done on your actions since you last published" in first
    assert "with a mistake put right" in first
    # The preview comes before the button that cannot be undone.
    assert first.index("exactly what the public will see") < first.index("Publish now")
    assert first.index("Rewrite the leaflet") < first.index("Publish now")
    post(client, f"{PLAN}/publish", {"kind": "plan"}, f"{PLAN}/publish")
    page = client.get(f"{PLAN}/publish").text
    assert _checked_kind(page) == "progress"
    assert 'name="kind" value="progress"' in page  # what "Publish now" sends
    assert "You published your plan on" in page
    assert "You are publishing a <strong>progress report</strong>" in page
    chosen = client.get(f"{PLAN}/publish?kind=correction").text
    assert _checked_kind(chosen) == "correction"


def test_publish_form_kind_must_be_a_real_kind() -> None:
    from app.errors import DomainError
    from app.publications.models import PublicationKind
    from app.publications.service import publication_kind

    assert publication_kind("plan") is PublicationKind.plan
    try:
        publication_kind("poster")
    except DomainError as broken:
        assert broken.field == "kind"
        assert broken.message == "Choose what you are publishing"
    else:
        raise AssertionError("an unknown kind was accepted")
