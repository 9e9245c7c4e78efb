"""What the organisation's pages take from the features above it: a plain module, so those
features add to the pages without organisations importing them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from app.organisations.models import Organisation

# More for the organisation's overview (/manage/{slug}): app/views adds the views of it
# waiting for a reply.
OVERVIEW_CONTEXT: list[Callable[[Session, Organisation], dict[str, Any]]] = []


def overview_context(db: Session, organisation: Organisation) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for add in OVERVIEW_CONTEXT:
        context.update(add(db, organisation))
    return context
