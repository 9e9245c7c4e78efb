"""The co-production record: who took part in an assessment, how, and what they said.

Saved like a rating: only if nobody saved since the form was loaded, so that two people
editing at once never overwrite each other's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from app.assessments import repository
from app.assessments.models import CoProduction
from app.audit.service import record
from app.clock import now
from app.db import save_if_version
from app.errors import Stale


@dataclass(frozen=True)
class CoProductionChange:
    people_using_support: int
    family_carers: int
    staff: int
    partner_organisations: int
    methods: list[str]
    other_method: str
    what_people_said: str

    def as_dict(self) -> dict[str, Any]:
        return {"people_using_support": self.people_using_support,
                "family_carers": self.family_carers, "staff": self.staff,
                "partner_organisations": self.partner_organisations,
                "methods": list(self.methods),
                "other_method": self.other_method if "other" in self.methods else "",
                "what_people_said": self.what_people_said}


def values_of(record_: CoProduction | None) -> dict[str, Any]:
    """A record's values as the form shows them (an empty form when there is none yet)."""
    if record_ is None:
        return {"people_using_support": 0, "family_carers": 0, "staff": 0,
                "partner_organisations": 0, "methods": [], "other_method": "",
                "what_people_said": "", "version": 0}
    return {"people_using_support": record_.people_using_support,
            "family_carers": record_.family_carers, "staff": record_.staff,
            "partner_organisations": record_.partner_organisations,
            "methods": list(record_.methods), "other_method": record_.other_method,
            "what_people_said": record_.what_people_said, "version": record_.version}


PEOPLE = ("people_using_support", "family_carers", "staff", "partner_organisations")


def form_values_of(record_: CoProduction | None) -> dict[str, Any]:
    """The values the form starts with: a count of nobody is an empty box, as its hint says
    (never a "0" typed for the person)."""
    values = values_of(record_)
    return {**values, **{field: values[field] or None for field in PEOPLE}}


def save_co_production(db: Session, *, actor_id: int, organisation_id: int,
                       assessment_id: int, seen_version: int,
                       change: CoProductionChange) -> CoProduction:
    """Create the record on first save, else update it only if it is still `seen_version`.

    `seen_version` 0 means the person saw no record. Raises Stale with theirs otherwise.
    """
    values = change.as_dict()
    current = repository.co_production_of(db, assessment_id)
    if current is None:
        created = _create(db, assessment_id=assessment_id, actor_id=actor_id, values=values)
        if created is None:  # someone else created it at the same moment
            theirs = repository.co_production_of(db, assessment_id)
            assert theirs is not None
            raise Stale(theirs)
        record(db, actor_id=actor_id, action="co_production.save",
               organisation_id=organisation_id, subject=f"co_production:{created.id}",
               before=None, after={**values, "version": created.version})
        return created
    if seen_version != current.version:
        raise Stale(current)
    before = values_of(current)
    if not save_if_version(db, current, seen_version,
                           {**values, "updated_by_id": actor_id, "updated_at": now()}):
        raise Stale(current)
    record(db, actor_id=actor_id, action="co_production.save",
           organisation_id=organisation_id, subject=f"co_production:{current.id}",
           before=before, after={**values, "version": current.version})
    return current


def _create(db: Session, *, assessment_id: int, actor_id: int,
            values: dict[str, Any]) -> CoProduction | None:
    """Insert the first record, or nothing if one appeared meanwhile (either engine)."""
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    created_id = db.execute(
        insert(CoProduction)
        .values(assessment_id=assessment_id, **values, version=1, updated_by_id=actor_id,
                updated_at=now())
        .on_conflict_do_nothing(index_elements=["assessment_id"])
        .returning(col(CoProduction.id))).scalar_one_or_none()
    return db.get(CoProduction, created_id) if created_id is not None else None


def co_production_complete(record_: CoProduction | None) -> bool:
    """Enough to publish: people who use support or family carers took part, we say how,
    and we give some of their words about the process."""
    return missing(record_) == []


def missing(record_: CoProduction | None) -> list[str]:
    """What the record still needs before it is complete, in plain words."""
    if record_ is None:
        return ["how many people who use support or family carers took part",
                "how they took part", "what people said about the process"]
    needs = []
    if record_.people_using_support + record_.family_carers < 1:
        needs.append("how many people who use support or family carers took part")
    if not record_.methods:
        needs.append("how they took part")
    if not record_.what_people_said.strip():
        needs.append("what people said about the process")
    return needs
