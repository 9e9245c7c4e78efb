"""The queries behind the public directory, areas, regions, map, home figures and API.

Only listed organisations (confirmed, public, not hidden, not merged) ever come out of here.
Commitment statuses are worked out in SQL by `status_rows()`, which follows the rules of
`app.organisations.status.commitment_status` (a test checks that the two agree), so pages
can filter and count by status without loading every organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Select,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal,
    select,
    union,
)
from sqlalchemy.engine import Row
from sqlalchemy.orm import aliased
from sqlmodel import Session, col
from sqlmodel import select as select_entity

from app.areas.models import Area, FormerAreaCode, Region
from app.db import one_of
from app.organisations import tallies
from app.organisations.models import (
    Commitment,
    Organisation,
    OrganisationArea,
    SignUpTally,
    TallyShare,
)
from app.organisations.status import HOLD_TO_ACCOUNT, CommitmentStatus, add_months
from app.publications.models import VIEW_KIND, Publication, PublicationKind

DEFAULT_DUE_DAYS = 90
PLAN_KINDS = (PublicationKind.plan.value, PublicationKind.correction.value)
WITHDRAWN = CommitmentStatus.withdrawn.value
Query = Select[*tuple[Any, ...]]
Result = Row[*tuple[Any, ...]]

# Columns, wrapped once for the type checker.
org_id = col(Organisation.id)
org_name = col(Organisation.name)
org_kind = col(Organisation.kind)
org_slug = col(Organisation.slug)
link_org = col(OrganisationArea.organisation_id)
link_area = col(OrganisationArea.area_code)
area_code = col(Area.gss_code)
area_columns = (col(Area.gss_code), col(Area.name), col(Area.kind), col(Area.region_code),
                col(Region.name))
pub_org = col(Publication.organisation_id)
pub_framework = col(Publication.framework_id)
pub_kind = col(Publication.kind)
pub_on = col(Publication.published_on)
c_id = col(Commitment.id)
c_org = col(Commitment.organisation_id)
c_framework = col(Commitment.framework_id)
c_signed = col(Commitment.signed_up_on)
c_withdrawn = col(Commitment.withdrawn_on)
c_kind = col(Commitment.kind)


def _rows(db: Session, statement: Query) -> Sequence[Result]:
    """Rows of a column query, in the request's transaction."""
    return db.connection().execute(statement).all()


def _scalar(db: Session, statement: Query) -> int:
    return int(db.connection().execute(statement).scalar_one())


def lapse_cutoff(today: date) -> date:
    """The latest date from which 12 months have passed by `today` (see add_months)."""
    day = add_months(today, -12) + timedelta(days=3)
    while add_months(day, 12) > today:
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class StatusRules:
    """What a status depends on besides the data: today, and each framework's due days."""

    today: date
    due_days: Mapping[str, int]


def status_rows(rules: StatusRules,
                among: Callable[[Any], ColumnElement[bool]] | None = None) -> Query:
    """Each organisation's latest commitment per framework, with its status today.

    Columns: commitment_id, organisation_id, framework_id, signed_up_on, withdrawn_on,
    status, commitment_kind. `among` narrows the rows and publications read: what an
    organisation id column must meet.
    """
    is_plan = pub_kind.in_(PLAN_KINDS)
    is_progress = pub_kind == PublicationKind.progress.value
    is_view = pub_kind == VIEW_KIND
    published: Query = select(
        pub_org.label("organisation_id"),
        pub_framework.label("framework_id"),
        func.max(case((is_plan, pub_on))).label("plan_on"),
        func.max(case((is_progress, pub_on))).label("progress_on"),
        func.max(case((is_view, pub_on))).label("view_on"),
        func.count(case((is_view, 1))).label("views"),
    ).group_by(pub_org, pub_framework)
    if among is not None:
        published = published.where(among(pub_org))
    dates = published.subquery("published_dates")
    # What counts, by the kind of commitment (app.organisations.status.counted_dates).
    holds = c_kind == HOLD_TO_ACCOUNT
    plan_on = case((holds, dates.c.view_on), else_=dates.c.plan_on)
    progress_on = case((holds, case((dates.c.views >= 2, dates.c.view_on))),
                       else_=dates.c.progress_on)
    last_published = case(
        (plan_on.is_(None), progress_on),
        (progress_on.is_(None), plan_on),
        (plan_on >= progress_on, plan_on),
        else_=progress_on,
    )
    today = rules.today
    due_cutoff: ColumnElement[Any] = literal(today - timedelta(days=DEFAULT_DUE_DAYS), Date)
    if rules.due_days:
        due_cutoff = case(
            {framework: literal(today - timedelta(days=days), Date)
             for framework, days in rules.due_days.items()},
            value=c_framework,
            else_=due_cutoff,
        )
    status = case(
        (and_(c_withdrawn.is_not(None), c_withdrawn <= literal(today, Date)),
         literal(CommitmentStatus.withdrawn.value)),
        (func.coalesce(last_published, c_signed) <= literal(lapse_cutoff(today), Date),
         literal(CommitmentStatus.lapsed.value)),
        (and_(plan_on.is_(None), c_signed < due_cutoff),
         literal(CommitmentStatus.plan_overdue.value)),
        (plan_on.is_(None), literal(CommitmentStatus.signed_up.value)),
        (progress_on.is_not(None), literal(CommitmentStatus.progress_reported.value)),
        else_=literal(CommitmentStatus.plan_published.value),
    )
    query = (
        select(c_id.label("commitment_id"), c_org.label("organisation_id"),
               c_framework.label("framework_id"), c_signed.label("signed_up_on"),
               c_withdrawn.label("withdrawn_on"), status.label("status"),
               c_kind.label("commitment_kind"))
        .outerjoin(dates, and_(dates.c.organisation_id == c_org,
                               dates.c.framework_id == c_framework))
        .where(_latest_commitment())
    )
    if among is not None:
        query = query.where(among(c_org))
    return query


def _latest_commitment() -> ColumnElement[bool]:
    """True for a commitment no later one (same organisation and framework) replaces."""
    later = aliased(Commitment)
    return ~exists().where(col(later.organisation_id) == c_org,
                           col(later.framework_id) == c_framework,
                           col(later.id) > c_id)


def _signed_up_ids(rules: StatusRules, framework: str = "") -> Query:
    """Ids of organisations with a commitment that is not withdrawn (to `framework`).

    Withdrawn is the one status that needs no publications (status_rows puts it first), so
    this skips the publication dates: it is counted over every organisation on busy pages.
    """
    withdrawn = and_(c_withdrawn.is_not(None), c_withdrawn <= literal(rules.today, Date))
    chosen = select(c_org).where(_latest_commitment(), ~withdrawn)
    if framework:
        chosen = chosen.where(c_framework == framework)
    return chosen


# The directory ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """The directory's filters, already checked (empty means "any")."""

    q: str = ""
    kind: str = ""
    areas: tuple[str, ...] = ()
    region: str = ""
    framework: str = ""
    status: str = ""
    sort: str = "name"
    located: bool = False
    # The organisations the search found for `q`, best first (app.search); None: no search.
    ids: tuple[int, ...] | None = None


def conditions(filters: Filters, rules: StatusRules) -> list[ColumnElement[bool]]:
    """What the filters ask of an organisation, besides the words of `q` (the search service
    finds those, and passes its finds back as `ids`)."""
    conditions = [Organisation.is_listed.expression]
    if filters.ids is not None:
        conditions.append(org_id.in_(filters.ids) if filters.ids else false())
    if filters.kind:
        conditions.append(org_kind == filters.kind)
    if filters.areas:
        conditions.append(org_id.in_(select(link_org).where(link_area.in_(filters.areas))))
    if filters.region:
        conditions.append(org_id.in_(
            select(link_org).join(Area, area_code == link_area)
            .where(col(Area.region_code) == filters.region)))
    if filters.status:
        statuses = status_rows(rules).subquery("statuses")
        chosen = select(statuses.c.organisation_id) \
            .where(statuses.c.status == filters.status)
        if filters.framework:
            chosen = chosen.where(statuses.c.framework_id == filters.framework)
        conditions.append(org_id.in_(chosen))
    elif filters.framework:
        conditions.append(org_id.in_(_signed_up_ids(rules, filters.framework)))
    if filters.located:
        conditions.append(and_(col(Organisation.latitude).is_not(None),
                               col(Organisation.longitude).is_not(None)))
    return conditions


def _order(filters: Filters) -> list[Any]:
    if filters.sort == "best" and filters.ids:
        return [case({found: rank for rank, found in enumerate(filters.ids)}, value=org_id)]
    if filters.sort == "newest":
        latest = select(func.max(c_signed)).where(c_org == org_id).scalar_subquery()
        return [case((latest.is_(None), 1), else_=0), latest.desc(),
                col(Organisation.created_at).desc(), org_id.desc()]
    return [func.lower(org_name), org_id]


def count_organisations(db: Session, filters: Filters, rules: StatusRules) -> int:
    """How many match: from the tallies when they hold the answer (no search, status,
    region or location filter; one area at most), else counted."""
    if filters.ids is None and not (filters.status or filters.region or filters.located) \
            and len(filters.areas) <= 1:
        by_kind = tally_by_kind(db, area=filters.areas[0] if filters.areas else tallies.ENGLAND,
                                framework=filters.framework or tallies.LISTED)
        return by_kind.get(filters.kind, 0) if filters.kind else sum(by_kind.values())
    return _scalar(db, select(func.count()).select_from(Organisation)
                   .where(*conditions(filters, rules)))


def find_organisations(db: Session, filters: Filters, rules: StatusRules, *,
                       offset: int = 0, limit: int | None = None) -> Sequence[Organisation]:
    query = select_entity(Organisation).where(*conditions(filters, rules)) \
        .order_by(*_order(filters)).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return db.exec(query).all()


def listed_organisations(db: Session, ids: Sequence[int]) -> Sequence[Organisation]:
    """The listed organisations among these ids, in the ids' order (a page of search hits,
    which met the filters already)."""
    if not ids:
        return []
    found = {organisation.id: organisation for organisation in db.exec(
        select_entity(Organisation).where(Organisation.is_listed.expression,
                                          one_of(db.get_bind().dialect.name, org_id, ids)))}
    return [found[organisation_id] for organisation_id in ids if organisation_id in found]


@dataclass(frozen=True)
class StatusRow:
    organisation_id: int
    framework_id: str
    signed_up_on: date
    withdrawn_on: date | None
    status: CommitmentStatus
    commitment_kind: str = ""


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@lru_cache(maxsize=8)
def _statuses_of(dialect: str, today: date, due_days: tuple[tuple[str, int], ...]) -> Query:
    """statuses_of's statement, built once a day in each process (building it takes longer
    than running it), for any ids."""
    # The ids themselves, not a select of them from organisation: no join to read them.
    return status_rows(StatusRules(today, dict(due_days)),
                       lambda column: one_of(dialect, column, key="ids")) \
        .order_by(c_org, c_framework)


def statuses_of(db: Session, organisation_ids: Sequence[int],
                rules: StatusRules) -> dict[int, list[StatusRow]]:
    """The latest commitment per framework of each organisation, with its status."""
    if not organisation_ids:
        return {}
    statement = _statuses_of(db.get_bind().dialect.name, rules.today,
                             tuple(sorted(rules.due_days.items())))
    rows = db.connection().execute(statement, {"ids": list(organisation_ids)}).all()
    found: dict[int, list[StatusRow]] = {}
    for row in rows:
        found.setdefault(row.organisation_id, []).append(StatusRow(
            row.organisation_id, row.framework_id, _as_date(row.signed_up_on),
            _as_date(row.withdrawn_on) if row.withdrawn_on is not None else None,
            CommitmentStatus(row.status), row.commitment_kind))
    return found


def areas_of(db: Session, organisation_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """(code, name) of the areas each organisation works in, by name."""
    if not organisation_ids:
        return {}
    rows = _rows(db, select(link_org, area_code, col(Area.name))
                 .join(Area, area_code == link_area)
                 .where(one_of(db.get_bind().dialect.name, link_org, organisation_ids))
                 .order_by(col(Area.name)))
    found: dict[int, list[tuple[str, str]]] = {}
    for organisation_id, code, name in rows:
        found.setdefault(organisation_id, []).append((code, name))
    return found


@dataclass(frozen=True)
class PublicationRow:
    organisation_id: int
    slug: str
    organisation_name: str
    number: int
    kind: str
    framework_id: str
    published_on: date


def _publication_query() -> Query:
    return (select(pub_org, org_slug, org_name, col(Publication.number), pub_kind,
                   pub_framework, pub_on)
            .join(Organisation, org_id == pub_org)
            .where(col(Publication.hidden_reason).is_(None)))


def _publication(row: Result) -> PublicationRow:
    return PublicationRow(row[0], row[1], row[2], row[3], row[4], row[5], _as_date(row[6]))


def publications_of(db: Session, organisation_ids: Sequence[int]) -> list[PublicationRow]:
    """Publications that are not hidden, newest first."""
    if not organisation_ids:
        return []
    rows = _rows(db, _publication_query()
                 .where(one_of(db.get_bind().dialect.name, pub_org, organisation_ids))
                 .order_by(pub_on.desc(), col(Publication.number).desc()))
    return [_publication(row) for row in rows]


def latest_publications(db: Session, limit: int) -> list[PublicationRow]:
    """The newest publications of listed organisations (not hidden)."""
    rows = _rows(db, _publication_query().where(Organisation.is_listed)
                 .order_by(col(Publication.published_at).desc(), col(Publication.id).desc())
                 .limit(limit))
    return [_publication(row) for row in rows]


# Areas and regions ---------------------------------------------------------------------------

@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    kind: str
    region_code: str
    region_name: str


def _areas() -> Query:
    return select(*area_columns).join(Region, col(Region.code) == col(Area.region_code))


def all_areas(db: Session) -> list[AreaRow]:
    rows = _rows(db, _areas().order_by(col(Region.code), col(Area.name)))
    return [AreaRow(*row) for row in rows]


def area(db: Session, code: str) -> AreaRow | None:
    rows = _rows(db, _areas().where(area_code == code))
    return AreaRow(*rows[0]) if rows else None


def successors(db: Session, former_code: str) -> list[AreaRow]:
    """The current areas a retired code became (one; two for Cumbria and
    Northamptonshire)."""
    rows = _rows(db, _areas().join(FormerAreaCode,
                                   col(FormerAreaCode.area_code) == area_code)
                 .where(col(FormerAreaCode.former_code) == former_code)
                 .order_by(col(Area.name)))
    return [AreaRow(*row) for row in rows]


def former_codes(db: Session) -> dict[str, list[str]]:
    rows = _rows(db, select(col(FormerAreaCode.area_code), col(FormerAreaCode.former_code))
                 .order_by(col(FormerAreaCode.former_code)))
    found: dict[str, list[str]] = {}
    for current, former in rows:
        found.setdefault(current, []).append(former)
    return found


def regions(db: Session) -> Sequence[Region]:
    return db.exec(select_entity(Region).order_by(col(Region.code))).all()


def area_counts_by_region(db: Session) -> dict[str, int]:
    rows = _rows(db, select(col(Area.region_code), func.count())
                 .group_by(col(Area.region_code)))
    return {code: count for code, count in rows}


def region(db: Session, code: str) -> Region | None:
    return db.get(Region, code)


tally = SignUpTally.__table__  # type: ignore[attr-defined]
share = TallyShare.__table__  # type: ignore[attr-defined]


def signed_up_counts(db: Session, *, framework: str = "", kind: str = "",
                     region: str = "") -> dict[str, int]:
    """Per area (of `region`, or every area): listed organisations (of `kind`) signed up to
    `framework` (any, when empty) and not withdrawn, from the tallies (one small query)."""
    query = (select(tally.c.area_code, func.sum(tally.c.total))
             .where(tally.c.framework_id == framework, tally.c.area_code != tallies.ENGLAND)
             .group_by(tally.c.area_code))
    if kind:
        query = query.where(tally.c.kind == kind)
    if region:
        query = query.where(tally.c.area_code.in_(
            select(area_code).where(col(Area.region_code) == region)))
    return _counts(db, query)


def tally_by_kind(db: Session, *, area: str = tallies.ENGLAND,
                  framework: str = tallies.ANY_FRAMEWORK) -> dict[str, int]:
    """Listed organisations by kind, in `area` (or England), signed up to `framework` (any
    when empty; every listed organisation with "*"), from the tallies."""
    return _counts(db, select(tally.c.kind, tally.c.total)
                   .where(tally.c.area_code == area, tally.c.framework_id == framework,
                          tally.c.total > 0))


@dataclass(frozen=True)
class NamedRow:
    """An organisation's id, address, name and kind."""

    id: int
    slug: str
    name: str
    kind: str


def shown_in_area(db: Session, code: str, per_kind: int) -> list[NamedRow]:
    """What an area page lists, by name: the listed councils working in the area, and the
    listed organisations signed up there, at most `per_kind` of each kind."""
    return [NamedRow(*row) for row in db.connection().execute(
        _shown_in_area(), {"area_code": code, "per_kind": per_kind})]


@lru_cache(maxsize=1)
def _shown_in_area() -> Query:
    """shown_in_area's statement, built once per process; the area and the number are
    parameters."""
    code: BindParameter[str] = bindparam("area_code")
    signed = select(share.c.organisation_id).where(
        share.c.area_code == code, share.c.framework_id == tallies.ANY_FRAMEWORK)
    place = func.row_number().over(partition_by=org_kind,
                                   order_by=(func.lower(org_name), org_id)).label("place")
    ranked = select(org_id.label("id"), place).where(org_id.in_(signed)).subquery("ranked")
    councils = select(org_id).join(OrganisationArea, link_org == org_id) \
        .where(link_area == code, org_kind == "council", Organisation.is_listed)
    # One IN over a union of ids (not an OR of two), so the ids are looked up by key.
    chosen = union(select(ranked.c.id).where(ranked.c.place <= bindparam("per_kind")),
                   councils)
    return select(org_id, org_slug, org_name, org_kind).where(org_id.in_(chosen)) \
        .order_by(func.lower(org_name), org_id)


def area_tallies(db: Session, code: str) -> dict[tuple[str, str], int]:
    """(framework, kind) → listed organisations in the area: "*" every one, "" those
    signed up to any framework."""
    return {(framework, kind): int(total) for framework, kind, total in _rows(
        db, select(tally.c.framework_id, tally.c.kind, tally.c.total)
        .where(tally.c.area_code == code,
               tally.c.framework_id.in_([tallies.LISTED, tallies.ANY_FRAMEWORK])))}


def _counts(db: Session, query: Query) -> dict[str, int]:
    return {code: int(number) for code, number in _rows(db, query)}


@dataclass(frozen=True)
class CouncilRow:
    area_code: str
    organisation_id: int
    slug: str
    name: str
    framework_id: str
    status: CommitmentStatus


def council_statuses(db: Session, rules: StatusRules, *, framework: str = "",
                     region: str = "") -> list[CouncilRow]:
    """Listed councils' latest commitments with their status, by area (of `region` only, if
    given). Within an area, commitments that are not withdrawn come first, then the earliest
    sign-up."""
    statement = _council_statuses(rules.today, tuple(sorted(rules.due_days.items())),
                                  bool(framework), bool(region))
    rows = db.connection().execute(statement, {"framework": framework, "region": region})
    return [CouncilRow(row[0], row[1], row[2], row[3], row[4], CommitmentStatus(row[5]))
            for row in rows]


@lru_cache(maxsize=16)
def _council_statuses(today: date, due_days: tuple[tuple[str, int], ...], framework: bool,
                      region: bool) -> Query:
    """council_statuses' statement, built once a day in each process (building it took
    longer than running it); the framework and region are parameters."""
    # Every listed council's statuses, even for a region: narrowing them to the region's
    # councils, or saying again that they are listed councils, leads PostgreSQL to a plan
    # twice as slow (London's query 8 ms to 5 ms at 30 000 organisations).
    councils = select(org_id).where(Organisation.is_listed, org_kind == "council")
    statuses = status_rows(StatusRules(today, dict(due_days)),
                           lambda column: column.in_(councils)).subquery("statuses")
    query = (select(link_area, org_id, org_slug, org_name, statuses.c.framework_id,
                    statuses.c.status)
             .join(Organisation, org_id == link_org)
             .join(statuses, statuses.c.organisation_id == org_id)
             .order_by(link_area, case((statuses.c.status == WITHDRAWN, 1), else_=0),
                       statuses.c.signed_up_on, org_id))
    if framework:
        query = query.where(statuses.c.framework_id == bindparam("framework"))
    if region:
        query = query.where(link_area.in_(
            select(area_code).where(col(Area.region_code) == bindparam("region"))))
    return query


# Home page figures ---------------------------------------------------------------------------

def councils_with_a_plan(db: Session) -> int:
    """Listed councils that have published an action plan (to any framework)."""
    has_plan = exists().where(pub_org == org_id, pub_kind.in_(PLAN_KINDS))
    return _scalar(db, select(func.count()).select_from(Organisation)
                   .where(Organisation.is_listed, org_kind == "council", has_plan))
