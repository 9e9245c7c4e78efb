"""`mir demo`: deterministic, realistic, every stage present, independent views and replies
about published plans only, and safe to run twice."""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from markupsafe import escape
from sqlmodel import Session, col, select

from app.accounts.service import find_user
from app.areas.reference import area_centres, read_reference_areas
from app.assessments import repository as assessments
from app.assessments.models import Assessment
from app.clock import today
from app.config import Settings
from app.db import engine_for
from app.demo import DEMO_COUNCIL, FRAMEWORK, DemoGenerator, Ids, add_voice_round, load_demo
from app.frameworks import load_catalogue
from app.organisations import repository
from app.organisations.models import Organisation
from app.organisations.service import commitment_views
from app.publications.models import REPLY_KIND, VIEW_KIND, Publication
from app.publications.snapshot import view_markers
from app.views import repository as views_repository
from app.views.snapshot import published_markers
from app.voice.service import assessment_voice
from tests.conftest import MARKERS_DIR


def names(database_url: str) -> list[str]:
    with Session(engine_for(database_url)) as db:
        return [o.name for o in db.exec(select(Organisation).order_by(Organisation.id))]


def test_demo_is_deterministic_and_covers_every_stage(settings: Settings, database_url: str,
                                                      client: TestClient) -> None:
    message = load_demo(settings, orgs=120, seed=7, only_if_empty=False)
    assert "120 organisations" in message
    first = names(database_url)
    assert len(first) == 120
    with Session(engine_for(database_url)) as db:
        kinds = Counter(o.kind for o in db.exec(select(Organisation)))
        assert {"council", "dpulo", "provider", "voluntary"} <= set(kinds)
        publication_kinds = Counter(p.kind for p in db.exec(select(Publication)))
        assert publication_kinds["plan"] > 0 and publication_kinds["progress"] > 0
        catalogue = load_catalogue(settings.markers_dir)
        statuses = Counter(view.status.value for o in db.exec(select(Organisation))
                           for view in commitment_views(db, o.id or 0, catalogue, today()))
    assert {"signed_up", "plan_published", "progress_reported", "plan_overdue",
            "lapsed"} <= set(statuses), statuses
    again = load_demo(settings, orgs=10, seed=7, only_if_empty=True)
    assert "already has 120 organisations" in again
    load_demo(settings, orgs=10, seed=7, only_if_empty=False)  # adds more, no clash
    assert len(names(database_url)) == 130
    council = names(database_url)[0]
    with Session(engine_for(database_url)) as db:
        slug = db.exec(select(Organisation.slug).where(Organisation.name == council)
                       .order_by(Organisation.id)).first()
    page = client.get(f"/organisations/{slug}")
    assert page.status_code == 200 and council in page.text


def _generator(seed: int) -> DemoGenerator:
    catalogue = load_catalogue(MARKERS_DIR)
    areas = [(row["gss_code"], row["name"]) for row in read_reference_areas()[1]]
    ids = Ids(dict.fromkeys(("user", "organisation", "membership", "commitment", "assessment",
                             "rating", "co_production", "priority", "action", "action_update",
                             "publication"), 1))
    return DemoGenerator(random.Random(seed), catalogue.get(FRAMEWORK) or catalogue.ids[0],  # type: ignore[arg-type]
                         sorted(areas), ids, "hash", today(), {}, set())


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot((a[0] - b[0]) * 111.2, (a[1] - b[1]) * 111.2 * math.cos(math.radians(53)))


def test_every_area_has_a_town_inside_england() -> None:
    centres = area_centres()
    areas = read_reference_areas()[1]
    assert set(centres) == {row["gss_code"] for row in areas}
    for row in areas:
        latitude, longitude = centres[row["gss_code"]]
        assert 49.8 <= latitude <= 55.9 and -6.5 <= longitude <= 1.8, row["name"]
        if row["region_code"] == "E12000007":  # London
            assert 51.28 <= latitude <= 51.70 and -0.52 <= longitude <= 0.34, row["name"]
    assert centres["E06000001"][0] > 54.5  # Hartlepool is in the North East


def test_demo_organisations_are_placed_in_or_near_their_area() -> None:
    centres = area_centres()
    tables: dict[str, list[dict[str, Any]]] = {}
    for rows in _generator(seed=5).batches(600):
        for table, found in rows.tables.items():
            tables.setdefault(table, []).extend(found)
    first_area: dict[int, str] = {}
    for link in tables["organisation_area"]:
        first_area.setdefault(link["organisation_id"], link["area_code"])
    located = [o for o in tables["organisation"] if o["latitude"] is not None]
    assert len(located) > 100
    for organisation in located:
        code = first_area[organisation["id"]]
        distance = _km((organisation["latitude"], organisation["longitude"]), centres[code])
        assert distance < 25, f"{organisation['name']} is {distance:.0f} km from {code}"


def _generated(seed: int, orgs: int) -> list[dict[str, Any]]:
    """The views and replies the generator makes, without a database."""
    generator = _generator(seed)
    return [row for rows in generator.batches(orgs)
            for row in rows.tables.get("publication", []) if row["kind"] in (VIEW_KIND,
                                                                              REPLY_KIND)]


def test_demo_views_are_deterministic() -> None:
    first = _generated(seed=3, orgs=600)
    assert first and first == _generated(seed=3, orgs=600)
    assert first != _generated(seed=4, orgs=600)


def test_demo_views_and_replies_are_about_published_plans(settings: Settings,
                                                          database_url: str,
                                                          client: TestClient) -> None:
    load_demo(settings, orgs=600, seed=3, only_if_empty=False)
    with Session(engine_for(database_url)) as db:
        published = db.exec(select(Publication).where(
            col(Publication.kind).in_([VIEW_KIND, REPLY_KIND]))).all()
        views = [p for p in published if p.kind == VIEW_KIND]
        replies = [p for p in published if p.kind == REPLY_KIND]
        assert views and replies and len(replies) < len(views)
        drafts = {d.organisation_id: d for d in db.exec(select(Assessment).where(
            col(Assessment.subject_organisation_id) != col(Assessment.organisation_id)))}
        for view in views:
            viewer = db.get(Organisation, view.organisation_id)
            council = db.get(Organisation, view.about_organisation_id)
            assert viewer is not None and council is not None
            assert (viewer.kind, council.kind) == ("dpulo", "council")
            assert {a.gss_code for a in repository.areas_of(db, viewer.id or 0)} \
                & {a.gss_code for a in repository.areas_of(db, council.id or 0)}
            # About the council's latest published plan, and only its published words.
            draft = drafts[viewer.id or 0]
            about = views_repository.latest_assessed(db, council.id or 0, view.framework_id)
            assert about is not None and draft.about_publication_id == about.id
            assert about.kind == "plan" and about.published_on <= view.published_on <= today()
            assert view.snapshot["about"]["publication_number"] == about.number
            theirs = published_markers(about.snapshot)
            said = view_markers(view.snapshot)
            assert said and view.snapshot["co_production"]["what_people_said"]
            levels = {r.marker_code: r.level for r in assessments.ratings_of(
                db, draft.id or 0).values() if r.level}
            for code, marker in said.items():
                assert marker["their_level"] == theirs[code]["level"]
                assert marker["level"] == levels[code] and marker["reasons"]
        for reply in replies:
            answered = db.get(Publication, reply.in_reply_to_id)
            assert answered is not None and answered.kind == VIEW_KIND
            assert answered.about_organisation_id == reply.organisation_id
            assert answered.published_on < reply.published_on <= today()
            assert reply.snapshot["overall"] and reply.snapshot["markers"]
            assert {m["code"] for m in reply.snapshot["markers"]} \
                <= set(view_markers(answered.snapshot))
        # The demo login's council has a view waiting for its reply.
        login_council = db.exec(select(Organisation).order_by(col(Organisation.id))).first()
        assert login_council is not None and login_council.kind == "council"
        waiting = min((v for v in views if v.about_organisation_id == login_council.id),
                      key=lambda v: v.id or 0)
        assert not any(r.in_reply_to_id == waiting.id for r in replies)
        # The public pages show them side by side.
        view = next(v for v in views if any(r.in_reply_to_id == v.id for r in replies))
        viewer, council = db.get(Organisation, view.organisation_id), \
            db.get(Organisation, view.about_organisation_id)
        assert viewer is not None and council is not None
        [area] = repository.areas_of(db, council.id or 0)
    page = client.get(f"/areas/{area.gss_code}").text
    assert f"Independent view by {escape(viewer.name)}" in page
    assert f"{escape(council.name)} replied on" in page
    page = client.get(f"/organisations/{council.slug}/independent-views").text
    assert f"What local people say, through {escape(viewer.name)}" in page
    assert client.get(f"/organisations/{viewer.slug}/publications/{view.number}") \
        .status_code == 200
    # The open data lists views and replies among the publications, labelled.
    for slug, kind, label in ((viewer.slug, "view", "Independent view"),
                              (council.slug, "reply", "Reply to an independent view")):
        detail = client.get(f"/api/v1/organisations/{slug}")
        assert detail.status_code == 200
        assert {"kind": kind, "kind_label": label} in [
            {"kind": p["kind"], "kind_label": p["kind_label"]}
            for p in detail.json()["publications"]]
    # On the area page the council's latest publication is its own plan or progress
    # report, not its (later) reply to the view.
    area_page = client.get(f"/areas/{area.gss_code}").text
    latest = re.search(r"Last published: <a [^>]*>([^<]*)</a>", area_page)
    assert latest is not None and latest.group(1).startswith(("action plan", "progress report"))


def test_demo_voice_round_is_added_once(settings: Settings, database_url: str) -> None:
    load_demo(settings, orgs=120, seed=7, only_if_empty=False)
    catalogue = load_catalogue(settings.markers_dir)
    with Session(engine_for(database_url)) as db:
        message = add_voice_round(db, catalogue, answers=25)
        db.commit()
        assert "with 25 sets of answers" in message
        again = add_voice_round(db, catalogue, answers=25)
        db.commit()
        assert "has a round of people's voice already" in again
        owner = find_user(db, DEMO_COUNCIL)
        assert owner is not None
        organisation = repository.memberships_of_user(db, owner.id or 0)[0][1]
        assessment = assessments.assessments_of(db, organisation.id or 0)[0]
        framework = catalogue.get(assessment.framework_id)
        assert framework is not None
        voice = assessment_voice(db, assessment.id or 0, framework)
    assert voice is not None and voice.people_label == "25 people answered"
    assert voice.round.is_open(today())
    assert len(voice.markers) == len(voice.round.marker_codes) >= 1
    assert all(m.answered == 25 for m in voice.markers.values())
