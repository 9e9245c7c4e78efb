"""Independent views without HTTP: only published data, no lost updates, consent rules,
publishing and replying, and the side-by-side comparison."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.accounts.models import User
from app.assessments import repository as assessments
from app.assessments.coproduction import save_co_production
from app.assessments.evidence import NewEvidence, NotAllowed, add_evidence
from app.assessments.models import EvidenceKind
from app.assessments.service import save_rating
from app.audit.models import AuditEvent
from app.clock import today
from app.db import engine_for
from app.errors import DomainError, Stale
from app.organisations.models import Organisation
from app.publications.models import Publication
from app.views import comparison as comparisons
from app.views import publishing, repository, service
from app.views.snapshot import difference_in_words
from tests.factories import make_organisation, make_user
from tests.views.factories import (
    COMPLETE_CO_PRODUCTION,
    FRAMEWORK,
    complete_view,
    publish_plan,
    publish_view,
    reasons_only,
    start_view,
)

SECRET = "VIEW-DRAFT-SECRET-41c9"
SCALE = [level.id for level in FRAMEWORK.scale]


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


@pytest.fixture
def world(db: Session, tmp_path: Path) -> dict[str, object]:
    """A council with a published plan (and secret drafts since), and a DPULO."""
    council_owner = make_user(db, email="council@example.org", name="Council Owner")
    council = make_organisation(db, owner=council_owner, name="Bury Council", kind="council")
    plan = publish_plan(db, council, council_owner, upload_dir=tmp_path,
                        draft_secret=SECRET)
    dpulo_owner = make_user(db, email="dpulo@example.org", name="Dpulo Owner")
    dpulo = make_organisation(db, owner=dpulo_owner, name="Bury Voice")
    db.commit()
    return {"council": council, "council_owner": council_owner, "plan": plan, "dpulo": dpulo,
            "dpulo_owner": dpulo_owner, "upload_dir": tmp_path}


def test_a_view_is_about_the_publication_never_the_drafts(db: Session,
                                                           world: dict[str, object]) -> None:
    dpulo, owner = world["dpulo"], world["dpulo_owner"]
    assert isinstance(dpulo, Organisation) and isinstance(owner, User)
    view = start_view(db, dpulo, owner, world["plan"])  # type: ignore[arg-type]
    theirs = service.their_words(db, view)
    assert theirs["IA1"]["level"] == "making_progress"
    assert theirs["IA1"]["working"] == "Public words on IA1"
    complete_view(db, view, owner)
    publication = publish_view(db, view, dpulo, owner, upload_dir=world["upload_dir"])  # type: ignore[arg-type]
    text = json.dumps(publication.snapshot)
    assert SECRET not in text
    marker = next(m for t in publication.snapshot["view"]["themes"] for m in t["markers"]
                  if m["code"] == "IA1")
    assert marker["their_level_label"] == "Making progress"  # published, not the draft "real"
    assert marker["difference"] == ("Local people rate this one level lower than Bury "
                                    "Council does. Bury Voice asked them.")
    assert publication.kind == "view" and publication.about_organisation_id == world["council"].id  # type: ignore[attr-defined]


def test_only_another_organisations_visible_latest_publication(db: Session,
                                                               world: dict[str, object]) -> None:
    council, plan = world["council"], world["plan"]
    assert isinstance(council, Organisation) and isinstance(plan, Publication)
    with pytest.raises(DomainError, match="someone else's"):
        start_view(db, council, world["council_owner"], plan)  # type: ignore[arg-type]
    plan.hidden_reason = "Names a person"
    db.add(plan)
    db.flush()
    with pytest.raises(DomainError, match="latest published assessment"):
        start_view(db, world["dpulo"], world["dpulo_owner"], plan)  # type: ignore[arg-type]
    plan.hidden_reason = None
    db.add(plan)
    start_view(db, world["dpulo"], world["dpulo_owner"], plan)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="already writing a view"):
        start_view(db, world["dpulo"], world["dpulo_owner"], plan)  # type: ignore[arg-type]


def test_the_second_save_does_not_overwrite_the_first(db: Session,
                                                      world: dict[str, object]) -> None:
    view = start_view(db, world["dpulo"], world["dpulo_owner"], world["plan"])  # type: ignore[arg-type]
    rating = assessments.ratings_of(db, view.id or 0)["IA1"]
    seen = rating.version
    save_rating(db, actor_id=1, organisation_id=view.organisation_id, rating=rating,
                seen_version=seen, change=reasons_only("real", "First words"))
    with pytest.raises(Stale) as stale:
        save_rating(db, actor_id=1, organisation_id=view.organisation_id,
                    rating=rating, seen_version=seen,
                    change=reasons_only("not_started", "Second words"))
    assert stale.value.current.working == "First words"
    save_co_production(db, actor_id=1, organisation_id=view.organisation_id,
                       assessment_id=view.id or 0, seen_version=0,
                       change=COMPLETE_CO_PRODUCTION)
    with pytest.raises(Stale):
        save_co_production(db, actor_id=1, organisation_id=view.organisation_id,
                           assessment_id=view.id or 0, seen_version=0,
                           change=COMPLETE_CO_PRODUCTION)
    actions = {e.action for e in db.exec(select(AuditEvent))}
    assert {"view.start", "rating.save", "co_production.save"} <= actions


def test_evidence_follows_the_same_privacy_rules(db: Session, world: dict[str, object]) -> None:
    view = start_view(db, world["dpulo"], world["dpulo_owner"], world["plan"])  # type: ignore[arg-type]
    rating = assessments.ratings_of(db, view.id or 0)["IA1"]
    add = add_evidence
    with pytest.raises(NotAllowed):
        add(db, actor_id=1, organisation_id=view.organisation_id, rating=rating,
            new=NewEvidence(kind=EvidenceKind.quote, text="No consent", publishable=True,
                            source_kind="family_carer"))
    add(db, actor_id=1, organisation_id=view.organisation_id, rating=rating,
        new=NewEvidence(kind=EvidenceKind.note, text=f"{SECRET} private note"))
    add(db, actor_id=1, organisation_id=view.organisation_id, rating=rating,
        new=NewEvidence(kind=EvidenceKind.quote, text=f"{SECRET} quote kept private",
                        source_kind="family_carer", consent_to_publish=False))
    add(db, actor_id=1, organisation_id=view.organisation_id, rating=rating,
        new=NewEvidence(kind=EvidenceKind.quote, text="We wait months for answers",
                        source_kind="person_using_support", consent_to_publish=True,
                        attributed_name="Sam", publishable=True))
    complete_view(db, view, world["dpulo_owner"])  # type: ignore[arg-type]
    publication = publish_view(db, view, world["dpulo"], world["dpulo_owner"],  # type: ignore[arg-type]
                               upload_dir=world["upload_dir"])  # type: ignore[arg-type]
    text = json.dumps(publication.snapshot)
    assert SECRET not in text
    assert "We wait months for answers" in text and "Sam" in text


def test_publishing_needs_a_level_and_co_production(db: Session,
                                                    world: dict[str, object]) -> None:
    dpulo, owner = world["dpulo"], world["dpulo_owner"]
    view = start_view(db, dpulo, owner, world["plan"])  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="At least one marker has a level"):
        publish_view(db, view, dpulo, owner, upload_dir=world["upload_dir"])  # type: ignore[arg-type]
    checks = publishing.checklist(db, view=view, organisation=dpulo,  # type: ignore[arg-type]
                               about_organisation=world["council"], base="/b")  # type: ignore[arg-type]
    assert [c.done for c in checks] == [True, True, False, False]


def test_views_and_replies_are_new_numbered_publications(db: Session,
                                                        world: dict[str, object]) -> None:
    dpulo, owner, council = world["dpulo"], world["dpulo_owner"], world["council"]
    assert isinstance(council, Organisation)
    view = start_view(db, dpulo, owner, world["plan"])  # type: ignore[arg-type]
    complete_view(db, view, owner)  # type: ignore[arg-type]
    first = publish_view(db, view, dpulo, owner, upload_dir=world["upload_dir"])  # type: ignore[arg-type]
    reply = publishing.publish_reply(db, actor_id=1, organisation=council,
                                  view_publication=first, framework=FRAMEWORK,
                                  overall="Thank you. We will act on this.",
                                  per_marker={"IA1": "We are fixing the leaflet.",
                                              "WF1": "Not in the view: ignored"},
                                  today=today())
    assert (first.number, reply.number) == (1, 2)  # the council's plan is its number 1
    assert reply.in_reply_to_id == first.id and reply.kind == "reply"
    assert [m["code"] for m in reply.snapshot["markers"]] == ["IA1"]
    with pytest.raises(DomainError):
        publishing.publish_reply(db, actor_id=1, organisation=dpulo,  # type: ignore[arg-type]
                              view_publication=first, framework=FRAMEWORK, overall="Hi",
                              per_marker={}, today=today())
    complete_view(db, view, owner, levels={"IA1": "real"})  # type: ignore[arg-type]
    second = publish_view(db, view, dpulo, owner, upload_dir=world["upload_dir"])  # type: ignore[arg-type]
    assert second.number == 2
    assert len(repository.views_published_by(db, dpulo.id or 0)) == 2  # type: ignore[attr-defined]


def test_side_by_side(db: Session, world: dict[str, object]) -> None:
    dpulo, owner, council = world["dpulo"], world["dpulo_owner"], world["council"]
    assert isinstance(council, Organisation) and isinstance(dpulo, Organisation)
    assert comparisons.side_by_side(db, council) == []
    view = start_view(db, dpulo, owner, world["plan"])  # type: ignore[arg-type]
    complete_view(db, view, owner, levels={"IA1": "not_started", "IA2": "making_progress"})  # type: ignore[arg-type]
    published = publish_view(db, view, dpulo, owner, upload_dir=world["upload_dir"])  # type: ignore[arg-type]
    publishing.publish_reply(db, actor_id=1, organisation=council, view_publication=published,
                          framework=FRAMEWORK, overall="Thanks",
                          per_marker={"IA1": "We hear you."}, today=today())
    [comparison] = comparisons.side_by_side(db, council)
    assert [m.code for m in comparison.markers] == ["IA1", "IA2"]
    ia1 = comparison.markers[0]
    assert ia1.organisation_level_label == "Making progress"
    [say] = ia1.local
    assert say.view.viewer_name == "Bury Voice" and say.level_label == "Not started"
    assert say.difference == ("Local people rate this two levels lower than Bury Council "
                              "does. Bury Voice asked them.")
    assert say.reply_text == "We hear you."
    assert comparison.markers[1].local[0].difference == (
        "Local people give the same level as Bury Council does. Bury Voice asked them.")
    assert comparisons.views_given(db, dpulo)[0][1].name == "Bury Council"
    published.hidden_reason = "Names someone who did not agree"
    db.add(published)
    db.flush()
    [hidden] = comparisons.side_by_side(db, council)
    assert hidden.markers == [] and hidden.views[0].hidden_reason == \
        "Names someone who did not agree"


@pytest.mark.parametrize(("ours", "theirs", "words"), [
    ("real", "real", "give the same level as Org does."),
    ("real", "not_started", "rate this three levels lower than Org does."),
    ("getting_started", "making_progress", "rate this one level higher than Org does."),
    ("not_applicable", "real", "cannot be compared"),
    (None, "real", "cannot be compared"),
])
def test_difference_in_words(ours: str | None, theirs: str, words: str) -> None:
    said = difference_in_words(SCALE, organisation_level=ours, local_level=theirs,
                               organisation="Org", viewer="Voice")
    assert said.endswith(words) or words in said


def test_a_reply_on_a_marker_may_be_20000_characters_but_no_more() -> None:
    from app.views.publishing import reply_marker_problems

    problems = reply_marker_problems({"1.1": "a" * 20_000, "1.2": "b" * 20_001, "1.3": ""})
    assert problems == {
        "marker-1.2": "Your reply on this marker must be 20,000 characters or fewer"}
