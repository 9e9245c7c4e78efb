"""People's voice through the pages: a council opens a round, people answer on their phones
and on paper, the council reads the answers beside its levels and publishes them."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.assessments.models import Assessment, Evidence
from app.audit.models import AuditEvent
from app.clock import today
from app.voice.models import VoiceAnswer, VoiceResponse, VoiceRound
from tests.conftest import checked_client
from tests.exports.builders import Built, publish_plan, report_progress
from tests.factories import csrf_token, login
from tests.voice.helpers import answer, open_round_in_db, visible_text

OWNER = "owner@bolton.example.org"
EDITOR = "editor@bolton.example.org"
CODES = ["IA1", "AC2", "WF3"]


def _voice_base(built: Built) -> str:
    return f"/manage/bolton-council/assessments/{built.assessment_id}/voice"


def _round(db: Session, built: Built) -> VoiceRound:
    db.expire_all()
    return db.exec(select(VoiceRound).where(VoiceRound.assessment_id == built.assessment_id)
                   ).one()


def test_owner_opens_a_round_of_the_priorities_with_a_link_and_a_qr_code(
        client: TestClient, db: Session, planned: Built) -> None:
    login(client, OWNER)
    base = _voice_base(planned)
    page = client.get(base)
    assert "Open a new round" in page.text
    start, end = today(), today() + timedelta(days=10)
    page = client.post(base, data={
        "csrf_token": csrf_token(client, base), "markers": "priorities",
        "opens_on-day": start.day, "opens_on-month": start.month, "opens_on-year": start.year,
        "closes_on-day": end.day, "closes_on-month": end.month, "closes_on-year": end.year,
        "welcome": "We want to know what it is really like."})
    voice_round = _round(db, planned)
    assert voice_round.marker_codes == CODES
    assert len(voice_round.token) >= 32
    assert f"http://testserver/voice/{voice_round.token}" in page.text
    assert '<svg' in page.text and "mir-qr" in page.text
    assert "Fewer than 5 people answered" in page.text
    pdf = client.get(f"{base}/{voice_round.id}/paper.pdf?easy_read=true")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "voice.open")).one()


def test_a_round_needs_markers_and_dates_in_order(client: TestClient, planned: Built) -> None:
    login(client, OWNER)
    base = _voice_base(planned)
    page = client.post(base, data={
        "csrf_token": csrf_token(client, base), "markers": "chosen",
        "opens_on-day": "10", "opens_on-month": "5", "opens_on-year": "2027",
        "closes_on-day": "1", "closes_on-month": "5", "closes_on-year": "2027"})
    assert page.status_code == 200
    assert "<title>Error: " in page.text
    assert "Choose at least one marker to ask about" in page.text


def test_a_viewer_cannot_open_a_round(app: FastAPI, db: Session, planned: Built) -> None:
    from tests.exports.builders import organisation
    from tests.factories import add_member, make_user
    add_member(db, organisation(db, planned), make_user(db, email="viewer@example.org"),
               "viewer")
    db.commit()
    with checked_client(app) as client:
        login(client, "viewer@example.org")
        base = _voice_base(planned)
        page = client.post(base, data={"csrf_token": csrf_token(client, base),
                                       "markers": "all"})
        assert page.status_code == 403


def test_answering_one_question_per_page_with_skip_change_and_check(
        app: FastAPI, db: Session, planned: Built) -> None:
    assessment = db.get(Assessment, planned.assessment_id)
    assert assessment is not None
    voice_round = open_round_in_db(db, assessment, codes=CODES)
    db.commit()
    base = f"/voice/{voice_round.token}"
    with checked_client(app) as person:
        start = person.get(base)
        assert "Tell us what care and support is like for you" in start.text
        assert "Hello" in start.text  # the welcome
        csrf = csrf_token(person, base)
        first = person.post(base, data={"csrf_token": csrf, "easy_read": "yes"})
        assert "Question 1 of 3" in first.text
        assert "Is this true for you?" in first.text
        ia1 = assessment and next(m for m in _framework().markers if m.code == "IA1")
        assert ia1.easy_read and ia1.easy_read in first.text  # Easy Read wording
        empty = person.post(f"{base}/questions/1", data={"csrf_token": csrf,
                                                         "action": "answer"})
        assert "<title>Error: " in empty.text
        assert 'href="#answer"' in empty.text
        person.post(f"{base}/questions/1", data={"csrf_token": csrf, "action": "answer",
                                                 "answer": "no", "comment": "Too slow"})
        person.post(f"{base}/questions/2", data={"csrf_token": csrf, "action": "skip"})
        third = person.post(f"{base}/questions/3", data={
            "csrf_token": csrf, "action": "answer", "answer": "yes"})
        assert "About you" in third.text
        check = person.post(f"{base}/about", data={"csrf_token": csrf,
                                                    "respondent_kind": "carer",
                                                    "may_share": "yes"})
        text = visible_text(check.text)
        assert "No Too slow" in text and "Skipped" in text and "A family carer" in text
        # Change the first answer from the check page: back to the check page after.
        changed = person.post(f"{base}/questions/1?change=true", data={
            "csrf_token": csrf, "action": "answer", "answer": "sometimes",
            "comment": "Better now"})
        assert "Check your answers" in changed.text
        assert "Sometimes Better now" in visible_text(changed.text)
        thanks = person.post(f"{base}/send", data={"csrf_token": csrf, "website": ""})
        assert "Your answers have been sent" in thanks.text
        again = person.get(base)
        assert "Your answers have been sent from this device" in again.text
        assert "Someone else wants to answer" in again.text
        # A second send (a double click) counts nothing more.
        person.post(f"{base}/send", data={"csrf_token": csrf, "website": ""})
        fresh = person.post(f"{base}/another", data={"csrf_token": csrf})
        assert "Start now" in fresh.text
    db.expire_all()
    response = db.exec(select(VoiceResponse)).one()
    assert (response.respondent_kind, response.may_share, response.on_behalf) == \
        ("carer", True, False)
    answers = {a.marker_code: (a.answer, a.comment) for a in db.exec(select(VoiceAnswer))}
    assert answers == {"IA1": ("sometimes", "Better now"), "AC2": ("skipped", ""),
                       "WF3": ("yes", "")}


def _framework():  # type: ignore[no-untyped-def]
    from tests.exports.builders import framework
    return framework()


def test_closed_unknown_and_not_yet_open_rounds_answer_plain_pages(
        client: TestClient, db: Session, planned: Built) -> None:
    assessment = db.get(Assessment, planned.assessment_id)
    assert assessment is not None
    closed = open_round_in_db(db, assessment, codes=CODES,
                              opens_on=today() - timedelta(days=40), days=10)
    later = open_round_in_db(db, assessment, codes=CODES,
                             opens_on=today() + timedelta(days=3))
    db.commit()
    page = client.get(f"/voice/{closed.token}")
    assert page.status_code == 410 and "These questions have closed" in page.text
    page = client.post(f"/voice/{closed.token}/send",
                       data={"csrf_token": csrf_token(client)})
    assert page.status_code == 410
    page = client.get(f"/voice/{later.token}")
    assert page.status_code == 404 and "not open yet" in page.text
    page = client.get("/voice/not-a-real-token")
    assert page.status_code == 404 and "We cannot find these questions" in page.text


def test_a_filled_hidden_field_is_thanked_and_not_kept(
        client: TestClient, db: Session, planned: Built) -> None:
    assessment = db.get(Assessment, planned.assessment_id)
    assert assessment is not None
    voice_round = open_round_in_db(db, assessment, codes=CODES)
    db.commit()
    text = answer(client, voice_round.token, [("yes", "")] * 3, website="http://spam")
    assert "Your answers have been sent" in text
    assert db.exec(select(VoiceResponse)).all() == []


def test_too_many_answers_from_one_address(client: TestClient, db: Session, planned: Built,
                                           monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.voice import service
    monkeypatch.setattr(service, "ADDRESS_LIMIT", 2)
    assessment = db.get(Assessment, planned.assessment_id)
    assert assessment is not None
    voice_round = open_round_in_db(db, assessment, codes=CODES)
    db.commit()
    for _ in range(2):
        assert "Your answers have been sent" in answer(client, voice_round.token,
                                                       [("yes", "")] * 3)
        client.post(f"/voice/{voice_round.token}/another",
                    data={"csrf_token": csrf_token(client)})
    text = answer(client, voice_round.token, [("yes", "")] * 3)
    assert "Too many answers at once" in text
    # The site's one 429 page, in the answering words, with when to try again.
    again = client.post(f"/voice/{voice_round.token}/send",
                        data={"csrf_token": csrf_token(client)})
    assert again.status_code == 429 and 0 < int(again.headers["Retry-After"]) <= 3600
    page = visible_text(again.text)
    assert "Your answers are kept on this device." in page
    assert "There have been too many answers from your connection" in page
    assert f'href="/voice/{voice_round.token}/check"' in again.text
    db.expire_all()
    assert len(db.exec(select(VoiceResponse)).all()) == 2
    assert "voice:ip:testclient" not in str(db.exec(
        select(AuditEvent.after)).all())  # the address is kept only as a keyed hash


def test_done_means_fourteen_people_answered(app: FastAPI, client: TestClient, db: Session,
                                             planned: Built, settings, tmp_path  # type: ignore[no-untyped-def]
                                             ) -> None:
    """Twelve answer on their phones, two on paper; the council reads the answers beside
    its levels, turns one comment into a quote, publishes its progress report, and the
    public sees the counts."""
    publish_plan(db, settings, planned)  # in the spring, before the round
    db.commit()
    assessment = db.get(Assessment, planned.assessment_id)
    assert assessment is not None
    voice_round = open_round_in_db(db, assessment, codes=CODES)
    db.commit()
    for number in range(12):
        with checked_client(app) as person:
            picks = [("yes" if number % 3 else "no", f"Phone comment {number}"),
                     ("sometimes", ""), (None, "")]  # WF3 skipped by everyone on a phone
            answer(person, voice_round.token, picks, kind="person",
                   may_share="yes" if number == 0 else "no")
    login(client, EDITOR)
    base = f"{_voice_base(planned)}/{voice_round.id}"
    for paper in range(2):
        data = {"csrf_token": csrf_token(client, f"{base}/paper"), "answer-IA1": "yes",
                "comment-IA1": f"Paper comment {paper}", "answer-AC2": "dont_know",
                "answer-WF3": "no", "respondent_kind": "carer", "may_share": "no"}
        client.post(f"{base}/paper", data=data)
    page = client.get(base)
    text = visible_text(page.text)
    assert "14 people answered (2 on paper)" in text
    # IA1: 4 "no" from phones, 8+2 "yes"; AC2: 12 sometimes, 2 don't know; WF3: 2 "no".
    assert re.search(r"Yes Sometimes No I don.t know 10 0 4 0", text)
    assert re.search(r"Yes Sometimes No I don't know 0 12 0 2", text)
    assert "Fewer than 5 people answered this" in text  # WF3
    assert "Phone comment 0" in text and "Paper comment 1" in text
    marker = client.get(f"/manage/bolton-council/assessments/{planned.assessment_id}/"
                        "markers/IA1")
    assert "What people said" in marker.text and "Phone comment 0" in marker.text
    overview = client.get(f"/manage/bolton-council/assessments/{planned.assessment_id}")
    assert "14 people answered" in overview.text
    # One click: the shareable comment becomes a quote in the evidence.
    shareable = db.exec(select(VoiceAnswer).where(VoiceAnswer.comment == "Phone comment 0")
                        ).one()
    client.post(f"{base}/answers/{shareable.id}/quote",
                data={"csrf_token": csrf_token(client, base)})
    quote = db.exec(select(Evidence).where(Evidence.text == "Phone comment 0")).one()
    assert (quote.kind, quote.publishable, quote.consent_to_publish, quote.source_kind) == \
        ("quote", True, True, "person_using_support")
    private = db.exec(select(VoiceAnswer).where(VoiceAnswer.comment == "Phone comment 1")
                      ).one()
    refused = client.post(f"{base}/answers/{private.id}/quote",
                          data={"csrf_token": csrf_token(client, base)})
    assert refused.status_code == 403

    report_progress(db, settings, planned, day=today())
    db.commit()
    with checked_client(app) as public:
        for url in ("/organisations/bolton-council", "/organisations/bolton-council/"
                    "publications/2", "/organisations/bolton-council/action-plan"):
            text = visible_text(public.get(url).text)
            assert "14 people answered" in text, url
            # (The quote is published with the next plan: a progress report has no evidence.)
            assert "Phone comment" not in text and "Paper comment" not in text, url
            assert "Fewer than 5 people answered this" in text, url
        pdf = public.get("/organisations/bolton-council/action-plan.pdf")
        path = tmp_path / "plan.pdf"
        path.write_bytes(pdf.content)
        import subprocess
        pdf_text = subprocess.run(["pdftotext", str(path), "-"], check=True,
                                  capture_output=True, text=True).stdout
        assert "14 people answered" in pdf_text
        docx = public.get("/organisations/bolton-council/action-plan.docx").content
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            assert "14 people answered" in archive.read("word/document.xml").decode()
        data = public.get("/organisations/bolton-council/action-plan.json").json()
        assert data["voice"]["people"] == 14
        wf3 = next(m for m in data["voice"]["markers"] if m["code"] == "WF3")
        assert wf3["counts"] is None and wf3["answered"] is None
        csv_text = public.get("/organisations/bolton-council/action-plan-voice.csv"
                              ).content.decode("utf-8-sig")
        assert "IA1" in csv_text and "fewer than 5" in csv_text


def test_owner_removes_an_answer_with_a_reason_never_edits(
        app: FastAPI, client: TestClient, db: Session, planned: Built) -> None:
    assessment = db.get(Assessment, planned.assessment_id)
    assert assessment is not None
    voice_round = open_round_in_db(db, assessment, codes=CODES)
    db.commit()
    answer(client, voice_round.token, [("yes", "A test answer"), ("no", ""), ("no", "")])
    response = db.exec(select(VoiceResponse)).one()
    base = f"{_voice_base(planned)}/{voice_round.id}"
    with checked_client(app) as editor:
        login(editor, EDITOR)
        page = editor.post(f"{base}/responses/{response.id}/remove",
                           data={"csrf_token": csrf_token(editor, base), "reason": "x"})
        assert page.status_code == 403
    with checked_client(app) as owner:
        login(owner, OWNER)
        empty = owner.post(f"{base}/responses/{response.id}/remove",
                           data={"csrf_token": csrf_token(owner, base), "reason": ""})
        assert "Say why you are removing this answer" in empty.text
        owner.post(f"{base}/responses/{response.id}/remove",
                   data={"csrf_token": csrf_token(owner, base), "reason": "Our own test"})
        page = owner.get(base)
        assert "A test answer" not in page.text
        listing = owner.get(f"{base}/responses")
        assert "Removed: Our own test" in listing.text
    db.expire_all()
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "voice.remove")).one()
    assert event.after == {"removed": True, "reason": "Our own test"}
    assert {a.removed for a in db.exec(select(VoiceAnswer))} == {True}
