"""Security headers on every response: pages, errors, JSON, static files, even a crash."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.accounts.sessions import SESSION_COOKIE
from app.config import Settings
from app.main import create_app
from app.security import CONTENT_SECURITY_POLICY

EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
}


def _crashing(app: FastAPI) -> FastAPI:
    def boom() -> None:
        raise RuntimeError("something broke")

    app.add_api_route("/boom-for-test", boom, include_in_schema=False)
    return app


def test_policy_allows_nothing_inline() -> None:
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/frameworks", 200),
        ("GET", "/healthz", 200),
        ("GET", "/static/favicon.svg", 200),
        ("GET", "/no-such-page", 404),
        ("GET", "/manage", 303),
        ("POST", "/login", 403),  # no CSRF token
        ("GET", "/boom-for-test", 500),
    ],
)
def test_every_response_has_the_headers(
    settings: Settings, method: str, path: str, status: int
) -> None:
    app = _crashing(create_app(settings))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        response = client.request(method, path)
    assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, f"{name} on {method} {path}"
    assert "camera=()" in response.headers["permissions-policy"]
    assert response.headers["x-request-id"]
    assert "strict-transport-security" not in response.headers  # not in development


def test_hsts_only_in_production(settings: Settings) -> None:
    production = settings.model_copy(
        update={"env": "production", "secret_key": "s" * 40, "base_url": "https://mir.example.org"}
    )
    with TestClient(create_app(production)) as client:
        response = client.get("/healthz")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_a_route_may_set_its_own_value(settings: Settings) -> None:
    from starlette.responses import PlainTextResponse

    app = create_app(settings)
    app.add_api_route(
        "/framed-for-test",
        lambda: PlainTextResponse("x", headers={"X-Frame-Options": "SAMEORIGIN"}),
        include_in_schema=False,
    )
    with TestClient(app) as client:
        response = client.get("/framed-for-test")
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]


def test_a_public_https_address_without_production_warns_at_start(
        settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    """The session cookie is marked Secure only when MIR_ENV=production."""
    from app.security import INSECURE_COOKIE_WARNING

    with caplog.at_level("WARNING", logger="mir.security"):
        create_app(settings.model_copy(update={"base_url": "https://mir.example.org"}))
    assert INSECURE_COOKIE_WARNING in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="mir.security"):
        create_app(settings)  # http on a developer's machine: nothing to say
    assert INSECURE_COOKIE_WARNING not in caplog.text


@pytest.mark.parametrize("env", ["production", "development"])
def test_the_session_cookie_is_secure_in_production_only(settings: Settings, env: str) -> None:
    """In production the browser sends the session cookie over https only; it is never
    readable by scripts and not sent with other sites' form posts, in either mode."""
    chosen = settings.model_copy(update={"env": env, "secret_key": "s" * 40,
                                         "base_url": "https://mir.example.org"})
    with TestClient(create_app(chosen), base_url="https://testserver") as client:
        response = client.get("/login")
    cookie = next(value for value in response.headers.get_list("set-cookie")
                  if value.startswith(f"{SESSION_COOKIE}="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite", "path", "max-age"} <= attributes
    assert "samesite=lax" in cookie.lower()
    assert ("secure" in attributes) == (env == "production")
