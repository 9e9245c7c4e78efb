"""Independent views in a real browser, with JavaScript on and off, on each database engine,
with axe-core on every page: a DPULO writes and publishes a view of a council's published
plan and the council's owners are emailed; someone reports a concern; the council replies and
the DPULO is emailed; a council owner stops and restarts their reminder emails; the public
reads both side by side (on the council's page of its own, its profile and its area's page)
and follows the council; a site admin hides the view with a public reason, shown in its place
on the view's page and the area page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from app.assessments.models import Assessment
from app.clock import today
from app.config import Settings
from app.db import engine_for
from app.voice import service as voice_service
from tests.browser.helpers import (
    JourneyBrowser,
    email_link,
    flash,
    heading,
    log_in,
    newest_email,
    outbox_names,
    submit,
)
from tests.factories import PASSWORD, make_organisation, make_user
from tests.views.factories import publish_plan
from tests.voice.helpers import open_round_in_db

pytestmark = pytest.mark.browser

DRAFT_SECRET = "BROWSER-DRAFT-SECRET-5b7c"
AREA = "E08000001"  # where make_organisation puts both organisations


def test_views_journey(live_server: str, settings: Settings, journey: JourneyBrowser) -> None:
    with Session(engine_for(settings.database_url)) as db:
        council_owner = make_user(db, email="council@example.org", name="Council Owner")
        council = make_organisation(db, owner=council_owner, name="Bury Council",
                                    kind="council", slug="bury-council")
        publish_plan(db, council, council_owner, upload_dir=settings.upload_dir,
                     draft_secret=DRAFT_SECRET)
        dpulo_owner = make_user(db, email="dpulo@example.org", name="Dee Pulo")
        make_organisation(db, owner=dpulo_owner, name="Bury Voice", slug="bury-voice")
        make_user(db, email="admin@example.org", admin=True)
        db.commit()
    check = journey.check_axe

    # The DPULO starts a view of the council's published plan.
    page = journey.new_page()
    log_in(page, live_server, "dpulo@example.org", PASSWORD)
    page.goto(f"{live_server}/manage/bury-voice/views")
    expect(heading(page)).to_have_text("Independent views")
    check(page, "views list")
    # Organisations of its own area come first; a search (as you type with JavaScript,
    # with the Search button without) finds any organisation, spelt nearly right.
    expect(page.get_by_label(re.compile(r"Bury Council: "))).to_have_count(1)
    page.get_by_label("Search for an organisation").fill("bury cuncil")
    submit(page, "Search")
    expect(page.get_by_role("status").filter(has_text="1 match found")).to_have_count(1)
    check(page, "views list, searched")
    page.get_by_label(re.compile(r"Bury Council: ")).check()
    submit(page, "Start a view")
    expect(heading(page)).to_have_text("Your view of Bury Council")
    expect(flash(page)).to_contain_text("You have started a view")
    expect(page.get_by_text(DRAFT_SECRET)).to_have_count(0)
    check(page, "view overview")
    base = page.url

    # A marker: the council's published words beside the form, never its drafts.
    page.get_by_role("link", name=re.compile(r"^IA1: ")).click()
    expect(page.get_by_role("complementary")).to_contain_text("Public words on IA1")
    expect(page.get_by_text(DRAFT_SECRET)).to_have_count(0)
    check(page, "marker")
    page.get_by_label("Getting started", exact=True).check()
    page.get_by_label("Why: what people told you").fill("People wait months for a call back.")
    submit(page, "Save this marker")
    if journey.js:
        expect(page.locator("#rating-status .mir-saved")).to_contain_text("Saved at")
        assert page.url == f"{base}/markers/IA1"
    else:
        expect(flash(page)).to_contain_text("Saved IA1 at")
    check(page, "marker saved")

    # How local people's views were gathered.
    page.goto(f"{base}/co-production")
    expect(heading(page)).to_have_text("How local people's views were gathered")
    check(page, "co-production")
    page.get_by_label("People who use support").fill("14")
    page.get_by_label("Workshops or meetings").check()
    page.get_by_label("In their own words, what did people say about the way you did "
                      "this?").fill("People liked meeting at the library.")
    submit(page, "Save")
    expect(flash(page)).to_contain_text("Saved who took part and how.")
    check(page, "co-production saved")

    # People's voice: five local people answered the DPULO's round (on paper, here); the
    # counts sit beside the view's levels, and IA2 (no answers) stays "fewer than 5".
    with Session(engine_for(settings.database_url)) as db:
        view = db.get(Assessment, int(base.rsplit("/", 1)[1]))
        assert view is not None
        voice_round = open_round_in_db(db, view, codes=["IA1", "IA2"])
        for _ in range(5):
            voice_service.enter_paper(
                db, actor_id=view.created_by_id or 0, organisation_id=view.organisation_id,
                voice_round=voice_round, answers={"IA1": {"answer": "no", "comment": ""}},
                respondent_kind="person", may_share=False, today=today())
        db.commit()
        round_id = voice_round.id
    page.goto(base)
    expect(page.locator("#peoples-voice")).to_be_visible()
    expect(page.get_by_text("5 people answered", exact=False).first).to_be_visible()
    check(page, "view overview with people's voice")
    page.goto(f"{base}/voice/{round_id}")
    check(page, "the view's round of questions")

    # Publish: the council's owners are told.
    before = outbox_names(settings.outbox_dir)
    page.goto(f"{base}/publish")
    expect(heading(page)).to_have_text("Preview and publish")
    check(page, "publish")
    submit(page, "Publish now")
    expect(heading(page)).to_contain_text("Independent view, published")
    expect(page.get_by_text("rate this one level lower than Bury Council does.")).to_be_visible()
    expect(page.get_by_text("5 people answered.")).to_be_visible()
    check(page, "view publication")
    view_url = page.url
    told = newest_email(settings.outbox_dir, to="council@example.org", not_in=before)
    reply_link = email_link(told, live_server, "/manage/bury-council/views/received/")

    # Anyone may report a concern, without an account.
    public = journey.new_page()
    public.goto(view_url)
    public.get_by_role("link", name="Report a concern about this publication").click()
    expect(heading(public)).to_have_text("Report a concern about this publication")
    check(public, "concern form")
    submit(public, "Send the report")
    expect(public.locator(".govuk-error-summary")).to_contain_text(
        "Tell us what is wrong with this publication")
    check(public, "concern form with an error")
    public.get_by_label("What is the problem?").fill("It quotes my neighbour by name.")
    submit(public, "Send the report")
    expect(heading(public)).to_have_text("Thank you for your report")
    check(public, "concern sent")

    # The council replies, and the DPULO's owners are told.
    council_page = journey.new_page()
    log_in(council_page, live_server, "council@example.org", PASSWORD)
    council_page.goto(reply_link)
    expect(heading(council_page)).to_have_text("Bury Voice's view of Bury Council")
    check(council_page, "received view")
    council_page.get_by_label("Your reply to the whole view").fill("Thank you. We will act.")
    council_page.locator("#marker-IA1").fill("We are hiring two more advisers.")
    submit(council_page, "Check your reply")  # a preview first: publishing is for good
    expect(council_page.get_by_role("heading", name="Check your reply before you publish it")
           ).to_be_visible()
    check(council_page, "reply preview")
    before = outbox_names(settings.outbox_dir)
    submit(council_page, "Publish reply")
    expect(heading(council_page)).to_contain_text("Reply to an independent view, published")
    check(council_page, "reply publication")
    replied = newest_email(settings.outbox_dir, to="dpulo@example.org", not_in=before)
    page.goto(email_link(replied, live_server, "/organisations/bury-council/publications/"))
    expect(page.get_by_text("We are hiring two more advisers.")).to_be_visible()

    # A council owner stops their reminder emails, then starts them again.
    council_page.goto(f"{live_server}/manage/bury-council/reminders")
    expect(heading(council_page)).to_have_text("Reminder emails")
    expect(council_page.locator("#reminders-status")).to_have_text(
        "You get reminder emails about Bury Council.")
    check(council_page, "reminder emails")
    council_page.get_by_label("No, do not email me reminders").check()
    submit(council_page, "Save")
    expect(flash(council_page)).to_contain_text(
        "You will not get reminder emails about Bury Council.")
    expect(council_page.locator("#reminders-status")).to_contain_text("you stopped them on")
    check(council_page, "reminder emails stopped")
    council_page.get_by_label("Yes, email me when something is due").check()
    submit(council_page, "Save")
    expect(flash(council_page)).to_contain_text(
        "You will get reminder emails about Bury Council again.")
    expect(council_page.locator("#reminders-status")).to_have_text(
        "You get reminder emails about Bury Council.")

    # The public reads both side by side, and follows the council.
    public.goto(f"{live_server}/organisations/bury-council/independent-views")
    expect(heading(public)).to_have_text("What local people say about Bury Council")
    expect(public.get_by_text("We are hiring two more advisers.")).to_be_visible()
    check(public, "side by side")
    public.goto(f"{live_server}/organisations/bury-council")
    expect(public.get_by_role("heading", name="What local people say", exact=True)) \
        .to_be_visible()
    check(public, "profile with side by side")
    # The area's page: the view counted in words, marker by marker folded away.
    public.goto(f"{live_server}/areas/{AREA}")
    expect(public.get_by_role("heading", name="What local people say", exact=True)) \
        .to_be_visible()
    expect(public.get_by_text("Local people give a lower level than Bury Council on 1 "
                              "marker.")).to_be_visible()
    reply_cell = public.get_by_role("cell", name="“We are hiring two more advisers.”")
    expect(reply_cell).to_be_hidden()
    public.locator("summary", has_text="Marker by marker").click()
    expect(reply_cell).to_be_visible()
    row = public.get_by_role("row", name=re.compile(r"^IA1 "))
    expect(row.get_by_role("cell").nth(1)).to_have_text(
        re.compile(r"^Getting started\. Local people rate this one level lower than Bury "
                   r"Council does\. Bury Voice asked them\."))
    check(public, "area with side by side")
    public.get_by_role("link", name=re.compile(r"^Every word side by side")).click()
    expect(heading(public)).to_have_text("What local people say about Bury Council")
    public.goto(f"{live_server}/organisations/bury-council")
    public.get_by_role("link", name="Get an email when Bury Council puts out something new") \
        .click()
    expect(heading(public)).to_have_text("Follow Bury Council")
    check(public, "follow")
    before = outbox_names(settings.outbox_dir)
    public.get_by_label("Email address").fill("fan@example.org")
    submit(public, "Follow")
    expect(heading(public)).to_have_text("Check your email")
    check(public, "check your email")
    confirm = newest_email(settings.outbox_dir, to="fan@example.org", not_in=before)
    public.goto(email_link(confirm, live_server, "/follow/confirm/"))
    check(public, "confirm following")
    submit(public, "Yes, send me these emails")
    expect(heading(public)).to_have_text("You are following Bury Council")
    check(public, "following")

    # A site admin hides the view; its reason is shown in its place.
    admin = journey.new_page()
    log_in(admin, live_server, "admin@example.org", PASSWORD)
    admin.goto(f"{live_server}/admin/concerns")
    expect(admin.get_by_text("It quotes my neighbour by name.")).to_be_visible()
    check(admin, "admin concerns")
    admin.get_by_role("link", name=re.compile(r"^Bury Voice: independent view")).click()
    check(admin, "admin publication")
    admin.get_by_label("Why is it hidden?").fill("It names someone who did not agree.")
    submit(admin, "Hide the publication")
    expect(flash(admin)).to_contain_text("The publication is hidden.")
    check(admin, "admin publication hidden")
    public.goto(view_url)
    expect(public.get_by_text("It names someone who did not agree.")).to_be_visible()
    expect(public.get_by_text("People wait months for a call back.")).to_have_count(0)
    check(public, "hidden view")
    # Someone else (this browser may keep the area page for a minute: max-age=60).
    neighbour = journey.new_page()
    neighbour.goto(f"{live_server}/areas/{AREA}")
    expect(neighbour.get_by_text("A site administrator has hidden the view by Bury Voice: "
                                 "It names someone who did not agree.")).to_be_visible()
    expect(neighbour.get_by_text("Marker by marker")).to_have_count(0)
    check(neighbour, "area with the view hidden")
    journey.assert_accessible()
    if journey.js:
        journey.assert_no_console_errors()
