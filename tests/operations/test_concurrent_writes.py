"""Several people saving at once: no "database is locked", no 500, every write kept."""

from __future__ import annotations

import threading

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app.audit.models import AuditEvent
from app.db import engine_for
from tests.factories import csrf_token, login, make_user

WRITERS = 4
SAVES = 12


def test_concurrent_writers_get_no_server_errors(app: FastAPI, database_url: str) -> None:
    with Session(engine_for(database_url)) as db:
        emails = [make_user(db, email=f"concurrent{n}@example.org").email for n in range(WRITERS)]
        db.commit()
    statuses: list[int] = []
    problems: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(WRITERS)

    def write(number: int, email: str) -> None:
        try:
            with TestClient(app, raise_server_exceptions=False) as client:
                login(client, email)
                token = csrf_token(client, "/account")
                barrier.wait(timeout=60)
                for save in range(SAVES):
                    response = client.post(
                        "/account/name",
                        follow_redirects=False,
                        data={"csrf_token": token, "name": f"Writer {number} save {save}"},
                    )
                    reader = client.get("/frameworks")
                    with lock:
                        statuses.extend([response.status_code, reader.status_code])
        except Exception as error:  # reported below
            with lock:
                problems.append(repr(error))

    threads = [threading.Thread(target=write, args=(n, email)) for n, email in enumerate(emails)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not problems, problems
    assert len(statuses) == WRITERS * SAVES * 2
    assert not [status for status in statuses if status >= 500], sorted(set(statuses))
    assert set(statuses) == {200, 303}
    with Session(engine_for(database_url)) as db:
        saved = db.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(col(AuditEvent.action) == "user.change_name")
        ).one()
    assert saved == WRITERS * SAVES
