"""Evidence on a rating: notes, links, files and quotes; files checked by content, kept
safely, downloaded only by members, and removed from disk when deleted."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.assessments import evidence as evidence_service
from app.assessments.models import Evidence
from app.audit.models import AuditEvent
from app.config import Settings
from app.db import engine_for
from app.templating import EASY_READ_COOKIE
from tests.factories import (
    add_member,
    csrf_token,
    login,
    make_commitment,
    make_organisation,
    make_user,
)

BASE = "/manage/team-org/assessments"
MARKER = "IA1"


# Small real files ------------------------------------------------------------------------

PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
       b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
       b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")
JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\x00" * 64 + b"\xff\xd9")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
RANDOM = bytes((i * 167 + 131) % 256 for i in range(2048))  # not text, no known signature
CSV = "\ufeffmonth,people\nJanuary,12\nFebruary,15\n".encode()


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
DOCX = zipped({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": b"<Relationships/>",
               "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": b"<Relationships/>",
               "xl/workbook.xml": b"<workbook/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text",
              "content.xml": b"<office:document-content/>"})
ODS = zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
              "content.xml": b"<office:document-content/>"})


# Fixtures and helpers --------------------------------------------------------------------

@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


@pytest.fixture
def team(db: Session) -> None:
    owner = make_user(db, email="owner@example.org", name="Olive")
    organisation = make_organisation(db, owner=owner, name="Team Org")
    add_member(db, organisation, make_user(db, email="editor@example.org", name="Eddie"),
               "editor")
    add_member(db, organisation, make_user(db, email="viewer@example.org", name="Vera"),
               "viewer")
    make_commitment(db, organisation)
    outsider = make_user(db, email="outsider@example.org", name="Otto")
    make_organisation(db, owner=outsider, name="Other Org")
    db.commit()


@pytest.fixture
def assessment_id(client: TestClient, team: None) -> int:
    login(client, "editor@example.org")
    response = client.post(BASE, data={"csrf_token": csrf_token(client, BASE),
                                       "framework": "making-it-real-2018",
                                       "name": "Spring 2026"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def marker_url(assessment_id: int, code: str = MARKER) -> str:
    return f"{BASE}/{assessment_id}/markers/{code}"


def add(client: TestClient, assessment_id: int, kind: str, *, csrf: bool = True,
        **fields: str) -> httpx.Response:
    url = marker_url(assessment_id)
    data = {"kind": kind, **fields}
    if csrf:
        data["csrf_token"] = csrf_token(client, url)
    response: httpx.Response = client.post(f"{url}/evidence", data=data)
    return response


def upload(client: TestClient, assessment_id: int, name: str, content: bytes, *,
           csrf: bool = True, content_type: str = "application/pdf",
           **fields: str) -> httpx.Response:
    url = marker_url(assessment_id)
    data = {"kind": "file", **fields}
    if csrf:
        data["csrf_token"] = csrf_token(client, url)
    response: httpx.Response = client.post(
        f"{url}/evidence", data=data, files={"file_upload": (name, content, content_type)})
    return response


def stored_files(settings: Settings) -> list[Path]:
    folder = settings.upload_dir
    return sorted(folder.iterdir()) if folder.exists() else []


def all_evidence(db: Session) -> list[Evidence]:
    db.expire_all()
    return list(db.exec(select(Evidence).order_by(Evidence.id)).all())  # type: ignore[arg-type]


def download_link(html: str) -> str:
    found = re.search(r'href="([^"]+/download)"', html)
    assert found, "no download link on the page"
    return found.group(1)


# Adding and listing ----------------------------------------------------------------------

def test_every_kind_is_added_and_listed(client: TestClient, db: Session, settings: Settings,
                                        assessment_id: int) -> None:
    note = add(client, assessment_id, "note",
               note_text="First line <b>not bold</b>\nSecond line *not emphasis*",
               note_publishable="yes")
    assert "Your note has been added to IA1." in note.text
    add(client, assessment_id, "link", link_url="https://www.example.org/report",
        link_description="Our report to the board")
    upload(client, assessment_id, "Survey results.pdf", PDF, file_description="The survey")
    page = add(client, assessment_id, "quote", quote_text="They listened to me.\nAt last.",
               quote_source_kind="family_carer", quote_consent="yes", quote_name="Sam",
               quote_publishable="yes")
    assert page.status_code == 200
    html = page.text
    # the note: escaped, not Markdown, its line break kept
    assert "First line &lt;b&gt;not bold&lt;/b&gt;<br>Second line *not emphasis*" in html
    assert '<a class="govuk-link" href="https://www.example.org/report" ' in html
    assert "Our report to the board" in html
    assert "Survey results.pdf</a> (PDF, " in html
    assert "Quote from a family carer" in html
    assert "They listened to me.<br>At last." in html
    assert "Said by Sam." in html
    assert html.count("May be published</strong>") == 2
    assert html.count("Private</strong>") == 2
    assert html.count("Added by you on") == 4
    items = all_evidence(db)
    assert [item.kind for item in items] == ["note", "link", "file", "quote"]
    quote = items[3]
    assert (quote.source_kind, quote.consent_to_publish, quote.attributed_name,
            quote.publishable) == ("family_carer", True, "Sam", True)
    assert len(stored_files(settings)) == 1
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "evidence.add")).all()
    assert sorted(event.subject for event in events) == sorted(
        f"evidence:{item.id}" for item in items)


def test_easy_read_names_who_said_it_in_easy_words(client: TestClient, db: Session,
                                                   assessment_id: int) -> None:
    """In Easy Read the quote form names kinds of source and publishing in easy words; what
    is saved is the same."""
    client.cookies.set(EASY_READ_COOKIE, "1")
    form = client.get(marker_url(assessment_id)).text
    assert "Another group we work with" in form and "A partner organisation" not in form
    assert "Can this go on the site?" in form and "May this be published?" not in form
    page = add(client, assessment_id, "quote", quote_text="We plan it together now.",
               quote_source_kind="partner", quote_consent="no")
    assert "Quote from another group we work with" in page.text
    assert all_evidence(db)[0].source_kind == "partner"
    client.cookies.set(EASY_READ_COOKIE, "0")
    assert "Quote from a partner organisation" in client.get(marker_url(assessment_id)).text


@pytest.mark.parametrize(("name", "content", "extension", "content_type"), [
    ("report.pdf", PDF, "pdf", "application/pdf"),
    ("minutes.docx", DOCX, "docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("minutes.odt", ODT, "odt", "application/vnd.oasis.opendocument.text"),
    ("figures.xlsx", XLSX, "xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("figures.ods", ODS, "ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("figures.csv", CSV, "csv", "text/csv; charset=utf-8"),
    ("photo.PNG", png(), "png", "image/png"),
    ("photo.jpeg", JPEG, "jpg", "image/jpeg"),
])
def test_each_allowed_type_is_kept_by_its_content(client: TestClient, db: Session,
                                                  settings: Settings, assessment_id: int,
                                                  name: str, content: bytes, extension: str,
                                                  content_type: str) -> None:
    page = upload(client, assessment_id, name, content, content_type="text/plain")
    assert "Your file has been added" in page.text
    (item,) = all_evidence(db)
    assert (item.file_name, item.content_type, item.size) == (name, content_type,
                                                               len(content))
    assert re.fullmatch(r"[0-9a-f]{32}\." + extension, item.stored_name)
    (path,) = stored_files(settings)
    assert path.name == item.stored_name and path.read_bytes() == content


def test_a_viewer_downloads_and_an_outsider_cannot(app: FastAPI, client: TestClient,
                                                   assessment_id: int) -> None:
    content = PDF + b"% a personal story\n"
    page = upload(client, assessment_id, "Résumé “notes”.pdf", content)
    link = download_link(page.text)
    client.cookies.clear()
    login(client, "viewer@example.org")
    viewer_page = client.get(marker_url(assessment_id))
    assert "Add a note" not in viewer_page.text and "Delete" not in viewer_page.text
    response = client.get(link)
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "private, no-store"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="R_sum_ _notes_.pdf"; ')
    assert "filename*=UTF-8''R%C3%A9sum%C3%A9%20%E2%80%9Cnotes%E2%80%9D.pdf" in disposition
    client.cookies.clear()
    login(client, "outsider@example.org")
    refused = client.get(link)
    assert refused.status_code == 404 and content not in refused.content
    client.cookies.clear()
    anonymous = client.get(link, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def test_evidence_of_another_assessment_is_not_found(client: TestClient,
                                                     assessment_id: int) -> None:
    page = upload(client, assessment_id, "report.pdf", PDF)
    link = download_link(page.text)
    second = client.post(BASE, data={"csrf_token": csrf_token(client, BASE),
                                     "framework": "making-it-real-2018", "name": "Autumn"},
                         follow_redirects=False)
    other_id = int(second.headers["location"].rsplit("/", 1)[1])
    wrong = link.replace(f"/assessments/{assessment_id}/", f"/assessments/{other_id}/")
    assert client.get(wrong).status_code == 404
    token = csrf_token(client, marker_url(assessment_id))
    assert client.post(wrong.replace("/download", "/delete"),
                       data={"csrf_token": token}).status_code == 404


def test_delete_removes_the_row_and_the_file(client: TestClient, db: Session,
                                             settings: Settings, assessment_id: int) -> None:
    page = upload(client, assessment_id, "report.pdf", PDF, file_description="Board paper")
    (item,) = all_evidence(db)
    item_id = item.id
    (path,) = stored_files(settings)
    assert path.exists()
    delete = download_link(page.text).replace("/download", "/delete")
    done = client.post(delete, data={"csrf_token": csrf_token(client, marker_url(
        assessment_id))})
    assert "The file has been deleted from IA1." in done.text
    assert "No evidence added yet." in done.text
    assert all_evidence(db) == []
    assert not path.exists() and stored_files(settings) == []
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "evidence.delete")).one()
    assert event.subject == f"evidence:{item_id}"
    assert event.before is not None and event.before["file_name"] == "report.pdf"
    assert event.before["text"] == "Board paper" and event.after is None
    assert "%PDF" not in str(event.before)


def test_publishable_can_be_changed_but_not_for_a_quote_without_consent(
        client: TestClient, db: Session, assessment_id: int) -> None:
    add(client, assessment_id, "note", note_text="A note")
    page = add(client, assessment_id, "quote", quote_text="Nobody asked me.",
               quote_source_kind="person_using_support", quote_consent="no")
    note, quote = all_evidence(db)
    assert "They have not agreed to their words being published." in page.text
    assert f"{BASE}/{assessment_id}/evidence/{quote.id}/publishable" not in page.text
    token = csrf_token(client, marker_url(assessment_id))
    made = client.post(f"{BASE}/{assessment_id}/evidence/{note.id}/publishable",
                       data={"csrf_token": token, "publishable": "yes"})
    assert "This evidence may now be published." in made.text
    refused = client.post(f"{BASE}/{assessment_id}/evidence/{quote.id}/publishable",
                          data={"csrf_token": token, "publishable": "yes"})
    assert "A quote can only be published if the person agreed" in refused.text
    assert f'href="#evidence-{quote.id}"' in refused.text
    assert [item.publishable for item in all_evidence(db)] == [True, False]


# Refusing bad input ----------------------------------------------------------------------

TOO_BIG = PDF + b"\x00" * (10 * 1024 * 1024 + 1 - len(PDF))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("big.pdf", TOO_BIG, "The file must be smaller than 10MB"),
    ("empty.pdf", b"", "The selected file is empty"),
    ("setup.exe", EXE, "The selected file must be a PDF, DOCX, ODT, XLSX, ODS, CSV, PNG "
                       "or JPEG"),
    ("report.pdf", EXE, "This file is not really a PDF"),
    ("report.pdf", RANDOM, "This file is not really a PDF"),
    ("photo.pdf", png(), "This file is not really a PDF: it looks like a PNG image"),
    ("figures.xlsx", DOCX, "This file is not really an Excel spreadsheet (XLSX): it looks "
                           "like a Word document (DOCX)"),
    ("minutes.docx", zipped({"hello.txt": b"hi"}),
     "This file is not really a Word document (DOCX)"),
    ("figures.csv", b"a,b\n\x00\x01,2\n", "This file is not really a CSV file"),
    ("figures.csv", b"caf\xe9,1\n", "This file is not really a CSV file"),
    ("", PDF, "Select a file"),
])
def test_bad_files_are_refused_and_the_words_kept(client: TestClient, db: Session,
                                                  settings: Settings, assessment_id: int,
                                                  name: str, content: bytes,
                                                  message: str) -> None:
    page = upload(client, assessment_id, name, content,
                  file_description="Words about the file, kept", file_publishable="yes")
    assert page.status_code == 200
    assert message in page.text
    assert "<title>Error: " in page.text
    assert 'href="#file_upload"' in page.text
    assert "Words about the file, kept" in page.text
    assert "Select the file again" in page.text
    assert re.search(r'<details class="govuk-details" id="add-file" open>', page.text)
    assert all_evidence(db) == []
    assert stored_files(settings) == []


def test_a_body_far_too_big_is_refused_while_it_streams(app: FastAPI, client: TestClient,
                                                        db: Session, settings: Settings,
                                                        assessment_id: int) -> None:
    app.state.settings.max_upload_mb = 1
    page = upload(client, assessment_id, "huge.pdf", PDF + b"\x00" * (3 * 1024 * 1024))
    assert page.status_code == 413
    assert "The file must be smaller than 1MB" in page.text
    assert all_evidence(db) == [] and stored_files(settings) == []


@pytest.mark.parametrize(("raw", "shown"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\sam\\..\\secret.pdf", "secret.pdf"),
    ("re\x1bport\x7f\u202egnp.pdf", "reportgnp.pdf"),
    ("..", "file"),
])
def test_file_names_are_cleaned_and_never_used_on_disk(client: TestClient, db: Session,
                                                       settings: Settings, tmp_path: Path,
                                                       assessment_id: int, raw: str,
                                                       shown: str) -> None:
    page = upload(client, assessment_id, raw, PDF)
    if shown == "file":  # nothing left of the name, so no type to agree with
        assert "The selected file must be a PDF" in page.text
        assert stored_files(settings) == []
        return
    assert "Your file has been added" in page.text
    (item,) = all_evidence(db)
    assert item.file_name == shown
    assert f">{shown}</a>" in page.text
    (path,) = stored_files(settings)
    assert path.parent == settings.upload_dir and path.name == item.stored_name
    assert not (tmp_path / "etc").exists()
    assert "\x1b" not in page.text and "\u202e" not in page.text


def test_clean_file_name_rules() -> None:
    clean = evidence_service.clean_file_name
    assert clean("a/b\\c.pdf") == "c.pdf"
    assert clean("  .hidden.pdf ") == "hidden.pdf"
    assert clean("tab\there\nand\rthere.csv") == "tabhereandthere.csv"
    assert clean("") == "file"
    long = clean("x" * 300 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)",
                                 " javascript:alert(document.cookie)",
                                 "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
                                 "vbscript:msgbox(1)", "ftp://example.org/file",
                                 "https://", "https://exa mple.org", "not a web address"])
def test_unsafe_or_broken_links_are_refused(client: TestClient, db: Session,
                                            assessment_id: int, url: str) -> None:
    page = add(client, assessment_id, "link", link_url=url,
               link_description="A description to keep")
    assert "Enter a web address starting with https://" in page.text
    assert 'href="#link_url"' in page.text
    assert "A description to keep" in page.text
    assert 'href="javascript:' not in page.text.lower()
    assert all_evidence(db) == []


def test_a_link_without_a_scheme_means_the_web(client: TestClient, db: Session,
                                               assessment_id: int) -> None:
    add(client, assessment_id, "link", link_url="www.example.org/report")
    assert all_evidence(db)[0].url == "https://www.example.org/report"


def test_a_note_needs_words_and_not_too_many(client: TestClient, db: Session,
                                             assessment_id: int) -> None:
    page = add(client, assessment_id, "note", note_text="")
    assert "Enter the note" in page.text and 'href="#note_text"' in page.text
    page = add(client, assessment_id, "note", note_text="x" * 5001)
    assert "The note must be 5,000 characters or fewer" in page.text
    assert "x" * 5001 in page.text
    assert all_evidence(db) == []


def test_a_name_on_a_quote_needs_consent(client: TestClient, db: Session,
                                         assessment_id: int) -> None:
    page = add(client, assessment_id, "quote", quote_text="The staff never listen.",
               quote_source_kind="person_using_support", quote_consent="no",
               quote_name="Jo Bloggs")
    assert "Only give a name if the person agreed to their words being published" in page.text
    assert 'href="#quote_name"' in page.text
    assert "The staff never listen." in page.text and 'value="Jo Bloggs"' in page.text
    assert all_evidence(db) == []


def test_a_quote_is_only_publishable_with_consent(client: TestClient, db: Session,
                                                  assessment_id: int) -> None:
    page = add(client, assessment_id, "quote", quote_text="Words to keep.",
               quote_source_kind="staff", quote_consent="no", quote_publishable="yes")
    assert "A quote can only be published if the person agreed" in page.text
    assert 'href="#quote_publishable"' in page.text and "Words to keep." in page.text
    assert all_evidence(db) == []


def test_a_quote_needs_who_and_whether_they_agreed(client: TestClient, db: Session,
                                                   assessment_id: int) -> None:
    page = add(client, assessment_id, "quote", quote_text="Kept words.")
    assert "Say who said this" in page.text
    assert "Say whether they agreed to their words being published" in page.text
    assert "Kept words." in page.text
    assert all_evidence(db) == []


def test_a_viewer_cannot_add_or_delete(client: TestClient, db: Session,
                                       assessment_id: int) -> None:
    add(client, assessment_id, "note", note_text="Mine")
    (note,) = all_evidence(db)
    client.cookies.clear()
    login(client, "viewer@example.org")
    assert add(client, assessment_id, "note", note_text="Not allowed").status_code == 403
    assert upload(client, assessment_id, "report.pdf", PDF).status_code == 403
    token = csrf_token(client, marker_url(assessment_id))
    assert client.post(f"{BASE}/{assessment_id}/evidence/{note.id}/delete",
                       data={"csrf_token": token}).status_code == 403
    assert [item.text for item in all_evidence(db)] == ["Mine"]


def test_without_the_csrf_token_nothing_is_stored(client: TestClient, db: Session,
                                                  settings: Settings,
                                                  assessment_id: int) -> None:
    refused = upload(client, assessment_id, "report.pdf", PDF, csrf=False)
    assert refused.status_code == 403
    assert add(client, assessment_id, "note", csrf=False,
               note_text="No token").status_code == 403
    assert all_evidence(db) == []
    assert stored_files(settings) == []


def test_a_file_whose_record_is_not_saved_leaves_no_trace(client: TestClient, db: Session,
                                                          settings: Settings,
                                                          assessment_id: int,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    def broken_audit(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(evidence_service, "record", broken_audit)
    with pytest.raises(RuntimeError):
        upload(client, assessment_id, "report.pdf", PDF)
    assert all_evidence(db) == []
    assert stored_files(settings) == []


# Adding evidence never throws away a level or words typed in the rating form and not yet
# saved (issue 13.1; no JavaScript: the evidence buttons send the whole marker form).

WORKING = "People chose their own support plans this year."
NOTE = "Minutes of the March meeting with people who use our services."


def _form(client: TestClient, url: str) -> tuple[str, str]:
    """(version, first level) from the marker page's rating form."""
    html = client.get(url).text
    version = re.search(r'name="version" value="(\d+)"', html)
    level = re.search(r'name="level" type="radio" value="([^"]+)"', html)
    assert version and level, "no rating form on the page"
    return version[1], level[1]


def _add_note_with_rating(client: TestClient, url: str, version: str,
                          level: str) -> tuple[int, str]:
    response = client.post(f"{url}/evidence", data={
        "csrf_token": csrf_token(client, url), "version": version, "level": level,
        "working": WORKING, "kind": "note", "note_text": NOTE, "note_publishable": "no"})
    return response.status_code, response.text


def test_adding_evidence_saves_the_rating_typed_before_it(
        client: TestClient, assessment_id: int, db: Session) -> None:
    url = marker_url(assessment_id)
    version, level = _form(client, url)
    status, html = _add_note_with_rating(client, url, version, level)
    assert status == 200
    assert WORKING in html and NOTE in html  # both kept: the rating saved, the note added
    page = client.get(url).text
    assert WORKING in page
    assert re.search(rf'value="{re.escape(level)}" checked', page)
    assert [item.text for item in all_evidence(db)] == [NOTE]


def test_a_conflict_while_adding_evidence_keeps_every_word(
        client: TestClient, assessment_id: int, db: Session) -> None:
    url = marker_url(assessment_id)
    version, level = _form(client, url)
    # Someone else saves first.
    saved = client.post(url, data={"csrf_token": csrf_token(client, url), "version": version,
                                   "level": level, "working": "Their words."})
    assert saved.status_code == 200
    status, html = _add_note_with_rating(client, url, version, level)
    assert status == 409
    assert "Their words." in html and WORKING in html and NOTE in html
    assert all_evidence(db) == []


def test_saving_the_marker_keeps_evidence_not_yet_added(
        client: TestClient, assessment_id: int) -> None:
    url = marker_url(assessment_id)
    version, level = _form(client, url)
    response = client.post(url, data={"csrf_token": csrf_token(client, url),
                                      "version": version, "level": level,
                                      "working": WORKING, "note_text": NOTE})
    assert response.status_code == 200
    assert NOTE in response.text and WORKING in response.text
