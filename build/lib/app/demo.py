"""Deterministic demo data for `make run` and benchmarks."""

from __future__ import annotations

from sqlmodel import Session, func, select

from app.areas.models import Area
from app.config import Settings
from app.db import engine_for
from app.frameworks import load_catalogue
from app.schema import upgrade


def load_demo(settings: Settings, *, orgs: int, seed: int, only_if_empty: bool) -> str:
    """Bring the schema up to date and report what the demo holds.

    Organisations, assessments and publications join the demo as those features land;
    for now the demo is the frameworks (read from markers/) and the 153 council areas.
    """
    upgrade(settings.database_url)
    catalogue = load_catalogue(settings.markers_dir)
    with Session(engine_for(settings.database_url)) as session:
        areas = session.exec(select(func.count()).select_from(Area)).one()
    del orgs, seed, only_if_empty  # used once organisations exist
    return (f"Demo ready: {len(catalogue)} frameworks "
            f"({sum(len(f.markers) for f in catalogue)} markers), {areas} council areas.")
