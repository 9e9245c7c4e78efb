"""Choosing the organisation an independent view is about: the organisations of your own
area(s) first, then any organisation through the search service (app.search), so the
choice stays short with 30 000 organisations."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, exists
from sqlmodel import Session, col, select

from app.frameworks import FrameworkCatalogue
from app.organisations.models import Organisation, OrganisationArea
from app.publications.models import ALL_KIND_LABELS, Publication
from app.search import service as search
from app.views import repository
from app.views.repository import ASSESSED_KINDS

NEARBY = 50  # organisations of your own areas shown before any search
FOUND = 20


@dataclass(frozen=True)
class Picker:
    find: str
    heading: str
    summary: str
    options: list[tuple[str, Markup, str]]  # publication id, organisation and framework, hint


def _assessed() -> ColumnElement[bool]:
    """SQL: the organisation has a visible publication a view can be written about."""
    return exists().where(col(Publication.organisation_id) == col(Organisation.id),
                          col(Publication.kind).in_(ASSESSED_KINDS),
                          col(Publication.hidden_reason).is_(None))


def _nearby(db: Session, organisation_id: int) -> list[int]:
    """Listed organisations with an assessment in any area this one works in: councils
    first, then by name."""
    own_areas = select(OrganisationArea.area_code) \
        .where(OrganisationArea.organisation_id == organisation_id)
    rows = db.exec(select(Organisation.id).where(
        Organisation.is_listed, col(Organisation.id) != organisation_id, _assessed(),
        col(Organisation.id).in_(select(OrganisationArea.organisation_id)
                                 .where(col(OrganisationArea.area_code).in_(own_areas))))
        .order_by(col(Organisation.kind) != "council", col(Organisation.name))
        .limit(NEARBY)).all()
    return [row for row in rows if row is not None]


def choices(db: Session, organisation_id: int, find: str,
            catalogue: FrameworkCatalogue) -> Picker:
    """What to offer: search results for `find`, or else the organisations nearby."""
    find = " ".join(find.split())[:search.MAX_QUERY]
    names: dict[int, Markup] = {}
    if find:
        hits = search.find(db, find, limit=FOUND, where=[
            Organisation.is_listed.expression, col(Organisation.id) != organisation_id,
            _assessed()])
        ids = [hit.organisation_id for hit in hits]
        names = {hit.organisation_id: hit.highlighted for hit in hits}
    else:
        ids = _nearby(db, organisation_id)
    organisations = repository.organisations_by_id(db, ids)
    latest = repository.latest_own_publications_of(db, ids)
    options = []
    for found in ids:
        organisation = organisations.get(found)
        if organisation is None:
            continue
        for framework_id, publication in sorted(latest.get(found, {}).items()):
            framework = catalogue.get(framework_id)
            if framework is None:
                continue
            label = Markup("{}: {}").format(names.get(found, escape(organisation.name)),
                                            framework.title)
            hint = (f"{ALL_KIND_LABELS.get(publication.kind, '')} published "
                    f"{publication.published_on.strftime('%-d %B %Y')}")
            options.append((str(publication.id), label, hint))
    if find:
        heading = f"Organisations found for “{find}”"
        summary = (f"{len(options)} match{'es' if len(options) != 1 else ''} found"
                   if options else "No organisation with a published assessment matches. "
                   "Check the spelling, or try the name of its council area.")
    else:
        heading = "Organisations in your area"
        summary = (f"{len(options)} published assessment{'s' if len(options) != 1 else ''} "
                   "in your area. Search to find any other organisation." if options else
                   "No organisation in your area has published an assessment yet. Search "
                   "to find one elsewhere.")
    return Picker(find=find, heading=heading, summary=summary, options=options)
