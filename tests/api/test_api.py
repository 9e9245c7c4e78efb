"""The open data API: JSON, pages of results, CSV, GeoJSON, the data package, OpenAPI, CORS."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from frictionless import Package

from app.clock import today
from tests.directory.builders import database, publish, unlisted_trio
from tests.factories import make_commitment, make_organisation

FRAMEWORK = "making-it-real-2018"


def seed(database_url: str) -> None:
    with database(database_url) as db:
        bolton = make_organisation(db, name="Bolton Council", kind="council",
                                   areas=("E08000001",), latitude=53.578, longitude=-2.429,
                                   website="https://www.bolton.gov.uk", org_ids="GB-LAE-BOL",
                                   verified=True, description="The council, with \"quotes\", "
                                                              "commas and\na new line")
        make_commitment(db, bolton, signed_up_on=today() - timedelta(days=40))
        publish(db, bolton, on=today() - timedelta(days=10))
        publish(db, bolton, "progress", on=today() - timedelta(days=1), hidden_reason="Oops")
        for number in range(24):
            organisation = make_organisation(db, name=f"Group {number:02d}", kind="voluntary",
                                             areas=("E08000010",))
            if number % 2:
                make_commitment(db, organisation, signed_up_on=today() - timedelta(days=200))
        merged_into = make_organisation(db, name="Wigan Together", areas=("E08000010",))
        make_organisation(db, name="Old Wigan Group", slug="old-wigan-group",
                          merged_into_id=merged_into.id)
        unlisted_trio(db)
        db.commit()


def test_organisations_are_paged_with_links_and_meta(client: TestClient,
                                                     database_url: str) -> None:
    seed(database_url)
    first = client.get("/api/v1/organisations")
    assert first.status_code == 200
    body = first.json()
    assert body["meta"] == {"total": 26, "page": 1, "per_page": 20}
    assert len(body["data"]) == 20
    assert body["links"] == {
        "self": "http://testserver/api/v1/organisations?page=1",
        "first": "http://testserver/api/v1/organisations?page=1",
        "last": "http://testserver/api/v1/organisations?page=2",
        "prev": None,
        "next": "http://testserver/api/v1/organisations?page=2",
    }
    second = client.get(body["links"]["next"].removeprefix("http://testserver")).json()
    assert len(second["data"]) == 6 and second["links"]["next"] is None
    assert second["links"]["prev"] == "http://testserver/api/v1/organisations?page=1"
    names = [item["name"] for item in body["data"] + second["data"]]
    assert names == sorted(names, key=str.lower)
    assert not any(name.startswith(("Secret", "Old Wigan")) for name in names)
    bolton = body["data"][0]
    assert bolton == {
        "slug": "bolton-council", "name": "Bolton Council", "kind": "council",
        "kind_label": "Council",
        "description": "The council, with \"quotes\", commas and\na new line",
        "website": "https://www.bolton.gov.uk", "org_ids": ["GB-LAE-BOL"], "verified": True,
        "areas": [{"code": "E08000001", "name": "Bolton"}],
        "location": {"latitude": 53.578, "longitude": -2.429},
        "commitments": [{"framework": FRAMEWORK, "framework_title": "Making It Real (2018)",
                         "signed_up_on": str(today() - timedelta(days=40)),
                         "withdrawn_on": None, "status": "progress_reported",
                         "status_label": "Progress reported"}],
        "links": {"html": "http://testserver/organisations/bolton-council",
                  "api": "http://testserver/api/v1/organisations/bolton-council"},
    }


def test_filters_work_as_in_the_directory(client: TestClient, database_url: str) -> None:
    seed(database_url)

    def slugs(query: str) -> list[str]:
        response = client.get(f"/api/v1/organisations?{query}&per_page=100")
        assert response.status_code == 200, response.text
        return [item["slug"] for item in response.json()["data"]]

    assert slugs("kind=council") == ["bolton-council"]
    assert slugs("q=BOLTON") == ["bolton-council"]
    assert slugs("area=E08000001") == ["bolton-council"]
    assert len(slugs("region=E12000002")) == 26
    assert len(slugs(f"framework={FRAMEWORK}")) == 13
    assert len(slugs("status=plan_overdue")) == 12
    # The hidden progress report still counts: it was published.
    assert slugs("status=progress_reported") == ["bolton-council"]
    assert slugs("status=plan_published") == []
    links = client.get("/api/v1/organisations?kind=voluntary&per_page=5&page=2").json()["links"]
    assert links["next"] == \
        "http://testserver/api/v1/organisations?kind=voluntary&page=3&per_page=5"
    for bad in ("kind=nonsense", "status=great", "framework=nope", "area=E99999999",
                "sort=score", "per_page=1000", "page=0"):
        assert client.get(f"/api/v1/organisations?{bad}").status_code == 422, bad


def test_one_organisation_with_its_publications(client: TestClient,
                                                database_url: str) -> None:
    seed(database_url)
    body = client.get("/api/v1/organisations/bolton-council").json()
    assert [(p["number"], p["kind"]) for p in body["publications"]] == [(1, "plan")]
    assert body["publications"][0]["url"] == \
        "http://testserver/organisations/bolton-council/publications/1"
    moved = client.get("/api/v1/organisations/old-wigan-group", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == "/api/v1/organisations/wigan-together"
    for slug in ("secret-unconfirmed", "secret-hidden", "secret-private", "nobody"):
        missing = client.get(f"/api/v1/organisations/{slug}")
        assert missing.status_code == 404
        assert missing.json() == {"detail": "There is no organisation at this address."}


def test_areas_and_frameworks(client: TestClient, database_url: str) -> None:
    seed(database_url)
    areas = client.get("/api/v1/areas").json()["data"]
    assert len(areas) == 153
    bolton = next(area for area in areas if area["code"] == "E08000001")
    assert bolton["organisations_signed_up"] == 1
    assert bolton["region"] == {"code": "E12000002", "name": "North West"}
    assert {"framework": FRAMEWORK, "status": "progress_reported",
            "status_label": "Progress reported", "council": "bolton-council"} \
        in bolton["councils"]
    cumberland = next(area for area in areas if area["code"] == "E06000063")
    assert cumberland["former_codes"] == ["E10000006"]
    frameworks = client.get("/api/v1/frameworks").json()["data"]
    assert [f["id"] for f in frameworks] == ["making-it-real-2018", "making-it-real-2012"]
    detail = client.get(f"/api/v1/frameworks/{FRAMEWORK}").json()
    assert detail["themes"] and detail["themes"][0]["markers"][0]["code"]
    assert client.get("/api/v1/frameworks/nope").status_code == 404


def _csv(client: TestClient, path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_csv_matches_the_json(client: TestClient, database_url: str) -> None:
    seed(database_url)
    rows = _csv(client, "/api/v1/organisations.csv")
    items = client.get("/api/v1/organisations?per_page=100").json()["data"]
    assert [row["slug"] for row in rows] == [item["slug"] for item in items]
    for row, item in zip(rows, items, strict=True):
        assert row["name"] == item["name"] and row["kind"] == item["kind"]
        assert row["description"] == item["description"]
        assert row["area_codes"].split(";") == [area["code"] for area in item["areas"]]
        assert row["verified"] == ("true" if item["verified"] else "false")
        if item["location"]:
            assert float(row["latitude"]) == item["location"]["latitude"]
            assert float(row["longitude"]) == item["location"]["longitude"]
        else:
            assert row["latitude"] == row["longitude"] == ""
    commitments = _csv(client, "/api/v1/commitments.csv")
    expected = [(item["slug"], c["framework"], c["status"], c["signed_up_on"])
                for item in items for c in item["commitments"]]
    assert [(r["organisation_slug"], r["framework"], r["status"], r["signed_up_on"])
            for r in commitments] == expected
    assert [row["slug"] for row in _csv(client, "/api/v1/organisations.csv?kind=council")] \
        == ["bolton-council"]
    areas = _csv(client, "/api/v1/areas.csv")
    assert len(areas) == 153
    assert "Secret" not in client.get("/api/v1/organisations.csv").text


def test_geojson_points_are_longitude_then_latitude(client: TestClient,
                                                   database_url: str) -> None:
    seed(database_url)
    response = client.get("/api/v1/organisations.geojson")
    assert response.headers["content-type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 1  # only Bolton gave a location (the trio are unlisted)
    feature = data["features"][0]
    assert feature["type"] == "Feature" and feature["id"] == "bolton-council"
    assert feature["geometry"] == {"type": "Point", "coordinates": [-2.429, 53.578]}
    assert feature["properties"]["statuses"] == {FRAMEWORK: "progress_reported"}
    assert feature["properties"]["url"] == "http://testserver/organisations/bolton-council"


def test_datapackage_validates_with_frictionless(client: TestClient, database_url: str,
                                                 tmp_path: Path) -> None:
    seed(database_url)
    descriptor = client.get("/api/v1/datapackage.json").json()
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    for resource in descriptor["resources"]:
        (tmp_path / resource["path"]).write_bytes(
            client.get(f"/api/v1/{resource['path']}").content)
    package = Package(str(tmp_path / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = package.get_resource("organisations").read_rows()
    assert rows[0]["slug"] == "bolton-council" and rows[0]["verified"] is True
    assert package.get_resource("areas").read_rows()[0]["organisations_signed_up"] >= 0


def test_cors_is_open_for_reading(client: TestClient) -> None:
    response = client.get("/api/v1/frameworks", headers={"Origin": "https://example.com"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in response.headers
    preflight = client.options("/api/v1/organisations", headers={
        "Origin": "https://example.com", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "If-None-Match"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert preflight.headers["access-control-allow-methods"] == "GET, HEAD, OPTIONS"
    assert preflight.headers["access-control-allow-headers"] == "If-None-Match"
    assert "access-control-allow-origin" not in client.get("/organisations").headers


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/organisations", "/api/v1/organisations/{slug}", "/api/v1/areas",
                 "/api/v1/frameworks", "/api/v1/frameworks/{framework}",
                 "/api/v1/organisations.csv", "/api/v1/organisations.geojson",
                 "/api/v1/datapackage.json"):
        operation = spec["paths"][path]["get"]
        assert operation["tags"] == ["Open data"], path
        assert operation["summary"], path
    listing = spec["paths"]["/api/v1/organisations"]["get"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == \
        {"$ref": "#/components/schemas/OrganisationPage"}
    assert {p["name"] for p in listing["parameters"]} >= {
        "q", "kind", "area", "region", "framework", "status", "sort", "page", "per_page"}
    assert "text/csv" in spec["paths"]["/api/v1/organisations.csv"]["get"]["responses"]["200"][
        "content"]
    schemas = spec["components"]["schemas"]
    assert "examples" in schemas["OrganisationItem"]["properties"]["slug"]
    assert not any(name in schemas for name in ("Organisation", "Commitment", "Publication"))
    assert not any(path == "/organisations" or path.startswith(("/map", "/areas", "/regions"))
                   for path in spec["paths"])


@pytest.mark.parametrize("path", ["/api/v1/organisations", "/api/v1/organisations.csv",
                                  "/api/v1/organisations.geojson", "/api/v1/areas"])
def test_no_unlisted_organisation_in_any_output(client: TestClient, database_url: str,
                                                path: str) -> None:
    seed(database_url)
    text = client.get(path).text
    assert "Secret" not in text and "secret-" not in text and "Old Wigan" not in text


FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


def test_open_data_csv_cells_never_start_a_formula(client: TestClient,
                                                  database_url: str) -> None:
    """Anyone can register an organisation: its name must not run in a spreadsheet."""
    from app.areas.models import Area

    with database(database_url) as db:
        for number, start in enumerate(FORMULA_STARTS):
            organisation = make_organisation(
                db, name=f'{start}HYPERLINK("http://evil.test","x{number}")',
                description=f"{start}1+2", kind="council", areas=("E08000001",),
                slug=f"{start}org-{number}" if start.isprintable() else None,
                latitude=53.5, longitude=-2.5)
            make_commitment(db, organisation)
        area = db.get(Area, "E08000001")
        assert area is not None
        area.name = "=Bolton"
        db.add(area)
        db.commit()
    rows = _csv(client, "/api/v1/organisations.csv")
    assert sorted(row["name"][:2] for row in rows) == sorted(
        f"'{start}" for start in FORMULA_STARTS)
    assert all(row["description"].startswith("'") for row in rows)
    assert {row["area_names"] for row in rows} == {"'=Bolton"}
    assert {row["longitude"] for row in rows} == {"-2.5"}  # numbers stay numbers
    slugs = [row["organisation_slug"] for row in _csv(client, "/api/v1/commitments.csv")]
    assert sum(slug.startswith("'") for slug in slugs) == 4
    assert not any(slug.startswith(tuple(FORMULA_STARTS)) for slug in slugs)
    areas = {row["gss_code"]: row for row in _csv(client, "/api/v1/areas.csv")}
    assert areas["E08000001"]["name"] == "'=Bolton"
