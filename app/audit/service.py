"""Writing the audit log, in the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.audit.models import AuditEvent
from app.caching import bump_public_version

# Changes that alter what the public sees: cached public pages must go stale with them.
PUBLIC_ACTIONS = ("organisation.", "commitment.", "publication.", "view.publish",
                  "reply.publish", "user.confirm_email", "region.")


def record(db: Session, *, actor_id: int | None, action: str,
           organisation_id: int | None = None, subject: str = "",
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    """Add an audit entry to the current transaction (never passwords or tokens), and mark
    public pages stale when the change is one the public can see."""
    db.add(AuditEvent(actor_id=actor_id, action=action, organisation_id=organisation_id,
                      subject=subject, before=_jsonable(before), after=_jsonable(after)))
    if action.startswith(PUBLIC_ACTIONS):
        # One organisation's change makes only its own pages, its areas' (those it left
        # too), its regions' and the lists stale; anything else, every page.
        left = (before or {}).get("areas") or []
        bump_public_version(db, None if organisation_id is None else [organisation_id],
                            area_codes=[str(code) for code in left])


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {key: value if isinstance(value, str | int | float | bool | None | list)
            else str(value) for key, value in values.items()}
