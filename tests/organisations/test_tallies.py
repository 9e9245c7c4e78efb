"""The sign-up tallies the public pages show stay equal to a count from scratch after every
kind of change, in the transaction of the change (app.organisations.tallies)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlmodel import Session, select

from app.admin import service as admin
from app.db import engine_for
from app.organisations import service, tallies
from app.organisations.models import Commitment, Organisation, OrganisationArea
from app.publications.models import Publication
from tests.directory.builders import publish
from tests.factories import make_commitment, make_organisation, make_user

TODAY = date(2026, 12, 4)
OTHER = "another-framework"


def counted_in_python(db: Session) -> dict[tuple[str, str, str], int]:
    """The tallies worked out from the rows one by one, the way a person would count."""
    counts: Counter[tuple[str, str, str]] = Counter()
    latest: dict[tuple[int, str], Commitment] = {}
    for commitment in db.exec(select(Commitment).order_by(Commitment.id)):  # type: ignore[arg-type]
        latest[(commitment.organisation_id, commitment.framework_id)] = commitment
    for organisation in db.exec(select(Organisation)):
        if not organisation.is_listed:
            continue
        areas = [""] + [link.area_code for link in db.exec(
            select(OrganisationArea).where(OrganisationArea.organisation_id == organisation.id))]
        signed = {framework for (owner, framework), commitment in latest.items()
                  if owner == organisation.id and commitment.withdrawn_on is None}
        for area in areas:
            for framework in ["*", *([""] if signed else []), *signed]:
                counts[(area, framework, organisation.kind)] += 1
    return dict(counts)


def check(db: Session) -> None:
    db.flush()
    db.expire_all()
    expected = counted_in_python(db)
    assert tallies.stored(db.connection()) == expected
    assert tallies.recount(db.connection()) == expected


def test_tallies_follow_every_kind_of_change(database_url: str) -> None:
    with Session(engine_for(database_url)) as db:
        admin_user = make_user(db, email="admin@example.org", admin=True)
        owner = make_user(db, email="owner@example.org")
        check(db)  # nothing yet

        # Created (not yet confirmed, then confirmed by its owner), signing up.
        created = service.create_organisation(
            db, actor_id=owner.id or 0, name="Bolton Voice", kind="dpulo",
            area_codes=["E08000001", "E08000002"], website="", description="")
        check(db)
        created.confirmed = True
        db.add(created)
        check(db)
        commitment = service.sign_up(db, actor_id=owner.id or 0, organisation=created,
                                     framework_id="making-it-real-2018",
                                     statement="We will.", on=TODAY)
        service.sign_up(db, actor_id=owner.id or 0, organisation=created,
                        framework_id=OTHER, statement="We will.", on=TODAY)
        check(db)
        assert tallies.stored(db.connection())[("E08000001", "", "dpulo")] == 1

        # Edited: another kind, and moved to other areas.
        service.update_profile(db, actor_id=owner.id or 0, organisation=created,
                               changes={"kind": "voluntary"},
                               area_codes=["E08000002", "E08000003"])
        check(db)
        assert ("E08000001", "", "voluntary") not in tallies.stored(db.connection())

        # A publication made; a status change (withdrawal), and signing up again.
        publish(db, created, "plan")
        check(db)
        service.withdraw(db, actor_id=owner.id or 0, commitment=commitment,
                         reason="Not now.", on=TODAY)
        check(db)
        service.sign_up(db, actor_id=owner.id or 0, organisation=created,
                        framework_id="making-it-real-2018", statement="Again.", on=TODAY)
        check(db)

        # Hidden and shown again; made private.
        admin.hide(db, actor=admin_user, organisation=created, reason="Checking.")
        check(db)
        admin.unhide(db, actor=admin_user, organisation=created)
        check(db)

        # Merged: the source's sign-ups and areas move to the target.
        target = make_organisation(db, name="Bolton Voice CIC", areas=("E08000004",),
                                   kind="council")
        make_commitment(db, target, "making-it-real-2018")
        check(db)
        admin.merge(db, actor=admin_user, source=created, target=target, on=TODAY)
        check(db)
        assert tallies.stored(db.connection()).get(("E08000002", "", "voluntary"), 0) == 0
        assert tallies.stored(db.connection())[("E08000002", OTHER, "council")] == 1

        # Removed outright.
        removed = make_organisation(db, name="Short lived", areas=("E08000004",))
        make_commitment(db, removed, OTHER)
        publish(db, removed, "plan")
        check(db)
        for row in db.exec(select(Publication).where(Publication.organisation_id == removed.id)):
            db.delete(row)
        db.flush()
        db.delete(removed)
        check(db)
        db.commit()
        assert tallies.stored(db.connection()) == counted_in_python(db)


def test_rebuild_counts_what_bulk_inserts_added(database_url: str) -> None:
    with Session(engine_for(database_url)) as db:
        for number in range(5):
            organisation = make_organisation(db, name=f"Group {number}",
                                             areas=("E08000001", "E09000002"),
                                             public=number != 3)
            make_commitment(db, organisation)
        db.commit()
        db.exec(tallies.delete(tallies.TallyShare))  # type: ignore[call-overload]
        db.exec(tallies.delete(tallies.SignUpTally))  # type: ignore[call-overload]
        assert tallies.stored(db.connection()) == {}
        tallies.rebuild(db.connection())
        assert tallies.stored(db.connection()) == counted_in_python(db)
        assert tallies.stored(db.connection())[("E09000002", "", "dpulo")] == 4
