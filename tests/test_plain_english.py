"""Every public page reads at Flesch–Kincaid grade 5 or below, and 3 or below in Easy Read.

Measured over the text a person sees (tests/readability.py) on the demo's pages, so the
organisation pages hold the kind of words organisations write. Run with `-s` and
`MIR_PRINT_GRADES=1` to print each page's grade.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.demo import load_demo
from app.templating import EASY_READ_COOKIE
from tests.demo_pages import public_pages
from tests.readability import PAGE, hardest_sentences, reading_grade

STANDARD_GRADE = 5.0
EASY_READ_GRADE = 3.0


@pytest.fixture
def demo(settings: Settings, database_url: str) -> Iterator[list[str]]:
    load_demo(settings, orgs=120, seed=7, only_if_empty=False)
    yield public_pages(database_url)


def _report(client: TestClient, pages: list[str], *, easy_read: bool, limit: float) -> None:
    """Fail naming each page above `limit`, with its hardest sentences."""
    client.cookies.set(EASY_READ_COOKIE, "1" if easy_read else "0")
    too_hard: list[str] = []
    printed: list[str] = []
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        grade = reading_grade(response.text, PAGE)
        printed.append(f"{grade:5.1f}  {path}")
        if grade > limit:
            too_hard.append(f"{path}: grade {grade:.1f}; hardest: "
                            + " | ".join(hardest_sentences(response.text, PAGE)))
    if os.environ.get("MIR_PRINT_GRADES"):
        print(f"\nReading grades ({'Easy Read' if easy_read else 'standard'}):")
        print("\n".join(printed))
    assert not too_hard, (f"pages above grade {limit:g}"
                          f"{' in Easy Read' if easy_read else ''}:\n" + "\n".join(too_hard))


def test_public_pages_read_at_grade_5_or_below(demo: list[str], client: TestClient) -> None:
    _report(client, demo, easy_read=False, limit=STANDARD_GRADE)


def test_easy_read_pages_read_at_grade_3_or_below(demo: list[str], client: TestClient) -> None:
    _report(client, demo, easy_read=True, limit=EASY_READ_GRADE)
