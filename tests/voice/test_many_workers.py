"""No lost answers: 200 people send at once to 4 `mir serve` workers on PostgreSQL, and
every set is counted, once (a second send of the same set counts nothing)."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from app.assessments.models import Assessment
from app.db import engine_for
from app.voice.models import VoiceAnswer, VoiceResponse
from tests.conftest import MARKERS_DIR
from tests.exports.builders import build_plan
from tests.operations.server import Server, server_env
from tests.voice.helpers import open_round_in_db

PEOPLE = 200
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


Person = tuple[httpx.Cookies, dict[str, str], str]


def _browser(base: str, person: Person) -> httpx.Client:
    """A fresh connection for each step: a connection left idle past the server's keep-alive
    (5 s) can be closed by the server just as the client reuses it, which resets the send."""
    cookies, headers, _csrf = person
    return httpx.Client(base_url=base, timeout=300.0, headers=headers, cookies=cookies)


def _ready_to_send(base: str, token: str, number: int) -> Person:
    """One person's browser (its own address), with one question answered."""
    headers = {"X-Forwarded-For": f"10.0.{number // 250}.{number % 250}"}
    with httpx.Client(base_url=base, timeout=300.0, headers=headers) as client:
        found = _CSRF.search(client.get(f"/voice/{token}").text)
        assert found
        csrf = found.group(1)
        client.post(f"/voice/{token}", data={"csrf_token": csrf, "easy_read": "no"})
        client.post(f"/voice/{token}/questions/1",
                    data={"csrf_token": csrf, "action": "answer", "answer": "yes"})
        return client.cookies, headers, csrf


def _wait_for_every_worker(server: Server, workers: int, timeout: float = 180.0) -> None:
    """On a busy machine the last worker can start a minute after the first."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.log.read_text(errors="replace").count("Application startup complete") \
                >= workers:
            return
        time.sleep(0.5)
    raise AssertionError("not every worker started:\n" + server.log.read_text()[-3000:])


def test_200_answers_at_once_across_4_workers_are_all_counted_once(
        database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several workers at once: PostgreSQL")
    with Session(engine_for(database_url), expire_on_commit=False) as db:
        built = build_plan(db)
        assessment = db.get(Assessment, built.assessment_id)
        assert assessment is not None
        voice_round = open_round_in_db(db, assessment, codes=["IA1"])
        db.commit()
        token, round_id = voice_round.token, voice_round.id
    server = Server(server_env(database_url=database_url, markers_dir=str(MARKERS_DIR),
                               upload_dir=str(tmp_path / "uploads")),
                    log=tmp_path / "server.log", workers=4)
    server.start()
    try:
        server.wait_until("/healthz", timeout=120)
        _wait_for_every_worker(server, 4)
        with ThreadPoolExecutor(max_workers=16) as pool:
            people = list(pool.map(lambda n: _ready_to_send(server.url, token, n),
                                   range(PEOPLE)))
        barrier = threading.Barrier(PEOPLE)

        def send(person: Person, together: bool) -> tuple[int, str]:
            with _browser(server.url, person) as client:
                if together:
                    barrier.wait()
                response = client.post(f"/voice/{token}/send",
                                       data={"csrf_token": person[2], "website": ""})
            return response.status_code, response.headers.get("location", "")

        with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
            statuses = list(pool.map(lambda p: send(p, together=True), people))
        assert statuses == [(303, f"/voice/{token}/thanks")] * PEOPLE
        with ThreadPoolExecutor(max_workers=16) as pool:  # everyone clicks again
            list(pool.map(lambda p: send(p, together=False), people))
    finally:
        server.stop()
    with Session(engine_for(database_url)) as db:
        responses = db.exec(select(func.count()).where(VoiceResponse.round_id == round_id)
                            ).one()
        answers = db.exec(select(func.count()).where(VoiceAnswer.round_id == round_id,
                                                     VoiceAnswer.answer == "yes")).one()
    assert (responses, answers) == (PEOPLE, PEOPLE)
