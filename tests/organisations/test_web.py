"""The organisation workspace: overview, profile, frameworks, members, invitations, profile."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.caching import bump_public_version
from app.clock import today
from app.config import Settings
from app.db import engine_for
from app.organisations.models import Commitment, Membership, Organisation
from tests.conftest import checked_client
from tests.directory.builders import publish
from tests.factories import (
    add_member,
    csrf_token,
    login,
    make_commitment,
    make_organisation,
    make_user,
)


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


@pytest.fixture
def team(db: Session) -> dict[str, object]:
    owner = make_user(db, email="owner@example.org", name="Olive Owner")
    editor = make_user(db, email="editor@example.org", name="Eddie Editor")
    organisation = make_organisation(db, owner=owner, name="Wigan Voices", areas=("E08000010",))
    add_member(db, organisation, editor, "editor")
    make_commitment(db, organisation, signed_up_on=today() - timedelta(days=100))
    db.commit()
    return {"owner": owner, "editor": editor, "organisation": organisation}


def post(client: TestClient, path: str, data: dict[str, str], page: str,
         **kwargs: object) -> object:
    return client.post(path, data={"csrf_token": csrf_token(client, page), **data},
                       **kwargs)  # type: ignore[arg-type]


def outbox(settings: Settings) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
            for f in sorted(Path(settings.outbox_dir).glob("*.eml"))]


def test_overview_shows_status_and_what_to_do_next(client: TestClient,
                                                   team: dict[str, object]) -> None:
    login(client, "editor@example.org")
    page = client.get("/manage/wigan-voices")
    assert "Plan overdue" in page.text  # signed up 100 days ago, no plan
    assert "What to do next" in page.text
    assert "you are an editor" in page.text
    assert 'href="/manage/wigan-voices/profile"' not in page.text  # owners only


def test_my_organisations_lists_each_membership(client: TestClient, db: Session,
                                                team: dict[str, object]) -> None:
    other = make_organisation(db, name="Second Org")
    add_member(db, other, team["editor"], "viewer")  # type: ignore[arg-type]
    db.commit()
    login(client, "editor@example.org")
    page = client.get("/manage")
    assert "Wigan Voices" in page.text and "Second Org" in page.text
    assert "Viewer" in page.text and "Editor" in page.text


def test_owner_edits_profile_with_location_and_identifiers(
        client: TestClient, db: Session, team: dict[str, object]) -> None:
    login(client, "owner@example.org")
    path = "/manage/wigan-voices/profile"
    data = {"name": "Wigan Voices", "kind": "dpulo", "areas": "E08000010",
            "website": "https://wigan.example.org", "description": "Disabled people in Wigan.",
            "latitude": "53.545", "longitude": "-2.632", "org_ids": "GB-CHC-1234567",
            "public": "true"}
    done = post(client, path, data, path, follow_redirects=True)
    assert "Your organisation&#39;s details have been saved." in done.text  # type: ignore[attr-defined]
    db.expire_all()
    organisation = db.exec(select(Organisation)).one()
    assert (organisation.latitude, organisation.longitude) == (53.545, -2.632)
    assert organisation.org_ids == "GB-CHC-1234567"
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "organisation.update")).one()
    assert event.before is not None and event.before["latitude"] is None
    assert event.after is not None and event.after["latitude"] == 53.545


def test_profile_errors_are_specific_and_keep_the_text(client: TestClient,
                                                       team: dict[str, object]) -> None:
    login(client, "owner@example.org")
    path = "/manage/wigan-voices/profile"
    page = post(client, path, {"name": "Wigan Voices", "kind": "dpulo", "areas": "E08000010",
                               "latitude": "60", "longitude": "", "org_ids": "charity 123",
                               "public": "true", "description": "Kept text"}, path)
    html = page.text  # type: ignore[attr-defined]
    assert "The latitude must be between 49.8 and 55.9 (in England)" in html
    assert "charity is not an org-id identifier" in html
    assert "Kept text" in html
    assert 'href="#latitude"' in html and 'href="#org_ids"' in html


def test_editor_cannot_edit_profile_or_manage_members(client: TestClient,
                                                      team: dict[str, object]) -> None:
    login(client, "editor@example.org")
    assert client.get("/manage/wigan-voices/profile").status_code == 403
    page = post(client, "/manage/wigan-voices/members/invite",
                {"email": "x@example.org", "role": "owner"}, "/manage/wigan-voices/members")
    assert page.status_code == 403  # type: ignore[attr-defined]


def test_sign_up_to_another_framework_and_withdraw(client: TestClient, db: Session,
                                                   team: dict[str, object]) -> None:
    login(client, "owner@example.org")
    path = "/manage/wigan-voices/frameworks"
    missing = post(client, path, {"framework": "making-it-real-2012"}, path)
    assert "Say what your organisation commits to, in plain words" in missing.text  # type: ignore[attr-defined]
    done = post(client, path, {"framework": "making-it-real-2012",
                               "commitment": "We will try the 2012 markers too."}, path,
                follow_redirects=True)
    assert "You have signed up to Making It Real (2012)." in done.text  # type: ignore[attr-defined]
    commitment = db.exec(select(Commitment).where(
        Commitment.framework_id == "making-it-real-2012")).one()
    withdraw = f"{path}/{commitment.id}/withdraw"
    no_reason = post(client, withdraw, {}, path)
    assert "Say why your organisation is withdrawing" in no_reason.text  # type: ignore[attr-defined]
    post(client, withdraw, {"reason": "We are focusing on the 2018 framework."}, path)
    public = client.get("/organisations/wigan-voices").text
    assert "Withdrew on" in public and "We are focusing on the 2018 framework." in public
    assert "Withdrawn" in public


def test_invite_accept_with_new_account(app: FastAPI, client: TestClient, db: Session,
                                        settings: Settings, team: dict[str, object]) -> None:
    login(client, "owner@example.org")
    members = "/manage/wigan-voices/members"
    done = post(client, f"{members}/invite", {"email": "new@example.org", "role": "viewer"},
                members, follow_redirects=True)
    assert "We have emailed an invitation to new@example.org" in done.text  # type: ignore[attr-defined]
    (message,) = outbox(settings)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    path = re.search(r"http://testserver(/invitations/\S+)", text).group(1)  # type: ignore[union-attr]

    with checked_client(app) as newcomer:
        page = newcomer.get(path)
        assert "Join Wigan Voices" in page.text
        bad = post(newcomer, path, {"name": "", "password": "short"}, path)
        assert "Enter your name" in bad.text  # type: ignore[attr-defined]
        joined = post(newcomer, path, {"name": "Nina New", "password": "a good long password"},
                      path, follow_redirects=True)
        assert "You are now a member of Wigan Voices." in joined.text  # type: ignore[attr-defined]
        reused = newcomer.get(path)
        assert reused.status_code == 410 and "already been used" in reused.text
    db.expire_all()
    nina = db.exec(select(User).where(User.email == "new@example.org")).one()
    membership = db.exec(select(Membership).where(Membership.user_id == nina.id)).one()
    assert membership.role == "viewer"


def test_one_address_gets_a_few_invitations_an_hour_at_most(
        client: TestClient, settings: Settings, team: dict[str, object]) -> None:
    """An owner cannot flood someone's inbox with invitations: after three an hour the
    form says why, keeps what was typed, and sends nothing."""
    login(client, "owner@example.org")
    members = "/manage/wigan-voices/members"
    for _ in range(3):
        sent = post(client, f"{members}/invite", {"email": "pat@example.org", "role": "editor"},
                    members, follow_redirects=True)
        assert "We have emailed an invitation to pat@example.org" in sent.text  # type: ignore[attr-defined]
    refused = post(client, f"{members}/invite", {"email": "pat@example.org", "role": "editor"},
                   members)
    assert "pat@example.org has had 3 invitations in the last hour" in refused.text  # type: ignore[attr-defined]
    assert 'href="#email"' in refused.text and 'value="pat@example.org"' in refused.text  # type: ignore[attr-defined]
    assert len(outbox(settings)) == 3
    other = post(client, f"{members}/invite", {"email": "sam@example.org", "role": "viewer"},
                 members, follow_redirects=True)
    assert "We have emailed an invitation to sam@example.org" in other.text  # type: ignore[attr-defined]
    assert len(outbox(settings)) == 4


def test_invite_for_existing_account_needs_that_login(app: FastAPI, client: TestClient,
                                                      db: Session, settings: Settings,
                                                      team: dict[str, object]) -> None:
    make_user(db, email="known@example.org")
    db.commit()
    login(client, "owner@example.org")
    members = "/manage/wigan-voices/members"
    post(client, f"{members}/invite", {"email": "known@example.org", "role": "editor"}, members)
    text = outbox(settings)[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    path = re.search(r"http://testserver(/invitations/\S+)", text).group(1)  # type: ignore[union-attr]
    with checked_client(app) as known:
        sent = post(known, path, {}, path, follow_redirects=False)
        assert sent.headers["location"].startswith("/login?next=/invitations/")  # type: ignore[attr-defined]
        login(known, "known@example.org")
        joined = post(known, path, {}, path, follow_redirects=True)
        assert "You are now a member of Wigan Voices." in joined.text  # type: ignore[attr-defined]


def test_last_owner_cannot_leave_or_be_demoted(client: TestClient, db: Session,
                                               team: dict[str, object]) -> None:
    login(client, "owner@example.org")
    members = "/manage/wigan-voices/members"
    owner_membership = db.exec(select(Membership).where(Membership.role == "owner")).one()
    demote = post(client, f"{members}/{owner_membership.id}/role", {"role": "editor"}, members)
    assert "This is the only owner. Make someone else an owner first." in demote.text  # type: ignore[attr-defined]
    leave = post(client, f"{members}/{owner_membership.id}/remove", {}, members)
    assert "The only owner cannot leave" in leave.text  # type: ignore[attr-defined]
    db.expire_all()
    assert db.exec(select(Membership).where(Membership.role == "owner")).one().id \
        == owner_membership.id


def test_owner_changes_role_and_removes_member(client: TestClient, db: Session,
                                               team: dict[str, object]) -> None:
    login(client, "owner@example.org")
    members = "/manage/wigan-voices/members"
    editor_id = db.exec(select(Membership).where(Membership.role == "editor")).one().id
    post(client, f"{members}/{editor_id}/role", {"role": "owner"}, members)
    db.expire_all()
    assert db.get(Membership, editor_id).role == "owner"  # type: ignore[union-attr]
    post(client, f"{members}/{editor_id}/remove", {}, members)
    db.expire_all()
    assert db.get(Membership, editor_id) is None
    actions = [e.action for e in db.exec(select(AuditEvent))]
    assert "membership.change_role" in actions and "membership.remove" in actions


def test_member_can_leave(client: TestClient, db: Session, team: dict[str, object]) -> None:
    login(client, "editor@example.org")
    members = "/manage/wigan-voices/members"
    editor = db.exec(select(Membership).where(Membership.role == "editor")).one()
    done = post(client, f"{members}/{editor.id}/remove", {}, members, follow_redirects=True)
    assert "You have left Wigan Voices." in done.text  # type: ignore[attr-defined]


def test_public_profile_only_for_listed_organisations(client: TestClient, db: Session,
                                                      team: dict[str, object]) -> None:
    assert client.get("/organisations/wigan-voices").status_code == 200
    organisation = db.exec(select(Organisation)).one()
    for change in ({"public": False}, {"hidden_reason": "Spam"}, {"confirmed": False}):
        for key, value in change.items():
            setattr(organisation, key, value)
        db.add(organisation)
        bump_public_version(db)  # as every audited change does: no stale cached page
        db.commit()
        assert client.get("/organisations/wigan-voices").status_code == 404
        organisation.public, organisation.hidden_reason, organisation.confirmed = True, None, True
        db.add(organisation)
        bump_public_version(db)
        db.commit()


def test_non_members_get_404_and_anonymous_go_to_login(client: TestClient, db: Session,
                                                       team: dict[str, object]) -> None:
    make_user(db, email="stranger@example.org")
    db.commit()
    anonymous = client.get("/manage/wigan-voices", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=%2Fmanage%2Fwigan-voices"
    login(client, "stranger@example.org")
    assert client.get("/manage/wigan-voices").status_code == 404
    assert client.get("/manage/no-such-org").status_code == 404


def test_overview_says_when_a_view_waits_for_a_reply_and_offers_views_to_dpulos(
        client: TestClient, db: Session, settings: Settings) -> None:
    from app.views.publishing import publish_reply
    from tests.views.factories import (
        FRAMEWORK,
        complete_view,
        publish_plan,
        publish_view,
        start_view,
    )

    council_owner = make_user(db, email="council@example.org")
    council = make_organisation(db, owner=council_owner, name="Wigan Council", kind="council",
                                areas=("E08000010",))
    dpulo_owner = make_user(db, email="dpulo@example.org")
    dpulo = make_organisation(db, owner=dpulo_owner, name="Wigan Voices",
                              areas=("E08000010",))
    plan = publish_plan(db, council, council_owner, upload_dir=settings.upload_dir)
    draft = start_view(db, dpulo, dpulo_owner, plan)
    complete_view(db, draft, dpulo_owner)
    view = publish_view(db, draft, dpulo, dpulo_owner, upload_dir=settings.upload_dir)
    db.commit()
    login(client, "council@example.org")
    page = client.get("/manage/wigan-council").text
    assert "An independent view is waiting for your reply" in page
    assert f'href="/manage/wigan-council/views/received/{view.id}"' in page
    assert "Hold your council to account" not in page  # a council is not offered views
    publish_reply(db, actor_id=council_owner.id or 0, organisation=council,
                  view_publication=view, framework=FRAMEWORK, overall="Thank you.",
                  per_marker={}, today=today())
    db.commit()
    assert "waiting for your reply" not in client.get("/manage/wigan-council").text
    client.cookies.clear()
    login(client, "dpulo@example.org")
    page = client.get("/manage/wigan-voices").text
    assert "Hold your council to account" in page
    assert 'href="/manage/wigan-voices/views">Give an independent view' in page


def test_public_profile_shows_contact_details_and_checked_only_when_true(
        client: TestClient, db: Session, team: dict[str, object]) -> None:
    public = client.get("/organisations/wigan-voices").text
    assert "Not yet" not in public and "Checked by a site administrator" not in public
    assert "mailto:" not in public
    login(client, "owner@example.org")
    path = "/manage/wigan-voices/profile"
    base = {"name": "Wigan Voices", "kind": "dpulo", "areas": "E08000010", "public": "true"}
    bad = post(client, path, {**base, "contact_email": "hello at wigan",
                              "contact_url": "not a web address"}, path)
    html = bad.text  # type: ignore[attr-defined]
    assert "Enter an email address in the correct format" in html
    assert "Enter a web address in the correct format" in html
    assert 'href="#contact_email"' in html and 'href="#contact_url"' in html
    assert 'value="hello at wigan"' in html  # kept as typed
    post(client, path, {**base, "contact_email": "Hello@Wigan.example.org",
                        "contact_url": "wigan.example.org/contact"}, path)
    client.cookies.clear()
    public = client.get("/organisations/wigan-voices").text
    assert 'href="mailto:hello@wigan.example.org"' in public
    assert 'href="https://wigan.example.org/contact"' in public
    assert "How to contact Wigan Voices" in public
    organisation = db.exec(select(Organisation)).one()
    organisation.verified = True
    db.add(organisation)
    bump_public_version(db)
    db.commit()
    assert "Checked by a site administrator" in client.get("/organisations/wigan-voices").text


def test_public_profile_shows_its_latest_visible_own_publication_and_all_of_them(
        client: TestClient, db: Session) -> None:
    council = make_organisation(db, name="Wigan Council", kind="council")
    make_commitment(db, council)
    day = today() - timedelta(days=30)
    publish(db, council, "plan", on=day).snapshot = {"what_changed": "Our first plan."}
    publish(db, council, "progress", on=day + timedelta(days=10)).snapshot = {
        "what_changed": "Two actions are done."}
    publish(db, council, "progress", on=day + timedelta(days=20),
            hidden_reason="Named a person").snapshot = {"what_changed": "Hidden words."}
    publish(db, council, "reply", on=day + timedelta(days=25))
    db.commit()
    page = client.get(f"/organisations/{council.slug}").text
    heading = re.search(r'<h2 class="govuk-heading-l" id="latest">([^<]*)</h2>', page)
    assert heading is not None
    assert heading.group(1) == "Latest publication: progress report, " \
        + f"{(day + timedelta(days=10)):%-d %B %Y}"
    assert "Two actions are done." in page
    assert "Our first plan." not in page and "Hidden words." not in page
    history = page[page.index('id="history"'):]
    assert [number for number in re.findall(r"/publications/(\d+)\"", history)] \
        == ["4", "3", "2", "1"]
    assert "Progress report 3, published" in history and "(hidden)" in history
