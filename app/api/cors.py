"""The open data API is open to every origin, for reading only, and sets no cookies."""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/api/"
READ_METHODS = {"GET", "HEAD"}
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
PREFLIGHT_MAX_AGE = "86400"


class OpenDataCorsMiddleware:
    """`Access-Control-Allow-Origin: *` on GET and HEAD under /api/, an answer to preflight
    OPTIONS requests, and no Set-Cookie (the API needs no session)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method == "OPTIONS":
            await self._preflight(scope, send)
            return
        if method not in READ_METHODS:
            await self.app(scope, receive, send)
            return

        async def send_open(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Access-Control-Allow-Origin"] = "*"
                headers["Access-Control-Expose-Headers"] = "ETag, Content-Disposition"
                del headers["set-cookie"]
            await send(message)

        await self.app(scope, receive, send_open)

    @staticmethod
    async def _preflight(scope: Scope, send: Send) -> None:
        asked = Headers(scope=scope).get("Access-Control-Request-Headers", "")
        headers = [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-allow-methods", ALLOWED_METHODS.encode()),
            (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
            (b"allow", ALLOWED_METHODS.encode()),
            (b"content-length", b"0"),
        ]
        if asked:
            headers.append((b"access-control-allow-headers", asked.encode("latin-1")))
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
