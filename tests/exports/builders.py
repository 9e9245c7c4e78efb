"""A council with a published action plan, built through the services (as the pages would).

Used by the export tests and the organisation transfer tests. Each function flushes and
leaves committing to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from sqlmodel import Session, col, select

from app.assessments.models import Assessment, CoProduction, Evidence, Rating
from app.assessments.service import start_assessment
from app.caching import bump_public_version
from app.config import Settings
from app.frameworks import Framework, load_catalogue
from app.organisations.models import Organisation
from app.plans import service as plans
from app.plans.models import Action, ActionStatus
from app.publications.models import Publication, PublicationKind
from app.publications.service import publish
from tests.conftest import MARKERS_DIR
from tests.factories import (
    FRAMEWORK_ID,
    add_member,
    make_commitment,
    make_organisation,
    make_user,
)

SLUG = "bolton-council"
NAME = "Bolton Council"
PLAN_DAY = date(2026, 3, 31)
PROGRESS_DAY = date(2026, 9, 30)
PRIORITIES = {"IA1": "Members told us the leaflets are hard to follow.",
              "AC2": "People wait too long for a first answer.",
              "WF3": "Carers asked for one named contact."}
FILE_BYTES = b"%PDF-1.4\n% a tiny stand-in for an uploaded leaflet draft\n%%EOF\n"
PRIVATE_FILE_BYTES = b"%PDF-1.4\n% private notes from a workshop\n%%EOF\n"
FILE_NAME = "0123456789abcdef0123456789abcdef.pdf"
PRIVATE_FILE_NAME = "fedcba9876543210fedcba9876543210.pdf"


@dataclass(frozen=True)
class PlannedAction:
    title: str
    description: str
    markers: list[str]
    owner: str
    due_on: date | None
    status: ActionStatus
    dropped_reason: str = ""


ACTIONS = [
    PlannedAction("Rewrite the leaflet with members",
                  "Plain words and *big print*, tested with five members.", ["IA1"],
                  "Head of Adult Social Care", date(2026, 12, 31), ActionStatus.in_progress),
    PlannedAction('=HYPERLINK("http://example.org") is not a formula',
                  'Commas, "quotes",\nand a second line.', ["AC2", "WF3"], "+44 team lead",
                  None, ActionStatus.planned),
    PlannedAction("Café drop-ins – ‘with’ carers", "", ["WF3"], "Carers' centre",
                  date(2026, 6, 30), ActionStatus.dropped,
                  dropped_reason="-Merged into the leaflet work"),
    PlannedAction("Train the front door team", "", [], "@Front door manager",
                  date(2026, 1, 15), ActionStatus.done),
]


@cache
def framework(framework_id: str = FRAMEWORK_ID) -> Framework:
    found = load_catalogue(MARKERS_DIR).get(framework_id)
    assert found is not None
    return found


@dataclass(frozen=True)
class Built:
    organisation_id: int
    owner_id: int
    assessment_id: int
    action_ids: list[int]


def organisation(db: Session, built: Built) -> Organisation:
    found = db.get(Organisation, built.organisation_id)
    assert found is not None
    return found


def build_plan(db: Session, *, framework_id: str = FRAMEWORK_ID, slug: str = SLUG,
               name: str = NAME, owner_email: str = "owner@bolton.example.org",
               existing: Organisation | None = None) -> Built:
    """An organisation (or `existing`) with a rated assessment, co-production record,
    three priorities and the four ACTIONS, not yet published."""
    chosen = framework(framework_id)
    if existing is None:
        owner = make_user(db, email=owner_email, name="Olive Owner")
        org = make_organisation(db, owner=owner, name=name, slug=slug, kind="council",
                                areas=("E08000001", "E08000002"), website="https://bolton.example.org",
                                description="A council in the North West.",
                                latitude=53.578, longitude=-2.429,
                                org_ids="GB-LAE-BOL", verified=True)
        add_member(db, org, make_user(db, email="editor@bolton.example.org",
                                      name="Eddie Editor"), "editor")
    else:
        org = existing
        owner = make_user(db, email=f"owner-{framework_id}@bolton.example.org")
        add_member(db, org, owner, "owner")
    assert org.id is not None and owner.id is not None
    make_commitment(db, org, framework_id, signed_up_on=date(2026, 1, 5))
    assessment = start_assessment(db, actor_id=owner.id, organisation_id=org.id,
                                  framework=chosen, name="Spring 2026", carry_over=False)
    assert assessment.id is not None
    levels = [level.id for level in chosen.scale]
    for index, rating in enumerate(db.exec(select(Rating).where(
            Rating.assessment_id == assessment.id).order_by(col(Rating.id))).all()):
        rating.level = levels[index % len(levels)]
        rating.working = f"Public words on {rating.marker_code}"
        db.add(rating)
    db.add(CoProduction(assessment_id=assessment.id, people_using_support=12,
                        family_carers=3, staff=4, partner_organisations=1,
                        methods=["workshops", "survey"],
                        what_people_said="People said the workshops felt like being heard."))
    codes = [marker.code for marker in chosen.markers]
    wanted = {code: why for code, why in PRIORITIES.items() if code in codes} \
        or {code: "It matters to members" for code in codes[:3]}
    plans.set_priorities(db, actor_id=owner.id, organisation_id=org.id,
                         assessment_id=assessment.id, chosen=wanted)
    action_ids = []
    for planned in ACTIONS:
        action = plans.add_action(db, actor_id=owner.id, organisation_id=org.id,
                                  framework_id=framework_id, change=plans.ActionChange(
                                      planned.title, planned.description,
                                      [c for c in planned.markers if c in codes],
                                      planned.owner, planned.due_on, planned.status,
                                      planned.dropped_reason))
        action_ids.append(action.id or 0)
    first = db.get(Action, action_ids[0])
    assert first is not None
    plans.add_update(db, actor_id=owner.id, action=first, on=date(2026, 2, 1),
                     note="First workshop on the leaflet held.")
    db.flush()
    return Built(org.id, owner.id, assessment.id, action_ids)


def add_evidence(db: Session, settings: Settings, built: Built) -> None:
    """Evidence of every kind on IA1, with a published and a private uploaded file."""
    rating = db.exec(select(Rating).where(Rating.assessment_id == built.assessment_id,
                                          Rating.marker_code == "IA1")).one()
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    (settings.upload_dir / FILE_NAME).write_bytes(FILE_BYTES)
    (settings.upload_dir / PRIVATE_FILE_NAME).write_bytes(PRIVATE_FILE_BYTES)
    rating_id = rating.id or 0
    at = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    db.add_all([
        Evidence(rating_id=rating_id, kind="file", file_name="Leaflet draft.pdf",
                 stored_name=FILE_NAME, content_type="application/pdf",
                 size=len(FILE_BYTES), text="The draft we tested", publishable=True,
                 created_by_id=built.owner_id, created_at=at),
        Evidence(rating_id=rating_id, kind="file", file_name="Workshop notes.pdf",
                 stored_name=PRIVATE_FILE_NAME, content_type="application/pdf",
                 size=len(PRIVATE_FILE_BYTES), publishable=False,
                 created_by_id=built.owner_id, created_at=at),
        Evidence(rating_id=rating_id, kind="quote", text="Finally, a leaflet I can read.",
                 source_kind="person_using_support", consent_to_publish=True,
                 publishable=True, created_by_id=built.owner_id, created_at=at),
        Evidence(rating_id=rating_id, kind="link", url="https://bolton.example.org/leaflet",
                 text="The leaflet online", publishable=True, created_at=at),
        Evidence(rating_id=rating_id, kind="note", text="A private note", created_at=at),
    ])
    db.flush()


def publish_plan(db: Session, settings: Settings, built: Built, *,
                 framework_id: str = FRAMEWORK_ID, day: date = PLAN_DAY,
                 kind: PublicationKind = PublicationKind.plan,
                 what_changed: str = "") -> Publication:
    """Publish as the owner would; public pages cached before are stale from now on."""
    bump_public_version(db)
    return publish(db, actor_id=built.owner_id, organisation=organisation(db, built),
                   framework=framework(framework_id),
                   assessment=db.get(Assessment, built.assessment_id), kind=kind,
                   what_changed=what_changed, today=day, upload_dir=settings.upload_dir,
                   base=f"/manage/{SLUG}")


def report_progress(db: Session, settings: Settings, built: Built, *,
                    day: date = PROGRESS_DAY) -> Publication:
    """The second action is started and the first gets an update; then a progress report."""
    first, second = (db.get(Action, action_id) for action_id in built.action_ids[:2])
    assert first is not None and second is not None
    plans.save_action(db, actor_id=built.owner_id, action=second, seen_version=second.version,
                      change=plans.ActionChange(second.title, second.description,
                                                list(second.marker_codes), second.owner,
                                                second.due_on, ActionStatus.in_progress, ""))
    plans.add_update(db, actor_id=built.owner_id, action=first, on=date(2026, 6, 1),
                     note="Draft shared with members.")
    db.flush()
    return publish_plan(db, settings, built, day=day, kind=PublicationKind.progress)
