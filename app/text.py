"""People's own words: a small, safe Markdown subset rendered to HTML; text made safe for
spreadsheets and documents."""

from __future__ import annotations

import re
from datetime import date

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Paragraphs, emphasis, lists, links and quotes: enough to write down a conversation.
_markdown = MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True}).enable(
    ["emphasis", "list", "link", "blockquote", "newline", "escape", "backticks"])
_ALLOWED_TAGS = {"p", "em", "strong", "ul", "ol", "li", "a", "blockquote", "br", "code"}


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML that can hold no script: raw HTML is escaped, then sanitised."""
    if not text:
        return Markup("")
    html = _markdown.render(text)
    clean = nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href"}},
                      url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener")
    return Markup(clean)


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
