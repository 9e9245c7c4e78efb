"""Package dependencies run one way (README "Where things live"): a module of `app` may
import only from its own package or a lower layer; never another feature's routes
(`web.py`, `*_web.py`) nor another package's `_private` name. Inline imports count too."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

# Lowest first. Packages in one layer must not import each other either.
LAYERS: list[set[str]] = [
    {"config", "clock", "text"},
    {"db", "logging", "forms", "templating", "responses", "pdf", "serving"},
    {"security", "email", "errors", "ratelimit", "schema", "caching"},
    {"audit", "health"},
    {"frameworks", "areas"},
    {"accounts"},
    {"organisations"},
    {"deps"},
    {"search"},
    {"signup"},  # an account, its organisation and first commitment made together
    {"assessments"},
    {"plans"},
    {"voice"},
    {"publications"},
    {"following"},
    {"views"},
    {"directory"},
    {"exports"},
    {"reminders", "moderation"},
    {"crosswalks", "transfer", "api", "public"},
    {"publishing"},  # publishing a plan: its checks, CQC's reading, followers' notices
    {"models"},  # every table, for Alembic
    {"admin", "demo", "backup"},
    {"cli", "main"},
]
RANK = {package: rank for rank, layer in enumerate(LAYERS) for package in layer}

# Imports that run against the order: (importing file, imported module). None are left;
# the test fails on any import not listed here, and on a listed one that has gone.
ALLOWED: set[tuple[str, str]] = set()


def _package(path: Path) -> str:
    return path.relative_to(APP).with_suffix("").parts[0]


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app."):
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.ImportFrom) and node.module == "app":
            found += [(f"app.{alias.name}", []) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names if alias.name.startswith("app.")]
    return found


def violations() -> set[tuple[str, str, str]]:
    found = set()
    for path in sorted(APP.rglob("*.py")):
        package, where = _package(path), str(path.relative_to(APP.parent))
        for module, names in _imports(path):
            parts = module.split(".")
            target = parts[1]
            if target == package:
                continue
            if target not in RANK or package not in RANK:
                found.add((where, module, "not in any layer: add it to LAYERS"))
            elif RANK[target] >= RANK[package]:
                found.add((where, module, "runs against the layer order"))
            routes = [part for part in [parts[-1], *names]
                      if part == "web" or part.endswith("_web")]
            if routes and package != "main":  # main mounts every router
                found.add((where, module, "imports another feature's routes"))
            for name in names:
                if name.startswith("_"):
                    found.add((where, f"{module}.{name}", "imports a private name"))
    return found


def test_imports_run_one_way() -> None:
    found = violations()
    new = sorted(item for item in found if item[:2] not in ALLOWED)
    assert not new, "\n".join(f"{where}: {module}: {why}" for where, module, why in new)
    gone = sorted(ALLOWED - {item[:2] for item in found})
    assert not gone, f"fixed, so take them off ALLOWED: {gone}"


def test_every_package_has_a_layer() -> None:
    packages = {_package(path) for path in APP.rglob("*.py")} - {"__init__", "static"}
    assert packages <= set(RANK), sorted(packages - set(RANK))
