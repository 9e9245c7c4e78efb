"""How hard a page is to read: the Flesch–Kincaid grade of the text a person sees.

Many of our users have learning disabilities: public pages aim for grade 5 or below (a
reading age of about 10), and grade 3 or below in Easy Read mode. `textstat` (pinned in
requirements-dev.lock) does the counting; this module decides what text a person reads.

Headings, list items, table cells, labels and buttons carry no full stop, but each is read
as a unit of its own: each block ends a sentence, or a menu of ten links would count as one
long sentence. Hidden text (`hidden`, `aria-hidden`, visually hidden, <script>, <style>,
<template>) is left out: it is not what the page shows.
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
HIDDEN_CLASSES = {"govuk-visually-hidden", "govuk-visually-hidden-focusable", "govuk-skip-link"}
_SPACE = re.compile(r"\s+")
_ENDS_SENTENCE = (".", "!", "?")
_BREAK = "\x00"  # where a block starts or ends (a newline in the HTML is only a space)


def _hidden(element: lxml.html.HtmlElement) -> bool:
    classes = set((element.get("class") or "").split())
    return (element.get("hidden") is not None or element.get("aria-hidden") == "true"
            or bool(classes & HIDDEN_CLASSES) or element.tag in SKIPPED)


def _collect(element: lxml.html.HtmlElement, out: list[str]) -> None:
    if not isinstance(element.tag, str) or _hidden(element):
        if element.tail:
            out.append(element.tail)
        return
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
