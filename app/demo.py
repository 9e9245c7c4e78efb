"""Deterministic, realistic demo data: `mir demo --orgs N --seed S`.

Rows are written with bulk inserts and ids assigned here, so 30 000 organisations load in
minutes on either engine. Every commitment stage is present, with plans and progress reports;
DPULOs publish independent views of their council's latest plan, and some councils reply.
The same seed on the same day gives the same data (dates are relative to today, so statuses
such as "plan overdue" stay true to life).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel

import app.models  # noqa: F401  (every table on the metadata)
from app import clock
from app.accounts.security import hash_password
from app.accounts.service import find_user
from app.areas.models import Area
from app.areas.reference import area_centres
from app.assessments import repository as assessments
from app.assessments.models import NOT_APPLICABLE, CoProduction
from app.config import Settings
from app.db import engine_for
from app.frameworks import Framework, FrameworkCatalogue, load_catalogue
from app.organisations import repository as organisations
from app.organisations import tallies
from app.organisations.models import KIND_LABELS, OrganisationKind
from app.organisations.service import slugify
from app.plans import repository as plans
from app.publications.models import REPLY_KIND, VIEW_KIND, PublicationKind
from app.publications.snapshot import (
    ActionRecord,
    MarkerWords,
    co_production_snapshot,
    compose_snapshot,
)
from app.schema import upgrade
from app.views.snapshot import (
    LocalWords,
    PublicationRef,
    compose_reply_snapshot,
    compose_view_snapshot,
    published_markers,
)
from app.voice import repository as voice_repository
from app.voice import service as voice_service

DEMO_PASSWORD = "making it real demo"
DEMO_COUNCIL = "council@example.org"
DEMO_PEOPLE = {"admin@example.org": ("Demo Admin", True),
               DEMO_COUNCIL: ("Demo Council Owner", False)}
FRAMEWORK = "making-it-real-2018"
BATCH = 2000

KIND_WEIGHTS = [("dpulo", 15), ("provider", 50), ("voluntary", 22), ("health", 6), ("other", 7)]
STAGE_WEIGHTS = [("new", 10), ("assessing", 14), ("overdue", 10), ("published", 30),
                 ("progress", 26), ("lapsed", 10)]
COUNCIL_STAGES = [("assessing", 10), ("overdue", 5), ("published", 40), ("progress", 40),
                  ("lapsed", 5)]
LEVEL_WEIGHTS = [("not_started", 15), ("getting_started", 35), ("making_progress", 35),
                 ("real", 15)]
NAMES = {
    "dpulo": ["{area} Disabled People's Forum", "Disability Action {area}",
              "{area} Independent Living Network", "Voices of {area}",
              "{area} Deaf and Disabled People's Alliance"],
    "provider": ["{word} Home Care ({area})", "{word} Support Services {area}",
                 "{word} Supported Living, {area}", "{word} Care Partnership ({area})",
                 "{word} Shared Lives {area}"],
    "voluntary": ["{area} Carers Centre", "Age Friendly {area}", "{area} Advocacy Project",
                  "{area} Community Links", "{word} Befriending {area}"],
    "health": ["{area} Community Health Services", "{area} Primary Care Network",
               "{word} Hospice {area}"],
    "other": ["{word} Housing Association ({area})", "{area} Libraries and Hubs",
              "{word} Housing Trust {area}"],
}
WORDS = ["Riverside", "Oakwood", "Meadow", "Harbour", "Hillside", "Beacon", "Willow",
         "Kingfisher", "Maple", "Heather", "Brook", "Lantern", "Compass", "Orchard"]
WORKING = ["People tell us they feel listened to at reviews.",
           "Our Easy Read leaflets are used and liked.",
           "Direct payments are set up faster than last year.",
           "Carers say the new drop-in helps.",
           "Members co-chair the steering group."]
NEEDS_CHANGE = ["Waiting times for assessments are still too long.",
                "Information is hard to find online.",
                "People are not always told who to contact.",
                "Too few people are offered a personal budget.",
                "Staff turnover breaks relationships."]
# What organisations write, in the plain words the sign-up and plan pages ask for: the demo
# shows what good looks like.
ACTIONS = ["Write our leaflets in Easy Read with members",
           "Set up a drop-in each month with the people we support",
           "Train the staff who take first calls to ask what people can do",
           "Say how long people wait for help, every three months",
           "Give every person a named contact",
           "Check the rules on direct payments with people who use them",
           "Write the carers' plan with carers", "Make a list of local groups and share it"]
# What each kind of organisation says about itself ({area}: where it works).
DESCRIPTIONS = {
    "dpulo": "We are run by disabled people in {area}. We speak up for our members.",
    "council": "We are the council for {area}. We run adult social care here.",
    "provider": "We give care and support to people in {area}.",
    "voluntary": "We are a local charity. We help people in {area}.",
    "health": "We give health care to people in {area}.",
    "other": "We help people in {area} to live well at home.",
}
COMMITMENT = ("We will look at every marker with the people we support. We will put out an "
              "action plan. We will say how it is going every year.")
LEADS = ["Head of adult care", "Service manager", "Co-production lead", "Board member",
         "Volunteer lead"]
# Independent views: a DPULO looks at its council's latest published plan with its members.
VIEW_SHARE = 0.6  # of DPULOs whose council has published a plan
DPULO_NEAR_COUNCIL = 0.5  # DPULOs placed in an area whose council is in the demo
VIEWS_PER_COUNCIL = 2  # at most, so that a council page stays readable
REPLY_SHARE = 0.5  # of views the council answers
# How far local people's level is from the council's, in steps along the scale.
VIEW_STEPS, VIEW_STEP_WEIGHTS = [-2, -1, 0, 1], [10, 40, 35, 15]
LOCAL_REASONS = ["Members told us they waited months for a call back.",
                 "People at our forum said the new leaflets are clearer.",
                 "Few of our members have been offered a direct payment.",
                 "Carers said they still do not know who to contact.",
                 "Members who use the drop-in say it makes a real difference.",
                 "People said reviews are rushed and nobody asks what matters to them."]
LOCAL_SAID = ["Members liked meeting in a community venue and asked for the notes in Easy Read.",
              "People said an online survey alone would have left many of them out.",
              "Members said they want to see the council act on what they told it."]
REPLY_OVERALL = ["Thank you to everyone who took part. We accept most of what you found and "
                 "will bring your members into our next review.",
                 "We welcome this view. Some of it surprised us, and we will meet the forum "
                 "to agree what to do first."]
REPLY_MARKER = ["We agree, and this is now one of our priorities.",
                "We have started to change this: see our latest progress report.",
                "We see this differently, and would like to talk it through with your members."]


@dataclass
class Ids:
    """Next id per table, so children can refer to parents without a round trip."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class Rows:
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append(row)

    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


@dataclass
class CouncilPlan:
    """A council's published plan, for the DPULOs of its area to look at."""

    organisation_id: int
    owner: int
    part: dict[str, Any]
    publication_id: int
    number: int
    published_on: date
    snapshot: dict[str, Any]
    next_number: int
    views: int = 0
    answer_first_view: bool = True


# How far (degrees of latitude; longitude 1.6 times as far) a demo organisation may be from
# the town that stands for its area: London boroughs and metropolitan districts are small,
# counties large.
SPREAD = {"E09": 0.015, "E08": 0.03, "E06": 0.05, "E10": 0.12}


def weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def load_demo(settings: Settings, *, orgs: int, seed: int, only_if_empty: bool,
              progress: Callable[[int], None] | None = None) -> str:
    """Bring the schema up to date and fill the database with `orgs` organisations."""
    upgrade(settings.database_url)
    catalogue = load_catalogue(settings.markers_dir)
    framework = catalogue.get(FRAMEWORK) or next(iter(catalogue))
    engine = engine_for(settings.database_url)
    tables = SQLModel.metadata.tables
    with engine.begin() as connection:
        existing = connection.execute(select(func.count()).select_from(
            tables["organisation"])).scalar_one()
        if existing and only_if_empty:
            return f"The database already has {existing} organisations: no demo loaded."
        areas = [(a.gss_code, a.name) for a in connection.execute(
            select(Area.__table__.c.gss_code, Area.__table__.c.name)  # type: ignore[attr-defined]
            .order_by(Area.__table__.c.gss_code))]  # type: ignore[attr-defined]
        ids = Ids({name: _next_id(connection, tables[name]) for name in
                   ("user", "organisation", "membership", "commitment", "assessment",
                    "rating", "co_production", "priority", "action", "action_update",
                    "publication")})
        people = dict(connection.execute(
            select(tables["user"].c.email, tables["user"].c.id)
            .where(tables["user"].c.email.in_(DEMO_PEOPLE))).all())
        slugs = set(connection.execute(select(tables["organisation"].c.slug)).scalars())
        generator = DemoGenerator(random.Random(seed), framework, areas, ids,
                                  hash_password(DEMO_PASSWORD), date.today(), people, slugs)
        total = 0
        for rows in generator.batches(orgs):
            _write(connection, tables, rows)
            total += rows.count()
            if progress:
                progress(len(rows.tables.get("organisation", [])))
        _reset_sequences(connection, tables)
    with engine.connect() as connection:
        # Fresh statistics, so the query planner knows the tables just grew by thousands of
        # rows (autovacuum would get there, but the first visitors would pay until then).
        connection.execute(text("ANALYZE"))
        connection.commit()
        tallies.rebuild(connection)  # the rows above bypassed the ORM and its tally hook
        connection.execute(text("ANALYZE"))
        connection.commit()
    return (f"Demo loaded: {orgs} organisations ({total} rows) in {len(areas)} council areas. "
            f"Log in as admin@example.org or council@example.org with the password "
            f"“{DEMO_PASSWORD}”.")


def add_voice_round(db: Session, catalogue: FrameworkCatalogue, *, answers: int) -> str:
    """Give the demo council's newest self-assessment a round of people's voice, on its
    priorities, with `answers` made-up sets of answers: once (a database that has a round
    there already is left as it is). For benchmarks of the results pages."""
    owner = find_user(db, DEMO_COUNCIL)
    memberships = organisations.memberships_of_user(db, owner.id or 0) if owner else []
    if owner is None or not memberships:
        return f"No people's voice round: {DEMO_COUNCIL} is not in the database."
    organisation = memberships[0][1]
    mine = assessments.assessments_of(db, organisation.id or 0)
    framework = catalogue.get(mine[0].framework_id) if mine else None
    if not mine or framework is None:
        return f"No people's voice round: {organisation.name} has no assessment."
    assessment = mine[0]
    if voice_repository.rounds_of(db, assessment.id or 0):
        return f"{organisation.name}'s assessment has a round of people's voice already."
    codes = [p.marker_code for p in plans.priorities_of(db, assessment.id or 0)] \
        or [m.code for m in framework.markers[:3]]
    day = clock.today()
    voice_round = voice_service.open_round(
        db, actor_id=owner.id or 0, organisation_id=organisation.id or 0,
        assessment=assessment, framework=framework, marker_codes=codes,
        opens_on=day - timedelta(days=14), closes_on=day + timedelta(days=14),
        welcome="Tell us whether these are true for you.")
    voice_service.add_sample_answers(db, voice_round, start=0, count=answers, today=day)
    for table in ("voice_response", "voice_answer"):  # the planner learns they grew
        db.execute(text(f"ANALYZE {table}"))
    return (f"People's voice: a round on {', '.join(voice_round.marker_codes)} of "
            f"{organisation.name}'s assessment, with {answers:,} sets of answers.")


def _next_id(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.coalesce(func.max(table.c.id), 0))
                                  ).scalar_one()) + 1


def _write(connection: Connection, tables: dict[str, Table], rows: Rows) -> None:
    order = ["user", "organisation", "organisation_area", "membership", "commitment",
             "assessment", "rating", "co_production", "priority", "action", "action_update",
             "publication"]
    for name in order:
        batch = rows.tables.get(name)
        if batch:
            connection.execute(insert(tables[name]), batch)


def _reset_sequences(connection: Connection, tables: dict[str, Table]) -> None:
    if connection.dialect.name != "postgresql":
        return
    for name, table in tables.items():
        if "id" in table.c and table.c.id.autoincrement is not False \
                and table.c.id.primary_key:
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM \"{name}\"))"))


class DemoGenerator:
    def __init__(self, rng: random.Random, framework: Framework,
                 areas: list[tuple[str, str]], ids: Ids, password_hash: str,
                 today: date, people: dict[str, int], slugs: set[str]) -> None:
        self.rng, self.framework, self.areas, self.ids = rng, framework, areas, ids
        self.password_hash, self.today = password_hash, today
        self.positions = area_centres()
        self.slugs = slugs
        self.first_run = not slugs
        self.people = people
        self.council_plans: dict[str, CouncilPlan] = {}  # by area code
        # The area of the first view, always written (on a second run, nowhere in particular).
        self.first_view_for: str | None = None if self.first_run else ""
        self.replies = 0

    def batches(self, orgs: int) -> Iterator[Rows]:
        rows = Rows()
        self._people(rows)
        councils = min(len(self.areas), max(1, orgs // 12))
        council_areas = [self.areas[number * len(self.areas) // councils]
                         for number in range(councils)]
        for number in range(orgs):
            if number < councils:
                code, area = council_areas[number]
                self._organisation(rows, number, "council", code, area)
                continue
            kind = weighted(self.rng, KIND_WEIGHTS)
            if kind == "dpulo" and self.first_view_for is None:
                # The demo login's council: its owner finds a view to reply to.
                code, area = council_areas[0]
                self.first_view_for = code
            elif kind == "dpulo" and self.rng.random() < DPULO_NEAR_COUNCIL:
                code, area = self.rng.choice(council_areas)
            else:
                code, area = self.rng.choice(self.areas)
            self._organisation(rows, number, kind, code, area)
            if len(rows.tables["organisation"]) >= BATCH:
                yield rows
                rows = Rows()
        if rows.tables:
            yield rows

    def _people(self, rows: Rows) -> None:
        """The demo's known logins; a second run reuses them."""
        for email, (name, admin) in DEMO_PEOPLE.items():
            if email not in self.people:
                self.people[email] = self._user(rows, email, name, admin=admin)
        self.council_user_id = self.people[DEMO_COUNCIL]

    def _user(self, rows: Rows, email: str, name: str, admin: bool = False) -> int:
        user_id = self.ids.take("user")
        rows.add("user", {"id": user_id, "email": email, "name": name,
                          "password_hash": self.password_hash, "is_admin": admin,
                          "is_disabled": False, "email_confirmed_at": at(self.today),
                          "session_epoch": 0, "created_at": at(self.today)})
        return user_id

    def _slug(self, name: str) -> str:
        base = slugify(name)
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    def _organisation(self, rows: Rows, number: int, kind: str, code: str, area: str) -> None:
        rng = self.rng
        if kind == "council":
            name = f"{area} Council"
        else:
            name = rng.choice(NAMES[kind]).format(area=area, word=rng.choice(WORDS))
        slug = self._slug(name)
        org_id = self.ids.take("organisation")
        lat_lon = self.positions.get(code)
        spread = SPREAD.get(code[:3], 0.05)  # degrees of latitude: stay in or near the area
        located = lat_lon is not None and rng.random() < 0.35
        stage = weighted(rng, COUNCIL_STAGES if kind == "council" else STAGE_WEIGHTS)
        signed = self._signed_up_on(stage)
        rows.add("organisation", {
            "id": org_id, "slug": slug, "name": name, "kind": kind,
            "website": f"https://{slug}.example.org",
            "description": DESCRIPTIONS[kind].format(area=area),
            "latitude": round(lat_lon[0] + rng.uniform(-1, 1) * spread, 5)
            if located and lat_lon else None,
            "longitude": round(lat_lon[1] + rng.uniform(-1, 1) * spread * 1.6, 5)
            if located and lat_lon else None,
            "org_ids": "", "confirmed": True, "public": True,
            "verified": rng.random() < 0.6, "hidden_reason": None,
            "possible_duplicate_of_id": None, "merged_into_id": None,
            "created_at": at(signed)})
        rows.add("organisation_area", {"organisation_id": org_id, "area_code": code})
        if kind == "provider" and rng.random() < 0.2:
            other = rng.choice(self.areas)[0]
            if other != code:
                rows.add("organisation_area", {"organisation_id": org_id, "area_code": other})
        owner = self.council_user_id if number == 0 and self.first_run else self._user(
            rows, f"owner@{slug}.example.org", f"Owner of {name}")
        rows.add("membership", {"id": self.ids.take("membership"), "user_id": owner,
                                "organisation_id": org_id, "role": "owner",
                                "created_at": at(signed)})
        rows.add("commitment", {
            "id": self.ids.take("commitment"), "organisation_id": org_id,
            "framework_id": self.framework.id, "statement": COMMITMENT, "signed_up_on": signed,
            "withdrawn_on": None, "withdrawal_reason": None, "created_by_id": owner})
        summary = {"name": name, "slug": slug, "kind": kind,
                   "kind_label": KIND_LABELS[OrganisationKind(kind)],
                   "areas": [{"code": code, "name": area}]}
        published = self._work(rows, org_id, owner, stage, signed, summary)
        if kind == "council" and published:
            plan = published[0]
            self.council_plans[code] = CouncilPlan(
                org_id, owner, summary, plan["id"], plan["number"], plan["published_on"],
                plan["snapshot"], next_number=len(published) + 1,
                # The demo login's council keeps its first view unanswered, to reply to.
                answer_first_view=not (number == 0 and self.first_run))
        elif kind == "dpulo":
            self._view(rows, org_id, owner, summary, code, next_number=len(published) + 1)

    def _signed_up_on(self, stage: str) -> date:
        ranges = {"new": (5, 85), "assessing": (20, 200), "overdue": (100, 330),
                  "published": (100, 330), "progress": (420, 640), "lapsed": (500, 720)}
        low, high = ranges[stage]
        return self.today - timedelta(days=self.rng.randint(low, high))

    def _work(self, rows: Rows, org_id: int, owner: int, stage: str, signed: date,
              summary: dict[str, Any]) -> list[dict[str, Any]]:
        """Assessment, plan and progress by stage; the publication rows written, in order."""
        if stage == "new" or (stage == "overdue" and self.rng.random() < 0.5):
            return []
        rng, framework = self.rng, self.framework
        assessment_id = self.ids.take("assessment")
        started = signed + timedelta(days=rng.randint(5, 30))
        rows.add("assessment", {
            "id": assessment_id, "organisation_id": org_id, "subject_organisation_id": org_id,
            "framework_id": framework.id, "framework_version": framework.version,
            "name": f"{_season(started)}", "previous_id": None, "about_publication_id": None,
            "created_by_id": owner, "created_at": at(started)})
        partial = stage in ("assessing", "overdue")
        words: dict[str, MarkerWords] = {}
        for marker in framework.markers:
            level = None if partial and rng.random() < 0.5 else weighted(rng, LEVEL_WEIGHTS)
            if level and framework.not_applicable and rng.random() < 0.02:
                level = NOT_APPLICABLE
            talk = level is not None and rng.random() < 0.25
            working = rng.choice(WORKING) if talk else ""
            needs = rng.choice(NEEDS_CHANGE) if talk else ""
            words[marker.code] = MarkerWords(level, working, needs)
            rows.add("rating", {
                "id": self.ids.take("rating"), "assessment_id": assessment_id,
                "marker_code": marker.code, "level": level,
                "not_applicable_reason": "We do not provide this service."
                if level == NOT_APPLICABLE else "", "working": working, "needs_change": needs,
                "red_flags": [], "carried_over": False, "version": 2 if level else 1,
                "updated_by_id": owner, "updated_at": at(started)})
        if partial:
            return []
        co_production: dict[str, Any] = {"people_using_support": rng.randint(4, 60),
                         "family_carers": rng.randint(0, 20), "staff": rng.randint(2, 15),
                         "partner_organisations": rng.randint(0, 6),
                         "methods": rng.sample(["workshops", "survey", "interviews",
                                                "online"], 2),
                         "other_method": "",
                         "what_people_said": "People said meeting in person helped, and "
                                             "asked for the next session to be in the evening."}
        rows.add("co_production", {"id": self.ids.take("co_production"),
                                   "assessment_id": assessment_id, **co_production,
                                   "version": 1, "updated_by_id": owner,
                                   "updated_at": at(started)})
        codes = rng.sample([m.code for m in framework.markers], 3)
        priorities = [(code, "People who use our services chose this as the biggest gap.")
                      for code in codes]
        for code, why in priorities:
            rows.add("priority", {"id": self.ids.take("priority"),
                                  "assessment_id": assessment_id, "marker_code": code,
                                  "why": why, "created_by_id": owner, "created_at": at(started)})
        plan_on = min(signed + timedelta(days=rng.randint(45, 89)), self.today)
        actions = self._actions(rows, org_id, owner, codes, plan_on, stage)
        method_labels = {"workshops": "Workshops", "survey": "A survey",
                         "interviews": "Interviews", "online": "Online"}
        snapshot_co = {**co_production,
                       "methods": [method_labels[m] for m in co_production["methods"]]}
        published = [self._publish(rows, org_id, owner, assessment_id, PublicationKind.plan,
                                   plan_on, None, summary, words, priorities, snapshot_co,
                                   actions, number=1)]
        if stage == "progress":
            report_on = self.today - timedelta(days=rng.randint(10, 300))
            published.append(self._publish(
                rows, org_id, owner, None, PublicationKind.progress,
                max(report_on, plan_on + timedelta(days=30)), plan_on, summary, {}, [], None,
                actions, number=2))
        return published

    def _actions(self, rows: Rows, org_id: int, owner: int, codes: list[str], plan_on: date,
                 stage: str) -> list[ActionRecord]:
        rng = self.rng
        records = []
        for position, title in enumerate(rng.sample(ACTIONS, rng.randint(2, 5)), start=1):
            due = plan_on + timedelta(days=rng.randint(60, 420))
            status = rng.choice(["planned", "in_progress", "done"]) if stage == "progress" \
                else rng.choice(["planned", "planned", "in_progress"])
            action_id = self.ids.take("action")
            marker_codes = [rng.choice(codes)]
            updates: tuple[tuple[date, str], ...] = ()
            if stage == "progress" and status != "planned":
                on = min(plan_on + timedelta(days=rng.randint(40, 300)), self.today)
                updates = ((on, "Met with members to review how it is going."),)
                rows.add("action_update", {"id": self.ids.take("action_update"),
                                           "action_id": action_id, "on": on,
                                           "note": updates[0][1], "created_by_id": owner,
                                           "created_at": at(on)})
            lead = rng.choice(LEADS)
            rows.add("action", {
                "id": action_id, "organisation_id": org_id, "framework_id": self.framework.id,
                "title": title, "description": "", "marker_codes": marker_codes,
                "owner": lead, "due_on": due, "status": status, "dropped_reason": "",
                "position": position, "version": 1, "created_by_id": owner,
                "created_at": at(plan_on), "updated_by_id": owner, "updated_at": at(plan_on)})
            records.append(ActionRecord(title, "", tuple(marker_codes), lead, due, status, "",
                                        updates))
        return records

    def _publish(self, rows: Rows, org_id: int, owner: int, assessment_id: int | None,
                 kind: PublicationKind, on: date, since: date | None,
                 summary: dict[str, Any], words: dict[str, MarkerWords],
                 priorities: list[tuple[str, str]], co_production: dict[str, Any] | None,
                 actions: list[ActionRecord], number: int) -> dict[str, Any]:
        snapshot = compose_snapshot(
            organisation=summary, framework=self.framework, kind=kind, today=on, since=since,
            what_changed="", assessment_name=None if kind == PublicationKind.progress
            else "Our first look", ratings=words, priorities=priorities,
            co_production=co_production, actions=actions)
        return self._publication(rows, org_id, owner, kind.value, on, number, snapshot,
                                 assessment_id=assessment_id)

    def _publication(self, rows: Rows, org_id: int, owner: int, kind: str, on: date,
                     number: int, snapshot: dict[str, Any], *, assessment_id: int | None = None,
                     about_organisation_id: int | None = None,
                     in_reply_to_id: int | None = None) -> dict[str, Any]:
        row = {"id": self.ids.take("publication"), "organisation_id": org_id,
               "framework_id": self.framework.id, "number": number, "kind": kind,
               "published_on": on, "published_at": at(on), "published_by_id": owner,
               "assessment_id": assessment_id, "what_changed": "", "snapshot": snapshot,
               "hidden_reason": None, "about_organisation_id": about_organisation_id,
               "in_reply_to_id": in_reply_to_id}
        rows.add("publication", row)
        return row

    def _view(self, rows: Rows, org_id: int, owner: int, summary: dict[str, Any], code: str,
              next_number: int) -> None:
        """Perhaps a published independent view of the area's council's latest plan (never
        its drafts: the council's levels come from the plan's snapshot), and its reply."""
        council = self.council_plans.get(code)
        rng, framework = self.rng, self.framework
        first = council is not None and council.views == 0 and code == self.first_view_for
        if council is None or council.views >= VIEWS_PER_COUNCIL \
                or (rng.random() >= VIEW_SHARE and not first):
            return
        earliest = council.published_on + timedelta(days=14)  # time to meet members
        if earliest > self.today:
            return
        council.views += 1
        scale = [level.id for level in framework.scale]
        theirs = published_markers(council.snapshot)
        chosen = set(rng.sample([m.code for m in framework.markers], rng.randint(6, 12)))
        words: dict[str, LocalWords] = {}
        for marker in framework.markers:
            if marker.code not in chosen:
                continue
            their_level = theirs.get(marker.code, {}).get("level")
            if their_level in scale:
                step = rng.choices(VIEW_STEPS, weights=VIEW_STEP_WEIGHTS)[0]
                level = scale[max(0, min(len(scale) - 1, scale.index(their_level) + step))]
            else:
                level = weighted(rng, LEVEL_WEIGHTS)
            words[marker.code] = LocalWords(level, rng.choice(LOCAL_REASONS))
        view_on = earliest + timedelta(days=rng.randint(0, min(150, (self.today - earliest).days)))
        started = view_on - timedelta(days=rng.randint(7, 14))
        view_id = self.ids.take("assessment")  # a view is an assessment of the council
        rows.add("assessment", {
            "id": view_id, "organisation_id": org_id,
            "subject_organisation_id": council.organisation_id, "framework_id": framework.id,
            "framework_version": framework.version, "name": "", "previous_id": None,
            "about_publication_id": council.publication_id, "created_by_id": owner,
            "created_at": at(started)})
        for marker in framework.markers:
            said = words.get(marker.code)
            rows.add("rating", {
                "id": self.ids.take("rating"), "assessment_id": view_id,
                "marker_code": marker.code, "level": said.level if said else None,
                "not_applicable_reason": "", "working": said.reasons if said else "",
                "needs_change": "", "red_flags": [], "carried_over": False,
                "version": 2 if said else 1, "updated_by_id": owner,
                "updated_at": at(view_on)})
        co_production: dict[str, Any] = {
            "people_using_support": rng.randint(6, 80), "family_carers": rng.randint(0, 25),
            "staff": 0, "partner_organisations": rng.randint(0, 4),
            "methods": rng.sample(["workshops", "survey", "interviews", "online"],
                                  rng.randint(1, 2)),
            "other_method": "", "what_people_said": rng.choice(LOCAL_SAID)}
        rows.add("co_production", {"id": self.ids.take("co_production"),
                                   "assessment_id": view_id, **co_production, "version": 1,
                                   "updated_by_id": owner, "updated_at": at(view_on)})
        snapshot = compose_view_snapshot(
            organisation=summary, about=council.part,
            about_publication=PublicationRef(council.number, PublicationKind.plan.value,
                                             council.published_on),
            their_snapshot=council.snapshot, framework=framework, words=words,
            co_production=co_production_snapshot(CoProduction(assessment_id=0,
                                                              **co_production)),
            today=view_on)
        view = self._publication(rows, org_id, owner, VIEW_KIND, view_on, next_number,
                                 snapshot, about_organisation_id=council.organisation_id)
        answer = council.answer_first_view or council.views > 1
        # The first view that can be answered always is, so even a small demo has a reply.
        if not answer or (self.today - view_on).days < 3 \
                or (self.replies and rng.random() >= REPLY_SHARE):
            return
        self.replies += 1
        reply_on = view_on + timedelta(days=rng.randint(3, min(45, (self.today - view_on).days)))
        answered = rng.sample(sorted(words), min(len(words), rng.randint(1, 3)))
        reply = compose_reply_snapshot(
            organisation=council.part, viewer=summary,
            view_publication=PublicationRef(next_number, VIEW_KIND, view_on),
            view_snapshot=snapshot, framework=framework, overall=rng.choice(REPLY_OVERALL),
            per_marker={code: rng.choice(REPLY_MARKER) for code in answered}, today=reply_on)
        self._publication(rows, council.organisation_id, council.owner, REPLY_KIND, reply_on,
                          council.next_number, reply, about_organisation_id=org_id,
                          in_reply_to_id=view["id"])
        council.next_number += 1


def _season(day: date) -> str:
    season = ["Winter", "Winter", "Spring", "Spring", "Spring", "Summer", "Summer", "Summer",
              "Autumn", "Autumn", "Autumn", "Winter"][day.month - 1]
    return f"{season} {day.year}"
