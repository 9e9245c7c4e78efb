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

from app.crosswalks.service import statements_in
from app.exports.service import (
    _caption_table,
    _repeat_as_header,
    _set_language,
    html_to_pdf,
)
from app.templating import templates
from app.text import long_date

WATERMARK = "Draft: not published"


def file_name(slug: str, crosswalk_id: str, on: date, extension: str) -> str:
    """e.g. bolton-council-cqc-local-authority-draft-2026-03-31.docx"""
    return f"{slug}-{crosswalk_id}-draft-{on.isoformat()}.{extension}"


def document_title(organisation_name: str, view: Mapping[str, Any]) -> str:
    return f"{organisation_name}: {view['assessment_name']} by {view['crosswalk']['title']}"


def evidence_line(item: Mapping[str, Any]) -> str:
    """One evidence item in words, as every format shows it."""
    private = " (private)" if item.get("private") else ""
    if item["kind"] == "quote":
        return f"{item['code']}: \u201c{item['text']}\u201d ({item['by']}){private}"
    if item["kind"] == "link":
        words = f"{item['text']} " if item.get("text") else ""
        return f"{item['code']}: {words}{item['url']}{private}"
    if item["kind"] == "file":
        words = f": {item['text']}" if item.get("text") else ""
        return f"{item['code']}: file {item['file_name']}{words}{private}"
    return f"{item['code']}: {item['text']}{private}"


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


def _statement_docx(document: Any, statement: Mapping[str, Any]) -> None:
    document.add_heading(f"{statement['number']}. {statement['title']}", 2)
    document.add_paragraph(statement["summary"])
    document.add_heading("Markers and your levels", 3)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    _caption_table(table, f"Markers linked to {statement['title']}")
    _repeat_as_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, ("Marker", "Your level", "Why it links"),
                          strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for marker in statement["markers"]:
        voice = "; ".join(f"{v['answer']} {v['count']}" for v in marker["voice"] or [])
        level = marker["level_label"] + (f" (people said: {voice})" if voice else "")
        values = (f"{marker['code']}: {marker['statement']}", level, marker["reason"])
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    document.add_heading("Evidence by category", 3)
    for count in statement["counts"]:
        document.add_paragraph(f"{count['label']}: {count['count']}", style="List Bullet")
    if statement["gaps"]:
        document.add_paragraph("Gaps: " + "; ".join(statement["gaps"]) + ".")
    for group in statement["evidence"]:
        document.add_paragraph().add_run(group["label"]).bold = True
        for item in group["items"]:
            document.add_paragraph(evidence_line(item), style="List Bullet")
    document.add_heading("Priorities and actions", 3)
    for priority in statement["priorities"]:
        document.add_paragraph(f"Priority {priority['code']}: {priority['why']}",
                               style="List Bullet")
    for action in statement["actions"]:
        due = f", due by {long_date(date.fromisoformat(action['due_on']))}" \
            if action["due_on"] else ""
        document.add_paragraph(f"{action['title']} ({action['status_label']}{due}; markers "
                               f"{', '.join(action['markers'])})", style="List Bullet")
    if not statement["priorities"] and not statement["actions"]:
        document.add_paragraph("No priorities or actions touch this statement yet.")
    if statement["views"]:
        document.add_heading("Independent views", 3)
        for view in statement["views"]:
            document.add_paragraph(f"{view['by']} on {view['code']}: {view['level_label']}",
                                   style="List Bullet")


def to_docx(organisation_name: str, view: Mapping[str, Any], on: date) -> bytes:
    document = Document()
    title = document_title(organisation_name, view)
    properties = document.core_properties
    properties.title = title
    properties.language = "en-GB"
    properties.author = organisation_name
    properties.subject = f"{view['crosswalk']['title']}: {WATERMARK}"
    properties.keywords = "Making It Real; CQC; information return; draft"
    _set_language(document, "en-GB")
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    _watermark(document)
    document.add_heading(title, 0)
    document.add_paragraph().add_run(f"{WATERMARK}. Made on {long_date(on)}.").bold = True
    document.add_paragraph(view["crosswalk"]["reading"])
    for theme in view["themes"]:
        document.add_heading(f"Theme {theme['number']}: {theme['title']}", 1)
        for statement in theme["statements"]:
            _statement_docx(document, statement)
    if not statements_in(view):
        document.add_paragraph("No statements.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
