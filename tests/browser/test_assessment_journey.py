"""A self-assessment in a real browser, on each database engine, three ways: with JavaScript
("js", saves inline with htmx), without it ("nojs", Post/Redirect/Get), and by keyboard alone
("keyboard": JavaScript on, only Tab, Shift+Tab, arrows, Space, Enter and typing, with a
visible focus indicator at every stop).

An owner and an editor of one organisation split the themes of the smallest framework and
rate every marker; add a note, a link, a file and a quote (after a refused link and a refused
file); fill in the co-production record; both save the same marker and the second merges on
the conflict page; then the overview adds up, and a second cycle carried over from the first
is compared with it. axe-core runs on every kind of page, errors and conflict included.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, FileChooser, Locator, Page, expect
from sqlmodel import Session

from app.assessments.models import NOT_APPLICABLE
from app.config import Settings
from app.db import engine_for
from app.frameworks import Framework
from app.frameworks.model import Marker
from tests.browser.helpers import (
    CATALOGUE,
    JourneyBrowser,
    flash,
    focus_indicator,
    has_visible_focus,
    heading,
    log_in,
    tab_to,
)
from tests.factories import PASSWORD, add_member, make_commitment, make_organisation, make_user

pytestmark = pytest.mark.browser


def _smallest_framework() -> Framework:
    framework = CATALOGUE.get("making-it-real-2012")
    assert framework is not None and len(framework.markers) == 26 and framework.not_applicable
    return framework


FRAMEWORK = _smallest_framework()
THEMES = list(FRAMEWORK.themes)
ORG_NAME = "Wigan Voices Together"
FIRST_CYCLE, SECOND_CYCLE = "Spring 2026", "Autumn 2026"
LEVEL_LABELS = {level.id: level.label for level in FRAMEWORK.scale}
LEVEL_LABELS[NOT_APPLICABLE] = "Does not apply to us"
NOT_APPLICABLE_MARKER = THEMES[-1].markers[-1].code  # the editor's last marker
FLAGGED = THEMES[0].markers[0]  # the owner ticks its first warning sign
CONFLICT = THEMES[0].markers[2].code  # rated by the owner, then saved by both at once
EVIDENCE = THEMES[0].markers[0].code
KEYBOARD_FULL_PATH = 3  # markers rated the long way round in keyboard mode (see _rate)
SAVED_AT = re.compile(r"^Saved at \d\d:\d\d$")
# A window property that only survives while the page is not reloaded or left.
STILL_HERE = "() => window.__assessmentJourney === 'still here'"


def _plan(marker: Marker, index: int) -> str:
    """The level each marker ends up at: the scale in turn, and one that does not apply."""
    if marker.code == NOT_APPLICABLE_MARKER:
        return NOT_APPLICABLE
    return FRAMEWORK.scale[index % len(FRAMEWORK.scale)].id


PLAN = {marker.code: _plan(marker, index) for index, marker in enumerate(FRAMEWORK.markers)}


def _working(code: str) -> str:
    return f"People told us {code} is **mostly true**.\n- calls answered\n- leaflets"


def _needs_change(code: str) -> str:
    return f"More Easy Read for {code}."


@pytest.fixture(params=["js", "nojs", "keyboard"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def journey(mode: str, browser: Browser) -> Iterator[JourneyBrowser]:
    """Fresh browser contexts; JavaScript is off only in "nojs"."""
    journey = JourneyBrowser(browser, js=mode != "nojs")
    yield journey
    journey.close()


def _error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


# Doing things: with a pointer, or with the keyboard alone ----------------------------------

_WAY_TO = """
(target, fragment) => {
  // Marks `target` for tab_to, and says which way it is: "here" (focused already), "skip"
  // (nothing focused on a page just loaded, target in <main>), "forward" or "back".
  document.querySelectorAll('[data-journey-target]').forEach(
    (element) => element.removeAttribute('data-journey-target'));
  target.setAttribute('data-journey-target', '');
  const active = document.activeElement;
  if (active === target) return 'here';
  let from = active;
  if (!active || active === document.body) {
    // Nothing focused: Tab starts from the element the URL's #fragment names, if any.
    from = fragment ? document.getElementById(fragment) : null;
    if (!from) return target.closest('#main-content') ? 'skip' : 'forward';
  }
  return from.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING
    ? 'forward' : 'back';
}
"""


@dataclass
class Person:
    """One person's browser page, used as the journey's mode says."""

    page: Page
    mode: str

    @property
    def keyboard(self) -> bool:
        return self.mode == "keyboard"

    @property
    def js(self) -> bool:
        return self.mode != "nojs"

    def focus(self, target: Locator) -> None:
        """Keyboard only: Tab (or Shift+Tab, if it is behind) to `target`, checking that
        focus is visible at every stop on the way."""
        assert self.keyboard
        way = target.evaluate(_WAY_TO, self.page.url.partition("#")[2])
        if way == "here":
            self.assert_focus_visible()
            return
        if way == "skip":
            self.skip_to_main()
        tab_to(self.page, "[data-journey-target]", key="Shift+Tab" if way == "back" else "Tab",
               max_presses=80)

    def skip_to_main(self) -> None:
        """On a page just loaded: the first Tab reaches the skip link; Enter follows it."""
        self.page.keyboard.press("Tab")
        skip = self.page.get_by_role("link", name="Skip to main content")
        expect(skip).to_be_focused()
        self.assert_focus_visible()
        self.page.keyboard.press("Enter")
        expect(self.page.locator("#main-content")).to_be_focused()

    def follow(self, link: Locator) -> None:
        if self.keyboard:
            self.focus(link)
            self.page.keyboard.press("Enter")
        else:
            link.click()

    def press(self, button: Locator) -> None:
        if self.keyboard:
            self.focus(button)
            self.page.keyboard.press("Enter")
        else:
            button.click()

    def button(self, name: str, within: Locator | None = None) -> None:
        self.press((within or self.page).get_by_role("button", name=name, exact=True))

    def fill(self, field: Locator, text: str) -> None:
        if self.keyboard:
            self.focus(field)
            self.page.keyboard.press("Control+A")
            if text:
                self.page.keyboard.type(text)
            else:
                self.page.keyboard.press("Delete")
        else:
            field.fill(text)
        expect(field).to_have_value(text)

    def choose(self, name: str, value: str) -> None:
        """Choose the radio `value` of the group `name` (keyboard: Tab in, arrows across)."""
        radio = self.page.locator(f"input[type=radio][name={name}][value='{value}']")
        if not self.keyboard:
            radio.check()
            return
        group = self.page.locator(f"input[type=radio][name={name}]")
        checked = group.locator(":scope:checked")
        # Tab lands on the chosen radio of a group, or on its first when none is chosen.
        self.focus(checked if checked.count() else group.first)
        values = group.evaluate_all("(radios) => radios.map((radio) => radio.value)")
        current = self.page.evaluate("() => document.activeElement.value")
        steps = values.index(value) - values.index(current)
        for _ in range(abs(steps)):
            self.page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
        if steps == 0:
            self.page.keyboard.press("Space")
        expect(radio).to_be_focused()
        expect(radio).to_be_checked()
        self.assert_focus_visible()

    def tick(self, checkbox: Locator) -> None:
        if self.keyboard:
            self.focus(checkbox)
            self.page.keyboard.press("Space")
        else:
            checkbox.check()
        expect(checkbox).to_be_checked()

    def open_details(self, summary: str) -> None:
        details = self.page.locator("details").filter(
            has=self.page.locator("summary", has_text=summary))
        self.press(details.locator("summary"))
        expect(details).to_have_attribute("open", "")

    def assert_focus_visible(self) -> None:
        style = focus_indicator(self.page)
        assert style is not None and has_visible_focus(style), style

    def log_in(self, live_server: str, email_address: str) -> None:
        if not self.keyboard:
            log_in(self.page, live_server, email_address, PASSWORD)
            return
        self.page.goto(f"{live_server}/login")
        self.fill(self.page.locator("#email"), email_address)
        self.fill(self.page.locator("#password"), PASSWORD)
        self.button("Log in")
        expect(self.page).to_have_url(f"{live_server}/manage")

    def mark_page(self) -> None:
        """Set a property that a reload or navigation would lose (see STILL_HERE)."""
        self.page.evaluate("() => { window.__assessmentJourney = 'still here' }")


# Rating ------------------------------------------------------------------------------------

def _rate(person: Person, code: str, *, level: str | None = None, working: str | None = None,
          needs_change: str | None = None, flag: str | None = None,
          full_keyboard: bool = False) -> None:
    """Fill in the rating form of the marker page open now, save it, and check it saved.

    In keyboard mode, only markers rated with `full_keyboard` get the Markdown over several
    lines and both boxes; the rest get a few words typed in one box, to keep the run quick
    (each is still a level chosen with the arrows, words typed, and Save pressed).
    """
    page = person.page
    form = page.locator("#rating-form")
    level = level or PLAN[code]
    quick = person.keyboard and not full_keyboard
    working = working if working is not None else f"{code}: true for most." if quick \
        else _working(code)
    needs_change = needs_change if needs_change is not None else "" if quick \
        else _needs_change(code)
    person.choose("level", level)
    person.fill(form.locator("#working"), working)
    if needs_change or not quick:
        person.fill(form.locator("#needs_change"), needs_change)
    if flag is not None:
        person.tick(form.get_by_label(flag, exact=True))
    _save(person, code)
    expect(form.locator(f"input[name=level][value='{level}']")).to_be_checked()
    expect(form.locator("#working")).to_have_value(working)
    expect(form.locator("#needs_change")).to_have_value(needs_change)


def _save(person: Person, code: str) -> None:
    """Press "Save this marker": inline with JavaScript (no reload, focus kept on the
    button), or Post/Redirect/Get with a success banner without it."""
    page = person.page
    url = page.url
    if person.js:
        person.mark_page()
        with page.expect_response(lambda response: response.request.method == "POST"
                                  and response.url == url.split("#")[0]) as answer:
            person.button("Save this marker", within=page.locator("#rating-form"))
        assert answer.value.status == 200, answer.value.status
    else:
        person.button("Save this marker", within=page.locator("#rating-form"))
    if person.js:
        expect(page.locator("#rating-status .mir-saved")).to_have_text(SAVED_AT)
        assert page.evaluate(STILL_HERE), "the page reloaded instead of saving inline"
        assert page.url == url
        save = page.locator("#rating-form").get_by_role("button", name="Save this marker")
        expect(save).to_be_focused()
        if person.keyboard:
            person.assert_focus_visible()
    else:
        expect(flash(page)).to_contain_text(f"Saved {code} at ")
        assert page.url.split("#")[0] == url.split("#")[0]


def _next_marker(person: Person, code: str) -> None:
    person.follow(person.page.get_by_role("link", name=re.compile(r"^Next marker")))
    expect(heading(person.page)).to_have_text(_marker(code).statement)


def _previous_marker(person: Person, code: str) -> None:
    person.follow(person.page.get_by_role("link", name=re.compile(r"^Previous marker")))
    expect(heading(person.page)).to_have_text(_marker(code).statement)


def _marker(code: str) -> Marker:
    marker = FRAMEWORK.marker(code)
    assert marker is not None
    return marker


def _expected_counts(theme_index: int) -> dict[str, int]:
    counts = dict.fromkeys([*LEVEL_LABELS, "not_rated"], 0)
    for marker in THEMES[theme_index].markers:
        counts[PLAN[marker.code]] += 1
    return counts


# The journey -------------------------------------------------------------------------------

def test_assessment_journey(live_server: str, settings: Settings, journey: JourneyBrowser,
                            mode: str, tmp_path: Path) -> None:
    with Session(engine_for(settings.database_url)) as db:
        owner_user = make_user(db, email="olu@example.org", name="Olu Owner")
        organisation = make_organisation(db, owner=owner_user, name=ORG_NAME)
        add_member(db, organisation, make_user(db, email="eden@example.org",
                                               name="Eden Editor"), "editor")
        make_commitment(db, organisation, framework_id=FRAMEWORK.id)
        db.commit()
        slug = organisation.slug
    workspace = f"{live_server}/manage/{slug}"
    check = journey.check_axe

    # 1. Two people log in, each in a browser of their own. ---------------------------------
    owner = Person(journey.new_page(), mode)
    editor = Person(journey.new_page(), mode)
    owner.log_in(live_server, "olu@example.org")
    editor.log_in(live_server, "eden@example.org")

    # 2. The owner starts an assessment and sees its overview. -------------------------------
    owner.page.goto(workspace)
    owner.follow(owner.page.get_by_role("navigation", name=ORG_NAME)
                 .get_by_role("link", name="Assessments"))
    expect(heading(owner.page)).to_have_text("Assessments")
    check(owner.page, "assessments list")
    expect(owner.page.get_by_label(FRAMEWORK.title, exact=True)).to_be_checked()
    owner.fill(owner.page.get_by_label("Name", exact=True), FIRST_CYCLE)
    owner.button("Start")
    expect(heading(owner.page)).to_have_text(FIRST_CYCLE)
    expect(flash(owner.page)).to_contain_text(f"You have started “{FIRST_CYCLE}”.")
    expect(owner.page.locator("#main-content")).to_contain_text("0 of 26 markers rated")
    check(owner.page, "overview, nothing rated")
    first_cycle = owner.page.url

    # The editor finds it from the list of assessments.
    editor.page.goto(f"{workspace}/assessments")
    editor.follow(editor.page.get_by_role("link", name=FIRST_CYCLE, exact=True))
    expect(editor.page).to_have_url(first_cycle)

    # Each opens the first theme of their half from the overview, then goes marker by marker.
    halves = {"owner": (owner, THEMES[:3]), "editor": (editor, THEMES[3:])}
    for who, (person, themes) in halves.items():
        page = person.page
        person.follow(page.locator(".mir-theme-links").get_by_role(
            "link", name=themes[0].title, exact=True))
        expect(heading(page)).to_have_text(themes[0].title)
        expect(page.get_by_role("table")).to_contain_text("Not rated yet")
        if who == "owner":
            check(page, "theme, nothing rated")
        person.follow(page.get_by_role("link", name=themes[0].markers[0].statement,
                                       exact=True))
        expect(heading(page)).to_have_text(themes[0].markers[0].statement)
    check(owner.page, "marker, not rated")

    # Taking turns, a theme at a time (the Next link leads on into the next theme).
    rated = 0
    for turn in range(3):
        for who, (person, themes) in halves.items():
            for position, marker in enumerate(themes[turn].markers):
                if turn or position:
                    _next_marker(person, marker.code)
                if marker.code == NOT_APPLICABLE_MARKER:
                    _does_not_apply_with_an_error_first(person, journey, marker.code)
                else:
                    _rate(person, marker.code,
                          flag=FLAGGED.red_flags[0] if marker.code == FLAGGED.code else None,
                          full_keyboard=rated < KEYBOARD_FULL_PATH)
                rated += 1
                if who == "owner" and turn == 0 and position == 1:
                    _back_and_forth(person, themes[0].markers)
    assert rated == 26
    check(owner.page, "marker, saved")

    # 3. Evidence on the first marker: a note, a link, a file and a quote. -------------------
    owner.page.goto(f"{first_cycle}/markers/{EVIDENCE}")
    _add_evidence(owner, journey, tmp_path)

    # 4. The co-production record. ------------------------------------------------------------
    _co_production(owner, journey, first_cycle)

    # 5. Both open the same marker and both save: the second merges on the conflict page. ----
    _conflict(owner, editor, journey, f"{first_cycle}/markers/{CONFLICT}")

    # 6. The overview adds up. ----------------------------------------------------------------
    _check_overview(owner, journey, first_cycle)

    # A second cycle, carried over from the first, and the two compared.
    _second_cycle(owner, journey, workspace)

    journey.assert_accessible()
    # The conflict answers 409 Conflict, which Chromium logs when htmx receives it.
    journey.assert_no_console_errors(ignore=("status of 409",))


def _back_and_forth(person: Person, markers: Sequence[Marker]) -> None:
    """Previous shows the first marker as saved; Next comes back to the second."""
    first, second = markers[0], markers[1]
    _previous_marker(person, first.code)
    form = person.page.locator("#rating-form")
    expect(form.locator(f"input[name=level][value='{PLAN[first.code]}']")).to_be_checked()
    expect(form.locator("#needs_change")).to_have_value(_needs_change(first.code))
    expect(form.get_by_label(FLAGGED.red_flags[0], exact=True)).to_be_checked()
    _next_marker(person, second.code)
    expect(form.locator(f"input[name=level][value='{PLAN[second.code]}']")).to_be_checked()


def _does_not_apply_with_an_error_first(person: Person, journey: JourneyBrowser,
                                        code: str) -> None:
    """Choosing "does not apply" without a reason is refused, keeping the words; then it is
    saved with one."""
    page = person.page
    form = page.locator("#rating-form")
    working = "We do not hold **personal budgets**: the council does."
    person.choose("level", NOT_APPLICABLE)
    person.fill(form.locator("#working"), working)
    person.fill(form.locator("#needs_change"), "")
    if person.js:
        person.mark_page()
    person.button("Save this marker", within=form)
    summary = _error_summary(page)
    expect(summary).to_contain_text("There is a problem")
    link = summary.get_by_role("link", name="Say why this marker does not apply to you")
    expect(link).to_have_attribute("href", "#not_applicable_reason")
    expect(page.locator("#not_applicable_reason-error")).to_contain_text(
        "Say why this marker does not apply to you")
    expect(form.locator("#working")).to_have_value(working)
    expect(form.locator(f"input[name=level][value='{NOT_APPLICABLE}']")).to_be_checked()
    if person.js:
        assert page.evaluate(STILL_HERE), "the page reloaded instead of answering inline"
        expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    else:
        expect(page).to_have_title(re.compile(r"^Error: "))
    journey.check_axe(page, "marker, with an error")
    if person.js:
        person.follow(link)
        expect(form.locator("#not_applicable_reason")).to_be_focused()
    reason = "Personal budgets are run by the council, not by us."
    person.fill(form.locator("#not_applicable_reason"), reason)
    _save(person, code)
    expect(_error_summary(page)).to_have_count(0)
    expect(form.locator("#not_applicable_reason")).to_have_value(reason)
    expect(form.locator("#working")).to_have_value(working)


# Evidence ---------------------------------------------------------------------------------

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + \
    b"PE\x00\x00L\x01" + b"\x00" * 64


def _choose_file(person: Person, path: Path) -> None:
    """Choose the file to upload; by keyboard, Space on the field opens the file chooser."""
    page = person.page
    field = page.locator("#file_upload")
    if not person.keyboard:
        field.set_input_files(str(path))
        return

    def choose(chooser: FileChooser) -> None:
        chooser.set_files(str(path))

    # Listening before the key press (not expect_file_chooser around it) makes sure
    # Playwright intercepts the chooser in time, even on a busy machine.
    page.on("filechooser", choose)
    try:
        person.focus(field)
        page.keyboard.press("Space")
        expect(field).to_have_value(re.compile(re.escape(path.name) + "$"))
    finally:
        page.remove_listener("filechooser", choose)


def _add_evidence(person: Person, journey: JourneyBrowser, tmp_path: Path) -> None:
    page = person.page
    code = EVIDENCE
    evidence = page.locator(".mir-evidence")
    expect(evidence).to_contain_text("No evidence added yet.")

    # A note.
    person.open_details("Add a note")
    person.fill(page.get_by_label("Note", exact=True), "Eight of ten callers got through.")
    person.button("Add note")
    expect(flash(page)).to_contain_text(f"Your note has been added to {code}.")
    expect(evidence.locator(".mir-evidence__item")).to_have_count(1)

    # A link: a javascript: address is refused, and the words are kept.
    person.open_details("Add a link")
    address, description = "javascript:alert(document.cookie)", "Our helpline survey report"
    person.fill(page.get_by_label("Web address"), address)
    person.fill(page.locator("#link_description"), description)
    person.button("Add link")
    summary = _error_summary(page)
    link = summary.get_by_role("link", name="Enter a web address starting with https://")
    expect(link).to_have_attribute("href", "#link_url")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("details#add-link")).to_have_attribute("open", "")
    expect(page.get_by_label("Web address")).to_have_value(address)
    expect(page.locator("#link_description")).to_have_value(description)
    journey.check_axe(page, "marker, evidence link refused")
    if person.js:
        person.follow(link)
        expect(page.get_by_label("Web address")).to_be_focused()
    person.fill(page.get_by_label("Web address"), "https://www.example.org/helpline-survey")
    person.button("Add link")
    expect(flash(page)).to_contain_text(f"Your link has been added to {code}.")
    expect(evidence.get_by_role("link", name="https://www.example.org/helpline-survey")) \
        .to_have_attribute("href", "https://www.example.org/helpline-survey")

    # A file: a program renamed .pdf is refused by its content, and the words are kept.
    fake = tmp_path / "minutes.pdf"
    fake.write_bytes(EXE)
    real = tmp_path / "Helpline minutes.pdf"
    real.write_bytes(PDF)
    person.open_details("Upload a file")
    _choose_file(person, fake)
    file_words = "Minutes of the March helpline meeting"
    person.fill(page.locator("#file_description"), file_words)
    person.button("Upload file")
    link = _error_summary(page).get_by_role("link", name="This file is not really a PDF")
    expect(link).to_have_attribute("href", "#file_upload")
    expect(page.locator("#file_upload-error")).to_contain_text("This file is not really a PDF")
    expect(page.locator("details#add-file")).to_have_attribute("open", "")
    expect(page.locator("#file_description")).to_have_value(file_words)
    expect(page.locator("details#add-file")).to_contain_text("Select the file again")
    journey.check_axe(page, "marker, evidence file refused")
    if person.js:
        person.follow(link)
        expect(page.locator("#file_upload")).to_be_focused()
    _choose_file(person, real)
    person.button("Upload file")
    expect(flash(page)).to_contain_text(f"Your file has been added to {code}.")
    download = evidence.get_by_role("link", name="Helpline minutes.pdf")
    href = download.get_attribute("href")
    assert href is not None
    answer = page.request.get(urljoin(page.url, href))
    assert answer.ok and answer.body() == PDF, answer.status

    # A quote, from someone who agreed to be named.
    person.open_details("Add a quote from a person")
    person.fill(page.get_by_label("What they said"), "I rang once and got the answer I needed.")
    person.choose("quote_source_kind", "person_using_support")
    person.choose("quote_consent", "yes")
    person.fill(page.get_by_label("Their name (optional)"), "Pat")
    person.choose("quote_publishable", "yes")
    person.button("Add quote")
    expect(flash(page)).to_contain_text(f"Your quote has been added to {code}.")
    items = evidence.locator(".mir-evidence__item")
    expect(items).to_have_count(4)
    expect(items.nth(3)).to_contain_text("I rang once and got the answer I needed.")
    expect(items.nth(3)).to_contain_text("Said by Pat.")
    expect(items.nth(3)).to_contain_text("May be published")
    expect(items.nth(0)).to_contain_text("Added by you")
    journey.check_axe(page, "marker, with evidence")


# Co-production -----------------------------------------------------------------------------

def _co_production(person: Person, journey: JourneyBrowser, cycle: str) -> None:
    page = person.page
    page.goto(cycle)
    person.follow(page.get_by_role("link", name="fill in the co-production record", exact=True))
    expect(heading(page)).to_have_text("Who took part, and how")
    journey.check_axe(page, "co-production")
    person.fill(page.get_by_label("People who use support"), "12")
    person.fill(page.get_by_label("Family carers"), "4")
    person.fill(page.get_by_label("Staff", exact=True), "three")
    person.tick(page.get_by_label("Workshops or meetings"))
    said = "People liked meeting at the library.\nThey want evening sessions next time."
    person.fill(page.get_by_label("In their own words, what did people say about the way "
                                  "you did this?"), said)
    person.button("Save")
    link = _error_summary(page).get_by_role(
        "link", name="Enter the number of staff as a whole number, like 12")
    expect(link).to_have_attribute("href", "#staff")
    expect(page.get_by_label("Staff", exact=True)).to_have_value("three")
    expect(page.get_by_label("People who use support")).to_have_value("12")
    expect(page.get_by_label("Workshops or meetings")).to_be_checked()
    journey.check_axe(page, "co-production, with an error")
    person.fill(page.get_by_label("Staff", exact=True), "3")
    person.button("Save")
    expect(flash(page)).to_contain_text("Saved who took part and how.")
    expect(page.locator("#main-content")).to_contain_text(
        "This record is complete enough to publish with the assessment.")
    expect(page.get_by_label("Family carers")).to_have_value("4")
    journey.check_axe(page, "co-production, saved")


# The conflict ------------------------------------------------------------------------------

def _conflict(owner: Person, editor: Person, journey: JourneyBrowser, url: str) -> None:
    for person in (owner, editor):
        person.page.goto(url)
        expect(heading(person.page)).to_have_text(_marker(CONFLICT).statement)

    theirs = "Eden: the **new phone line** works."
    _rate(editor, CONFLICT, level="real", working=theirs, needs_change="Eden's change.",
          full_keyboard=True)

    page = owner.page
    form = page.locator("#rating-form")
    ours = "Olu: callers still wait *too long*."
    owner.choose("level", PLAN[CONFLICT])
    owner.fill(form.locator("#working"), ours)
    if owner.js:
        owner.mark_page()
    owner.button("Save this marker", within=form)
    expect(form).to_contain_text("Someone else saved this marker while you were working on it")
    conflict = form.locator(".mir-conflict")
    expect(conflict.get_by_role("heading", name="What Eden Editor saved")).to_be_visible()
    expect(conflict.locator("strong", has_text="new phone line")).to_be_visible()  # Markdown
    expect(conflict).to_contain_text("Making it real")
    expect(conflict).to_contain_text("Eden's change.")
    expect(form.locator("#working")).to_have_value(ours)
    expect(form.locator(f"input[name=level][value='{PLAN[CONFLICT]}']")).to_be_checked()
    if owner.js:
        assert page.evaluate(STILL_HERE), "the page reloaded instead of answering inline"
        expect(_error_summary(page)).to_be_focused()  # so that it is read out first
    else:
        expect(page).to_have_title(re.compile(r"^Error: "))
    journey.check_axe(page, "marker, conflict")

    merged = f"{ours}\n{theirs}"
    owner.fill(form.locator("#working"), merged)
    owner.fill(form.locator("#needs_change"), "Eden's change. And shorter waits.")
    _save(owner, CONFLICT)
    expect(form.locator(".mir-conflict")).to_have_count(0)
    expect(form.locator("#working")).to_have_value(merged)

    editor.page.reload()
    expect(editor.page.locator("#working")).to_have_value(merged)
    expect(editor.page.locator(f"input[name=level][value='{PLAN[CONFLICT]}']")).to_be_checked()


# The overview, and a second cycle ----------------------------------------------------------

def _check_overview(person: Person, journey: JourneyBrowser, cycle: str) -> None:
    page = person.page
    page.goto(cycle)
    main = page.locator("#main-content")
    expect(main.locator(".mir-progress__text")).to_have_text("26 of 26 markers rated")
    expect(main).to_contain_text("Every marker has a level.")
    expect(main).to_contain_text("You have 4 pieces of evidence.")
    expect(main).to_contain_text("Filled in")
    table = page.locator("#levels-table")
    for index, theme in enumerate(THEMES):
        row = table.get_by_role("row").filter(has=page.get_by_role(
            "link", name=theme.title, exact=True))
        for key, count in _expected_counts(index).items():
            expect(row.locator(f"td[data-level='{key}']")).to_have_text(str(count))
    totals = table.locator("tfoot tr")
    for key in LEVEL_LABELS:
        expect(totals.locator(f"td[data-level='{key}']")).to_have_text(
            str(sum(1 for level in PLAN.values() if level == key)))
    expect(totals.locator("td[data-level='not_rated']")).to_have_text("0")
    # The chart: a bar per theme whose numbered segments add up to the theme's markers.
    bars = page.locator("#levels-chart .mir-chart__bar")
    expect(bars).to_have_count(len(THEMES))
    for index, theme in enumerate(THEMES):
        bar = bars.nth(index)
        expect(bar.locator(".mir-chart__label")).to_have_text(theme.title)
        expect(bar.locator(".mir-chart__total")).to_have_text(f"{len(theme.markers)} markers")
        counts = [int(text) for text in bar.locator(".mir-chart__count").all_text_contents()]
        expected = [count for count in _expected_counts(index).values() if count]
        assert counts == expected, (theme.title, counts, expected)
    flags = page.get_by_role("table").filter(has_text="Warning sign")
    expect(flags.get_by_role("row").nth(1)).to_contain_text(FLAGGED.red_flags[0])
    journey.check_axe(page, "overview, all rated")

    # A theme page shows the levels and the evidence.
    person.follow(page.locator(".mir-theme-links").get_by_role(
        "link", name=THEMES[0].title, exact=True))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=_marker(
        EVIDENCE).statement, exact=True))
    expect(row).to_contain_text(LEVEL_LABELS[PLAN[EVIDENCE]])
    expect(row.locator("td").nth(1)).to_have_text("4")
    expect(page.get_by_text("Not rated yet")).to_have_count(0)
    journey.check_axe(page, "theme, all rated")


def _second_cycle(person: Person, journey: JourneyBrowser, workspace: str) -> None:
    page = person.page
    page.goto(f"{workspace}/assessments")
    person.fill(page.get_by_label("Name", exact=True), SECOND_CYCLE)
    carry = page.get_by_label("Yes, copy the levels and words from the last assessment of "
                              "this framework")
    expect(carry).to_be_checked()
    person.button("Start")
    expect(heading(page)).to_have_text(SECOND_CYCLE)
    main = page.locator("#main-content")
    expect(main.locator(".mir-progress__text")).to_have_text("26 of 26 markers rated")
    expect(page.locator("#carried-over ~ ul").first.get_by_role("link")).to_have_count(26)
    journey.check_axe(page, "overview, carried over")

    # The first marker moves up a level, with new words.
    person.follow(page.get_by_role("link", name=re.compile(
        rf"^Check the 26 markers carried over.*starting with {EVIDENCE}")))
    expect(page.locator("#rating-form")).to_contain_text("Carried over from your last")
    up = FRAMEWORK.scale[1].id
    assert PLAN[EVIDENCE] == FRAMEWORK.scale[0].id
    _rate(person, EVIDENCE, level=up, working="Nine of ten callers get through now.",
          needs_change="Keep it up.")
    expect(page.locator("#rating-form")).not_to_contain_text("Carried over from your last")

    page.goto(page.url.rsplit("/markers/", 1)[0])
    person.follow(page.get_by_role("link", name="Compare with your last assessment"))
    expect(heading(page)).to_have_text("Compare two assessments")
    expect(page).to_have_title(re.compile(f"^{FIRST_CYCLE} and {SECOND_CYCLE} compared"))
    summary = page.locator(".mir-compare-summary")
    expect(summary.locator("[data-change=up]")).to_have_text("1 marker")
    expect(summary.locator("[data-change=down]")).to_have_text("0 markers")
    expect(summary.locator("[data-change=same]")).to_have_text("25 markers")
    row = page.locator(f"#marker-{EVIDENCE}")
    expect(row).to_contain_text(f"Moved up from {LEVEL_LABELS[PLAN[EVIDENCE]]} to "
                                f"{LEVEL_LABELS[up]}")
    person.follow(row.get_by_role("link", name=re.compile("^Words changed")))
    expect(page).to_have_url(re.compile(f"#words-{EVIDENCE}$"))
    words = page.locator(f"details#words-{EVIDENCE}")
    if person.js:  # the link opens the folded section it points into
        expect(words).to_have_attribute("open", "")
    else:
        person.open_details(f"{EVIDENCE}: ")
    expect(words.locator("strong", has_text="mostly true")).to_be_visible()  # Markdown
    expect(words).to_contain_text("Nine of ten callers get through now.")
    journey.check_axe(page, "compare")
