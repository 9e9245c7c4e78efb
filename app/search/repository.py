"""The one query behind every search: candidates from the engine's own index, then the
organisations' words to rank them by (app.search.text).

PostgreSQL: the names nearest by pg_trgm word similarity (GiST index, nearest first) and
full-text prefixes (GIN index) over `lower(name || ' ' || former_names)` (migration 0010).
SQLite: the FTS5 table `organisation_fts` (trigram tokenizer), asked for any trigram of the
typed words and ranked by bm25. Organisations working in an area the query names are candidates too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    any_,
    cast,
    func,
    literal,
    literal_column,
    select,
    text,
    union,
)
from sqlalchemy.sql.selectable import Select, SelectBase
from sqlmodel import Session, col

from app.organisations.models import Organisation, OrganisationArea

# Candidates each index offers before ranking; enough for the right one to be among them.
NAME_CANDIDATES = 200
AREA_CANDIDATES = 400
# Exactly the expressions of the PostgreSQL indexes in migration 0010.
PG_DOCUMENT = "lower(organisation.name || ' ' || organisation.former_names)"
PG_TSVECTOR = "to_tsvector('simple'::regconfig, organisation.name || ' ' || " \
              "organisation.former_names)"

org_id = col(Organisation.id)
link_org = col(OrganisationArea.organisation_id)
link_area = col(OrganisationArea.area_code)


@dataclass(frozen=True)
class Candidate:
    organisation_id: int
    slug: str
    name: str
    former_names: str
    kind: str
    area_codes: tuple[str, ...]


def _postgresql_names(words: Sequence[str]) -> SelectBase:
    """The names nearest the words by trigram word similarity (the GiST index returns them
    nearest first, so only NAME_CANDIDATES rows are read however common the words are),
    and names holding a word that starts with one of them (full-text index)."""
    document: ColumnElement[str] = literal_column(PG_DOCUMENT)
    nearest: Select[Any] = select(org_id.label("id")).order_by(
        literal(" ".join(words)).op("<<->")(document)).limit(NAME_CANDIDATES)
    prefixes = " | ".join(f"{word}:*" for word in words)
    starting: Select[Any] = select(org_id.label("id")).where(literal_column(PG_TSVECTOR).op("@@")(
        func.to_tsquery(literal_column("'simple'::regconfig"), prefixes))) \
        .limit(NAME_CANDIDATES)
    return union(select(nearest.subquery().c.id), select(starting.subquery().c.id))


def _sqlite_names(words: Sequence[str]) -> SelectBase | None:
    grams = dict.fromkeys(word[index:index + 3] for word in words
                          for index in range(max(1, len(word) - 2)))
    if not grams:
        return None
    # Words are [a-z0-9]+ (app.search.text.words), so quoting them is safe.
    pattern = " OR ".join(f'"{gram}"' for gram in grams)
    return text("SELECT rowid AS id FROM organisation_fts WHERE organisation_fts MATCH "
                ":pattern ORDER BY rank LIMIT :limit").bindparams(
        pattern=pattern, limit=NAME_CANDIDATES).columns(id=Integer)


def name_candidates(db: Session, words: Sequence[str]) -> SelectBase | None:
    """A select of ids whose names (or former names) look like the words."""
    if db.get_bind().dialect.name == "postgresql":
        return _postgresql_names(words)
    return _sqlite_names(words)


def candidates(db: Session, words: Sequence[str], area_codes: Sequence[str],
               where: Sequence[ColumnElement[bool]]) -> list[Candidate]:
    """Organisations (meeting `where`) that the indexes offer for these words or areas."""
    parts: list[SelectBase] = []
    if words:
        names = name_candidates(db, words)
        if names is not None:
            parts.append(names)
    if area_codes:
        parts.append(select(link_org.label("id")).where(link_area.in_(list(area_codes)))
                     .order_by(link_org).limit(AREA_CANDIDATES))
    if not parts:
        return []
    # Each part keeps its own ORDER BY and LIMIT inside a subquery (SQLite wants that).
    wrapped = [select(part.subquery().c.id) for part in parts]
    chosen = union(*wrapped).subquery("chosen")
    if db.get_bind().dialect.name == "postgresql":
        aggregate = func.string_agg(link_area, literal_column("' '"))
        # Expecting more candidates than come, PostgreSQL would read the whole table to join
        # them (5 ms at 30 000 organisations); as one array, each is found by primary key.
        wanted = org_id == any_(cast(select(func.array_agg(chosen.c.id)).scalar_subquery(),
                                     ARRAY(Integer)))
    else:
        aggregate = func.group_concat(link_area, " ")
        wanted = org_id.in_(select(chosen.c.id))
    areas = select(aggregate).where(link_org == org_id).scalar_subquery()
    rows = db.connection().execute(
        select(org_id, col(Organisation.slug), col(Organisation.name),
               col(Organisation.former_names), col(Organisation.kind), areas)
        .where(wanted, *where)).all()
    return [Candidate(row[0], row[1], row[2], row[3], row[4],
                      tuple((row[5] or "").split())) for row in rows]
