"""Security headers on every response (a pure ASGI middleware), and installing it.

The Content-Security-Policy allows nothing inline: no inline <script>, no on*= handlers, no
style= attributes, no <style> elements. Styles belong in app/static/scss/mir.scss and
scripts in app/static/js/. HSTS is sent only when MIR_ENV=production (served over https).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.logging import with_request_id

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"
INSECURE_COOKIE_WARNING = (
    "MIR_BASE_URL is https but MIR_ENV is not production: session cookies go out without "
    "the Secure flag and there is no HSTS. Set MIR_ENV=production (docs/operations.md).")

logger = logging.getLogger("mir.security")


def security_headers(production: bool) -> list[tuple[bytes, bytes]]:
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": PERMISSIONS_POLICY,
    }
    if production:
        headers["Strict-Transport-Security"] = HSTS
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]


class SecurityHeadersMiddleware:
    """Adds the headers above to every HTTP response (a route's own value is kept)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.headers = security_headers(settings.is_production)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    if name.decode("latin-1") not in headers:
                        headers.append(name.decode("latin-1"), value.decode("latin-1"))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security(app: FastAPI, settings: Settings) -> None:
    """Wrap the whole stack, outside even Starlette's ServerErrorMiddleware.

    add_middleware() would put these inside ServerErrorMiddleware, so a 500 page would go
    out without the headers and without being logged with its request id.
    """
    if settings.base_url.startswith("https://") and not settings.is_production:
        logger.warning(INSECURE_COOKIE_WARNING)
    build = app.build_middleware_stack

    def build_with_security() -> ASGIApp:
        return with_request_id(SecurityHeadersMiddleware(build(), settings))

    app.build_middleware_stack = build_with_security  # type: ignore[method-assign]
