"""Account rules: registering, confirming, logging in, resetting, changing, deleting."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select, update

from app import ratelimit
from app.accounts.models import EndedSession, Token, User
from app.accounts.security import (
    TokenProblem,
    hash_password,
    issue_token,
    use_token,
    verify_password,
)
from app.accounts.sessions import SESSION_MAX_AGE
from app.audit.service import record
from app.clock import now
from app.errors import DomainError

SESSION_LIFETIME = timedelta(seconds=SESSION_MAX_AGE)
# Failed logins (docs/operations.md, "Rate limits"). One account from one address: 5 in
# 15 minutes, then wait. One address, any accounts: 20 in 15 minutes. One account from
# anywhere: 20 in an hour, then one try a minute. That slows guessing from many addresses
# without letting a stranger lock the owner out: the owner's own address is counted apart.
LOGIN_ACCOUNT_AND_ADDRESS = ratelimit.Limit("login:account+address", 5, timedelta(minutes=15))
LOGIN_ADDRESS = ratelimit.Limit("login:address", 20, timedelta(minutes=15))
LOGIN_ACCOUNT = ratelimit.Limit("login:account", 20, timedelta(hours=1),
                                then_every=timedelta(minutes=1))


def find_user(db: Session, email: str) -> User | None:
    return db.exec(select(User).where(User.email == email.strip().lower())).first()


class LoginRefused(DomainError):
    """Wrong details, or too many attempts (then `retry_at` says when to try again)."""

    def __init__(self, message: str, retry_at: object = None) -> None:
        super().__init__(message, status_code=400 if retry_at is None else 429)
        self.retry_at = retry_at


WRONG_DETAILS = ("The email address or password is not right, or the email address has not "
                 "been confirmed yet. Check them and try again.")


def _login_limits(email: str, ip: str) -> list[tuple[ratelimit.Limit, str]]:
    account = email.strip().lower()
    return [(LOGIN_ACCOUNT_AND_ADDRESS, f"{account} {ip}"), (LOGIN_ADDRESS, ip),
            (LOGIN_ACCOUNT, account)]


def retry_time(db: Session, *, email: str, ip: str) -> datetime | None:
    """When this person may try again, if there have been too many failed attempts."""
    waits = [found for limit, subject in _login_limits(email, ip)
             if (found := ratelimit.retry_at(db, limit, subject)) is not None]
    return max(waits) if waits else None


def authenticate(db: Session, *, email: str, password: str, ip: str) -> User:
    retry_at = retry_time(db, email=email, ip=ip)
    if retry_at is not None:
        raise LoginRefused("Too many attempts", retry_at=retry_at)
    user = find_user(db, email)
    good = verify_password(password, user.password_hash if user else None)
    if user is None or not good or user.is_disabled or user.email_confirmed_at is None:
        for limit, subject in _login_limits(email, ip):
            ratelimit.hit(db, limit, subject)
        raise LoginRefused(WRONG_DETAILS)
    ratelimit.forget(db, *_login_limits(email, ip)[0])
    record(db, actor_id=user.id, action="user.login", subject=f"user:{user.id}")
    return user


def log_out(db: Session, *, user_id: int, sid: str) -> None:
    """End this one session on the server too: a copy of its cookie opens nothing."""
    db.exec(delete(EndedSession).where(col(EndedSession.ended_at) < now() - SESSION_LIFETIME))
    if db.get(EndedSession, sid) is None:
        db.add(EndedSession(sid=sid, user_id=user_id))
    record(db, actor_id=user_id, action="user.logout", subject=f"user:{user_id}")


def log_out_everywhere(db: Session, user: User) -> None:
    """End every session of this account, on every device, this one included."""
    user.session_epoch += 1
    db.add(user)
    record(db, actor_id=user.id, action="user.logout_everywhere", subject=f"user:{user.id}")


def request_password_reset(db: Session, email: str) -> tuple[User, str] | None:
    user = find_user(db, email)
    if user is None or user.is_disabled:
        return None
    return user, issue_token(db, purpose="reset_password", email=user.email, user_id=user.id)


def reset_password(db: Session, raw_token: str, password: str) -> User:
    token = use_token(db, raw_token, "reset_password")
    user = db.get(User, token.user_id) if token.user_id else None
    if user is None:
        raise TokenProblem("This link is not valid any more: the account was deleted.")
    _set_password(db, user, password, action="user.reset_password")
    if user.email_confirmed_at is None:  # the link proved they own the address
        user.email_confirmed_at = now()
    return user


def _set_password(db: Session, user: User, password: str, *, action: str) -> None:
    user.password_hash = hash_password(password)
    user.session_epoch += 1  # every other session ends
    db.add(user)
    # Every reset link still in someone's inbox stops working: only the newest password counts.
    db.exec(update(Token).where(col(Token.user_id) == user.id,
                                col(Token.purpose) == "reset_password",
                                col(Token.used_at).is_(None)).values(used_at=now()))
    record(db, actor_id=user.id, action=action, subject=f"user:{user.id}")


def change_password(db: Session, user: User, current: str, new: str) -> None:
    if not verify_password(current, user.password_hash):
        raise DomainError("Your current password is not right", field="current_password")
    _set_password(db, user, new, action="user.change_password")


def change_name(db: Session, user: User, name: str) -> None:
    before = user.name
    user.name = name
    db.add(user)
    record(db, actor_id=user.id, action="user.change_name", subject=f"user:{user.id}",
           before={"name": before}, after={"name": name})


def request_email_change(db: Session, user: User, new_email: str) -> str | None:
    """A link to the new address; the change happens only when it is followed."""
    if find_user(db, new_email) is not None:
        return None  # say nothing that reveals the other account
    return issue_token(db, purpose="change_email", email=new_email, user_id=user.id)


def confirm_email_change(db: Session, raw_token: str) -> User:
    token = use_token(db, raw_token, "change_email")
    user = db.get(User, token.user_id) if token.user_id else None
    if user is None:
        raise TokenProblem("This link is not valid any more: the account was deleted.")
    if find_user(db, token.email) is not None:
        raise TokenProblem("Another account now uses this email address.")
    before = user.email
    user.email = token.email
    db.add(user)
    record(db, actor_id=user.id, action="user.change_email", subject=f"user:{user.id}",
           before={"email": before}, after={"email": user.email})
    return user
