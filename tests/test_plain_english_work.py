"""The pages where people do the work read plainly too: rating a marker and its evidence,
and answering a round of people's voice (/voice/...), in everyday words and in Easy Read.

Measured like the public pages (tests/readability.py). Run with `-s` and
`MIR_PRINT_GRADES=1` to print each page's grade.
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.assessments.models import Assessment
from app.config import Settings
from app.db import engine_for
from app.templating import EASY_READ_COOKIE
from tests.conftest import checked_client
from tests.exports.builders import add_evidence, build_plan, publish_plan
from tests.factories import csrf_token, login, make_organisation, make_user
from tests.readability import PAGE, hardest_sentences, reading_grade
from tests.views.factories import start_view
from tests.voice.helpers import open_round_in_db

STANDARD_GRADE = 5.0
EASY_READ_GRADE = 3.0

# Pages not yet down to the target, with the grade they must not rise above (measured
# December 2026, plus 0.1). Lower a number when a page gets easier; remove it at the target.
NOT_YET_STANDARD: dict[str, float] = {}
NOT_YET_EASY_READ: dict[str, float] = {}


def _pages(database_url: str, settings: Settings, app: FastAPI,
           easy_read: bool) -> dict[str, str]:
    """The rating page (with evidence) as its owner sees it, the rating page of an
    independent view (local people's level of the council), and each page of answering."""
    with Session(engine_for(database_url), expire_on_commit=False) as db:
        built = build_plan(db)
        add_evidence(db, settings, built)
        assessment = db.get(Assessment, built.assessment_id)
        assert assessment is not None
        token = open_round_in_db(db, assessment, codes=["IA1", "AC2"]).token
        plan = publish_plan(db, settings, built)
        voice_owner = make_user(db, email="owner@bolton-voice.example.org")
        voice = make_organisation(db, owner=voice_owner, name="Bolton Voice", slug="bolton-voice")
        view_id = start_view(db, voice, voice_owner, plan).id
        db.commit()
    cookie = "1" if easy_read else "0"
    pages: dict[str, str] = {}
    with checked_client(app) as owner:
        owner.cookies.set(EASY_READ_COOKIE, cookie)
        login(owner, "owner@bolton.example.org")
        pages["rating and evidence"] = owner.get(
            f"/manage/bolton-council/assessments/{built.assessment_id}/markers/IA1").text
    with checked_client(app) as viewer:
        viewer.cookies.set(EASY_READ_COOKIE, cookie)
        login(viewer, "owner@bolton-voice.example.org")
        pages["view: rating"] = viewer.get(f"/manage/bolton-voice/views/{view_id}/markers/IA1").text
    with checked_client(app) as person:
        person.cookies.set(EASY_READ_COOKIE, cookie)
        base = f"/voice/{token}"
        pages["voice: start"] = person.get(base).text
        csrf = csrf_token(person, base)
        pages["voice: question"] = person.post(base, data={
            "csrf_token": csrf, "easy_read": "yes" if easy_read else "no"}).text
        pages["voice: question 2"] = person.post(f"{base}/questions/1", data={
            "csrf_token": csrf, "action": "answer", "answer": "sometimes",
            "comment": "It depends on who comes"}).text
        pages["voice: about you"] = person.post(f"{base}/questions/2", data={
            "csrf_token": csrf, "action": "skip"}).text
        pages["voice: check"] = person.post(f"{base}/about", data={
            "csrf_token": csrf, "respondent_kind": "person", "may_share": "yes"}).text
        pages["voice: thanks"] = person.post(f"{base}/send", data={
            "csrf_token": csrf, "website": ""}).text
    return pages


def _report(pages: dict[str, str], *, easy_read: bool, target: float,
            not_yet: dict[str, float]) -> None:
    too_hard, printed = [], []
    for name, html in pages.items():
        assert "&lt;span" not in html, f"{name} shows markup as text"
        grade = reading_grade(html, PAGE)
        printed.append(f"{grade:5.1f}  {name}")
        if grade > not_yet.get(name, target):
            too_hard.append(f"{name}: grade {grade:.1f}; hardest: "
                            + " | ".join(hardest_sentences(html, PAGE)))
    if os.environ.get("MIR_PRINT_GRADES"):
        print(f"\nReading grades of the work pages ({'Easy Read' if easy_read else 'standard'}):")
        print("\n".join(printed))
    assert not too_hard, (f"pages harder to read than allowed{' in Easy Read' if easy_read else ''}"
                          f" (target {target:g}):\n" + "\n".join(too_hard))


def test_rating_evidence_and_answering_read_at_grade_5_or_below(
        database_url: str, settings: Settings, app: FastAPI) -> None:
    _report(_pages(database_url, settings, app, easy_read=False), easy_read=False,
            target=STANDARD_GRADE, not_yet=NOT_YET_STANDARD)


def test_rating_evidence_and_answering_read_at_grade_3_or_below_in_easy_read(
        database_url: str, settings: Settings, app: FastAPI) -> None:
    _report(_pages(database_url, settings, app, easy_read=True), easy_read=True,
            target=EASY_READ_GRADE, not_yet=NOT_YET_EASY_READ)


def test_easy_read_mode_offers_the_questions_in_easy_read(
        database_url: str, app: FastAPI, client: TestClient) -> None:
    """Someone who turned Easy Read on finds Easy Read already chosen for the questions."""
    with Session(engine_for(database_url), expire_on_commit=False) as db:
        built = build_plan(db)
        assessment = db.get(Assessment, built.assessment_id)
        assert assessment is not None
        token = open_round_in_db(db, assessment, codes=["IA1"]).token
        db.commit()
    client.cookies.set(EASY_READ_COOKIE, "1")
    page = client.get(f"/voice/{token}").text
    assert 'value="yes" checked' in page.replace("\n", " ")
    client.cookies.set(EASY_READ_COOKIE, "0")
    page = client.get(f"/voice/{token}").text
    assert 'value="no" checked' in page.replace("\n", " ")
