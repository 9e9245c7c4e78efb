"""One search for every place that looks for an organisation: the directory, "Is this
you?" at sign-up, the organisation picker for independent views and the admin's merges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup
from sqlalchemy import ColumnElement
from sqlmodel import Session

from app.areas.reference import read_reference_areas
from app.search import repository
from app.search.text import (
    MINIMUM_SCORE,
    STOP_WORDS,
    Document,
    highlight,
    key_words,
    query_words,
    score,
    similarity,
    vocabulary_words,
)

MAX_QUERY = 200
# Words too common in area names to pick an area by.
_GENERIC_PLACE_WORDS = STOP_WORDS | {"city", "county", "borough", "north", "south", "east",
                                     "west", "upon", "with"}
PLACE_MATCH = 0.8
# A score this high means the same name, give or take a letter or two ("Is this you?").
SAME_NAME = 0.85


@dataclass(frozen=True)
class Hit:
    organisation_id: int
    slug: str
    name: str
    kind: str
    score: float
    places: tuple[str, ...]
    query: tuple[str, ...]

    @property
    def highlighted(self) -> Markup:
        """The name, escaped, the words the query matched in <mark> (worked out only for
        the names shown)."""
        return highlight(self.name, self.query)


@lru_cache(maxsize=1)
def area_names() -> dict[str, str]:
    """Council area names by code (from the reference file the first migration loads)."""
    return {row["gss_code"]: row["name"] for row in read_reference_areas()[1]}


@lru_cache(maxsize=1)
def _area_places() -> tuple[tuple[str, frozenset[str]], ...]:
    """Each council area's code and the words of its name that can pick it."""
    return tuple((code, frozenset(vocabulary_words(name)) - _GENERIC_PLACE_WORDS)
                 for code, name in area_names().items())


def named_areas(query: Sequence[str]) -> list[str]:
    """Codes of the areas a query word names (spelt nearly right)."""
    typed = [word for word in query if len(word) >= 4]
    if not typed:
        return []
    areas = _area_places()
    named = {place for _code, places in areas for place in places
             if any(similarity(word, place) >= PLACE_MATCH for word in typed)}
    return [code for code, places in areas if not named.isdisjoint(places)]


def find(db: Session, query: str, *, where: Sequence[ColumnElement[bool]] = (),
         limit: int = 20, minimum: float = MINIMUM_SCORE) -> list[Hit]:
    """Organisations meeting `where` that fit the query, best first (at most `limit`)."""
    typed = query_words(query[:MAX_QUERY])
    keys = key_words(typed)
    if not keys:
        return []
    names = area_names()
    scored = []
    for candidate in repository.candidates(db, keys, named_areas(keys), where):
        places = tuple(map(names.get, candidate.area_codes, candidate.area_codes))
        fit = score(typed, Document(candidate.name, candidate.former_names, places,
                                    candidate.kind))
        if fit >= minimum:
            scored.append((fit, candidate, places))
    scored.sort(key=lambda found: (-round(found[0], 6), len(found[1].name),
                                   found[1].name.lower(), found[1].organisation_id))
    searched = tuple(typed)
    return [Hit(candidate.organisation_id, candidate.slug, candidate.name, candidate.kind,
                fit, places, searched)
            for fit, candidate, places in scored[:limit]]
