"""Atom feeds (RFC 4287) of publications: everything, one organisation, one area."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree

from app.config import Settings
from app.organisations.models import Organisation
from app.publications.models import REPLY_KIND, VIEW_KIND, Publication, publication_kind_label
from app.text import without_control_characters

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
ElementTree.register_namespace("", ATOM)


def _stamp(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ElementTree.Element, name: str, text: str | None = None,
         **attributes: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
    if text is not None:
        element.text = without_control_characters(text)  # old data may hold some: XML cannot
    return element


def entry_title(publication: Publication, organisation: Organisation) -> str:
    snapshot = publication.snapshot
    if publication.kind == VIEW_KIND:
        return f"{organisation.name}: independent view of {snapshot['about']['name']}"
    if publication.kind == REPLY_KIND:
        return (f"{organisation.name}: reply to the independent view by "
                f"{snapshot['in_reply_to']['name']}")
    return f"{organisation.name}: {publication_kind_label(publication.kind).lower()} " \
           f"{publication.number}"


def atom_feed(settings: Settings, *, title: str, self_path: str, page_path: str,
              rows: Sequence[tuple[Publication, Organisation]]) -> bytes:
    """The feed as UTF-8 XML: each entry links to its publication's page."""
    base = settings.base_url.rstrip("/")
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", base + self_path)
    _add(feed, "title", title)
    _add(feed, "updated", _stamp(max((p.published_at for p, _o in rows),
                                     default=datetime(2024, 1, 1, tzinfo=UTC))))
    _add(feed, "link", rel="self", type="application/atom+xml", href=base + self_path)
    _add(feed, "link", rel="alternate", type="text/html", href=base + page_path)
    author = _add(feed, "author")
    _add(author, "name", "Making It Real toolkit")
    for publication, organisation in rows:
        url = f"{base}/organisations/{organisation.slug}/publications/{publication.number}"
        entry = _add(feed, "entry")
        _add(entry, "id", url)
        _add(entry, "title", entry_title(publication, organisation))
        _add(entry, "updated", _stamp(publication.published_at))
        _add(entry, "published", _stamp(publication.published_at))
        _add(entry, "link", rel="alternate", type="text/html", href=url)
        entry_author = _add(entry, "author")
        _add(entry_author, "name", organisation.name)
        summary = (f"This publication has been hidden: {publication.hidden_reason}"
                   if publication.hidden_reason is not None else
                   f"{publication_kind_label(publication.kind)} published by "
                   f"{organisation.name} on {publication.published_on:%-d %B %Y}.")
        _add(entry, "summary", summary, type="text")
    body: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body
