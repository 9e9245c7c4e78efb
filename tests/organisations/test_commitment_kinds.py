"""An organisation that holds others to account (DESIGN §6) is judged by the independent
views it publishes, not by action plans it never meant to write (issue 13, item 6)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from app.clock import today
from app.organisations.models import Commitment
from tests.accounts.test_web import GOOD_SIGN_UP, post_form
from tests.directory.builders import database, publish
from tests.factories import make_commitment, make_organisation


def _dpulo(database_url: str, *, kind: str, views: int) -> None:
    with database(database_url) as db:
        organisation = make_organisation(db, name="Wigan Voices", slug="wigan-voices")
        commitment = make_commitment(db, organisation,
                                     signed_up_on=today() - timedelta(days=200))
        commitment.kind = kind
        db.add(commitment)
        for number in range(views):
            publish(db, organisation, "view", on=today() - timedelta(days=100 - number))
        db.commit()


def test_a_published_view_counts_for_an_organisation_that_holds_others_to_account(
        client: TestClient, database_url: str) -> None:
    _dpulo(database_url, kind="hold_to_account", views=1)
    page = client.get("/organisations").text
    directory = page[page.index('id="results"'):]  # the results, not the filters
    assert "View published" in directory and "Plan overdue" not in directory
    profile = client.get("/organisations/wigan-voices").text
    assert "This group holds others to account" in profile
    assert "Has put out an independent view of another group." in profile
    assert "View published" in client.get("/organisations?status=plan_published").text


def test_a_second_view_keeps_it_up_to_date(client: TestClient, database_url: str) -> None:
    _dpulo(database_url, kind="hold_to_account", views=2)
    assert "Views kept up to date" in client.get("/organisations/wigan-voices").text


def test_no_view_in_time_is_overdue_in_its_own_words(client: TestClient,
                                                     database_url: str) -> None:
    _dpulo(database_url, kind="hold_to_account", views=0)
    profile = client.get("/organisations/wigan-voices").text
    assert "View overdue" in profile and "Plan overdue" not in profile


def test_views_do_not_count_for_an_organisation_that_improves_its_own_services(
        client: TestClient, database_url: str) -> None:
    _dpulo(database_url, kind="improve", views=1)
    profile = client.get("/organisations/wigan-voices").text
    assert "Plan overdue" in profile
    assert "works to make its own services better" in profile


def test_sign_up_asks_what_the_organisation_commits_to_do(client: TestClient,
                                                          database_url: str) -> None:

    page = client.get("/register").text
    assert "What will your organisation do?" in page and "Hold others to account" in page
    post_form(client, "/register", {**GOOD_SIGN_UP, "commitment_kind": "hold_to_account"})
    with database(database_url) as db:
        assert db.exec(select(Commitment.kind)).one() == "hold_to_account"
