"""Structured logs: one JSON object per line on stderr, and one line per request.

`mir serve` hands LOGGING_CONFIG to uvicorn (so every worker process logs the same way);
create_app() calls configure_logging(), which applies it only when nothing has configured
logging yet (so tests and other hosts keep their own set-up).

The per-request line (logger `mir.access`) says only: method, path (never the query
string; a path holding a token is logged as its route, e.g. /confirm/{token}), status,
duration in milliseconds and the request id. Never emails, names, tokens, cookies, query
strings, form contents or client addresses. Error lines carry the exception's type and
where it happened, not its message (which can quote the data being written).
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
import time
import traceback
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from asgi_correlation_id import CorrelationIdMiddleware, correlation_id

if TYPE_CHECKING:  # uvicorn imports this module in each worker before it answers health
    # checks: keep it to the standard library so that a worker starts quickly.
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
# A client's (or load balancer's) id is kept only if it is short and plain.
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
# Path parameters whose values must never reach a log line.
_SECRET_PARAM = re.compile(r"token|secret|password|key", re.IGNORECASE)

access_logger = logging.getLogger("mir.access")

# Attributes every LogRecord has; anything else was passed with `extra=` and is logged.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "color_message",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", "request_id"?, extra fields…} on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or correlation_id.get()
        if request_id:
            entry["request_id"] = request_id
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRIBUTES and name not in entry:
                entry[name] = value
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            entry["error"] = f"{type(error).__module__}.{type(error).__qualname__}"
            entry["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(error.__traceback__)
            ][-15:]
        return json.dumps(entry, default=str, ensure_ascii=False)


LOGGING_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "app.logging.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
    },
    "loggers": {
        "mir": {"level": "INFO"},
        "uvicorn": {"level": "INFO", "handlers": [], "propagate": True},
        "uvicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        # uvicorn's own access line has the query string and the client's address: ours
        # (mir.access) replaces it.
        "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
    },
    "root": {"level": "WARNING", "handlers": ["stderr"]},
}


def configure_logging(force: bool = False) -> None:
    """Apply LOGGING_CONFIG, unless logging was configured already (and not forced)."""
    if force or not logging.getLogger().handlers:
        logging.config.dictConfig(LOGGING_CONFIG)


def safe_request_id(candidate: str) -> bool:
    """Whether a client's (or load balancer's) X-Request-ID is short and plain enough to keep."""
    return SAFE_REQUEST_ID.match(candidate) is not None


def new_request_id() -> str:
    return uuid.uuid4().hex


def loggable_path(scope: Scope) -> str:
    """The path without query string; a route template if the path holds a secret."""
    route = scope.get("route")
    params = scope.get("path_params") or {}
    template = getattr(route, "path", None)
    if template and any(_SECRET_PARAM.search(name) for name in params):
        return str(template)
    path: str = scope.get("path", "")
    return path


class RequestLogMiddleware:
    """Logs one line per request, with the id asgi-correlation-id gave it (see with_request_id)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = correlation_id.get() or new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            duration = round((time.perf_counter() - started) * 1000, 2)
            access_logger.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope.get("method", ""),
                    "path": loggable_path(scope),
                    "status": status,
                    "duration_ms": duration,
                },
            )


def with_request_id(app: ASGIApp) -> ASGIApp:
    """Each request gets an id (the client's X-Request-ID if safe, else a new one), sent back
    on the response and put on every log line; then one access line is logged."""
    return CorrelationIdMiddleware(RequestLogMiddleware(app), header_name=REQUEST_ID_HEADER,
                                   generator=new_request_id, validator=safe_request_id)
