"""Friendly error pages in the site layout; JSON errors under /api/."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.templating import render

logger = logging.getLogger("mir.errors")

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
    app.add_exception_handler(Exception, server_error)
