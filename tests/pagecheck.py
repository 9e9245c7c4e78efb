"""The page checker run on every HTML response the test suite receives.

Each rule is something a disabled user would notice: a page with no title or two main
headings, a field with no label, duplicate ids breaking label and error-summary links,
a form that does nothing without JavaScript, or script hidden in event attributes.
"""

from __future__ import annotations

from collections import Counter

import lxml.html

LABELLED_INPUT_TYPES_EXEMPT = {"hidden", "submit", "button", "reset", "image"}


class PageProblem(AssertionError):
    pass


def check_html(html: str, *, fragment: bool = False, where: str = "page") -> None:
    """Raise PageProblem listing every rule the HTML breaks."""
    problems: list[str] = []
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div") if fragment \
            else lxml.html.document_fromstring(html)
    except Exception as error:  # lxml raises several error types for broken markup
        raise PageProblem(f"{where}: does not parse as HTML: {error}") from error

    if not fragment:
        if not html.lstrip().lower().startswith("<!doctype html>"):
            problems.append("does not start with <!DOCTYPE html>")
        titles = root.findall(".//title")
        if len(titles) != 1 or not (titles[0].text or "").strip():
            problems.append("needs exactly one non-empty <title>")
        h1s = root.findall(".//h1")
        if len(h1s) != 1:
            problems.append(f"needs exactly one <h1>, found {len(h1s)}")
        if not root.get("lang"):
            problems.append("<html> has no lang attribute")

    ids = Counter(element.get("id") for element in root.iter() if element.get("id"))
    problems.extend(f'id "{name}" is used {count} times' for name, count in ids.items()
                    if count > 1)

    labelled = {label.get("for") for label in root.iter("label") if label.get("for")}
    for field in root.iter("input", "select", "textarea"):
        if field.tag == "input" and field.get("type", "text") in LABELLED_INPUT_TYPES_EXEMPT:
            continue
        has_label = (
            field.get("id") in labelled
            or field.get("aria-label")
            or field.get("aria-labelledby")
            or any(ancestor.tag == "label" for ancestor in field.iterancestors())
        )
        if not has_label:
            problems.append(f'<{field.tag} name="{field.get("name")}"> has no label')

    for form in root.iter("form"):
        if not form.get("action") or not form.get("method"):
            problems.append(f"a <form> lacks action or method: {form.attrib}")

    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        handlers = [name for name in element.attrib if name.lower().startswith("on")]
        if handlers:
            problems.append(f"<{element.tag}> has inline event handlers {handlers}")
        if element.tag == "a" and element.get("href", "").strip().lower().startswith(
                "javascript:"):
            problems.append("a link uses a javascript: address")

    if problems:
        raise PageProblem(f"{where}:\n  " + "\n  ".join(problems))
