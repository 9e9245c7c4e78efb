"""The organisation workspace in a real browser, as an owner, with JavaScript on and off, on
each database engine: the overview, editing the profile, signing up to and withdrawing from
a framework, and inviting someone who then makes an account and has their role changed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session

from app.config import Settings
from app.db import engine_for
from tests.browser.helpers import (
    CATALOGUE,
    JourneyBrowser,
    email_link,
    flash,
    heading,
    log_in,
    newest_email,
    outbox_names,
)
from tests.factories import PASSWORD, make_commitment, make_organisation, make_user

pytestmark = pytest.mark.browser

SIGNED_UP, OTHER = list(CATALOGUE)[:2]
ORG_NAME = "Bolton Voices Together"
INVITEE_PASSWORD = "invited and very welcome"


def _workspace_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name=ORG_NAME)


def test_workspace_owner_journey(live_server: str, settings: Settings,
                                 journey: JourneyBrowser) -> None:
    with Session(engine_for(settings.database_url)) as db:
        owner = make_user(db, email="owen@example.org", name="Owen Owner")
        organisation = make_organisation(db, owner=owner, name=ORG_NAME,
                                         description="We started in 2019.")
        make_commitment(db, organisation, framework_id=SIGNED_UP.id)
        db.commit()
        slug = organisation.slug
    base = f"{live_server}/manage/{slug}"

    page = journey.new_page()
    log_in(page, live_server, "owen@example.org", PASSWORD)

    # Overview --------------------------------------------------------------------------
    page.get_by_role("link", name=ORG_NAME, exact=True).click()
    expect(page).to_have_url(base)
    expect(heading(page)).to_have_text(ORG_NAME)
    expect(_workspace_nav(page)).to_contain_text("you are an owner")
    expect(_workspace_nav(page).get_by_role("link", name="Overview")).to_have_attribute(
        "aria-current", "page")
    expect(page.get_by_role("heading", name=SIGNED_UP.title, level=3)).to_be_visible()
    expect(page.locator("#main-content")).to_contain_text("Bolton")
    journey.check_axe(page, "workspace overview")

    # Profile: an error first, then the description and the map position --------------------
    _workspace_nav(page).get_by_role("link", name="Profile").click()
    expect(page).to_have_url(f"{base}/profile")
    expect(heading(page)).to_have_text("Your organisation's profile")
    expect(page.get_by_label("Name", exact=True)).to_have_value(ORG_NAME)
    if journey.js:  # the area picker shows the area already chosen
        expect(page.locator("input#areas[role=combobox]")).to_have_value("Bolton")
    else:
        expect(page.locator("select#areas option:checked")).to_have_text("Bolton")
    journey.check_axe(page, "profile")

    description = page.get_by_label("What your organisation does (optional)")
    description.fill("A user-led group for disabled people in Bolton.")
    page.get_by_label("Latitude", exact=True).fill("north-ish")
    page.get_by_label("Longitude", exact=True).fill("-2.43")
    page.get_by_role("button", name="Save the profile").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        "Enter the latitude as a number, like 53.48")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#latitude")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(description).to_have_value("A user-led group for disabled people in Bolton.")
    expect(page.get_by_label("Latitude", exact=True)).to_have_value("north-ish")
    journey.check_axe(page, "profile, with an error")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Latitude", exact=True)).to_be_focused()

    page.get_by_label("Latitude", exact=True).fill("53.578")
    page.get_by_role("button", name="Save the profile").click()
    expect(page).to_have_url(base)
    expect(flash(page)).to_contain_text("Your organisation's details have been saved.")
    _workspace_nav(page).get_by_role("link", name="Profile").click()
    expect(description).to_have_value("A user-led group for disabled people in Bolton.")
    expect(page.get_by_label("Latitude", exact=True)).to_have_value("53.578")
    expect(page.get_by_label("Longitude", exact=True)).to_have_value("-2.43")
    page.goto(f"{live_server}/organisations/{slug}")
    expect(page.locator("#main-content")).to_contain_text(
        "A user-led group for disabled people in Bolton.")
    page.goto(base)

    # Frameworks: sign up to the other one, then withdraw from it ----------------------------
    _workspace_nav(page).get_by_role("link", name="Frameworks").click()
    expect(page).to_have_url(f"{base}/frameworks")
    expect(heading(page)).to_have_text("Frameworks")
    journey.check_axe(page, "frameworks")
    page.get_by_label(OTHER.title, exact=True).check()
    page.get_by_label("What does your organisation commit to?").fill(
        "We will review the 2012 markers with our members.")
    page.get_by_role("button", name="Sign up", exact=True).click()
    expect(page).to_have_url(f"{base}/frameworks")
    expect(flash(page)).to_contain_text(f"You have signed up to {OTHER.title}.")
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and two sign-ups
    expect(page.get_by_role("row", name=re.compile(re.escape(OTHER.title)))).to_contain_text(
        "We will review the 2012 markers with our members.")

    withdraw = page.locator("details").filter(has_text=f"Withdraw from {OTHER.title}")
    withdraw.get_by_text(f"Withdraw from {OTHER.title}").click()  # open the <details>
    reason = withdraw.get_by_label("Why is your organisation withdrawing?")
    expect(reason).to_be_visible()
    reason.fill("We are merging with another group.")
    withdraw.get_by_role("button", name="Withdraw").click()
    expect(page).to_have_url(f"{base}/frameworks")
    expect(flash(page)).to_contain_text("You have withdrawn.")
    expect(page.get_by_role("row", name=re.compile(re.escape(OTHER.title)))).to_contain_text(
        "We are merging with another group.")
    expect(page.locator("details").filter(has_text=f"Withdraw from {OTHER.title}")) \
        .to_have_count(0)
    page.goto(f"{live_server}/organisations/{slug}")
    expect(page.locator("#main-content")).to_contain_text("We are merging with another group.")
    page.goto(base)

    # Members: an error, then invite someone as a viewer --------------------------------------
    _workspace_nav(page).get_by_role("link", name="Members").click()
    expect(page).to_have_url(f"{base}/members")
    expect(heading(page)).to_have_text("Members")
    expect(page.get_by_role("row", name=re.compile("Owen Owner"))).to_contain_text("(you)")
    journey.check_axe(page, "members")

    page.get_by_label("Their email address").fill("ivy at example dot org")
    page.get_by_label("Viewer").check()
    page.get_by_role("button", name="Send the invitation").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#email")
    expect(summary.get_by_role("link")).to_have_text(
        "Enter an email address in the correct format, like name@example.com")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Their email address")).to_have_value("ivy at example dot org")
    expect(page.get_by_label("Viewer")).to_be_checked()
    journey.check_axe(page, "members, with an error")

    page.get_by_label("Their email address").fill("ivy@example.org")
    before = outbox_names(settings.outbox_dir)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page).to_have_url(f"{base}/members")
    expect(flash(page)).to_contain_text("We have emailed an invitation to ivy@example.org.")
    invitation = newest_email(settings.outbox_dir, to="ivy@example.org", not_in=before)
    link = email_link(invitation, live_server, "/invitations/")

    # The invitee, in a browser of their own, makes an account and lands in the workspace.
    invitee = journey.new_page()
    invitee.goto(link)
    expect(heading(invitee)).to_have_text(f"Join {ORG_NAME}")
    expect(invitee.locator("#main-content")).to_contain_text("as a viewer")
    expect(invitee.locator("#main-content")).to_contain_text("ivy@example.org")
    journey.check_axe(invitee, "invitation")
    invitee.get_by_label("Your name").fill("Ivy Invitee")
    invitee.get_by_label("Create a password", exact=True).fill(INVITEE_PASSWORD)
    invitee.get_by_role("button", name="Make my account and join").click()
    expect(invitee).to_have_url(base)
    expect(flash(invitee)).to_contain_text(f"You are now a member of {ORG_NAME}.")
    expect(_workspace_nav(invitee)).to_contain_text("you are a viewer")
    expect(_workspace_nav(invitee).get_by_role("link", name="Profile")).to_have_count(0)

    # The owner makes the invitee an editor.
    page.reload()
    row = page.get_by_role("row", name=re.compile("Ivy Invitee"))
    expect(row).to_contain_text("ivy@example.org")
    role = page.get_by_label("Role of Ivy Invitee")
    expect(role).to_have_value("viewer")
    role.select_option("editor")
    page.get_by_role("button", name="Change role of Ivy Invitee").click()
    expect(page).to_have_url(f"{base}/members")
    expect(flash(page)).to_contain_text("The role has been changed.")
    expect(page.get_by_label("Role of Ivy Invitee")).to_have_value("editor")

    invitee.reload()
    expect(_workspace_nav(invitee)).to_contain_text("you are an editor")

    # The invitation works only once.
    response = invitee.goto(link)
    assert response is not None and response.status == 410, response and response.status
    expect(invitee.locator("#main-content")).to_contain_text("already been used")
    journey.assert_accessible()
    journey.assert_no_console_errors(ignore=("status of 410",))
