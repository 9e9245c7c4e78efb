"""How hard a page is to read: the Flesch–Kincaid grade of the text a person sees.

Many of our users have learning disabilities: public pages aim for grade 5 or below (a
reading age of about 10), and grade 3 or below in Easy Read mode. `textstat` (pinned in
requirements-dev.lock) does the counting; this module decides what text a person reads.

Headings, list items, table cells, labels and buttons carry no full stop, but each is read
as a unit of its own: each block ends a sentence, or a menu of ten links would count as one
long sentence. Hidden text (`hidden`, `aria-hidden`, visually hidden, <script>, <style>,
<template>) is left out: it is not what the page shows. A line break (<br>) parts two words.

A list of names is not prose. A list item, table cell or heading whose text is one link
to a name (a place or an organisation: templates mark such a link `translate="no"`,
HTML's way to say "a name: keep it as it is") is left out. A reader scans a list of 153
council areas for their own; they do not read it as sentences, and no wording of ours can
make "Middlesbrough" shorter. A web or email address standing alone as a link (a website
on a profile) is marked the same way: it is read as an address, not as a word of 15
syllables. A name inside a sentence, or a heading that is not a link, still counts.
"""

from __future__ import annotations

import re

import lxml.html
import textstat

# Elements whose text a reader takes as a unit: each ends a "sentence".
BLOCKS = {
    "address", "article", "aside", "blockquote", "button", "caption", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "label", "legend", "li", "main", "nav", "ol", "option", "p", "pre",
    "section", "select", "summary", "table", "td", "th", "tr", "ul",
}
# A closed <select> shows one choice, not its list of 150 council areas.
SKIPPED = {"script", "style", "template", "noscript", "svg", "head", "title", "option", "datalist"}
# Where a name stands as an entry of a list or table (see the module's docstring).
NAME_ENTRIES = {"li", "td", "th", "dd", "h2", "h3", "h4"}
HIDDEN_CLASSES = {"govuk-visually-hidden", "govuk-visually-hidden-focusable", "govuk-skip-link"}
_SPACE = re.compile(r"\s+")
_ENDS_SENTENCE = (".", "!", "?")
_BREAK = "\x00"  # where a block starts or ends (a newline in the HTML is only a space)


def _hidden(element: lxml.html.HtmlElement) -> bool:
    classes = set((element.get("class") or "").split())
    return (element.get("hidden") is not None or element.get("aria-hidden") == "true"
            or bool(classes & HIDDEN_CLASSES) or element.tag in SKIPPED)


def _name_entry(element: lxml.html.HtmlElement) -> bool:
    """A link marked as a name that is the whole text of a list item, table cell or heading
    (a list item may go on to hold a list of its own): an entry in a list of names."""
    parent = element.getparent()
    if (element.tag != "a" or element.get("translate") != "no" or parent is None
            or parent.tag not in NAME_ENTRIES or (parent.text or "").strip()
            or (element.tail or "").strip()):
        return False
    siblings = list(parent)
    return (siblings[0] is element
            and all(sibling.tag in BLOCKS for sibling in siblings[1:]))


def _collect(element: lxml.html.HtmlElement, out: list[str]) -> None:
    if not isinstance(element.tag, str) or _hidden(element) or _name_entry(element):
        if element.tail:
            out.append(element.tail)
        return
    if element.tag == "br":  # a line break parts two words, as a space does
        out.append(" ")
    block = element.tag in BLOCKS
    if block:
        out.append(_BREAK)
    if element.text:
        out.append(element.text)
    for child in element:
        _collect(child, out)
    if block:
        out.append(_BREAK)
    if element.tail:
        out.append(element.tail)


PAGE = "//body"  # header, main content and footer: all a person reads on the page
MAIN = "//main"


def units(html: str, where: str = MAIN) -> list[str]:
    """The blocks of text a person reads in the elements XPath `where` finds, in order."""
    found = lxml.html.document_fromstring(html).xpath(where)
    parts: list[str] = []
    for element in found:
        _collect(element, parts)
    return [text for text in (_SPACE.sub(" ", chunk).strip()
                              for chunk in "".join(parts).split(_BREAK)) if text]


def readable_text(html: str, where: str = MAIN) -> str:
    """The text with every block ending as a sentence."""
    return " ".join(text if text.endswith(_ENDS_SENTENCE) else text + "."
                    for text in units(html, where))


def reading_grade(html: str, where: str = MAIN) -> float:
    """The Flesch–Kincaid grade of the visible text in `where`."""
    text = readable_text(html, where)
    return float(textstat.flesch_kincaid_grade(text)) if text else 0.0


def hardest_sentences(html: str, where: str = MAIN, count: int = 5) -> list[str]:
    """The sentences that push the grade up most: for a failure message worth reading."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", readable_text(html, where))
                 if len(s.split()) >= 3]
    return sorted(sentences, key=lambda s: -float(textstat.flesch_kincaid_grade(s)))[:count]
