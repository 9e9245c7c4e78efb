"""Evidence written before categories existed gets one from its kind and source (0011)."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, select

from app.assessments.models import Evidence, Rating
from app.db import engine_for
from app.frameworks import load_catalogue
from app.schema import downgrade, upgrade
from tests.conftest import MARKERS_DIR
from tests.factories import make_commitment, make_finished_assessment, make_organisation, make_user

FRAMEWORK = load_catalogue(MARKERS_DIR).get("making-it-real-2018")


def test_existing_evidence_migrates_with_a_default_category(database_url: str) -> None:
    assert FRAMEWORK is not None
    engine = engine_for(database_url)
    with Session(engine) as db:
        owner = make_user(db)
        organisation = make_organisation(db, owner=owner, kind="council")
        make_commitment(db, organisation)
        assessment = make_finished_assessment(db, organisation, owner, FRAMEWORK)
        rating = db.exec(select(Rating).where(Rating.assessment_id == assessment.id)).first()
        assert rating is not None
        db.commit()
        rating_id = rating.id
    downgrade(database_url, "0011-1")  # just before categories, wherever 0011 ends up
    with engine.begin() as connection:
        for kind, source in [("quote", "person_using_support"), ("quote", "family_carer"),
                             ("quote", "staff"), ("quote", "partner"), ("note", None),
                             ("file", None)]:
            connection.execute(text(
                "INSERT INTO evidence (rating_id, kind, text, url, file_name, stored_name, "
                "content_type, size, source_kind, consent_to_publish, attributed_name, "
                "publishable, created_at) VALUES (:rating, :kind, 'words', '', '', '', '', 0, "
                ":source, false, '', false, CURRENT_TIMESTAMP)"),
                {"rating": rating_id, "kind": kind, "source": source})
    upgrade(database_url)
    with Session(engine) as db:
        found = [(e.kind, e.source_kind, e.category)
                 for e in db.exec(select(Evidence).order_by(Evidence.id))]  # type: ignore[arg-type]
    assert found == [("quote", "person_using_support", "people_experience"),
                     ("quote", "family_carer", "people_experience"),
                     ("quote", "staff", "staff_leaders"), ("quote", "partner", "partners"),
                     ("note", None, "processes"), ("file", None, "processes")]
