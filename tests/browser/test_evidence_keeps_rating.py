"""Adding evidence before pressing Save keeps the level chosen and the words typed in the
rating form (issue 13.1): on a self-assessment and on an independent view, with
JavaScript on and off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.assessments.service import start_assessment
from app.config import Settings
from app.db import engine_for
from app.views.service import start_view
from tests.browser.helpers import assert_no_axe_violations, flash, log_in
from tests.factories import PASSWORD, make_commitment, make_organisation, make_user
from tests.views.factories import FRAMEWORK, publish_plan

pytestmark = pytest.mark.browser

WORDS = "People chose their own support plans this year."
NOTE = "Minutes of the March meeting."


def _self_assessment(db: Session, live_server: str) -> tuple[str, str]:
    owner = make_user(db, email="keeper@example.org")
    organisation = make_organisation(db, owner=owner, name="Keeper Group")
    make_commitment(db, organisation, framework_id=FRAMEWORK.id)
    assessment = start_assessment(db, actor_id=owner.id or 0,
                                  organisation_id=organisation.id or 0,
                                  framework=FRAMEWORK, name="Spring 2026", carry_over=False)
    return (f"{live_server}/manage/{organisation.slug}/assessments/{assessment.id}"
            f"/markers/{FRAMEWORK.markers[0].code}", "What is working")


def _view(db: Session, live_server: str, settings: Settings) -> tuple[str, str]:
    council_owner = make_user(db, email="council@example.org")
    council = make_organisation(db, owner=council_owner, name="Bury Council",
                                kind="council", slug="bury-council")
    plan = publish_plan(db, council, council_owner, upload_dir=settings.upload_dir)
    owner = make_user(db, email="keeper@example.org")
    organisation = make_organisation(db, owner=owner, name="Keeper Voice")
    view = start_view(db, actor_id=owner.id or 0, organisation=organisation, about=plan,
                      framework=FRAMEWORK)
    return (f"{live_server}/manage/{organisation.slug}/views/{view.id}"
            f"/markers/{FRAMEWORK.markers[0].code}", "Why: what people told you")


@pytest.mark.parametrize("kind", ["self-assessment", "view"])
@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_adding_evidence_keeps_the_rating_not_yet_saved(
        live_server: str, settings: Settings, request: pytest.FixtureRequest,
        kind: str, js: bool) -> None:
    with Session(engine_for(settings.database_url)) as db:
        url, label = _self_assessment(db, live_server) if kind == "self-assessment" \
            else _view(db, live_server, settings)
        db.commit()
    page: Page = request.getfixturevalue("page" if js else "nojs_page")
    log_in(page, live_server, "keeper@example.org", PASSWORD)
    page.goto(url)
    level = page.locator('input[name="level"]').first
    level.check()
    page.get_by_label(label, exact=True).fill(WORDS)
    page.get_by_text("Add a note").click()
    page.get_by_label("Note", exact=True).fill(NOTE)
    page.get_by_role("button", name="Add note").click()  # not Save first

    expect(flash(page)).to_contain_text("Your note has been added")
    expect(page.locator(".mir-evidence__list")).to_contain_text(NOTE)
    expect(page.get_by_label(label, exact=True)).to_have_value(WORDS)
    expect(page.locator('input[name="level"]').first).to_be_checked()
    page.reload()  # saved, not only shown
    expect(page.get_by_label(label, exact=True)).to_have_value(WORDS)


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_the_why_it_does_not_apply_box_shows_when_it_is_needed(
        live_server: str, settings: Settings, request: pytest.FixtureRequest,
        js: bool) -> None:
    with Session(engine_for(settings.database_url)) as db:
        url, _label = _self_assessment(db, live_server)
        db.commit()
    page: Page = request.getfixturevalue("page" if js else "nojs_page")
    log_in(page, live_server, "keeper@example.org", PASSWORD)
    page.goto(url)
    reason = page.get_by_label("If it does not apply to you, why not?")
    if not js:
        expect(reason).to_be_visible()  # always there without JavaScript
        return
    expect(reason).to_be_hidden()
    page.get_by_label("Does not apply to us").check()
    expect(reason).to_be_visible()
    assert_no_axe_violations(page)
    reason.fill("We do not run any services for children.")
    page.locator('input[name="level"]').first.check()
    expect(reason).to_be_hidden()
    page.get_by_label("Does not apply to us").check()
    expect(reason).to_have_value("We do not run any services for children.")
    assert_no_axe_violations(page)
