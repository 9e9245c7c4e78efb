"""An unconfirmed, a hidden and a non-public organisation never appear on the public side."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.directory.builders import database, unlisted_trio

PATHS = [
    "/", "/organisations", "/organisations?q=secret", "/organisations?kind=council",
    "/organisations?area=E08000001", "/organisations?status=plan_published", "/areas",
    "/areas/E08000001", "/regions/E12000002", "/map", "/map?kind=council", "/map.svg",
    "/api/v1/organisations", "/api/v1/organisations?q=secret", "/api/v1/organisations.csv",
    "/api/v1/commitments.csv", "/api/v1/organisations.geojson", "/api/v1/areas",
    "/api/v1/areas.csv",
]


def test_unlisted_organisations_are_absent_everywhere(client: TestClient,
                                                      database_url: str) -> None:
    with database(database_url) as db:
        trio = unlisted_trio(db)
        db.commit()
        slugs = [organisation.slug for organisation in trio]
    for path in PATHS:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Secret" not in response.text, path
        for slug in slugs:
            assert slug not in response.text, (path, slug)
    for slug in slugs:
        assert client.get(f"/organisations/{slug}").status_code == 404
        assert client.get(f"/api/v1/organisations/{slug}").status_code == 404
    # Bolton's council did not sign up as far as the public can tell.
    assert "Bolton: council has not signed up; no organisations signed up" \
        in client.get("/map").text
    assert '"total":0' in client.get("/api/v1/organisations").text.replace(" ", "")
