"""Publishing: the checklist, and freezing a numbered, dated, immutable publication."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.assessments import repository as assessments
from app.assessments.coproduction import co_production_complete
from app.assessments.models import Assessment
from app.audit.service import record
from app.errors import DomainError
from app.frameworks import Framework
from app.organisations.models import Organisation
from app.plans import repository as plans
from app.publications import repository
from app.publications.models import PUBLICATION_KIND_LABELS, Publication, PublicationKind
from app.publications.snapshot import build_snapshot, stored_files
from app.text import long_date
from app.voice.service import voice_snapshot

PUBLISHED_FILES = "published"


@dataclass(frozen=True)
class Check:
    done: bool
    text: str
    fix_url: str | None = None


# What each kind is for, in words, on the publish page.
KIND_PURPOSES = {
    PublicationKind.plan: "Your first plan: your assessment, your priorities, your actions and "
                          "who helped you make it.",
    PublicationKind.progress: "What you have done on your actions since you last published. "
                              "Publish one at least once a year, after your plan.",
    PublicationKind.correction: "Your plan again, with a mistake put right. You say what "
                                "changed. The old plan stays public.",
}


@dataclass(frozen=True)
class KindChoice:
    kind: PublicationKind
    label: str
    purpose: str


def publication_kind(value: str) -> PublicationKind:
    """The kind the publish form chose; anything else is the publisher's mistake, not ours."""
    if value not in {kind.value for kind in PublicationKind}:
        raise DomainError("Choose what you are publishing", field="kind")
    return PublicationKind(value)


def publish_choices(db: Session, *, organisation: Organisation,
                    framework: Framework) -> tuple[PublicationKind, list[KindChoice]]:
    """The kind to offer first, from what is already published, and every kind in words.

    Once a plan is out, a second "plan" is almost always a mistake: progress comes first."""
    dates = repository.published_dates(db, [organisation.id or 0]).get(
        (organisation.id or 0, framework.id))
    plan_on = dates.last_plan_on if dates else None
    choices = []
    for kind in PublicationKind:
        purpose = KIND_PURPOSES[kind]
        if kind == PublicationKind.plan and plan_on is not None:
            purpose = (f"You published your plan on {long_date(plan_on)}. Choose this only "
                       "for a new plan, for example after a new assessment.")
        choices.append(KindChoice(kind, PUBLICATION_KIND_LABELS[kind], purpose))
    return (PublicationKind.plan if plan_on is None else PublicationKind.progress), choices


def checklist(db: Session, *, organisation: Organisation, framework: Framework,
              assessment: Assessment | None, kind: PublicationKind,
              base: str) -> list[Check]:
    """What must be true before publishing. Progress reports need a plan first."""
    if kind == PublicationKind.progress:
        has_plan = repository.published_dates(db, [organisation.id or 0]).get(
            (organisation.id or 0, framework.id))
        return [Check(has_plan is not None and has_plan.last_plan_on is not None,
                      "Your action plan has been published")]
    if assessment is None or assessment.id is None:
        return [Check(False, "You have an assessment of this framework",
                      f"{base}/assessments")]
    record_ = assessments.co_production_of(db, assessment.id)
    chosen = len(plans.priorities_of(db, assessment.id))
    actions = len(plans.actions_of(db, organisation.id or 0, framework.id))
    assessment_url = f"{base}/assessments/{assessment.id}"
    return [
        Check(co_production_complete(record_),
              "The co-production record says who took part, how, and what they said",
              f"{assessment_url}/co-production"),
        Check(chosen >= framework.min_priorities,
              f"At least {framework.min_priorities} priorities are chosen "
              f"({chosen} so far)", f"{assessment_url}/priorities"),
        Check(actions > 0, "The action plan has at least one action",
              f"{base}/plans/{framework.id}"),
    ]


def preview(db: Session, *, organisation: Organisation, framework: Framework,
            assessment: Assessment | None, kind: PublicationKind, today: date,
            what_changed: str = "", by_statement: dict[str, Any] | None = None
            ) -> dict[str, Any]:
    """The snapshot to publish. `by_statement` is the public view by another framework's
    statements (app.crosswalks), when the owner chose to include it."""
    last = _last_publication(db, organisation, framework) \
        if kind == PublicationKind.progress else None
    snapshot = build_snapshot(db, organisation=organisation, framework=framework,
                              assessment=None if kind == PublicationKind.progress
                              else assessment,
                              kind=kind, today=today, what_changed=what_changed,
                              since=last.published_on if last else None,
                              since_at=last.published_at if last else None)
    if by_statement is not None:
        snapshot["by_statement"] = by_statement
    # A progress report too: what people said since the plan is part of the progress.
    snapshot["voice"] = voice_snapshot(db, assessment, framework, today)
    return snapshot


def _last_publication(db: Session, organisation: Organisation,
                      framework: Framework) -> Publication | None:
    """The organisation's newest plan, correction or progress report for the framework."""
    own = {kind.value for kind in PublicationKind}  # not views of others, nor replies
    found = [p for p in repository.publications_of(db, organisation.id or 0)
             if p.framework_id == framework.id and p.kind in own]
    return max(found, key=lambda p: (p.published_on, p.number), default=None)


def copy_files(items: Iterable[dict[str, Any]], upload_dir: Path) -> None:
    """Copy each file a snapshot names, and name the copy in it: deleting a draft's evidence
    later never breaks what was published."""
    published_dir = upload_dir / PUBLISHED_FILES
    for item in items:
        source = upload_dir / item["stored_name"]
        copy_name = secrets.token_hex(16) + Path(item["stored_name"]).suffix
        if source.exists():
            published_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, published_dir / copy_name)
        item["stored_name"] = copy_name


def publish(db: Session, *, actor_id: int, organisation: Organisation, framework: Framework,
            assessment: Assessment | None, kind: PublicationKind, what_changed: str,
            today: date, upload_dir: Path, base: str,
            by_statement: dict[str, Any] | None = None) -> Publication:
    """Freeze a publication. Publishable files are copied, so deleting a draft's evidence
    later never breaks what was published."""
    problems = [c.text for c in checklist(db, organisation=organisation, framework=framework,
                                          assessment=assessment, kind=kind, base=base)
                if not c.done]
    if problems:
        raise DomainError("Not ready to publish: " + "; ".join(problems), field="kind")
    if kind == PublicationKind.correction and not what_changed.strip():
        raise DomainError("Say what changed since the last publication", field="what_changed")
    snapshot = preview(db, organisation=organisation, framework=framework,
                       assessment=assessment, kind=kind, today=today,
                       what_changed=what_changed, by_statement=by_statement)
    copy_files(stored_files(snapshot), upload_dir)
    publication = Publication(
        organisation_id=organisation.id or 0, framework_id=framework.id,
        number=repository.next_number(db, organisation.id or 0), kind=kind.value,
        published_on=today, published_by_id=actor_id,
        assessment_id=assessment.id if assessment and kind != PublicationKind.progress
        else None, what_changed=what_changed, snapshot=snapshot)
    db.add(publication)
    db.flush()
    record(db, actor_id=actor_id, action="publication.publish", organisation_id=organisation.id,
           subject=f"publication:{publication.number}",
           after={"kind": kind.value, "framework": framework.id, "number": publication.number,
                  "published_on": str(today),
                  "by_statement": by_statement["crosswalk"]["id"] if by_statement else None})
    return publication
