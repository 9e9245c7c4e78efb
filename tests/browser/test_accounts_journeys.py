"""Account journeys in a real browser, with JavaScript on and off, on each database engine:
registering (and its errors), confirming the email address, logging in and out, resetting
a password, the account page, and doing the login and register forms by keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.config import Settings
from app.db import engine_for
from app.organisations.models import Commitment, Organisation, OrganisationArea
from tests.browser.helpers import (
    CATALOGUE,
    JourneyBrowser,
    email_link,
    email_text,
    focus_indicator,
    has_visible_focus,
    heading,
    log_in,
    newest_email,
    outbox_names,
    tab_to,
)
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.browser

FRAMEWORKS = list(CATALOGUE)  # newest first, as the register form lists them
AREA_LABEL = "Council area where it works"
NEW_PASSWORD = "a brand new battery staple"
TITLE_SUFFIX = " – Making It Real toolkit"


def _choose_area(page: Page, js: bool, typed: str = "Bolt", area: str = "Bolton") -> None:
    """With JavaScript, type into accessible-autocomplete and pick; without, the <select>."""
    if js:
        combobox = page.locator("input#areas[role=combobox]")
        expect(combobox).to_be_visible()  # the autocomplete really replaced the <select>
        expect(page.get_by_role("combobox", name=AREA_LABEL, exact=True)).to_have_count(1)
        expect(page.locator("select#areas-select")).to_be_hidden()
        expect(combobox).to_have_value("")  # not "Choose a council area"
        combobox.press_sequentially(typed)
        page.get_by_role("option", name=area, exact=True).click()
        expect(combobox).to_have_value(area)
        expect(page.locator("select#areas-select option:checked")).to_have_text(area)
    else:
        expect(page.locator("input[role=combobox]")).to_have_count(0)
        page.get_by_label(AREA_LABEL, exact=True).select_option(label=area)


def _area_shown(page: Page, js: bool) -> str:
    if js:
        return page.locator("input#areas[role=combobox]").input_value()
    return page.locator("select#areas option:checked").inner_text()


def _fill_register_form(page: Page, js: bool, *, name: str, email: str, password: str,
                        org_name: str, commitment: str) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Create a password", exact=True).fill(password)
    page.get_by_label("Name of your organisation").fill(org_name)
    page.get_by_label("Disabled people's user-led organisation").check()
    _choose_area(page, js)
    expect(page.get_by_label(FRAMEWORKS[0].title, exact=True)).to_be_checked()  # the default
    page.get_by_label("What does your organisation commit to?").fill(commitment)


def test_register_confirm_and_see_the_public_page_journey(
    live_server: str, settings: Settings, journey: JourneyBrowser
) -> None:
    page = journey.new_page()
    page.goto(f"{live_server}/register")
    expect(heading(page)).to_have_text("Sign up your organisation")
    org_name = "Bolton Together Forum"
    commitment = "We will look at every marker with the people we support."
    _fill_register_form(page, journey.js, name="Rosa Register", email="Rosa@Example.org",
                        password=PASSWORD, org_name=org_name, commitment=commitment)
    journey.check_axe(page, "the register form, filled in")
    page.get_by_role("button", name="Sign up", exact=True).click()

    expect(page).to_have_url(f"{live_server}/register/check-your-email")
    expect(heading(page)).to_have_text("Check your email")
    expect(page.locator("#main-content")).to_contain_text("rosa@example.org")

    message = newest_email(settings.outbox_dir, to="rosa@example.org")
    assert org_name in email_text(message)
    page.goto(email_link(message, live_server, "/confirm/"))
    expect(heading(page)).to_have_text("Confirm your email address")
    journey.check_axe(page, "confirm your email address")
    page.get_by_role("button", name="Confirm my email address").click()

    # Their one organisation's workspace, straight away.
    expect(page).to_have_url(re.compile(re.escape(f"{live_server}/manage/") + r"[a-z0-9-]+$"))
    expect(heading(page)).to_have_text(org_name)
    expect(page.get_by_role("alert")).to_contain_text("Your email address is confirmed")
    journey.check_axe(page, "the organisation's workspace, after confirming")
    href = page.url.removeprefix(live_server)

    page.goto(live_server + href.replace("/manage/", "/organisations/", 1))
    expect(heading(page)).to_have_text(org_name)
    main = page.locator("#main-content")
    expect(main).to_contain_text("Disabled people's user-led organisation")
    expect(main).to_contain_text("Bolton")
    expect(main).to_contain_text(FRAMEWORKS[0].title)
    expect(main).to_contain_text(commitment)
    journey.assert_accessible()
    journey.assert_no_console_errors()


def test_register_with_errors_journey(live_server: str, settings: Settings,
                                      journey: JourneyBrowser) -> None:
    page = journey.new_page()
    page.goto(f"{live_server}/register")
    _fill_register_form(page, journey.js, name="Errol Errors", email="not-an-email",
                        password="short", org_name="Typo Trust",
                        commitment="We will meet every month to go through the markers.")
    page.get_by_role("button", name="Sign up", exact=True).click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: Sign up your organisation"))
    if journey.js:  # GOV.UK Frontend moves focus to the summary so it is read out
        expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    assert [links.nth(i).get_attribute("href") for i in range(2)] == ["#email", "#password"]
    expect(links.nth(0)).to_have_text(
        "Enter an email address in the correct format, like name@example.com")
    expect(links.nth(1)).to_have_text("Password must be 10 characters or more")
    # Each message is also by its field, and tied to it for screen readers.
    for field in ("email", "password"):
        expect(page.locator(f"#{field}-error")).to_be_visible()
        expect(page.locator(f"#{field}")).to_have_attribute(
            "aria-describedby", re.compile(rf"\b{field}-error\b"))

    # Everything typed is kept (except the password).
    expect(page.get_by_label("Your name")).to_have_value("Errol Errors")
    expect(page.get_by_label("Email address")).to_have_value("not-an-email")
    expect(page.get_by_label("Create a password", exact=True)).to_have_value("")
    expect(page.get_by_label("Name of your organisation")).to_have_value("Typo Trust")
    expect(page.get_by_label("Disabled people's user-led organisation")).to_be_checked()
    assert _area_shown(page, journey.js) == "Bolton"
    expect(page.get_by_label("What does your organisation commit to?")).to_have_value(
        "We will meet every month to go through the markers.")
    journey.check_axe(page, "register, with errors")

    links.nth(0).click()
    expect(page.locator("#email")).to_be_focused()
    style = focus_indicator(page)
    assert style is not None and has_visible_focus(style), style

    # Put it right and send it again.
    page.get_by_label("Email address").fill("errol@example.org")
    page.get_by_label("Create a password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign up", exact=True).click()
    expect(page).to_have_url(f"{live_server}/register/check-your-email")
    newest_email(settings.outbox_dir, to="errol@example.org")
    journey.assert_accessible()
    journey.assert_no_console_errors()


def test_log_in_log_out_and_reset_password_journey(live_server: str, settings: Settings,
                                                   journey: JourneyBrowser) -> None:
    with Session(engine_for(settings.database_url)) as db:
        user = make_user(db, email="lee@example.org", name="Lee Login")
        make_organisation(db, owner=user, name="Lee's Circle")
        db.commit()

    page = journey.new_page()
    page.goto(f"{live_server}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    expect(page).to_have_url(f"{live_server}/login")

    # A wrong password: told so, the email address kept, the password not.
    page.get_by_label("Email address").fill("lee@example.org")
    page.get_by_label("Password", exact=True).fill("not the right password")
    page.get_by_role("button", name="Log in", exact=True).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(re.compile(
        r"^The email address or password is not right"))
    expect(summary.get_by_role("link")).to_have_attribute("href", "#email")
    expect(page).to_have_title(re.compile(r"^Error: Log in"))
    expect(page.get_by_label("Email address")).to_have_value("lee@example.org")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    journey.check_axe(page, "log in, wrong password")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(f"{live_server}/manage")
    expect(page.get_by_role("link", name="Lee's Circle")).to_be_visible()

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("alert")).to_contain_text("You have logged out.")
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_have_count(0)
    page.goto(f"{live_server}/manage")  # logged out really means logged out
    expect(page).to_have_url(re.compile(re.escape(f"{live_server}/login")))

    # Forgotten the password: ask for a link, follow it, choose a new one.
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(heading(page)).to_have_text("Reset your password")
    page.get_by_label("Email address").fill("lee@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(heading(page)).to_have_text("Check your email")
    expect(page.locator("#main-content")).to_contain_text("lee@example.org")
    link = email_link(newest_email(settings.outbox_dir, to="lee@example.org"), live_server,
                      "/password-reset/")
    page.goto(link)
    expect(heading(page)).to_have_text("Choose a new password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    expect(page).to_have_url(f"{live_server}/manage")
    expect(page.get_by_role("alert")).to_contain_text("Your password has been changed.")
    expect(page.get_by_role("link", name="Lee's Circle")).to_be_visible()

    # The new password works; the old one does not.
    nav.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server}/")
    log_in(page, live_server, "lee@example.org", NEW_PASSWORD)

    # The link works only once.
    response = page.goto(link)
    assert response is not None and response.status == 410, response and response.status
    expect(heading(page)).to_have_text("This link does not work")
    expect(page.locator("#main-content")).to_contain_text("already been used")
    journey.check_axe(page, "a used password reset link")
    journey.assert_accessible()
    journey.assert_no_console_errors(ignore=("status of 410",))


def test_account_page_journey(live_server: str, settings: Settings,
                              journey: JourneyBrowser) -> None:
    with Session(engine_for(settings.database_url)) as db:
        make_user(db, email="ada@example.org", name="Ada Account")
        db.commit()

    page = journey.new_page()
    log_in(page, live_server, "ada@example.org", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Your account").click()
    expect(page).to_have_url(f"{live_server}/account")
    expect(heading(page)).to_have_text("Your account")
    expect(page.locator("#main-content")).to_contain_text("ada@example.org")
    journey.check_axe(page, "the account page")

    name = page.get_by_label("Name", exact=True)
    expect(name).to_have_value("Ada Account")
    name.fill("Ada Lovelace")
    page.get_by_role("button", name="Save your name").click()
    expect(page).to_have_url(f"{live_server}/account")
    expect(page.get_by_role("alert")).to_contain_text("Your name has been changed.")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Ada Lovelace")
    page.reload()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Ada Lovelace")

    # The wrong current password: an error, and the password stays as it was.
    page.get_by_label("Current password").fill("this is not it at all")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change your password").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text("Your current password is not right")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#current_password")
    expect(page.locator("#current_password-error")).to_contain_text(
        "Your current password is not right")
    expect(page).to_have_title(re.compile(r"^Error: Your account"))
    expect(page.get_by_label("Name", exact=True)).to_have_value("Ada Lovelace")
    journey.check_axe(page, "the account page, wrong current password")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Current password")).to_be_focused()

    # Log out everywhere: this device too, and the password still works afterwards.
    page.get_by_role("button", name="Log out everywhere").click()
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.get_by_role("alert")).to_contain_text("You have logged out on every device")
    journey.check_axe(page, "the login page after logging out everywhere")
    log_in(page, live_server, "ada@example.org", PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server}/")
    log_in(page, live_server, "ada@example.org", PASSWORD)
    journey.assert_accessible()
    journey.assert_no_console_errors()


def test_too_many_attempts_page(live_server: str, settings: Settings,
                                journey: JourneyBrowser) -> None:
    """The one 429 page: plain words, when to try again, a way on; fits 320 px."""
    with Session(engine_for(settings.database_url)) as db:
        make_user(db, email="max@example.org")
        db.commit()
    page = journey.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    for _ in range(5):
        page.goto(f"{live_server}/login")
        page.get_by_label("Email address").fill("max@example.org")
        page.get_by_label("Password", exact=True).fill("not the password")
        page.get_by_role("button", name="Log in", exact=True).click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_response(f"{live_server}/login") as answer:
        page.get_by_role("button", name="Log in", exact=True).click()
    assert answer.value.status == 429
    assert int(answer.value.headers["retry-after"]) > 0
    expect(heading(page)).to_have_text("Too many attempts")
    expect(page.locator("#main-content")).to_contain_text("try again after")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    journey.check_axe(page, "the too many attempts page")
    page.get_by_role("link", name="reset your password").click()
    expect(page).to_have_url(f"{live_server}/password-reset")
    journey.assert_accessible()
    journey.assert_no_console_errors(ignore=("status of 429",))


# Keyboard only ------------------------------------------------------------------------------

def _type_into(page: Page, selector: str, text: str) -> None:
    """Tab to the field (checking focus is visible all the way) and type."""
    tab_to(page, selector)
    page.keyboard.type(text)


def test_keyboard_only_log_in_and_register_journey(live_server: str, settings: Settings,
                                                   page: Page) -> None:
    """JavaScript on; page.keyboard only, no clicks, and focus visible at every stop."""
    with Session(engine_for(settings.database_url)) as db:
        make_user(db, email="kim@example.org", name="Kim Keys")
        db.commit()

    page.goto(f"{live_server}/login")
    _type_into(page, "#email", "kim@example.org")
    _type_into(page, "#password", PASSWORD)
    tab_to(page, "button.govuk-button:not(.govuk-button--secondary)")
    expect(page.locator(":focus")).to_have_text("Log in")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/manage")
    expect(heading(page)).to_have_text("Your organisations")

    # Log out by keyboard: from the skip link onwards, Tab to the header button.
    tab_to(page, "button.mir-header__button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("alert")).to_contain_text("You have logged out.")

    page.goto(f"{live_server}/register")
    page.wait_for_load_state("networkidle")  # accessible-autocomplete has started
    _type_into(page, "#name", "Kim Keys")
    _type_into(page, "#email", "kim.keys@example.org")
    _type_into(page, "#password", PASSWORD)
    _type_into(page, "#org_name", "Keyboard Carers Bolton")

    # Radios: Tab into the group (the first one, as none is chosen), arrows to move.
    stops = tab_to(page, "input[name=org_kind]")
    assert stops[-1]["id"] == "org_kind", stops[-1]
    page.keyboard.press("Space")
    expect(page.get_by_label("Disabled people's user-led organisation")).to_be_checked()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    care_provider = page.get_by_label("Care provider")
    expect(care_provider).to_be_checked()
    expect(care_provider).to_be_focused()
    style = focus_indicator(page)
    assert style is not None and has_visible_focus(style), style

    # The council area: type, then choose from the list with the arrow keys and Enter.
    stops = tab_to(page, "#areas")
    assert stops[-1]["role"] == "combobox", f"accessible-autocomplete did not start: {stops[-1]}"
    page.keyboard.type("Bolt")
    expect(page.get_by_role("option", name="Bolton", exact=True)).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#areas")).to_have_value("Bolton")
    expect(page).to_have_url(f"{live_server}/register")  # Enter chose; it did not submit

    # The framework: the chosen radio takes focus; the arrow moves to the other one.
    stops = tab_to(page, "input[name=framework]")
    expect(page.get_by_label(FRAMEWORKS[0].title, exact=True)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label(FRAMEWORKS[1].title, exact=True)).to_be_checked()
    _type_into(page, "#commitment", "We will co-produce our plan with local people.")
    tab_to(page, "form[action='/register'] button[type=submit]")
    before = outbox_names(settings.outbox_dir)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server}/register/check-your-email")
    expect(page.locator("#main-content")).to_contain_text("kim.keys@example.org")
    newest_email(settings.outbox_dir, to="kim.keys@example.org", not_in=before)
    with Session(engine_for(settings.database_url)) as db:
        organisation = db.exec(select(Organisation).where(
            Organisation.name == "Keyboard Carers Bolton")).one()
        assert organisation.kind == "provider"
        areas = db.exec(select(OrganisationArea.area_code).where(
            OrganisationArea.organisation_id == organisation.id)).all()
        assert list(areas) == ["E08000001"]
        frameworks = db.exec(select(Commitment.framework_id).where(
            Commitment.organisation_id == organisation.id)).all()
        assert list(frameworks) == [FRAMEWORKS[1].id]


def test_area_autocomplete_is_described_by_its_hint_and_error_journey(
    live_server: str, page: Page
) -> None:
    page.goto(f"{live_server}/register")
    page.get_by_role("button", name="Sign up", exact=True).click()  # everything missing
    expect(page.locator("#areas-error")).to_be_visible()
    combobox = page.locator("input#areas[role=combobox]")
    expect(combobox).to_be_visible()
    described_by = (combobox.get_attribute("aria-describedby") or "").split()
    assert "areas-hint" in described_by and "areas-error" in described_by, described_by
