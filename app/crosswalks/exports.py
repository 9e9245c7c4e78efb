"""The view by statement as a Word file and a PDF, for a council's information return.

Drafts only (members download them): every page says "Draft: not published". Built from
the view's plain JSON alone, with the action plan export's machinery (tagged PDF, Word
headings, captioned tables, language and title in the properties).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date
from typing import Any

from docx import Document
from docx.shared import Pt

from app.exports.service import by_statement_docx, evidence_line, set_language
from app.pdf import html_to_pdf
from app.templating import templates
from app.text import long_date

WATERMARK = "Draft: not published"


def file_name(slug: str, crosswalk_id: str, on: date, extension: str) -> str:
    """e.g. bolton-council-cqc-local-authority-draft-2026-03-31.docx"""
    return f"{slug}-{crosswalk_id}-draft-{on.isoformat()}.{extension}"


def document_title(organisation_name: str, view: Mapping[str, Any]) -> str:
    return f"{organisation_name}: {view['assessment_name']} by {view['crosswalk']['title']}"


def to_pdf(organisation_name: str, view: Mapping[str, Any], on: date) -> bytes:
    template = templates.env.get_template("crosswalks/view_pdf.html")
    html = template.render(view=view, title=document_title(organisation_name, view),
                           organisation_name=organisation_name, on=on, watermark=WATERMARK,
                           evidence_line=evidence_line, long_date=long_date)
    return html_to_pdf(html)


def _watermark(document: Any) -> None:
    """"Draft: not published" at the top of every page."""
    for section in document.sections:
        header = section.header
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        run = paragraph.add_run(WATERMARK)
        run.bold = True
        run.font.size = Pt(14)


def to_docx(organisation_name: str, view: Mapping[str, Any], on: date) -> bytes:
    document = Document()
    title = document_title(organisation_name, view)
    properties = document.core_properties
    properties.title = title
    properties.language = "en-GB"
    properties.author = organisation_name
    properties.subject = f"{view['crosswalk']['title']}: {WATERMARK}"
    properties.keywords = "Making It Real; CQC; information return; draft"
    set_language(document, "en-GB")
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    _watermark(document)
    document.add_heading(title, 0)
    document.add_paragraph().add_run(f"{WATERMARK}. Made on {long_date(on)}.").bold = True
    document.add_paragraph(view["crosswalk"]["reading"])
    by_statement_docx(document, view, level=1)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
