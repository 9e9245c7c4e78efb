"""Small response helpers every feature's routes share (one home, not one per `web.py`)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import RedirectResponse
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
