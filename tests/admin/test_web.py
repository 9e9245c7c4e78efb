"""The site admin pages, through the browser's eyes: what is shown, and what each button does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, SQLModel, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.db import engine_for
from app.frameworks import load_catalogue
from app.organisations.models import Membership, Organisation
from tests.conftest import MARKERS_DIR
from tests.factories import (
    add_member,
    csrf_token,
    login,
    make_commitment,
    make_organisation,
    make_user,
)

ModelT = TypeVar("ModelT", bound=SQLModel)
PAGES = ["/admin", "/admin/organisations", "/admin/users", "/admin/audit", "/admin/frameworks"]


@dataclass
class World:
    database_url: str
    admin: int
    person: int
    organisation: int
    duplicate: int
    organisation_slug: str
    duplicate_slug: str


@pytest.fixture
def world(database_url: str) -> World:
    with Session(engine_for(database_url)) as db:
        admin = make_user(db, email="admin@example.org", name="Ada Admin", admin=True)
        person = make_user(db, email="person@example.org", name="Pat Person")
        organisation = make_organisation(db, owner=person, name="Bolton Voice",
                                         areas=("E08000001", "E08000002"))
        make_commitment(db, organisation)
        duplicate = make_organisation(db, name="Bolton Voice CIC",
                                      possible_duplicate_of_id=organisation.id)
        db.commit()
        return World(database_url, admin.id or 0, person.id or 0, organisation.id or 0,
                     duplicate.id or 0, organisation.slug, duplicate.slug)


@pytest.fixture
def admin(client: TestClient, world: World) -> TestClient:
    login(client, "admin@example.org")
    return client


def load(world: World, model: type[ModelT], key: int) -> ModelT:
    with Session(engine_for(world.database_url)) as db:
        found = db.get(model, key)
        assert found is not None
        return found


def audit(world: World, action: str) -> list[AuditEvent]:
    with Session(engine_for(world.database_url)) as db:
        return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def post(client: TestClient, path: str, data: dict[str, str] | None = None, *,
         csrf: bool = True) -> httpx.Response:
    token = {"csrf_token": csrf_token(client, "/")} if csrf else {}
    response: httpx.Response = client.post(path, data={**token, **(data or {})},
                                           follow_redirects=False)
    return response


def follow(client: TestClient, response: httpx.Response) -> httpx.Response:
    assert response.status_code == 303, response.text[:2000]
    page: httpx.Response = client.get(response.headers["location"])
    return page


def heading(page: httpx.Response) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", page.text, re.S)
    assert found
    return " ".join(found.group(1).split())


def error_summary(page: httpx.Response) -> str:
    assert "There is a problem" in page.text, "no error summary"
    assert "<title>Error: " in page.text
    return page.text


# Who may see the admin pages ------------------------------------------------------------------

@pytest.mark.parametrize("path", [*PAGES, "/admin/organisations/1", "/admin/users/1"])
def test_anonymous_people_are_sent_to_log_in(client: TestClient, world: World,
                                            path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=%2Fadmin")


@pytest.mark.parametrize("path", [*PAGES, "/admin/organisations/{org}", "/admin/users/{me}"])
def test_people_who_are_not_admins_get_403(client: TestClient, world: World,
                                          path: str) -> None:
    login(client, "person@example.org")
    page = client.get(path.format(org=world.organisation, me=world.person))
    assert page.status_code == 403
    assert "You do not have permission to see this page" in page.text


@pytest.mark.parametrize("action", ["verify", "hide", "merge", "not-duplicate"])
def test_people_who_are_not_admins_cannot_change_organisations(
        client: TestClient, world: World, action: str) -> None:
    login(client, "person@example.org")
    target = world.duplicate if action == "not-duplicate" else world.organisation
    response = post(client, f"/admin/organisations/{target}/{action}",
                    {"reason": "Spam", "target": world.duplicate_slug})
    assert response.status_code == 403
    organisation = load(world, Organisation, world.organisation)
    assert not organisation.verified and organisation.hidden_reason is None
    assert organisation.merged_into_id is None
    assert load(world, Organisation, world.duplicate).possible_duplicate_of_id is not None
    assert audit(world, f"organisation.{action.replace('-', '_')}") == []


def test_people_who_are_not_admins_cannot_make_themselves_admins(
        client: TestClient, world: World) -> None:
    login(client, "person@example.org")
    response = post(client, f"/admin/users/{world.person}/make-admin")
    assert response.status_code == 403
    assert not load(world, User, world.person).is_admin


def test_the_header_links_to_admin_only_for_admins(client: TestClient, world: World) -> None:
    login(client, "person@example.org")
    assert 'href="/admin"' not in client.get("/account").text
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, "admin@example.org")
    assert 'href="/admin"' in client.get("/account").text


# The dashboard and frameworks ---------------------------------------------------------------

def test_dashboard_counts_and_links(admin: TestClient, world: World) -> None:
    page = admin.get("/admin")
    assert page.status_code == 200
    assert heading(page) == "Site admin"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "All organisations 2 " in text
    assert "Waiting to be verified 2 " in text
    assert "Possible duplicates 1 " in text
    assert "Hidden from the public 0 " in text
    assert "Accounts 2 " in text
    assert "Disabled accounts 0 " in text
    for link in ("/admin/organisations?status=unverified", "/admin/organisations?status=duplicates",
                 "/admin/organisations?status=hidden", "/admin/users", "/admin/audit"):
        assert f'href="{link}"' in page.text
    assert 'aria-label="Site admin"' in page.text
    assert 'href="/admin" aria-current="page"' in page.text


def test_frameworks_page_lists_every_framework_loaded(admin: TestClient) -> None:
    page = admin.get("/admin/frameworks")
    assert heading(page) == "Frameworks loaded"
    for framework in load_catalogue(MARKERS_DIR):
        assert f"<code>{framework.id}</code>" in page.text
        assert f">{len(framework.markers)}</td>" in page.text
        assert f">{len(framework.themes)}</td>" in page.text


# Organisations --------------------------------------------------------------------------------

def test_organisations_table_shows_areas_and_duplicates(admin: TestClient, world: World) -> None:
    page = admin.get("/admin/organisations")
    assert heading(page) == "Organisations"
    assert f'href="/admin/organisations/{world.organisation}">Bolton Voice</a>' in page.text
    assert "Bolton, Bury" in page.text
    assert f'<a class="govuk-link" href="/admin/organisations/{world.organisation}">' \
           "Bolton Voice</a></td>" in page.text  # in the "possible duplicate of" column
    assert "Disabled people&#39;s user-led organisation" in page.text
    assert 'scope="col"' in page.text and "<caption" in page.text


def test_organisations_filter_by_name_and_status(admin: TestClient, world: World) -> None:
    page = admin.get("/admin/organisations", params={"q": "cic", "status": "all"})
    assert "Bolton Voice CIC" in page.text
    assert f'href="/admin/organisations/{world.organisation}">Bolton Voice</a></th>' \
           not in page.text
    assert 'value="cic"' in page.text
    duplicates = admin.get("/admin/organisations", params={"status": "duplicates"})
    assert "Showing 1 organisation." in duplicates.text
    hidden = admin.get("/admin/organisations", params={"status": "hidden"})
    assert "No organisations found." in hidden.text


def test_organisations_filter_with_a_bad_status_shows_an_error(admin: TestClient) -> None:
    page = admin.get("/admin/organisations", params={"q": "bolton", "status": "nonsense"})
    assert page.status_code == 200
    assert 'href="#status">Choose which organisations to show' in error_summary(page)
    assert 'value="bolton"' in page.text


def test_organisations_are_paginated_50_a_page(admin: TestClient, world: World) -> None:
    with Session(engine_for(world.database_url)) as db:
        for number in range(60):
            make_organisation(db, name=f"Test Organisation {number:02d}")
        db.commit()
    first = admin.get("/admin/organisations", params={"q": "test organisation"})
    assert "Showing 1 to 50 of 60 organisations (page 1 of 2)." in first.text
    assert "Test Organisation 49" in first.text and "Test Organisation 50" not in first.text
    assert 'href="/admin/organisations?q=test+organisation&amp;page=2"' in first.text
    second = admin.get("/admin/organisations", params={"q": "test organisation", "page": "2"})
    assert "Showing 51 to 60 of 60" in second.text
    assert "Test Organisation 50" in second.text and "Test Organisation 49" not in second.text
    assert 'aria-current="page"' in second.text
    beyond = admin.get("/admin/organisations", params={"q": "test organisation", "page": "9"})
    assert "Showing 51 to 60 of 60" in beyond.text


@pytest.fixture
def statements(world: World) -> Iterator[list[str]]:
    """Every SQL statement run while the test goes on."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    engine = engine_for(world.database_url)
    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def test_organisations_page_makes_the_same_number_of_queries_for_more_rows(
        admin: TestClient, world: World, statements: list[str]) -> None:
    admin.get("/admin/organisations")
    few = len(statements)
    with Session(engine_for(world.database_url)) as db:
        for number in range(20):
            make_organisation(db, name=f"More {number}", areas=("E08000001", "E08000003"),
                              possible_duplicate_of_id=world.organisation)
        db.commit()
    statements.clear()
    page = admin.get("/admin/organisations")
    assert "More 19" in page.text
    assert len(statements) == few


def test_organisation_page_shows_members_and_sign_ups(admin: TestClient, world: World) -> None:
    page = admin.get(f"/admin/organisations/{world.organisation}")
    assert heading(page) == "Bolton Voice"
    assert "Pat Person" in page.text and "person@example.org" in page.text
    assert ">Owner</td>" in page.text
    assert ">Making It Real (2018)</th>" in page.text
    assert f"<code>{world.organisation_slug}</code>" in page.text
    assert "Verify this organisation" in page.text
    assert "Hide this organisation from the public" in page.text
    assert f'href="/admin/organisations/{world.duplicate}">Bolton Voice CIC</a>' in page.text


def test_unknown_organisation_is_a_404(admin: TestClient) -> None:
    assert admin.get("/admin/organisations/9999").status_code == 404


def test_verify_and_unverify(admin: TestClient, world: World) -> None:
    page = follow(admin, post(admin, f"/admin/organisations/{world.organisation}/verify"))
    assert "Bolton Voice is now verified." in page.text
    assert "Remove the verified mark" in page.text
    assert load(world, Organisation, world.organisation).verified
    [verified] = audit(world, "organisation.verify")
    assert verified.actor_id == world.admin
    page = follow(admin, post(admin, f"/admin/organisations/{world.organisation}/unverify"))
    assert "Bolton Voice is no longer marked as verified." in page.text
    assert not load(world, Organisation, world.organisation).verified


def test_hide_needs_a_reason(admin: TestClient, world: World) -> None:
    page = post(admin, f"/admin/organisations/{world.organisation}/hide", {"reason": "  "})
    assert page.status_code == 200
    assert 'href="#reason">Enter the reason for hiding this organisation' in error_summary(page)
    assert load(world, Organisation, world.organisation).hidden_reason is None
    assert audit(world, "organisation.hide") == []


def test_hide_keeps_the_text_when_it_is_too_long(admin: TestClient, world: World) -> None:
    page = post(admin, f"/admin/organisations/{world.organisation}/hide",
                {"reason": "Spam " * 300})
    assert "This must be 1000 characters or fewer" in error_summary(page)
    assert "Spam Spam Spam" in page.text
    assert load(world, Organisation, world.organisation).hidden_reason is None


def test_hide_and_show_again(admin: TestClient, world: World) -> None:
    page = follow(admin, post(admin, f"/admin/organisations/{world.organisation}/hide",
                              {"reason": "This organisation is being checked."}))
    assert "Bolton Voice is now hidden from the public." in page.text
    assert "This organisation is being checked." in page.text
    assert load(world, Organisation, world.organisation).hidden_reason == \
        "This organisation is being checked."
    assert "Showing 1 organisation." in admin.get("/admin/organisations?status=hidden").text
    page = follow(admin, post(admin, f"/admin/organisations/{world.organisation}/unhide"))
    assert "Bolton Voice is shown to the public again." in page.text
    assert load(world, Organisation, world.organisation).hidden_reason is None
    assert len(audit(world, "organisation.unhide")) == 1


def test_not_a_duplicate_clears_the_flag(admin: TestClient, world: World) -> None:
    page = admin.get(f"/admin/organisations/{world.duplicate}")
    assert "It is not a duplicate: clear the flag" in page.text
    page = follow(admin, post(admin, f"/admin/organisations/{world.duplicate}/not-duplicate"))
    assert "Bolton Voice CIC is no longer flagged as a possible duplicate." in page.text
    assert load(world, Organisation, world.duplicate).possible_duplicate_of_id is None
    assert len(audit(world, "organisation.not_duplicate")) == 1


def test_missing_csrf_token_changes_nothing(admin: TestClient, world: World) -> None:
    for path, data in [(f"/admin/organisations/{world.organisation}/verify", {}),
                       (f"/admin/organisations/{world.organisation}/hide", {"reason": "x"}),
                       (f"/admin/organisations/{world.duplicate}/merge",
                        {"target": world.organisation_slug}),
                       (f"/admin/users/{world.person}/disable", {})]:
        response = post(admin, path, data, csrf=False)
        assert response.status_code == 403, path
        assert "This form has expired" in response.text
    organisation = load(world, Organisation, world.organisation)
    assert not organisation.verified and organisation.hidden_reason is None
    assert load(world, Organisation, world.duplicate).merged_into_id is None
    assert not load(world, User, world.person).is_disabled


def test_merge_asks_for_a_real_target(admin: TestClient, world: World) -> None:
    base = f"/admin/organisations/{world.duplicate}/merge"
    page = admin.get(base)
    assert heading(page) == "Merge into another organisation"
    assert "There is a problem" not in page.text
    page = admin.get(base, params={"target": ""})
    assert 'href="#target">Enter the slug of the organisation to merge into' in \
        error_summary(page)
    page = admin.get(base, params={"target": "no-such-place"})
    assert "There is no organisation with this slug" in error_summary(page)
    assert 'value="no-such-place"' in page.text
    page = admin.get(base, params={"target": world.duplicate_slug})
    assert "cannot be merged into itself" in error_summary(page)
    page = post(admin, base, {"target": "no-such-place"})
    assert page.status_code == 200
    assert "There is no organisation with this slug" in error_summary(page)
    assert load(world, Organisation, world.duplicate).merged_into_id is None


def test_merge_finds_the_organisation_to_keep_by_a_name_spelt_nearly_right(
        admin: TestClient, world: World) -> None:
    base = f"/admin/organisations/{world.duplicate}/merge"
    page = admin.get(base, params={"find": "bolten voise"})
    link = f'href="{base}?target={world.organisation_slug}"'
    assert link in page.text
    assert "<mark>Bolton</mark> <mark>Voice</mark>" in page.text
    assert f'href="{base}?target={world.duplicate_slug}"' not in page.text  # not itself
    assert "No organisation found" in admin.get(base, params={"find": "zzzz"}).text


def test_merge_shows_what_will_move_then_moves_it(admin: TestClient, world: World) -> None:
    with Session(engine_for(world.database_url)) as db:
        duplicate = db.get(Organisation, world.duplicate)
        person = db.get(User, world.person)
        newcomer = make_user(db, email="newcomer@example.org", name="Nia Newcomer")
        assert duplicate is not None and person is not None
        add_member(db, duplicate, person, "viewer")
        add_member(db, duplicate, newcomer, "editor")
        db.commit()
    base = f"/admin/organisations/{world.duplicate}/merge"
    page = admin.get(base, params={"target": world.organisation_slug})
    assert heading(page) == "Merge Bolton Voice CIC into Bolton Voice?"
    assert "You cannot undo this." in page.text
    assert "already a member there as owner" in page.text
    assert re.search(r"<button[^>]*>\s*Merge Bolton Voice CIC into Bolton Voice\s*</button>",
                     page.text)
    page = follow(admin, post(admin, base, {"target": world.organisation_slug}))
    assert "Bolton Voice CIC has been merged into Bolton Voice." in page.text
    assert heading(page) == "Bolton Voice"
    assert "Nia Newcomer" in page.text
    assert load(world, Organisation, world.duplicate).merged_into_id == world.organisation
    with Session(engine_for(world.database_url)) as db:
        roles = dict(db.exec(select(Membership.user_id, Membership.role)
                             .where(Membership.organisation_id == world.organisation)).all())
    assert roles[world.person] == "owner"
    assert len(roles) == 2
    merged = admin.get(f"/admin/organisations/{world.duplicate}")
    assert "This organisation was merged into" in merged.text
    assert "Hide this organisation from the public" not in merged.text
    listed = admin.get("/admin/organisations")
    assert "Merged" in listed.text


# People ---------------------------------------------------------------------------------------

def test_users_table_and_filter(admin: TestClient, world: World) -> None:
    page = admin.get("/admin/users")
    assert heading(page) == "People"
    assert f'href="/admin/users/{world.person}">Pat Person</a>' in page.text
    assert "admin@example.org" in page.text
    page = admin.get("/admin/users", params={"q": "PERSON@"})
    assert "Pat Person" in page.text and "Ada Admin" not in page.text
    assert 'value="PERSON@"' in page.text


def test_users_are_paginated(admin: TestClient, world: World) -> None:
    with Session(engine_for(world.database_url)) as db:
        for number in range(55):
            make_user(db, email=f"many{number:02d}@example.org", name=f"Many {number:02d}")
        db.commit()
    page = admin.get("/admin/users", params={"q": "many"})
    assert "Showing 1 to 50 of 55 accounts (page 1 of 2)." in page.text
    assert 'href="/admin/users?q=many&amp;page=2"' in page.text
    assert "Many 54" in admin.get("/admin/users", params={"q": "many", "page": "2"}).text


def test_user_page_shows_memberships(admin: TestClient, world: World) -> None:
    page = admin.get(f"/admin/users/{world.person}")
    assert heading(page) == "Pat Person"
    assert f'href="/admin/organisations/{world.organisation}">Bolton Voice</a>' in page.text
    assert ">Owner</td>" in page.text
    assert "Disable this account and log them out" in page.text
    assert admin.get("/admin/users/9999").status_code == 404


def test_disabling_logs_the_person_out_and_enabling_lets_them_back(
        admin: TestClient, client: TestClient, app: Any, world: World) -> None:
    with TestClient(app) as theirs:
        login(theirs, "person@example.org")
        assert theirs.get("/account", follow_redirects=False).status_code == 200
        page = follow(admin, post(admin, f"/admin/users/{world.person}/disable"))
        assert "Pat Person can no longer log in." in page.text
        assert "Let this person log in again" in page.text
        person = load(world, User, world.person)
        assert person.is_disabled and person.session_epoch == 1
        response = theirs.get("/account", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
        page = follow(admin, post(admin, f"/admin/users/{world.person}/enable"))
        assert "Pat Person can log in again." in page.text
        assert not load(world, User, world.person).is_disabled
        login(theirs, "person@example.org")
    assert [e.after for e in audit(world, "user.disable")] == [{"disabled": True}]


def test_make_and_remove_admin(admin: TestClient, world: World) -> None:
    page = follow(admin, post(admin, f"/admin/users/{world.person}/make-admin"))
    assert "Pat Person is now a site administrator." in page.text
    assert load(world, User, world.person).is_admin
    page = follow(admin, post(admin, f"/admin/users/{world.person}/remove-admin"))
    assert "Pat Person is no longer a site administrator." in page.text
    assert not load(world, User, world.person).is_admin


@pytest.mark.parametrize(("action", "message"), [
    ("remove-admin", "You cannot remove your own admin rights"),
    ("disable", "You cannot disable your own account"),
])
def test_admins_cannot_lock_themselves_out(admin: TestClient, world: World, action: str,
                                           message: str) -> None:
    own = admin.get(f"/admin/users/{world.admin}")
    assert "This is your own account." in own.text
    assert f"/admin/users/{world.admin}/{action}" not in own.text
    page = post(admin, f"/admin/users/{world.admin}/{action}")
    assert page.status_code == 200
    assert f'href="#actions">{message}' in error_summary(page)
    me = load(world, User, world.admin)
    assert me.is_admin and not me.is_disabled


def test_unknown_user_or_action(admin: TestClient, world: World) -> None:
    assert post(admin, f"/admin/users/{world.person}/delete").status_code in (404, 405)
    assert post(admin, "/admin/users/9999/disable").status_code == 404


# The audit log --------------------------------------------------------------------------------

def test_audit_log_shows_who_did_what_newest_first(admin: TestClient, world: World) -> None:
    post(admin, f"/admin/organisations/{world.organisation}/hide", {"reason": "Checking it"})
    post(admin, f"/admin/organisations/{world.organisation}/verify")
    page = admin.get("/admin/audit")
    assert heading(page) == "Audit log"
    table = page.text[page.text.index("<table"):]
    assert table.index("organisation.verify") < table.index("organisation.hide")
    assert "admin@example.org" in page.text
    assert "hidden reason:</span> Checking it" in page.text
    assert "hidden reason:</span> none" in page.text
    assert "verified:</span> yes" in page.text
    assert '<option value="organisation.hide">' in page.text
    assert " UTC" in page.text


def test_audit_log_filters(admin: TestClient, world: World) -> None:
    post(admin, f"/admin/organisations/{world.organisation}/verify")
    post(admin, f"/admin/organisations/{world.duplicate}/verify")
    page = admin.get("/admin/audit", params={"organisation": world.duplicate_slug})
    assert "Showing 1 entry." in page.text
    assert f'href="/admin/organisations/{world.duplicate}">Bolton Voice CIC</a>' in page.text
    page = admin.get("/admin/audit", params={"action": "user.login",
                                             "user": "admin@example.org"})
    assert "Showing 1 entry." in page.text and "user.login" in page.text
    page = admin.get("/admin/audit", params={"date_from": "2000-01-01",
                                             "date_to": "2000-12-31"})
    assert "No entries found." in page.text
    page = admin.get("/admin/audit", params={"date_from": "2000-01-01"})
    assert "Showing 3 entries." in page.text


def test_audit_log_with_bad_filters_shows_errors_and_keeps_the_text(
        admin: TestClient, world: World) -> None:
    page = admin.get("/admin/audit", params={"date_from": "31/03/2026",
                                             "date_to": "2026-02-30", "user": "nobody",
                                             "organisation": "Bolton Voice"})
    assert page.status_code == 200
    summary = error_summary(page)
    assert 'href="#date_from">Enter a real date, like 2026-03-31' in summary
    assert 'href="#date_to">Enter a real date, like 2026-03-31' in summary
    assert 'href="#user">Enter an email address in the correct format' in summary
    assert 'value="31/03/2026"' in page.text and 'value="2026-02-30"' in page.text
    assert "<table" not in page.text
    page = admin.get("/admin/audit", params={"organisation": "nowhere",
                                             "user": "nobody@example.org"})
    assert 'href="#organisation">There is no organisation with this slug' in \
        error_summary(page)
    assert "There is no account with this email address" in page.text
    page = admin.get("/admin/audit", params={"date_from": "2026-03-31",
                                             "date_to": "2026-03-01"})
    assert "The latest date must be the same as or after the earliest date" in \
        error_summary(page)
    page = admin.get("/admin/audit", params={"action": "made.up"})
    assert 'href="#action">Choose an action from the list' in error_summary(page)


def test_audit_log_names_system_changes(admin: TestClient, world: World) -> None:
    with Session(engine_for(world.database_url)) as db:
        db.add(AuditEvent(actor_id=None, action="user.create", subject="user:99",
                          after={"email": "cli@example.org", "areas": ["E08000001", "x"]}))
        db.commit()
    page = admin.get("/admin/audit", params={"action": "user.create"})
    assert "system or a deleted user" in page.text
    assert "areas:</span> E08000001, x" in page.text
