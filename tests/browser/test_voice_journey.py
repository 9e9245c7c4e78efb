"""People's voice in a real browser: answering one question per page with JavaScript on and
off and by keyboard alone, at 320 px wide, with axe-core on every page (errors, the closed
and unknown pages too); then the team reads the answers beside its levels."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.assessments.models import Assessment
from app.clock import today
from app.config import Settings
from app.db import engine_for
from tests.browser.helpers import JourneyBrowser, heading, log_in, submit, tab_to
from tests.exports.builders import build_plan, framework
from tests.factories import PASSWORD
from tests.voice.helpers import open_round_in_db

pytestmark = pytest.mark.browser

CODES = ["IA1", "AC2", "WF3"]
NARROW = {"width": 320, "height": 800}


def _rounds(settings: Settings) -> tuple[str, str, int]:
    """An open round and a closed one of Bolton Council's assessment."""
    with Session(engine_for(settings.database_url), expire_on_commit=False) as db:
        built = build_plan(db)
        assessment = db.get(Assessment, built.assessment_id)
        assert assessment is not None
        closed = open_round_in_db(db, assessment, codes=CODES,
                                  opens_on=today() - timedelta(days=60), days=7)
        voice_round = open_round_in_db(db, assessment, codes=CODES)
        db.commit()
        return voice_round.token, closed.token, built.assessment_id


def _fits(page: Page, where: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{where} is {width}px wide at a 320px viewport"


def test_answering_journey(live_server: str, settings: Settings,
                           journey: JourneyBrowser) -> None:
    token, closed, assessment_id = _rounds(settings)
    page = journey.new_page()
    page.set_viewport_size(NARROW)

    def check(where: str) -> None:
        journey.check_axe(page, where)
        _fits(page, where)

    page.goto(f"{live_server}/voice/{token}")
    expect(heading(page)).to_have_text("Tell us what care and support is like for you")
    check("start")
    page.get_by_label("In Easy Read: short and simple").check()
    submit(page, "Start now")
    ia1 = framework().marker("IA1")
    assert ia1 is not None and ia1.easy_read
    expect(page.locator("legend")).to_contain_text(ia1.easy_read)
    check("question 1")
    submit(page, "Continue")  # nothing chosen
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose an answer")
    check("question 1 with an error")
    page.get_by_label("Sometimes").check()
    page.get_by_label("Tell us more (optional)").fill("The letters are hard to read.")
    submit(page, "Continue")
    expect(page.locator(".govuk-caption-l")).to_have_text("Question 2 of 3")
    submit(page, "Skip this question")
    page.get_by_label("Yes").check()
    submit(page, "Continue")
    expect(heading(page)).to_have_text("About you")
    check("about you")
    page.get_by_label("A family carer").check()
    page.get_by_label("Yes, you can share it").check()
    submit(page, "Continue")
    expect(heading(page)).to_have_text("Check your answers before you send them")
    check("check your answers")
    page.get_by_role("link", name="Change your answer to question 2").click()
    page.get_by_label("No", exact=True).check()
    submit(page, "Continue")
    expect(heading(page)).to_have_text("Check your answers before you send them")
    expect(page.locator(".govuk-summary-list__row").nth(1)).to_contain_text("No")
    submit(page, "Send my answers")
    expect(page.locator(".govuk-panel__title")).to_have_text("Thank you")
    check("thank you")
    submit(page, "Someone else wants to answer")
    expect(page.get_by_role("button", name="Start now")).to_be_visible()

    page.goto(f"{live_server}/voice/{closed}")
    expect(heading(page)).to_have_text("These questions have closed")
    check("closed round")
    page.goto(f"{live_server}/voice/no-such-round")
    expect(heading(page)).to_have_text("We cannot find these questions")
    check("unknown round")

    # The team reads it beside its own level.
    team = journey.new_page()
    log_in(team, live_server, "owner@bolton.example.org", PASSWORD)
    team.set_viewport_size(NARROW)
    base = f"{live_server}/manage/bolton-council/assessments/{assessment_id}"
    team.goto(f"{base}/voice")
    journey.check_axe(team, "rounds")
    team.locator("main").get_by_role("link", name=re.compile(r"\d{4} to ")).first.click()
    round_url = team.url
    expect(team.get_by_text("Fewer than 5 people answered").first).to_be_visible()
    expect(team.get_by_text("The letters are hard to read.")).to_be_visible()
    journey.check_axe(team, "round results")
    _fits(team, "round results")
    team.goto(f"{base}/markers/IA1")
    expect(team.get_by_role("heading", name="What people said")).to_be_visible()
    journey.check_axe(team, "marker page")
    _fits(team, "marker page")
    team.goto(f"{round_url}/paper")
    journey.check_axe(team, "paper answers")
    journey.assert_accessible()
    # The closed (410) and unknown (404) rounds are visited on purpose, with or without JS.
    journey.assert_no_console_errors(ignore=("status of 410", "status of 404"))


def test_answering_by_keyboard_alone(live_server: str, settings: Settings,
                                     page: Page) -> None:
    token, _closed, _assessment = _rounds(settings)
    page.set_viewport_size(NARROW)
    page.goto(f"{live_server}/voice/{token}")
    tab_to(page, ".govuk-button--start")
    page.keyboard.press("Enter")
    for number in range(1, 4):
        expect(page.locator(".govuk-caption-l")).to_have_text(f"Question {number} of 3")
        tab_to(page, "#answer")
        page.keyboard.press("ArrowDown")  # from Yes to Sometimes (arrows choose in a group)
        tab_to(page, "#comment")
        page.keyboard.type(f"Typed by keyboard {number}")
        tab_to(page, "button[value=answer]")
        page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("About you")
    tab_to(page, "button.govuk-button")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Check your answers before you send them")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Typed by keyboard 3")
    tab_to(page, "form[action$='/send'] button")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-panel__title")).to_have_text("Thank you")
