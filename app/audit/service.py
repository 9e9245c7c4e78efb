"""Writing the audit log, in the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.audit.models import AuditEvent


def record(db: Session, *, actor_id: int | None, action: str,
           organisation_id: int | None = None, subject: str = "",
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    """Add an audit entry to the current transaction (never passwords or tokens). Public
    pages go stale through app.caching.bump_public_version, not from here."""
    db.add(AuditEvent(actor_id=actor_id, action=action, organisation_id=organisation_id,
                      subject=subject, before=_jsonable(before), after=_jsonable(after)))


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {key: value if isinstance(value, str | int | float | bool | None | list)
            else str(value) for key, value in values.items()}
