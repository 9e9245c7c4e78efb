"""What the plan pages share with the publish pages (app/publishing): a plain module, so those
need not import routes."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from sqlmodel import Session

from app.deps import OrgAccess
from app.frameworks import Framework, FrameworkCatalogue
from app.organisations import repository as organisations


def plan_framework(access: OrgAccess, db: Session, catalogue: FrameworkCatalogue,
                   framework_id: str) -> Framework:
    """A framework this organisation has signed up to (so has a plan); a 404 otherwise."""
    framework = catalogue.get(framework_id)
    signed_up = {c.framework_id for c in organisations.commitments_of(
        db, access.organisation.id or 0)}
    if framework is None or framework_id not in signed_up:
        raise HTTPException(404, "Your organisation has no plan for this framework.")
    return framework


def plan_base(access: OrgAccess, **context: Any) -> dict[str, Any]:
    return {"organisation": access.organisation, "access": access, "role": access.role,
            **context}
