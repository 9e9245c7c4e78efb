"""The home page: what this is, plus headline figures and the latest publications."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from app.clock import today
from tests.directory.builders import database, publish, unlisted_trio
from tests.factories import make_commitment, make_organisation


def test_home_keeps_its_content_and_adds_figures(client: TestClient, database_url: str) -> None:
    with database(database_url) as db:
        bolton = make_organisation(db, name="Bolton Council", kind="council",
                                   areas=("E08000001",))
        make_commitment(db, bolton, signed_up_on=today() - timedelta(days=50))
        publish(db, bolton, on=today() - timedelta(days=3))
        wigan = make_organisation(db, name="Wigan Council", kind="council",
                                  areas=("E08000010",))
        make_commitment(db, wigan)
        for number in range(2):
            make_commitment(db, make_organisation(db, name=f"Voices {number}", kind="dpulo"))
        make_organisation(db, name="Not yet", kind="provider")
        hidden_note = make_organisation(db, name="Hidden Notes", kind="voluntary")
        make_commitment(db, hidden_note)
        publish(db, hidden_note, hidden_reason="Personal details")
        unlisted_trio(db)
        db.commit()
    page = client.get("/")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "How signing up works" in text  # the existing content stays
    assert '<span class="mir-figure__number">5</span> groups have signed up' in text
    assert 'href="/organisations?kind=council">Council</a>: 2' in text
    assert "Disabled people&#39;s user-led organisation</a>: 2" in text
    assert "Care provider</a>" not in text  # nobody of that kind signed up
    assert '<span class="mir-figure__number">1</span> of 153 councils have put out a plan' in text
    assert 'href="/organisations/bolton-council/publications/1">Bolton Council: action plan' \
        in text
    assert "Hidden Notes:" not in text and "Secret" not in text
    for link in ('href="/map"', 'href="/organisations"', 'href="/areas"', 'href="/open-data"'):
        assert link in text


def test_open_data_page_explains_fields_licence_and_updates(client: TestClient) -> None:
    page = client.get("/open-data")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "Creative Commons Attribution 4.0 (CC BY 4.0)" in text
    assert "Open Government Licence v3.0" in text and "Office for National Statistics" in text
    assert "A change shows as soon as a group signs up" in text
    for link in ("/api/v1/organisations.csv", "/api/v1/organisations.geojson",
                 "/api/v1/datapackage.json", "/api/v1/openapi.json"):
        assert f'href="{link}"' in text
