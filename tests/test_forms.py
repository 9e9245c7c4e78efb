"""Date inputs read what people type in the month box: a number or the month's name."""

from __future__ import annotations

from datetime import date

import pytest

from app.forms import date_from_parts


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
