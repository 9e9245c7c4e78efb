"""Council areas, former codes, regions, and site admins editing a region's network."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.areas.models import Region
from app.audit.models import AuditEvent
from app.clock import today
from tests.conftest import checked_client
from tests.directory.builders import database, publish, unlisted_trio
from tests.factories import csrf_token, login, make_commitment, make_organisation, make_user


def test_areas_lists_all_153_by_region_with_counts(client: TestClient,
                                                   database_url: str) -> None:
    with database(database_url) as db:
        for number in range(3):
            organisation = make_organisation(db, name=f"Bolton group {number}",
                                             areas=("E08000001",))
            make_commitment(db, organisation)
        make_organisation(db, name="Not signed up yet", areas=("E08000001",))
        unlisted_trio(db)
        db.commit()
    page = client.get("/areas")
    assert page.status_code == 200
    assert len(re.findall(r'<th scope="row" class="govuk-table__header"><a class="govuk-link" '
                          r'href="/areas/E\d{8}" translate="no">', page.text)) == 153
    assert len(re.findall(r'<h2 class="govuk-heading-l" id="region-E12', page.text)) == 9
    bolton = re.search(r'href="/areas/E08000001" translate="no">Bolton</a></th>\s*'
                       r'<td[^>]*>(\d+)</td>', page.text)
    assert bolton and bolton.group(1) == "3"
    assert 'href="/regions/E12000002"' in page.text


def test_area_page_shows_the_council_its_latest_publication_and_everyone_by_kind(
        client: TestClient, database_url: str) -> None:
    with database(database_url) as db:
        council = make_organisation(db, name="Bolton Council", kind="council",
                                    areas=("E08000001",))
        make_commitment(db, council, signed_up_on=today() - timedelta(days=60))
        publish(db, council, on=today() - timedelta(days=20))
        publish(db, council, "progress", on=today() - timedelta(days=2))
        publish(db, council, "progress", on=today() - timedelta(days=1), hidden_reason="Oops")
        for name, kind in (("Bolton Voices", "dpulo"), ("Bolton Care", "provider"),
                           ("Bolton Help", "provider")):
            make_commitment(db, make_organisation(db, name=name, kind=kind,
                                                  areas=("E08000001",)))
        make_organisation(db, name="Bolton Quiet", kind="other", areas=("E08000001",))
        unlisted_trio(db)
        db.commit()
    page = client.get("/areas/E08000001")
    assert page.status_code == 200
    assert "<h1 class=\"govuk-heading-xl\">Bolton</h1>" in page.text
    assert "Progress reported" in page.text
    # The latest publication that is not hidden.
    assert 'href="/organisations/bolton-council/publications/2">progress report 2, on ' \
        in page.text
    assert "Disabled people&#39;s user-led organisation (1)" in page.text
    assert "Care provider (2)" in page.text
    assert "1 other organisation working here has not signed up" in page.text
    assert "Secret" not in page.text
    assert 'href="/regions/E12000002"' in page.text


def test_area_without_a_council_signed_up(client: TestClient) -> None:
    page = client.get("/areas/E09000033")
    assert page.status_code == 200
    assert "The council for Westminster has not signed up" in page.text
    assert "No organisations working in Westminster have signed up yet." in page.text


def test_former_codes_redirect_or_list_both_successors(client: TestClient) -> None:
    moved = client.get("/areas/E10000002", follow_redirects=False)  # Buckinghamshire
    assert moved.status_code == 301
    assert moved.headers["location"] == "/areas/E06000060"
    assert client.get("/areas/e08000001", follow_redirects=False).headers["location"] == \
        "/areas/E08000001"
    for former, successors in (("E10000006", ["Cumberland", "Westmorland and Furness"]),
                               ("E10000021", ["North Northamptonshire",
                                              "West Northamptonshire"])):
        page = client.get(f"/areas/{former}")
        assert page.status_code == 200
        assert f"Council area {former} no longer exists" in page.text
        for name in successors:
            assert f">{name}</a>" in page.text
    missing = client.get("/areas/E99999999")
    assert missing.status_code == 404


def north_east_network(db: Session) -> None:
    region = db.get(Region, "E12000001")
    assert region is not None
    region.network_name, region.network_email = "North East MIR Network", "ne@example.org"
    db.add(region)


def test_region_page_shows_its_areas_and_the_network(client: TestClient,
                                                     database_url: str) -> None:
    with database(database_url) as db:
        north_east_network(db)
        council = make_organisation(db, name="Gateshead Council", kind="council",
                                    areas=("E08000037",))
        make_commitment(db, council)
        db.commit()
    page = client.get("/regions/E12000001")
    assert page.status_code == 200
    assert "North East MIR Network" in page.text
    assert 'href="mailto:ne@example.org"' in page.text
    assert len(re.findall(r'href="/areas/E\d{8}"', page.text)) == 12
    assert re.search(r"Gateshead</a></th>\s*<td[^>]*>Signed up</td>", page.text)
    assert "Change the network" not in page.text
    assert client.get("/regions/E12000010").status_code == 404


def test_region_page_shows_the_status_of_its_own_councils_only(client: TestClient,
                                                                database_url: str) -> None:
    with database(database_url) as db:
        gateshead = make_organisation(db, name="Gateshead Council", kind="council",
                                      areas=("E08000037",))
        make_commitment(db, gateshead)
        newcastle = make_organisation(db, name="Newcastle Council", kind="council",
                                      areas=("E08000021",))
        make_commitment(db, newcastle, signed_up_on=today() - timedelta(days=30)) \
            .withdrawn_on = today() - timedelta(days=1)
        bolton = make_organisation(db, name="Bolton Council", kind="council",
                                   areas=("E08000001",))
        make_commitment(db, bolton)
        db.commit()
    page = client.get("/regions/E12000001").text
    assert re.search(r"Gateshead</a></th>\s*<td[^>]*>Signed up</td>", page)
    assert re.search(r"Newcastle upon Tyne</a></th>\s*<td[^>]*>Withdrawn</td>", page)
    assert "Bolton" not in page
    assert re.search(r"Bolton</a></th>\s*<td[^>]*>Signed up</td>",
                     client.get("/regions/E12000002").text)


def test_site_admin_edits_network_contacts_with_validation_and_audit(
        client: TestClient, database_url: str) -> None:
    with database(database_url) as db:
        make_user(db, email="admin@example.org", admin=True)
        db.commit()
    login(client, "admin@example.org")
    assert "Change the network" in client.get("/regions/E12000002").text
    form = client.get("/admin/regions/E12000002")
    assert form.status_code == 200 and "Network contact details" in form.text
    token = csrf_token(client, "/admin/regions/E12000002")
    refused = client.post("/admin/regions/E12000002", data={
        "csrf_token": token, "network_email": "not an email", "network_website": "nope",
        "network_notes": "x" * 2001})
    assert refused.status_code == 200
    assert "There is a problem" in refused.text
    assert "Enter an email address in the correct format" in refused.text
    assert "Enter a web address in the correct format" in refused.text
    assert "This must be 2000 characters or fewer" in refused.text
    assert 'href="#network_email"' in refused.text
    saved = client.post("/admin/regions/E12000002", data={
        "csrf_token": token, "network_name": "North West network",
        "network_email": "NW@Example.org", "network_website": "www.example.org/nw",
        "network_notes": "Meets monthly."}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/regions/E12000002"
    page = client.get("/regions/E12000002")
    assert "The North West network&#39;s contact details have been saved." in page.text
    assert "North West network" in page.text and "nw@example.org" in page.text
    assert 'href="https://www.example.org/nw"' in page.text
    with database(database_url) as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "region.update")).one()
        assert event.subject == "region:E12000002"
        assert event.before is not None and event.before["network_name"] == ""
        assert event.after is not None and event.after["network_email"] == "nw@example.org"


def test_people_who_are_not_site_admins_cannot_edit_networks(app: object,
                                                             database_url: str) -> None:
    with database(database_url) as db:
        make_user(db, email="person@example.org")
        db.commit()
    with checked_client(app) as anonymous:  # type: ignore[arg-type]
        assert anonymous.get("/admin/regions/E12000002", follow_redirects=False) \
            .headers["location"].startswith("/login")
        token = csrf_token(anonymous, "/")
        posted = anonymous.post("/admin/regions/E12000002", follow_redirects=False,
                                data={"csrf_token": token, "network_name": "Mine"})
        assert posted.headers["location"].startswith("/login")
    with checked_client(app) as person:  # type: ignore[arg-type]
        login(person, "person@example.org")
        assert person.get("/admin/regions/E12000002").status_code == 403
        token = csrf_token(person, "/")
        assert person.post("/admin/regions/E12000002",
                           data={"csrf_token": token, "network_name": "Mine"}).status_code == 403
    with database(database_url) as db:
        region = db.get(Region, "E12000002")
        assert region is not None and region.network_name == ""


def test_regions_lists_every_region_with_its_network(client: TestClient,
                                                     database_url: str) -> None:
    with database(database_url) as db:
        north_east_network(db)
        db.commit()
    page = client.get("/regions")
    assert page.status_code == 200
    assert len(set(re.findall(r'href="/regions/(E12\d{6})"', page.text))) == 9
    assert "North East MIR Network" in page.text
    assert 'href="mailto:ne@example.org"' in page.text
    assert "12 council areas" in page.text
    assert "We do not have contact details for this region" in page.text  # the others
    assert 'href="/regions"' in client.get("/regions/E12000001").text
