"""Done means, in a real browser (JavaScript on and off, axe-core on every page, 320 px wide):
a council with a finished assessment opens its view by CQC quality statement, sees it lacks
evidence of people's experience, adds it, downloads the Word file for its information return
and publishes a progress report that shows the view on its public profile."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session

from app.clock import today
from app.config import Settings
from app.db import engine_for
from app.plans.models import Action, Priority
from app.publications import service as publishing
from app.publications.models import PublicationKind
from tests.browser.helpers import CATALOGUE, JourneyBrowser, flash, heading, log_in, submit
from tests.factories import (
    PASSWORD,
    make_commitment,
    make_finished_assessment,
    make_organisation,
    make_user,
)

pytestmark = pytest.mark.browser

FRAMEWORK = CATALOGUE.get("making-it-real-2018")
CROSSWALK = CATALOGUE.crosswalk("cqc-local-authority")
SLUG = "bolton-council"
ORG_NAME = "Bolton Council"
OWNER = "cara@example.org"
QUOTE = "They asked me what matters to me before anything else."
NARROW = 320


WIDER_THAN_THE_PAGE = """
() => [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth)
  .slice(-3).map((e) => e.outerHTML.slice(0, 120))
"""


def fits(page: Page, width: int = NARROW) -> None:
    """At `width` CSS pixels the page needs no sideways scrolling."""
    page.set_viewport_size({"width": width, "height": 800})
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate(WIDER_THAN_THE_PAGE) if scroll > width else []
    assert scroll <= width, f"{page.url} is {scroll}px wide at {width}px: {wide}"
    page.set_viewport_size({"width": 1280, "height": 900})


def statement(page: Page, statement_id: str) -> Locator:
    return page.locator(f"#statement-{statement_id}")


def publish_a_plan(settings: Settings) -> int:
    """A council with a finished assessment of Making It Real (2018) and a published plan."""
    assert FRAMEWORK is not None
    with Session(engine_for(settings.database_url)) as db:
        owner = make_user(db, email=OWNER, name="Cara Owner")
        council = make_organisation(db, owner=owner, name=ORG_NAME, slug=SLUG, kind="council")
        make_commitment(db, council, framework_id=FRAMEWORK.id)
        assessment = make_finished_assessment(db, council, owner, FRAMEWORK)
        for code in ("FI1", "WC2", "WI4"):
            db.add(Priority(assessment_id=assessment.id or 0, marker_code=code,
                            why=f"People told us {code} is not true for them"))
        db.add(Action(organisation_id=council.id or 0, framework_id=FRAMEWORK.id,
                      title="Ask people what matters first", marker_codes=["FI1"]))
        db.flush()
        publishing.publish(db, actor_id=owner.id or 0, organisation=council,
                           framework=FRAMEWORK, assessment=assessment,
                           kind=PublicationKind.plan, what_changed="", today=today(),
                           upload_dir=settings.upload_dir, base=f"/manage/{SLUG}")
        db.commit()
        return assessment.id or 0


def test_a_council_reads_its_assessment_by_cqc_quality_statement(
        live_server: str, settings: Settings, journey: JourneyBrowser, tmp_path: Path) -> None:
    assert CROSSWALK is not None
    assessment_id = publish_a_plan(settings)
    assessment_url = f"{live_server}/manage/{SLUG}/assessments/{assessment_id}"
    view_url = f"{assessment_url}/crosswalks/{CROSSWALK.id}"
    check = journey.check_axe

    # The public page of the crosswalk, narrow too -------------------------------------------
    page = journey.new_page()
    page.goto(f"{live_server}/frameworks/{CROSSWALK.id}")
    expect(heading(page)).to_have_text(CROSSWALK.title)
    expect(page.locator("#main-content")).to_contain_text("own reading, not CQC's")
    check(page, "crosswalk page")
    fits(page)

    # The view by statement: the gap is named in words ---------------------------------------
    log_in(page, live_server, OWNER, PASSWORD)
    page.goto(assessment_url)
    page.get_by_role("link", name=f"Read this assessment by {CROSSWALK.title} quality "
                                  "statement").click()
    expect(page).to_have_url(view_url)
    expect(heading(page)).to_have_text("Spring 2026, read by CQC quality statement")
    expect(statement(page, "assessing-needs")).to_contain_text(
        "no evidence of people's experience yet")
    check(page, "view by statement")
    fits(page)

    # Add a quote from a person who draws on support -----------------------------------------
    statement(page, "assessing-needs").get_by_role("link", name="FI1").click()
    expect(page).to_have_url(f"{assessment_url}/markers/FI1")
    page.get_by_text("Add a quote from a person").click()
    page.get_by_label("What they said").fill(QUOTE)
    page.get_by_label("A person who uses support").check()
    page.get_by_label("Yes, they agreed").check()
    page.locator("#add-quote").get_by_label("Yes, it may be published").check()
    submit(page, "Add quote")
    expect(flash(page)).to_contain_text("Your quote has been added to FI1.")
    expect(page.locator(".mir-evidence__category").first).to_contain_text(
        "Counts as: People's experience")
    check(page, "marker page with a quote")
    fits(page)

    page.goto(view_url)
    needs = statement(page, "assessing-needs")
    expect(needs).not_to_contain_text("no evidence of people's experience yet")
    expect(needs.get_by_role("definition").first).to_have_text("1")
    expect(needs).to_contain_text("no feedback from partners yet")

    # The Word file for the information return ----------------------------------------------
    with page.expect_download() as info:
        page.get_by_role("link", name="Download as a Word file (.docx)").click()
    download = info.value
    assert download.suggested_filename == \
        f"{SLUG}-{CROSSWALK.id}-draft-{today().isoformat()}.docx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    document = Document(io.BytesIO(target.read_bytes()))
    assert document.sections[0].header.paragraphs[0].text == "Draft: not published"
    words = "\n".join(p.text for p in document.paragraphs)
    assert f"FI1: \u201c{QUOTE}\u201d (A person who uses support)" in words

    # A progress report that includes the view ------------------------------------------------
    page.goto(f"{live_server}/manage/{SLUG}/plans/{CROSSWALK.framework_id}/publish")
    page.get_by_label("Progress report", exact=True).check()
    page.get_by_label(f"Yes, read by {CROSSWALK.title} quality statement").check()
    submit(page, "Show the preview")
    preview = page.locator(".mir-preview")
    expect(preview.locator("#by-statement")).to_be_visible()
    check(page, "publish preview with the view by statement")
    fits(page)
    submit(page, "Publish now")
    expect(page).to_have_url(f"{live_server}/organisations/{SLUG}/publications/2")
    expect(page.locator("#by-statement")).to_be_visible()
    check(page, "progress report with the view by statement")

    public = journey.new_page()
    public.goto(f"{live_server}/organisations/{SLUG}")
    expect(public.locator("#by-statement")).to_have_text(
        f"Read by {CROSSWALK.title} quality statement")
    needs = statement(public, "assessing-needs")
    expect(needs).not_to_contain_text("no evidence of people's experience yet")
    expect(needs).not_to_contain_text(QUOTE)  # counted, never listed in public
    check(public, "public profile with the view by statement")
    fits(public)

    journey.assert_accessible()
    if journey.js:
        journey.assert_no_console_errors()

