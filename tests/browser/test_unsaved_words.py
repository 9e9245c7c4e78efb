"""Words typed and not yet saved are not lost by leaving the page: with JavaScript the
browser asks first ("Leave site?"), and once saved it lets people go without asking."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect
from sqlmodel import Session

from app.assessments.service import start_assessment
from app.config import Settings
from app.db import engine_for
from app.frameworks import Framework
from tests.browser.helpers import CATALOGUE, log_in
from tests.factories import PASSWORD, make_commitment, make_organisation, make_user

pytestmark = pytest.mark.browser

def _framework() -> Framework:
    framework = CATALOGUE.get("making-it-real-2012")
    assert framework is not None
    return framework


FRAMEWORK = _framework()


def _marker_url(settings: Settings, live_server: str) -> str:
    with Session(engine_for(settings.database_url)) as db:
        owner = make_user(db, email="unsaved@example.org")
        organisation = make_organisation(db, owner=owner, name="Unsaved Words Group")
        make_commitment(db, organisation, framework_id=FRAMEWORK.id)
        assert owner.id is not None and organisation.id is not None
        assessment = start_assessment(db, actor_id=owner.id, organisation_id=organisation.id,
                                      framework=FRAMEWORK, name="Spring 2026",
                                      carry_over=False)
        db.commit()
        first = FRAMEWORK.markers[0].code
        return (f"{live_server}/manage/{organisation.slug}/assessments/{assessment.id}"
                f"/markers/{first}")


def test_leaving_a_marker_with_unsaved_words_asks_first(
    live_server: str, page: Page, settings: Settings
) -> None:
    url = _marker_url(settings, live_server)
    log_in(page, live_server, "unsaved@example.org", PASSWORD)
    page.goto(url)
    working = page.get_by_label("What is working")
    working.fill("People chose their own support plans this year.")

    dialogs: list[str] = []

    def stay(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()  # "Stay on page"

    page.once("dialog", stay)
    page.get_by_role("link", name="Next marker").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(url)
    expect(working).to_have_value("People chose their own support plans this year.")

    page.get_by_role("button", name="Save this marker").click()
    expect(page.locator("#rating-status")).to_contain_text("Saved at")
    page.on("dialog", stay)
    page.get_by_role("link", name="Next marker").click()
    expect(page).not_to_have_url(url)  # saved: no question, off to the next marker
    assert dialogs == ["beforeunload"]
