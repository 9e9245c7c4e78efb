"""Every public page and export of a database, rendered by whichever `app` is importable.

Used by tests/test_view_migration.py on both sides of a migration: run as a script with the
code of an earlier revision first on PYTHONPATH, it loads the demo with that code into an
empty database, adds a view's evidence file, and records the pages; imported by the test,
it renders the same addresses with today's code. It imports nothing from `tests`, so that
the earlier revision's `app` is the only one it sees.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

CSRF = re.compile(r'(name="csrf[-_]token" (?:content|value)=")[^"]*(")')
SEED, ORGS = 11, 30
EVIDENCE_FILE = b"what,who\nleaflet,members\n"


def settings_for(database_url: str, folder: Path, markers: Path) -> Any:
    from app.config import Settings
    return Settings(database_url=database_url, markers_dir=markers,
                    upload_dir=folder / "uploads", outbox_dir=folder / "outbox",
                    base_url="http://testserver")


def public_urls(database_url: str) -> list[str]:
    """The addresses of every public page and export the data has (tables both revisions
    share, so the list is the same before and after)."""
    from app.db import normalise_url
    engine = create_engine(normalise_url(database_url))
    listed = ("confirmed AND public AND hidden_reason IS NULL AND merged_into_id IS NULL")
    with engine.connect() as db:
        slugs = list(db.execute(text(f"SELECT slug FROM organisation WHERE {listed} "
                                     "ORDER BY slug")).scalars())
        publications = db.execute(text(
            "SELECT o.slug, p.number, p.id FROM publication p JOIN organisation o "
            f"ON o.id = p.organisation_id WHERE {listed.replace('hidden', 'o.hidden')} "
            "ORDER BY o.slug, p.number")).all()
        areas = list(db.execute(text("SELECT DISTINCT area_code FROM organisation_area "
                                     "ORDER BY area_code")).scalars())
        regions = list(db.execute(text("SELECT DISTINCT a.region_code FROM area a JOIN "
                                       "organisation_area oa ON oa.area_code = a.gss_code "
                                       "WHERE a.region_code IS NOT NULL "
                                       "ORDER BY a.region_code")).scalars())
    engine.dispose()
    urls = ["/", "/organisations", "/map", "/areas", "/open-data", "/feed.atom",
            "/api/v1/organisations", "/api/v1/organisations.csv",
            "/api/v1/organisations.geojson", "/api/v1/commitments.csv", "/api/v1/areas",
            "/api/v1/areas.csv", "/api/v1/datapackage.json"]
    for slug in slugs:
        urls += [f"/organisations/{slug}", f"/organisations/{slug}/independent-views",
                 f"/organisations/{slug}/action-plan", f"/organisations/{slug}/action-plan.csv",
                 f"/organisations/{slug}/changes", f"/organisations/{slug}/feed.atom",
                 f"/api/v1/organisations/{slug}"]
    for slug, number, publication_id in publications:
        urls += [f"/organisations/{slug}/publications/{number}",
                 f"/api/v1/publications/{publication_id}"]
    urls += [f"/areas/{code}" for code in areas] + [f"/areas/{code}/feed.atom"
                                                     for code in areas]
    urls += [f"/regions/{code}" for code in regions]
    return urls


def render(settings: Any, urls: list[str]) -> dict[str, str]:
    """Each address's status and body, CSRF tokens blanked (they differ on every visit)."""
    from app.main import create_app
    pages = {}
    with TestClient(create_app(settings)) as client:
        for url in urls:
            response = client.get(url, follow_redirects=False)
            pages[url] = f"{response.status_code}\n" + CSRF.sub(r"\1\2", response.text)
    return pages


def add_view_evidence_file(settings: Any) -> dict[str, Any]:
    """With the earlier revision's services: a file on the first draft view's first rated
    marker, as a person would upload it."""
    from app.views.models import IndependentView  # type: ignore[attr-defined]
    from sqlmodel import Session, select

    from app.assessments.evidence import NewEvidence, store_upload
    from app.assessments.models import EvidenceKind
    from app.db import engine_for
    from app.views import repository, service

    with Session(engine_for(settings.database_url)) as db:
        view = db.exec(select(IndependentView).order_by(IndependentView.id)).first()
        rating = next(r for _code, r in sorted(repository.ratings_of(db, view.id).items())
                      if r.level)
        stored = store_upload(io.BytesIO(EVIDENCE_FILE), file_name="What we heard.csv",
                              upload_dir=settings.upload_dir, max_mb=1)
        service.add_evidence(db, actor_id=view.created_by_id, organisation_id=view.organisation_id,
                             rating=rating, new=NewEvidence(kind=EvidenceKind.file,
                                                            text="Notes from the meeting"),
                             stored=stored)
        db.commit()
        return {"organisation_id": view.organisation_id, "marker_code": rating.marker_code,
                "stored_name": stored.stored_name}


def main() -> None:
    """Old side: migrate an empty database, load the demo, add a file, record the pages.
    With `--after`: migrate that database with the code on PYTHONPATH and render the same
    addresses (after.json)."""
    if sys.argv[1] == "--after":
        database_url, folder, markers = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
        from app.schema import upgrade
        upgrade(database_url)
        urls = json.loads((folder / "before.json").read_text())["urls"]
        (folder / "after.json").write_text(json.dumps(
            render(settings_for(database_url, folder, markers), urls)))
        return
    database_url, folder, markers = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    from app.demo import load_demo
    from app.schema import upgrade
    upgrade(database_url)
    settings = settings_for(database_url, folder, markers)
    load_demo(settings, orgs=ORGS, seed=SEED, only_if_empty=False)
    evidence = add_view_evidence_file(settings)
    urls = public_urls(database_url)
    (folder / "before.json").write_text(json.dumps(
        {"urls": urls, "pages": render(settings, urls), "evidence": evidence}))


if __name__ == "__main__":
    main()
