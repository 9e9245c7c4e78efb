"""Answering a round as a person would, through the pages, and a round made in the database."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Sequence
from datetime import date, timedelta
from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.assessments.models import Assessment
from app.clock import today
from app.voice import service
from app.voice.models import VoiceAnswer, VoiceRound
from tests.exports.builders import framework
from tests.factories import csrf_token

Pick = tuple[str | None, str]  # (answer, or None to skip; comment)


def open_round_in_db(db: Session, assessment: Assessment, *, codes: Sequence[str],
                     opens_on: date | None = None, days: int = 28) -> VoiceRound:
    start = opens_on or today()
    return service.open_round(db, actor_id=assessment.created_by_id or 0,
                              organisation_id=assessment.organisation_id,
                              assessment=assessment, framework=framework(),
                              marker_codes=codes, opens_on=start,
                              closes_on=start + timedelta(days=days), welcome="Hello")


def answer(client: TestClient, token: str, picks: Sequence[Pick], *, kind: str = "",
           may_share: str = "no", easy_read: bool = False, website: str = "") -> str:
    """Answer every question, then send; returns the text of the last page."""
    base = f"/voice/{token}"
    csrf = csrf_token(client, base)
    page = client.post(base, data={"csrf_token": csrf, "easy_read": "yes" if easy_read
                                   else "no"})
    assert "Question 1 of" in page.text, page.text
    for number, (chosen, comment) in enumerate(picks, start=1):
        data = {"csrf_token": csrf, "comment": comment}
        if chosen is None:
            data["action"] = "skip"
        else:
            data.update(action="answer", answer=chosen)
        page = client.post(f"{base}/questions/{number}", data=data)
        assert page.status_code == 200, page.text
    page = client.post(f"{base}/about", data={"csrf_token": csrf, "respondent_kind": kind,
                                              "may_share": may_share})
    assert "Check your answers" in page.text, page.text
    page = client.post(f"{base}/send", data={"csrf_token": csrf, "website": website})
    return page.text


def export_text(url: str, content: bytes, tmp_path: Path) -> str:
    """The words of a download: a PDF's text, a Word document's XML, a CSV as it is."""
    if url.endswith(".pdf"):
        path = tmp_path / "out.pdf"
        path.write_bytes(content)
        return subprocess.run(["pdftotext", str(path), "-"], check=True,
                              capture_output=True, text=True).stdout
    if url.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return archive.read("word/document.xml").decode("utf-8")
    return content.decode("utf-8-sig")


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def voice_values(db: Session, *, assessment: Assessment) -> dict[str, int]:
    """Path values for the access matrix: a round with one shareable answer."""
    voice_round = open_round_in_db(db, assessment, codes=["IA1"])
    response = service.enter_paper(db, actor_id=assessment.created_by_id or 0,
                                   organisation_id=assessment.organisation_id,
                                   voice_round=voice_round,
                                   answers={"IA1": {"answer": "yes", "comment": "Kind staff"}},
                                   respondent_kind="person", may_share=True, today=today())
    answer_id = db.exec(select(VoiceAnswer.id).where(VoiceAnswer.response_id == response.id)
                        ).one()
    return {"round_id": voice_round.id or 0, "response_id": response.id or 0,
            "answer_id": answer_id or 0}
