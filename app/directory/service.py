"""The public side's rules: directory filters, what an area or region shows, the map's data,
the home page figures. Pages and the API both build on these.

Nothing here ranks organisations by their own scores: lists are by name or by sign-up date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from markupsafe import Markup, escape
from sqlmodel import Session

from app.areas.models import Region
from app.audit.service import record
from app.caching import bump_public_version, tallied
from app.db import Page, page_count
from app.directory import repository
from app.directory.repository import AreaRow, Filters, PublicationRow, StatusRules
from app.frameworks import FrameworkCatalogue
from app.organisations import tallies
from app.organisations.models import (
    KIND_LABELS,
    Organisation,
    OrganisationKind,
    organisation_kind_label,
)
from app.organisations.repository import listed_by_slug
from app.organisations.status import STATUS_LABELS, CommitmentStatus, status_label
from app.publications.models import PublicationKind
from app.search import service as search_service
from app.search.service import Hit

PER_PAGE = 20
MAX_PER_PAGE = 100
SORTS = {"best": "Best match first (when searching)", "name": "Name (A to Z)",
         "newest": "Newest sign-up first"}
# A search shows at most this many organisations: enough to find the one meant.
MAX_MATCHES = 200
KINDS = {kind.value: label for kind, label in KIND_LABELS.items()}
STATUSES = {status.value: label for status, label in STATUS_LABELS.items()}
NOT_SIGNED_UP = "not_signed_up"


def rules_for(catalogue: FrameworkCatalogue, today: date) -> StatusRules:
    return StatusRules(today=today,
                       due_days={framework.id: framework.plan_due_days
                                 for framework in catalogue})


def default_sort(q: str) -> str:
    return "best" if q else "name"


# Filters ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FilterChoice:
    """The filters as asked for, with anything unknown dropped, and the SQL filters."""

    q: str = ""
    kind: str = ""
    area: str = ""
    region: str = ""
    framework: str = ""
    status: str = ""
    sort: str = "name"
    filters: Filters = field(default_factory=Filters)

    @property
    def active(self) -> bool:
        return any((self.q, self.kind, self.area, self.region, self.framework, self.status))

    def query_items(self) -> dict[str, str]:
        """The filters as query parameters (only those set)."""
        items = {"q": self.q, "kind": self.kind, "area": self.area, "region": self.region,
                 "framework": self.framework, "status": self.status}
        if self.sort != default_sort(self.q):
            items["sort"] = self.sort
        return {key: value for key, value in items.items() if value}


def all_areas(db: Session) -> Sequence[AreaRow]:
    """Every council area with its region, for the directory's filters: read once per
    version of the lists in each worker (app.caching.tallied), as areas never change with
    the organisations."""
    return tallied(("all_areas",), lambda: tuple(repository.all_areas(db)))


def choose_filters(db: Session, catalogue: FrameworkCatalogue, values: Mapping[str, str],
                   *, areas: Sequence[AreaRow] | None = None,
                   located: bool = False) -> FilterChoice:
    """Keep the filters that make sense; an area may be given by a former code."""
    q = " ".join(values.get("q", "").split())[:200]
    kind = values.get("kind", "").strip()
    kind = kind if kind in KINDS else ""
    framework = values.get("framework", "").strip()
    framework = framework if catalogue.get(framework) is not None else ""
    status = values.get("status", "").strip()
    status = status if status in STATUSES else ""
    sort = values.get("sort", "").strip()
    sort = sort if sort in SORTS and (q or sort != "best") else default_sort(q)
    region = values.get("region", "").strip().upper()
    area = values.get("area", "").strip().upper()
    codes: tuple[str, ...] = ()
    if area:
        current = area in {row.code for row in areas} if areas is not None \
            else repository.area(db, area) is not None
        codes = (area,) if current \
            else tuple(row.code for row in repository.successors(db, area))
        if not codes:
            area = ""
    if region:
        known = region in {row.region_code for row in areas} if areas is not None \
            else repository.region(db, region) is not None
        if not known:
            region = ""
    filters = Filters(q=q, kind=kind, areas=codes, region=region, framework=framework,
                      status=status, sort=sort, located=located)
    return FilterChoice(q=q, kind=kind, area=area, region=region, framework=framework,
                        status=status, sort=sort, filters=filters)


# Organisations ------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatusView:
    framework_id: str
    framework_title: str
    status: CommitmentStatus
    label: str
    signed_up_on: date
    withdrawn_on: date | None


@dataclass(frozen=True)
class OrganisationCard:
    """What the public may see of one listed organisation."""

    id: int
    slug: str
    name: str
    kind: str
    kind_label: str
    description: str
    website: str
    org_ids: list[str]
    verified: bool
    latitude: float | None
    longitude: float | None
    areas: list[tuple[str, str]]
    statuses: list[StatusView]

    @property
    def signed_up(self) -> bool:
        return any(view.status != CommitmentStatus.withdrawn for view in self.statuses)


def status_views(db: Session, organisation_ids: Sequence[int], rules: StatusRules,
                 catalogue: FrameworkCatalogue) -> dict[int, list[StatusView]]:
    """Each organisation's statuses, framework by framework in the catalogue's order (one
    query)."""
    titles = {framework.id: framework.title for framework in catalogue}
    order = {framework_id: index for index, framework_id in enumerate(titles)}
    return {organisation_id: sorted(
        (StatusView(row.framework_id, titles.get(row.framework_id, row.framework_id),
                    row.status, status_label(row.status, row.commitment_kind),
                    row.signed_up_on, row.withdrawn_on) for row in rows),
        key=lambda view: order.get(view.framework_id, len(order)))
        for organisation_id, rows in repository.statuses_of(db, organisation_ids,
                                                            rules).items()}


def cards(db: Session, organisations: Sequence[Organisation], rules: StatusRules,
          catalogue: FrameworkCatalogue) -> list[OrganisationCard]:
    """Cards for these organisations, in the same order, in two queries."""
    ids = [organisation.id for organisation in organisations if organisation.id is not None]
    statuses = status_views(db, ids, rules, catalogue)
    areas = repository.areas_of(db, ids)
    found = []
    for organisation in organisations:
        assert organisation.id is not None
        found.append(OrganisationCard(
            id=organisation.id, slug=organisation.slug, name=organisation.name,
            kind=organisation.kind, kind_label=organisation_kind_label(organisation.kind),
            description=organisation.description, website=organisation.website,
            org_ids=organisation.org_ids.split(), verified=organisation.verified,
            latitude=organisation.latitude, longitude=organisation.longitude,
            areas=areas.get(organisation.id, []), statuses=statuses.get(organisation.id, [])))
    return found


@dataclass(frozen=True)
class ResultPage(Page[OrganisationCard]):
    hits: dict[int, Hit] = field(default_factory=dict)  # what the search found, by id

    @property
    def cards(self) -> list[OrganisationCard]:
        return self.items

    def name_of(self, card: OrganisationCard) -> Markup:
        """The card's name, escaped, with the words searched for marked."""
        hit = self.hits.get(card.id)
        return hit.highlighted if hit is not None else escape(card.name)


def search(db: Session, filters: Filters, rules: StatusRules, catalogue: FrameworkCatalogue,
           *, page: int = 1, per_page: int = PER_PAGE,
           clamp: bool = True) -> ResultPage:
    """One page of listed organisations matching the filters (count, page, cards)."""
    hits = _search_hits(db, filters, rules)
    total = len(hits) if hits is not None \
        else repository.count_organisations(db, filters, rules)
    page = max(1, page)
    if clamp:
        page = min(page, page_count(total, per_page))
    offset = (page - 1) * per_page
    if hits is not None and filters.sort == "best":
        # The hits are in order and meet the filters already: fetch only this page's.
        found = repository.listed_organisations(
            db, [hit.organisation_id for hit in hits[offset:offset + per_page]])
    else:
        if hits is not None:
            filters = replace(filters, ids=tuple(hit.organisation_id for hit in hits))
        found = repository.find_organisations(db, filters, rules, offset=offset,
                                              limit=per_page) if offset < total else []
    return ResultPage(cards(db, found, rules, catalogue), total, page, per_page,
                      hits={hit.organisation_id: hit for hit in hits or []})


def _search_hits(db: Session, filters: Filters, rules: StatusRules) -> list[Hit] | None:
    """What the search service finds for `q` among the organisations the other filters
    allow (one query), or None without a `q`."""
    if not filters.q:
        return None
    return search_service.find(db, filters.q, where=repository.conditions(filters, rules),
                       limit=MAX_MATCHES)


def every_match(db: Session, filters: Filters, rules: StatusRules,
                catalogue: FrameworkCatalogue) -> list[OrganisationCard]:
    """Every listed organisation matching the filters (downloads)."""
    hits = _search_hits(db, filters, rules)
    if hits is not None:
        filters = replace(filters, ids=tuple(hit.organisation_id for hit in hits))
    return cards(db, repository.find_organisations(db, filters, rules), rules, catalogue)


def count_text(total: int, *, easy_read: bool = False) -> str:
    """"12 organisations found"; Easy Read says "groups", as its menu does."""
    noun = "group" if easy_read else "organisation"
    if total == 0:
        return f"No {noun}s found"
    return f"{total:,} {noun}{'' if total == 1 else 's'} found"


@dataclass(frozen=True)
class PublicOrganisation:
    """A listed organisation, or where a merged one went."""

    card: OrganisationCard | None = None
    moved_to: str | None = None


def public_organisation(db: Session, slug: str, rules: StatusRules,
                        catalogue: FrameworkCatalogue) -> PublicOrganisation:
    organisation, moved_to = listed_by_slug(db, slug)
    if organisation is None:
        return PublicOrganisation(moved_to=moved_to)
    return PublicOrganisation(card=cards(db, [organisation], rules, catalogue)[0])


# Areas and regions ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CouncilView:
    slug: str
    name: str
    statuses: list[StatusView]
    latest: PublicationRow | None


@dataclass(frozen=True)
class AreaCard:
    """An organisation as an area page lists it: a link and its statuses."""

    id: int
    slug: str
    name: str
    kind: str
    statuses: list[StatusView]

    @property
    def signed_up(self) -> bool:
        return any(view.status != CommitmentStatus.withdrawn for view in self.statuses)


@dataclass(frozen=True)
class AreaGroup:
    """Organisations of one kind signed up in an area: the first few, and how many."""

    kind: str
    label: str
    cards: list[AreaCard]
    total: int


@dataclass(frozen=True)
class AreaPage:
    area: AreaRow
    councils: list[CouncilView]
    groups: list[AreaGroup]
    not_signed_up: int


OWN_KINDS = frozenset(kind.value for kind in PublicationKind)
# An area page lists at most this many organisations of each kind (by name) and links to the
# directory for the rest, so it costs the same however many work there.
AREA_LIST_LIMIT = 25


def area_page(db: Session, area: AreaRow, rules: StatusRules,
              catalogue: FrameworkCatalogue) -> AreaPage:
    # A few columns of each organisation, not whole cards: the page shows a link and the
    # statuses (and no card's areas: it is about this one).
    shown = repository.shown_in_area(db, area.code, AREA_LIST_LIMIT)
    statuses = status_views(db, [row.id for row in shown], rules, catalogue)
    found = [AreaCard(row.id, row.slug, row.name, row.kind, statuses.get(row.id, []))
             for row in shown]
    counts = repository.area_tallies(db, area.code)
    councils = [card for card in found if card.kind == OrganisationKind.council]
    signed = [card for card in found if card.signed_up]
    latest: dict[int, PublicationRow] = {}
    for row in repository.publications_of(db, [card.id for card in councils]):
        if row.kind in OWN_KINDS:  # the council's own plan or progress, not a reply to a view
            latest.setdefault(row.organisation_id, row)
    groups = []
    for kind in OrganisationKind:
        members = [card for card in signed if card.kind == kind]
        if members:
            total = counts.get((tallies.ANY_FRAMEWORK, kind.value), 0)
            groups.append(AreaGroup(kind.value, KINDS[kind.value], members,
                                    max(len(members), total)))
    return AreaPage(
        area=area,
        councils=[CouncilView(card.slug, card.name, card.statuses, latest.get(card.id))
                  for card in councils],
        groups=groups,
        not_signed_up=max(0, sum(total for (framework, _kind), total in counts.items()
                                 if framework == tallies.LISTED)
                          - sum(total for (framework, _kind), total in counts.items()
                                if framework == tallies.ANY_FRAMEWORK)))


@dataclass(frozen=True)
class AreaSummary:
    area: AreaRow
    signed_up: int


def areas_by_region(db: Session, rules: StatusRules
                    ) -> list[tuple[tuple[str, str], list[AreaSummary]]]:
    counts = repository.signed_up_counts(db)
    grouped: dict[tuple[str, str], list[AreaSummary]] = {}
    for row in repository.all_areas(db):
        grouped.setdefault((row.region_code, row.region_name), []).append(
            AreaSummary(row, counts.get(row.code, 0)))
    return list(grouped.items())


@dataclass(frozen=True)
class RegionChanges:
    network_name: str
    network_email: str
    network_website: str
    network_notes: str


def update_region(db: Session, *, actor_id: int, region: Region,
                  changes: RegionChanges) -> None:
    """Change a regional network's contact details, with an audit entry."""
    before = {"network_name": region.network_name, "network_email": region.network_email,
              "network_website": region.network_website,
              "network_notes": region.network_notes}
    after = {"network_name": changes.network_name, "network_email": changes.network_email,
             "network_website": changes.network_website,
             "network_notes": changes.network_notes}
    for key, value in after.items():
        setattr(region, key, value)
    db.add(region)
    bump_public_version(db)  # the network's contacts show on many pages
    record(db, actor_id=actor_id, action="region.update", subject=f"region:{region.code}",
           before=before, after=after)


# The map --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MapKey:
    """How one status looks on the map, and how it is said."""

    key: str
    label: str
    letter: str
    fill: str
    phrase: str


# Okabe and Ito's colour-blind-safe palette; black text on every fill is at least 5:1.
MAP_KEYS = [
    MapKey(NOT_SIGNED_UP, "Council not signed up", "N", "#ffffff",
           "council has not signed up"),
    MapKey(CommitmentStatus.signed_up.value, STATUSES["signed_up"], "S", "#56b4e9",
           "council has signed up"),
    MapKey(CommitmentStatus.plan_published.value, STATUSES["plan_published"], "P", "#f0e442",
           "council has published a plan"),
    MapKey(CommitmentStatus.progress_reported.value, STATUSES["progress_reported"], "R",
           "#009e73", "council has reported progress"),
    MapKey(CommitmentStatus.plan_overdue.value, STATUSES["plan_overdue"], "O", "#e69f00",
           "council's plan is overdue"),
    MapKey(CommitmentStatus.lapsed.value, STATUSES["lapsed"], "L", "#b1b4b6",
           "council's commitment has lapsed"),
    MapKey(CommitmentStatus.withdrawn.value, STATUSES["withdrawn"], "W", "#cc79a7",
           "council has withdrawn"),
]
MAP_KEY = {key.key: key for key in MAP_KEYS}


def organisations_phrase(count: int) -> str:
    if count == 0:
        return "no organisations signed up"
    return f"{count} organisation{'' if count == 1 else 's'} signed up"


@dataclass(frozen=True)
class MapCell:
    area: AreaRow
    key: MapKey
    council: tuple[str, str] | None  # slug, name
    count: int

    @property
    def accessible_name(self) -> str:
        return f"{self.area.name}: {self.key.phrase}; {organisations_phrase(self.count)}"


def map_cells(db: Session, rules: StatusRules, *, framework: str,
              kind: str = "", region: str = "") -> list[MapCell]:
    """Every area (of `region`, or of England) with its council's status (for `framework`)
    and how many organisations (of `kind`) signed up there, in region then name order.
    For England they are worked out once per version of the lists (app.caching.tallied)."""
    if region:
        return _map_cells(db, rules, framework=framework, kind=kind, region=region)
    return list(tallied(("map_cells", rules.today, framework, kind),
                        lambda: tuple(_map_cells(db, rules, framework=framework, kind=kind))))


def _map_cells(db: Session, rules: StatusRules, *, framework: str, kind: str = "",
               region: str = "") -> list[MapCell]:
    counts = repository.signed_up_counts(db, framework=framework, kind=kind, region=region)
    councils: dict[str, repository.CouncilRow] = {}
    for row in repository.council_statuses(db, rules, framework=framework, region=region):
        councils.setdefault(row.area_code, row)
    cells = []
    for area in repository.all_areas(db):
        council = councils.get(area.code)
        key = MAP_KEY[council.status.value if council else NOT_SIGNED_UP]
        cells.append(MapCell(area=area, key=key,
                             council=(council.slug, council.name) if council else None,
                             count=counts.get(area.code, 0)))
    return cells


@dataclass(frozen=True)
class RegionPage:
    region: Region
    cells: list[MapCell]


@dataclass(frozen=True)
class RegionRow:
    region: Region
    areas: int  # council areas in the region


def regions_with_networks(db: Session) -> list[RegionRow]:
    """Every English region with its network's contacts and how many council areas it has."""
    counts = repository.area_counts_by_region(db)
    return [RegionRow(region, counts.get(region.code, 0)) for region in repository.regions(db)]


def region_page(db: Session, region: Region, rules: StatusRules, *,
                framework: str) -> RegionPage:
    cells = [cell for cell in map_cells(db, rules, framework=framework, region=region.code)
             if cell.area.region_code == region.code]
    return RegionPage(region=region, cells=cells)


# Home page --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HomeFigures:
    signed_up: int
    by_kind: list[tuple[str, int]]  # kind, count (templates word the kind: kind_words)
    councils_with_a_plan: int
    council_areas: int
    latest: list[PublicationRow]


def home_figures(db: Session, rules: StatusRules, *, latest: int = 5,
                 council_areas: int = 153) -> HomeFigures:
    by_kind = repository.tally_by_kind(db)
    return HomeFigures(
        signed_up=sum(by_kind.values()),
        by_kind=[(kind, by_kind[kind]) for kind in KINDS if by_kind.get(kind)],
        councils_with_a_plan=repository.councils_with_a_plan(db),
        council_areas=council_areas,
        latest=repository.latest_publications(db, latest),
    )
