"""Sign-up tallies per area and for England, kept in the same transaction as each change.

The public pages (home, /areas, /map, area and region pages, the directory's totals) show
how many listed organisations, of each kind, work in each area and have signed up: counting
that over 30 000 organisations on every page missing the cache was their main cost. Instead
`signup_tally` holds the counts and `tally_share` what each organisation adds to them.

Whenever a flush inserts, changes or deletes an organisation, one of its areas or one of its
commitments (through a service, the admin's merge, an import or a test's factory), the
session's `after_flush` hook (app.organisations.changes) calls `refresh()`: it works out
those organisations' shares again, takes the old shares away and adds the new ones, in the
same transaction. Bulk inserts that bypass the
ORM (the demo data, a restore) call `rebuild()` afterwards.

A withdrawal counts from the moment it is recorded (withdrawals are dated the day they are
made), so the tallies do not move with the calendar.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlmodel import col

from app.organisations.models import (
    Commitment,
    Organisation,
    OrganisationArea,
    SignUpTally,
    TallyShare,
)

ENGLAND = ""
ANY_FRAMEWORK = ""
LISTED = "*"
Key = tuple[str, str, str]  # area code, framework, kind

org_id = col(Organisation.id)
c_org = col(Commitment.organisation_id)
c_framework = col(Commitment.framework_id)
c_id = col(Commitment.id)
share_columns = ("organisation_id", "area_code", "framework_id", "kind")


def listed_condition() -> Any:
    """Confirmed, public, not hidden, not merged away (as Organisation.is_listed)."""
    return (col(Organisation.confirmed).is_(True) & col(Organisation.public).is_(True)
            & col(Organisation.hidden_reason).is_(None)
            & col(Organisation.merged_into_id).is_(None))


def shares(organisation_ids: Iterable[int] | None = None) -> Select[*tuple[Any, ...]]:
    """Every share, worked out from the organisations' own rows: for each listed
    organisation, England and each of its areas, by "*" (listed), "" (signed up to any
    framework) and each framework it is signed up to (its latest commitment not withdrawn).
    Six plain joins of the tables (each can use their keys), not a join of derived tables,
    whose sizes the planner cannot guess."""
    ids = None if organisation_ids is None else list(organisation_ids)
    kind = col(Organisation.kind)
    later = aliased(Commitment)
    signed: Select[*tuple[Any, ...]] = (
        select(c_org.label("id"), c_framework.label("framework_id"))
        .where(col(Commitment.withdrawn_on).is_(None),
               ~exists().where(col(later.organisation_id) == c_org,
                               col(later.framework_id) == c_framework,
                               col(later.id) > c_id)))
    if ids is not None:
        signed = signed.where(c_org.in_(ids))
    signed_to = signed.subquery("signed_to")
    signed_any = select(signed_to.c.id).distinct().subquery("signed_any")
    link_org = col(OrganisationArea.organisation_id)
    link_area = col(OrganisationArea.area_code)

    def listed(query: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
        query = query.where(listed_condition())
        return query if ids is None else query.where(org_id.in_(ids))

    england, every, anything = (literal(ENGLAND), literal(LISTED), literal(ANY_FRAMEWORK))
    return union_all(
        listed(select(org_id.label("organisation_id"), england.label("area_code"),
                      every.label("framework_id"), kind.label("kind"))),
        listed(select(org_id, england, anything, kind)
               .join(signed_any, signed_any.c.id == org_id)),
        listed(select(org_id, england, signed_to.c.framework_id, kind)
               .join(signed_to, signed_to.c.id == org_id)),
        listed(select(org_id, link_area, every, kind).join(OrganisationArea, link_org == org_id)),
        listed(select(org_id, link_area, anything, kind)
               .join(OrganisationArea, link_org == org_id)
               .join(signed_any, signed_any.c.id == org_id)),
        listed(select(org_id, link_area, signed_to.c.framework_id, kind)
               .join(OrganisationArea, link_org == org_id)
               .join(signed_to, signed_to.c.id == org_id)),
    ).subquery("shares").select()


def _upsert(connection: Connection) -> Any:
    return postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert


def refresh(connection: Connection, organisation_ids: Iterable[int]) -> set[str]:
    """Work out these organisations' shares again and move the tallies by the difference.
    Returns the areas they were or are counted in (their pages show the tallies)."""
    ids = sorted(set(organisation_ids))
    if not ids:
        return set()
    if connection.dialect.name == "postgresql":
        # Two transactions changing one organisation at once must not both take away its
        # old share: the second waits here for the first.
        connection.execute(select(org_id).where(org_id.in_(ids)).order_by(org_id)
                           .with_for_update())
    share = TallyShare.__table__  # type: ignore[attr-defined]
    keys = (share.c.area_code, share.c.framework_id, share.c.kind)
    old = Counter({(a, f, k): -int(n) for a, f, k, n in connection.execute(
        select(*keys, func.count()).where(share.c.organisation_id.in_(ids))
        .group_by(*keys))})
    connection.execute(delete(share).where(share.c.organisation_id.in_(ids)))
    connection.execute(insert(share).from_select(share_columns, shares(ids)))
    new = Counter({(a, f, k): int(n) for a, f, k, n in connection.execute(
        select(*keys, func.count()).where(share.c.organisation_id.in_(ids))
        .group_by(*keys))})
    changes = {key: new.get(key, 0) + old.get(key, 0) for key in set(new) | set(old)}
    _move(connection, {key: delta for key, delta in changes.items() if delta})
    return {area for area, _f, _k in changes if area != ENGLAND}


def _move(connection: Connection, changes: dict[Key, int]) -> None:
    if not changes:
        return
    table = SignUpTally.__table__  # type: ignore[attr-defined]
    statement = _upsert(connection)(table).values(
        [{"area_code": a, "framework_id": f, "kind": k, "total": delta}
         for (a, f, k), delta in sorted(changes.items())])  # one lock order
    connection.execute(statement.on_conflict_do_update(
        index_elements=["area_code", "framework_id", "kind"],
        set_={"total": table.c.total + statement.excluded.total}))


def rebuild(connection: Connection) -> None:
    """Count every tally from scratch (after bulk inserts that bypass the ORM)."""
    share = TallyShare.__table__  # type: ignore[attr-defined]
    tally = SignUpTally.__table__  # type: ignore[attr-defined]
    connection.execute(delete(share))
    connection.execute(delete(tally))
    connection.execute(insert(share).from_select(share_columns, shares()))
    keys = (share.c.area_code, share.c.framework_id, share.c.kind)
    connection.execute(insert(tally).from_select(
        ("area_code", "framework_id", "kind", "total"),
        select(*keys, func.count()).group_by(*keys)))


def recount(connection: Connection) -> dict[Key, int]:
    """Every tally counted afresh, without the tables (to check them against)."""
    found = shares().subquery("found")
    keys = (found.c.area_code, found.c.framework_id, found.c.kind)
    return {(a, f, k): int(n) for a, f, k, n in connection.execute(
        select(*keys, func.count()).group_by(*keys))}


def stored(connection: Connection) -> dict[Key, int]:
    """The tallies as kept (without the zeros)."""
    table = SignUpTally.__table__  # type: ignore[attr-defined]
    return {(a, f, k): int(n) for a, f, k, n in connection.execute(
        select(table.c.area_code, table.c.framework_id, table.c.kind, table.c.total)
        .where(table.c.total != 0))}
