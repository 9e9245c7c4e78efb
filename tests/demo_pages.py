"""The public pages of the demo (`mir demo`): a real area, region, organisation and
publication of each kind, for tests that visit every kind of public page."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from app.db import engine_for

FRAMEWORK_ID = "making-it-real-2018"


def public_pages(database_url: str) -> list[str]:
    """The public pages, with a real area, region, organisation and publication of each kind."""
    with Session(engine_for(database_url)) as db:
        def first(sql: str) -> tuple[str, ...]:
            row = db.execute(text(sql)).first()
            assert row is not None, f"the demo has nothing for {sql}"
            return tuple(str(value) for value in row)

        (area,) = first("SELECT a.gss_code FROM area a JOIN organisation_area oa "
                        "ON oa.area_code = a.gss_code GROUP BY a.gss_code "
                        "ORDER BY count(*) DESC, a.gss_code LIMIT 1")
        (region,) = first(f"SELECT region_code FROM area WHERE gss_code = '{area}'")
        pages = {"/", "/about", "/accessibility", "/map", "/organisations", "/areas",
                 "/open-data", "/register", "/login", "/password-reset", "/follow",
                 "/frameworks", f"/frameworks/{FRAMEWORK_ID}",
                 f"/frameworks/{FRAMEWORK_ID}/markers/WI1", f"/areas/{area}",
                 f"/regions/{region}"}
        for kind in ("plan", "progress", "view", "reply"):
            slug, number = first(
                "SELECT o.slug, p.number FROM publication p JOIN organisation o "
                f"ON o.id = p.organisation_id WHERE p.kind = '{kind}' "
                "AND p.hidden_reason IS NULL ORDER BY p.id LIMIT 1")
            pages |= {f"/organisations/{slug}", f"/organisations/{slug}/publications/{number}"}
            if kind == "plan":
                pages.add(f"/organisations/{slug}/action-plan")
    return sorted(pages)
