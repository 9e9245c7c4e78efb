"""The one query behind every search: candidates from the engine's own index, then the
organisations' words to rank them by (app.search.text).

PostgreSQL: each typed word's nearest words among the names' words (pg_trgm, migration
0015), then the names holding them through the full-text index (GIN, migration 0010).
SQLite: the FTS5 table `organisation_fts` (trigram tokenizer), asked for any trigram of the
typed words and ranked by bm25. Organisations working in an area the query names are candidates too.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    String,
    any_,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    text,
    union,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.selectable import SelectBase
from sqlmodel import Session, col

from app.db import one_of
from app.organisations.models import Organisation, OrganisationArea

# Candidates each index offers before ranking; enough for the right one to be among them.
NAME_CANDIDATES = 200
AREA_CANDIDATES = 400
# Exactly the expression of the PostgreSQL full-text index in migration 0010.
PG_TSVECTOR = "to_tsvector('simple'::regconfig, organisation.name || ' ' || " \
              "organisation.former_names)"

org_id = col(Organisation.id)
link_org = col(OrganisationArea.organisation_id)
link_area = col(OrganisationArea.area_code)


class Candidate(NamedTuple):
    """An organisation an index offers (a tuple: a search reads hundreds)."""

    organisation_id: int
    slug: str
    name: str
    former_names: str
    kind: str
    area_codes: tuple[str, ...]


# A word of the names is taken for a typed word spelt wrongly when their trigrams are this
# alike (pg_trgm similarity), the nearest NEAR_WORDS of them.
NEAR_WORDS = 3
NEAR_SIMILARITY = 0.3
# Names holding any of the words, read before ranking them by how alike they are.
ANY_WORD_ROWS = 500

# Each typed word (all [a-z0-9]+: app.search.text.words) stands for itself as a prefix and
# for its nearest words among the names' words (migration 0015: a few thousand words, not
# 30 000 names). Names holding a form of every word come first; then, of the names holding
# any, the nearest by trigram word similarity. Both read the full-text index (GIN).
_PG_NAMES = f"""
WITH typed AS (SELECT word FROM unnest(CAST(:words AS text[])) AS typed (word)),
forms AS (
    SELECT typed.word, to_tsquery('simple'::regconfig, typed.word || ':*') AS prefix,
           (SELECT search_any(plainto_tsquery('simple'::regconfig, near.word))
            FROM (SELECT word FROM organisation_search_words
                  ORDER BY word <-> typed.word LIMIT {NEAR_WORDS}) AS near
            WHERE similarity(near.word, typed.word) >= {NEAR_SIMILARITY}) AS nearby
    FROM typed),
query AS (
    SELECT search_every(coalesce(prefix || nearby, prefix)) AS every_word,
           search_any(coalesce(prefix || nearby, prefix)) AS any_word FROM forms)
SELECT id FROM (
    SELECT id FROM organisation WHERE {PG_TSVECTOR} @@ (SELECT every_word FROM query)
    AND cardinality(CAST(:words AS text[])) > 1  -- for one word, the same as any word
    LIMIT {NAME_CANDIDATES}) AS every_word
UNION
SELECT id FROM (
    SELECT id FROM (
        SELECT id, lower(organisation.name || ' ' || organisation.former_names) AS document
        FROM organisation
        WHERE {PG_TSVECTOR} @@ (SELECT any_word FROM query) LIMIT {ANY_WORD_ROWS}) AS any_word
    ORDER BY :phrase <<-> document LIMIT {NAME_CANDIDATES}) AS nearest
"""


def _postgresql_names() -> SelectBase:
    """Ids of names holding the words, or words spelt nearly like them."""
    return text(_PG_NAMES).bindparams(bindparam("words"), bindparam("phrase", type_=String)) \
        .columns(id=Integer)


def _sqlite_names() -> SelectBase:
    return text("SELECT rowid AS id FROM organisation_fts WHERE organisation_fts MATCH "
                ":pattern ORDER BY rank LIMIT :limit").bindparams(
        bindparam("pattern", type_=String), limit=NAME_CANDIDATES).columns(id=Integer)


def _name_parameters(dialect: str, words: Sequence[str]) -> dict[str, Any]:
    """The parameters of the names' part of the candidates' query."""
    if dialect == "postgresql":
        return {"words": list(words), "phrase": " ".join(words)}
    grams = dict.fromkeys(word[index:index + 3] for word in words
                          for index in range(max(1, len(word) - 2)))
    # Words are [a-z0-9]+ (app.search.text.words), so quoting them is safe.
    return {"pattern": " OR ".join(f'"{gram}"' for gram in grams)}


@lru_cache(maxsize=8)
def _candidates_query(dialect: str, names: bool, areas: bool) -> Select[Any]:
    """The candidates' statement for names and/or areas, built once per process (building it
    took longer than running it); the words and area codes are parameters."""
    parts: list[SelectBase] = []
    if names:
        parts.append(_postgresql_names() if dialect == "postgresql" else _sqlite_names())
    if areas:
        parts.append(select(link_org.label("id"))
                     .where(one_of(dialect, link_area, key="area_codes"))
                     .order_by(link_org).limit(AREA_CANDIDATES))
    # Each part keeps its own ORDER BY and LIMIT inside a subquery (SQLite wants that).
    wrapped = [select(part.subquery().c.id) for part in parts]
    chosen = union(*wrapped).subquery("chosen")
    if dialect == "postgresql":
        aggregate = func.string_agg(link_area, literal_column("' '"))
        # Expecting more candidates than come, PostgreSQL would read the whole table to join
        # them (5 ms at 30 000 organisations); as one array, each is found by primary key.
        wanted = org_id == any_(cast(select(func.array_agg(chosen.c.id)).scalar_subquery(),
                                     ARRAY(Integer)))
    else:
        aggregate = func.group_concat(link_area, " ")
        wanted = org_id.in_(select(chosen.c.id))
    areas_of = select(aggregate).where(link_org == org_id).scalar_subquery()
    return select(org_id, col(Organisation.slug), col(Organisation.name),
                  col(Organisation.former_names), col(Organisation.kind), areas_of) \
        .where(wanted)


def candidates_statement(dialect: str, words: Sequence[str], area_codes: Sequence[str],
                         where: Sequence[ColumnElement[bool]]) -> tuple[Select[Any],
                                                                          dict[str, Any]]:
    """The candidates' query on this engine ("postgresql" or "sqlite"), and its parameters."""
    parameters = _name_parameters(dialect, words) if words else {}
    if area_codes:
        parameters["area_codes"] = list(area_codes)
    return _candidates_query(dialect, bool(words), bool(area_codes)).where(*where), parameters


def candidates(db: Session, words: Sequence[str], area_codes: Sequence[str],
               where: Sequence[ColumnElement[bool]]) -> list[Candidate]:
    """Organisations (meeting `where`) that the indexes offer for these words or areas."""
    if not words and not area_codes:
        return []
    dialect = db.get_bind().dialect.name
    statement, parameters = candidates_statement(dialect, words, area_codes, where)
    connection = db.connection()
    if dialect == "postgresql":
        rows = _planned_for_these_words(connection, statement, parameters)
    else:
        rows = connection.execute(statement, parameters).all()
    return [Candidate(row[0], row[1], row[2], row[3], row[4],
                      tuple((row[5] or "").split())) for row in rows]


def _planned_for_these_words(connection: Connection, statement: Select[Any],
                             parameters: dict[str, Any]) -> Sequence[Any]:
    """Run the candidates' query unprepared. psycopg prepares a statement run five times on
    a connection, and PostgreSQL then plans it once for any words: that plan took twice as
    long as one made for the words typed (15 ms to 8 ms for "barnsly dpulo" at 30 000
    organisations)."""
    driver: Any = connection.connection.driver_connection  # a psycopg Connection
    threshold = driver.prepare_threshold
    driver.prepare_threshold = None
    try:
        return connection.execute(statement, parameters).all()
    finally:
        driver.prepare_threshold = threshold
