"""Domain errors, and friendly error pages in the site layout; JSON errors under /api/."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Generic, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.templating import render

logger = logging.getLogger("mir.errors")

T = TypeVar("T")


class DomainError(Exception):
    """A change the rules do not allow. `message` says why in plain words; `field` names the
    form field it belongs to (None: the form as a whole); `status_code` is the answer when no
    form shows it (a route that does not catch it gets an error page with that status)."""

    def __init__(self, message: str, field: str | None = None, status_code: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status_code = status_code


class Problems(DomainError):
    """Several rules broken by one form: `errors` has each message at its field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(message, field=field)
        self.errors = dict(errors)


class Stale(DomainError, Generic[T]):
    """Someone else saved the record after the form was loaded; `current` is what they saved,
    for the form to show beside the person's own words."""

    def __init__(self, current: T) -> None:
        super().__init__("Someone else saved this while you were editing it.", status_code=409)
        self.current = current

TITLES = {
    400: "Sorry, there is a problem with that request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, that is not something this page can do",
    429: "Too many attempts",
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if _wants_json(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                            headers=exc.headers)
    template = "errors/404.html" if exc.status_code == 404 else "errors/error.html"
    title = TITLES.get(exc.status_code, "Sorry, there is a problem")
    response = render(request, template, {"title": title, "detail": exc.detail,
                                          "status_code": exc.status_code},
                      status_code=exc.status_code)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def domain_error(request: Request, exc: Exception) -> Response:
    """A rule broken where no form could show it: the message on the error page."""
    assert isinstance(exc, DomainError)
    return await http_error(request, StarletteHTTPException(exc.status_code, exc.message))


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if exc.errors() and all(tuple(error["loc"])[:1] == ("path",) for error in exc.errors()):
        # An address with a part that cannot be (an id beyond any database's range, a
        # word where a number goes) is an address with no page.
        return await http_error(request, StarletteHTTPException(404, None))
    if _wants_json(request):
        return JSONResponse({"detail": exc.errors()}, status_code=422)
    return render(request, "errors/error.html",
                  {"title": "Sorry, there is a problem with that request",
                   "detail": "Some of the information in the address or form was not valid.",
                   "status_code": 400}, status_code=400)


async def server_error(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s %s", request.method, request.url.path,
                     exc_info=exc)
    if _wants_json(request):
        return JSONResponse({"detail": "Internal server error"}, status_code=500)
    return render(request, "errors/500.html", status_code=500)


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(Exception, server_error)
