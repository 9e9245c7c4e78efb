"""Evidence on a marker's rating: notes, links, files and quotes, and the files on disk.

Files are checked by their content, never by their name or the browser's word for them, and
kept under MIR_UPLOAD_DIR with a random name. A file only stays on disk if the transaction
that records it commits; a deleted file leaves the disk once the deletion has committed.
"""

from __future__ import annotations

import codecs
import logging
import secrets
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import filetype
from sqlalchemy import event
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.assessments.models import (
    Evidence,
    EvidenceCategory,
    EvidenceKind,
    Rating,
    default_category,
)
from app.audit.service import record
from app.errors import DomainError

logger = logging.getLogger("mir.evidence")

MB = 1024 * 1024
CHUNK = 64 * 1024
NAME_LIMIT = 200
FALLBACK_NAME = "file"
STORED_NAME_LENGTH = 32  # secrets.token_hex(16)


@dataclass(frozen=True)
class FileType:
    extension: str  # the one we store it under
    content_type: str
    called: str  # "a PDF": how we name it in messages


FILE_TYPES = {
    "pdf": FileType("pdf", "application/pdf", "a PDF"),
    "docx": FileType("docx", "application/vnd.openxmlformats-officedocument."
                     "wordprocessingml.document", "a Word document (DOCX)"),
    "odt": FileType("odt", "application/vnd.oasis.opendocument.text",
                    "an OpenDocument text file (ODT)"),
    "xlsx": FileType("xlsx", "application/vnd.openxmlformats-officedocument."
                     "spreadsheetml.sheet", "an Excel spreadsheet (XLSX)"),
    "ods": FileType("ods", "application/vnd.oasis.opendocument.spreadsheet",
                    "an OpenDocument spreadsheet (ODS)"),
    "csv": FileType("csv", "text/csv; charset=utf-8", "a CSV file"),
    "png": FileType("png", "image/png", "a PNG image"),
    "jpg": FileType("jpg", "image/jpeg", "a JPEG image"),
}
EXTENSIONS = {".pdf": "pdf", ".docx": "docx", ".odt": "odt", ".xlsx": "xlsx", ".ods": "ods",
              ".csv": "csv", ".png": "png", ".jpg": "jpg", ".jpeg": "jpg"}
# What the `filetype` library calls the types it can tell apart by their first bytes.
_SIGNATURES = {"pdf": "pdf", "png": "png", "apng": "png", "jpg": "jpg"}
_OPEN_DOCUMENT = {"application/vnd.oasis.opendocument.text": "odt",
                  "application/vnd.oasis.opendocument.spreadsheet": "ods"}

NO_FILE = "Select a file"
EMPTY = "The selected file is empty"
WRONG_KIND = "The selected file must be a PDF, DOCX, ODT, XLSX, ODS, CSV, PNG or JPEG"


def too_large(max_mb: int) -> str:
    return f"The file must be smaller than {max_mb}MB"


FILE_FIELD = "file_upload"  # the form field a file comes in


class UploadProblem(DomainError):
    """A file we will not keep, with the message the person reads."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field=FILE_FIELD)


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    file_name: str
    content_type: str
    size: int


# File names ------------------------------------------------------------------------------

def clean_file_name(raw: str) -> str:
    """The name to show: no folders, no control or direction characters, 200 at most."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").split("/")[-1]
    kept = []
    for character in name:
        category = unicodedata.category(character)
        if category == "Zs":
            kept.append(" ")
        elif category[0] not in "CZ":
            kept.append(character)
    name = " ".join("".join(kept).split()).strip(" .")
    if len(name) > NAME_LIMIT:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            name = stem[:NAME_LIMIT - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:NAME_LIMIT].rstrip(" .")
    return name or FALLBACK_NAME


def type_for_name(name: str) -> FileType | None:
    kind = EXTENSIONS.get(PurePosixPath(name).suffix.lower())
    return FILE_TYPES[kind] if kind else None


# Content --------------------------------------------------------------------------------

def detect(path: Path) -> str | None:
    """Which allowed type the content is ("pdf", "docx"…), "other", or None if unknown."""
    with path.open("rb") as stream:
        head = stream.read(8192)
    guess = filetype.guess(head)
    if guess is not None and guess.extension in _SIGNATURES:
        return _SIGNATURES[str(guess.extension)]
    if zipfile.is_zipfile(path):
        return _office_kind(path)
    if guess is not None:
        return "other"
    return "csv" if _is_utf8_text(path) else None


def _office_kind(path: Path) -> str:
    """DOCX, XLSX, ODT or ODS, told apart by what is inside the zip; macros are refused."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return "other"
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    declared = entry.read(100).decode("ascii", "replace").strip()
                return _OPEN_DOCUMENT.get(declared, "other")
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError,
            EOFError):
        pass
    return "other"


def _is_utf8_text(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _not_really(expected: FileType, found: str | None) -> str:
    message = f"This file is not really {expected.called}"
    if found in FILE_TYPES and found != "csv":
        message += f": it looks like {FILE_TYPES[found].called}"
    return message


def _copy(source: BinaryIO, target: Path, max_bytes: int, max_mb: int) -> int:
    """Copy in chunks, counting; stop as soon as the file is bigger than allowed."""
    size = 0
    with target.open("xb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise UploadProblem(too_large(max_mb))
            out.write(chunk)
    return size


def store_upload(source: BinaryIO | None, *, file_name: str, upload_dir: Path,
                 max_mb: int) -> StoredFile:
    """Check an upload and keep it under a random name, or raise UploadProblem.

    Nothing is left on disk when the file is refused.
    """
    if source is None or not file_name:
        raise UploadProblem(NO_FILE)
    shown = clean_file_name(file_name)
    expected = type_for_name(shown)
    if expected is None:
        raise UploadProblem(WRONG_KIND)
    upload_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    partial = upload_dir / f"{token}.part"
    try:
        source.seek(0)
        size = _copy(source, partial, max_mb * MB, max_mb)
        if size == 0:
            raise UploadProblem(EMPTY)
        found = detect(partial)
        if found != expected.extension:
            raise UploadProblem(_not_really(expected, found))
        stored_name = f"{token}.{expected.extension}"
        partial.replace(upload_dir / stored_name)
    finally:
        partial.unlink(missing_ok=True)
    return StoredFile(stored_name=stored_name, file_name=shown,
                      content_type=expected.content_type, size=size)


def stored_path(upload_dir: Path, stored_name: str) -> Path | None:
    """Where a stored file lives, if the name is one we could have made."""
    token, dot, extension = stored_name.partition(".")
    if (len(token) != STORED_NAME_LENGTH or not dot or extension not in FILE_TYPES
            or any(c not in "0123456789abcdef" for c in token)):
        return None
    return upload_dir / stored_name


def discard(upload_dir: Path, stored: StoredFile) -> None:
    """Remove a stored file that will not be recorded after all."""
    path = stored_path(upload_dir, stored.stored_name)
    if path is not None:
        path.unlink(missing_ok=True)


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        logger.exception("could not remove %s", path.name)


def _when_settled(db: Session, *, committed: Callable[[], None] | None = None,
                  rolled_back: Callable[[], None] | None = None) -> None:
    """Run one callback once the request's outermost transaction commits or rolls back."""
    settled = False

    def listener(action: Callable[[], None] | None) -> Callable[[Any], None]:
        def run(session: Any) -> None:
            nonlocal settled
            if settled or session.in_nested_transaction():
                return
            settled = True
            if action is not None:
                action()
        return run

    event.listen(db, "after_commit", listener(committed))
    event.listen(db, "after_rollback", listener(rolled_back))


# Records --------------------------------------------------------------------------------

@dataclass(frozen=True)
class NewEvidence:
    kind: EvidenceKind
    text: str = ""
    url: str = ""
    source_kind: str | None = None
    consent_to_publish: bool = False
    attributed_name: str = ""
    publishable: bool = False
    category: EvidenceCategory | None = None  # None: the default for its kind and source


class NotAllowed(DomainError):
    """A rule about consent would be broken; the message says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status_code=403)


QUOTE_NEEDS_CONSENT = ("A quote can only be published if the person agreed to their words "
                       "being published")


def _audit_values(item: Evidence) -> dict[str, Any]:
    """What the audit log keeps: the words and the file's name and size, never its bytes."""
    return {"rating_id": item.rating_id, "kind": item.kind, "text": item.text,
            "url": item.url, "file_name": item.file_name, "stored_name": item.stored_name,
            "content_type": item.content_type, "size": item.size,
            "source_kind": item.source_kind, "consent_to_publish": item.consent_to_publish,
            "attributed_name": item.attributed_name, "publishable": item.publishable,
            "category": item.category}


def add_evidence(db: Session, *, actor_id: int, organisation_id: int, rating: Rating,
                 new: NewEvidence, stored: StoredFile | None = None,
                 upload_dir: Path | None = None) -> Evidence:
    """Record evidence on a rating. A quote's name and publishing need the person's consent."""
    consent = new.kind == EvidenceKind.quote and new.consent_to_publish
    if new.kind == EvidenceKind.quote and new.publishable and not consent:
        raise NotAllowed(QUOTE_NEEDS_CONSENT)
    source_kind = new.source_kind if new.kind == EvidenceKind.quote else None
    category = new.category or default_category(new.kind, source_kind)
    item = Evidence(rating_id=rating.id or 0, kind=new.kind.value, text=new.text, url=new.url,
                    source_kind=source_kind, category=category.value,
                    consent_to_publish=consent,
                    attributed_name=new.attributed_name.strip() if consent else "",
                    publishable=new.publishable, created_by_id=actor_id)
    if stored is not None:
        item.file_name, item.stored_name = stored.file_name, stored.stored_name
        item.content_type, item.size = stored.content_type, stored.size
        path = stored_path(upload_dir, stored.stored_name) if upload_dir else None
        if path is not None:
            _when_settled(db, rolled_back=lambda: _unlink_quietly(path))
    db.add(item)
    db.flush()
    record(db, actor_id=actor_id, action="evidence.add", organisation_id=organisation_id,
           subject=f"evidence:{item.id}", after=_audit_values(item))
    return item


def delete_evidence(db: Session, *, actor_id: int, organisation_id: int, item: Evidence,
                    upload_dir: Path) -> None:
    """Remove the record now and its file once the removal has committed."""
    before = _audit_values(item)
    path = stored_path(upload_dir, item.stored_name) if item.stored_name else None
    db.delete(item)
    db.flush()
    if path is not None:
        _when_settled(db, committed=lambda: _unlink_quietly(path))
    record(db, actor_id=actor_id, action="evidence.delete", organisation_id=organisation_id,
           subject=f"evidence:{item.id}", before=before)


def set_publishable(db: Session, *, actor_id: int, organisation_id: int, item: Evidence,
                    publishable: bool) -> None:
    """Mark evidence as private or publishable; a quote only with the person's consent."""
    if publishable and item.kind == EvidenceKind.quote and not item.consent_to_publish:
        raise NotAllowed(QUOTE_NEEDS_CONSENT)
    if item.publishable == publishable:
        return
    before = {"publishable": item.publishable}
    item.publishable = publishable
    db.add(item)
    db.flush()
    record(db, actor_id=actor_id, action="evidence.publishable",
           organisation_id=organisation_id, subject=f"evidence:{item.id}", before=before,
           after={"publishable": publishable})


def set_category(db: Session, *, actor_id: int, organisation_id: int, item: Evidence,
                 category: EvidenceCategory) -> None:
    """Say which of CQC's evidence categories an item belongs to."""
    if item.category == category.value:
        return
    before = {"category": item.category}
    item.category = category.value
    db.add(item)
    db.flush()
    record(db, actor_id=actor_id, action="evidence.category", organisation_id=organisation_id,
           subject=f"evidence:{item.id}", before=before, after={"category": category.value})


def evidence_in(db: Session, assessment_id: int, evidence_id: int
                ) -> tuple[Evidence, Rating] | None:
    """An evidence item, only if it belongs to this assessment."""
    row = db.exec(select(Evidence, Rating)
                  .join(Rating, col(Rating.id) == col(Evidence.rating_id))
                  .where(col(Evidence.id) == evidence_id,
                         col(Rating.assessment_id) == assessment_id)).first()
    return (row[0], row[1]) if row is not None else None


def authors(db: Session, items: Iterable[Evidence]) -> dict[int, str]:
    """The names of the people who added these items, by user id."""
    ids = {item.created_by_id for item in items if item.created_by_id is not None}
    if not ids:
        return {}
    users: Sequence[User] = db.exec(select(User).where(col(User.id).in_(ids))).all()
    return {user.id or 0: user.name for user in users}
