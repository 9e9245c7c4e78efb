"""The shared form layer: control characters never get past it; the rest is left alone."""

from __future__ import annotations

from starlette.datastructures import FormData

from app.forms import clean_query_string, form_values


def test_form_values_drop_control_characters_but_keep_tabs_and_new_lines() -> None:
    values = form_values(FormData([("note", "Line\x00 one\r\n\tline\x1b two\x7f\x85"),
                                   ("csrf_token", "x")]))
    assert values == {"note": "Line one\r\n\tline two"}


def test_a_query_string_loses_control_characters_and_nothing_else() -> None:
    assert clean_query_string(b"q=caf%C3%A9%00+bar%01&kind=") == b"q=caf%C3%A9+bar&kind="
    untouched = b"q=caf%C3%A9+bar&page=2&a%5B%5D=1"
    assert clean_query_string(untouched) is untouched
