"""A change to one organisation makes only the cached pages that show it stale: its own
pages, its area(s), its region(s) and the lists (home, map, directory, API lists). Other
organisations' pages, areas and regions, and the framework pages, stay cached."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.accounts.models import User
from app.areas.models import Region
from app.assessments.models import Assessment
from app.caching import cache_of, page_scopes
from app.directory.service import RegionChanges, update_region
from app.organisations.models import Membership, Organisation
from app.organisations.service import update_profile
from tests.directory.builders import database, publish
from tests.factories import make_commitment, make_organisation, make_user
from tests.views.factories import complete_view, publish_plan, publish_view, start_view

BOLTON, CORNWALL = "E08000001", "E06000052"  # North West, South West
NORTH_WEST, SOUTH_WEST = "E12000002", "E12000009"
PAGES = [
    "/", "/map", "/areas", "/organisations", "/organisations?q=bolton",
    "/organisations/bolton-voice", "/organisations/bolton-voice/changes",
    "/organisations/kernow-voice", "/organisations/kernow-voice/changes",
    f"/areas/{BOLTON}", f"/areas/{CORNWALL}", f"/regions/{NORTH_WEST}",
    f"/regions/{SOUTH_WEST}", "/frameworks", "/open-data", "/api/v1/organisations",
    "/api/v1/organisations/bolton-voice", "/api/v1/organisations/kernow-voice",
]
LISTS = ["/", "/map", "/areas", "/organisations", "/organisations?q=bolton",
         "/api/v1/organisations"]


def test_pages_know_what_they_show() -> None:
    assert page_scopes("/organisations/x/publications/2") == ("org:x",)
    assert page_scopes("/api/v1/organisations/x") == ("org:x",)
    assert page_scopes("/areas/e08000001") == ("area:E08000001",)
    assert page_scopes("/regions/E12000002") == ("region:E12000002",)
    assert page_scopes("/frameworks/making-it-real-2018") == ()
    for path in ("/", "/map", "/organisations", "/areas", "/api/v1/organisations.csv"):
        assert page_scopes(path) == ("lists",)


def _stale(app: FastAPI, client: TestClient) -> list[str]:
    """The pages that had to be rendered again (the others came from the cache)."""
    cache = cache_of(app)
    stale = []
    for path in PAGES:
        before = cache.renders
        assert client.get(path).status_code == 200, path
        if cache.renders > before:
            stale.append(path)
    return stale


def _organisations(database_url: str) -> tuple[int, int]:
    with database(database_url) as db:
        bolton = make_organisation(db, name="Bolton Voice", slug="bolton-voice",
                                   areas=(BOLTON,))
        kernow = make_organisation(db, name="Kernow Voice", slug="kernow-voice",
                                   areas=(CORNWALL,))
        for organisation in (bolton, kernow):
            make_commitment(db, organisation)
        db.commit()
        return bolton.id or 0, kernow.id or 0


def test_one_publication_makes_only_the_pages_that_show_it_stale(
        app: FastAPI, client: TestClient, database_url: str) -> None:
    bolton, _kernow = _organisations(database_url)
    assert _stale(app, client) == PAGES  # the first visit renders everything
    assert _stale(app, client) == []  # then everything comes from the cache
    with database(database_url) as db:
        organisation = db.get(Organisation, bolton)
        assert organisation is not None
        publish(db, organisation)  # nothing else: the publication itself says what changed
        db.commit()
    stale = _stale(app, client)
    print(f"\none publication made {len(stale)} of {len(PAGES)} cached pages stale: {stale}")
    assert stale == [*LISTS[:5], "/organisations/bolton-voice",
                     "/organisations/bolton-voice/changes", f"/areas/{BOLTON}",
                     f"/regions/{NORTH_WEST}", "/api/v1/organisations",
                     "/api/v1/organisations/bolton-voice"]
    assert "Plan published" in client.get("/organisations/bolton-voice").text


def test_a_view_makes_the_pages_of_the_organisation_it_is_about_stale_too(
        app: FastAPI, client: TestClient, database_url: str, tmp_path: Path) -> None:
    """An independent view shows on the profile of the organisation it is about: the
    publication says so itself (no publishing path has to remember)."""
    bolton, kernow = _organisations(database_url)
    with database(database_url) as db:
        viewer, about = db.get(Organisation, bolton), db.get(Organisation, kernow)
        assert viewer is not None and about is not None
        owner = make_user(db, "owner@example.org")
        for organisation in (viewer, about):
            db.add(Membership(user_id=owner.id or 0, organisation_id=organisation.id or 0,
                              role="owner"))
        plan = publish_plan(db, about, owner, upload_dir=tmp_path)
        view = start_view(db, viewer, owner, plan)
        complete_view(db, view, owner)
        db.commit()
        view_id, owner_id = view.id, owner.id
    _stale(app, client)
    with database(database_url) as db:
        viewer = db.get(Organisation, bolton)
        view, actor = db.get(Assessment, view_id), db.get(User, owner_id)
        assert viewer is not None and view is not None and actor is not None
        publish_view(db, view, viewer, actor, upload_dir=tmp_path)
        db.commit()
    stale = _stale(app, client)
    assert {"/organisations/bolton-voice", "/organisations/kernow-voice",
            "/api/v1/organisations/kernow-voice"} <= set(stale)


def test_moving_area_makes_the_area_it_left_stale_too(
        app: FastAPI, client: TestClient, database_url: str) -> None:
    bolton, _kernow = _organisations(database_url)
    _stale(app, client)
    with database(database_url) as db:
        organisation = db.get(Organisation, bolton)
        assert organisation is not None
        update_profile(db, actor_id=None, organisation=organisation,  # type: ignore[arg-type]
                       changes={}, area_codes=[CORNWALL])
        db.commit()
    stale = _stale(app, client)
    assert {f"/areas/{BOLTON}", f"/areas/{CORNWALL}", f"/regions/{NORTH_WEST}",
            f"/regions/{SOUTH_WEST}", "/organisations/bolton-voice"} <= set(stale)
    assert "/organisations/kernow-voice" not in stale and "/frameworks" not in stale
    assert "Bolton Voice" in client.get(f"/areas/{CORNWALL}").text
    assert "Bolton Voice" not in client.get(f"/areas/{BOLTON}").text


def test_a_change_no_organisation_owns_makes_every_page_stale(
        app: FastAPI, client: TestClient, database_url: str) -> None:
    _organisations(database_url)
    _stale(app, client)
    with database(database_url) as db:
        region = db.get(Region, NORTH_WEST)
        assert region is not None
        update_region(db, actor_id=None, region=region,  # type: ignore[arg-type]
                      changes=RegionChanges("North West network", "", "", ""))
        db.commit()
    assert _stale(app, client) == PAGES


def test_tallies_are_counted_once_per_version_of_the_lists(
        app: FastAPI, client: TestClient, database_url: str) -> None:
    """A page missing the cache (a new address) reads the sign-up tallies kept in the
    database (one small query) and reuses the map's cells the last one worked out, until a
    change to an organisation makes the lists stale."""
    from tests.directory.test_query_counts import counting

    bolton, _kernow = _organisations(database_url)
    with counting(database_url) as first:
        home = client.get("/")
    with counting(database_url) as second:
        assert client.get("/?again").status_code == 200  # another address: not cached
    assert len(second) == len(first)  # the tally by kind is read, never counted
    with counting(database_url) as map_first:
        assert client.get("/map").status_code == 200
    with counting(database_url) as map_second:
        assert client.get("/map?again").status_code == 200
    assert len(map_second) < len(map_first)  # the cells were not worked out again
    assert '<span class="mir-figure__number">2</span> groups have signed up' in home.text
    with database(database_url) as db:
        third = make_organisation(db, name="Bolton Third", areas=(BOLTON,))
        make_commitment(db, third)
        db.commit()
    with counting(database_url) as after:
        page = client.get("/?after")
    assert len(after) == len(first)
    assert '<span class="mir-figure__number">3</span> groups have signed up' in page.text
    assert bolton
