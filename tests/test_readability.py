"""What text the reading-grade tests read (tests/readability.py): a list of names is not prose."""

from __future__ import annotations

from tests.readability import readable_text, reading_grade

AREAS = ("Middlesbrough", "Northumberland", "Stockton-on-Tees")


def _page(body: str) -> str:
    return f"<html><body><main><h1>Council areas</h1>{body}</main></body></html>"


def test_a_list_or_table_of_links_to_names_is_not_read_as_sentences() -> None:
    items = "".join(f'<li><a href="/a" translate="no">{name}</a></li>' for name in AREAS)
    rows = "".join(f'<tr><th><a href="/a" translate="no">{name}</a></th><td>2</td></tr>'
                   for name in AREAS)
    assert readable_text(_page(f"<ul>{items}</ul>")) == "Council areas."
    assert readable_text(_page(f"<table>{rows}</table>")) == "Council areas. 2. 2. 2."


def test_a_list_item_that_starts_with_a_name_and_holds_a_list_of_its_own() -> None:
    page = _page('<ul><li><a href="/o" translate="no">Walsall Carers Centre</a>'
                 "<ul><li>Plan published</li></ul></li></ul>")
    assert readable_text(page) == "Council areas. Plan published."


def test_names_still_count_unless_they_stand_alone_as_marked_links() -> None:
    unmarked = "".join(f'<li><a href="/a">{name}</a></li>' for name in AREAS)
    in_a_sentence = ('<li>Groups in <a href="/a" translate="no">Middlesbrough</a> '
                     "signed up.</li>")
    not_a_link = '<li><span translate="no">Northumberland</span></li>'
    page = _page(f"<ul>{unmarked}{in_a_sentence}{not_a_link}</ul>")
    assert readable_text(page) == ("Council areas. Middlesbrough. Northumberland. "
                                   "Stockton-on-Tees. Groups in Middlesbrough signed up. "
                                   "Northumberland.")
    # Names of many syllables make a list of them score as very hard to read.
    assert reading_grade(_page(f"<ul>{unmarked}</ul>")) > 10
