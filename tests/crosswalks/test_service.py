"""The view by statement as a pure function: people's voice where there is any, and what
the public version leaves out."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.assessments.models import Evidence, Rating
from app.crosswalks.service import compose
from app.frameworks import load_catalogue
from app.organisations.models import Organisation
from app.publications.models import Publication
from tests.conftest import MARKERS_DIR

CATALOGUE = load_catalogue(MARKERS_DIR)
FRAMEWORK = CATALOGUE.get("making-it-real-2018")
CROSSWALK = CATALOGUE.crosswalk("cqc-local-authority")


def view_publication(organisation_id: int, level_label: str, on: date) -> Publication:
    marker = {"code": "WI4", "level": "x", "level_label": level_label}
    return Publication(organisation_id=organisation_id, framework_id="making-it-real-2018",
                       number=1, kind="view", published_on=on,
                       snapshot={"view": {"themes": [{"markers": [marker]}]}})


LISTED = Organisation(id=7, slug="people-first", name="People First", kind="dpulo",
                      confirmed=True, public=True)
HIDDEN = Organisation(id=8, slug="quiet-group", name="Quiet Group", kind="dpulo",
                      confirmed=True, public=False)
VIEWS = [(view_publication(7, "Getting started", date(2026, 5, 1)), LISTED),
         (view_publication(7, "Not started", date(2026, 1, 1)), LISTED),  # older: left out
         (view_publication(8, "Making progress", date(2026, 4, 1)), HIDDEN)]


def view(*, public: bool, voice: dict[str, dict[str, int]] | None = None) -> dict[str, Any]:
    assert FRAMEWORK is not None and CROSSWALK is not None
    ratings = {"WI4": Rating(id=1, assessment_id=1, marker_code="WI4", level="real")}
    evidence = {1: [
        Evidence(rating_id=1, kind="note", text="Private audit", category="processes"),
        Evidence(rating_id=1, kind="quote", text="I feel safe", source_kind="family_carer",
                 consent_to_publish=True, publishable=True, category="people_experience"),
    ]}
    return compose(crosswalk=CROSSWALK, framework=FRAMEWORK, assessment_name="Spring",
                   ratings=ratings, evidence=evidence, priorities=[], actions=[],
                   views_about=VIEWS, voice=voice, public=public)


def safeguarding(built: dict[str, Any]) -> dict[str, Any]:
    return next(s for theme in built["themes"] for s in theme["statements"]
                if s["id"] == "safeguarding")


def counts(statement: dict[str, Any]) -> dict[str, int]:
    return {c["category"]: c["count"] for c in statement["counts"]}


def test_the_team_sees_every_item_and_the_public_only_what_may_be_published() -> None:
    team = safeguarding(view(public=False))
    assert counts(team) == {"people_experience": 1, "staff_leaders": 0, "partners": 0,
                            "processes": 1}
    assert [item["text"] for group in team["evidence"] for item in group["items"]] == [
        "I feel safe", "Private audit"]
    assert team["markers"][0]["level_label"] == "Making it real"
    public = safeguarding(view(public=True))
    assert counts(public) == {"people_experience": 1, "staff_leaders": 0, "partners": 0,
                              "processes": 0}
    assert public["evidence"] == []
    assert "no evidence of processes yet" in public["gaps"]


def test_people_s_voice_shows_where_there_is_any_and_in_public_from_five() -> None:
    assert safeguarding(view(public=False))["markers"][0]["voice"] is None
    few = {"WI4": {"yes": 2, "no": 1}}
    assert safeguarding(view(public=False, voice=few))["markers"][0]["voice"] == [
        {"answer": "Yes", "count": 2}, {"answer": "Sometimes", "count": 0},
        {"answer": "No", "count": 1}, {"answer": "Don't know", "count": 0}]
    assert safeguarding(view(public=True, voice=few))["markers"][0]["voice"] is None
    enough = {"WI4": {"yes": 4, "sometimes": 1}}
    assert safeguarding(view(public=True, voice=enough))["markers"][0]["voice"] is not None


def test_independent_views_show_their_latest_level_and_in_public_only_listed_authors() -> None:
    team = safeguarding(view(public=False))["views"]
    assert [(v["by"], v["level_label"]) for v in team] == [("People First", "Getting started"),
                                                          ("Quiet Group", "Making progress")]
    public = safeguarding(view(public=True))["views"]
    assert [(v["by"], v["level_label"]) for v in public] == [("People First", "Getting started")]
