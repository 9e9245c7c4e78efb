"""Privacy: what people type reaches no public page, export, feed or API answer, unless the
person allowed sharing and the team made it published evidence; no table keeps an address
or a browser's name next to an answer; counts below 5 are withheld everywhere."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from sqlmodel import Session, select

from app.assessments.models import Assessment
from app.clock import today
from app.config import Settings
from app.db import engine_for
from app.ratelimit import RateLimitHit
from app.voice import service
from app.voice.models import VoiceAnswer
from tests.conftest import checked_client
from tests.exports.builders import Built, publish_plan
from tests.factories import csrf_token, login
from tests.voice.helpers import answer, export_text, open_round_in_db

CODES = ["IA1", "AC2", "WF3"]
PUBLIC_URLS = [
    "/", "/organisations", "/organisations/bolton-council",
    "/organisations/bolton-council/publications/1", "/organisations/bolton-council/changes",
    "/organisations/bolton-council/action-plan", "/organisations/bolton-council/action-plan.csv",
    "/organisations/bolton-council/action-plan-voice.csv",
    "/organisations/bolton-council/action-plan.json", "/feed.atom",
    "/organisations/bolton-council/feed.atom", "/areas/E08000001/feed.atom",
    "/areas/E08000001", "/map", "/open-data", "/api/v1/organisations",
    "/api/v1/organisations/bolton-council", "/api/v1/organisations.csv",
    "/api/v1/organisations.geojson", "/api/v1/commitments.csv",
]


def test_typed_words_stay_private_unless_shared_and_published(
        app: FastAPI, client: TestClient, db: Session, planned: Built, settings: Settings,
        tmp_path: Path) -> None:
    assessment = db.get(Assessment, planned.assessment_id)
    assert assessment is not None
    voice_round = open_round_in_db(db, assessment, codes=CODES)
    db.commit()
    secrets: list[str] = []
    for person in range(6):
        words = [f"zq{person}x{code}secret" for code in CODES]
        secrets.extend(words)
        with checked_client(app) as phone:
            answer(phone, voice_round.token,
                   [("yes", words[0]), ("no", words[1]), (None if person else "yes",
                                                          words[2])],
                   kind="person", may_share="yes" if person < 2 else "no")
    paper_words = "zqpaperxsecret"
    secrets.append(paper_words)
    service.enter_paper(db, actor_id=planned.owner_id, organisation_id=planned.organisation_id,
                        voice_round=voice_round,
                        answers={"IA1": {"answer": "yes", "comment": paper_words}},
                        respondent_kind="carer", may_share=True, today=today())
    db.commit()
    # The team turns person 0's IA1 comment into a quote; person 1 allowed sharing too,
    # but nobody made their words evidence.
    quoted = "zq0xIA1secret"
    login(client, "owner@bolton.example.org")
    chosen = db.exec(select(VoiceAnswer).where(VoiceAnswer.comment == quoted)).one()
    base = (f"/manage/bolton-council/assessments/{planned.assessment_id}/voice/"
            f"{voice_round.id}")
    client.post(f"{base}/answers/{chosen.id}/quote",
                data={"csrf_token": csrf_token(client, base)})
    publish_plan(db, settings, planned, day=today())
    db.commit()

    with checked_client(app) as public:
        for url in [*PUBLIC_URLS, "/organisations/bolton-council/action-plan.pdf",
                    "/organisations/bolton-council/action-plan.docx"]:
            response = public.get(url)
            assert response.status_code == 200, url
            text = export_text(url, response.content, tmp_path)
            for secret in secrets:
                if secret == quoted and url in ("/organisations/bolton-council",
                                                "/organisations/bolton-council/"
                                                "publications/1"):
                    assert secret in text, url
                else:
                    assert secret not in text, f"{secret} leaked on {url}"
        # WF3 had one answer: withheld in every format.
        data = public.get("/organisations/bolton-council/action-plan.json").json()
        wf3 = next(m for m in data["voice"]["markers"] if m["code"] == "WF3")
        assert (wf3["answered"], wf3["counts"]) == (None, None)
        assert data["voice"]["people"] == 7
        rows = public.get("/organisations/bolton-council/action-plan-voice.csv"
                          ).content.decode("utf-8-sig").splitlines()
        assert next(r for r in rows if ",WF3," in r).endswith(
            "fewer than 5,fewer than 5,fewer than 5,fewer than 5,fewer than 5")


def test_no_table_keeps_an_address_or_a_browser_next_to_an_answer(
        client: TestClient, db: Session, planned: Built, database_url: str) -> None:
    assessment = db.get(Assessment, planned.assessment_id)
    assert assessment is not None
    voice_round = open_round_in_db(db, assessment, codes=CODES)
    db.commit()
    answer(client, voice_round.token, [("yes", "")] * 3)
    columns = {table: {c["name"] for c in inspect(engine_for(database_url)).get_columns(table)}
               for table in ("voice_response", "voice_answer", "voice_draft")}
    for table, names in columns.items():
        for name in names:
            assert not set(name.split("_")) & {"ip", "agent", "email", "name", "user",
                                               "address", "by"}, (table, name)
    # The rate limit keeps a keyed hash of the address, never the address itself.
    keys = [k for k in db.exec(select(RateLimitHit.key)) if k.startswith("voice:")]
    assert keys and not any("testclient" in key for key in keys)
