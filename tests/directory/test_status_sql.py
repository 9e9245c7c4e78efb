"""The commitment status worked out in SQL agrees with commitment_status(), on both engines."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlmodel import Session

from app.directory import repository
from app.directory.repository import StatusRules, lapse_cutoff
from app.organisations.status import add_months, commitment_status, counted_dates
from app.publications.repository import PublishedDates, published_dates
from tests.directory.builders import database, publish
from tests.factories import make_commitment, make_organisation

FRAMEWORKS = {"making-it-real-2018": 90, "making-it-real-2012": 60}


def test_lapse_cutoff_is_the_last_day_twelve_months_have_passed() -> None:
    day = date(2023, 1, 1)
    while day < date(2029, 1, 1):
        cutoff = lapse_cutoff(day)
        assert add_months(cutoff, 12) <= day
        assert add_months(cutoff + timedelta(days=1), 12) > day
        day += timedelta(days=1)


def _python_statuses(db: Session, organisation_ids: list[int], rules: StatusRules,
                     commitments: dict[int, tuple[str, date, date | None, str]]
                     ) -> dict[tuple[int, str], str]:
    dates = published_dates(db, organisation_ids)
    found = {}
    for organisation_id, (framework, signed, withdrawn, kind) in commitments.items():
        published = dates.get((organisation_id, framework)) or PublishedDates(None, None)
        plan_on, progress_on = counted_dates(
            kind, last_plan_on=published.last_plan_on,
            last_progress_on=published.last_progress_on,
            last_view_on=published.last_view_on, views=published.views)
        found[organisation_id, framework] = commitment_status(
            today=rules.today, signed_up_on=signed, plan_due_days=rules.due_days[framework],
            withdrawn_on=withdrawn, last_plan_on=plan_on, last_progress_on=progress_on).value
    return found


def test_sql_statuses_match_commitment_status(database_url: str) -> None:
    chance = random.Random(2026)
    base = date(2024, 2, 29)
    commitments: dict[int, tuple[str, date, date | None, str]] = {}
    with database(database_url) as db:
        for number in range(160):
            organisation = make_organisation(db, name=f"Status {number}")
            assert organisation.id is not None
            framework = chance.choice(list(FRAMEWORKS))
            signed = base + timedelta(days=chance.randint(0, 700))
            withdrawn = signed + timedelta(days=chance.randint(1, 500)) \
                if chance.random() < 0.15 else None
            commitment = make_commitment(db, organisation, framework_id=framework,
                                         signed_up_on=signed)
            commitment.kind = chance.choice(["improve", "improve", "hold_to_account"])
            commitment.withdrawn_on = withdrawn
            db.add(commitment)
            for _ in range(chance.choice([0, 0, 1, 2, 3])):
                publish(db, organisation,
                        chance.choice(["plan", "progress", "correction", "view", "view",
                                       "reply"]),
                        on=signed + timedelta(days=chance.randint(0, 500)),
                        framework_id=chance.choice([framework, framework, "other-framework"]),
                        hidden_reason=chance.choice([None, None, "hidden"]))
            commitments[organisation.id] = (framework, signed, withdrawn, commitment.kind)
        db.commit()
        ids = list(commitments)
        days = [base + timedelta(days=offset) for offset in range(0, 1400, 37)]
        days += [date(2025, 2, 28), date(2025, 3, 1), date(2026, 2, 28), date(2028, 2, 29)]
        seen = set()
        for day in days:
            rules = StatusRules(today=day, due_days=FRAMEWORKS)
            expected = _python_statuses(db, ids, rules, commitments)
            found = {(organisation_id, row.framework_id): row.status.value
                     for organisation_id, rows in repository.statuses_of(db, ids, rules).items()
                     for row in rows}
            assert found == expected, day
            seen.update(expected.values())
        assert seen == {"signed_up", "plan_published", "progress_reported", "plan_overdue",
                        "lapsed", "withdrawn"}


def test_a_new_sign_up_after_withdrawing_is_the_one_that_counts(database_url: str) -> None:
    with database(database_url) as db:
        organisation = make_organisation(db, name="Came Back")
        old = make_commitment(db, organisation, signed_up_on=date(2025, 1, 1))
        old.withdrawn_on = date(2025, 3, 1)
        db.add(old)
        make_commitment(db, organisation, signed_up_on=date(2025, 6, 1))
        db.commit()
        assert organisation.id is not None
        rows = repository.statuses_of(db, [organisation.id],
                                      StatusRules(today=date(2025, 7, 1),
                                                  due_days=FRAMEWORKS))[organisation.id]
    assert [(row.signed_up_on, row.status.value) for row in rows] == [
        (date(2025, 6, 1), "signed_up")]
