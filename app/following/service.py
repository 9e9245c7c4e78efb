"""Following an organisation or an area by email: asking (double opt-in), confirming,
unsubscribing, and the emails about each new publication (never the same one twice)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app import ratelimit
from app.areas.models import Area
from app.audit.service import record
from app.clock import now
from app.config import Settings
from app.db import session_scope
from app.email import compose, send
from app.following import repository
from app.following.models import Follower, FollowerNotice, ReminderOptOut
from app.following.tokens import Unsubscribe, confirm_token, unsubscribe_token
from app.organisations import repository as organisations
from app.organisations.models import Organisation
from app.publications.models import VIEW_KIND, Publication, publication_kind_label

_session = contextmanager(session_scope)


@dataclass(frozen=True)
class Target:
    """What can be followed: an organisation or a council area."""

    organisation: Organisation | None
    area: Area | None

    @property
    def name(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        assert self.area is not None
        return self.area.name

    @property
    def path(self) -> str:
        if self.organisation is not None:
            return f"/organisations/{self.organisation.slug}"
        assert self.area is not None
        return f"/areas/{self.area.gss_code}"

    @property
    def feed_path(self) -> str:
        return self.path + "/feed.atom"


def target(db: Session, *, organisation: str = "", area: str = "") -> Target | None:
    """The listed organisation (by slug) or the area (by code) to follow, if it exists."""
    if organisation:
        found = organisations.by_slug(db, organisation)
        return Target(found, None) if found is not None and found.is_listed else None
    if area:
        place = db.get(Area, area.strip().upper())
        return Target(None, place) if place is not None else None
    return None


def target_of(db: Session, follower: Follower) -> Target | None:
    if follower.organisation_id is not None:
        organisation = db.get(Organisation, follower.organisation_id)
        return Target(organisation, None) if organisation is not None else None
    place = db.get(Area, follower.area_code) if follower.area_code else None
    return Target(None, place) if place is not None else None


def _described(follower: Follower) -> dict[str, object]:
    return {"email": follower.email, "organisation_id": follower.organisation_id,
            "area": follower.area_code}


def ask_to_follow(db: Session, settings: Settings, *, email: str,
                  wanted: Target) -> EmailMessage | None:
    """Record the wish and email a confirmation link; nothing if already following.

    The answer on screen is the same either way, so nobody learns who follows what.
    """
    organisation_id = wanted.organisation.id if wanted.organisation else None
    area_code = wanted.area.gss_code if wanted.area else None
    follower = repository.existing(db, email=email, organisation_id=organisation_id,
                                   area_code=area_code)
    if follower is not None and follower.confirmed_at is not None:
        return None
    if follower is None:
        follower = Follower(email=email, organisation_id=organisation_id, area_code=area_code)
        db.add(follower)
        db.flush()
        record(db, actor_id=None, action="follower.ask", subject=f"follower:{follower.id}",
               organisation_id=organisation_id, after=_described(follower))
    if not ratelimit.may_email(db, "follow_confirm", email):
        return None  # a few an hour at most: nobody can flood an inbox with these
    unsubscribe = unsubscribe_token(settings, Unsubscribe("follower", follower_id=follower.id or 0,
                                                          email=email))
    message = compose(settings, to=email, template="follow_confirm", context={
        "name": wanted.name, "page_path": wanted.path,
        "token": confirm_token(settings, follower.id or 0, email),
        "unsubscribe_path": f"/unsubscribe/{unsubscribe}"})
    message["List-Unsubscribe"] = f"<{settings.base_url.rstrip('/')}/unsubscribe/{unsubscribe}>"
    return message


def confirm(db: Session, follower: Follower) -> None:
    if follower.confirmed_at is not None:
        return
    follower.confirmed_at = now()
    db.add(follower)
    record(db, actor_id=None, action="follower.confirm", subject=f"follower:{follower.id}",
           organisation_id=follower.organisation_id, before={"confirmed": False},
           after={"confirmed": True})


def unfollow(db: Session, follower: Follower) -> None:
    """Forget the follow altogether: the address is not kept."""
    record(db, actor_id=None, action="follower.unsubscribe", subject=f"follower:{follower.id}",
           organisation_id=follower.organisation_id, before=_described(follower))
    db.delete(follower)


def reminder_opt_out(db: Session, *, user_id: int, organisation_id: int
                     ) -> ReminderOptOut | None:
    """The owner's request for no more reminders about the organisation, if they made one."""
    return db.exec(select(ReminderOptOut).where(
        ReminderOptOut.user_id == user_id,
        ReminderOptOut.organisation_id == organisation_id)).first()


def reminders_stopped(db: Session, *, user_id: int, organisation_id: int) -> bool:
    return reminder_opt_out(db, user_id=user_id, organisation_id=organisation_id) is not None


def stop_reminders(db: Session, *, user_id: int, organisation_id: int) -> None:
    if reminders_stopped(db, user_id=user_id, organisation_id=organisation_id):
        return
    db.add(ReminderOptOut(user_id=user_id, organisation_id=organisation_id))
    record(db, actor_id=user_id, action="reminders.unsubscribe", organisation_id=organisation_id,
           subject=f"user:{user_id}", before={"reminders": True}, after={"reminders": False})


def restart_reminders(db: Session, *, user_id: int, organisation_id: int) -> None:
    """The owner wants reminders about the organisation again (after unsubscribing)."""
    opt_out = reminder_opt_out(db, user_id=user_id, organisation_id=organisation_id)
    if opt_out is None:
        return
    db.delete(opt_out)
    record(db, actor_id=user_id, action="reminders.resubscribe",
           organisation_id=organisation_id, subject=f"user:{user_id}",
           before={"reminders": False}, after={"reminders": True})


# New publications ------------------------------------------------------------------------------

def _note_sent(db: Session, publication_id: int, email: str) -> bool:
    """Record that this address is told about this publication; False if it was already."""
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: an ORM insert on PostgreSQL reports rowcount -1.
    return db.execute(insert(FollowerNotice)
                      .values(publication_id=publication_id, email=email, sent_at=now())
                      .on_conflict_do_nothing(index_elements=["publication_id", "email"])
                      .returning(col(FollowerNotice.id))).first() is not None


def notices_for(db: Session, settings: Settings,
                publication: Publication) -> list[EmailMessage]:
    """An email to each confirmed follower of the organisation (or the organisation a view
    is about) or of their areas, once per address; to send after the transaction commits."""
    organisation = db.get(Organisation, publication.organisation_id)
    if publication.hidden_reason is not None or organisation is None \
            or not organisation.is_listed:
        return []
    about = db.get(Organisation, publication.about_organisation_id) \
        if publication.about_organisation_id else None
    involved = [organisation] + ([about] if about is not None and about.is_listed else [])
    area_codes = sorted({code for org in involved
                         for code in organisations.area_codes_of(db, org.id or 0)})
    followers = repository.confirmed_followers(
        db, organisation_ids=[org.id or 0 for org in involved], area_codes=area_codes,
        confirmed_by=publication.published_at)
    kind_label = publication_kind_label(publication.kind)
    messages: list[EmailMessage] = []
    for follower in {f.email: f for f in reversed(followers)}.values():
        if not _note_sent(db, publication.id or 0, follower.email):
            continue
        followed = target_of(db, follower)
        token = unsubscribe_token(settings, Unsubscribe("follower", follower_id=follower.id or 0,
                                                        email=follower.email))
        message = compose(settings, to=follower.email, template="new_publication", context={
            "organisation": organisation.name, "kind_label": kind_label,
            "about": about.name if about is not None and publication.kind == VIEW_KIND
            else None,
            "published_on": publication.published_on,
            "publication_path": f"/organisations/{organisation.slug}/publications/"
                                f"{publication.number}",
            "followed": followed.name if followed else organisation.name,
            "feed_path": followed.feed_path if followed else "/feed.atom",
            "unsubscribe_path": f"/unsubscribe/{token}"})
        message["List-Unsubscribe"] = f"<{settings.base_url.rstrip('/')}/unsubscribe/{token}>"
        messages.append(message)
    return messages


def send_recent_notices(engine: Engine, settings: Settings, *, days: int = 7) -> int:
    """Email followers about any publication of the last `days` they were not told about
    yet (a publication made where no notices are sent, or emails that could not be sent).
    Each publication is recorded and committed before its emails go."""
    sent = 0
    with _session(engine) as db:
        ids = [p.id for p in repository.publications_since(db, now() - timedelta(days=days))]
    for publication_id in ids:
        with _session(engine) as db:
            publication = db.get(Publication, publication_id)
            messages = notices_for(db, settings, publication) if publication else []
        for message in messages:
            send(settings, message)
            sent += 1
    return sent
