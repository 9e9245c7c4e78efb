"""Request ids and the one JSON log line per request, with no personal data in it."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.logging import JsonFormatter
from app.main import create_app
from tests.factories import csrf_token


@pytest.fixture
def access_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="mir.access")
    return caplog


def _requests(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "mir.access"]


def test_one_line_per_request_without_query_string(
    settings: Settings, access_log: pytest.LogCaptureFixture
) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get(
            "/frameworks?email=someone@example.org&q=secret",
            headers={"X-Request-ID": "lb-1234.abcd"},
        )
    assert response.headers["x-request-id"] == "lb-1234.abcd"
    [record] = _requests(access_log)
    line = json.loads(JsonFormatter().format(record))
    assert line["method"] == "GET"
    assert line["path"] == "/frameworks"
    assert line["status"] == 200
    assert line["request_id"] == "lb-1234.abcd"
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "info" and line["logger"] == "mir.access"
    assert "example.org" not in json.dumps(line) and "secret" not in json.dumps(line)


def test_tokens_in_paths_are_logged_as_the_route(
    settings: Settings, access_log: pytest.LogCaptureFixture
) -> None:
    with TestClient(create_app(settings)) as client:
        client.get("/password-reset/very-secret-token-value")
    [record] = _requests(access_log)
    assert record.path == "/password-reset/{token}"  # type: ignore[attr-defined]
    assert "very-secret-token-value" not in JsonFormatter().format(record)


def test_form_contents_never_reach_the_log(
    settings: Settings, access_log: pytest.LogCaptureFixture
) -> None:
    with TestClient(create_app(settings)) as client:
        token = csrf_token(client, "/login")
        client.post(
            "/login",
            data={
                "csrf_token": token,
                "email": "private@example.org",
                "password": "my secret password",
                "next": "/",
            },
        )
    text = "\n".join(JsonFormatter().format(record) for record in access_log.records)
    for secret in ("private@example.org", "my secret password", token):
        assert secret not in text
    assert [json.loads(JsonFormatter().format(r))["status"] for r in _requests(access_log)] == [
        200,
        200,
    ]


@pytest.mark.parametrize("sent", ["<script>", "a" * 200, "x y", "", "é", "../../etc"])
def test_unsafe_request_ids_are_replaced(
    settings: Settings, access_log: pytest.LogCaptureFixture, sent: str
) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz", headers={"X-Request-ID": sent.encode()})
    [generated] = response.headers.get_list("x-request-id")
    assert generated != sent
    assert len(generated) == 32 and generated.isalnum()
    [record] = _requests(access_log)
    assert record.request_id == generated  # type: ignore[attr-defined]


def test_errors_are_logged_by_type_and_place_not_message() -> None:
    try:
        raise ValueError("the password of someone@example.org")
    except ValueError:
        record = logging.LogRecord(
            "mir.errors", logging.ERROR, __file__, 1, "unhandled error", None, sys.exc_info()
        )
    line = json.loads(JsonFormatter().format(record))
    assert line["error"] == "builtins.ValueError"
    assert any("test_logs.py" in frame for frame in line["stack"])
    assert "someone@example.org" not in json.dumps(line)
