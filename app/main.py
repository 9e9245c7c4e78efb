"""create_app(): settings, frameworks, database, routes, static files and error pages."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from app.accounts import web as accounts_web
from app.accounts.sessions import SessionMiddleware, check_csrf
from app.admin import web as admin_web
from app.api import web as api_web
from app.api.cors import OpenDataCorsMiddleware
from app.assessments import coproduction_web, evidence_web, overview_web
from app.assessments import web as assessments_web
from app.caching import PublicCacheMiddleware
from app.config import Settings, get_settings
from app.crosswalks import web as crosswalks_web
from app.db import engine_for
from app.deps import LoginRequired, load_current_user
from app.directory import web as directory_web
from app.errors import install_error_pages
from app.exports import web as exports_web
from app.following import web as following_web
from app.forms import CleanQueryString
from app.frameworks import load_catalogue
from app.health import web as health_web
from app.logging import configure_logging
from app.moderation import web as moderation_web
from app.organisations import web as organisations_web
from app.organisations.models import organisation_kind_label
from app.organisations.status import status_words
from app.plans import web as plans_web
from app.public import web as public_web
from app.publications import web as publications_web
from app.publications.models import publication_kind_label
from app.publishing import web as publishing_web
from app.reminders import web as reminders_web
from app.security import install_security
from app.signup import web as signup_web
from app.templating import STATIC_DIR, in_reading_mode, templates
from app.views import public_web as views_public_web
from app.views import publish_web as views_publish_web
from app.views import received_web as views_received_web
from app.views import web as views_web
from app.voice import answer_web as voice_answer_web
from app.voice import web as voice_web

# Labels whose words change with Easy Read, for every template (their words live with the
# package that owns them; templating sits below those packages).
templates.env.globals.update(kind_words=in_reading_mode(organisation_kind_label),
                             publication_words=in_reading_mode(publication_kind_label),
                             status_words=in_reading_mode(status_words))


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service. Refuses to start (FrameworkFileError) if a framework file is bad."""
    settings = settings or get_settings()
    configure_logging()
    catalogue = load_catalogue(settings.markers_dir)
    app = FastAPI(
        title="Making It Real toolkit",
        summary="Open data about organisations working with the Making It Real markers.",
        version="1",
        docs_url=None,  # FastAPI's page loads from a CDN: ours is /api/docs (app/public)
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        # Every route: the CSRF check on state changes, and who is logged in.
        dependencies=[Depends(check_csrf), Depends(load_current_user)],
    )
    app.state.settings = settings
    app.state.catalogue = catalogue
    app.state.engine = engine_for(settings.database_url, settings.database_pool_size)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(health_web.router)
    app.include_router(public_web.router)
    app.include_router(accounts_web.router)
    app.include_router(signup_web.router)
    app.include_router(admin_web.router)
    app.include_router(exports_web.router)
    app.include_router(organisations_web.router)
    # Before assessments_web: /assessments/compare must win over /assessments/{assessment_id}.
    app.include_router(overview_web.router)
    app.include_router(assessments_web.router)
    app.include_router(directory_web.router)
    app.include_router(api_web.router)
    app.include_router(evidence_web.router)
    app.include_router(coproduction_web.router)
    app.include_router(crosswalks_web.router)
    app.include_router(plans_web.router)
    app.include_router(publishing_web.router)
    app.include_router(publications_web.router)
    app.include_router(views_web.router)
    app.include_router(views_received_web.router)
    app.include_router(views_publish_web.router)
    app.include_router(views_public_web.router)
    app.include_router(moderation_web.router)
    app.include_router(following_web.router)
    app.include_router(reminders_web.router)
    app.include_router(voice_web.router)
    app.include_router(voice_answer_web.router)
    install_error_pages(app)
    app.add_exception_handler(LoginRequired, _send_to_login)
    # Outermost last: gzip, then CORS for the API, the session, then the public cache.
    app.add_middleware(PublicCacheMiddleware)
    app.add_middleware(CleanQueryString)  # no control characters in GET form fields
    app.add_middleware(SessionMiddleware, settings=settings)
    app.add_middleware(OpenDataCorsMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    # Outermost: security headers and the request id / one log line on every response.
    install_security(app, settings)
    return app


async def _send_to_login(request: Request, _exc: Exception) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    if request.headers.get("HX-Request") == "true":
        response.headers["HX-Redirect"] = response.headers["location"]
    return response
