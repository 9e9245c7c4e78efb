"""The whole loop over HTTP: a DPULO writes and publishes a view of a council's published
plan, the council is told and replies, and the public sees both side by side."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.assessments.coproduction import save_co_production
from app.assessments.models import Assessment
from app.assessments.service import start_assessment
from app.audit.models import AuditEvent
from app.clock import now
from app.config import Settings
from app.db import engine_for
from app.following.models import Follower
from app.organisations.repository import by_slug
from app.publications.models import Publication
from tests.conftest import checked_client
from tests.factories import add_member, csrf_token, login, make_organisation, make_user
from tests.views import mail
from tests.views.factories import COMPLETE_CO_PRODUCTION, FRAMEWORK, publish_plan

SECRET = "LOOP-DRAFT-SECRET-9d2e"
COUNCIL, DPULO = "bury-council", "bury-voice"


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


def person(app: FastAPI, email: str) -> TestClient:
    client = checked_client(app)
    login(client, email)
    return client


def post(client: TestClient, path: str, data: dict[str, object], page: str | None = None,
         **kwargs: object):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf_token(client, page or path), **data},
                       **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def world(db: Session, settings: Settings) -> None:
    """A council with a published plan (its drafts changed since, with a secret), a DPULO,
    and a confirmed follower of the council."""
    council_owner = make_user(db, email="council@example.org", name="Council Owner")
    council = make_organisation(db, owner=council_owner, name="Bury Council", kind="council",
                                slug=COUNCIL)
    add_member(db, council, make_user(db, email="council-editor@example.org"), "editor")
    publish_plan(db, council, council_owner, upload_dir=settings.upload_dir,
                 draft_secret=SECRET)
    dpulo_owner = make_user(db, email="dpulo@example.org", name="Dpulo Owner")
    dpulo = make_organisation(db, owner=dpulo_owner, name="Bury Voice", slug=DPULO)
    add_member(db, dpulo, make_user(db, email="dpulo-editor@example.org"), "editor")
    db.add(Follower(email="follower@example.org", organisation_id=council.id,
                    confirmed_at=now()))
    db.commit()


def start(editor: TestClient) -> str:
    page = editor.get(f"/manage/{DPULO}/views").text
    option = re.search(r'value="(\d+)"[^>]*>\s*<label[^>]*>\s*Bury Council', page)
    assert option, "the council's plan is offered"
    response = post(editor, f"/manage/{DPULO}/views", {"about": option.group(1)},
                    f"/manage/{DPULO}/views", follow_redirects=False)
    assert response.status_code == 303
    return str(response.headers["location"])


def rate(client: TestClient, base: str, code: str, level: str, reasons: str,
         **kwargs: object):  # type: ignore[no-untyped-def]
    page = client.get(f"{base}/markers/{code}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    return post(client, f"{base}/markers/{code}", {"level": level, "working": reasons,
                                                   "version": version}, f"{base}/markers/{code}",
                **kwargs)


def write_view(app: FastAPI) -> str:
    """The DPULO's editor writes a complete view; returns its workspace address."""
    editor = person(app, "dpulo-editor@example.org")
    base = start(editor)
    overview = editor.get(base).text
    assert "Your view of Bury Council" in overview and "Making progress" in overview
    assert SECRET not in overview
    marker = editor.get(f"{base}/markers/IA1").text
    assert "Public words on IA1" in marker and SECRET not in marker
    rate(editor, base, "IA1", "not_started", f"Early words {SECRET}")
    rate(editor, base, "IA1", "getting_started", "People wait months for an answer.")
    htmx = client_htmx_save(editor, base)
    assert "<html" not in htmx and "Saved at" in htmx
    assert 'hx-swap-oob="innerHTML"' in htmx and 'id="save-rating"' in htmx  # announced, focus
    post(editor, f"{base}/markers/IA1/evidence",
         {"kind": "note", "note_text": f"{SECRET} private note", "note_publishable": "no"},
         f"{base}/markers/IA1")
    post(editor, f"{base}/markers/IA1/evidence",
         {"kind": "quote", "quote_text": "Nobody rings back.", "quote_source_kind":
          "person_using_support", "quote_consent": "yes", "quote_publishable": "yes"},
         f"{base}/markers/IA1")
    response = post(editor, f"{base}/co-production", {
        "people_using_support": "14", "family_carers": "3", "methods": ["workshops"],
        "what_people_said": "People liked meeting in the library.", "version": "0"},
        f"{base}/co-production", follow_redirects=True)
    assert "This record is complete enough to publish" in response.text
    refused = post(editor, f"{base}/publish", {}, f"{base}/publish")
    assert refused.status_code == 403  # editors draft, owners publish
    return base


def client_htmx_save(client: TestClient, base: str) -> str:
    page = client.get(f"{base}/markers/IA2").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post(f"{base}/markers/IA2", data={
        "level": "making_progress", "working": "Some good news.", "version": version},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf_token(client, base)})
    assert response.status_code == 200
    return response.text


def test_the_whole_loop(app: FastAPI, world: None, settings: Settings, db: Session) -> None:
    base = write_view(app)
    owner = person(app, "dpulo@example.org")
    preview = owner.get(f"{base}/publish").text
    assert "Publish now" in preview and "Nobody rings back." in preview
    assert SECRET not in preview
    done = post(owner, f"{base}/publish", {}, f"{base}/publish", follow_redirects=True)
    assert "Independent view, published" in done.text
    assert ("Local people rate this one level lower than Bury Council does. Bury Voice asked "
            "them.") in done.text
    assert "Report a concern about this publication" in done.text
    view_number = int(done.url.path.rsplit("/", 1)[1])

    emails = mail.sent(settings.outbox_dir)
    [told] = mail.to(emails, "council@example.org")
    assert told["Subject"] == "Bury Voice has published an independent view of Bury Council"
    reply_path = mail.link(told, f"/manage/{COUNCIL}/views/received/")
    [followed] = mail.to(emails, "follower@example.org")
    assert mail.link(followed, "/unsubscribe/")
    assert followed["List-Unsubscribe"].startswith("<http://testserver/unsubscribe/")
    assert not mail.to(emails, "council-editor@example.org")  # owners only

    council = person(app, "council@example.org")
    listed = council.get(f"/manage/{COUNCIL}/views").text
    assert "Bury Voice" in listed and "Not replied" in listed
    page = council.get(reply_path).text
    assert "People wait months for an answer." in page
    empty = post(council, reply_path, {}, reply_path)
    assert "Enter your reply" in empty.text
    words = {"overall": "Thank you. We will act on this.",
             "marker-IA1": "We are hiring two more advisers."}
    preview = post(council, reply_path, {**words, "step": "preview"}, reply_path)
    assert "Check your reply before you publish it" in preview.text
    assert preview.text.count("We are hiring two more advisers.") == 2  # shown, and kept
    assert db.exec(select(Publication).where(Publication.kind == "reply")).first() is None
    replied = post(council, reply_path, {**words, "step": "publish"}, reply_path,
                   follow_redirects=True)
    assert "Reply to an independent view, published" in replied.text
    assert "We are hiring two more advisers." in replied.text
    assert mail.to(mail.sent(settings.outbox_dir), "dpulo@example.org")

    public = checked_client(app)
    for path in (f"/organisations/{COUNCIL}", f"/organisations/{COUNCIL}/independent-views"):
        html = public.get(path).text
        says = html.index("What Bury Council says")
        local = html.index("What local people say, through Bury Voice")
        reply = html.index("We are hiring two more advisers.")
        assert says < local < reply, path  # the reading order
        assert "rate this one level lower than Bury Council does." in html
    profile = public.get(f"/organisations/{DPULO}").text
    assert "Independent view of Bury Council" in profile
    assert f"/organisations/{DPULO}/publications/{view_number}" in profile

    pages = [f"/organisations/{COUNCIL}", f"/organisations/{COUNCIL}/independent-views",
             f"/organisations/{DPULO}", f"/organisations/{DPULO}/publications/{view_number}",
             f"/organisations/{COUNCIL}/publications/2", "/feed.atom",
             f"/organisations/{COUNCIL}/feed.atom"]
    for path in pages:
        response = public.get(path)
        assert response.status_code == 200, path
        assert SECRET not in response.text, path
    for message in mail.sent(settings.outbox_dir):
        mail.check(message, absent=SECRET)
    actions = {e.action for e in db.exec(select(AuditEvent))}
    assert {"view.start", "view.publish", "reply.publish", "evidence.add"} <= actions


def test_the_viewed_organisation_cannot_edit_the_view_and_vice_versa(
        app: FastAPI, world: None, settings: Settings, db: Session) -> None:
    base = write_view(app)
    view_id = base.rsplit("/", 1)[1]
    council = person(app, "council@example.org")
    for path in (f"{base}/markers/IA1", f"/manage/{COUNCIL}/views/{view_id}/markers/IA1"):
        response = post(council, path, {"level": "real", "working": "Ours now",
                                        "version": "1"}, "/")
        assert response.status_code == 404, path
    assert council.get(base).status_code == 404
    owner = person(app, "dpulo@example.org")
    post(owner, f"{base}/publish", {}, f"{base}/publish")
    publication = db.exec(select(Publication).where(Publication.kind == "view")).one()
    for path in (f"/manage/{DPULO}/views/received/{publication.id}",
                 f"/manage/{COUNCIL}/views/received/{publication.id}"):
        response = post(owner, path, {"overall": "Replying for them", "step": "publish"}, "/")
        assert response.status_code == 404, path
    assert db.exec(select(Publication).where(Publication.kind == "reply")).first() is None
    view = db.exec(select(Assessment).where(
        col(Assessment.subject_organisation_id) != col(Assessment.organisation_id))).one()
    assert view.about_publication_id is not None


def test_a_stale_save_shows_both_versions(app: FastAPI, world: None) -> None:
    editor = person(app, "dpulo-editor@example.org")
    base = start(editor)
    page = editor.get(f"{base}/markers/IA3").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    post(editor, f"{base}/markers/IA3", {"level": "real", "working": "Their words",
                                         "version": version}, base)
    clash = post(editor, f"{base}/markers/IA3", {"level": "not_started",
                                                 "working": "My words", "version": version},
                 base)
    assert clash.status_code == 409
    assert "Someone else saved this marker" in clash.text
    assert "Their words" in clash.text and "My words" in clash.text
    assert "<title>Error: IA3" in clash.text


def test_viewers_read_but_cannot_start(app: FastAPI, world: None, db: Session) -> None:
    reader = make_user(db, email="reader@example.org")
    organisation = by_slug(db, DPULO)
    assert organisation is not None
    add_member(db, organisation, reader, "viewer")
    db.commit()
    client = person(app, "reader@example.org")
    page = client.get(f"/manage/{DPULO}/views").text
    assert "Start a view" not in page
    assert post(client, f"/manage/{DPULO}/views", {"about": "1"},
                f"/manage/{DPULO}/views").status_code == 403


def test_only_other_organisations_publications_are_offered(app: FastAPI,
                                                           world: None) -> None:
    council = person(app, "council@example.org")
    page = council.get(f"/manage/{COUNCIL}/views").text
    assert "No organisation in your area has published an assessment yet." in page


def test_a_views_levels_speak_about_the_organisation_viewed(app: FastAPI, world: None) -> None:
    """Each level of a view reads true of the organisation viewed, never in the voice of
    the organisation writing the view; a self-assessment keeps its own voice."""
    editor = person(app, "dpulo-editor@example.org")
    base = start(editor)
    page = editor.get(f"{base}/markers/IA1").text
    assert "Where do local people say Bury Council is?" in page
    # The framework's "we" statement is the promise of the organisation viewed.
    assert "What Bury Council promises to do:" in page
    assert "Local people say the organisation has begun to talk about this" in page
    assert "We have begun talking about this with the people we support" not in page
    assert "Does not apply to us" not in page and "Warning signs you have seen" not in page


def test_a_view_offers_to_copy_the_assessments_co_production_record(
        app: FastAPI, world: None, db: Session) -> None:
    """Bury Voice recorded who took part for its own assessment: its view offers that record
    rather than an empty form, and saves nothing until asked."""
    dpulo = by_slug(db, DPULO)
    assert dpulo is not None and dpulo.id is not None
    own = start_assessment(db, actor_id=1, organisation_id=dpulo.id, framework=FRAMEWORK,
                           name="Spring 2026", carry_over=False)
    save_co_production(db, actor_id=1, organisation_id=dpulo.id, assessment_id=own.id or 0,
                       seen_version=0, change=COMPLETE_CO_PRODUCTION)
    db.commit()
    editor = person(app, "dpulo-editor@example.org")
    base = start(editor)
    page = editor.get(f"{base}/co-production").text
    assert "your own assessment, “Spring 2026”" in page
    assert "Members said they felt heard." not in page
    copied = editor.get(f"{base}/co-production?copy=own").text
    assert "Members said they felt heard." in copied
    assert re.search(r'name="people_using_support"[^>]*value="9"', copied)
    assert 'name="version" value="0"' in copied
    saved = post(editor, f"{base}/co-production", {
        "people_using_support": "9", "methods": ["workshops"], "version": "0",
        "what_people_said": "Members said they felt heard."}, f"{base}/co-production",
        follow_redirects=True)
    assert "This record is complete enough to publish with your view." in saved.text
    assert "Fill in this form from that record" not in saved.text


def test_the_organisations_of_your_area_come_first_and_search_finds_the_rest(
        app: FastAPI, world: None, db: Session, settings: Settings) -> None:
    """The picker scales: your own area's organisations, then a search (no JavaScript
    needed) that forgives spelling; nothing unlisted, nothing without an assessment."""
    owner = make_user(db, email="far@example.org")
    far = make_organisation(db, owner=owner, name="Cornwall Council", kind="council",
                            areas=("E06000052",))
    publish_plan(db, far, owner, upload_dir=settings.upload_dir)
    make_organisation(db, name="Cornwall Voices", areas=("E06000052",))  # nothing published
    db.commit()
    editor = person(app, "dpulo-editor@example.org")
    page = editor.get(f"/manage/{DPULO}/views").text
    assert "Organisations in your area" in page
    assert re.search(r"<label[^>]*>\s*Bury Council: ", page)
    assert "Cornwall Council" not in page
    found = editor.get(f"/manage/{DPULO}/views?find=cornwal+councel").text
    assert "1 match found" in found
    assert re.search(r"<label[^>]*>\s*<mark>Cornwall</mark> <mark>Council</mark>: ", found)
    assert "Bury Council:" not in found and "Cornwall Voices" not in found
    nothing = editor.get(f"/manage/{DPULO}/views?find=zzzz").text
    assert "No organisation with a published assessment matches" in nothing
    # A mistake keeps the search and its results.
    response = post(editor, f"/manage/{DPULO}/views", {"find": "cornwal", "about": ""},
                    f"/manage/{DPULO}/views")
    assert "<title>Error: " in response.text
    assert 'value="cornwal"' in response.text and "<mark>Cornwall</mark> Council" in response.text
