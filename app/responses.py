"""Small response helpers every feature's routes share (one home, not one per `web.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import quote, urlencode

from fastapi.responses import RedirectResponse
from starlette.requests import Request
from starlette.responses import Response


def redirect(url: str) -> RedirectResponse:
    """Post/Redirect/Get: 303 so the browser follows with a GET."""
    return RedirectResponse(url, status_code=303)


def safe_next(path: str | None) -> str:
    """Only ever send people back to a page on this site."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def attachment(body: bytes, name: str, media_type: str) -> Response:
    """A download named `name` (an ASCII name we made)."""
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{name}\"; "
                               f"filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff"})


class Numbered(Protocol):
    @property
    def number(self) -> int: ...

    @property
    def pages(self) -> int: ...


def pagination(request: Request, page: Numbered, query: Mapping[str, str], *,
               of: str | None = None) -> dict[str, Any] | None:
    """The GOV.UK pagination component's links (none for a single page), keeping `query`
    (the filters) in each. `of` names what is listed, for screen readers: "Pages of results"."""
    if page.pages <= 1:
        return None

    def href(number: int) -> str:
        params = {**query, "page": str(number)} if number > 1 else dict(query)
        return f"{request.url.path}?{urlencode(params)}" if params else request.url.path

    last = page.pages  # (a property: worked out once, not once per page of 1 500)
    items: list[dict[str, Any]] = []
    shown = 0
    # The first and last pages, and two either side of this one.
    for number in sorted({1, last, *range(max(1, page.number - 2),
                                          min(last, page.number + 2) + 1)}):
        if shown and number - shown > 1:
            items.append({"ellipsis": True})
        item: dict[str, Any] = {"number": number, "href": href(number),
                                "current": number == page.number}
        if of:
            item["visuallyHiddenText"] = f"Page {number} of {of}"
        items.append(item)
        shown = number
    return {
        "items": items,
        "previous": {"href": href(page.number - 1)} if page.number > 1 else None,
        "next": {"href": href(page.number + 1)} if page.number < last else None,
        "landmarkLabel": f"Pages of {of}" if of else "Pages",
    }
