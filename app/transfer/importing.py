"""Import an organisation's archive (written by app.transfer.exporting) into any database.

The import remaps every id, re-uses an existing account with the same email address (its
password and name are kept), and refuses the whole archive if anything is wrong with it or
the slug is taken. Files are written under the upload folder and removed again if the
transaction does not commit.
"""

from __future__ import annotations

import json
import secrets
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.accounts.models import User
from app.assessments.models import (
    Assessment,
    CoProduction,
    Evidence,
    Rating,
    default_category,
)
from app.audit.service import record
from app.caching import bump_public_version
from app.organisations import repository as organisations
from app.organisations.models import Commitment, Membership, Organisation, OrganisationArea
from app.plans.models import Action, ActionUpdate, Priority
from app.publications.models import Publication
from app.publications.service import PUBLISHED_FILES
from app.transfer import repository
from app.transfer.common import BadArchive, Summary, TransferProblem, counts, sha256
from app.transfer.schemas import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    PUBLISHED,
    UPLOADS,
    ActionRecord,
    AssessmentRecord,
    OrganisationArchive,
)
from app.voice.models import VoiceAnswer, VoiceResponse, VoiceRound

# Reading an archive ---------------------------------------------------------------------

@dataclass(frozen=True)
class LoadedArchive:
    archive: OrganisationArchive
    files: dict[str, bytes]


def read_archive(path: Path) -> LoadedArchive:
    """The archive, checked through; BadArchive says what is wrong."""
    try:
        with zipfile.ZipFile(path) as source:
            names = set(source.namelist())
            if MANIFEST not in names:
                raise BadArchive(f"there is no {MANIFEST} in the archive")
            manifest = source.read(MANIFEST)
            archive = _parse_manifest(manifest)
            files: dict[str, bytes] = {}
            for item in archive.files:
                if item.path not in names:
                    raise BadArchive(f"{item.path} is listed but not in the archive")
                content = source.read(item.path)
                if len(content) != item.size or sha256(content) != item.sha256:
                    raise BadArchive(f"{item.path} is damaged (its SHA-256 does not match)")
                files[item.path] = content
    except FileNotFoundError as error:
        raise BadArchive("no such file") from error
    except IsADirectoryError as error:
        raise BadArchive("is a folder, not an archive") from error
    except zipfile.BadZipFile as error:
        raise BadArchive("not a zip archive") from error
    for assessment in archive.assessments:
        for rating in assessment.ratings:
            for evidence in rating.evidence:
                if evidence.file is not None and evidence.file not in files:
                    raise BadArchive(f"evidence {evidence.file_name!r} refers to {evidence.file}, "
                                     "which is not listed in files")
    for what, values in (
            ("assessments have the same key", [a.key for a in archive.assessments]),
            ("publications have the same number", [p.number for p in archive.publications]),
            ("users have the same email address", [u.email for u in archive.users]),
            ("members have the same email address",
             [m.email.lower() for m in archive.members])):
        if len(set(values)) != len(values):
            raise BadArchive(f"{MANIFEST}: two {what}")
    return LoadedArchive(archive, files)


def _parse_manifest(content: bytes) -> OrganisationArchive:
    try:
        raw = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadArchive(f"{MANIFEST} is not valid JSON: {error}") from error
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BadArchive(f"{MANIFEST} is not a Making It Real organisation export "
                         f"(format is not {FORMAT!r})")
    if raw.get("version") != FORMAT_VERSION:
        raise BadArchive(f"{MANIFEST} is version {raw.get('version')!r}; this toolkit reads "
                         f"version {FORMAT_VERSION}")
    try:
        return OrganisationArchive.model_validate(raw)
    except ValidationError as error:
        problems = [f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}"
                    for e in error.errors()[:5]]
        more = error.error_count() - len(problems)
        raise BadArchive(f"{MANIFEST}: " + "; ".join(problems)
                         + (f" (and {more} more)" if more > 0 else "")) from error


# Import -----------------------------------------------------------------------------------

def import_organisation(db: Session, *, loaded: LoadedArchive, upload_dir: Path,
                        source_name: str) -> Summary:
    """Recreate the organisation in this database, in the session's transaction.

    Files are written now and removed again if the transaction rolls back."""
    try:
        return _import(db, loaded=loaded, upload_dir=upload_dir, source_name=source_name)
    except DBAPIError as error:
        raise BadArchive(f"{MANIFEST}: its rows do not fit this database "
                         f"({str(error.orig).strip().splitlines()[0]})") from error


def _import(db: Session, *, loaded: LoadedArchive, upload_dir: Path,
            source_name: str) -> Summary:
    archive = loaded.archive
    org = archive.organisation
    if organisations.slug_taken(db, org.slug):
        raise TransferProblem(f"an organisation with slug {org.slug} already exists; "
                              "nothing was imported")
    unknown = sorted(set(org.areas) - repository.known_area_codes(db, org.areas))
    if unknown:
        raise TransferProblem(f"unknown council area codes: {', '.join(unknown)}; "
                              "nothing was imported")
    users = _users(db, archive)
    others = repository.ids_of_slugs(db, [org.possible_duplicate_of, org.merged_into])

    def by(email: str | None) -> int | None:
        return users.get(email.lower()) if email else None

    organisation = Organisation(
        slug=org.slug, name=org.name, kind=org.kind, website=org.website,
        description=org.description, latitude=org.latitude, longitude=org.longitude,
        org_ids=org.org_ids, contact_email=org.contact_email, contact_url=org.contact_url,
        confirmed=org.confirmed, public=org.public,
        verified=org.verified, hidden_reason=org.hidden_reason,
        possible_duplicate_of_id=others.get(org.possible_duplicate_of or ""),
        merged_into_id=others.get(org.merged_into or ""), created_at=org.created_at)
    db.add(organisation)
    db.flush()
    organisation_id = organisation.id or 0
    for code in dict.fromkeys(org.areas):
        db.add(OrganisationArea(organisation_id=organisation_id, area_code=code))
    for member in archive.members:
        user_id = by(member.email)
        if user_id is None:
            raise BadArchive(f"{MANIFEST}: member {member.email} has no entry in users")
        db.add(Membership(user_id=user_id, organisation_id=organisation_id, role=member.role,
                          created_at=member.created_at))
    for c in archive.commitments:
        db.add(Commitment(organisation_id=organisation_id, framework_id=c.framework_id,
                          statement=c.statement, signed_up_on=c.signed_up_on,
                          withdrawn_on=c.withdrawn_on, withdrawal_reason=c.withdrawal_reason,
                          created_by_id=by(c.created_by)))
    # Views and replies point at other organisations: linked again when they are here too.
    others = repository.ids_of_slugs(db, [*(a.subject for a in archive.assessments),
                                          *(p.about for p in archive.publications)])
    published = repository.publication_ids(db, [
        *((others[a.subject], a.about_publication) for a in archive.assessments
          if a.subject in others and a.about_publication is not None),
        *((others[p.about], p.in_reply_to) for p in archive.publications
          if p.about in others and p.in_reply_to is not None)])
    records, warnings = [], []
    for a in archive.assessments:
        if a.subject is not None and a.subject not in others:
            warnings.append(f"the draft view of {a.subject} was left out: there is no "
                            f"organisation {a.subject} here (import it first, then this "
                            "archive again)")
        else:
            records.append(a)
    assessment_ids = _assessments(db, records, organisation_id, by, others, published)
    warnings += _voice_rounds(db, records, assessment_ids, by)
    _actions(db, archive.actions, organisation_id, by)
    for p in archive.publications:
        about_id = others.get(p.about or "")
        db.add(Publication(
            organisation_id=organisation_id, framework_id=p.framework_id, number=p.number,
            kind=p.kind, published_on=p.published_on, published_at=p.published_at,
            published_by_id=by(p.published_by),
            assessment_id=assessment_ids.get(p.assessment) if p.assessment is not None
            else None, what_changed=p.what_changed, snapshot=p.snapshot,
            hidden_reason=p.hidden_reason, about_organisation_id=about_id,
            in_reply_to_id=published.get((about_id, p.in_reply_to or 0))
            if about_id is not None else None))
    db.flush()
    summary = Summary(slug=org.slug, counts=counts(archive), files=len(loaded.files),
                      warnings=warnings)
    record(db, actor_id=None, action="organisation.import", organisation_id=organisation_id,
           subject=f"organisation:{organisation_id}",
           after={"slug": org.slug, "archive": source_name, "files": len(loaded.files),
                  **summary.counts})
    bump_public_version(db)
    _write_files(db, loaded.files, upload_dir)
    return summary


def _users(db: Session, archive: OrganisationArchive) -> dict[str, int]:
    """Account ids by email: existing accounts kept as they are, members' accounts added."""
    others = {email.lower() for email in _author_emails(archive)} \
        | {m.email.lower() for m in archive.members}
    existing = repository.users_by_email(db, {u.email for u in archive.users} | others)
    ids = {email: user.id for email, user in existing.items() if user.id is not None}
    for record_ in archive.users:
        if record_.email in ids:
            continue
        user = User(email=record_.email, name=record_.name,
                    password_hash=record_.password_hash,
                    email_confirmed_at=record_.email_confirmed_at,
                    is_disabled=record_.disabled, created_at=record_.created_at)
        db.add(user)
        db.flush()
        ids[record_.email] = user.id or 0
    return ids


def _author_emails(archive: OrganisationArchive) -> Iterator[str]:
    for c in archive.commitments:
        yield from filter(None, [c.created_by])
    for a in archive.assessments:
        yield from filter(None, [a.created_by])
        if a.co_production:
            yield from filter(None, [a.co_production.updated_by])
        for p in a.priorities:
            yield from filter(None, [p.created_by])
        for r in a.ratings:
            yield from filter(None, [r.updated_by])
            for e in r.evidence:
                yield from filter(None, [e.created_by])
    for action in archive.actions:
        yield from filter(None, [action.created_by, action.updated_by])
        for u in action.updates:
            yield from filter(None, [u.created_by])
    for publication in archive.publications:
        yield from filter(None, [publication.published_by])


def _assessments(db: Session, records: list[AssessmentRecord], organisation_id: int,
                 by: Callable[[str | None], int | None], others: dict[str, int],
                 published: dict[tuple[int, int], int]) -> dict[int, int]:
    """Add the assessments and all that hangs on them; new ids by archive key. A view's
    subject (`others`, by slug) is here: the import left out those whose subject is not."""
    ids: dict[int, int] = {}
    rows: list[tuple[AssessmentRecord, Assessment]] = []
    for a in records:
        subject = others[a.subject] if a.subject is not None else organisation_id
        row = Assessment(organisation_id=organisation_id, subject_organisation_id=subject,
                         framework_id=a.framework_id,
                         framework_version=a.framework_version, name=a.name,
                         about_publication_id=published.get((subject, a.about_publication))
                         if a.about_publication is not None else None,
                         created_by_id=by(a.created_by), created_at=a.created_at)
        db.add(row)
        db.flush()
        ids[a.key] = row.id or 0
        rows.append((a, row))
    for a, row in rows:
        if a.previous is not None:
            row.previous_id = ids.get(a.previous)
            db.add(row)
        for r in a.ratings:
            rating = Rating(assessment_id=row.id or 0, marker_code=r.marker_code,
                            level=r.level, not_applicable_reason=r.not_applicable_reason,
                            working=r.working, needs_change=r.needs_change,
                            red_flags=list(r.red_flags), carried_over=r.carried_over,
                            version=r.version, updated_by_id=by(r.updated_by),
                            updated_at=r.updated_at)
            db.add(rating)
            db.flush()
            for e in r.evidence:
                db.add(Evidence(
                    rating_id=rating.id or 0, kind=e.kind, text=e.text, url=e.url,
                    file_name=e.file_name, stored_name=e.stored_name,
                    content_type=e.content_type, size=e.size, source_kind=e.source_kind,
                    consent_to_publish=e.consent_to_publish,
                    attributed_name=e.attributed_name, publishable=e.publishable,
                    category=e.category or default_category(e.kind, e.source_kind).value,
                    created_by_id=by(e.created_by), created_at=e.created_at))
        if a.co_production is not None:
            c = a.co_production
            db.add(CoProduction(
                assessment_id=row.id or 0, people_using_support=c.people_using_support,
                family_carers=c.family_carers, staff=c.staff,
                partner_organisations=c.partner_organisations, methods=list(c.methods),
                other_method=c.other_method, what_people_said=c.what_people_said,
                version=c.version, updated_by_id=by(c.updated_by), updated_at=c.updated_at))
        for p in a.priorities:
            db.add(Priority(assessment_id=row.id or 0, marker_code=p.marker_code, why=p.why,
                            created_by_id=by(p.created_by), created_at=p.created_at))
    return ids


def _voice_rounds(db: Session, records: list[AssessmentRecord], ids: dict[int, int],
                  by: Callable[[str | None], int | None]) -> list[str]:
    """Add the people's voice rounds with every response, removed ones and their reasons
    too; returns warnings. A link already used here gets a new one (the old stops working)."""
    rounds = [(a, r) for a in records for r in a.voice_rounds]
    taken = repository.voice_tokens_taken(db, [r.token for _, r in rounds])
    receipts = repository.voice_receipts_taken(
        db, [response.receipt for _, r in rounds for response in r.responses])
    warnings = []
    for a, r in rounds:
        token = r.token
        if token in taken:
            token = secrets.token_urlsafe(24)
            warnings.append(f"a round of questions on {a.name!r} has a new link: its old "
                            "link is used by a round already in this database")
        row = VoiceRound(assessment_id=ids[a.key], token=token,
                         marker_codes=list(r.marker_codes), opens_on=r.opens_on,
                         closes_on=r.closes_on, welcome=r.welcome,
                         created_by_id=by(r.created_by), created_at=r.created_at)
        db.add(row)
        db.flush()
        for response in r.responses:
            # A receipt only stops a browser sending twice: a fresh one loses nothing.
            receipt = secrets.token_hex(16) if response.receipt in receipts \
                else response.receipt
            kept = VoiceResponse(round_id=row.id or 0, receipt=receipt,
                                 respondent_kind=response.respondent_kind,
                                 may_share=response.may_share, on_behalf=response.on_behalf,
                                 sent_on=response.sent_on, removed_at=response.removed_at,
                                 removed_reason=response.removed_reason)
            db.add(kept)
            db.flush()
            db.add_all(VoiceAnswer(response_id=kept.id or 0, round_id=row.id or 0,
                                   marker_code=item.marker_code, answer=item.answer,
                                   comment=item.comment,
                                   removed=response.removed_at is not None)
                       for item in response.answers)
    return warnings


def _actions(db: Session, records: list[ActionRecord], organisation_id: int,
             by: Callable[[str | None], int | None]) -> None:
    for a in records:
        action = Action(
            organisation_id=organisation_id, framework_id=a.framework_id, title=a.title,
            description=a.description, marker_codes=list(a.marker_codes), owner=a.owner,
            due_on=a.due_on, status=a.status, dropped_reason=a.dropped_reason,
            position=a.position, version=a.version, created_by_id=by(a.created_by),
            created_at=a.created_at, updated_by_id=by(a.updated_by), updated_at=a.updated_at)
        db.add(action)
        db.flush()
        for u in a.updates:
            db.add(ActionUpdate(action_id=action.id or 0, on=u.on, note=u.note,
                                created_by_id=by(u.created_by), created_at=u.created_at))


def _target(upload_dir: Path, archive_path: str) -> Path:
    if archive_path.startswith(PUBLISHED):
        return upload_dir / PUBLISHED_FILES / archive_path[len(PUBLISHED):]
    return upload_dir / archive_path[len(UPLOADS):]


def _write_files(db: Session, files: dict[str, bytes], upload_dir: Path) -> None:
    """Write the archive's files; remove the new ones if the transaction rolls back.

    A file already there with the same bytes is left alone; with other bytes, refused."""
    written: list[Path] = []
    with _removed_on_error(written):
        for archive_path, content in files.items():
            target = _target(upload_dir, archive_path)
            if target.exists():
                if sha256(target.read_bytes()) != sha256(content):
                    raise TransferProblem(f"a different file is already stored as {target}; "
                                          "nothing was imported")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            partial.write_bytes(content)
            partial.replace(target)
            written.append(target)

    settled = False

    def settle(remove: bool) -> Callable[[Any], None]:
        def run(session: Any) -> None:
            nonlocal settled
            if settled or session.in_nested_transaction():
                return
            settled = True
            if remove:
                for path in written:
                    path.unlink(missing_ok=True)
        return run

    event.listen(db, "after_commit", settle(remove=False))
    event.listen(db, "after_rollback", settle(remove=True))


@contextmanager
def _removed_on_error(written: list[Path]) -> Iterator[None]:
    try:
        yield
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise

