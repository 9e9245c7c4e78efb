"""Export one organisation, whole, to a zip archive (read back by app.transfer.importing).

What travels: the profile (areas, location, org ids, flags), the members' accounts (name,
email, password hash, confirmed and disabled state, never the site-administrator flag),
memberships, sign-ups, assessments with ratings, evidence (with the uploaded files),
co-production records, priorities, people's voice rounds with every response (removed ones
with their reasons, paper-entry marks; there is no address or browser name to carry),
actions with their updates, and publications (snapshots verbatim, numbers and dates kept,
with the copies of the files they published).

What does not: the audit log (site history, not the organisation's content; the import
writes its own entry), pending invitations and other one-time links, login attempts, voice
answers still being filled in (unsent drafts), and
other organisations' rows. Authors who are not members travel as an email address only:
the import links to an account with that address if there is one, and to nobody otherwise.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlmodel import Session

from app.assessments.models import (
    CoProduction,
)
from app.clock import now
from app.organisations import repository as organisations
from app.organisations.models import Organisation
from app.publications import repository as publications
from app.publications.service import PUBLISHED_FILES
from app.publications.snapshot import stored_files
from app.transfer import repository
from app.transfer.common import Summary, TransferProblem, counts, sha256
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
    VoiceAnswerRecord,
    VoiceResponseRecord,
    VoiceRoundRecord,
    safe_file_name,
)
from app.voice.models import VoiceRound


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
    return Summary(slug=slug, counts=counts(archive), files=len(files), warnings=warnings)


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
    voice_rounds = repository.voice_rounds_of(db, assessment_ids)
    actions = repository.actions_of(db, organisation_id)
    updates = repository.updates_of(db, [a.id for a in actions if a.id is not None])
    history = sorted(publications.publications_of(db, organisation_id), key=lambda p: p.number)
    emails = repository.emails_of(db, [
        *(c.created_by_id for c in commitments), *(a.created_by_id for a in assessments),
        *(r.updated_by_id for r in ratings), *(e.created_by_id for e in evidence),
        *(c.updated_by_id for c in co_productions.values()),
        *(p.created_by_id for p in priorities),
        *(a.created_by_id for a in actions), *(a.updated_by_id for a in actions),
        *(u.created_by_id for u in updates), *(p.published_by_id for p in history),
        *(r.created_by_id for r in voice_rounds)])
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
    rounds_by_assessment = _voice_rounds(db, voice_rounds, by)
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
            about_publication=numbers.get(a.about_publication_id or 0),
            voice_rounds=rounds_by_assessment.get(a.id or 0, [])) for a in assessments],
        actions=[ActionRecord(
            framework_id=a.framework_id, title=a.title, description=a.description,
            marker_codes=list(a.marker_codes), owner=a.owner, due_on=a.due_on,
            status=a.status, dropped_reason=a.dropped_reason, position=a.position,
            version=a.version, created_by=by(a.created_by_id), created_at=a.created_at,
            updated_by=by(a.updated_by_id), updated_at=a.updated_at,
            updates=updates_by_action.get(a.id or 0, [])) for a in actions],
        publications=published,
        files=[FileRecord(path=path, sha256=sha256(content), size=len(content))
               for path, content in files.items()],
    )
    return archive, files, warnings


def _voice_rounds(db: Session, rounds: Sequence[VoiceRound],
                  by: Callable[[int | None], str | None]
                  ) -> dict[int, list[VoiceRoundRecord]]:
    """The rounds by assessment id, each with every response sent, removed ones too."""
    round_ids = [r.id or 0 for r in rounds]
    answers: dict[int, list[VoiceAnswerRecord]] = {}
    for item in repository.voice_answers_of(db, round_ids):
        answers.setdefault(item.response_id, []).append(VoiceAnswerRecord(
            marker_code=item.marker_code, answer=item.answer, comment=item.comment))
    responses: dict[int, list[VoiceResponseRecord]] = {}
    for response in repository.voice_responses_of(db, round_ids):
        responses.setdefault(response.round_id, []).append(VoiceResponseRecord(
            receipt=response.receipt, respondent_kind=response.respondent_kind,
            may_share=response.may_share, on_behalf=response.on_behalf,
            sent_on=response.sent_on, removed_at=response.removed_at,
            removed_reason=response.removed_reason,
            answers=answers.get(response.id or 0, [])))
    found: dict[int, list[VoiceRoundRecord]] = {}
    for r in rounds:
        found.setdefault(r.assessment_id, []).append(VoiceRoundRecord(
            token=r.token, marker_codes=list(r.marker_codes), opens_on=r.opens_on,
            closes_on=r.closes_on, welcome=r.welcome, created_by=by(r.created_by_id),
            created_at=r.created_at, responses=responses.get(r.id or 0, [])))
    return found


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

