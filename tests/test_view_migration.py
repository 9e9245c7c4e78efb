"""Migration 0008 moves independent views into the one assessment model, and no public page
or export changes: a database filled by the demo of the revision before (its own code, in a
subprocess) is migrated by the revision that brought the one model (its own code too), then
every public address is rendered again and compared byte for byte (CSRF tokens aside). Later
revisions changed public pages on purpose (plainer words, reflow, people's voice), so today's
code then migrates the same database to the head and must answer every address without an
error; a view's evidence file, uploaded with the old code, still downloads from the view's
marker page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from app.assessments.models import Assessment, Evidence, Rating
from app.config import PROJECT_ROOT
from app.db import engine_for
from app.organisations.models import Organisation
from app.schema import downgrade, upgrade
from tests.conftest import MARKERS_DIR, checked_client
from tests.factories import add_member, login, make_user
from tests.public_pages import EVIDENCE_FILE, render, settings_for

# The revision before the one model: its demo fills the database, its code renders it.
BEFORE = "ba52a4d413cbb0a27b9dc920f4aaca3bd55f62f6"
# The revision that brought the one model (migration 0008) and changed no public page.
ONE_MODEL = "b9c7d5bb6a1b79c80d377b1f59046f762ea8d90b"


@pytest.fixture
def empty_database_url(database_url: str) -> str:
    """This test's database with every table removed: the old code runs its own migrations
    on it."""
    downgrade(database_url, "base")
    return database_url


def old_code(folder: Path, revision: str = BEFORE, name: str = "before") -> Path:
    """An earlier revision's files (from git), with today's built assets beside them."""
    archive = folder / f"{name}.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "archive", revision], cwd=PROJECT_ROOT, stdout=out, check=True)
    tree = folder / name
    with tarfile.open(archive) as source:
        source.extractall(tree, filter="data")
    (tree / "app" / "static" / "dist").symlink_to(PROJECT_ROOT / "app" / "static" / "dist")
    return tree


def test_views_move_into_assessments_and_no_public_page_changes(
        empty_database_url: str, tmp_path: Path) -> None:
    tree = old_code(tmp_path)
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    environment.pop("MIR_DATABASE_URL", None)
    subprocess.run([sys.executable, str(PROJECT_ROOT / "tests" / "public_pages.py"),
                    empty_database_url, str(tmp_path), str(tree / "markers")],
                   cwd=tree, env=environment, check=True, timeout=600)
    before = json.loads((tmp_path / "before.json").read_text())

    one_model = old_code(tmp_path, ONE_MODEL, "one-model")
    subprocess.run([sys.executable, str(PROJECT_ROOT / "tests" / "public_pages.py"), "--after",
                    empty_database_url, str(tmp_path), str(one_model / "markers")],
                   cwd=one_model, env={**environment, "PYTHONPATH": str(one_model)},
                   check=True, timeout=600)
    after = json.loads((tmp_path / "after.json").read_text())
    assert len(before["urls"]) > 100
    assert any("/independent-views" in url and "Local people" in page
               for url, page in before["pages"].items()), "the demo has no views to compare"
    changed = [url for url in before["urls"] if after[url] != before["pages"][url]]
    assert changed == [], f"{len(changed)} public pages changed, first {changed[0]}"

    upgrade(empty_database_url)  # today's head, from 0008
    settings = settings_for(empty_database_url, tmp_path, MARKERS_DIR)
    today = render(settings, before["urls"])
    failing = [url for url, page in today.items()
               if page[:3] != before["pages"][url][:3]]  # same answer (200, 404...), no error
    assert failing == [], (f"pages that fail after today's migrations: {failing}: "
                           f"{today[failing[0]][:3000] if failing else ''}")

    # The drafts are assessments of another organisation now, with their words and file.
    evidence = before["evidence"]
    with Session(engine_for(empty_database_url)) as db:
        views = db.exec(select(Assessment).where(
            col(Assessment.subject_organisation_id) != col(Assessment.organisation_id))).all()
        assert views and all(v.about_publication_id for v in views)
        assert all(r.working for v in views for r in db.exec(select(Rating).where(
            Rating.assessment_id == v.id, col(Rating.level).is_not(None))))
        item, rating, view = db.exec(
            select(Evidence, Rating, Assessment)
            .join(Rating, col(Rating.id) == col(Evidence.rating_id))
            .join(Assessment, col(Assessment.id) == col(Rating.assessment_id))
            .where(Evidence.stored_name == evidence["stored_name"])).one()
        assert view.organisation_id == evidence["organisation_id"] and view.is_view
        assert rating.marker_code == evidence["marker_code"]
        author = db.get(Organisation, view.organisation_id)
        assert author is not None
        member = make_user(db, email="checker@example.org")
        add_member(db, author, member, "viewer")
        db.commit()
        marker = f"/manage/{author.slug}/views/{view.id}/markers/{rating.marker_code}"
        download = f"/manage/{author.slug}/views/{view.id}/evidence/{item.id}/download"
    from app.main import create_app
    with checked_client(create_app(settings)) as client:
        login(client, "checker@example.org")
        page = client.get(marker)
        assert page.status_code == 200 and "What we heard.csv" in page.text
        assert download in page.text
        assert client.get(download).content == EVIDENCE_FILE
