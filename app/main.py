"""create_app(): settings, frameworks, database, routes, static files and error pages."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from app.accounts import web as accounts_web
from app.accounts.sessions import SessionMiddleware, check_csrf
from app.admin import web as admin_web
from app.assessments import coproduction_web, evidence_web, overview_web
from app.assessments import web as assessments_web
from app.config import Settings, get_settings
from app.db import engine_for
from app.deps import LoginRequired, load_current_user
from app.errors import install_error_pages
from app.frameworks import load_catalogue
from app.health import web as health_web
from app.organisations import web as organisations_web
from app.plans import web as plans_web
from app.publications import web as publications_web
from app.public import web as public_web
from app.templating import STATIC_DIR


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service. Refuses to start (FrameworkFileError) if a framework file is bad."""
    settings = settings or get_settings()
    catalogue = load_catalogue(settings.markers_dir)
    app = FastAPI(
        title="Making It Real toolkit",
        summary="Open data about organisations working with the Making It Real markers.",
        version="1",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        # Every route: the CSRF check on state changes, and who is logged in.
        dependencies=[Depends(check_csrf), Depends(load_current_user)],
    )
    app.state.settings = settings
    app.state.catalogue = catalogue
    app.state.engine = engine_for(settings.database_url)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(health_web.router)
    app.include_router(public_web.router)
    app.include_router(accounts_web.router)
    app.include_router(admin_web.router)
    app.include_router(organisations_web.router)
    # Before assessments_web: /assessments/compare must win over /assessments/{assessment_id}.
    app.include_router(overview_web.router)
    app.include_router(assessments_web.router)
    app.include_router(evidence_web.router)
    app.include_router(coproduction_web.router)
    app.include_router(plans_web.router)
    app.include_router(publications_web.router)
    install_error_pages(app)
    app.add_exception_handler(LoginRequired, _send_to_login)
    app.add_middleware(SessionMiddleware, settings=settings)
    return app


async def _send_to_login(request: Request, _exc: Exception) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    if request.headers.get("HX-Request") == "true":
        response.headers["HX-Redirect"] = response.headers["location"]
    return response
