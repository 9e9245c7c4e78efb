"""Every /manage and /admin route × every kind of visitor, generated from the route table.

A new route is covered automatically: its requirement is read from its dependencies
(`org_access(role)`, `require_admin`, `require_user`). Visitors who may not use a route get
a login redirect, 403 or 404, and a refused POST changes nothing in the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from app.assessments.models import Assessment, Evidence, Rating
from app.assessments.service import start_assessment
from app.config import Settings
from app.db import engine_for
from app.deps import require_user
from app.frameworks import load_catalogue
from app.main import create_app
from app.organisations.models import Role
from app.plans.models import Action
from tests.conftest import MARKERS_DIR, checked_client
from tests.factories import (
    add_member,
    csrf_token,
    login,
    make_commitment,
    make_organisation,
    make_user,
)
from tests.views.factories import view_values
from tests.voice.helpers import voice_values

CATALOGUE = load_catalogue(MARKERS_DIR)
VISITORS = ["anonymous", "outsider", "viewer", "editor", "owner", "admin"]
ROLE_OF = {"viewer": Role.viewer, "editor": Role.editor, "owner": Role.owner}

# Routes whose rule is finer than their dependency, with the visitors the rule allows.
# Members may remove themselves (leave); the target here is another member, so owners only.
OVERRIDES = {("POST", "/manage/{slug}/members/{membership_id}/remove"): Role.owner}
# The assessment pages serve views too: under /views/ their ids are the view's.
VIEW_PARAMETERS = {"assessment_id": "view_id", "evidence_id": "view_evidence_id",
                   "round_id": "view_round_id", "answer_id": "view_answer_id",
                   "response_id": "view_response_id"}


@dataclass(frozen=True)
class Requirement:
    kind: str  # "role", "admin" or "login"
    role: Role | None = None

    def allows(self, visitor: str) -> bool:
        if visitor == "anonymous":
            return False
        if self.kind == "login":
            return True
        if self.kind == "admin":
            return visitor == "admin"
        assert self.role is not None
        return visitor in ROLE_OF and ROLE_OF[visitor].rank >= self.role.rank


def _calls(dependant: Any) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def requirement(route: APIRoute, method: str) -> Requirement:
    if (method, route.path) in OVERRIDES:
        return Requirement("role", OVERRIDES[(method, route.path)])
    calls = list(_calls(route.dependant))
    roles = [call.required_role for call in calls if hasattr(call, "required_role")]
    if roles:
        return Requirement("role", max(roles, key=lambda role: role.rank))
    if any(getattr(call, "required_admin", False) for call in calls):
        return Requirement("admin")
    if require_user in calls:
        return Requirement("login")
    raise AssertionError(f"{method} {route.path} has no access rule at all")


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every APIRoute, looking inside included routers."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)


def guarded_routes() -> list[tuple[str, str]]:
    app = create_app(Settings(markers_dir=MARKERS_DIR, database_url="sqlite://"))
    found = []
    for route in api_routes(app.routes):
        if re.match(r"^/(manage|admin)(/|$)", route.path):
            found.extend((method, route.path) for method in sorted(route.methods or ()))
    return sorted(found)


ROUTES = guarded_routes()


def test_the_matrix_covers_the_workspace_and_admin() -> None:
    paths = {path for _method, path in ROUTES}
    assert "/manage/{slug}/members" in paths
    # The merged pages of an assessment, under both of their addresses.
    for part in ("assessments", "views"):
        for page in ("markers/{code}", "markers/{code}/evidence", "co-production",
                     "evidence/{evidence_id}/download", "evidence/{evidence_id}/delete",
                     "evidence/{evidence_id}/publishable"):
            assert f"/manage/{{slug}}/{part}/{{assessment_id}}/{page}" in paths
    assert len(ROUTES) >= 10


def snapshot(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = engine_for(database_url)
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    with engine.connect() as connection:
        return {table: sorted(map(tuple, connection.execute(text(f'SELECT * FROM "{table}"'))),
                              key=repr) for table in tables}


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_access(method: str, path: str, app: FastAPI, database_url: str) -> None:
    with Session(engine_for(database_url)) as db:
        owner = make_user(db, email="owner@example.org")
        organisation = make_organisation(db, owner=owner, name="Matrix Org")
        viewer, editor = make_user(db, email="viewer@example.org"), \
            make_user(db, email="editor@example.org")
        add_member(db, organisation, viewer, "viewer")
        add_member(db, organisation, editor, "editor")
        target = add_member(db, organisation, make_user(db, email="target@example.org"),
                            "viewer")
        outsider = make_user(db, email="outsider@example.org")
        other = make_organisation(db, owner=outsider, name="Other Org")
        admin = make_user(db, email="admin@example.org", admin=True)
        commitment = make_commitment(db, organisation)
        framework = CATALOGUE.get("making-it-real-2018")
        assert framework is not None
        assessment = start_assessment(db, actor_id=owner.id or 0,
                                      organisation_id=organisation.id or 0,
                                      framework=framework, name="Matrix cycle",
                                      carry_over=False)
        rating = db.exec(select(Rating).where(Rating.assessment_id == assessment.id,
                                              Rating.marker_code == "IA1")).one()
        # A real file, so that downloading it works for the members allowed to.
        upload_dir = app.state.settings.upload_dir
        upload_dir.mkdir(parents=True, exist_ok=True)
        stored = "0" * 32 + ".pdf"
        (upload_dir / stored).write_bytes(b"%PDF-1.4\n%matrix\n")
        evidence = Evidence(rating_id=rating.id or 0, kind="file", file_name="plan.pdf",
                            stored_name=stored, content_type="application/pdf", size=17)
        action = Action(organisation_id=organisation.id or 0, framework_id=framework.id,
                        title="An action")
        db.add_all([evidence, action])
        db.flush()
        values = {"slug": organisation.slug, "membership_id": target.id,
                  "commitment_id": commitment.id, "organisation_id": organisation.id,
                  "org_id": organisation.id, "user_id": target.user_id,
                  "assessment_id": assessment.id, "theme_id": "information-and-advice",
                  "code": "IA1", "framework_id": framework.id, "action_id": action.id,
                  "evidence_id": evidence.id, "crosswalk_id": "cqc-local-authority",
                  "crosswalk": "cqc-local-authority",
                  **view_values(db, organisation=organisation, owner=owner, other=other,
                                other_owner=outsider,
                                upload_dir=app.state.settings.upload_dir),
                  **voice_values(db, assessment=assessment)}
        view = db.get(Assessment, values["view_id"])
        assert view is not None
        values.update({f"view_{name}": value
                       for name, value in voice_values(db, assessment=view).items()})
        db.commit()
        admin_id = admin.id

    url = path
    for name in re.findall(r"{(\w+)}", path):
        if name == "code" and "/regions/" in path:
            value = "E12000002"  # a region, not a marker
        elif name == "id":
            value = target.user_id if "/users/" in path else organisation.id
        elif path.startswith("/manage/{slug}/views/{assessment_id}/") \
                and name in VIEW_PARAMETERS:
            value = values[VIEW_PARAMETERS[name]]  # a view's pages are an assessment's
        else:
            assert name in values, f"add a value for path parameter {{{name}}} of {path}"
            value = values[name]
        url = url.replace(f"{{{name}}}", str(value))
    del admin_id

    rule = requirement(next(r for r in api_routes(app.routes) if r.path == path
                            and method in (r.methods or ())), method)
    failures = []
    consumed = False  # an allowed POST removed the thing: later allowed visitors get 404
    for visitor in VISITORS:
        with checked_client(app) as client:
            if visitor != "anonymous":
                login(client, f"{visitor}@example.org")
            token = csrf_token(client, "/")
            before = snapshot(database_url) if method == "POST" else None
            if method == "GET":
                response = client.get(url, follow_redirects=False)
            else:
                response = client.post(url, data={"csrf_token": token},
                                       follow_redirects=False)
            location = response.headers.get("location", "")
            refused = response.status_code in (403, 404) or location.startswith("/login")
            if response.status_code >= 500:
                failures.append(f"{visitor}: server error {response.status_code}")
            elif rule.allows(visitor) and refused \
                    and not (consumed and response.status_code == 404):
                failures.append(f"{visitor}: should be allowed, got {response.status_code} "
                                f"{location}")
            elif rule.allows(visitor) and method == "POST" and response.status_code < 400:
                consumed = True
            elif not rule.allows(visitor):
                if not refused:
                    failures.append(f"{visitor}: should be refused, got "
                                    f"{response.status_code} {location}")
                if visitor == "anonymous" and not location.startswith("/login"):
                    failures.append("anonymous: should be sent to log in")
                if before is not None and snapshot(database_url) != before:
                    failures.append(f"{visitor}: a refused POST changed the database")
    assert not failures, f"{method} {url} ({rule}):\n  " + "\n  ".join(failures)
