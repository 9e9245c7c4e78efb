"""Rules about organisations: creating, signing up, duplicates, members."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session

from app.audit.service import record
from app.organisations import repository
from app.organisations.models import Commitment, Membership, Organisation, OrganisationArea, Role


class RuleBroken(Exception):
    """A change that the rules do not allow; the message says why, in plain words."""


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:80].strip("-") or "organisation"


def unique_slug(db: Session, name: str) -> str:
    base = slugify(name)
    slug, number = base, 2
    while repository.slug_taken(db, slug):
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_organisation(db: Session, *, actor_id: int, name: str, kind: str,
                        area_codes: Sequence[str], website: str, description: str,
                        possible_duplicate_of_id: int | None = None) -> Organisation:
    """A new organisation with the actor as its first owner (not public until confirmed)."""
    organisation = Organisation(slug=unique_slug(db, name), name=name, kind=kind,
                                website=website, description=description,
                                possible_duplicate_of_id=possible_duplicate_of_id)
    db.add(organisation)
    db.flush()
    assert organisation.id is not None
    for code in dict.fromkeys(area_codes):
        db.add(OrganisationArea(organisation_id=organisation.id, area_code=code))
    db.add(Membership(user_id=actor_id, organisation_id=organisation.id, role=Role.owner))
    record(db, actor_id=actor_id, action="organisation.create", organisation_id=organisation.id,
           subject=f"organisation:{organisation.id}",
           after={"name": name, "kind": kind, "areas": list(area_codes), "website": website,
                  "possible_duplicate_of": possible_duplicate_of_id})
    return organisation


def sign_up(db: Session, *, actor_id: int, organisation: Organisation, framework_id: str,
            statement: str, on: date) -> Commitment:
    """Sign the organisation up to a framework (again, if it withdrew before)."""
    assert organisation.id is not None
    current = [c for c in repository.commitments_of(db, organisation.id)
               if c.framework_id == framework_id and c.withdrawn_on is None]
    if current:
        raise RuleBroken("Your organisation is already signed up to this framework.")
    commitment = Commitment(organisation_id=organisation.id, framework_id=framework_id,
                            statement=statement, signed_up_on=on, created_by_id=actor_id)
    db.add(commitment)
    db.flush()
    record(db, actor_id=actor_id, action="commitment.sign_up", organisation_id=organisation.id,
           subject=f"commitment:{commitment.id}",
           after={"framework": framework_id, "statement": statement, "signed_up_on": str(on)})
    return commitment


def withdraw(db: Session, *, actor_id: int, commitment: Commitment, reason: str,
             on: date) -> None:
    if commitment.withdrawn_on is not None:
        raise RuleBroken("Your organisation has already withdrawn from this framework.")
    commitment.withdrawn_on, commitment.withdrawal_reason = on, reason
    db.add(commitment)
    record(db, actor_id=actor_id, action="commitment.withdraw",
           organisation_id=commitment.organisation_id, subject=f"commitment:{commitment.id}",
           before={"withdrawn_on": None}, after={"withdrawn_on": str(on), "reason": reason})
