"""The latest published action plan as a page, PDF, DOCX, CSV and JSON: published data only."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import zlib
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import docx
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlmodel import Session, select

from app.assessments.models import CoProduction, Evidence, Rating
from app.caching import bump_public_version
from app.config import Settings
from app.exports.schemas import EXAMPLE, ActionPlanExport, VoiceMarkerOut, VoiceOut
from app.exports.service import CSV_COLUMNS, to_csv, to_html, voice_csv
from app.plans import service as plans
from app.plans.models import Action, ActionStatus
from app.publications.models import Publication, PublicationKind
from tests.exports.builders import (
    ACTIONS,
    NAME,
    PRIORITIES,
    Built,
    build_plan,
    organisation,
    publish_plan,
    report_progress,
)

BASE = "/organisations/bolton-council/action-plan"
FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "csv": "text/csv; charset=utf-8", "json": "application/json"}
TITLE = "Bolton Council: Making It Real (2018) action plan"
SECRET = "DRAFT-SECRET-e81c"


def squashed(text: str) -> str:
    """Without any white space: PDF text wraps lines where the layout does."""
    return "".join(text.split())


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "plan.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_info(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout


def pdf_objects(content: bytes) -> bytes:
    """The PDF's bytes with every compressed stream inflated (the catalogue is in one)."""
    parts = [content]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            parts.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows
             for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def unprotected(cell: str) -> str:
    return cell[1:] if cell[:2] in {"'=", "'+", "'-", "'@"} else cell


def snapshot_of(db: Session, number: int) -> dict[str, object]:
    db.expire_all()
    publication = db.exec(select(Publication).where(Publication.number == number)).one()
    return publication.snapshot


def download(client: TestClient, extension: str, query: str = "") -> bytes:
    response = client.get(f"{BASE}.{extension}{query}")
    assert response.status_code == 200, response.text[:500]
    content: bytes = response.content
    return content


# The page ---------------------------------------------------------------------------------

def test_page_shows_the_plan_and_links_to_every_download(client: TestClient,
                                                         published: Built) -> None:
    page = client.get(BASE)
    assert page.status_code == 200
    text = page.text
    assert "<title>Action plan – Bolton Council – Making It Real toolkit</title>" in text
    assert re.search(r"<h1[^>]*>Making It Real \(2018\) action plan</h1>", text)
    for extension in FORMATS:
        assert f'href="{BASE}.{extension}?framework=making-it-real-2018"' in text
    for action in ACTIONS:
        assert str(escape(action.title)) in text
    assert "Publication 1</a>, published 31 March 2026" in text
    assert "12 people who use support, 3 family carers" in text
    for code, why in PRIORITIES.items():
        assert f"{code}: " in text and why in text


def test_downloads_are_attachments_named_after_the_organisation_and_date(
        client: TestClient, published: Built) -> None:
    for extension, media_type in FORMATS.items():
        response = client.get(f"{BASE}.{extension}")
        assert response.headers["content-type"] == media_type
        assert response.headers["content-disposition"].startswith(
            f'attachment; filename="bolton-council-action-plan-2026-03-31.{extension}"')


# Each format ------------------------------------------------------------------------------

def test_pdf_is_tagged_titled_and_holds_real_text(client: TestClient, published: Built,
                                                  tmp_path: Path) -> None:
    content = download(client, "pdf")
    assert content.startswith(b"%PDF-")
    text = squashed(pdf_text(content, tmp_path))
    assert squashed(NAME) in text and squashed(TITLE) in text
    for action in ACTIONS:
        assert squashed(action.title) in text, action.title
    assert squashed("1 February 2026: First workshop on the leaflet held.") in text
    objects = pdf_objects(content)
    assert b"/Lang (en-GB)" in objects
    assert b"/StructTreeRoot" in objects and b"/MarkInfo" in objects
    assert b"/H1" in objects and b"/H2" in objects and b"/Table" in objects
    assert b"pdfuaid:part" in objects  # declares PDF/UA-1
    info = pdf_info(content, tmp_path)
    assert f"Title:           {TITLE}" in info
    assert re.search(r"Tagged:\s+yes", info)


def test_the_pdf_is_printed_from_html_with_nothing_to_fetch() -> None:
    """No stylesheet, image, font or script from elsewhere: the printer fetches nothing."""
    page = to_html(ActionPlanExport.model_validate(EXAMPLE)).lower()
    assert '<html lang="en-gb">' in page
    for outside in ("<link", "<img", "<script", "url(", "@import", "@font-face", "src="):
        assert outside not in page, outside


def test_docx_has_real_headings_and_a_table_with_a_header_row(client: TestClient,
                                                             published: Built) -> None:
    document = docx.Document(io.BytesIO(download(client, "docx")))
    styles = [p.style.name if p.style else "" for p in document.paragraphs]
    assert styles[0] == "Title" and "Heading 1" in styles and "Heading 2" in styles
    headings = [p.text for p in document.paragraphs if p.style and p.style.name == "Heading 1"]
    assert headings == ["Who took part", "Where we are", "Priorities", "Actions", "Progress"]
    levels, table = document.tables
    assert [cell.text for cell in levels.rows[0].cells] == [
        "Theme", "Not started", "Getting started", "Making progress", "Making it real",
        "Does not apply", "Not rated"]
    assert "w:tblHeader" in levels.rows[0]._tr.xml
    assert [cell.text for cell in table.rows[0].cells] == [
        "Action", "Markers", "Led by", "Due by", "Status", "Why it was dropped"]
    assert "w:tblHeader" in table.rows[0]._tr.xml
    assert [row.cells[0].text for row in table.rows[1:]] == [a.title for a in ACTIONS]
    assert [row.cells[4].text for row in table.rows[1:]] == [
        "In progress", "Planned", "Dropped", "Done"]
    assert document.core_properties.title == TITLE
    assert document.core_properties.language == "en-GB"
    assert 'w:val="en-GB"' in document.styles.element.xml


def test_csv_is_the_published_plan_row_by_row(client: TestClient, db: Session,
                                              published: Built) -> None:
    content = download(client, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    assert b'"Commas, ""quotes"",\nand a second line."' in content
    assert content.count(b"\r\n") == len(ACTIONS) + 1
    rows = csv_rows(content)
    assert list(rows[0]) == list(CSV_COLUMNS)
    actions = snapshot_of(db, 1)["actions"]
    assert isinstance(actions, list) and len(rows) == len(actions) == len(ACTIONS)
    for row, action in zip(rows, actions, strict=True):
        assert row["organisation"] == NAME
        assert row["framework"] == "Making It Real (2018)"
        assert (row["publication_number"], row["published_on"]) == ("1", "2026-03-31")
        assert unprotected(row["action"]) == action["title"]
        assert row["description"] == action["description"]
        assert row["markers"] == ";".join(action["markers"])
        assert unprotected(row["lead"]) == action["owner"]
        assert row["due_on"] == (action["due_on"] or "")
        assert row["status"] == action["status_label"]
        assert unprotected(row["dropped_reason"]) == action["dropped_reason"]
    assert rows[1]["action"] == "'" + ACTIONS[1].title
    assert rows[1]["lead"] == "'+44 team lead"
    assert rows[2]["dropped_reason"] == "'-Merged into the leaflet work"
    assert rows[3]["lead"] == "'@Front door manager"
    assert (rows[0]["latest_update_on"], rows[0]["latest_update"]) == (
        "2026-02-01", "First workshop on the leaflet held.")
    assert rows[0]["markers"] == "IA1" and rows[1]["markers"] == "AC2;WF3"


def test_csv_cells_never_start_a_formula() -> None:
    example = ActionPlanExport.model_validate(EXAMPLE)
    risky = ["=1+2", "+1", "-1", "@SUM(A1)", "\tTab", "\rReturn", "Safe = fine"]
    actions = [example.actions[0].model_copy(update={"title": title, "lead": title})
               for title in risky]
    rows = csv_rows(to_csv(example.model_copy(update={"actions": actions})))
    assert [row["action"] for row in rows] == [
        "'=1+2", "'+1", "'-1", "'@SUM(A1)", "'\tTab", "'\rReturn", "Safe = fine"]
    assert [row["lead"] for row in rows] == [row["action"] for row in rows]


def test_voice_csv_cells_never_start_a_formula() -> None:
    """The people's-voice CSV carries the organisation's name and who asked (typed by
    people): neither may start a formula in a spreadsheet."""
    example = ActionPlanExport.model_validate(EXAMPLE)
    voice = VoiceOut(opens_on=date(2026, 1, 5), closes_on=date(2026, 2, 5), people=12,
                     people_label="12 people answered", answer_labels={},
                     markers=[VoiceMarkerOut(code="IA1", statement="I can get information",
                                             answered=12, counts={"yes": 12})])
    risky = ["=1+2", "+1", "-1", "@SUM(A1)", "\tTab", "\rReturn"]
    for name in risky:
        organisation = example.organisation.model_copy(update={"name": name})
        rows = csv_rows(voice_csv(example.model_copy(
            update={"organisation": organisation, "voice": voice})))
        assert [(row["organisation"], row["asked_by"]) for row in rows] == [("'" + name,) * 2]


def test_json_is_the_published_plan_in_the_documented_schema(
        client: TestClient, db: Session, published: Built) -> None:
    body = client.get(f"{BASE}.json").json()
    export = ActionPlanExport.model_validate(body)
    snapshot = snapshot_of(db, 1)
    actions = snapshot["actions"]
    assert isinstance(actions, list)
    assert body["schema_version"] == 1
    assert (export.organisation.name, export.organisation.slug) == (NAME, "bolton-council")
    assert [a.code for a in export.organisation.areas] == ["E08000001", "E08000002"]
    assert export.plan.number == 1 and export.plan.published_on == date(2026, 3, 31)
    assert export.plan.url == "http://testserver/organisations/bolton-council/publications/1"
    assert export.progress is None and export.as_at == date(2026, 3, 31)
    assert [p.code for p in export.priorities] == list(PRIORITIES)
    assert export.co_production is not None and export.co_production.people_using_support == 12
    assert [(a.title, a.status, a.status_label, a.lead, a.markers, a.dropped_reason)
            for a in export.actions] == [
        (a["title"], a["status"], a["status_label"], a["owner"], a["markers"],
         a["dropped_reason"]) for a in actions]
    assert [a.position for a in export.actions] == [1, 2, 3, 4]
    assert export.actions[0].updates[0].note == "First workshop on the leaflet held."


def test_the_json_schema_is_documented_in_openapi(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/organisations/{slug}/action-plan.json"]["get"]
    assert operation["summary"] == "An organisation's latest published action plan"
    ok = operation["responses"]["200"]["content"]["application/json"]
    assert ok["schema"]["$ref"].endswith("/ActionPlanExport")
    assert ok["example"]["schema_version"] == 1
    assert "framework" in [p["name"] for p in operation["parameters"]]
    schema = spec["components"]["schemas"]["ActionPlanExport"]
    assert {"schema_version", "organisation", "plan", "progress", "actions"} <= set(
        schema["properties"])
    for other in ("", ".pdf", ".docx", ".csv"):
        assert f"/organisations/{{slug}}/action-plan{other}" not in spec["paths"]


# Which publications ---------------------------------------------------------------------

def test_a_later_progress_report_gives_the_statuses_and_updates(
        client: TestClient, db: Session, settings: Settings, published: Built,
        tmp_path: Path) -> None:
    report_progress(db, settings, published)
    db.commit()
    body = ActionPlanExport.model_validate(client.get(f"{BASE}.json").json())
    assert body.plan.number == 1 and body.progress is not None
    assert (body.progress.number, body.progress.since) == (2, date(2026, 3, 31))
    assert body.as_at == date(2026, 9, 30)
    assert [a.status for a in body.actions] == ["in_progress", "in_progress", "dropped",
                                                "done"]
    assert [u.note for u in body.actions[0].updates] == ["Draft shared with members."]
    assert [p.code for p in body.priorities] == list(PRIORITIES)  # from the plan
    rows = csv_rows(download(client, "csv"))
    assert {(r["publication_number"], r["published_on"]) for r in rows} == {("2", "2026-09-30")}
    assert rows[1]["status"] == "In progress"
    assert (rows[0]["latest_update_on"], rows[0]["latest_update"]) == (
        "2026-06-01", "Draft shared with members.")
    text = squashed(pdf_text(download(client, "pdf"), tmp_path))
    assert squashed("Progress report Publication 2, published 30 September 2026") in text
    assert squashed("Draft shared with members.") in text
    assert client.get(f"{BASE}.pdf").headers["content-disposition"].startswith(
        'attachment; filename="bolton-council-action-plan-2026-09-30.pdf"')

    publish_plan(db, settings, published, day=date(2026, 10, 15),
                 kind=PublicationKind.correction, what_changed="Fixed a due date.")
    db.commit()
    corrected = ActionPlanExport.model_validate(client.get(f"{BASE}.json").json())
    assert (corrected.plan.number, corrected.plan.kind, corrected.progress) == (
        3, "correction", None)
    assert corrected.what_changed == "Fixed a due date."
    assert "Fixed a due date." in client.get(BASE).text


def test_hidden_publications_are_left_out(client: TestClient, db: Session,
                                          settings: Settings, published: Built) -> None:
    report_progress(db, settings, published)
    db.commit()
    for publication in db.exec(select(Publication)):
        if publication.number == 2:
            publication.hidden_reason = "Named a person without consent"
            db.add(publication)
    bump_public_version(db)
    db.commit()
    body = client.get(f"{BASE}.json").json()
    assert body["progress"] is None and body["plan"]["number"] == 1
    for publication in db.exec(select(Publication)):
        publication.hidden_reason = "Hidden by a site administrator"
        db.add(publication)
    bump_public_version(db)
    db.commit()
    response = client.get(f"{BASE}.csv")
    assert response.status_code == 404
    assert "Bolton Council has not published an action plan yet." in response.text


def test_nothing_published_is_a_friendly_not_found_page(client: TestClient, db: Session,
                                                        settings: Settings,
                                                        planned: Built) -> None:
    for suffix in ("", ".pdf", ".docx", ".csv", ".json"):
        response = client.get(BASE + suffix)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "Page not found" in response.text
        assert "Bolton Council has not published an action plan yet." in response.text
    assert client.get("/organisations/nobody/action-plan.pdf").status_code == 404
    org = organisation(db, planned)
    publish_plan(db, settings, planned)
    org.public = False
    db.add(org)
    bump_public_version(db)
    db.commit()
    response = client.get(f"{BASE}.json")
    assert response.status_code == 404
    assert "There is no organisation at this address." in response.text


def test_each_framework_has_its_own_plan_and_the_newest_comes_first(
        client: TestClient, db: Session, settings: Settings, published: Built) -> None:
    older = build_plan(db, framework_id="making-it-real-2012",
                       existing=organisation(db, published))
    publish_plan(db, settings, older, framework_id="making-it-real-2012",
                 day=date(2026, 4, 10))
    db.commit()
    newest = client.get(f"{BASE}.json").json()
    assert newest["framework"]["id"] == "making-it-real-2012"
    assert newest["plan"]["number"] == 2
    chosen = client.get(f"{BASE}.json?framework=making-it-real-2018").json()
    assert chosen["framework"]["id"] == "making-it-real-2018" and chosen["plan"]["number"] == 1
    page = client.get(BASE).text
    assert f'href="{BASE}?framework=making-it-real-2018">Making It Real (2018)</a>' in page
    assert f'href="{BASE}.pdf?framework=making-it-real-2012"' in page
    response = client.get(f"{BASE}.pdf?framework=no-such-framework")
    assert response.status_code == 404
    assert "Bolton Council has not published an action plan for no-such-framework." \
        in response.text


# Published data only ------------------------------------------------------------------------

def everything(client: TestClient, tmp_path: Path) -> dict[str, str | bytes]:
    return {"page": client.get(BASE).text,
            "pdf": pdf_text(download(client, "pdf"), tmp_path),
            "docx": docx_text(download(client, "docx")),
            "csv": download(client, "csv"), "json": download(client, "json")}


def test_exports_hold_only_published_words_and_later_edits_change_nothing(
        client: TestClient, db: Session, settings: Settings, published: Built,
        tmp_path: Path) -> None:
    before = everything(client, tmp_path)
    org = organisation(db, published)
    org.name = f"{SECRET} renamed"
    db.add(org)
    for rating in db.exec(select(Rating).where(Rating.assessment_id == published.assessment_id)):
        rating.working = rating.needs_change = f"{SECRET} draft words"
        db.add(rating)
        db.add(Evidence(rating_id=rating.id or 0, kind="note", text=f"{SECRET} note",
                        publishable=True))
    record = db.exec(select(CoProduction)).one()
    record.what_people_said = f"{SECRET} said"
    db.add(record)
    plans.set_priorities(db, actor_id=published.owner_id, organisation_id=org.id or 0,
                         assessment_id=published.assessment_id,
                         chosen={"IA1": f"{SECRET} why"})
    first = db.get(Action, published.action_ids[0])
    assert first is not None
    plans.save_action(db, actor_id=published.owner_id, action=first,
                      seen_version=first.version, change=plans.ActionChange(
                          f"{SECRET} title", f"{SECRET} description", ["IA2"],
                          f"{SECRET} lead", date(2027, 1, 1), ActionStatus.dropped,
                          f"{SECRET} reason"))
    plans.add_update(db, actor_id=published.owner_id, action=first, on=date(2026, 5, 1),
                     note=f"{SECRET} update")
    plans.add_action(db, actor_id=published.owner_id, organisation_id=org.id or 0,
                     framework_id="making-it-real-2018", change=plans.ActionChange(
                         f"{SECRET} new action", "", [], "", None, ActionStatus.planned, ""))
    bump_public_version(db)  # whatever is cached is rendered again
    db.commit()
    after = everything(client, tmp_path)
    for name, content in after.items():
        shown = content.decode("utf-8-sig") if isinstance(content, bytes) else content
        assert SECRET not in shown, name
    assert after == before


def test_old_data_with_control_characters_still_exports(client: TestClient, db: Session,
                                                        settings: Settings,
                                                        planned: Built) -> None:
    """Text saved before forms refused control characters: Word and XML cannot hold them."""
    action = db.get(Action, planned.action_ids[0])
    assert action is not None
    action.title = "Leaflet\x01 in plain\x0b words\x1b"
    action.description = "Line one\nline\x08 two\tand a tab"
    db.add(action)
    bolton = organisation(db, planned)
    bolton.name = "Bolton\x0c Council"
    db.add(bolton)
    publish_plan(db, settings, planned)
    db.commit()
    for extension in FORMATS:
        download(client, extension)
    text = docx_text(download(client, "docx"))
    assert "Leaflet in plain words" in text
    assert "\x01" not in text and "\x0b" not in text
    body = client.get(f"{BASE}.json").json()
    assert body["actions"][0]["title"] == "Leaflet in plain words"
    assert body["actions"][0]["description"] == "Line one\nline two\tand a tab"
    feed = client.get("/organisations/bolton-council/feed.atom")
    assert ElementTree.fromstring(feed.content).findtext(  # well-formed XML
        "{http://www.w3.org/2005/Atom}title") == "Bolton Council: Making It Real publications"
def test_a_count_left_at_0_by_the_old_form_is_never_published(
        client: TestClient, db: Session, settings: Settings, planned: Built,
        tmp_path: Path) -> None:
    """The count boxes once started at "0" though the hint said leave them empty: a stored
    0 means "left empty", so no page or document says "0 staff took part"."""
    record = db.exec(select(CoProduction)).one()
    record.people_using_support, record.family_carers = 1, 0
    record.staff, record.partner_organisations = 0, 0
    db.add(record)
    publish_plan(db, settings, planned)
    db.commit()
    sentence = "1 person who uses support took part. They joined in through workshops"
    shown = {"publication page": client.get("/organisations/bolton-council/publications/1").text,
             "action plan page": client.get(BASE).text,
             "pdf": pdf_text(download(client, "pdf"), tmp_path),
             "docx": docx_text(download(client, "docx"))}
    for name, text in shown.items():
        assert squashed(sentence) in squashed(text), name
        for zero in ("0 family carers", "0 staff", "0 partner organisations"):
            assert squashed(zero) not in squashed(text), (name, zero)


# The Local Account: where we are, and independent views with the replies -----------------

def test_pdf_and_docx_hold_the_levels_the_views_and_the_replies(
        client: TestClient, db: Session, settings: Settings, published: Built,
        tmp_path: Path) -> None:
    from app.clock import today
    from app.views.publishing import publish_reply
    from tests.factories import make_organisation, make_user
    from tests.views.factories import FRAMEWORK, complete_view, publish_view, start_view

    plan = db.exec(select(Publication).where(Publication.number == 1)).one()
    council = organisation(db, published)
    progress = report_progress(db, settings, published)
    viewer_owner = make_user(db, email="voice@example.org")
    voice = make_organisation(db, owner=viewer_owner, name="Bolton Voice",
                              areas=("E08000001",))
    draft = start_view(db, voice, viewer_owner, plan)
    complete_view(db, draft, viewer_owner, reasons="Members told us")
    view = publish_view(db, draft, voice, viewer_owner, upload_dir=settings.upload_dir)
    publish_reply(db, actor_id=published.owner_id, organisation=council,
                  view_publication=view, framework=FRAMEWORK,
                  overall="Thank you: we will work on this with members.",
                  per_marker={"IA1": "We are rewriting the leaflet."}, today=today())
    bump_public_version(db)
    db.commit()

    snapshot = plan.snapshot
    themes = snapshot["assessment"]["themes"]  # type: ignore[index]
    first = themes[0]  # type: ignore[index]
    latest = f"http://testserver/organisations/bolton-council/publications/{progress.number}"
    wanted = ["Where we are", first["title"],
              "Independent views", "Bolton Voice, published",
              f"http://testserver/organisations/{voice.slug}/publications/{view.number}",
              "Members told us about IA1", "We are rewriting the leaflet.",
              "Thank you: we will work on this with members.",
              "Online (the latest publication): " + latest,
              "“Spring 2026” is the name Bolton Council gave to its self-assessment"]
    in_docx = docx_text(download(client, "docx"))
    for text in wanted:
        assert text in in_docx, text
    in_pdf = squashed(pdf_text(download(client, "pdf"), tmp_path))
    for text in [*wanted[:-2], latest, "thenameBoltonCouncilgavetoitsself-assessment",
                 "Markers at each level, by theme"]:
        assert squashed(text) in in_pdf, text
    document = docx.Document(io.BytesIO(download(client, "docx")))
    levels = document.tables[0]
    counts = [str(first["counts"].get(level["id"], 0))  # type: ignore[index]
              for level in snapshot["framework"]["scale"]]  # type: ignore[index]
    assert [cell.text for cell in levels.rows[1].cells][:len(counts) + 1] \
        == [first["title"], *counts]
    exported = download(client, "json").decode()
    assert "We are rewriting the leaflet." in exported and '"levels"' in exported
