"""`mir backup FILE` and `mir restore FILE`: the whole database and the uploads, in one zip.

The format is the same whatever the engine, so a backup of SQLite restores into PostgreSQL
and the other way round:

    manifest.json          format, schema revision, when, engine, rows per table, files
    tables/<table>.jsonl   one JSON object per row, columns by name
    files/<path>           every file under MIR_UPLOAD_DIR (evidence, published/ copies)

Every table on SQLModel.metadata is written, in dependency order (metadata.sorted_tables).
Values are encoded by column type: datetimes as ISO 8601 with their UTC offset, dates as
ISO dates, JSON columns as JSON, booleans as true/false, binary as base64.

Restore goes into an *empty* database at the same schema revision as the backup (a
database with no schema at all is migrated first); a database that has organisations or
users is refused unless `force`, which wipes the tables and the upload folder first. The
rows go in one transaction: on any error nothing is changed. PostgreSQL sequences are then
moved past the restored ids.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Column, Table, func, select, text, update
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Connection, make_url

import app.models  # noqa: F401  (every table registered on the metadata)
from app.clock import now
from app.db import build_engine, is_sqlite, metadata, normalise_url
from app.schema import current_revision, head_revision, upgrade

FORMAT = "mir-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES_DIR = "tables"
FILES_DIR = "files"
BATCH = 500
# Tables that say whether a database is in use: restoring over them needs --force.
IN_USE_TABLES = ("organisation", "user")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class Summary:
    """What a backup or a restore did: for the command's report and for tests."""

    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0
    archive_bytes: int = 0
    seconds: float = 0.0
    schema_revision: str | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def describe(self) -> str:
        return (
            f"{self.total_rows} rows in {len(self.rows)} tables, {self.files} files "
            f"({_size(self.file_bytes)}), archive {_size(self.archive_bytes)}, "
            f"{self.seconds:.2f} s, schema revision {self.schema_revision}"
        )


def _size(count: int) -> str:
    amount = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{amount:.0f} {unit}" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{count} bytes"  # pragma: no cover


# Values ---------------------------------------------------------------------------------


def _kind(column: Column[Any]) -> str:
    """How a column's values are written: datetime, date, time, json, bytes, decimal, plain."""
    column_type: Any = column.type
    if isinstance(column_type, sqltypes.TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, sqltypes.DateTime):
        return "datetime"
    if isinstance(column_type, sqltypes.Date):
        return "date"
    if isinstance(column_type, sqltypes.Time):
        return "time"
    if isinstance(column_type, sqltypes.JSON):
        return "json"
    if isinstance(column_type, sqltypes.LargeBinary):
        return "bytes"
    if isinstance(column_type, sqltypes.Numeric) and not isinstance(column_type, sqltypes.Float):
        return "decimal"
    return "plain"


def encode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind in ("datetime", "date", "time"):
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(value).decode("ascii")
    if kind == "decimal":
        return str(value)
    if hasattr(value, "value") and not isinstance(value, bool | int | float | str):
        return value.value  # an Enum
    return value


def decode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return clock_time.fromisoformat(value)
    if kind == "bytes":
        return base64.b64decode(value)
    if kind == "decimal":
        return Decimal(value)
    return value


def _order(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns) or list(table.columns)


def table_rows(connection: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """Every row of `table` as JSON-ready values, in primary key order."""
    kinds = {column.name: _kind(column) for column in table.columns}
    result = connection.execution_options(yield_per=BATCH).execute(
        select(table).order_by(*_order(table))
    )
    for row in result.mappings():
        yield {name: encode(kinds[name], row[name]) for name in kinds}


# Backup ---------------------------------------------------------------------------------


def _upload_files(upload_dir: Path) -> list[tuple[str, Path]]:
    if not upload_dir.is_dir():
        return []
    return sorted(
        (path.relative_to(upload_dir).as_posix(), path)
        for path in upload_dir.rglob("*")
        if path.is_file()
    )


def _sqlite_snapshot(url: str, into: Path) -> str:
    """A consistent copy of a SQLite database (the online backup API), as a URL."""
    database = make_url(normalise_url(url)).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    source = sqlite3.connect(database)
    target = sqlite3.connect(into)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return f"sqlite:///{into}"


def backup(database_url: str, upload_dir: Path, destination: Path) -> Summary:
    """Write the database and the uploaded files to the zip file `destination`."""
    started = time.perf_counter()
    summary = Summary()
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    try:
        _write_backup(database_url, upload_dir, partial, summary)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(destination)
    summary.archive_bytes = destination.stat().st_size
    summary.seconds = time.perf_counter() - started
    return summary


def _write_backup(database_url: str, upload_dir: Path, partial: Path, summary: Summary) -> None:
    with tempfile.TemporaryDirectory(prefix="mir-backup-") as scratch:
        if is_sqlite(database_url):
            engine = build_engine(_sqlite_snapshot(database_url, Path(scratch) / "copy.db"))
        else:
            engine = build_engine(database_url).execution_options(isolation_level="REPEATABLE READ")
        try:
            summary.schema_revision = current_revision(engine)
            if summary.schema_revision is None:
                raise BackupError("the database has no schema: there is nothing to back up")
            with (
                zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive,
                engine.connect() as connection,
            ):
                for table in metadata.sorted_tables:
                    count = 0
                    with archive.open(f"{TABLES_DIR}/{table.name}.jsonl", "w") as out:
                        for row in table_rows(connection, table):
                            out.write(
                                json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode(
                                    "utf-8"
                                )
                            )
                            out.write(b"\n")
                            count += 1
                    summary.rows[table.name] = count
                files = []
                for name, path in _upload_files(upload_dir):
                    digest = hashlib.sha256()
                    size = 0
                    info = zipfile.ZipInfo.from_file(path, f"{FILES_DIR}/{name}")
                    info.compress_type = zipfile.ZIP_DEFLATED
                    with path.open("rb") as source, archive.open(info, "w") as out:
                        while chunk := source.read(1 << 20):
                            digest.update(chunk)
                            out.write(chunk)
                            size += len(chunk)
                    files.append({"path": name, "bytes": size, "sha256": digest.hexdigest()})
                    summary.files += 1
                    summary.file_bytes += size
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "schema_revision": summary.schema_revision,
                    "created_at": now().isoformat(),
                    "engine": engine.dialect.name,
                    "tables": summary.rows,
                    "files": files,
                }
                archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        finally:
            engine.dispose()


# Restore --------------------------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        raise BackupError("this is not a mir backup: it has no readable manifest.json") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("this is not a mir backup: its manifest is of another format")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"this backup's format version {manifest.get('format_version')} "
            f"is not one this version of mir reads ({FORMAT_VERSION})"
        )
    return manifest


def _safe_member(name: str) -> str:
    """A file's path inside the upload folder, refusing absolute paths and `..`."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name:
        raise BackupError(f"the backup holds a file with an unsafe name: {name!r}")
    return path.as_posix()


def _check_files(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Every listed file is in the archive and has the hash the manifest says."""
    files: list[dict[str, Any]] = manifest.get("files", [])
    for entry in files:
        name = _safe_member(str(entry["path"]))
        digest = hashlib.sha256()
        try:
            with archive.open(f"{FILES_DIR}/{name}") as source:
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
        except KeyError:
            raise BackupError(f"the backup is damaged: {name} is missing") from None
        if digest.hexdigest() != entry["sha256"]:
            raise BackupError(f"the backup is damaged: {name} does not match its checksum")
    return files


def _in_use(connection: Connection) -> dict[str, int]:
    counts = {}
    for name in IN_USE_TABLES:
        table = metadata.tables[name]
        counts[name] = int(connection.execute(select(func.count()).select_from(table)).scalar_one())
    return {name: count for name, count in counts.items() if count}


def _deferred_columns(table: Table, inserted: set[str]) -> list[str]:
    """Nullable foreign keys to the table itself or to a table not yet restored."""
    deferred = []
    for fk in table.foreign_keys:
        target = fk.column.table.name
        if (target == table.name or target not in inserted) and fk.parent.nullable:
            deferred.append(fk.parent.name)
    return deferred


def _read_rows(archive: zipfile.ZipFile, table: Table) -> Iterator[dict[str, Any]]:
    kinds = {column.name: _kind(column) for column in table.columns}
    try:
        source = archive.open(f"{TABLES_DIR}/{table.name}.jsonl")
    except KeyError:
        raise BackupError(f"the backup is damaged: the table {table.name} is missing") from None
    with source:
        for line in source:
            if not line.strip():
                continue
            row = json.loads(line)
            unknown = set(row) - set(kinds)
            if unknown:
                raise BackupError(
                    f"the backup's table {table.name} has columns this schema "
                    f"does not: {', '.join(sorted(unknown))}"
                )
            yield {name: decode(kinds[name], row.get(name)) for name in kinds if name in row}


def _insert_table(
    connection: Connection, archive: zipfile.ZipFile, table: Table, deferred: list[str]
) -> int:
    keys = [column.name for column in table.primary_key.columns]
    later: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    count = 0

    def flush() -> None:
        if batch:
            connection.execute(table.insert(), batch)
            batch.clear()

    for row in _read_rows(archive, table):
        if deferred:
            postponed = {name: row[name] for name in deferred if row.get(name) is not None}
            if postponed:
                later.append(
                    {
                        **{f"k_{k}": row[k] for k in keys},
                        **{f"v_{k}": v for k, v in postponed.items()},
                    }
                )
                row = {**row, **dict.fromkeys(postponed)}
        batch.append(row)
        count += 1
        if len(batch) >= BATCH:
            flush()
    flush()
    for values in later:
        names = [k[2:] for k in values if k.startswith("v_")]
        statement = (
            update(table)
            .where(*[table.c[k] == values[f"k_{k}"] for k in keys])
            .values({name: values[f"v_{name}"] for name in names})
        )
        connection.execute(statement)
    return count


def _reset_sequences(connection: Connection) -> None:
    """Move each PostgreSQL id sequence past the ids just inserted."""
    if connection.dialect.name != "postgresql":
        return
    quote = connection.dialect.identifier_preparer.quote
    for table in metadata.sorted_tables:
        if (
            "id" not in table.c
            or not table.c.id.primary_key
            or not isinstance(table.c.id.type, sqltypes.Integer)
        ):
            continue
        quoted = quote(table.name)
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:name, 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {quoted}), 1), "
                f"(SELECT MAX(id) FROM {quoted}) IS NOT NULL)"
            ),
            {"name": quoted},
        )


def _wipe_uploads(upload_dir: Path) -> None:
    if not upload_dir.is_dir():
        return
    for child in upload_dir.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def restore(
    database_url: str,
    upload_dir: Path,
    source: Path,
    *,
    force: bool = False,
    say: Callable[[str], None] | None = None,
) -> Summary:
    """Put a backup into an empty database (or any, with force) and the upload folder."""
    started = time.perf_counter()
    say = say or (lambda _message: None)
    summary = Summary()
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"{source} is not a zip file: {error}") from None
    with archive:
        manifest = read_manifest(archive)
        revision = manifest.get("schema_revision")
        summary.schema_revision = revision
        head = head_revision()
        if revision != head:
            raise BackupError(
                f"this backup is at schema revision {revision}, but this version of mir is "
                f"at {head}. Restore it with the version of mir that made it, then upgrade "
                f"mir and run `mir db upgrade`."
            )
        files = _check_files(archive, manifest)
        existing = _upload_files(upload_dir)
        if existing and not force:
            raise BackupError(
                f"the upload folder {upload_dir} is not empty ({len(existing)} files). "
                f"Restore into an empty folder, or give --force to delete them first"
            )
        engine = build_engine(database_url)
        try:
            current = current_revision(engine)
            if current is None:
                say("The database has no schema yet: applying the migrations first.")
                upgrade(database_url)
                current = current_revision(engine)
            if current != revision:
                raise BackupError(
                    f"the database is at schema revision {current}, the backup at {revision}: "
                    f"run `mir db upgrade` first, or restore into a new, empty database"
                )
            with engine.begin() as connection:
                in_use = _in_use(connection)
                if in_use and not force:
                    found = ", ".join(f"{count} {name} rows" for name, count in in_use.items())
                    raise BackupError(
                        f"the database is not empty ({found}). Restore into a new database, "
                        f"or give --force to delete everything in it (and in the upload "
                        f"folder) first"
                    )
                for table in reversed(metadata.sorted_tables):
                    connection.execute(table.delete())
                inserted: set[str] = set()
                for table in metadata.sorted_tables:
                    summary.rows[table.name] = _insert_table(
                        connection, archive, table, _deferred_columns(table, inserted)
                    )
                    inserted.add(table.name)
                _reset_sequences(connection)
        finally:
            engine.dispose()
        if existing:
            _wipe_uploads(upload_dir)
        upload_dir.mkdir(parents=True, exist_ok=True)
        for entry in files:
            name = _safe_member(str(entry["path"]))
            target = upload_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(f"{FILES_DIR}/{name}") as data, target.open("wb") as out:
                shutil.copyfileobj(data, out, 1 << 20)
            summary.files += 1
            summary.file_bytes += int(entry["bytes"])
    summary.archive_bytes = source.stat().st_size
    summary.seconds = time.perf_counter() - started
    return summary
