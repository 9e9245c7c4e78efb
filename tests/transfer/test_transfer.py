"""`mir org export` and `mir org import`: one organisation, whole, into another database."""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlmodel import Session, SQLModel, col, select

from app.accounts.models import User
from app.accounts.security import verify_password
from app.assessments.models import Assessment, CoProduction, Evidence, Rating
from app.assessments.service import start_assessment
from app.audit.models import AuditEvent
from app.cli import main
from app.config import Settings, get_settings
from app.db import engine_for
from app.main import create_app
from app.organisations.models import Commitment, Membership, Organisation, OrganisationArea
from app.plans.models import Action, ActionUpdate, Priority
from app.publications.models import Publication
from app.views import publishing as views_publishing
from app.voice import service as voice_service
from app.voice.models import VoiceAnswer, VoiceResponse, VoiceRound
from tests.conftest import checked_client
from tests.exports.builders import (
    FILE_BYTES,
    FILE_NAME,
    PRIVATE_FILE_BYTES,
    PRIVATE_FILE_NAME,
    SLUG,
    Built,
    add_evidence,
    build_plan,
    framework,
    publish_plan,
    report_progress,
)
from tests.factories import PASSWORD, make_organisation, make_user
from tests.views import factories as views_factories
from tests.voice.helpers import open_round_in_db

USER_REFERENCES = {"user_id", "created_by_id", "updated_by_id", "published_by_id"}
PAGES = [f"/organisations/{SLUG}", f"/organisations/{SLUG}/publications/1",
         f"/organisations/{SLUG}/publications/2", f"/organisations/{SLUG}/action-plan"]
EXPORTS = [f"/organisations/{SLUG}/action-plan.csv", f"/organisations/{SLUG}/action-plan.json"]


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def rich(db: Session, settings: Settings) -> Built:
    """Bolton Council with everything: members, evidence files, a second cycle carried
    over, a withdrawn sign-up, a published plan and a progress report."""
    built = build_plan(db)
    add_evidence(db, settings, built)
    former = make_user(db, email="former@bolton.example.org", name="Former Member")
    owner = db.get(User, built.owner_id)
    assert owner is not None
    owner.is_admin = True  # a site administrator too: that must not travel
    db.add(owner)
    evidence = db.exec(select(Evidence).where(Evidence.kind == "note")).one()
    evidence.created_by_id = former.id
    evidence.category = "partners"  # not the default for a note: it must travel
    db.add(evidence)
    publish_plan(db, settings, built)
    report_progress(db, settings, built)
    start_assessment(db, actor_id=built.owner_id, organisation_id=built.organisation_id,
                     framework=framework(), name="Autumn 2026", carry_over=True)
    db.add(Commitment(organisation_id=built.organisation_id,
                      framework_id="making-it-real-2012", statement="We tried the first one.",
                      signed_up_on=date(2019, 1, 1), withdrawn_on=date(2020, 1, 1),
                      withdrawal_reason="Moved to the 2018 markers.",
                      created_by_id=former.id))
    db.commit()
    assessment = db.get(Assessment, built.assessment_id)
    assert assessment is not None
    add_voice_round(db, assessment, said="Bolton comment")
    return built


def add_voice_round(db: Session, assessment: Assessment, *, said: str) -> None:
    """A round on the assessment: six paper forms (one shareable, one removed with a reason)
    and one set sent online that skipped a question."""
    voice_round = open_round_in_db(db, assessment, codes=["IA1", "IA2"])
    responses = [voice_service.enter_paper(
        db, actor_id=assessment.created_by_id or 0, organisation_id=assessment.organisation_id,
        voice_round=voice_round, answers={"IA1": {"answer": "yes" if n % 2 else "no",
                                                  "comment": f"{said} {n}"},
                                          "IA2": {"answer": "sometimes", "comment": ""}},
        respondent_kind="carer" if n else None, may_share=n == 0, today=date(2026, 5, n + 1))
        for n in range(6)]
    voice_service.remove_response(db, actor_id=assessment.created_by_id or 0,
                                  organisation_id=assessment.organisation_id,
                                  response=responses[5], reason="Sent twice by mistake")
    online = VoiceResponse(round_id=voice_round.id or 0, receipt=secrets.token_hex(32),
                           respondent_kind="person", sent_on=date(2026, 5, 9))
    db.add(online)
    db.flush()
    db.add_all([VoiceAnswer(response_id=online.id or 0, round_id=voice_round.id or 0,
                            marker_code="IA1", answer="dont_know", comment="Not sure"),
                VoiceAnswer(response_id=online.id or 0, round_id=voice_round.id or 0,
                            marker_code="IA2", answer="skipped")])
    db.commit()


def run(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    """`mir …` with the settings' database and upload folder."""
    monkeypatch.setenv("MIR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MIR_UPLOAD_DIR", str(settings.upload_dir))
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        get_settings.cache_clear()


# Comparing two databases by meaning -----------------------------------------------------

def _plain(row: SQLModel, emails: dict[int, str], **replaced: Any) -> dict[str, Any]:
    values = row.model_dump()
    values.pop("id", None)
    for name in USER_REFERENCES & set(values):
        values[name] = emails.get(values[name]) if values[name] is not None else None
    values.update(replaced)
    return values


def dump(database_url: str, slug: str) -> dict[str, Any]:
    """Every row of the organisation, ids replaced by what they point to."""
    with Session(engine_for(database_url)) as db:
        emails = {u.id: u.email for u in db.exec(select(User)) if u.id is not None}
        org = db.exec(select(Organisation).where(Organisation.slug == slug)).one()
        assessments = db.exec(select(Assessment).where(Assessment.organisation_id == org.id)
                              .order_by(col(Assessment.id))).all()
        cycle = {a.id: index for index, a in enumerate(assessments)}
        ratings = db.exec(select(Rating).where(col(Rating.assessment_id).in_(cycle))
                          .order_by(col(Rating.id))).all()
        marker = {r.id: (cycle[r.assessment_id], r.marker_code) for r in ratings}
        actions = db.exec(select(Action).where(Action.organisation_id == org.id)
                          .order_by(col(Action.framework_id), col(Action.position))).all()
        plan_item = {a.id: index for index, a in enumerate(actions)}
        rounds = db.exec(select(VoiceRound).where(col(VoiceRound.assessment_id).in_(cycle))
                         .order_by(col(VoiceRound.id))).all()
        round_of = {r.id: index for index, r in enumerate(rounds)}
        responses = db.exec(select(VoiceResponse)
                            .where(col(VoiceResponse.round_id).in_(round_of))
                            .order_by(col(VoiceResponse.id))).all()
        response_of = {r.id: index for index, r in enumerate(responses)}
        return {
            "voice_rounds": [_plain(r, emails, assessment_id=cycle[r.assessment_id])
                             for r in rounds],
            "voice_responses": [_plain(r, emails, round_id=round_of[r.round_id])
                                for r in responses],
            "voice_answers": [_plain(a, emails, round_id=round_of[a.round_id],
                                     response_id=response_of[a.response_id])
                              for a in db.exec(select(VoiceAnswer).where(
                                  col(VoiceAnswer.round_id).in_(round_of))
                                  .order_by(col(VoiceAnswer.id)))],
            "organisation": _plain(org, emails, created_at=org.created_at),
            "areas": sorted(db.exec(select(OrganisationArea.area_code)
                                    .where(OrganisationArea.organisation_id == org.id))),
            "members": sorted((emails[m.user_id], m.role, m.created_at.isoformat())
                              for m in db.exec(select(Membership)
                                               .where(Membership.organisation_id == org.id))),
            "commitments": [_plain(c, emails, organisation_id=None) for c in db.exec(
                select(Commitment).where(Commitment.organisation_id == org.id)
                .order_by(col(Commitment.signed_up_on)))],
            "assessments": [_plain(a, emails, organisation_id=None,
                                   subject_organisation_id=a.is_view,
                                   previous_id=cycle.get(a.previous_id)) for a in assessments],
            "ratings": [_plain(r, emails, assessment_id=cycle[r.assessment_id])
                        for r in ratings],
            "evidence": [_plain(e, emails, rating_id=marker[e.rating_id]) for e in db.exec(
                select(Evidence).where(col(Evidence.rating_id).in_(marker))
                .order_by(col(Evidence.id)))],
            "co_production": [_plain(c, emails, assessment_id=cycle[c.assessment_id])
                              for c in db.exec(select(CoProduction).where(
                                  col(CoProduction.assessment_id).in_(cycle)))],
            "priorities": [_plain(p, emails, assessment_id=cycle[p.assessment_id])
                           for p in db.exec(select(Priority).where(
                               col(Priority.assessment_id).in_(cycle))
                               .order_by(col(Priority.id)))],
            "actions": [_plain(a, emails, organisation_id=None) for a in actions],
            "updates": [_plain(u, emails, action_id=plan_item[u.action_id]) for u in db.exec(
                select(ActionUpdate).where(col(ActionUpdate.action_id).in_(plan_item))
                .order_by(col(ActionUpdate.on), col(ActionUpdate.id)))],
            "publications": [_plain(p, emails, organisation_id=None,
                                    assessment_id=cycle.get(p.assessment_id))
                             for p in db.exec(select(Publication).where(
                                 Publication.organisation_id == org.id)
                                 .order_by(col(Publication.number)))],
        }


def file_hashes(upload_dir: Path) -> dict[str, str]:
    return {str(path.relative_to(upload_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(upload_dir.rglob("*")) if path.is_file()}


def public_views(settings: Settings) -> dict[str, bytes]:
    """Public pages (the visitor's CSRF token and element ids made of row ids taken out)
    and the CSV and JSON exports (byte for byte)."""
    with checked_client(create_app(settings)) as client:
        views: dict[str, bytes] = {}
        for path in PAGES:
            response = client.get(path)
            assert response.status_code == 200, path
            page = re.sub(r'name="csrf-token" content="[^"]*"', "", response.text)
            views[path] = re.sub(r"commitment-\d+", "commitment-N", page).encode()
        for path in EXPORTS:
            response = client.get(path)
            assert response.status_code == 200, path
            views[path] = response.content
        return views


# The round trip ----------------------------------------------------------------------------

def test_an_organisation_moves_whole_to_another_database(
        rich: Built, settings: Settings, second_settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with Session(engine_for(second_settings.database_url)) as other:
        # Ids in the new database differ, and some people already have accounts there.
        neighbour = make_organisation(other, owner=make_user(other), name="Neighbour")
        make_user(other, email="editor@bolton.example.org", name="Edna Elsewhere",
                  password="their own password")
        make_user(other, email="former@bolton.example.org", name="Former Member")
        other.add(Commitment(organisation_id=neighbour.id or 0, framework_id="x",
                             statement="s", signed_up_on=date(2020, 1, 1)))
        other.commit()

    archive = tmp_path / "bolton.zip"
    exported = run(settings, monkeypatch, "org", "export", SLUG, "--output", str(archive))
    assert exported.exit_code == 0, exported.output
    assert f"Exported {SLUG} to {archive}" in exported.output
    with zipfile.ZipFile(archive) as contents:
        assert {"organisation.json", f"files/uploads/{FILE_NAME}",
                f"files/uploads/{PRIVATE_FILE_NAME}"} <= set(contents.namelist())
        assert sum(name.startswith("files/published/") for name in contents.namelist()) == 1
        manifest = json.loads(contents.read("organisation.json"))
    assert "is_admin" not in json.dumps(manifest["users"])
    assert {u["email"] for u in manifest["users"]} == {"owner@bolton.example.org",
                                                       "editor@bolton.example.org"}

    imported = run(second_settings, monkeypatch, "org", "import", str(archive))
    assert imported.exit_code == 0, imported.output
    assert f"Imported {SLUG} from {archive}" in imported.output

    before = dump(settings.database_url, SLUG)
    assert (len(before["voice_rounds"]), len(before["voice_responses"]),
            len(before["voice_answers"])) == (1, 7, 14)
    assert dump(second_settings.database_url, SLUG) == before
    assert "Bolton comment 0" in json.dumps(manifest["assessments"])
    assert "7 voice_responses" in imported.output
    for secret in ("ip", "user_agent", "address"):
        assert f'"{secret}"' not in json.dumps(manifest)  # never stored, never exported
    assert file_hashes(second_settings.upload_dir) == file_hashes(settings.upload_dir)
    assert public_views(second_settings) == public_views(settings)

    with Session(engine_for(second_settings.database_url)) as other:
        owner = other.exec(select(User).where(User.email == "owner@bolton.example.org")).one()
        assert verify_password(PASSWORD, owner.password_hash)
        assert not owner.is_admin and owner.email_confirmed_at is not None
        editor = other.exec(select(User).where(User.email == "editor@bolton.example.org")).one()
        assert editor.name == "Edna Elsewhere"  # the existing account, as it was
        assert verify_password("their own password", editor.password_hash)
        organisation = other.exec(select(Organisation).where(Organisation.slug == SLUG)).one()
        assert organisation.id != rich.organisation_id
        event = other.exec(select(AuditEvent)
                           .where(AuditEvent.action == "organisation.import")).one()
        assert event.actor_id is None and event.organisation_id == organisation.id
        assert event.after is not None and event.after["archive"] == "bolton.zip"


def test_the_archive_file_bytes_are_the_uploads(rich: Built, settings: Settings,
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "out.zip"
    assert run(settings, monkeypatch, "org", "export", SLUG, "-o", str(archive)).exit_code == 0
    with zipfile.ZipFile(archive) as contents:
        assert contents.read(f"files/uploads/{FILE_NAME}") == FILE_BYTES
        assert contents.read(f"files/uploads/{PRIVATE_FILE_NAME}") == PRIVATE_FILE_BYTES
        published = [n for n in contents.namelist() if n.startswith("files/published/")]
        assert contents.read(published[0]) == FILE_BYTES


# Refusals ----------------------------------------------------------------------------------

def test_import_refuses_a_slug_that_is_taken(rich: Built, settings: Settings, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "bolton.zip"
    assert run(settings, monkeypatch, "org", "export", SLUG, "-o", str(archive)).exit_code == 0
    result = run(settings, monkeypatch, "org", "import", str(archive))
    assert result.exit_code == 1
    assert f"{archive}: an organisation with slug {SLUG} already exists; nothing was " \
           "imported" in result.output
    with Session(engine_for(settings.database_url)) as db:
        assert len(db.exec(select(Organisation)).all()) == 1


def test_export_of_an_unknown_slug(settings: Settings, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(settings, monkeypatch, "org", "export", "nobody", "-o",
                 str(tmp_path / "x.zip"))
    assert result.exit_code == 1
    assert "no organisation with slug nobody" in result.output
    assert not (tmp_path / "x.zip").exists()


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as out:
        for name, content in entries.items():
            out.writestr(name, content)
    return path


def _changed(manifest: dict[str, Any], **changes: Any) -> bytes:
    return json.dumps({**manifest, **changes}).encode()


def test_bad_archives_are_refused_saying_what_is_wrong(
        rich: Built, settings: Settings, second_settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "good.zip"
    assert run(settings, monkeypatch, "org", "export", SLUG, "-o", str(good)).exit_code == 0
    with zipfile.ZipFile(good) as contents:
        entries = {name: contents.read(name) for name in contents.namelist()}
    manifest = json.loads(entries["organisation.json"])
    files = {k: v for k, v in entries.items() if k != "organisation.json"}
    upload = f"files/uploads/{FILE_NAME}"
    no_area = {**manifest, "organisation": {**manifest["organisation"], "areas": ["E99999999"]}}
    escaping = [{**f, "path": "files/uploads/../../escape.txt"} if f["path"] == upload else f
                for f in manifest["files"]]
    twice = json.loads(json.dumps(manifest))
    twice["assessments"][0]["ratings"].append(twice["assessments"][0]["ratings"][0])
    (tmp_path / "plain.txt").write_text("not an archive")
    cases = {
        tmp_path / "plain.txt": "not a zip archive",
        tmp_path / "missing.zip": "no such file",
        _zip(tmp_path / "empty.zip", {"readme.txt": b"hello"}):
            "there is no organisation.json in the archive",
        _zip(tmp_path / "broken.zip", {"organisation.json": b"{not json"}):
            "organisation.json is not valid JSON",
        _zip(tmp_path / "other.zip", {"organisation.json": _changed(manifest, format="x")}):
            "is not a Making It Real organisation export",
        _zip(tmp_path / "future.zip", {"organisation.json": _changed(manifest, version=2)}):
            "organisation.json is version 2; this toolkit reads version 1",
        _zip(tmp_path / "invalid.zip", {"organisation.json": _changed(manifest, members=[
            {"email": "a@example.org", "role": "boss", "created_at": "2026-01-01T00:00:00Z"}])}):
            "organisation.json: members.0.role: Input should be 'owner', 'editor' or 'viewer'",
        _zip(tmp_path / "escape.zip", {"organisation.json": _changed(manifest, files=escaping),
                                       **files}):
            "organisation.json: files.",
        _zip(tmp_path / "lost.zip", {"organisation.json": entries["organisation.json"]}):
            "is listed but not in the archive",
        _zip(tmp_path / "damaged.zip", {**entries, upload: b"changed"}):
            f"{upload} is damaged",
        _zip(tmp_path / "areas.zip", {**files, "organisation.json": json.dumps(no_area).encode()}):
            "unknown council area codes: E99999999",
        _zip(tmp_path / "twice.zip", {**files, "organisation.json": json.dumps(twice).encode()}):
            "organisation.json: its rows do not fit this database (",
        _zip(tmp_path / "users.zip", {**files, "organisation.json": _changed(
            manifest, users=manifest["users"] * 2)}):
            "organisation.json: two users have the same email address",
    }
    for path, message in cases.items():
        result = run(second_settings, monkeypatch, "org", "import", str(path))
        assert result.exit_code == 1, (path, result.output)
        assert f"{path}: " in result.output and message in result.output, (path, result.output)
        assert "Traceback" not in result.output
    with Session(engine_for(second_settings.database_url)) as other:
        assert other.exec(select(Organisation)).all() == []
        assert other.exec(select(User)).all() == []
    assert not second_settings.upload_dir.exists() \
        or file_hashes(second_settings.upload_dir) == {}


def test_a_clashing_file_stops_the_import_and_leaves_nothing_behind(
        rich: Built, settings: Settings, second_settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "bolton.zip"
    assert run(settings, monkeypatch, "org", "export", SLUG, "-o", str(archive)).exit_code == 0
    with zipfile.ZipFile(archive) as contents:
        published = next(n for n in contents.namelist() if n.startswith("files/published/"))
    clash = second_settings.upload_dir / "published" / published.rsplit("/", 1)[1]
    clash.parent.mkdir(parents=True)
    clash.write_bytes(b"someone else's file")
    result = run(second_settings, monkeypatch, "org", "import", str(archive))
    assert result.exit_code == 1
    assert "a different file is already stored as" in result.output
    assert file_hashes(second_settings.upload_dir) == {
        f"published/{clash.name}": hashlib.sha256(b"someone else's file").hexdigest()}
    with Session(engine_for(second_settings.database_url)) as other:
        assert other.exec(select(Organisation)).all() == []


def test_the_manifest_is_readable_json_without_database_ids(
        rich: Built, settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "bolton.zip"
    assert run(settings, monkeypatch, "org", "export", SLUG, "-o", str(archive)).exit_code == 0
    with zipfile.ZipFile(archive) as contents:
        text = contents.read("organisation.json").decode()
    manifest = json.load(io.StringIO(text))
    assert (manifest["format"], manifest["version"]) == ("mir-organisation", 1)
    rows = json.dumps({**manifest, "publications": [
        {**p, "snapshot": None} for p in manifest["publications"]]})  # snapshots: verbatim
    assert not re.search(r'"(\w+_)?id": \d', rows)
    assert [p["number"] for p in manifest["publications"]] == [1, 2]
    assert manifest["assessments"][1]["previous"] == manifest["assessments"][0]["key"]


def test_a_missing_upload_is_reported_and_the_rest_exported(
        rich: Built, settings: Settings, second_settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    (settings.upload_dir / PRIVATE_FILE_NAME).unlink()
    archive = tmp_path / "bolton.zip"
    result = run(settings, monkeypatch, "org", "export", SLUG, "-o", str(archive))
    assert result.exit_code == 0
    assert "Warning: evidence 'Workshop notes.pdf': the file" in result.output
    assert "is missing; exported without it" in result.output
    assert run(second_settings, monkeypatch, "org", "import", str(archive)).exit_code == 0
    assert file_hashes(second_settings.upload_dir) == file_hashes(settings.upload_dir)


# Independent views and replies -------------------------------------------------------------

def test_views_and_replies_travel_and_link_up_again(
        rich: Built, settings: Settings, second_settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Bolton writes a view of a user-led organisation and replies to that organisation's
    view of it; moved one after the other, both link up again in the other database."""
    with Session(engine_for(settings.database_url)) as db:
        bolton = db.get(Organisation, rich.organisation_id)
        bolton_owner = db.get(User, rich.owner_id)
        assert bolton is not None and bolton_owner is not None
        voice_owner = make_user(db, email="voice@example.org", name="Voice Owner")
        voice = make_organisation(db, owner=voice_owner, name="Bolton Voice", slug="voice")
        voice_plan = views_factories.publish_plan(db, voice, voice_owner,
                                                  upload_dir=settings.upload_dir)
        ours = views_factories.start_view(db, bolton, bolton_owner, voice_plan)
        views_factories.complete_view(db, ours, bolton_owner, reasons="Members told Bolton")
        add_voice_round(db, ours, said="Voice member")
        views_factories.publish_view(db, ours, bolton, bolton_owner,
                                     upload_dir=settings.upload_dir)
        bolton_plan = db.exec(select(Publication).where(
            Publication.organisation_id == bolton.id, Publication.number == 1)).one()
        theirs = views_factories.start_view(db, voice, voice_owner, bolton_plan)
        views_factories.complete_view(db, theirs, voice_owner)
        their_view = views_factories.publish_view(db, theirs, voice, voice_owner,
                                                  upload_dir=settings.upload_dir)
        views_publishing.publish_reply(db, actor_id=rich.owner_id, organisation=bolton,
                                    view_publication=their_view,
                                    framework=views_factories.FRAMEWORK,
                                    overall="Thank you: we will act on it.",
                                    per_marker={"IA1": "We agree."}, today=date.today())
        db.commit()

    archives = {}
    for slug in ("voice", SLUG):
        archives[slug] = tmp_path / f"{slug}.zip"
        exported = run(settings, monkeypatch, "org", "export", slug, "-o", str(archives[slug]))
        assert exported.exit_code == 0, exported.output
    with zipfile.ZipFile(archives[SLUG]) as contents:
        manifest = json.loads(contents.read("organisation.json"))
    assert {p["kind"] for p in manifest["publications"]} == {"plan", "progress", "view",
                                                             "reply"}
    [view_record] = [a for a in manifest["assessments"] if a["subject"]]
    assert (view_record["subject"], view_record["about_publication"]) == ("voice", 1)

    # The user-led organisation first: the view it drafted of Bolton cannot link up yet.
    first = run(second_settings, monkeypatch, "org", "import", str(archives["voice"]))
    assert first.exit_code == 0, first.output
    assert f"Warning: the draft view of {SLUG} was left out" in first.output
    second = run(second_settings, monkeypatch, "org", "import", str(archives[SLUG]))
    assert second.exit_code == 0, second.output
    assert "Traceback" not in first.output + second.output

    with Session(engine_for(second_settings.database_url)) as other:
        bolton = other.exec(select(Organisation).where(Organisation.slug == SLUG)).one()
        voice = other.exec(select(Organisation).where(Organisation.slug == "voice")).one()
        published = {p.kind: p for p in other.exec(select(Publication).where(
            Publication.organisation_id == bolton.id))}
        assert published["view"].about_organisation_id == voice.id
        answered = other.get(Publication, published["reply"].in_reply_to_id)
        assert answered is not None and answered.organisation_id == voice.id
        assert answered.kind == "view" and answered.snapshot["about"]["slug"] == SLUG
        draft = other.exec(select(Assessment).where(Assessment.organisation_id == bolton.id,
                                                    Assessment.subject_organisation_id
                                                    == voice.id)).one()
        about = other.get(Publication, draft.about_publication_id)
        assert about is not None and (about.organisation_id, about.number) == (voice.id, 1)
        words = {r.marker_code: r.working for r in other.exec(select(Rating).where(
            Rating.assessment_id == draft.id)) if r.level}
        assert words == {"IA1": "Members told Bolton about IA1",
                         "IA2": "Members told Bolton about IA2"}
    # Both rounds (the self-assessment's and the view's) with every answer and removal.
    moved, kept = dump(second_settings.database_url, SLUG), dump(settings.database_url, SLUG)
    assert len(kept["voice_rounds"]) == 2
    assert "Voice member 0" in {a["comment"] for a in kept["voice_answers"]}
    for key in ("voice_rounds", "voice_responses", "voice_answers"):
        assert moved[key] == kept[key], key
    with checked_client(create_app(second_settings)) as client:
        page = client.get(f"/organisations/{SLUG}/publications/{published['reply'].number}")
        assert page.status_code == 200 and "Thank you: we will act on it." in page.text
