"""create_app(): settings, frameworks, database, routes, static files and error pages."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.config import Settings, get_settings
from app.db import engine_for
from app.errors import install_error_pages
from app.frameworks import load_catalogue
from app.health import web as health_web
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
    )
    app.state.settings = settings
    app.state.catalogue = catalogue
    app.state.engine = engine_for(settings.database_url)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(health_web.router)
    app.include_router(public_web.router)
    install_error_pages(app)
    return app
