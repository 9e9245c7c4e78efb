"""`mir backup` / `mir restore`: round trips between engines, and every refusal."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlmodel import Session

from app.backup import BackupError, Summary, backup, restore
from app.cli import main
from app.config import Settings, get_settings
from app.db import engine_for, metadata
from app.demo import load_demo
from tests.conftest import MARKERS_DIR, POSTGRES_URL, _admin_engine, _pg_url
from tests.factories import make_organisation, make_user

ROUND_TRIPS = [("sqlite", "sqlite")] + (
    [("sqlite", "postgresql"), ("postgresql", "sqlite"), ("postgresql", "postgresql")]
    if POSTGRES_URL
    else []
)


class Databases:
    """Blank or migrated databases of either engine, dropped at the end of the test."""

    def __init__(self, tmp_path: Path, templates: dict[str, str]) -> None:
        self.tmp_path, self.templates = tmp_path, templates
        self.made: list[tuple[str, str]] = []

    def new(self, kind: str, *, migrated: bool = True) -> str:
        name = f"mir_backup_{uuid.uuid4().hex[:10]}"
        if kind == "sqlite":
            path = self.tmp_path / f"{name}.db"
            if migrated:
                shutil.copy(self.templates["sqlite"], path)
            url = f"sqlite:///{path}"
        else:
            template = f' TEMPLATE "{self.templates["postgresql"]}"' if migrated else ""
            with _admin_engine().connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"{template}'))
            url = _pg_url(name)
        self.made.append((kind, url))
        return url

    def drop_all(self) -> None:
        for kind, url in self.made:
            engine_for(url).dispose()
            if kind == "postgresql":
                name = url.rsplit("/", 1)[-1]
                with _admin_engine().connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def databases(tmp_path: Path, migrated_templates: dict[str, str]) -> Iterator[Databases]:
    made = Databases(tmp_path, migrated_templates)
    yield made
    made.drop_all()


def fill(url: str, upload_dir: Path) -> None:
    """Demo data, awkward rows (a forward self-reference, Unicode, JSON) and files."""
    settings = Settings(database_url=url, markers_dir=MARKERS_DIR, upload_dir=upload_dir)
    load_demo(settings, orgs=20, seed=7, only_if_empty=False)
    with Session(engine_for(url)) as db:
        user = make_user(db, name="Zoë O’Brien — “quotes” & <tags> 🙂")
        first = make_organisation(db, owner=user, name="Première Voix")
        second = make_organisation(db, name="Second Voices")
        first.possible_duplicate_of_id = second.id  # points at a later row
        db.add(first)
        db.commit()
    rng = random.Random(11)
    files = {
        "a1b2c3.pdf": rng.randbytes(200_000),
        "empty.txt": b"",
        "notes with spaces ü.txt": "Évidence, in UTF-8.\n".encode(),
        "published/plan-2025.pdf": rng.randbytes(50_000),
        "published/nested/photo.jpg": rng.randbytes(10_000),
    }
    for name, data in files.items():
        path = upload_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def dump(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as Python values, in primary key order."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with engine_for(url).connect() as connection:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(select(table).order_by(*order)).mappings()
            tables[table.name] = [dict(row) for row in rows]
    return tables


def hashes(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def figures(label: str, summary: Summary) -> str:
    return (
        f"{label}: {summary.total_rows} rows, {summary.files} files, "
        f"{summary.file_bytes} bytes of files, archive {summary.archive_bytes} bytes, "
        f"{summary.seconds:.2f} s"
    )


@pytest.mark.parametrize(
    ("source_kind", "target_kind"), ROUND_TRIPS, ids=[f"{s}-to-{t}" for s, t in ROUND_TRIPS]
)
def test_round_trip(
    databases: Databases, tmp_path: Path, source_kind: str, target_kind: str
) -> None:
    source, source_files = databases.new(source_kind), tmp_path / "uploads"
    fill(source, source_files)
    archive = tmp_path / "backup.zip"
    made = backup(source, source_files, archive)

    target, target_files = databases.new(target_kind, migrated=False), tmp_path / "restored"
    restored = restore(target, target_files, archive)
    print(
        f"\n{figures(f'backup  {source_kind}', made)}"
        f"\n{figures(f'restore {target_kind}', restored)}"
    )

    before, after = dump(source), dump(target)
    assert set(before) == set(after)
    for name in before:
        assert after[name] == before[name], f"table {name} differs after the round trip"
    assert made.rows == restored.rows
    assert sum(made.rows.values()) > 500
    assert hashes(target_files) == hashes(source_files)
    assert len(hashes(target_files)) == 5

    # New rows get new ids: PostgreSQL's sequences were moved past the restored ids.
    with Session(engine_for(target)) as db:
        newcomer = make_user(db, email="after-restore@example.org")
        db.commit()
        highest = max(row["id"] for row in before["user"])
        assert newcomer.id == highest + 1


def test_manifest_lists_tables_revision_and_files(databases: Databases, tmp_path: Path) -> None:
    source = databases.new("sqlite")
    fill(source, tmp_path / "uploads")
    archive = tmp_path / "backup.zip"
    backup(source, tmp_path / "uploads", archive)
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        names = set(opened.namelist())
        first_user = json.loads(opened.read("tables/user.jsonl").splitlines()[0])
    assert manifest["format"] == "mir-backup"
    assert manifest["schema_revision"]
    assert manifest["engine"] == "sqlite"
    assert set(manifest["tables"]) == {table.name for table in metadata.sorted_tables}
    assert {f"files/{entry['path']}" for entry in manifest["files"]} <= names
    assert "files/published/plan-2025.pdf" in names
    # Datetimes carry their UTC offset; booleans stay booleans.
    assert first_user["created_at"].endswith("+00:00")
    assert isinstance(first_user["is_admin"], bool)


def test_restore_refuses_a_database_in_use_unless_forced(
    databases: Databases, tmp_path: Path
) -> None:
    source = databases.new("sqlite")
    fill(source, tmp_path / "uploads")
    archive = tmp_path / "backup.zip"
    backup(source, tmp_path / "uploads", archive)
    target = databases.new("sqlite")
    with Session(engine_for(target)) as db:
        make_user(db, email="already-here@example.org")
        db.commit()
    with pytest.raises(BackupError, match=r"not empty \(1 user rows\).*--force"):
        restore(target, tmp_path / "elsewhere", archive)
    assert len(dump(target)["user"]) == 1  # untouched

    stray = tmp_path / "restored" / "stray.txt"
    stray.parent.mkdir()
    stray.write_text("left from before")
    with pytest.raises(BackupError, match=r"upload folder .* not empty"):
        restore(databases.new("sqlite"), tmp_path / "restored", archive)

    restore(target, tmp_path / "restored", archive, force=True)
    assert dump(target) == dump(source)
    assert not stray.exists()
    assert hashes(tmp_path / "restored") == hashes(tmp_path / "uploads")


def _rewrite(archive: Path, target: Path, change: dict[str, bytes]) -> None:
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            out.writestr(item.filename, change.get(item.filename, source.read(item.filename)))
        for name, data in change.items():
            if name not in source.namelist():
                out.writestr(name, data)


def test_restore_refuses_other_revisions_and_damaged_backups(
    databases: Databases, tmp_path: Path
) -> None:
    source = databases.new("sqlite")
    fill(source, tmp_path / "uploads")
    archive = tmp_path / "backup.zip"
    backup(source, tmp_path / "uploads", archive)
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))

    older = tmp_path / "older.zip"
    _rewrite(
        archive,
        older,
        {"manifest.json": json.dumps({**manifest, "schema_revision": "0001"}).encode()},
    )
    with pytest.raises(BackupError, match=r"schema revision 0001.*mir db upgrade"):
        restore(databases.new("sqlite"), tmp_path / "r1", older)

    damaged = tmp_path / "damaged.zip"
    _rewrite(archive, damaged, {"files/a1b2c3.pdf": b"not the same"})
    with pytest.raises(BackupError, match="does not match its checksum"):
        restore(databases.new("sqlite"), tmp_path / "r2", damaged)

    escaping = tmp_path / "escaping.zip"
    files = [*manifest["files"], {"path": "../outside.txt", "bytes": 1, "sha256": "0"}]
    _rewrite(
        archive,
        escaping,
        {
            "manifest.json": json.dumps({**manifest, "files": files}).encode(),
            "files/../outside.txt": b"x",
        },
    )
    with pytest.raises(BackupError, match="unsafe name"):
        restore(databases.new("sqlite"), tmp_path / "r3", escaping)
    assert not (tmp_path / "outside.txt").exists()

    not_a_zip = tmp_path / "notes.zip"
    not_a_zip.write_text("hello")
    with pytest.raises(BackupError, match="not a zip file"):
        restore(databases.new("sqlite"), tmp_path / "r4", not_a_zip)

    target = databases.new("sqlite")
    before = dump(target)
    with pytest.raises(BackupError):
        restore(target, tmp_path / "r5", damaged)
    assert dump(target) == before  # a refused restore changes nothing


def test_commands(databases: Databases, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = databases.new("sqlite")
    fill(source, tmp_path / "uploads")
    target = databases.new("sqlite", migrated=False)
    archive = tmp_path / "backup.zip"
    runner = CliRunner()

    def run(url: str, uploads: Path, *args: str) -> Any:
        for name in list(os.environ):
            if name.startswith("MIR_"):
                monkeypatch.delenv(name)
        monkeypatch.setenv("MIR_DATABASE_URL", url)
        monkeypatch.setenv("MIR_UPLOAD_DIR", str(uploads))
        monkeypatch.setenv("MIR_MARKERS_DIR", str(MARKERS_DIR))
        get_settings.cache_clear()
        try:
            return runner.invoke(main, list(args))
        finally:
            get_settings.cache_clear()

    made = run(source, tmp_path / "uploads", "backup", str(archive))
    assert made.exit_code == 0, made.output
    assert "Backed up to" in made.output and "5 files" in made.output

    restored = run(target, tmp_path / "restored", "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert "applying the migrations first" in restored.output
    assert dump(target) == dump(source)

    again = run(target, tmp_path / "restored", "restore", str(archive))
    assert again.exit_code == 1
    assert "Error: the upload folder" in again.output
    assert "Traceback" not in again.output

    forced = run(target, tmp_path / "restored", "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
