"""People's own words: a small, safe Markdown subset rendered to HTML; text made safe for
spreadsheets and documents."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup

# Paragraphs, emphasis, lists, links and quotes: enough to write down a conversation.
_markdown = MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True}).enable(
    ["emphasis", "list", "link", "blockquote", "newline", "escape", "backticks"])
_ALLOWED_TAGS = {"p", "em", "strong", "ul", "ol", "li", "a", "blockquote", "br", "code"}


# One line with no character any enabled rule starts from (emphasis, link, code, escape,
# line break), which is most of what people write on a page: one paragraph of itself.
_ONE_PLAIN_LINE = re.compile(r"[^\n\r\x00*_\[\]`\\]*")


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML that can hold no script: raw HTML is escaped, then sanitised."""
    if not text:
        return Markup("")
    html = _plain_paragraph(text) or _markdown.render(text)
    clean = nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href"}},
                      url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener")
    return Markup(clean)


def _plain_paragraph(text: str) -> str | None:
    """What the Markdown parser makes of one plain line, without running it (it takes most
    of a page's Markdown time); None when the line may be more than a paragraph (a list or
    a quote: it starts with a marker or a digit)."""
    content = text.strip()
    if not content or content[0] in "-+>" or content[0].isdigit() \
            or not _ONE_PLAIN_LINE.fullmatch(text):
        return None
    return f"<p>{escapeHtml(content)}</p>\n"


def long_date(value: date | str) -> str:
    """"25 November 2026": how dates read on pages and in exports. Accepts an ISO date
    string too, as publication snapshots store dates that way."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value.day} {value:%B %Y}"


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: str) -> str:
    """A text cell a spreadsheet shows and never runs: every CSV the service writes uses it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# C0 and C1 control characters other than tab and newline (and carriage return, which a
# browser sends in every line break of a text box): nobody types them on purpose, and
# XML (so DOCX and the Atom feeds) cannot hold them at all.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_control_characters(value: str) -> str:
    return _CONTROL.sub("", value)


# Who took part in a co-production record, one phrase per count (singular, plural).
_TOOK_PART = (("people_using_support", "person who uses support", "people who use support"),
              ("family_carers", "family carer", "family carers"),
              ("staff", "member of staff", "staff"),
              ("partner_organisations", "partner organisation", "partner organisations"))


# How they took part, as words in a sentence: records hold the method's key ("online"),
# published snapshots its label ("Online", "A survey").
_METHOD_PHRASES = {"workshops": "workshops", "survey": "a survey", "a survey": "a survey",
                   "interviews": "interviews", "online": "meetings online",
                   "other": "other ways"}


def took_part_sentence(counts: Any, methods: Sequence[str] = (), other_method: str = "") -> str:
    """"12 people who use support and 3 family carers took part. They joined in through
    workshops." (Two short sentences: the counts make the first one long enough.)

    `counts` is a mapping or an object with the four counts. A count of 0 is not printed:
    records saved before the count boxes started empty hold 0 for a box left empty, so a
    0 says nothing true about who took part.
    """
    phrases = []
    for field, one, many in _TOOK_PART:
        value = counts.get(field) if isinstance(counts, Mapping) else getattr(counts, field, None)
        if value:
            phrases.append(f"{value:,} {one if value == 1 else many}")
    who = (", ".join(phrases[:-1]) + " and " + phrases[-1] if len(phrases) > 1
           else phrases[0] if phrases else "People")
    sentence = f"{who} took part."
    ways = [_METHOD_PHRASES.get(method.lower(), method.lower()) for method in methods]
    ways = [other_method.strip() or way if way == "other ways" else way for way in ways]
    if ways:
        sentence += " They joined in through " + (", ".join(ways[:-1]) + " and " + ways[-1]
                                                  if len(ways) > 1 else ways[0]) + "."
    return sentence
