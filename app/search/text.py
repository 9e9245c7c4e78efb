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
_WORDS_AND_GAPS = re.compile(r"(\w+)")


def fold(text: str) -> str:
    """Lower case, accents off, "&" as "and"."""
    if not text.isascii():  # (ASCII is its own NFKD form: most names skip this)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return text.lower().replace("&", " and ").replace("'", "")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@lru_cache(maxsize=4096)
def vocabulary_words(text: str) -> tuple[str, ...]:
    """words() of a text from a small fixed set (council area names, kinds), worked out once:
    a search scores hundreds of candidates, and folding their places each time was most of it."""
    return tuple(words(text))


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


@dataclass(frozen=True)
class Document:
    """An organisation's words, by where they come from."""

    name: str
    former_names: str = ""
    places: tuple[str, ...] = ()
    kind: str = ""


def _best_in(typed: str, fields: Iterable[tuple[float, Sequence[str]]]) -> float:
    """How well `typed` matches the closest word of the fields, times that field's weight;
    0 when no word is close enough (MATCH). Plain loops: a search scores hundreds of
    candidates."""
    best = 0.0
    for weight, field_words in fields:
        for word in field_words:
            alike = similarity(typed, word)
            if alike >= MATCH and weight * alike > best:
                best = weight * alike
    return best


def _fields(name: list[str], document: Document) -> list[tuple[float, Sequence[str]]]:
    """The document's words by field, with the field's weight."""
    return [(NAME, name),
            (FORMER_NAME, words(document.former_names) if document.former_names else ()),
            (PLACE, [word for place in document.places for word in vocabulary_words(place)]),
            (KIND, vocabulary_words(document.kind.replace("_", " ")))]


def score(query: Sequence[str], document: Document) -> float:
    """How well the query words fit the organisation: about 0 to 1.5; exact names and names
    that start with the query come first."""
    if not query:
        return 0.0
    name = words(document.name)
    fields: list[tuple[float, Sequence[str]]] | None = None
    total = weights = 0.0
    for typed in query:
        weight = STOP_WEIGHT if typed in STOP_WORDS else 1.0
        # A word of the name itself is the best match there can be: no need to look further
        # (most candidates of a common word, such as "care", have it).
        if typed in name:
            best = NAME
        else:
            if fields is None:  # worked out once, and only when the name has not the word
                fields = _fields(name, document)
            best = _best_in(typed, fields)
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
    else:
        spaced = f" {name_text}"  # every typed word starts a word of the name:
        if all(f" {typed}" in spaced for typed in query):
            result += 0.1
    return result


def highlight(name: str, query: Sequence[str]) -> Markup:
    """The name, escaped, with the words the query matched in <mark>."""
    keys = key_words(query) or list(query)
    pieces: list[str] = []
    # Words at odd places, what lies between them at even ones; between them, plain ASCII
    # (spaces, punctuation) can never fold into a word.
    for index, piece in enumerate(_WORDS_AND_GAPS.split(name)):
        folded = "" if index % 2 == 0 and piece.isascii() else fold(piece)
        if _WORD.fullmatch(folded) and any(similarity(key, folded) >= MATCH for key in keys):
            pieces.append(f"<mark>{escape(piece)}</mark>")
        else:
            pieces.append(escape(piece))
    return Markup("".join(pieces))
