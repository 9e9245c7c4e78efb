"""The latest published action plan as a document: which publications, and each format.

Which publications an export is made of
---------------------------------------
For one organisation and one framework:

- the *plan* is the latest publication of kind `plan` or `correction` that is not hidden;
- the *progress* is the latest progress report that is not hidden and came after that
  plan (a higher publication number), or nothing.

The title page, the co-production statement and the priorities come from the plan. The
actions table comes from the progress report when there is one, and from the plan
otherwise: a progress report lists every action of the plan as it stood on its date, so
its statuses are the newest ones published. Each action's progress updates are the ones
published with that status (a plan shows every update made before it; a progress report,
the updates since the publication before it). A correction published after a progress
report starts again: it is the plan, with no progress yet.

The independent views are the latest visible view by each listed organisation about this
one for the framework, each with this organisation's latest visible reply to it.

Everything is built from the publications' frozen snapshots alone (never from drafts), by
pure functions: snapshots in, bytes out. Two exports of the same publications are
byte-for-byte equal in CSV and JSON; PDF and DOCX files also carry their build time inside
their containers, so compare their text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from sqlmodel import Session

from app.assessments.models import NOT_APPLICABLE
from app.exports.schemas import (
    ActionOut,
    ActionPlanExport,
    AreaOut,
    CoProductionOut,
    FrameworkOut,
    IndependentViewOut,
    LevelCountOut,
    OrganisationOut,
    PriorityOut,
    PublicationOut,
    ReplyOut,
    ThemeLevelsOut,
    UpdateOut,
    ViewMarkerOut,
    VoiceMarkerOut,
    VoiceOut,
)
from app.organisations.models import Organisation
from app.pdf import html_to_pdf
from app.publications import repository as publications
from app.publications.models import Publication, PublicationKind
from app.templating import templates
from app.text import long_date, spreadsheet_cell, took_part_sentence
from app.views import repository as views

PLAN_KINDS = (PublicationKind.plan.value, PublicationKind.correction.value)
CSV_COLUMNS = ("organisation", "framework", "publication_number", "published_on", "action",
               "description", "markers", "lead", "due_on", "status", "dropped_reason",
               "latest_update_on", "latest_update")
VOICE_KEYS = ("yes", "sometimes", "no", "dont_know")
VOICE_CSV_COLUMNS = ("organisation", "framework", "asked_by", "publication_number", "asked_from",
                     "asked_until", "people_answered", "marker", "statement", "answered",
                     *VOICE_KEYS)
FEWER_THAN_5 = "fewer than 5"
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


@dataclass(frozen=True)
class PublishedSnapshot:
    """A publication's number and its frozen snapshot: all an export needs."""

    number: int
    snapshot: Mapping[str, Any]

    @classmethod
    def of(cls, publication: Publication) -> PublishedSnapshot:
        return cls(publication.number, publication.snapshot)


@dataclass(frozen=True)
class ViewSource:
    """A published independent view of the organisation, and its latest reply."""

    viewer_slug: str
    view: PublishedSnapshot
    reply: PublishedSnapshot | None


@dataclass(frozen=True)
class ExportSource:
    plan: PublishedSnapshot
    progress: PublishedSnapshot | None
    views: tuple[ViewSource, ...] = ()


def _visible(history: Sequence[Publication]) -> list[Publication]:
    """Publications that are not hidden, newest first."""
    return sorted((p for p in history if p.hidden_reason is None),
                  key=lambda p: p.number, reverse=True)


def planned_frameworks(history: Sequence[Publication]) -> list[str]:
    """Frameworks with a visible plan, the one with the most recent plan first."""
    ids = [p.framework_id for p in _visible(history) if p.kind in PLAN_KINDS]
    return list(dict.fromkeys(ids))


def choose_source(history: Sequence[Publication], framework_id: str) -> ExportSource | None:
    """The plan and progress report to export for this framework (see the module's notes)."""
    visible = [p for p in _visible(history) if p.framework_id == framework_id]
    plan = next((p for p in visible if p.kind in PLAN_KINDS), None)
    if plan is None:
        return None
    progress = next((p for p in visible if p.kind == PublicationKind.progress.value
                     and p.number > plan.number), None)
    return ExportSource(PublishedSnapshot.of(plan),
                        PublishedSnapshot.of(progress) if progress else None)


def latest_plan(db: Session, *, organisation: Organisation,
                framework_id: str | None) -> tuple[ExportSource | None, list[str]]:
    """What to export (None if nothing is published), and every framework with a plan.

    Without `framework_id`, the framework of the most recently published plan."""
    history = publications.publications_of(db, organisation.id or 0)
    frameworks = planned_frameworks(history)
    chosen = framework_id if framework_id is not None else next(iter(frameworks), None)
    if chosen is None:
        return None, frameworks
    source = choose_source(history, chosen)
    if source is None:
        return None, frameworks
    return replace(source, views=views_about(db, organisation, chosen)), frameworks


def views_about(db: Session, organisation: Organisation,
                framework_id: str) -> tuple[ViewSource, ...]:
    """The latest visible view by each listed organisation about this one for the framework,
    with this organisation's latest visible reply to it (two queries)."""
    latest: dict[int, tuple[Publication, Organisation]] = {}
    for publication, viewer in views.views_published_about(db, organisation.id or 0):
        if publication.framework_id == framework_id and publication.hidden_reason is None \
                and viewer.is_listed:
            latest.setdefault(viewer.id or 0, (publication, viewer))  # newest first
    replies = views.replies_to(db, [publication.id or 0 for publication, _ in latest.values()])
    found = []
    for publication, viewer in latest.values():
        reply = next((r for r in replies.get(publication.id or 0, [])
                      if r.organisation_id == organisation.id and r.hidden_reason is None),
                     None)
        found.append(ViewSource(viewer.slug, PublishedSnapshot.of(publication),
                                PublishedSnapshot.of(reply) if reply else None))
    return tuple(found)


# The export document --------------------------------------------------------------------

def _publication(slug: str, published: PublishedSnapshot, base_url: str) -> PublicationOut:
    s = published.snapshot
    return PublicationOut(
        number=published.number, kind=s["kind"], kind_label=s["kind_label"],
        published_on=date.fromisoformat(s["published_on"]),
        since=date.fromisoformat(s["since"]) if s.get("since") else None,
        url=f"{base_url.rstrip('/')}/organisations/{slug}/publications/{published.number}")


def _action(position: int, item: Mapping[str, Any]) -> ActionOut:
    return ActionOut(
        position=position, title=item["title"], description=item.get("description", ""),
        markers=list(item.get("markers", [])), lead=item.get("owner", ""),
        due_on=date.fromisoformat(item["due_on"]) if item.get("due_on") else None,
        status=item["status"], status_label=item["status_label"],
        overdue=bool(item.get("overdue", False)),
        dropped_reason=item.get("dropped_reason", ""),
        updates=[UpdateOut(on=date.fromisoformat(u["on"]), note=u["note"])
                 for u in item.get("updates", [])])


def _levels(plan: Mapping[str, Any]) -> list[ThemeLevelsOut]:
    """Markers at each level, by theme, from the plan's self-assessment."""
    assessment = plan.get("assessment")
    if not assessment:
        return []
    columns = [(level["id"], level["label"]) for level in plan["framework"]["scale"]]
    columns.append((NOT_APPLICABLE, "Does not apply"))
    return [ThemeLevelsOut(theme=theme["title"], levels=[
        *(LevelCountOut(label=label, count=theme["counts"].get(key, 0))
          for key, label in columns),
        LevelCountOut(label="Not rated", count=theme.get("not_rated", 0))])
        for theme in assessment["themes"]]


def _independent_view(source: ViewSource, *, slug: str, base_url: str) -> IndependentViewOut:
    view, reply = source.view.snapshot, source.reply.snapshot if source.reply else None
    on_marker = {m["code"]: m["text"] for m in reply.get("markers", [])} if reply else {}
    root = base_url.rstrip("/")
    return IndependentViewOut(
        by=view["organisation"]["name"], number=source.view.number,
        published_on=date.fromisoformat(view["published_on"]),
        url=f"{root}/organisations/{source.viewer_slug}/publications/{source.view.number}",
        markers=[ViewMarkerOut(code=m["code"], statement=m["statement"],
                               level_label=m["level_label"], reasons=m.get("reasons", ""),
                               reply=on_marker.get(m["code"], ""))
                 for theme in view["view"]["themes"] for m in theme["markers"]],
        reply=ReplyOut(number=source.reply.number,
                       published_on=date.fromisoformat(reply["published_on"]),
                       url=f"{root}/organisations/{slug}/publications/{source.reply.number}",
                       overall=reply.get("overall", ""))
        if source.reply and reply else None,
        voice=voice_out(view.get("voice")))


def build_export(source: ExportSource, *, base_url: str) -> ActionPlanExport:
    """The export document, from the snapshots alone."""
    plan = source.plan.snapshot
    organisation = plan["organisation"]
    slug = organisation["slug"]
    actions_from = (source.progress or source.plan).snapshot
    co_production = plan.get("co_production")
    assessment = plan.get("assessment")
    return ActionPlanExport(
        organisation=OrganisationOut(
            name=organisation["name"], slug=slug, kind=organisation["kind"],
            kind_label=organisation["kind_label"],
            areas=[AreaOut(code=a["code"], name=a["name"])
                   for a in organisation.get("areas", [])]),
        framework=FrameworkOut(id=plan["framework"]["id"], title=plan["framework"]["title"],
                               version=plan["framework"]["version"]),
        as_at=date.fromisoformat(actions_from["published_on"]),
        plan=_publication(slug, source.plan, base_url),
        progress=_publication(slug, source.progress, base_url) if source.progress else None,
        assessment_name=assessment["name"] if assessment else None,
        what_changed=plan.get("what_changed", ""),
        co_production=CoProductionOut(**co_production) if co_production else None,
        priorities=[PriorityOut(code=p["code"], statement=p.get("statement", ""),
                                level_label=p.get("level_label", ""), why=p.get("why", ""))
                    for p in plan.get("priorities", [])],
        actions=[_action(position, item)
                 for position, item in enumerate(actions_from.get("actions", []), start=1)],
        levels=_levels(plan),
        independent_views=[_independent_view(view, slug=slug, base_url=base_url)
                           for view in source.views],
        by_statement=actions_from.get("by_statement") or plan.get("by_statement"),
        voice=voice_out(actions_from.get("voice") or plan.get("voice")))


def voice_out(voice: Mapping[str, Any] | None) -> VoiceOut | None:
    """People's voice as published (suppressed already when it was frozen)."""
    if not voice:
        return None
    return VoiceOut(opens_on=date.fromisoformat(voice["opens_on"]),
                    closes_on=date.fromisoformat(voice["closes_on"]), people=voice["people"],
                    people_label=voice["people_label"], answer_labels=voice["answer_labels"],
                    markers=[VoiceMarkerOut(**m) for m in voice["markers"]])


def file_name(export: ActionPlanExport, extension: str) -> str:
    """e.g. bolton-council-action-plan-2026-03-31.pdf"""
    return f"{export.organisation.slug}-action-plan-{export.as_at.isoformat()}.{extension}"


def document_title(export: ActionPlanExport) -> str:
    return f"{export.organisation.name}: {export.framework.title} action plan"


# Formats ------------------------------------------------------------------------------------

def to_json(export: ActionPlanExport) -> bytes:
    return (export.model_dump_json(indent=2) + "\n").encode("utf-8")


def to_csv(export: ActionPlanExport) -> bytes:
    """One row per action; UTF-8 with a byte order mark so that Excel reads it right."""
    shown = export.progress or export.plan
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for action in export.actions:
        latest = action.updates[-1] if action.updates else None
        writer.writerow([spreadsheet_cell(value) for value in (
            export.organisation.name, export.framework.title, str(shown.number),
            shown.published_on.isoformat(), action.title, action.description,
            ";".join(action.markers), action.lead,
            action.due_on.isoformat() if action.due_on else "", action.status_label,
            action.dropped_reason, latest.on.isoformat() if latest else "",
            latest.note if latest else "")])
    return out.getvalue().encode("utf-8-sig")


def voice_sources(export: ActionPlanExport) -> list[tuple[str, int, VoiceOut]]:
    """Every round published in the export: who asked, in which publication, and the counts;
    the organisation's own first, then each independent view's."""
    shown = export.progress or export.plan
    own = [(export.organisation.name, shown.number, export.voice)] if export.voice else []
    return own + [(view.by, view.number, view.voice)
                  for view in export.independent_views if view.voice]


def voice_csv(export: ActionPlanExport) -> bytes:
    """People's voice, one row per marker of each round (the plan's, then each view's);
    "fewer than 5" where the numbers are withheld."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(VOICE_CSV_COLUMNS)
    for asked_by, number, voice in voice_sources(export):
        for marker in voice.markers:
            counts = marker.counts
            writer.writerow([spreadsheet_cell(value) for value in (
                export.organisation.name, export.framework.title, asked_by, str(number),
                str(voice.opens_on), str(voice.closes_on),
                str(voice.people) if voice.people is not None else FEWER_THAN_5,
                marker.code, marker.statement,
                str(marker.answered) if marker.answered is not None else FEWER_THAN_5,
                *(str(counts.get(key, 0)) if counts is not None else FEWER_THAN_5
                  for key in VOICE_KEYS))])
    return out.getvalue().encode("utf-8-sig")


def to_html(export: ActionPlanExport) -> str:
    """The stand-alone HTML document the PDF is printed from."""
    template = templates.env.get_template("exports/action_plan_pdf.html")
    return template.render(export=export, title=document_title(export), **template_helpers())


def to_pdf(export: ActionPlanExport) -> bytes:
    """A tagged PDF (PDF/UA-1): real text, headings, language and title in its metadata.

    Nothing outside the HTML is ever fetched; fonts come from the system (DejaVu Sans)."""
    return html_to_pdf(to_html(export))


def _repeat_as_header(row: Any) -> None:
    """Mark a table row as the header row (repeated on each page, read as headers)."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def set_language(document: Any, language: str) -> None:
    """The default language of the text (Latin script), for screen readers and spelling."""
    run_defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    properties = run_defaults.find(qn("w:rPr"))
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), language)


def _caption_table(table: Any, caption: str) -> None:
    properties = table._tbl.tblPr
    element = OxmlElement("w:tblCaption")
    element.set(qn("w:val"), caption)
    properties.append(element)


def _docx_actions(document: Any, export: ActionPlanExport) -> None:
    headers = ("Action", "Markers", "Led by", "Due by", "Status", "Why it was dropped")
    _docx_table(document, "Actions", headers, [
        (action.title, ", ".join(action.markers), action.lead,
         long_date(action.due_on) if action.due_on else "",
         action.status_label + (" (overdue)" if action.overdue else ""), action.dropped_reason)
        for action in export.actions])


def _docx_table(document: Any, caption: str, headers: Sequence[str],
                rows: Sequence[Sequence[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _caption_table(table, caption)
    _repeat_as_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


def _docx_levels(document: Any, export: ActionPlanExport) -> None:
    headers = ["Theme", *(level.label for level in export.levels[0].levels)]
    _docx_table(document, "Markers at each level, by theme", headers,
                [[theme.theme, *(str(level.count) for level in theme.levels)]
                 for theme in export.levels])


def _docx_views(document: Any, export: ActionPlanExport) -> None:
    name = export.organisation.name
    document.add_heading("Independent views", 1)
    document.add_paragraph(views_sentence(export))
    for view in export.independent_views:
        document.add_heading(f"{view.by}, published {long_date(view.published_on)}", 2)
        document.add_paragraph(f"Online: {view.url}")
        for marker in view.markers:
            document.add_heading(f"{marker.code}: {marker.statement}", 3)
            document.add_paragraph(f"They say: {marker.level_label}."
                                   + (f" {marker.reasons}" if marker.reasons else ""))
            if marker.reply:
                document.add_paragraph(f"{name} replied: {marker.reply}")
        if view.reply:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{name}'s reply, published "
                              f"{long_date(view.reply.published_on)}:").bold = True
            paragraph.add_run(f" {view.reply.overall}")
        else:
            document.add_paragraph(f"{name} has not replied yet.")
        if view.voice:
            _docx_voice(document, view.voice, level=3)


def _docx_voice(document: Any, voice: VoiceOut, *, level: int = 1) -> None:
    """What people said, under a heading at `level`: the plan's round (1) or a view's (3)."""
    document.add_heading("What people said", level)
    document.add_paragraph(f"Asked between {long_date(voice.opens_on)} and "
                           f"{long_date(voice.closes_on)}. {voice.people_label}.")
    table = document.add_table(rows=1, cols=2 + len(VOICE_KEYS))
    table.style = "Table Grid"
    _caption_table(table, "Is this true for you? Answers per marker")
    header = table.rows[0].cells
    for cell, text in zip(header, ("Marker", "Answered",
                                   *(voice.answer_labels[k] for k in VOICE_KEYS)),
                          strict=True):
        cell.text = text
    _repeat_as_header(table.rows[0])
    for marker in voice.markers:
        counts = marker.counts
        values = (f"{marker.code}: {marker.statement}",
                  str(marker.answered) if marker.answered is not None else FEWER_THAN_5,
                  *(str(counts.get(k, 0)) if counts is not None else "" for k in VOICE_KEYS))
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


def to_docx(export: ActionPlanExport) -> bytes:
    """A Word document with real headings, a captioned table with a header row, and its
    title and language in the core properties."""
    document = Document()
    title = document_title(export)
    properties = document.core_properties
    properties.title = title
    properties.language = "en-GB"
    properties.author = export.organisation.name
    properties.subject = f"{export.framework.title} action plan"
    properties.keywords = "Making It Real; action plan; Local Account"
    published = datetime.combine(export.as_at, time(0, 0))
    properties.created = published
    properties.modified = published
    properties.last_modified_by = export.organisation.name
    properties.revision = 1
    set_language(document, "en-GB")
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)

    document.add_heading(title, 0)
    for line in _title_lines(export):
        document.add_paragraph(line)
    if export.what_changed:
        document.add_heading("What changed", 1)
        document.add_paragraph(export.what_changed)
    if export.co_production:
        document.add_heading("Who took part", 1)
        document.add_paragraph(co_production_sentence(export.co_production))
        if export.co_production.what_people_said:
            document.add_paragraph().add_run("What they said about how it was done").bold = True
            document.add_paragraph(export.co_production.what_people_said)
    if export.levels:
        document.add_heading("Where we are", 1)
        document.add_paragraph(levels_sentence(export))
        _docx_levels(document, export)
    if export.voice:
        _docx_voice(document, export.voice)
    if export.priorities:
        document.add_heading("Priorities", 1)
        for priority in export.priorities:
            paragraph = document.add_paragraph(style="List Number")
            paragraph.add_run(f"{priority.code}: {priority.statement}").bold = True
            paragraph.add_run(f" (now: {priority.level_label}). {priority.why}")
    document.add_heading("Actions", 1)
    if export.actions:
        _docx_actions(document, export)
    else:
        document.add_paragraph("No actions.")
    document.add_heading("Progress", 1)
    document.add_paragraph(progress_sentence(export))
    for action in export.actions:
        document.add_heading(action.title, 2)
        document.add_paragraph(status_sentence(action))
        if action.description:
            document.add_paragraph(action.description)
        for update in action.updates:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(long_date(update.on)).bold = True
            paragraph.add_run(f": {update.note}")
        if not action.updates:
            document.add_paragraph("No updates yet.")
    if export.independent_views:
        _docx_views(document, export)
    if export.by_statement:
        document.add_heading(by_statement_heading(export.by_statement), 1)
        document.add_paragraph(export.by_statement["crosswalk"]["reading"])
        by_statement_docx(document, export.by_statement, level=2)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# The view by statement (app.crosswalks), in a draft or frozen in a publication --------------

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


def _statement_docx(document: Any, statement: Mapping[str, Any], level: int) -> None:
    document.add_heading(f"{statement['number']}. {statement['title']}", level + 1)
    document.add_paragraph(statement["summary"])
    document.add_heading("Markers and levels", level + 2)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    _caption_table(table, f"Markers linked to {statement['title']}")
    _repeat_as_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, ("Marker", "Level", "Why it links"),
                          strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for marker in statement["markers"]:
        voice = "; ".join(f"{v['answer']} {v['count']}" for v in marker["voice"] or [])
        shown = marker["level_label"] + (f" (people said: {voice})" if voice else "")
        values = (f"{marker['code']}: {marker['statement']}", shown, marker["reason"])
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    document.add_heading("Evidence by category", level + 2)
    for count in statement["counts"]:
        document.add_paragraph(f"{count['label']}: {count['count']}", style="List Bullet")
    if statement["gaps"]:
        document.add_paragraph("Gaps: " + "; ".join(statement["gaps"]) + ".")
    for group in statement["evidence"]:
        document.add_paragraph().add_run(group["label"]).bold = True
        for item in group["items"]:
            document.add_paragraph(evidence_line(item), style="List Bullet")
    document.add_heading("Priorities and actions", level + 2)
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
        document.add_heading("Independent views", level + 2)
        for view in statement["views"]:
            document.add_paragraph(f"{view['by']} on {view['code']}: {view['level_label']}",
                                   style="List Bullet")


def by_statement_heading(view: Mapping[str, Any]) -> str:
    return f"Read by {view['crosswalk']['title']} quality statement"


def by_statement_docx(document: Any, view: Mapping[str, Any], level: int) -> None:
    """A theme heading at `level`, then a section per statement."""
    for theme in view["themes"]:
        document.add_heading(f"Theme {theme['number']}: {theme['title']}", level)
        for statement in theme["statements"]:
            _statement_docx(document, statement, level)


# Sentences shared by the formats ------------------------------------------------------------

def template_helpers() -> dict[str, Any]:
    """What templates/exports/_action_plan.html calls, so every format says the same."""
    return {"long_date": long_date, "co_production_sentence": co_production_sentence,
            "progress_sentence": progress_sentence, "status_sentence": status_sentence,
            "levels_sentence": levels_sentence, "views_sentence": views_sentence,
            "assessment_sentence": assessment_sentence, "latest_url": latest_url,
            "voice_sources": voice_sources}


def latest_url(export: ActionPlanExport) -> str:
    """The newest publication the export holds: what "Online" points to."""
    return (export.progress or export.plan).url


def assessment_sentence(export: ActionPlanExport) -> str:
    return (f"“{export.assessment_name}” is the name {export.organisation.name} gave to its "
            "self-assessment. This plan comes from it.")


def levels_sentence(export: ActionPlanExport) -> str:
    return (f"How many markers are at each level, theme by theme. {export.organisation.name} "
            "and the people it supports agreed these levels. They looked at each marker "
            "together.")


def views_sentence(export: ActionPlanExport) -> str:
    return (f"Local groups put out their own view of how {export.organisation.name} is doing. "
            f"Each view is here with {export.organisation.name}'s reply, if it gave one.")


def _title_lines(export: ActionPlanExport) -> list[str]:
    lines = [f"Organisation: {export.organisation.name}",
             f"Framework: {export.framework.title}",
             f"{export.plan.kind_label}: publication {export.plan.number}, "
             f"published {long_date(export.plan.published_on)}"]
    if export.progress:
        lines.append(f"Progress report: publication {export.progress.number}, "
                     f"published {long_date(export.progress.published_on)}")
    if export.assessment_name:
        lines.append(f"Self-assessment: {assessment_sentence(export)}")
    lines.append(f"Online (the latest publication): {latest_url(export)}")
    return lines


def status_sentence(action: ActionOut) -> str:
    sentence = action.status_label + (" (overdue)" if action.overdue else "")
    if action.due_on:
        sentence += f", due by {long_date(action.due_on)}"
    if action.lead:
        sentence += f", led by {action.lead}"
    return sentence + "."


def co_production_sentence(record: CoProductionOut) -> str:
    return took_part_sentence(record, record.methods, record.other_method)


def progress_sentence(export: ActionPlanExport) -> str:
    if export.progress is None:
        return (f"Where each action stood when the plan came out, on "
                f"{long_date(export.plan.published_on)}.")
    since = (f", with updates since {long_date(export.progress.since)}"
             if export.progress.since else "")
    return (f"Where each action stood in the progress report of "
            f"{long_date(export.progress.published_on)}{since}.")
