"""The shared form layer: control characters never get past it; dates read what people type."""

from __future__ import annotations

from datetime import date

import pytest
from starlette.datastructures import FormData

from app.forms import clean_query_string, date_from_parts, form_values, page_number


def test_form_values_drop_control_characters_but_keep_tabs_and_new_lines() -> None:
    values = form_values(FormData([("note", "Line\x00 one\r\n\tline\x1b two\x7f\x85"),
                                   ("csrf_token", "x")]))
    assert values == {"note": "Line one\r\n\tline two"}


def test_a_query_string_loses_control_characters_and_nothing_else() -> None:
    assert clean_query_string(b"q=caf%C3%A9%00+bar%01&kind=") == b"q=caf%C3%A9+bar&kind="
    untouched = b"q=caf%C3%A9+bar&page=2&a%5B%5D=1"
    assert clean_query_string(untouched) is untouched


def _due(day: str, month: str, year: str) -> tuple[date | None, str | None]:
    return date_from_parts({"due-day": day, "due-month": month, "due-year": year}, "due",
                           "the due date")


@pytest.mark.parametrize("month", ["4", "04", "April", "april", "APR", "apr", "Apr."])
def test_month_box_takes_a_number_or_a_name(month: str) -> None:
    assert _due("1", month, "2027") == (date(2027, 4, 1), None)


@pytest.mark.parametrize(("month", "number"), [("Sept", 9), ("sep", 9), ("May", 5),
                                               ("mar", 3), ("December", 12)])
def test_every_month_name(month: str, number: int) -> None:
    assert _due("2", month, "2027") == (date(2027, number, 2), None)


@pytest.mark.parametrize("month", ["Ap", "Aprill", "13", "Smarch", "ju"])
def test_a_month_that_is_not_one_is_still_an_error(month: str) -> None:
    assert _due("1", month, "2027") == (None, "The due date must be a real date, like 31 3 2027")


@pytest.mark.parametrize(("asked", "page"), [(None, 1), ("", 1), ("3", 3), ("0", 1), ("-2", 1),
                                             ("two", 1), ("99999999999", 100_000)])
def test_a_page_number_in_the_address_is_a_page_or_the_first(asked: str | None,
                                                             page: int) -> None:
    assert page_number(asked) == page
