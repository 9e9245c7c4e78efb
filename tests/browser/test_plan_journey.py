"""From a finished assessment to a published plan, in a real browser, with JavaScript on and
off, on each database engine, with axe-core on every page: an owner chooses priorities (one
error first), writes the action plan (one error first), reorders it, previews and publishes
it, checks it is public, downloads the four exports, and publishes a progress report."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session

from app.clock import today
from app.config import Settings
from app.db import engine_for
from app.exports.service import CSV_COLUMNS
from tests.browser.helpers import CATALOGUE, JourneyBrowser, flash, heading, log_in, submit
from tests.factories import (
    PASSWORD,
    make_commitment,
    make_finished_assessment,
    make_organisation,
    make_user,
)

pytestmark = pytest.mark.browser

FRAMEWORK = CATALOGUE.get("making-it-real-2012")
assert FRAMEWORK is not None
ORG_NAME = "Wigan Together"
SLUG = "wigan-together"
OWNER = "olive@example.org"
REASONS = {"IA1": "Members told us the leaflets are hard to follow.",
           "AC2": "People wait too long for a first answer.",
           "WF3": "Carers asked for one named contact."}
LEAFLET = "Rewrite the leaflet with members"
LEAFLET_WHAT = "Plain words and big print, tested with five members."
TRAINING = "Train the front door team"
UPDATE = "The first workshop on the leaflet was held with eight members."


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _marker(page: Page, code: str) -> Locator:
    """The checkbox of a marker (its label starts with the code)."""
    return page.get_by_role("checkbox", name=re.compile(rf"^{code}: "))


def _move(page: Page, direction: str, title: str) -> Locator:
    """The "Move up" or "Move down" button of an action (its title is visually hidden)."""
    return page.get_by_role("button", name=re.compile(rf"^Move {direction}\W+{re.escape(title)}$"))


def _fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def _action_titles(page: Page) -> list[str]:
    return page.locator("#action-list .mir-action h2").all_inner_texts()


def _download(page: Page, link_text: str, tmp_path: Path) -> tuple[str, bytes]:
    """Click the download link; the file's suggested name and its bytes."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_text).click()
    download = info.value
    assert download.failure() is None, download.failure()
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return download.suggested_filename, target.read_bytes()


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


def _check_exports(page: Page, tmp_path: Path, *, titles: list[str]) -> dict[str, bytes]:
    """Download all four files from the action plan page and check each is what it says."""
    stem = f"{SLUG}-action-plan-{today().isoformat()}"
    files: dict[str, bytes] = {}
    for extension, link in (("pdf", "PDF, for printing and sharing"),
                            ("docx", "Word document (DOCX), to copy into a report"),
                            ("csv", "Spreadsheet (CSV), one row per action"),
                            ("json", "Open data (JSON)")):
        name, content = _download(page, link, tmp_path / extension)
        assert name == f"{stem}.{extension}"
        assert content, f"the {extension} download is empty"
        files[extension] = content
    assert files["pdf"].startswith(b"%PDF-")
    with zipfile.ZipFile(io.BytesIO(files["docx"])) as docx:
        assert "word/document.xml" in docx.namelist()
        document = docx.read("word/document.xml").decode("utf-8")
        assert all(title in document for title in titles)
    rows = _csv_rows(files["csv"])
    assert [row["action"] for row in rows] == titles
    assert {row["organisation"] for row in rows} == {ORG_NAME}
    body = json.loads(files["json"])
    assert body["organisation"]["slug"] == SLUG
    assert [action["title"] for action in body["actions"]] == titles
    return files


def test_plan_journey(live_server: str, settings: Settings, journey: JourneyBrowser,
                      tmp_path: Path) -> None:
    assert FRAMEWORK is not None
    with Session(engine_for(settings.database_url)) as db:
        owner = make_user(db, email=OWNER, name="Olive Owner")
        organisation = make_organisation(db, owner=owner, name=ORG_NAME, slug=SLUG,
                                         kind="council")
        make_commitment(db, organisation, framework_id=FRAMEWORK.id)
        assessment = make_finished_assessment(db, organisation, owner, FRAMEWORK)
        db.commit()
        assessment_url = f"{live_server}/manage/{SLUG}/assessments/{assessment.id}"
    plan_url = f"{live_server}/manage/{SLUG}/plans/{FRAMEWORK.id}"
    check = journey.check_axe
    now = today()
    due = now + timedelta(days=365)
    overdue = now - timedelta(days=30)

    # The finished assessment ---------------------------------------------------------------
    page = journey.new_page()
    log_in(page, live_server, OWNER, PASSWORD)
    page.get_by_role("link", name=ORG_NAME, exact=True).click()
    page.get_by_role("navigation", name=ORG_NAME).get_by_role("link", name="Assessments") \
        .click()
    page.get_by_role("link", name="Spring 2026", exact=True).click()
    expect(page).to_have_url(assessment_url)
    expect(heading(page)).to_have_text("Spring 2026")
    expect(page.locator("#main-content")).to_contain_text("Every marker has a level.")
    check(page, "assessment overview")

    # Priorities: too few first, then three, each with why ----------------------------------
    page.get_by_role("link", name=re.compile(r"^Then choose your priorities")).click()
    expect(page).to_have_url(f"{assessment_url}/priorities")
    expect(heading(page)).to_have_text("Choose your priorities")
    check(page, "priorities")
    _marker(page, "IA1").check()
    page.get_by_label("Why is IA1 a priority?").fill(REASONS["IA1"])
    submit(page, "Save the priorities")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        "Choose at least 3 priorities; you chose 1")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#priority")
    expect(_marker(page, "IA1")).to_be_checked()
    expect(page.get_by_label("Why is IA1 a priority?")).to_have_value(REASONS["IA1"])
    check(page, "priorities, with an error")
    summary.get_by_role("link").click()
    expect(_marker(page, "IA1")).to_be_focused()
    for code in ("AC2", "WF3"):
        _marker(page, code).check()
        page.get_by_label(f"Why is {code} a priority?").fill(REASONS[code])
    submit(page, "Save the priorities")
    expect(page).to_have_url(plan_url)
    expect(flash(page)).to_contain_text("You have chosen 3 priorities.")
    expect(heading(page)).to_have_text("Action plan")
    expect(page.locator("#action-list")).to_contain_text("No actions yet.")
    check(page, "action plan, empty")

    # An action: an impossible date first; nothing typed is lost -----------------------------
    page.get_by_label("Title", exact=True).fill(LEAFLET)
    page.get_by_label("What you will do").fill(LEAFLET_WHAT)
    _marker(page, "IA1").check()
    page.get_by_label("Who leads it").fill("Head of Adult Social Care")
    _fill_date(page, "When is it due by? (optional)", "31", "2", str(due.year))
    page.get_by_label("In progress", exact=True).check()
    submit(page, "Add the action")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        "The date it is due by must be a real date, like 31 3 2027")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#due_on-day")
    expect(page.locator("#due_on-error")).to_contain_text("must be a real date")
    expect(page.get_by_label("Title", exact=True)).to_have_value(LEAFLET)
    expect(page.get_by_label("What you will do")).to_have_value(LEAFLET_WHAT)
    expect(_marker(page, "IA1")).to_be_checked()
    expect(page.get_by_label("Who leads it")).to_have_value("Head of Adult Social Care")
    expect(page.locator("#due_on-day")).to_have_value("31")
    expect(page.locator("#due_on-month")).to_have_value("2")
    expect(page.locator("#due_on-year")).to_have_value(str(due.year))
    expect(page.get_by_label("In progress", exact=True)).to_be_checked()
    check(page, "action form, with an error")
    summary.get_by_role("link").click()
    expect(page.locator("#due_on-day")).to_be_focused()

    _fill_date(page, "When is it due by? (optional)", str(due.day), str(due.month),
               str(due.year))
    submit(page, "Add the action")
    expect(page).to_have_url(plan_url)
    expect(flash(page)).to_contain_text(f"Added the action “{LEAFLET}”.")
    page.get_by_label("Title", exact=True).fill(TRAINING)
    page.get_by_label("Who leads it").fill("Front door manager")
    _fill_date(page, "When is it due by? (optional)", str(overdue.day), str(overdue.month),
               str(overdue.year))
    submit(page, "Add the action")
    expect(flash(page)).to_contain_text(f"Added the action “{TRAINING}”.")
    assert _action_titles(page) == [LEAFLET, TRAINING]
    training = page.locator(".mir-action").filter(has_text=TRAINING)
    expect(training).to_contain_text("Overdue")
    expect(page.locator(".mir-action").filter(has_text=LEAFLET)).to_contain_text(
        f"In progress Due by {_long(due)}. Led by Head of Adult Social Care. Markers: IA1.")
    check(page, "action plan, two actions")

    # Reorder: with JavaScript htmx swaps the list in place; without, the page reloads.
    if journey.js:
        page.evaluate("() => { window.mirSamePage = true }")
    _move(page, "up", TRAINING).click()
    expect(page.locator("#action-list .mir-action").first).to_contain_text(TRAINING)
    assert _action_titles(page) == [TRAINING, LEAFLET]
    if journey.js:
        assert page.evaluate("() => window.mirSamePage === true"), "the page reloaded"
        expect(page.locator("#action-list [role=status]")).to_have_text("Moved.")
        expect(_move(page, "down", TRAINING)).to_be_focused()
        expect(page).to_have_url(plan_url)
    else:
        expect(page).to_have_url(re.compile(re.escape(plan_url) + r"#action-\d+$"))
    check(page, "action plan, reordered")

    # One action on a page of its own.
    page.get_by_role("link", name=LEAFLET, exact=True).click()
    expect(heading(page)).to_have_text(LEAFLET)
    expect(page.get_by_label("What you will do")).to_have_value(LEAFLET_WHAT)
    check(page, "action")

    # Preview, then publish ------------------------------------------------------------------
    page.get_by_role("link", name="Action plan", exact=True).click()
    page.get_by_role("link", name="Preview and publish").click()
    expect(page).to_have_url(f"{plan_url}/publish")
    expect(heading(page)).to_have_text("Preview and publish")
    checklist = page.locator(".mir-checklist li")
    expect(checklist).to_have_count(3)
    expect(checklist.filter(has_text="To do")).to_have_count(0)
    preview = page.locator(".mir-preview")
    expect(preview).to_contain_text(REASONS["WF3"])
    expect(preview).to_contain_text(LEAFLET)
    expect(preview).to_contain_text("12 people who use support")
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "Once published it cannot be changed")
    check(page, "preview and publish")
    page.get_by_label("Anything to add about this plan? (optional)").fill(
        "Agreed with members at the November meeting.")
    submit(page, "Publish now")
    publication_url = f"{live_server}/organisations/{SLUG}/publications/1"
    expect(page).to_have_url(publication_url)
    expect(flash(page)).to_contain_text("Published as publication number 1. It is now public.")
    expect(heading(page)).to_have_text(f"Action plan, published {_long(now)}")
    main = page.locator("#main-content")
    for text in (*REASONS.values(), LEAFLET, TRAINING, "Agreed with members at the November",
                 "12 people who use support", "What is working on PB4"):
        expect(main).to_contain_text(text)
    expect(page.get_by_role("row", name=re.compile(TRAINING))).to_contain_text("(overdue)")
    check(page, "publication")

    # Anyone, without an account, sees it on the organisation's public profile.
    public = journey.new_page()
    public.goto(f"{live_server}/organisations/{SLUG}")
    expect(heading(public)).to_have_text(ORG_NAME)
    expect(public.locator(".mir-commitment")).to_contain_text("Plan published")
    expect(public.get_by_role("heading", name=re.compile(r"^Latest publication"))) \
        .to_have_text(f"Latest publication: action plan, {_long(now)}")
    for text in (REASONS["AC2"], LEAFLET, TRAINING):
        expect(public.locator("#main-content")).to_contain_text(text)
    expect(public.get_by_role("link", name=re.compile(r"^Action plan 1, published"))) \
        .to_have_attribute("href", f"/organisations/{SLUG}/publications/1")
    check(public, "public profile")

    # The owner downloads the four exports ---------------------------------------------------
    page.get_by_role("link", name=ORG_NAME, exact=True).click()  # the breadcrumb
    page.get_by_role("link", name="Download the action plan").click()
    expect(page).to_have_url(f"{live_server}/organisations/{SLUG}/action-plan")
    expect(heading(page)).to_have_text(f"{FRAMEWORK.title} action plan")
    check(page, "action plan exports")
    files = _check_exports(page, tmp_path / "plan", titles=[TRAINING, LEAFLET])
    assert all(row["latest_update"] == "" for row in _csv_rows(files["csv"]))
    assert json.loads(files["json"])["progress"] is None

    # A progress report ----------------------------------------------------------------------
    page.goto(plan_url)
    page.get_by_role("link", name=TRAINING, exact=True).click()
    expect(heading(page)).to_have_text(TRAINING)
    expect(page.locator("#main-content")).to_contain_text(f"It was due by {_long(overdue)}.")
    page.get_by_label("Done", exact=True).check()
    submit(page, "Save the action")
    expect(flash(page)).to_contain_text(f"Saved the action “{TRAINING}”.")
    page.get_by_role("link", name=LEAFLET, exact=True).click()
    page.get_by_label("What has happened?").fill(UPDATE)
    submit(page, "Add the update")
    expect(flash(page)).to_contain_text("Progress update added.")
    expect(page.locator("#main-content")).to_contain_text(f"{_long(now)}: {UPDATE}")
    check(page, "action with an update")

    page.get_by_role("link", name="Action plan", exact=True).click()
    page.get_by_role("link", name="Preview and publish").click()
    # A plan is out: the page offers a progress report, not a second plan.
    expect(page.get_by_label("Progress report", exact=True)).to_be_checked()
    expect(page).to_have_url(f"{plan_url}/publish")
    expect(page.locator(".mir-preview")).to_contain_text(UPDATE)
    check(page, "preview a progress report")
    submit(page, "Publish now")
    expect(page).to_have_url(f"{live_server}/organisations/{SLUG}/publications/2")
    expect(heading(page)).to_have_text(f"Progress report, published {_long(now)}")
    expect(page.locator("#main-content")).to_contain_text(UPDATE)
    expect(page.get_by_role("row", name=re.compile(TRAINING))).to_contain_text("Done")
    check(page, "progress report")

    page.goto(f"{live_server}/organisations/{SLUG}/action-plan")
    expect(page.get_by_role("definition").filter(has_text="Publication 2")).to_be_visible()
    files = _check_exports(page, tmp_path / "progress", titles=[TRAINING, LEAFLET])
    rows = {row["action"]: row for row in _csv_rows(files["csv"])}
    assert rows[LEAFLET]["latest_update"] == UPDATE
    assert rows[TRAINING]["status"] == "Done"
    assert json.loads(files["json"])["progress"]["number"] == 2
    public.reload()
    expect(public.locator(".mir-commitment")).to_contain_text("Progress reported")

    assert journey.axe_checks == 15
    journey.assert_accessible()
    if journey.js:
        journey.assert_no_console_errors()
