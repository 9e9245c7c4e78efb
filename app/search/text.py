"""How typed words are compared with an organisation's words: pure functions, the same on
every database, so both engines rank the candidates they find in the same order.

A query word matches a word of the organisation when it is the same, the start of it (3
letters or more), or close enough in spelling: one of trigram overlap (Dice) or edit
distance (Damerau, counting a swap of two letters as one edit) says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

# Words that say little about which organisation is meant.
STOP_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "the", "to", "by"})
MATCH = 0.6  # a query word this similar to a word of the organisation matches it
PREFIX = 0.9
STOP_WEIGHT = 0.1
# How much a match counts, by where the organisation's word is.
NAME, FORMER_NAME, PLACE, KIND = 1.0, 0.9, 0.8, 0.8
MINIMUM_SCORE = 0.45
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, accents off, "&" as "and"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ascii_text.lower().replace("&", " and ").replace("'", "")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@lru_cache(maxsize=4096)
def vocabulary_words(text: str) -> tuple[str, ...]:
    """words() of a text from a small fixed set (council area names, kinds), worked out once:
    a search scores hundreds of candidates, and folding their places each time was most of it."""
    return tuple(words(text))


@lru_cache(maxsize=65536)
def name_words(text: str) -> tuple[str, ...]:
    """words() of an organisation's name: the same names are candidates search after search."""
    return tuple(words(text))


@lru_cache(maxsize=4096)
def _place_words(places: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(word for place in places for word in vocabulary_words(place))


def query_words(text: str) -> list[str]:
    """The words of a query, each once, in the order typed."""
    return list(dict.fromkeys(words(text)))


def key_words(query: Sequence[str]) -> list[str]:
    """The words worth looking up in an index: not stop words."""
    return [word for word in query if word not in STOP_WORDS]


@lru_cache(maxsize=65536)
def _trigrams(word: str) -> frozenset[str]:
    padded = f"  {word} "
    return frozenset(padded[index:index + 3] for index in range(len(padded) - 2))


def _edit_distance(first: str, second: str) -> int:
    """Optimal string alignment distance: insertions, deletions, changes and swaps."""
    previous2: list[int] = []
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, b in enumerate(second, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=65536)
def similarity(typed: str, word: str) -> float:
    """1 for the same word, 0.9 when `typed` starts `word`, else how close the spelling is."""
    if typed == word:
        return 1.0
    if (len(typed) >= 3 or typed.isdigit()) and word.startswith(typed):
        return PREFIX
    if len(typed) < 3 or len(word) < 3:
        return 0.0
    grams, other = _trigrams(typed), _trigrams(word)
    dice = 2 * len(grams & other) / (len(grams) + len(other))
    edits = 1 - _edit_distance(typed, word) / max(len(typed), len(word))
    return max(dice, edits)


def best_match(typed: str, candidates: Iterable[str]) -> float:
    """How well `typed` matches the closest of the words, 0 when none is close enough."""
    best = max((similarity(typed, word) for word in candidates), default=0.0)
    return best if best >= MATCH else 0.0


@lru_cache(maxsize=65536)
def _best_in(typed: str, field_words: tuple[str, ...]) -> float:
    """best_match for a field's words, remembered: a place or kind is scored for many
    candidates of one search, and the same names come up search after search."""
    return best_match(typed, field_words) if field_words else 0.0


@dataclass(frozen=True)
class Document:
    """An organisation's words, by where they come from."""

    name: str
    former_names: str = ""
    places: tuple[str, ...] = ()
    kind: str = ""


def score(query: Sequence[str], document: Document) -> float:
    """How well the query words fit the organisation: about 0 to 1.5; exact names and names
    that start with the query come first."""
    if not query:
        return 0.0
    name = name_words(document.name)
    fields = ((NAME, name), (FORMER_NAME, name_words(document.former_names)),
              (PLACE, _place_words(document.places)),
              (KIND, vocabulary_words(document.kind.replace("_", " "))))
    total = weights = 0.0
    for typed in query:
        weight = STOP_WEIGHT if typed in STOP_WORDS else 1.0
        # A word of the name itself is the best match there can be: no need to look further
        # (most candidates of a common word, such as "care", have it).
        best = NAME if typed in name else max(field_weight * _best_in(typed, field_words)
                                              for field_weight, field_words in fields)
        if typed.isdigit() and not best:
            return 0.0  # numbers are meant exactly: "Group 1" is not "Group 2"
        total += weight * best
        weights += weight
    result = total / weights
    typed_text, name_text = " ".join(query), " ".join(name)
    if typed_text == name_text:
        result += 0.3
    elif name_text.startswith(typed_text):
        result += 0.2
    elif all(any(word == typed or word.startswith(typed) for word in name)
             for typed in query):
        result += 0.1
    return result


def highlight(name: str, query: Sequence[str]) -> Markup:
    """The name, escaped, with the words the query matched in <mark>."""
    keys = key_words(query) or list(query)
    pieces = []
    for piece in re.split(r"(\w+)", name):
        folded = fold(piece)
        matched = bool(_WORD.fullmatch(folded)) \
            and any(similarity(key, folded) >= MATCH for key in keys)
        pieces.append(Markup("<mark>{}</mark>").format(piece) if matched else escape(piece))
    return Markup("").join(pieces)
