"""In Chromium, no page breaks the Content-Security-Policy (no inline script or style).

Chromium reports everything the policy blocks as a console error; pages are visited with
JavaScript on, anonymously and logged in as an organisation owner.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from sqlmodel import Session

from app.config import Settings
from app.db import engine_for
from tests.browser.helpers import (
    assert_no_csp_violations,
    log_in,
    public_paths,
    watch_console,
)
from tests.factories import PASSWORD, make_commitment, make_organisation, make_user

pytestmark = pytest.mark.browser

SIDE_PAGES = [
    "/organisations",
    "/areas",
    "/areas/E08000001",
    "/map",
    "/open-data",
    "/login",
    "/register",
    "/password-reset",
]


def _visit_all(page: Page, base: str, paths: list[str]) -> None:
    for path in paths:
        page.goto(base + path, wait_until="load")
        page.wait_for_timeout(50)  # let deferred scripts run and report


def test_public_pages_keep_to_the_policy(live_server: str, page: Page) -> None:
    console = watch_console(page)
    paths = public_paths()
    _visit_all(page, live_server, paths[:: max(1, len(paths) // 25)] + SIDE_PAGES)
    assert_no_csp_violations(console, "the public pages")


def test_workspace_pages_keep_to_the_policy(
    live_server: str, page: Page, settings: Settings
) -> None:
    with Session(engine_for(settings.database_url)) as db:
        owner = make_user(db, email="csp-owner@example.org")
        organisation = make_organisation(db, owner=owner, name="Policy Keepers")
        make_commitment(db, organisation)
        db.commit()
        slug = organisation.slug
    console = watch_console(page)
    log_in(page, live_server, "csp-owner@example.org", PASSWORD)
    _visit_all(
        page,
        live_server,
        [
            "/manage",
            f"/manage/{slug}",
            f"/manage/{slug}/assessments",
            f"/manage/{slug}/members",
            "/account",
            f"/organisations/{slug}",
        ],
    )
    assert_no_csp_violations(console, "the workspace")
