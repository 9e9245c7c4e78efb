"""People's own words: a small, safe Markdown subset rendered to HTML."""

from __future__ import annotations

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
