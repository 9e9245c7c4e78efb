"""The links in follow and reminder emails: signed, so no token needs to be stored.

A confirmation link works for 7 days. An unsubscribe link works for as long as the follow
(or the owner's membership) it names exists; it names the email address too, so a link can
never stop someone else's emails.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from app.config import Settings
from app.errors import DomainError

CONFIRM_SALT = "mir.follow.confirm"
UNSUBSCRIBE_SALT = "mir.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 60 * 60


class LinkProblem(DomainError):
    """The link is not one we made, or has expired; the message says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status_code=410)


NOT_VALID = "This link is not valid. Check you copied the whole link from the email."


def confirm_token(settings: Settings, follower_id: int, email: str) -> str:
    return URLSafeTimedSerializer(settings.secret_key, salt=CONFIRM_SALT).dumps(
        [follower_id, email])


def read_confirm_token(settings: Settings, token: str) -> tuple[int, str]:
    try:
        follower_id, email = URLSafeTimedSerializer(settings.secret_key, salt=CONFIRM_SALT) \
            .loads(token, max_age=CONFIRM_MAX_AGE)
    except SignatureExpired as expired:
        raise LinkProblem("This link has expired. Ask to follow again.") from expired
    except (BadSignature, ValueError, TypeError) as bad:
        raise LinkProblem(NOT_VALID) from bad
    return int(follower_id), str(email)


@dataclass(frozen=True)
class Unsubscribe:
    """Either one follow ("follower") or one owner's reminders about one organisation."""

    kind: str  # "follower" | "reminders"
    follower_id: int = 0
    email: str = ""
    user_id: int = 0
    organisation_id: int = 0


def unsubscribe_token(settings: Settings, what: Unsubscribe) -> str:
    payload = ["f", what.follower_id, what.email] if what.kind == "follower" \
        else ["r", what.user_id, what.organisation_id]
    return URLSafeSerializer(settings.secret_key, salt=UNSUBSCRIBE_SALT).dumps(payload)


def read_unsubscribe_token(settings: Settings, token: str) -> Unsubscribe:
    try:
        kind, first, second = URLSafeSerializer(settings.secret_key,
                                                salt=UNSUBSCRIBE_SALT).loads(token)
        if kind == "f":
            return Unsubscribe("follower", follower_id=int(first), email=str(second))
        if kind == "r":
            return Unsubscribe("reminders", user_id=int(first), organisation_id=int(second))
    except (BadSignature, ValueError, TypeError) as bad:
        raise LinkProblem(NOT_VALID) from bad
    raise LinkProblem(NOT_VALID)
