"""Crash safety: SIGKILL `mir serve` under a write load and check no acknowledged write is lost.

With SQLite in WAL mode a commit is in the write-ahead log (in the operating system's page
cache at least) before the response goes out, so killing the process loses nothing that
was acknowledged; only a power cut could, with synchronous=NORMAL (see docs/operations.md).
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlmodel import Session

from app.db import engine_for
from app.schema import upgrade
from tests.conftest import MARKERS_DIR
from tests.factories import PASSWORD, make_user
from tests.operations.server import Server, server_env

WRITERS = 3
KILL_AFTER = 2.0  # seconds of load before the SIGKILL…
MIN_ACKNOWLEDGED = 20  # …once at least this many writes were acknowledged
LOAD_LIMIT = 15.0  # the writers stop by themselves after this, whatever happens
READY_AFTER_RESTART = 5.0
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


@dataclass
class Writer:
    """One person saving their account name again and again; what the server acknowledged."""

    base: str
    email: str
    number: int
    client: httpx.Client = field(init=False)
    token: str = ""
    acknowledged: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    transport_errors: int = 0
    problem: str | None = None

    def prepare(self) -> None:
        """Log in and read the CSRF token, before the timed load starts."""
        self.client = httpx.Client(base_url=self.base, timeout=10.0)
        self._log_in(self.client)
        self.token = self._token(self.client, "/account")

    def run(self, deadline: float) -> None:
        client = self.client
        try:
            with contextlib.closing(client):
                sequence = 0
                while time.monotonic() < deadline:
                    sequence += 1
                    name = f"Writer {self.number} save {sequence}"
                    try:
                        response = client.post(
                            "/account/name", data={"csrf_token": self.token, "name": name}
                        )
                    except httpx.HTTPError:
                        self.transport_errors += 1
                        break  # the server was killed: nothing more can be acknowledged
                    self.statuses[response.status_code] = (
                        self.statuses.get(response.status_code, 0) + 1
                    )
                    if response.status_code == 303:
                        self.acknowledged.append(name)
        except Exception as error:  # reported by the test
            self.problem = repr(error)

    def _token(self, client: httpx.Client, path: str) -> str:
        found = _CSRF.search(client.get(path).text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def _log_in(self, client: httpx.Client) -> None:
        response = client.post(
            "/login",
            data={
                "csrf_token": self._token(client, "/login"),
                "email": self.email,
                "password": PASSWORD,
                "next": "/account",
            },
        )
        assert response.status_code == 303, f"login failed: {response.status_code}"


def _saved_names(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT after FROM audit_event WHERE action = 'user.change_name'"
        ).fetchall()
    return {json.loads(after)["name"] for (after,) in rows}


def test_sigkill_under_write_load_loses_no_acknowledged_write(tmp_path: Path) -> None:
    database = tmp_path / "mir.db"
    url = f"sqlite:///{database}"
    upgrade(url)
    with Session(engine_for(url)) as db:
        emails = [make_user(db, email=f"writer{n}@example.org").email for n in range(WRITERS)]
        db.commit()
    engine_for(url).dispose()
    env = server_env(
        database_url=url,
        markers_dir=str(MARKERS_DIR),
        upload_dir=str(tmp_path / "uploads"),
        outbox_dir=str(tmp_path / "outbox"),
    )
    first = Server(env, tmp_path / "first.log", workers=2)
    first.start()
    try:
        first.wait_until("/readyz", timeout=90)
        writers = [Writer(first.url, email, n) for n, email in enumerate(emails)]
        for writer in writers:
            writer.prepare()
        started = time.monotonic()
        threads = [threading.Thread(target=w.run, args=(started + LOAD_LIMIT,)) for w in writers]
        for thread in threads:
            thread.start()
        while time.monotonic() - started < LOAD_LIMIT - 2 and (
            time.monotonic() - started < KILL_AFTER
            or sum(len(w.acknowledged) for w in writers) < MIN_ACKNOWLEDGED
        ):
            time.sleep(0.05)
        first.kill()
        killed_after = time.monotonic() - started
        for thread in threads:
            thread.join(timeout=30)
    finally:
        first.kill()

    problems = [w.problem for w in writers if w.problem]
    assert not problems, problems
    acknowledged = [name for w in writers for name in w.acknowledged]
    statuses: dict[int, int] = {}
    for writer in writers:
        for status, count in writer.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    assert acknowledged, f"no write was acknowledged before the kill: {statuses}"
    assert set(statuses) == {303}, f"every answered write should succeed: {statuses}"

    second = Server(env, tmp_path / "second.log")
    second.start()
    try:
        # Starting Python and importing the app is not recovery: time readiness from the
        # moment the new process answers at all.
        started_in = second.wait_until("/healthz", timeout=90)
        ready_in = second.wait_until("/readyz", timeout=READY_AFTER_RESTART)
    finally:
        second.stop()

    saved = _saved_names(database)
    lost = [name for name in acknowledged if name not in saved]
    with sqlite3.connect(database) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    print(
        f"\ncrash test: {len(acknowledged)} writes acknowledged by 2 workers in "
        f"{killed_after:.1f}s before SIGKILL, {len(saved)} in the database, {len(lost)} "
        f"lost; restarted process answered after {started_in:.1f}s, /readyz 200 "
        f"{ready_in:.2f}s later; integrity_check: {integrity}"
    )
    assert not lost, f"{len(lost)} acknowledged writes are missing: {lost[:10]}"
    assert integrity == "ok"

    _check_log_lines(first.log, emails)


def _check_log_lines(log: Path, emails: list[str]) -> None:
    """The killed server's stderr: JSON lines, one per request, with no personal data."""
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    assert len(entries) == len(lines), (
        "every log line should be a JSON object: "
        + "\n".join(line for line in lines if not line.startswith("{"))[:2000]
    )
    requests = [entry for entry in entries if entry["logger"] == "mir.access"]
    assert requests, "no request was logged"
    for entry in requests:
        assert {"method", "path", "status", "duration_ms", "request_id"} <= set(entry), entry
        assert "?" not in entry["path"]
    text = log.read_text(encoding="utf-8")
    for secret in [*emails, PASSWORD, "csrf_token", "mir_session"]:
        assert secret not in text, f"the log holds {secret!r}"
