"""Every table model, imported in one place so that Alembic sees the whole schema."""

from app.accounts.models import EndedSession, Token, User
from app.areas.models import Area, FormerAreaCode, Region
from app.assessments.models import Assessment, CoProduction, Evidence, Rating
from app.audit.models import AuditEvent
from app.caching import PublicDataVersion, PublicScopeVersion
from app.following.models import Follower, FollowerNotice, ReminderOptOut
from app.moderation.models import ConcernReport
from app.organisations.models import (
    Commitment,
    Membership,
    Organisation,
    OrganisationArea,
    SignUpTally,
    TallyShare,
)
from app.plans.models import Action, ActionUpdate, Priority
from app.publications.models import Publication
from app.ratelimit import RateLimitHit
from app.reminders.models import ReminderSent
from app.voice.models import VoiceAnswer, VoiceDraft, VoiceResponse, VoiceRound

__all__ = [
    "Action",
    "ActionUpdate",
    "Area",
    "Assessment",
    "AuditEvent",
    "CoProduction",
    "Commitment",
    "ConcernReport",
    "EndedSession",
    "Evidence",
    "Follower",
    "FollowerNotice",
    "FormerAreaCode",
    "Membership",
    "Organisation",
    "OrganisationArea",
    "Priority",
    "PublicDataVersion",
    "PublicScopeVersion",
    "Publication",
    "RateLimitHit",
    "Rating",
    "Region",
    "ReminderOptOut",
    "ReminderSent",
    "SignUpTally",
    "TallyShare",
    "Token",
    "User",
    "VoiceAnswer",
    "VoiceDraft",
    "VoiceResponse",
    "VoiceRound",
]
