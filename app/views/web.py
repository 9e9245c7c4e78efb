"""Independent views in the organisation workspace: those it writes, and those about it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from app.assessments import evidence
from app.assessments.coproduction import CoProductionChange, co_production_complete, missing
from app.assessments.coproduction_web import PEOPLE_LABELS
from app.assessments.evidence_forms import METHODS, CoProductionForm, PublishableForm
from app.assessments.evidence_web import (
    FILE_FIELD,
    KIND_NAMES,
    UploadLimitRoute,
    _read,
    content_disposition,
)
from app.assessments.models import SOURCE_LABELS, EvidenceKind
from app.clock import now, today
from app.deps import (
    CatalogueDep,
    EditorAccess,
    OrgAccess,
    OutboxDep,
    OwnerAccess,
    SessionDep,
    SettingsDep,
    ViewerAccess,
    WebSessionDep,
)
from app.following import service as following
from app.forms import Errors, form_values, parse
from app.frameworks import Framework, FrameworkCatalogue
from app.organisations import repository as organisations
from app.organisations.models import Organisation, Role
from app.organisations.service import RuleBroken
from app.publications.models import Publication
from app.templating import is_htmx, render
from app.views import repository, service
from app.views.forms import ReplyForm, StartViewForm, ViewRatingForm
from app.views.models import IndependentView, ViewEvidence, ViewRating
from app.views.picker import choices
from app.views.snapshot import as_co_production, view_markers

router = APIRouter(include_in_schema=False, route_class=UploadLimitRoute)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _base(access: OrgAccess, **context: Any) -> dict[str, Any]:
    return {"organisation": access.organisation, "access": access, "role": access.role,
            "can_edit": access.can_edit, **context}


def views_url(access: OrgAccess) -> str:
    return f"/manage/{access.organisation.slug}/views"


def view_url(access: OrgAccess, view: IndependentView) -> str:
    return f"{views_url(access)}/{view.id}"


def _level_labels(framework: Framework) -> dict[str, str]:
    return {level.id: level.label for level in framework.scale}


def load_view(db: Session, access: OrgAccess, view_id: int, catalogue: FrameworkCatalogue
              ) -> tuple[IndependentView, Framework, Organisation]:
    """A view this organisation is writing: members of the organisation viewed get a 404."""
    view = repository.view_of(db, access.organisation.id or 0, view_id)
    if view is None:
        raise HTTPException(404, "Your organisation is writing no such view.")
    framework = catalogue.get(view.framework_id)
    about = db.get(Organisation, view.about_organisation_id)
    if framework is None or about is None:
        raise HTTPException(404, "The framework of this view is no longer loaded.")
    return view, framework, about


# The list: views given and received ---------------------------------------------------------

def _list_page(request: Request, access: OrgAccess, db: Session, catalogue: CatalogueDep,
               values: dict[str, Any], errors: Errors) -> Response:
    organisation_id = access.organisation.id or 0
    drafts = repository.views_by(db, organisation_id)
    about = repository.organisations_by_id(db, [view.about_organisation_id for view in drafts])
    published = repository.views_published_by(db, organisation_id)
    received = repository.views_published_about(db, organisation_id)
    replies = repository.replies_to(db, [p.id or 0 for p, _viewer in received])
    find = values.get("find") or request.query_params.get("find", "")
    picker = choices(db, organisation_id, str(find), catalogue)
    return render(request, "views/list.html", _base(
        access, drafts=drafts, about=about, catalogue=catalogue,
        latest_published={(p.about_organisation_id, p.framework_id): p
                           for p in reversed(published)},
        received=received, replies=replies, picker=picker, values=values, errors=errors))


@router.get("/manage/{slug}/views")
def views_page(request: Request, access: ViewerAccess, db: SessionDep,
               catalogue: CatalogueDep) -> Response:
    return _list_page(request, access, db, catalogue, {}, {})


@router.post("/manage/{slug}/views")
async def start(request: Request, access: EditorAccess, db: SessionDep,
                catalogue: CatalogueDep, web: WebSessionDep) -> Response:
    values = form_values(await request.form())
    form, errors = parse(StartViewForm, values)
    about = db.get(Publication, form.about) if form else None
    framework = catalogue.get(about.framework_id) if about else None
    if form is not None and (about is None or framework is None):
        errors["about"] = StartViewForm.MESSAGES["about"]
    if form is None or about is None or framework is None or errors:
        return _list_page(request, access, db, catalogue, values, errors)
    try:
        view = service.start_view(db, actor_id=access.user.id or 0,
                                  organisation=access.organisation, about=about,
                                  framework=framework)
    except RuleBroken as broken:
        return _list_page(request, access, db, catalogue, values, {"about": str(broken)})
    web.add_flash("You have started a view. Rate the markers with the people you support.")
    return redirect(view_url(access, view))


# Receiving a view: read it and reply -----------------------------------------------------------

def _received(db: Session, access: OrgAccess, publication_id: int,
              catalogue: FrameworkCatalogue) -> tuple[Publication, Organisation, Framework]:
    """A view of this organisation: members of the organisation that wrote it get a 404."""
    publication = repository.view_publication_about(db, access.organisation.id or 0,
                                                    publication_id)
    viewer = db.get(Organisation, publication.organisation_id) if publication else None
    framework = catalogue.get(publication.framework_id) if publication else None
    if publication is None or viewer is None or framework is None:
        raise HTTPException(404, "There is no such view of your organisation.")
    return publication, viewer, framework


def _received_page(request: Request, access: OrgAccess, db: Session,
                   publication: Publication, viewer: Organisation, values: dict[str, Any],
                   errors: Errors) -> Response:
    return render(request, "views/received.html", _base(
        access, publication=publication, viewer=viewer, snapshot=publication.snapshot,
        markers=view_markers(publication.snapshot),
        replies=repository.replies_to(db, [publication.id or 0]).get(publication.id or 0, []),
        file_base=f"/organisations/{viewer.slug}/publications/{publication.number}/files",
        can_publish=access.can(Role.owner), values=values, errors=errors))


@router.get("/manage/{slug}/views/received/{publication_id}")
def received_page(request: Request, publication_id: int, access: ViewerAccess,
                  db: SessionDep, catalogue: CatalogueDep) -> Response:
    publication, viewer, _framework = _received(db, access, publication_id, catalogue)
    return _received_page(request, access, db, publication, viewer, {}, {})


@router.post("/manage/{slug}/views/received/{publication_id}")
async def reply(request: Request, publication_id: int, access: OwnerAccess, db: SessionDep,
                catalogue: CatalogueDep, settings: SettingsDep, outbox: OutboxDep,
                web: WebSessionDep) -> Response:
    publication, viewer, framework = _received(db, access, publication_id, catalogue)
    values = form_values(await request.form())
    form, errors = parse(ReplyForm, values)
    per_marker = {code: str(values.get(f"marker-{code}", ""))
                  for code in view_markers(publication.snapshot)}
    errors.update({f"marker-{code}": "Your reply on this marker must be 20,000 characters "
                   "or fewer" for code, text in per_marker.items() if len(text) > 20_000})
    if form is None or errors:
        return _received_page(request, access, db, publication, viewer, values, errors)
    try:
        reply_ = service.publish_reply(db, actor_id=access.user.id or 0,
                                       organisation=access.organisation,
                                       view_publication=publication, framework=framework,
                                       overall=form.overall, per_marker=per_marker,
                                       today=today())
    except RuleBroken as broken:
        return _received_page(request, access, db, publication, viewer, values,
                              {"overall": str(broken)})
    outbox.extend(service.reply_emails(db, settings, reply=reply_,
                                       organisation=access.organisation, viewer=viewer))
    outbox.extend(following.notices_for(db, settings, reply_))
    web.add_flash(f"Your reply is published as publication number {reply_.number}.")
    return redirect(f"/organisations/{access.organisation.slug}/publications/{reply_.number}")


# One view: its markers at a glance -----------------------------------------------------------

@router.get("/manage/{slug}/views/{view_id}")
def view_page(request: Request, view_id: int, access: ViewerAccess, db: SessionDep,
              catalogue: CatalogueDep) -> Response:
    view, framework, about = load_view(db, access, view_id, catalogue)
    ratings = repository.ratings_of(db, view.id or 0)
    record_ = repository.co_production_of(db, view.id or 0)
    return render(request, "views/view.html", _base(
        access, view=view, framework=framework, about=about, ratings=ratings,
        theirs=service.their_words(db, view), levels=_level_labels(framework),
        about_publication=db.get(Publication, view.about_publication_id)
        if view.about_publication_id else None,
        newer=service.newer_publication(db, view),
        rated=sum(1 for r in ratings.values() if r.level is not None),
        evidence_counts=repository.evidence_counts(db, view.id or 0),
        co_production_done=co_production_complete(as_co_production(record_)),
        published=repository.view_publications_of_draft(db, view),
        base=view_url(access, view)))


@router.post("/manage/{slug}/views/{view_id}/newer")
def look_at_newer(view_id: int, access: EditorAccess, db: SessionDep,
                  catalogue: CatalogueDep, web: WebSessionDep) -> Response:
    view, _framework, about = load_view(db, access, view_id, catalogue)
    try:
        latest = service.look_at_newer(db, actor_id=access.user.id or 0, view=view)
    except RuleBroken as broken:
        raise HTTPException(409, str(broken)) from broken
    web.add_flash(f"Your view is now about {about.name}'s publication of "
                  f"{latest.published_on.strftime('%-d %B %Y')}.")
    return redirect(view_url(access, view))


# One marker: rate it, with evidence -----------------------------------------------------------

def _load_rating(db: Session, view: IndependentView, framework: Framework,
                 code: str) -> ViewRating:
    if framework.marker(code) is None:
        raise HTTPException(404, f"{framework.title} has no marker {code}.")
    rating = repository.rating_for(db, view.id or 0, code)
    if rating is None:  # a marker added to the framework after this view started
        rating = ViewRating(view_id=view.id or 0, marker_code=code)
        db.add(rating)
        db.flush()
    return rating


def _rating_values(rating: ViewRating) -> dict[str, Any]:
    return {"level": rating.level, "reasons": rating.reasons, "version": rating.version}


def _marker_context(access: OrgAccess, db: Session, view: IndependentView,
                    framework: Framework, about: Organisation,
                    rating: ViewRating) -> dict[str, Any]:
    marker = framework.marker(rating.marker_code)
    assert marker is not None
    previous, following_ = framework.neighbours(marker.code)
    items = repository.evidence_for(db, rating.id or 0)
    return _base(
        access, view=view, framework=framework, about=about, marker=marker,
        theme=framework.theme(marker.theme_id), rating=rating,
        their=service.their_words(db, view).get(marker.code),
        level_options=[(level.id, level.label, level.description) for level in framework.scale],
        levels=_level_labels(framework), previous=previous, following=following_,
        evidence=items, evidence_authors=evidence.authors(db, items),  # type: ignore[arg-type]
        source_labels=SOURCE_LABELS, base=view_url(access, view))


@router.get("/manage/{slug}/views/{view_id}/markers/{code}")
def marker_page(request: Request, view_id: int, code: str, access: ViewerAccess,
                db: SessionDep, catalogue: CatalogueDep) -> Response:
    view, framework, about = load_view(db, access, view_id, catalogue)
    rating = _load_rating(db, view, framework, code)
    return render(request, "views/marker.html", {
        **_marker_context(access, db, view, framework, about, rating),
        "values": _rating_values(rating), "errors": {}})


@router.post("/manage/{slug}/views/{view_id}/markers/{code}")
async def save_marker(request: Request, view_id: int, code: str, access: EditorAccess,
                      db: SessionDep, catalogue: CatalogueDep,
                      web: WebSessionDep) -> Response:
    view, framework, about = load_view(db, access, view_id, catalogue)
    rating = _load_rating(db, view, framework, code)
    values = form_values(await request.form())
    form, errors = parse(ViewRatingForm, values)
    if form is not None and form.level is not None and framework.level(form.level) is None:
        errors["level"] = "Choose one of the levels"
    context = _marker_context(access, db, view, framework, about, rating)
    if form is None or errors:
        return render(request, "views/marker.html", {**context, "values": values,
                                                     "errors": errors}, block="rating_form")
    try:
        service.save_rating(db, actor_id=access.user.id or 0,
                            organisation_id=access.organisation.id or 0, rating=rating,
                            seen_version=form.version, level=form.level, reasons=form.reasons)
    except service.StaleViewRating as stale:
        theirs = stale.current
        return render(request, "views/marker.html", {
            **context, "conflict": True, "theirs_saved": _rating_values(theirs),
            "theirs_by": organisations.user_name(db, theirs.updated_by_id),
            "values": {**values, "version": theirs.version}, "errors": {}},
            status_code=409, block="rating_form")
    saved_at = now().strftime("%H:%M")
    if is_htmx(request):
        return render(request, "views/marker.html", {
            **_marker_context(access, db, view, framework, about, rating),
            "values": _rating_values(rating), "errors": {}, "saved_at": saved_at},
            block="rating_form")
    web.add_flash(f"Saved {code} at {saved_at}.")
    return redirect(f"{view_url(access, view)}/markers/{code}")


def _marker_page_with(request: Request, access: OrgAccess, db: Session,
                      view: IndependentView, framework: Framework, about: Organisation,
                      rating: ViewRating, errors: Errors, values: dict[str, Any],
                      kind: str | None) -> Response:
    return render(request, "views/marker.html", {
        **_marker_context(access, db, view, framework, about, rating),
        "values": _rating_values(rating), "errors": errors, "evidence_values": values,
        "evidence_kind": kind})


@router.post("/manage/{slug}/views/{view_id}/markers/{code}/evidence")
async def add_evidence(request: Request, view_id: int, code: str, access: EditorAccess,
                       db: SessionDep, catalogue: CatalogueDep, settings: SettingsDep,
                       web: WebSessionDep) -> Response:
    view, framework, about = load_view(db, access, view_id, catalogue)
    rating = _load_rating(db, view, framework, code)
    form = await request.form()
    values = form_values(form)
    kind = str(values.get("kind", ""))
    if kind not in {k.value for k in EvidenceKind}:
        raise HTTPException(400, "Choose what kind of evidence to add.")
    new, errors = _read(kind, values)
    stored = None
    if kind == EvidenceKind.file:
        upload = form.get(FILE_FIELD)
        source, name = (upload.file, upload.filename or "") \
            if isinstance(upload, UploadFile) else (None, "")
        try:
            stored = await run_in_threadpool(evidence.store_upload, source, file_name=name,
                                             upload_dir=settings.upload_dir,
                                             max_mb=settings.max_upload_mb)
        except evidence.UploadProblem as problem:
            errors = {FILE_FIELD: problem.message, **errors}
    if new is None or errors:
        if stored is not None:
            evidence.discard(settings.upload_dir, stored)
        return _marker_page_with(request, access, db, view, framework, about, rating, errors,
                                 values, kind)
    service.add_evidence(db, actor_id=access.user.id or 0,
                         organisation_id=access.organisation.id or 0, rating=rating, new=new,
                         stored=stored, upload_dir=settings.upload_dir)
    web.add_flash(f"Your {KIND_NAMES[kind]} has been added to {code}.")
    return redirect(f"{view_url(access, view)}/markers/{code}#evidence-heading")


def _load_evidence(db: Session, access: OrgAccess, view_id: int, evidence_id: int,
                   catalogue: FrameworkCatalogue
                   ) -> tuple[IndependentView, Framework, Organisation, ViewEvidence,
                              ViewRating]:
    view, framework, about = load_view(db, access, view_id, catalogue)
    found = repository.evidence_in(db, view.id or 0, evidence_id)
    if found is None:
        raise HTTPException(404, "This view has no such evidence.")
    return view, framework, about, found[0], found[1]


@router.get("/manage/{slug}/views/{view_id}/evidence/{view_evidence_id}/download")
def download(view_id: int, view_evidence_id: int, access: ViewerAccess, db: SessionDep,
             catalogue: CatalogueDep, settings: SettingsDep) -> Response:
    item = _load_evidence(db, access, view_id, view_evidence_id, catalogue)[3]
    path = evidence.stored_path(settings.upload_dir, item.stored_name) \
        if item.kind == EvidenceKind.file else None
    if path is None or not path.is_file():
        raise HTTPException(404, "This evidence has no file to download.")
    return FileResponse(path, media_type=item.content_type, headers={
        "Content-Disposition": content_disposition(item.file_name),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


@router.post("/manage/{slug}/views/{view_id}/evidence/{view_evidence_id}/delete")
def delete_evidence(view_id: int, view_evidence_id: int, access: EditorAccess,
                    db: SessionDep, catalogue: CatalogueDep, settings: SettingsDep,
                    web: WebSessionDep) -> Response:
    view, _framework, _about = load_view(db, access, view_id, catalogue)
    found = repository.evidence_in(db, view.id or 0, view_evidence_id)
    if found is None:  # deleted already, from another tab or by someone else
        web.add_flash("This evidence has already been deleted.")
        return redirect(view_url(access, view))
    item, rating = found
    kind = KIND_NAMES.get(item.kind, "evidence")
    service.delete_evidence(db, actor_id=access.user.id or 0,
                            organisation_id=access.organisation.id or 0, item=item,
                            upload_dir=settings.upload_dir)
    web.add_flash(f"The {kind} has been deleted from {rating.marker_code}.")
    return redirect(f"{view_url(access, view)}/markers/{rating.marker_code}#evidence-heading")


@router.post("/manage/{slug}/views/{view_id}/evidence/{view_evidence_id}/publishable")
async def publishable(request: Request, view_id: int, view_evidence_id: int,
                      access: EditorAccess, db: SessionDep, catalogue: CatalogueDep,
                      web: WebSessionDep) -> Response:
    view, framework, about, item, rating = _load_evidence(db, access, view_id,
                                                          view_evidence_id, catalogue)
    form, errors = parse(PublishableForm, form_values(await request.form()))
    if form is None:
        raise HTTPException(400, next(iter(errors.values()), "Check this information"))
    try:
        service.set_publishable(db, actor_id=access.user.id or 0,
                                organisation_id=access.organisation.id or 0, item=item,
                                publishable=form.publishable == "yes")
    except service.NotAllowed as refused:
        return _marker_page_with(request, access, db, view, framework, about, rating,
                                 {f"evidence-{item.id}": refused.message}, {}, None)
    web.add_flash("This evidence may now be published." if item.publishable
                  else "This evidence is now private.")
    return redirect(f"{view_url(access, view)}/markers/{rating.marker_code}"
                    f"#evidence-{item.id}")


# Co-production: how local people's views were gathered -----------------------------------------

def _co_production_page(request: Request, access: OrgAccess, db: Session,
                        view: IndependentView, about: Organisation, values: dict[str, Any],
                        errors: Errors, status_code: int = 200, **extra: Any) -> Response:
    saved = repository.co_production_of(db, view.id or 0)
    as_record = as_co_production(saved)
    return render(request, "views/co_production.html", _base(
        access, view=view, about=about, base=view_url(access, view), record=saved,
        saved=service.co_production_values(saved),
        saved_by=organisations.user_name(db, saved.updated_by_id) if saved else "",
        complete=co_production_complete(as_record), missing=missing(as_record),
        methods=METHODS, people_labels=PEOPLE_LABELS, values=values, errors=errors,
        **extra), status_code=status_code)


@router.get("/manage/{slug}/views/{view_id}/co-production")
def co_production_page(request: Request, view_id: int, access: ViewerAccess,
                       db: SessionDep, catalogue: CatalogueDep) -> Response:
    view, _framework, about = load_view(db, access, view_id, catalogue)
    saved = repository.co_production_of(db, view.id or 0)
    return _co_production_page(request, access, db, view, about,
                               service.co_production_values(saved), {})


@router.post("/manage/{slug}/views/{view_id}/co-production")
async def save_co_production(request: Request, view_id: int, access: EditorAccess,
                             db: SessionDep, catalogue: CatalogueDep,
                             web: WebSessionDep) -> Response:
    view, _framework, about = load_view(db, access, view_id, catalogue)
    values = form_values(await request.form())
    if isinstance(values.get("methods"), str):
        values["methods"] = [values["methods"]] if values["methods"] else []
    form, errors = parse(CoProductionForm, values)
    if form is not None:
        errors = form.problems()
    if form is None or errors:
        return _co_production_page(request, access, db, view, about, values, errors)
    change = CoProductionChange(
        people_using_support=form.people_using_support, family_carers=form.family_carers,
        staff=form.staff, partner_organisations=form.partner_organisations,
        methods=form.chosen_methods(), other_method=form.other_method.strip(),
        what_people_said=form.what_people_said)
    try:
        service.save_co_production(db, actor_id=access.user.id or 0,
                                   organisation_id=access.organisation.id or 0,
                                   view_id=view.id or 0, seen_version=form.version,
                                   change=change)
    except service.StaleViewCoProduction as stale:
        theirs = stale.current
        return _co_production_page(request, access, db, view, about,
                                   {**values, "version": theirs.version}, {}, status_code=409,
                                   conflict=True, theirs=service.co_production_values(theirs),
                                   theirs_by=organisations.user_name(db, theirs.updated_by_id))
    web.add_flash("Saved who took part and how.")
    return redirect(f"{view_url(access, view)}/co-production")


# Publishing -----------------------------------------------------------------------------------

def _publish_page(request: Request, access: OrgAccess, db: Session, view: IndependentView,
                  framework: Framework, about: Organisation, errors: Errors) -> Response:
    base = view_url(access, view)
    checks = service.checklist(db, view=view, organisation=access.organisation,
                               about_organisation=about, base=base)
    return render(request, "views/publish.html", _base(
        access, view=view, framework=framework, about=about, checks=checks,
        ready=all(check.done for check in checks), base=base, errors=errors,
        snapshot=service.preview(db, view=view, organisation=access.organisation,
                                 about_organisation=about, framework=framework,
                                 today=today()),
        can_publish=access.can(Role.owner)))


@router.get("/manage/{slug}/views/{view_id}/publish")
def publish_page(request: Request, view_id: int, access: ViewerAccess, db: SessionDep,
                 catalogue: CatalogueDep) -> Response:
    view, framework, about = load_view(db, access, view_id, catalogue)
    return _publish_page(request, access, db, view, framework, about, {})


@router.post("/manage/{slug}/views/{view_id}/publish")
def publish(request: Request, view_id: int, access: OwnerAccess, db: SessionDep,
            catalogue: CatalogueDep, settings: SettingsDep, outbox: OutboxDep,
            web: WebSessionDep) -> Response:
    view, framework, about = load_view(db, access, view_id, catalogue)
    try:
        publication = service.publish_view(
            db, actor_id=access.user.id or 0, view=view, organisation=access.organisation,
            about_organisation=about, framework=framework, today=today(),
            upload_dir=settings.upload_dir, base=view_url(access, view))
    except RuleBroken as broken:
        return _publish_page(request, access, db, view, framework, about,
                             {"publish": str(broken)})
    outbox.extend(service.view_emails(db, settings, publication=publication,
                                      viewer=access.organisation, about_organisation=about))
    outbox.extend(following.notices_for(db, settings, publication))
    web.add_flash(f"Your view is published as publication number {publication.number}. "
                  f"We have told {about.name}.")
    return redirect(f"/organisations/{access.organisation.slug}/publications/"
                    f"{publication.number}")
