"""Every table model, imported in one place so that Alembic sees the whole schema."""

from app.accounts.models import LoginAttempt, Token, User
from app.areas.models import Area, FormerAreaCode, Region
from app.assessments.models import Assessment, CoProduction, Evidence, Rating
from app.audit.models import AuditEvent
from app.organisations.models import Commitment, Membership, Organisation, OrganisationArea
from app.plans.models import Action, ActionUpdate, Priority
from app.publications.models import Publication

__all__ = [
    "Action",
    "ActionUpdate",
    "Area",
    "Assessment",
    "AuditEvent",
    "CoProduction",
    "Commitment",
    "Evidence",
    "FormerAreaCode",
    "LoginAttempt",
    "Membership",
    "Organisation",
    "OrganisationArea",
    "Priority",
    "Publication",
    "Rating",
    "Region",
    "Token",
    "User",
]
