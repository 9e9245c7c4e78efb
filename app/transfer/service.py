"""Export one organisation, whole, to a zip archive; import it into any database.

What travels: the profile (areas, location, org ids, flags), the members' accounts (name,
email, password hash, confirmed and disabled state, never the site-administrator flag),
memberships, sign-ups, assessments with ratings, evidence (with the uploaded files),
co-production records, priorities, actions with their updates, and publications (snapshots
verbatim, numbers and dates kept, with the copies of the files they published).

What does not: the audit log (site history, not the organisation's content; the import
writes its own entry), pending invitations and other one-time links, login attempts, and
other organisations' rows. Authors who are not members travel as an email address only:
the import links to an account with that address if there is one, and to nobody otherwise.

The import remaps every id, re-uses an existing account with the same email address (its
password and name are kept), and refuses the whole archive if anything is wrong with it or
the slug is taken. Files are written under the upload folder and removed again if the
transaction does not commit.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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
from app.clock import now
from app.organisations import repository as organisations
from app.organisations.models import Commitment, Membership, Organisation, OrganisationArea
from app.plans.models import Action, ActionUpdate, Priority
from app.publications import repository as publications
from app.publications.models import Publication
from app.publications.service import PUBLISHED_FILES
from app.publications.snapshot import stored_files
from app.transfer import repository
from app.transfer.schemas import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    PUBLISHED,
    UPLOADS,
    ActionRecord,
    AssessmentRecord,
    CommitmentRecord,
    CoProductionRecord,
    EvidenceRecord,
    FileRecord,
    MemberRecord,
    OrganisationArchive,
    OrganisationRecord,
    PriorityRecord,
    PublicationRecord,
    RatingRecord,
    UpdateRecord,
    UserRecord,
    safe_file_name,
)


class TransferProblem(Exception):
    """The export or import cannot be done; the message says why, for the operator."""


class BadArchive(TransferProblem):
    """The archive itself is wrong: shown as `FILE: what is wrong`."""


@dataclass
class Summary:
    slug: str
    counts: dict[str, int]
    files: int
    warnings: list[str] = field(default_factory=list)


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# Export -------------------------------------------------------------------------------

def export_organisation(db: Session, *, slug: str, upload_dir: Path, target: Path) -> Summary:
    """Write the organisation's archive to `target` (a .zip), replacing it if it exists."""
    organisation = organisations.by_slug(db, slug)
    if organisation is None or organisation.id is None:
        raise TransferProblem(f"no organisation with slug {slug}")
    archive, files, warnings = _archive_of(db, organisation, upload_dir)
    partial = target.with_name(target.name + ".part")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as out:
            out.writestr(MANIFEST, archive.model_dump_json(indent=2))
            for path, content in files.items():
                out.writestr(path, content)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return Summary(slug=slug, counts=_counts(archive), files=len(files), warnings=warnings)


def _counts(archive: OrganisationArchive) -> dict[str, int]:
    return {"members": len(archive.members), "commitments": len(archive.commitments),
            "assessments": len(archive.assessments),
            "ratings": sum(len(a.ratings) for a in archive.assessments),
            "evidence": sum(len(r.evidence) for a in archive.assessments for r in a.ratings),
            "actions": len(archive.actions), "publications": len(archive.publications)}


def _archive_of(db: Session, organisation: Organisation, upload_dir: Path
                ) -> tuple[OrganisationArchive, dict[str, bytes], list[str]]:
    organisation_id = organisation.id or 0
    members = organisations.members_of(db, organisation_id)
    commitments = organisations.commitments_of(db, organisation_id)
    assessments = repository.assessments_of(db, organisation_id)
    assessment_ids = [a.id for a in assessments if a.id is not None]
    ratings = repository.ratings_of(db, assessment_ids)
    evidence = repository.evidence_of(db, [r.id for r in ratings if r.id is not None])
    co_productions = {c.assessment_id: c
                      for c in repository.co_productions_of(db, assessment_ids)}
    priorities = repository.priorities_of(db, assessment_ids)
    actions = repository.actions_of(db, organisation_id)
    updates = repository.updates_of(db, [a.id for a in actions if a.id is not None])
    history = sorted(publications.publications_of(db, organisation_id), key=lambda p: p.number)
    emails = repository.emails_of(db, [
        *(c.created_by_id for c in commitments), *(a.created_by_id for a in assessments),
        *(r.updated_by_id for r in ratings), *(e.created_by_id for e in evidence),
        *(c.updated_by_id for c in co_productions.values()),
        *(p.created_by_id for p in priorities),
        *(a.created_by_id for a in actions), *(a.updated_by_id for a in actions),
        *(u.created_by_id for u in updates), *(p.published_by_id for p in history)])
    slugs = repository.slugs_of(db, [organisation.possible_duplicate_of_id,
                                     organisation.merged_into_id,
                                     *(a.subject_organisation_id for a in assessments),
                                     *(p.about_organisation_id for p in history)])
    numbers = repository.publication_numbers(db, [
        *(a.about_publication_id for a in assessments), *(p.in_reply_to_id for p in history)])

    def by(user_id: int | None) -> str | None:
        return emails.get(user_id) if user_id is not None else None

    files: dict[str, bytes] = {}
    warnings: list[str] = []

    def keep(folder: str, directory: Path, name: str, what: str) -> str | None:
        path = directory / name
        if not safe_file_name(name) or not path.is_file():
            warnings.append(f"{what}: the file {path} is missing; exported without it")
            return None
        files[folder + name] = path.read_bytes()
        return folder + name

    evidence_by_rating: dict[int, list[EvidenceRecord]] = {}
    for item in evidence:
        stored = keep(UPLOADS, upload_dir, item.stored_name, f"evidence {item.file_name!r}") \
            if item.stored_name else None
        evidence_by_rating.setdefault(item.rating_id, []).append(EvidenceRecord(
            kind=item.kind, text=item.text, url=item.url, file_name=item.file_name,
            stored_name=item.stored_name, content_type=item.content_type, size=item.size,
            source_kind=item.source_kind, consent_to_publish=item.consent_to_publish,
            attributed_name=item.attributed_name, publishable=item.publishable,
            created_by=by(item.created_by_id), created_at=item.created_at, file=stored,
            category=item.category))
    ratings_by_assessment: dict[int, list[RatingRecord]] = {}
    for rating in ratings:
        ratings_by_assessment.setdefault(rating.assessment_id, []).append(RatingRecord(
            marker_code=rating.marker_code, level=rating.level,
            not_applicable_reason=rating.not_applicable_reason, working=rating.working,
            needs_change=rating.needs_change, red_flags=list(rating.red_flags),
            carried_over=rating.carried_over, version=rating.version,
            updated_by=by(rating.updated_by_id), updated_at=rating.updated_at,
            evidence=evidence_by_rating.get(rating.id or 0, [])))
    priorities_by_assessment: dict[int, list[PriorityRecord]] = {}
    for priority in priorities:
        priorities_by_assessment.setdefault(priority.assessment_id, []).append(PriorityRecord(
            marker_code=priority.marker_code, why=priority.why,
            created_by=by(priority.created_by_id), created_at=priority.created_at))
    updates_by_action: dict[int, list[UpdateRecord]] = {}
    for update in updates:
        updates_by_action.setdefault(update.action_id, []).append(UpdateRecord(
            on=update.on, note=update.note, created_by=by(update.created_by_id),
            created_at=update.created_at))
    published: list[PublicationRecord] = []
    for publication in history:
        for published_file in stored_files(publication.snapshot):
            name = str(published_file.get("stored_name", ""))
            if UPLOADS + name not in files and PUBLISHED + name not in files:
                keep(PUBLISHED, upload_dir / PUBLISHED_FILES, name,
                     f"publication {publication.number}")
        published.append(PublicationRecord(
            framework_id=publication.framework_id, number=publication.number,
            kind=publication.kind, published_on=publication.published_on,
            published_at=publication.published_at, published_by=by(publication.published_by_id),
            assessment=publication.assessment_id
            if publication.assessment_id in assessment_ids else None,
            what_changed=publication.what_changed, snapshot=publication.snapshot,
            hidden_reason=publication.hidden_reason,
            about=slugs.get(publication.about_organisation_id or 0),
            in_reply_to=numbers.get(publication.in_reply_to_id or 0)))

    archive = OrganisationArchive(
        format=FORMAT, version=FORMAT_VERSION, exported_at=now(),
        organisation=OrganisationRecord(
            slug=organisation.slug, name=organisation.name, kind=organisation.kind,
            website=organisation.website, description=organisation.description,
            latitude=organisation.latitude, longitude=organisation.longitude,
            org_ids=organisation.org_ids, contact_email=organisation.contact_email,
            contact_url=organisation.contact_url, confirmed=organisation.confirmed,
            public=organisation.public, verified=organisation.verified,
            hidden_reason=organisation.hidden_reason,
            possible_duplicate_of=slugs.get(organisation.possible_duplicate_of_id or 0),
            merged_into=slugs.get(organisation.merged_into_id or 0),
            created_at=organisation.created_at,
            areas=sorted(organisations.area_codes_of(db, organisation_id))),
        users=[UserRecord(email=user.email, name=user.name, password_hash=user.password_hash,
                          email_confirmed_at=user.email_confirmed_at,
                          disabled=user.is_disabled, created_at=user.created_at)
               for _membership, user in members],
        members=[MemberRecord(email=user.email, role=membership.role,
                              created_at=membership.created_at)
                 for membership, user in members],
        commitments=[CommitmentRecord(
            framework_id=c.framework_id, statement=c.statement, signed_up_on=c.signed_up_on,
            withdrawn_on=c.withdrawn_on, withdrawal_reason=c.withdrawal_reason,
            created_by=by(c.created_by_id)) for c in commitments],
        assessments=[AssessmentRecord(
            key=a.id or 0, framework_id=a.framework_id, framework_version=a.framework_version,
            name=a.name, previous=a.previous_id if a.previous_id in assessment_ids else None,
            created_by=by(a.created_by_id), created_at=a.created_at,
            ratings=ratings_by_assessment.get(a.id or 0, []),
            co_production=_co_production_record(co_productions.get(a.id or 0), by),
            priorities=priorities_by_assessment.get(a.id or 0, []),
            subject=slugs.get(a.subject_organisation_id) if a.is_view else None,
            about_publication=numbers.get(a.about_publication_id or 0)) for a in assessments],
        actions=[ActionRecord(
            framework_id=a.framework_id, title=a.title, description=a.description,
            marker_codes=list(a.marker_codes), owner=a.owner, due_on=a.due_on,
            status=a.status, dropped_reason=a.dropped_reason, position=a.position,
            version=a.version, created_by=by(a.created_by_id), created_at=a.created_at,
            updated_by=by(a.updated_by_id), updated_at=a.updated_at,
            updates=updates_by_action.get(a.id or 0, [])) for a in actions],
        publications=published,
        files=[FileRecord(path=path, sha256=_sha256(content), size=len(content))
               for path, content in files.items()],
    )
    return archive, files, warnings


def _co_production_record(row: CoProduction | None, by: Callable[[int | None], str | None]
                          ) -> CoProductionRecord | None:
    if row is None:
        return None
    return CoProductionRecord(
        people_using_support=row.people_using_support, family_carers=row.family_carers,
        staff=row.staff, partner_organisations=row.partner_organisations,
        methods=list(row.methods), other_method=row.other_method,
        what_people_said=row.what_people_said, version=row.version,
        updated_by=by(row.updated_by_id), updated_at=row.updated_at)


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
                if len(content) != item.size or _sha256(content) != item.sha256:
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
    summary = Summary(slug=org.slug, counts=_counts(archive), files=len(loaded.files),
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
                if _sha256(target.read_bytes()) != _sha256(content):
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
