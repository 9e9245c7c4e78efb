"""Password hashing (Argon2) and single-use tokens sent by email."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import Session, select

from app.accounts.models import Token
from app.clock import now
from app.errors import DomainError

_hasher = PasswordHash((Argon2Hasher(),))
# Verifying against this keeps login time the same whether or not the account exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password-just-for-timing")

TOKEN_LIFETIMES = {
    "confirm_email": timedelta(days=3),
    "change_email": timedelta(days=3),
    "reset_password": timedelta(hours=1),
    "invite": timedelta(days=7),
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, password_hash)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(db: Session, *, purpose: str, email: str, user_id: int | None = None,
                organisation_id: int | None = None, role: str | None = None,
                created_by_id: int | None = None) -> str:
    """Store a new token's hash and return the raw token to put in a link."""
    raw = secrets.token_urlsafe(32)
    db.add(Token(purpose=purpose, token_hash=_digest(raw), email=email, user_id=user_id,
                 organisation_id=organisation_id, role=role, created_by_id=created_by_id,
                 expires_at=now() + TOKEN_LIFETIMES[purpose]))
    return raw


class TokenProblem(DomainError):
    """The link is unknown, used or expired; the message says which, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status_code=410)


def find_token(db: Session, raw: str, purpose: str) -> Token:
    """The live token for this link, or TokenProblem explaining why not."""
    token = db.exec(select(Token).where(Token.token_hash == _digest(raw),
                                        Token.purpose == purpose)).first()
    if token is None:
        raise TokenProblem("This link is not valid. Check you copied the whole link from the "
                           "email.")
    if token.used_at is not None:
        raise TokenProblem("This link has already been used. Each link works only once.")
    if token.expires_at < now():
        raise TokenProblem("This link has expired. Ask for a new one.")
    return token


def use_token(db: Session, raw: str, purpose: str) -> Token:
    token = find_token(db, raw, purpose)
    token.used_at = now()
    db.add(token)
    return token
