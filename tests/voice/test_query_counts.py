"""The results pages cost as many SQL statements at 10 000 answers as at 10: the counts are
made in SQL (GROUP BY), and comments come a fixed page at a time.

Run with `-s` to see the counts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.assessments.models import Assessment
from app.clock import today
from app.voice import service
from app.voice.models import VoiceRound
from tests.assessments.test_query_counts import counting
from tests.exports.builders import Built
from tests.factories import login
from tests.voice.helpers import open_round_in_db

CODES = ["IA1", "AC2", "WF3"]


def add_answers(db: Session, voice_round: VoiceRound, start: int, count: int) -> None:
    service.add_sample_answers(db, voice_round, start=start, count=count, today=today())
    db.commit()


def page_counts(client: TestClient, engine, base: str, round_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    pages = {"results": f"{base}/voice/{round_id}", "marker": f"{base}/markers/IA1",
             "overview": base, "answers list": f"{base}/voice/{round_id}/responses"}
    counts = {}
    for name, url in pages.items():
        with counting(engine) as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = len(statements)
    return counts


def test_query_counts_do_not_grow_with_the_answers(client: TestClient, db: Session,
                                                   planned: Built) -> None:
    assessment = db.get(Assessment, planned.assessment_id)
    assert assessment is not None
    voice_round = open_round_in_db(db, assessment, codes=CODES)
    db.commit()
    login(client, "owner@bolton.example.org")
    engine = client.app.state.engine  # type: ignore[attr-defined]
    base = f"/manage/bolton-council/assessments/{planned.assessment_id}"
    add_answers(db, voice_round, 0, 10)
    at_10 = page_counts(client, engine, base, voice_round.id or 0)
    add_answers(db, voice_round, 10, 9_990)
    at_10_000 = page_counts(client, engine, base, voice_round.id or 0)
    print(f"queries at 10 answers: {at_10}; at 10 000: {at_10_000}")
    assert at_10 == at_10_000
    page = client.get(f"{base}/voice/{voice_round.id}")
    assert "10,000 people answered" in page.text
