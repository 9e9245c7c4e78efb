"""Every table model, imported in one place so that Alembic sees the whole schema."""

from app.accounts.models import LoginAttempt, Token, User
from app.areas.models import Area, FormerAreaCode, Region
from app.audit.models import AuditEvent
from app.organisations.models import Commitment, Membership, Organisation, OrganisationArea

__all__ = [
    "Area",
    "AuditEvent",
    "Commitment",
    "FormerAreaCode",
    "LoginAttempt",
    "Membership",
    "Organisation",
    "OrganisationArea",
    "Region",
    "Token",
    "User",
]
