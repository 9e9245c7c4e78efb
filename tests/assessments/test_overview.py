"""The overview of an assessment and comparing two cycles: pure rules first, then the pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import lxml.html
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.assessments import overview, service
from app.assessments.models import NOT_APPLICABLE, Assessment, CoProduction, Evidence, Rating
from app.db import engine_for
from app.frameworks import Framework, load_catalogue
from app.frameworks.model import Level, Marker, Source, Theme
from app.organisations.models import Organisation
from tests.conftest import MARKERS_DIR
from tests.factories import add_member, login, make_commitment, make_organisation, make_user

BASE = "/manage/team-org/assessments"
CATALOGUE = load_catalogue(MARKERS_DIR)


def _framework(not_applicable: bool = True) -> Framework:
    def marker(code: str, theme: str) -> Marker:
        return Marker(code=code, statement=f"I statement {code}", theme_id=theme,
                      red_flags=(f"Warning sign of {code}",))

    return Framework(
        id="tiny", title="Tiny framework", version="1", published=date(2020, 1, 1),
        source=Source("Us", "https://example.org"), licence="Ours", summary="Small.",
        scale=(Level("not_started", "Not started", ""),
               Level("getting_started", "Getting started", ""),
               Level("making_progress", "Making progress", ""),
               Level("real", "Making it real", "")),
        themes=(Theme("home", "Home", "", (marker("H1", "home"), marker("H2", "home"),
                                           marker("H3", "home"))),
                Theme("work", "Work", "", (marker("W1", "work"), marker("W2", "work")))),
        not_applicable=not_applicable)


TINY = _framework()


def _rating(code: str, level: str | None = None, rating_id: int | None = None,
            **fields: object) -> Rating:
    return Rating(id=rating_id, assessment_id=1, marker_code=code, level=level,
                  **fields)  # type: ignore[arg-type]


# Comparing levels: pure ---------------------------------------------------------------------

@pytest.mark.parametrize(("earlier", "later", "change", "words"), [
    ("getting_started", "making_progress", overview.Change.up,
     "Moved up from Getting started to Making progress"),
    ("not_started", "real", overview.Change.up, "Moved up from Not started to Making it real"),
    ("real", "getting_started", overview.Change.down,
     "Moved down from Making it real to Getting started"),
    ("making_progress", "making_progress", overview.Change.same, "No change"),
    (None, "getting_started", overview.Change.newly_rated, "Newly rated"),
    (None, NOT_APPLICABLE, overview.Change.newly_rated, "Newly rated"),
    ("real", None, overview.Change.no_longer_rated, "No longer rated"),
    (NOT_APPLICABLE, "real", overview.Change.changed,
     "Changed from Does not apply to Making it real"),
    ("not_started", NOT_APPLICABLE, overview.Change.changed,
     "Changed from Not started to Does not apply"),
    (NOT_APPLICABLE, NOT_APPLICABLE, overview.Change.same, "No change"),
    (None, None, overview.Change.not_rated, "Not rated in either"),
])
def test_compare_levels_in_words(earlier: str | None, later: str | None,
                                 change: overview.Change, words: str) -> None:
    assert overview.compare_levels(TINY, earlier, later) == (change, words)


def test_rank_follows_the_scale_and_does_not_apply_is_not_ranked() -> None:
    assert [overview.level_rank(TINY, level.id) for level in TINY.scale] == [0, 1, 2, 3]
    assert overview.level_rank(TINY, NOT_APPLICABLE) is None
    assert overview.level_rank(TINY, None) is None
    assert overview.level_label(TINY, NOT_APPLICABLE) == "Does not apply"
    assert overview.level_label(TINY, None) == "Not rated"


def test_compare_ratings_counts_every_kind_and_spots_changed_words() -> None:
    earlier = {"H1": _rating("H1", "getting_started", working="Same words"),
               "H2": _rating("H2", "real", needs_change="Old plan"),
               "H3": _rating("H3", "not_started"),
               "W1": _rating("W1", NOT_APPLICABLE)}
    later = {"H1": _rating("H1", "making_progress", working="Same words\r\n"),
             "H2": _rating("H2", "getting_started", needs_change="New plan"),
             "H3": _rating("H3", "not_started"),
             "W1": _rating("W1", "real"),
             "W2": _rating("W2", "getting_started", working="Started at last")}
    comparison = overview.compare_ratings(TINY, earlier, later)
    assert [item.marker.code for item in comparison.markers] == ["H1", "H2", "H3", "W1", "W2"]
    assert [theme.id for theme, _items in comparison.by_theme] == ["home", "work"]
    changes = {item.marker.code: (item.change, item.arrow) for item in comparison.markers}
    assert changes == {"H1": (overview.Change.up, "↑"), "H2": (overview.Change.down, "↓"),
                       "H3": (overview.Change.same, "→"),
                       "W1": (overview.Change.changed, "↔"),
                       "W2": (overview.Change.newly_rated, "+")}
    assert [item.marker.code for item in comparison.text_changes] == ["H2", "W2"]
    h2 = comparison.markers[1]
    assert (h2.needs_change.earlier, h2.needs_change.later) == ("Old plan", "New plan")
    assert not h2.working.changed
    summary = {label: count for _change, _arrow, label, count in comparison.summary()}
    assert summary == {"Moved up": 1, "Moved down": 1, "No change": 1,
                       "Changed to or from “Does not apply”": 1, "Newly rated": 1}


def test_compare_ratings_no_longer_rated() -> None:
    comparison = overview.compare_ratings(TINY, {"W2": _rating("W2", "real")},
                                          {"W2": _rating("W2", None)})
    item = comparison.markers[-1]
    assert (item.change, item.words, item.arrow) == (overview.Change.no_longer_rated,
                                                     "No longer rated", "−")
    assert (item.earlier_label, item.later_label) == ("Making it real", "Not rated")
    assert comparison.counts[overview.Change.not_rated] == 4


def _cycle(cycle_id: int, framework_id: str = "tiny", name: str = "") -> Assessment:
    return Assessment(id=cycle_id, organisation_id=1, framework_id=framework_id,
                      framework_version="1", name=name or f"Cycle {cycle_id}")


@pytest.mark.parametrize(("a", "b", "errors"), [
    ("", "", {"a": "Choose the earlier assessment", "b": "Choose the later assessment"}),
    ("1", "", {"b": "Choose the later assessment"}),
    ("99", "1", {"a": "Choose one of your organisation’s assessments as the earlier one"}),
    ("1", "nonsense", {"b": "Choose one of your organisation’s assessments as the later one"}),
    ("2", "2", {"b": "Choose two different assessments"}),
    ("1", "3", {"b": "Choose two assessments of the same framework: “Cycle 1” and "
                     "“Other” use different frameworks"}),
])
def test_choose_pair_explains_each_problem(a: str, b: str, errors: dict[str, str]) -> None:
    cycles = [_cycle(1), _cycle(2), _cycle(3, "other", "Other")]
    assert overview.choose_pair(cycles, a, b) == (None, errors)


def test_choose_pair_in_the_order_given() -> None:
    cycles = [_cycle(1), _cycle(2)]
    pair, errors = overview.choose_pair(cycles, "2", " 1 ")
    assert errors == {} and pair == (cycles[1], cycles[0])


# Summaries and chart geometry: pure --------------------------------------------------------

def test_summarise_counts_levels_by_theme() -> None:
    ratings = {"H1": _rating("H1", "real", 1, red_flags=["Warning sign of H1"]),
               "H2": _rating("H2", "real", 2, carried_over=True),
               "H3": _rating("H3", None, 3),
               "W1": _rating("W1", NOT_APPLICABLE, 4),
               "W2": _rating("W2", "retired_level", 5)}
    summary = overview.summarise(TINY, ratings, {1: 2}, None)
    assert [c.key for c in summary.columns] == ["not_started", "getting_started",
                                                "making_progress", "real", NOT_APPLICABLE,
                                                overview.NOT_RATED]
    home, work = summary.themes
    assert home.counts == {"not_started": 0, "getting_started": 0, "making_progress": 0,
                           "real": 2, NOT_APPLICABLE: 0, overview.NOT_RATED: 1}
    assert (home.rated, home.total, home.evidence) == (2, 3, 2)
    assert [m.code for m in home.unrated] == ["H3"]
    assert work.counts[NOT_APPLICABLE] == 1 and work.counts[overview.NOT_RATED] == 1
    assert (summary.rated, summary.total, summary.unrated, summary.percent) == (3, 5, 2, 60)
    assert summary.totals["real"] == 2
    assert [(f.marker.code, f.text) for f in summary.red_flags] == [("H1",
                                                                     "Warning sign of H1")]
    assert [m.code for m in summary.carried_over] == ["H2"]
    assert [m.code for m in summary.without_evidence] == ["H2"]  # H1 has evidence, W1 n/a
    assert summary.co_production is overview.CoProductionState.not_started


def test_co_production_is_started_once_someone_took_part() -> None:
    state = overview.co_production_state
    assert state(None) is overview.CoProductionState.not_started
    assert state(CoProduction(assessment_id=1)) is overview.CoProductionState.not_started
    assert state(CoProduction(assessment_id=1, staff=2)) is overview.CoProductionState.started
    assert state(CoProduction(assessment_id=1, people_using_support=3, methods=["survey"],
                              what_people_said="We were listened to.")
                 ) is overview.CoProductionState.complete


def test_next_steps_in_plain_english() -> None:
    ratings = {"H1": _rating("H1", "real", 1, carried_over=True)}
    summary = overview.summarise(TINY, ratings, {}, None)
    steps = overview.next_steps(summary, TINY, "/base")
    assert [step.text for step in steps] == [
        "Rate the remaining 4 markers, starting with H2.",
        "Check the 1 marker carried over from your last assessment, and save each one when "
        "you have, starting with H1.",
        "Add evidence to the 1 marker you have rated but have no evidence for yet, starting "
        "with H1.",
        "Fill in the co-production record: who took part in this assessment and how.",
        "Then choose your priorities: at least 3 markers to work on first, and say why "
        "each one matters."]
    assert steps[0].href == "/base/markers/H2" and steps[3].href == "/base/co-production"
    assert steps[4].href == "/base/priorities"
    almost = {code: _rating(code, "real", 1) for code in ("H1", "H2", "H3", "W1")}
    steps = overview.next_steps(overview.summarise(TINY, almost, {1: 1}, None), TINY, "/b")
    assert steps[0].text == "Rate the last marker, W2."


def test_chart_geometry_is_proportional_and_skips_empty_segments() -> None:
    series = overview.level_series(TINY, overview.columns_for(TINY, {}))
    assert len({s.fill for s in series}) == len(series)
    assert len({s.pattern for s in series}) == len(series)  # never colour alone
    chart = overview.stacked_bar_chart(
        title="T", description="D", series=series,
        rows=[overview.BarRow("Home", {"real": 3, "not_started": 1}),
              overview.BarRow("Work", {overview.NOT_RATED: 2})])
    home, work = chart.bars
    assert [(s.series.key, s.count) for s in home.segments] == [("not_started", 1),
                                                                  ("real", 3)]
    assert home.segments[0].width * 3 == pytest.approx(home.segments[1].width)
    assert home.end_x == pytest.approx(overview.BAR_AREA)
    assert work.end_x == pytest.approx(overview.BAR_AREA / 2)
    assert home.segments[1].x == home.segments[0].width
    assert work.bar_y > home.bar_y + chart.bar_height
    assert chart.total_text(1) == "1 marker" and chart.total_text(4) == "4 markers"
    empty = overview.stacked_bar_chart(title="T", description="D", rows=[], series=series)
    assert empty.bars == ()


# The pages -----------------------------------------------------------------------------------

@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


@pytest.fixture
def team(db: Session) -> dict[str, int]:
    owner = make_user(db, email="owner@example.org", name="Olive")
    organisation = make_organisation(db, owner=owner, name="Team Org")
    add_member(db, organisation, make_user(db, email="viewer@example.org", name="Vera"),
               "viewer")
    make_commitment(db, organisation)
    outsider = make_user(db, email="outsider@example.org")
    make_organisation(db, owner=outsider, name="Other Org")
    db.commit()
    assert organisation.id is not None and owner.id is not None
    return {"organisation": organisation.id, "owner": owner.id}


def start(db: Session, team: dict[str, int], name: str, carry_over: bool = False,
          framework_id: str = "making-it-real-2018") -> int:
    framework = CATALOGUE.get(framework_id)
    assert framework is not None
    assessment = service.start_assessment(db, actor_id=team["owner"],
                                          organisation_id=team["organisation"],
                                          framework=framework, name=name,
                                          carry_over=carry_over)
    db.commit()
    assert assessment.id is not None
    return assessment.id


def rate(db: Session, assessment_id: int, code: str, level: str | None, **fields: object) -> Rating:
    rating = db.exec(select(Rating).where(Rating.assessment_id == assessment_id,
                                          Rating.marker_code == code)).one()
    rating.level = level
    rating.carried_over = False
    for name, value in fields.items():
        setattr(rating, name, value)
    db.add(rating)
    db.commit()
    return rating


def table_numbers(html: str) -> dict[str, dict[str, int]]:
    """The levels table: theme → {level key: count}."""
    root = lxml.html.document_fromstring(html)
    table = root.get_element_by_id("levels-table")
    found: dict[str, dict[str, int]] = {}
    for row in table.xpath(".//tbody/tr | .//tfoot/tr"):
        theme = row.xpath("./th")[0].text_content().strip()
        found[theme] = {cell.get("data-level"): int(cell.text_content())
                        for cell in row.xpath("./td[@data-level]")}
    return found


def test_overview_table_matches_the_ratings(client: TestClient, db: Session,
                                            team: dict[str, int]) -> None:
    assessment_id = start(db, team, "Spring 2026")
    rate(db, assessment_id, "IA1", "making_progress")
    rate(db, assessment_id, "IA2", "making_progress")
    rate(db, assessment_id, "IA3", "real")
    rate(db, assessment_id, "WI2", NOT_APPLICABLE, not_applicable_reason="We run no homes")
    login(client, "viewer@example.org")
    page = client.get(f"{BASE}/{assessment_id}")
    assert page.status_code == 200
    assert "<h1 class=\"govuk-heading-xl\">Spring 2026</h1>" in page.text
    assert "Making It Real (2018)" in page.text
    assert "4 of 32 markers rated" in page.text
    numbers = table_numbers(page.text)
    assert numbers["Information and advice"] == {
        "not_started": 0, "getting_started": 0, "making_progress": 2, "real": 1,
        NOT_APPLICABLE: 0, "not_rated": 2}
    assert numbers["Wellbeing and independence"][NOT_APPLICABLE] == 1
    assert numbers["All themes"] == {"not_started": 0, "getting_started": 0,
                                     "making_progress": 2, "real": 1, NOT_APPLICABLE: 1,
                                     "not_rated": 28}
    # The chart is an image with a name, drawn from the same numbers.
    root = lxml.html.document_fromstring(page.text)
    chart = root.xpath("//svg[@role='img']")[0]
    assert chart.get("aria-labelledby") == "levels-chart-title levels-chart-desc"
    assert root.get_element_by_id("levels-chart-title").text == \
        "Markers at each level, by theme"
    assert "table below" in root.get_element_by_id("levels-chart-desc").text
    assert "Rate the remaining 28 markers, starting with WI1." in page.text


def test_overview_lists_unrated_flags_and_carried_over(client: TestClient, db: Session,
                                                       team: dict[str, int]) -> None:
    first = start(db, team, "Spring 2026")
    rate(db, first, "IA1", "getting_started",
         red_flags=["Leaflets and web pages are full of jargon and abbreviations"])
    rate(db, first, "AC1", "real", working="Friends groups")
    second = start(db, team, "Autumn 2026", carry_over=True)
    rate(db, second, "IA1", "making_progress",
         red_flags=["Leaflets and web pages are full of jargon and abbreviations"])
    login(client, "viewer@example.org")
    page = client.get(f"{BASE}/{second}")
    root = lxml.html.document_fromstring(page.text)

    def section_links(heading_id: str) -> list[str]:
        heading = root.get_element_by_id(heading_id)
        links = []
        for sibling in heading.itersiblings():
            if sibling.tag == "h2":
                break
            links.extend(a.get("href") for a in sibling.iter("a"))
        return links

    unrated = section_links("not-rated")
    assert f"{BASE}/{second}/markers/WI1" in unrated
    assert f"{BASE}/{second}/markers/IA1" not in unrated
    assert f"{BASE}/{second}/markers/AC1" not in unrated
    assert len(unrated) == 30
    assert section_links("carried-over") == [f"{BASE}/{second}/markers/AC1"]
    assert section_links("warning-signs") == [f"{BASE}/{second}/markers/IA1"]
    assert "Leaflets and web pages are full of jargon and abbreviations" in page.text
    assert "Check the 1 marker carried over" in page.text
    assert f"{BASE}/compare?a={first}&amp;b={second}" in page.text
    assert f'href="{BASE}/{second}/themes/information-and-advice"' in page.text


def test_overview_shows_co_production_and_evidence(client: TestClient, db: Session,
                                                   team: dict[str, int]) -> None:
    assessment_id = start(db, team, "Spring 2026")
    rating = rate(db, assessment_id, "IA1", "real")
    login(client, "owner@example.org")
    page = client.get(f"{BASE}/{assessment_id}")
    assert "Not started" in page.text and f'href="{BASE}/{assessment_id}/co-production"' \
        in page.text
    assert "Fill in the co-production record" in page.text
    assert "Add evidence to the 1 marker" in page.text
    assert rating.id is not None
    db.add(Evidence(rating_id=rating.id, kind="note", text="A conversation"))
    record = CoProduction(assessment_id=assessment_id, people_using_support=6)
    db.add(record)
    db.commit()
    page = client.get(f"{BASE}/{assessment_id}")
    assert "Started, not complete yet" in page.text
    assert "Finish the co-production record" in page.text
    assert "Add evidence" not in page.text
    assert "You have 1 piece of evidence." in page.text
    record.methods = ["workshops"]
    record.what_people_said = "It was our meeting."
    db.add(record)
    db.commit()
    page = client.get(f"{BASE}/{assessment_id}")
    assert "Filled in" in page.text
    assert "co-production record:" not in page.text


def test_overview_of_another_organisations_assessment_is_not_found(
        client: TestClient, db: Session, team: dict[str, int]) -> None:
    assessment_id = start(db, team, "Spring 2026")
    login(client, "outsider@example.org")
    assert client.get(f"{BASE}/{assessment_id}").status_code == 404
    client.cookies.clear()
    login(client, "viewer@example.org")
    assert client.get(f"{BASE}/{assessment_id + 100}").status_code == 404


def test_compare_shows_moves_in_words_with_arrows(client: TestClient, db: Session,
                                                  team: dict[str, int]) -> None:
    first = start(db, team, "Spring 2026")
    rate(db, first, "IA1", "getting_started", working="A new leaflet")
    rate(db, first, "IA2", "real")
    rate(db, first, "IA3", "making_progress")
    rate(db, first, "IA4", "not_started")
    rate(db, first, "WI2", NOT_APPLICABLE, not_applicable_reason="No homes")
    second = start(db, team, "Autumn 2026", carry_over=True)
    rate(db, second, "IA1", "making_progress", working="Easy Read leaflet too")
    rate(db, second, "IA2", "getting_started")
    rate(db, second, "IA4", None)
    rate(db, second, "IA5", "real")
    rate(db, second, "WI2", "getting_started")
    login(client, "viewer@example.org")
    page = client.get(f"{BASE}/compare", params={"a": first, "b": second})
    assert page.status_code == 200
    root = lxml.html.document_fromstring(page.text)

    def change_of(code: str) -> tuple[str, str]:
        cell = root.get_element_by_id(f"marker-{code}").xpath("./td")[-1]
        arrow = cell.xpath("./span[@aria-hidden='true']")[0].text_content()
        return arrow, cell.xpath("./span[@class='mir-change__words']")[0].text_content()

    assert change_of("IA1") == ("↑", "Moved up from Getting started to Making progress")
    assert 'href="#words-IA1"' in page.text
    assert change_of("IA2") == ("↓", "Moved down from Making it real to Getting started")
    assert change_of("IA3") == ("→", "No change")
    assert change_of("IA4") == ("−", "No longer rated")
    assert change_of("IA5") == ("+", "Newly rated")
    assert change_of("WI2") == ("↔", "Changed from Does not apply to Getting started")
    summary = {row.xpath("./dt")[0].text_content().strip(" ↑↓→↔+−"):
               row.xpath("./dd")[0].text_content() for row in
               root.xpath("//dl[contains(@class, 'mir-compare-summary')]/div")}
    assert summary["Moved up"] == "1 marker" and summary["Moved down"] == "1 marker"
    assert summary["No change"] == "1 marker"
    assert summary["Newly rated"] == "1 marker"
    words = root.get_element_by_id("words-IA1")
    assert words.tag == "details"
    assert "A new leaflet" in words.text_content()
    assert "Easy Read leaflet too" in words.text_content()


def test_compare_form_before_choosing_suggests_the_latest_two(
        client: TestClient, db: Session, team: dict[str, int]) -> None:
    first = start(db, team, "Spring 2026")
    second = start(db, team, "Autumn 2026", carry_over=True)
    login(client, "viewer@example.org")
    page = client.get(f"{BASE}/compare")
    assert page.status_code == 200 and "There is a problem" not in page.text
    root = lxml.html.document_fromstring(page.text)
    assert root.xpath("//label[@for='a']")[0].text_content().strip() == "Earlier"
    assert root.xpath("//label[@for='b']")[0].text_content().strip() == "Later"
    assert root.xpath("//select[@id='a']/option[@selected]")[0].get("value") == str(first)
    assert root.xpath("//select[@id='b']/option[@selected]")[0].get("value") == str(second)
    assert root.xpath("//form")[1].get("method") == "get"


@pytest.mark.parametrize(("choice", "messages"), [
    ({"a": "", "b": ""}, ["Choose the earlier assessment", "Choose the later assessment"]),
    ({"a": "first", "b": "first"}, ["Choose two different assessments"]),
    ({"a": "first", "b": "other"}, ["Choose two assessments of the same framework"]),
])
def test_compare_explains_what_to_fix(client: TestClient, db: Session, team: dict[str, int],
                                      choice: dict[str, str], messages: list[str]) -> None:
    ids = {"first": str(start(db, team, "Spring 2026")), "": ""}
    organisation = db.get(Organisation, team["organisation"])
    assert organisation is not None
    make_commitment(db, organisation, framework_id="making-it-real-2012")
    db.commit()
    ids["other"] = str(start(db, team, "Old style", framework_id="making-it-real-2012"))
    login(client, "viewer@example.org")
    page = client.get(f"{BASE}/compare", params={k: ids[v] for k, v in choice.items()})
    assert page.status_code == 200
    assert "<title>Error: Compare two assessments" in page.text
    assert "There is a problem" in page.text
    for message in messages:
        assert message in page.text
    assert 'href="#b"' in page.text
    assert "Marker by marker" not in page.text

