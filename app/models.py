"""Every table model, imported in one place so that Alembic sees the whole schema."""

from app.accounts.models import LoginAttempt, Token, User
from app.areas.models import Area, FormerAreaCode, Region
from app.assessments.models import Assessment, CoProduction, Evidence, Rating
from app.audit.models import AuditEvent
from app.caching import PublicDataVersion
from app.following.models import Follower, FollowerNotice
from app.moderation.models import ConcernReport
from app.organisations.models import Commitment, Membership, Organisation, OrganisationArea
from app.plans.models import Action, ActionUpdate, Priority
from app.publications.models import Publication
from app.reminders.models import ReminderOptOut, ReminderSent
from app.views.models import IndependentView, ViewCoProduction, ViewEvidence, ViewRating
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
    "Evidence",
    "Follower",
    "FollowerNotice",
    "FormerAreaCode",
    "IndependentView",
    "LoginAttempt",
    "Membership",
    "Organisation",
    "OrganisationArea",
    "Priority",
    "PublicDataVersion",
    "Publication",
    "Rating",
    "Region",
    "ReminderOptOut",
    "ReminderSent",
    "Token",
    "User",
    "ViewCoProduction",
    "ViewEvidence",
    "ViewRating",
    "VoiceAnswer",
    "VoiceDraft",
    "VoiceResponse",
    "VoiceRound",
]
