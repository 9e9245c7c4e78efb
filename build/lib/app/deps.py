"""Dependencies shared by the routes, as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.config import Settings
from app.db import session_scope
from app.frameworks import FrameworkCatalogue


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_catalogue(request: Request) -> FrameworkCatalogue:
    catalogue: FrameworkCatalogue = request.app.state.catalogue
    return catalogue


def get_session(request: Request) -> Iterator[Session]:
    yield from session_scope(request.app.state.engine)


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
CatalogueDep = Annotated[FrameworkCatalogue, Depends(get_catalogue)]
SessionDep = Annotated[Session, Depends(get_session)]
