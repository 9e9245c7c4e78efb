"""What a change to organisations alters in public, said in one place.

Every flush that inserts, changes or deletes an organisation, one of its areas or one of its
commitments moves the sign-up tallies (app.organisations.tallies) and tells the public cache
which organisations changed and which areas they left (`app.caching.bump_public_version`,
which decides the pages). Services, the admin's merge, imports and tests' factories all go
through it, so none of them has to remember.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, UOWTransaction
from sqlmodel import col

from app.areas.models import Area
from app.caching import Whereabouts, bump_public_version, locate_organisations_with
from app.organisations import tallies
from app.organisations.models import Commitment, Organisation, OrganisationArea


@locate_organisations_with
def whereabouts(db: Session, organisation_ids: Sequence[int],
                left: Sequence[str]) -> Whereabouts:
    """Their slugs, their areas and the areas they left, and those areas' regions (read
    through the connection: it may run during a flush)."""
    connection = db.connection()
    slugs = connection.execute(select(col(Organisation.slug))
                               .where(col(Organisation.id).in_(organisation_ids))).scalars()
    in_areas = select(col(Area.gss_code), col(Area.region_code)).where(
        col(Area.gss_code).in_(select(col(OrganisationArea.area_code))
                               .where(col(OrganisationArea.organisation_id)
                                      .in_(organisation_ids)))
        | col(Area.gss_code).in_(left))
    areas = connection.execute(in_areas).all()
    return Whereabouts(slugs=frozenset(slugs), area_codes=frozenset(a for a, _r in areas),
                       region_codes=frozenset(r for _a, r in areas))


def changed_organisations(session: Session) -> set[int]:
    """Organisations whose own row, areas or commitments this flush writes (a commitment
    moved by a merge: its former organisation too)."""
    ids: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Organisation) and instance.id is not None:
            ids.add(instance.id)
        elif isinstance(instance, OrganisationArea | Commitment):
            ids.add(instance.organisation_id)
            ids.update(owner for owner in inspect(instance).attrs.organisation_id
                       .history.deleted if isinstance(owner, int))
    return ids


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    ids = changed_organisations(session)
    if ids:
        counted_in = tallies.refresh(session.connection(), ids)
        bump_public_version(session, ids, area_codes=counted_in, flushing=True)
