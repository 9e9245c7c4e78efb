"""Every declared dependency is used: an unused one is code to keep patched for nothing."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib

from app.config import PROJECT_ROOT

# Used without an import statement in our code, and why.
USED_WITHOUT_IMPORT = {
    "govuk-frontend-jinja": "its templates load through PackageLoader('govuk_frontend_jinja')",
    "python-multipart": "Starlette parses form posts with it",
    "psycopg": "SQLAlchemy loads it for postgresql:// database URLs",
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_runtime_dependency_is_imported_by_the_app() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = [_normal(re.split(r"[\[<>=!~ ;]", spec)[0])
                for spec in project["project"]["dependencies"]]
    sources = [*(PROJECT_ROOT / "app").rglob("*.py"), PROJECT_ROOT / "migrations" / "env.py"]
    imported = set(re.findall(r"^\s*(?:from|import) ([A-Za-z_]\w*)",
                              "\n".join(p.read_text(encoding="utf-8") for p in sources), re.M))
    modules: dict[str, set[str]] = {}
    for module, distributions in importlib.metadata.packages_distributions().items():
        for distribution in distributions:
            modules.setdefault(_normal(distribution), set()).add(module)
    unused = [name for name in declared if name not in USED_WITHOUT_IMPORT
              and not modules.get(name, set()) & imported]
    assert unused == []


def test_the_lock_file_pins_only_what_is_needed() -> None:
    locked = (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8").lower()
    assert "fastapi-csrf-protect" not in locked  # CSRF is app/accounts/sessions.py's job
