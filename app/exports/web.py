"""/organisations/{slug}/action-plan: the latest published plan as a page and as downloads."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response

from app.deps import CatalogueDep, SessionDep, SettingsDep
from app.exports import service
from app.exports.schemas import EXAMPLE, SCHEMA_VERSION, ActionPlanExport
from app.publications.pages import listed_organisation
from app.responses import attachment
from app.templating import render

router = APIRouter()

FrameworkQuery = Query(
    default=None, max_length=100,
    description="A framework id, e.g. making-it-real-2018. Without it: the framework of "
                "the most recently published plan.")


def _export(db: SessionDep, settings: SettingsDep, slug: str,
            framework: str | None) -> tuple[ActionPlanExport, list[str]]:
    organisation = listed_organisation(db, slug)
    source, frameworks = service.latest_plan(db, organisation=organisation,
                                             framework_id=framework)
    if source is None:
        detail = (f"{organisation.name} has not published an action plan for {framework}."
                  if framework and frameworks else
                  f"{organisation.name} has not published an action plan yet.")
        raise HTTPException(404, detail)
    return service.build_export(source, base_url=settings.base_url), frameworks


def _download(export: ActionPlanExport, body: bytes, extension: str) -> Response:
    return attachment(body, service.file_name(export, extension),
                      service.MEDIA_TYPES[extension])


@router.get("/organisations/{slug}/action-plan", include_in_schema=False)
def action_plan_page(request: Request, slug: str, db: SessionDep, settings: SettingsDep,
                     catalogue: CatalogueDep, framework: str | None = FrameworkQuery
                     ) -> Response:
    export, frameworks = _export(db, settings, slug, framework)
    titles = {f.id: f.title for f in catalogue}
    return render(request, "exports/action_plan.html", {
        "export": export, "frameworks": frameworks, "framework_titles": titles,
        "base": f"/organisations/{slug}/action-plan",
        "query": f"?framework={quote(export.framework.id, safe='')}",
        **service.template_helpers()})


@router.get("/organisations/{slug}/action-plan.pdf", include_in_schema=False)
def action_plan_pdf(slug: str, db: SessionDep, settings: SettingsDep,
                    framework: str | None = FrameworkQuery) -> Response:
    export, _ = _export(db, settings, slug, framework)
    return _download(export, service.to_pdf(export), "pdf")


@router.get("/organisations/{slug}/action-plan.docx", include_in_schema=False)
def action_plan_docx(slug: str, db: SessionDep, settings: SettingsDep,
                     framework: str | None = FrameworkQuery) -> Response:
    export, _ = _export(db, settings, slug, framework)
    return _download(export, service.to_docx(export), "docx")


@router.get("/organisations/{slug}/action-plan.csv", include_in_schema=False)
def action_plan_csv(slug: str, db: SessionDep, settings: SettingsDep,
                    framework: str | None = FrameworkQuery) -> Response:
    export, _ = _export(db, settings, slug, framework)
    return _download(export, service.to_csv(export), "csv")


@router.get("/organisations/{slug}/action-plan-voice.csv", include_in_schema=False)
def action_plan_voice_csv(slug: str, db: SessionDep, settings: SettingsDep,
                          framework: str | None = FrameworkQuery) -> Response:
    export, _ = _export(db, settings, slug, framework)
    if not service.voice_sources(export):
        raise HTTPException(404, "This action plan and its views were published without "
                                 "people's voice.")
    name = service.file_name(export, "csv").replace("-action-plan-", "-peoples-voice-")
    return Response(service.voice_csv(export), media_type=service.MEDIA_TYPES["csv"],
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-Content-Type-Options": "nosniff"})


@router.get(
    "/organisations/{slug}/action-plan.json",
    response_model=ActionPlanExport,
    tags=["Open data"],
    summary="An organisation's latest published action plan",
    description=(
        "The latest published action plan (or correction) of a listed organisation for one "
        "framework, with the statuses and progress updates of the latest progress report "
        "published after it. Only published data: hidden publications are left out. "
        "Sent as a download (`Content-Disposition: attachment`). 404 if nothing is "
        f"published. `schema_version` is {SCHEMA_VERSION}."),
    responses={200: {"content": {"application/json": {"example": EXAMPLE}}},
               404: {"description": "No such listed organisation, or no published plan"}},
)
def action_plan_json(slug: str, db: SessionDep, settings: SettingsDep,
                     framework: str | None = FrameworkQuery) -> Response:
    export, _ = _export(db, settings, slug, framework)
    return _download(export, service.to_json(export), "json")
