"""The view by statement: built from the team's own data, read by members, changing nothing;
evidence categories; the draft downloads; a fixed number of queries however big it is."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.assessments.models import Evidence, Rating
from app.db import engine_for
from app.frameworks import load_catalogue
from app.plans.models import Action, Priority
from tests.assessments.test_query_counts import counting
from tests.conftest import MARKERS_DIR
from tests.exports.test_exports import pdf_text
from tests.factories import (
    add_member,
    csrf_token,
    login,
    make_commitment,
    make_finished_assessment,
    make_organisation,
    make_user,
)

CATALOGUE = load_catalogue(MARKERS_DIR)
FRAMEWORK = CATALOGUE.get("making-it-real-2018")
CROSSWALK = CATALOGUE.crosswalk("cqc-local-authority")
ORG = "/manage/county-council"


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


@pytest.fixture
def assessment_id(db: Session) -> int:
    """A council with a finished assessment; an owner, a viewer and an outsider."""
    assert FRAMEWORK is not None
    owner = make_user(db, email="owner@example.org")
    council = make_organisation(db, owner=owner, name="County Council", kind="council")
    add_member(db, council, make_user(db, email="viewer@example.org"), "viewer")
    make_organisation(db, owner=make_user(db, email="outsider@example.org"), name="Elsewhere")
    make_commitment(db, council)
    assessment = make_finished_assessment(db, council, owner, FRAMEWORK)
    db.commit()
    return assessment.id or 0


def page_url(assessment_id: int) -> str:
    return f"{ORG}/assessments/{assessment_id}/crosswalks/cqc-local-authority"


def rating(db: Session, assessment_id: int, code: str) -> Rating:
    return db.exec(select(Rating).where(Rating.assessment_id == assessment_id,
                                        Rating.marker_code == code)).one()


def statement_section(page: str, statement_id: str) -> str:
    start = page.index(f'id="statement-{statement_id}"')
    end = page.find('class="mir-by-statement__statement"', start + 1)
    return page[start:end if end > 0 else None]


def test_the_crosswalk_speaks_to_every_statement_with_real_markers() -> None:
    assert CROSSWALK is not None and FRAMEWORK is not None
    assert len(CROSSWALK.statements) == 9 and len(CROSSWALK.themes) == 4
    for statement in CROSSWALK.statements:
        assert statement.links, statement.id
        for link in statement.links:
            assert FRAMEWORK.marker(link.code) is not None, link.code
            assert link.reason.strip()
    linked = {link.code for _statement, link in CROSSWALK.links}
    assert [m.code for m in FRAMEWORK.markers if m.code not in linked] == []


def test_a_council_sees_where_it_lacks_people_s_experience_and_fills_the_gap(
        client: TestClient, db: Session, assessment_id: int) -> None:
    login(client, "owner@example.org")
    overview = client.get(f"{ORG}/assessments/{assessment_id}").text
    assert page_url(assessment_id) in overview
    page = client.get(page_url(assessment_id)).text
    assert "read by CQC quality statement" in page
    section = statement_section(page, "assessing-needs")
    assert "FI1" in section and "Level:" in section
    assert "no evidence of people&#39;s experience yet" in section

    # A quote from a person who draws on support counts as people's experience by default.
    marker = f"{ORG}/assessments/{assessment_id}/markers/FI1"
    client.post(f"{marker}/evidence", data={
        "csrf_token": csrf_token(client, marker), "kind": "quote",
        "quote_text": "They asked what matters to me first.",
        "quote_source_kind": "person_using_support", "quote_consent": "no"})
    item = db.exec(select(Evidence)).one()
    assert item.category == "people_experience"
    section = statement_section(client.get(page_url(assessment_id)).text, "assessing-needs")
    assert "no evidence of people&#39;s experience yet" not in section
    assert "no feedback from partners yet" in section
    assert "They asked what matters to me first." in section

    # The team can say it is feedback from partners instead.
    response = client.post(f"{ORG}/assessments/{assessment_id}/evidence/{item.id}/category",
                           data={"csrf_token": csrf_token(client, marker),
                                 "category": "partners"})
    assert "This evidence now counts as: Feedback from partners." in response.text
    section = statement_section(client.get(page_url(assessment_id)).text, "assessing-needs")
    assert "no feedback from partners yet" not in section
    assert "no evidence of people&#39;s experience yet" in section


def test_a_bad_category_is_refused_with_a_message(client: TestClient, db: Session,
                                                  assessment_id: int) -> None:
    db.add(Evidence(rating_id=rating(db, assessment_id, "WI1").id or 0, kind="note",
                    text="A note"))
    db.commit()
    item = db.exec(select(Evidence)).one()
    login(client, "owner@example.org")
    marker = f"{ORG}/assessments/{assessment_id}/markers/WI1"
    response = client.post(f"{ORG}/assessments/{assessment_id}/evidence/{item.id}/category",
                           data={"csrf_token": csrf_token(client, marker), "category": "gossip"})
    assert response.status_code == 200
    assert "Error: " in response.text and "Choose what kind of evidence this is" in response.text
    assert f'href="#category-{item.id}"' in response.text
    db.refresh(item)
    assert item.category == "processes"


def test_priorities_actions_and_independent_views_show_under_their_statements(
        client: TestClient, db: Session, assessment_id: int) -> None:
    db.add(Priority(assessment_id=assessment_id, marker_code="WC2", why="Moves go wrong"))
    db.add(Action(organisation_id=1, framework_id="making-it-real-2018",
                  title="Write a plan for every move", marker_codes=["WC2"]))
    db.commit()
    login(client, "viewer@example.org")
    page = client.get(page_url(assessment_id)).text
    section = statement_section(page, "safe-systems-pathways-and-transitions")
    assert "Priority WC2: Moves go wrong" in section
    assert "Write a plan for every move" in section
    assert "Write a plan for every move" not in statement_section(page, "safeguarding")
    # Viewers read it; the page offers no form that changes anything (but logging out).
    assert page.count('method="post"') == page.count('action="/logout" method="post"')


def test_only_members_see_the_view_and_its_downloads(client: TestClient,
                                                     assessment_id: int) -> None:
    urls = [page_url(assessment_id), page_url(assessment_id) + ".docx",
            page_url(assessment_id) + ".pdf"]
    for url in urls:
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and "/login" in response.headers["location"], url
    login(client, "outsider@example.org")
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_the_word_file_is_a_draft_with_a_section_per_statement(
        client: TestClient, db: Session, assessment_id: int) -> None:
    db.add(Evidence(rating_id=rating(db, assessment_id, "WI4").id or 0, kind="quote",
                    text="I choose the risks I take.", source_kind="family_carer",
                    category="people_experience"))
    db.commit()
    login(client, "viewer@example.org")
    response = client.get(page_url(assessment_id) + ".docx")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "private, no-store"
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    header = document.sections[0].header.paragraphs[0].text
    assert header == "Draft: not published"
    assert "Draft: not published" in text
    headings = [p.text for p in document.paragraphs
                if p.style is not None and p.style.name == "Heading 2"]
    assert len(headings) == 9 and headings[6] == "7. Safeguarding"
    assert "WI4: \u201cI choose the risks I take.\u201d (A family carer) (private)" in text
    assert "no feedback from partners yet" in text


def test_the_pdf_is_a_draft_on_every_page(client: TestClient, db: Session, assessment_id: int,
                                          tmp_path: Path) -> None:
    db.add(Evidence(rating_id=rating(db, assessment_id, "WI4").id or 0, kind="note",
                    text="Safeguarding audit notes"))
    db.commit()
    login(client, "owner@example.org")
    response = client.get(page_url(assessment_id) + ".pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    pages = text.split("\f")[:-1]
    assert len(pages) > 1
    assert all("Draft: not published" in page for page in pages)
    assert "7. Safeguarding" in text
    assert "WI4: Safeguarding audit notes (private)" in squashed_lines(text)


def test_an_unknown_or_foreign_crosswalk_is_not_found(client: TestClient, db: Session,
                                                      assessment_id: int) -> None:
    login(client, "owner@example.org")
    assert client.get(f"{ORG}/assessments/{assessment_id}/crosswalks/nope").status_code == 404


def squashed_lines(text: str) -> str:
    """One line: PDF text wraps where the layout does."""
    return " ".join(text.split())


def unrate(db: Session, assessment_id: int) -> None:
    """No marker rated: a small assessment."""
    for item in db.exec(select(Rating).where(Rating.assessment_id == assessment_id)):
        item.level = None
        db.add(item)
    db.commit()


def fill(db: Session, assessment_id: int) -> None:
    """Every marker rated, evidence of every category on each, priorities and actions: a
    big assessment."""
    categories = ["people_experience", "staff_leaders", "partners", "processes"]
    for index, item in enumerate(db.exec(select(Rating).where(
            Rating.assessment_id == assessment_id)).all()):
        item.level = "real"
        db.add(item)
        for number in range(3):
            db.add(Evidence(rating_id=item.id or 0, kind="note", text=f"Note {number}",
                            category=categories[(index + number) % 4]))
        if index < 5:
            db.add(Priority(assessment_id=assessment_id, marker_code=item.marker_code,
                            why="Because"))
        db.add(Action(organisation_id=1, framework_id="making-it-real-2018",
                      title=f"Action {index}", marker_codes=[item.marker_code]))
    db.commit()


@pytest.mark.parametrize("suffix", ["", ".docx", ".pdf"])
def test_the_view_issues_a_fixed_number_of_queries(client: TestClient, db: Session,
                                                   database_url: str, assessment_id: int,
                                                   suffix: str) -> None:
    engine = engine_for(database_url)
    unrate(db, assessment_id)
    login(client, "owner@example.org")
    url = page_url(assessment_id) + suffix
    client.get(url)  # warm up
    with counting(engine) as small:
        assert client.get(url).status_code == 200
    fill(db, assessment_id)
    with counting(engine) as big:
        page = client.get(url)
    assert page.status_code == 200
    if not suffix:
        assert re.search(r"Processes</dt><dd class=\"govuk-summary-list__value\">[1-9]", page.text)
        assert "Level: <strong>Making it real</strong>" in page.text
    print(f"\n[{engine.dialect.name}] view by statement{suffix}: {len(small)} queries with "
          f"no marker rated, {len(big)} with all rated and "
          f"{len(db.exec(select(Evidence)).all())} evidence items")
    assert len(small) == len(big)


def test_people_s_voice_shows_under_its_statements_from_five_answers(
        client: TestClient, db: Session, assessment_id: int) -> None:
    """The newest round's counts stand beside the linked markers; a marker fewer than five
    people answered shows no numbers, so that no one can be picked out."""
    from datetime import timedelta

    from app.assessments.models import Assessment
    from app.clock import today
    from app.voice import service as voice

    assessment = db.get(Assessment, assessment_id)
    assert assessment is not None and FRAMEWORK is not None
    voice_round = voice.open_round(
        db, actor_id=assessment.created_by_id or 0, organisation_id=assessment.organisation_id,
        assessment=assessment, framework=FRAMEWORK, marker_codes=["IA1", "WC1"],
        opens_on=today(), closes_on=today() + timedelta(days=28), welcome="Hello")
    for person in range(6):
        voice.enter_paper(
            db, actor_id=assessment.created_by_id or 0,
            organisation_id=assessment.organisation_id, voice_round=voice_round,
            answers={"IA1": {"answer": "no" if person == 0 else "yes", "comment": ""},
                     "WC1": {"answer": "sometimes" if person < 3 else "skipped",
                             "comment": ""}},
            respondent_kind=None, may_share=False, today=today())
    db.commit()
    login(client, "owner@example.org")
    page = client.get(page_url(assessment_id)).text
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))
    assert "People said: Yes 5, Sometimes 0, No 1, Don't know 0." in text
    assert "Sometimes 3" not in text  # WC1: three answers, withheld
    assert text.count("People said:") == 1
