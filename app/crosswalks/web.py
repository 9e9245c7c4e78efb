"""The workspace's view of an assessment by another framework's statements, and its drafts
as Word and PDF files (members only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from app.assessments.models import Assessment
from app.assessments.pages import assessment_url, load_assessment
from app.clock import today
from app.crosswalks import exports, service
from app.deps import CatalogueDep, OrgAccess, SessionDep, ViewerAccess
from app.exports.service import MEDIA_TYPES, evidence_line
from app.forms import DbInt
from app.frameworks import Crosswalk, Framework
from app.responses import attachment
from app.templating import render
from app.voice import service as voice_service

router = APIRouter(include_in_schema=False)

PAGE = "/manage/{slug}/assessments/{assessment_id}/crosswalks/{crosswalk_id}"


def _crosswalk(catalogue: CatalogueDep, framework: Framework, crosswalk_id: str) -> Crosswalk:
    crosswalk = catalogue.crosswalk(crosswalk_id)
    if crosswalk is None or crosswalk.framework_id != framework.id:
        raise HTTPException(404, f"{framework.title} cannot be read by {crosswalk_id}.")
    return crosswalk


def _view(access: OrgAccess, db: SessionDep, catalogue: CatalogueDep, assessment_id: DbInt,
          crosswalk_id: str) -> tuple[Assessment, Framework, Crosswalk, dict[str, Any]]:
    assessment, framework = load_assessment(db, access, assessment_id, catalogue)
    crosswalk = _crosswalk(catalogue, framework, crosswalk_id)
    view = service.build(db, organisation=access.organisation, assessment=assessment,
                         framework=framework, crosswalk=crosswalk,
                         voice=voice_service.answer_tallies(db, assessment.id or 0))
    return assessment, framework, crosswalk, view


def _download(access: OrgAccess, crosswalk: Crosswalk, body: bytes, extension: str) -> Response:
    name = exports.file_name(access.organisation.slug, crosswalk.id, today(), extension)
    response = attachment(body, name, MEDIA_TYPES[extension])
    response.headers["Cache-Control"] = "private, no-store"
    return response


# The downloads first: "{crosswalk_id}" would also match "cqc-local-authority.docx".
@router.get(PAGE + ".docx")
def view_docx(assessment_id: DbInt, crosswalk_id: str, access: ViewerAccess, db: SessionDep,
              catalogue: CatalogueDep) -> Response:
    _assessment, _framework, crosswalk, view = _view(access, db, catalogue, assessment_id,
                                                     crosswalk_id)
    return _download(access, crosswalk,
                     exports.to_docx(access.organisation.name, view, today()), "docx")


@router.get(PAGE + ".pdf")
def view_pdf(assessment_id: DbInt, crosswalk_id: str, access: ViewerAccess, db: SessionDep,
             catalogue: CatalogueDep) -> Response:
    _assessment, _framework, crosswalk, view = _view(access, db, catalogue, assessment_id,
                                                     crosswalk_id)
    return _download(access, crosswalk,
                     exports.to_pdf(access.organisation.name, view, today()), "pdf")


@router.get(PAGE)
def view_page(request: Request, assessment_id: DbInt, crosswalk_id: str, access: ViewerAccess,
              db: SessionDep, catalogue: CatalogueDep) -> Response:
    assessment, framework, crosswalk, view = _view(access, db, catalogue, assessment_id,
                                                   crosswalk_id)
    base = assessment_url(access, assessment)
    return render(request, "crosswalks/view.html", {
        "organisation": access.organisation, "access": access, "role": access.role,
        "assessment": assessment, "framework": framework, "crosswalk": crosswalk,
        "view": view, "base": base, "here": f"{base}/crosswalks/{crosswalk.id}",
        "evidence_line": evidence_line})
