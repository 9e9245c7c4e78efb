"""Crosswalks (`markers/crosswalks/*.yaml`): another assessment framework, its themes and
statements, and which markers of one of our frameworks speak to each statement.

Read by the same strict checker as framework files, so every problem is reported as
`path:line:column: message`. Each link says why, and whether a source makes it or it is this
project's own reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from app.frameworks.loader import Field, Problem, _FileChecker, read_root
from app.frameworks.model import Framework, Source

CROSSWALKS_DIR = "crosswalks"

CROSSWALK_KEYS = {
    "id": Field("slug"),
    "title": Field("text"),
    "owner": Field("source"),
    "source": Field("source"),
    "checked_on": Field("date"),
    "framework": Field("slug"),
    "summary": Field("text"),
    "reading": Field("text"),
    "themes": Field("themes"),
}
THEME_KEYS = {"id": Field("slug"), "title": Field("text"), "statements": Field("statements")}
STATEMENT_KEYS = {
    "id": Field("slug"),
    "title": Field("text"),
    "summary": Field("text"),
    "links": Field("links"),
}
LINK_KEYS = {"marker": Field("code"), "reason": Field("text"), "from_source": Field("bool")}
EMPTY = "the file is empty: a crosswalk needs id, title, framework and themes"


@dataclass(frozen=True, slots=True)
class Link:
    code: str
    reason: str
    from_source: bool  # False: this project's own reading


@dataclass(frozen=True, slots=True)
class Statement:
    id: str
    number: int  # 1, 2 … across the whole crosswalk, as the owner numbers them
    title: str
    summary: str
    theme_id: str
    links: tuple[Link, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(link.code for link in self.links)


@dataclass(frozen=True, slots=True)
class CrosswalkTheme:
    id: str
    number: int
    title: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Crosswalk:
    id: str
    title: str
    owner: Source
    source: Source
    checked_on: date
    framework_id: str
    summary: str
    reading: str
    themes: tuple[CrosswalkTheme, ...]
    _by_code: dict[str, list[Statement]] = field(default_factory=dict, repr=False,
                                                 compare=False)

    def __post_init__(self) -> None:
        for statement in self.statements:
            for link in statement.links:
                self._by_code.setdefault(link.code, []).append(statement)

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for theme in self.themes for s in theme.statements)

    @property
    def links(self) -> tuple[tuple[Statement, Link], ...]:
        return tuple((s, link) for s in self.statements for link in s.links)

    def statements_for(self, code: str) -> tuple[Statement, ...]:
        """The statements a marker links to, in the crosswalk's order."""
        return tuple(self._by_code.get(code, ()))


class _CrosswalkChecker(_FileChecker):
    """The framework checker's rules, for a crosswalk's parts."""

    def __init__(self, path: str, frameworks: Mapping[str, Framework]) -> None:
        super().__init__(path)
        self.frameworks = frameworks
        self.target: Framework | None = None  # the framework the links point into

    def crosswalk(self, root: Node) -> Crosswalk | None:
        keys = self.mapping(root, CROSSWALK_KEYS, "the crosswalk")
        if keys is None:
            return None
        simple = {k: v for k, v in keys.items() if k not in {"owner", "source", "themes"}}
        values = self.values(simple, CROSSWALK_KEYS, "")
        owner = self.source(keys["owner"], "owner") if "owner" in keys else None
        source = self.source(keys["source"]) if "source" in keys else None
        framework_id = values.get("framework")
        if framework_id is not None:
            self.target = self.frameworks.get(framework_id)
            if self.target is None:
                known = ", ".join(sorted(self.frameworks)) or "none"
                self.problem(keys["framework"], f'framework "{framework_id}" is not loaded; '
                                                f"known frameworks: {known}")
        themes = self.themes_of(keys["themes"]) if "themes" in keys else ()
        if self.problems or owner is None or source is None:
            return None
        values["framework_id"] = values.pop("framework")
        return Crosswalk(owner=owner, source=source, themes=themes, **values)

    def themes_of(self, node: Node) -> tuple[CrosswalkTheme, ...]:
        items = self.sequence(node, "themes")
        if items is None:
            return ()
        if not items:
            self.problem(node, "themes must list at least one theme")
        themes: list[CrosswalkTheme] = []
        seen: dict[str, set[str]] = {"theme": set(), "statement": set()}
        for item in items:
            keys = self.mapping(item, THEME_KEYS, "a theme")
            if keys is None:
                continue
            values = self.values({k: v for k, v in keys.items() if k != "statements"},
                                 THEME_KEYS, "theme")
            theme_id = self._unique(keys, values, "theme", seen)
            statements = (self.statements_of(keys["statements"], str(theme_id), seen,
                                             sum(len(t.statements) for t in themes))
                          if "statements" in keys else ())
            if theme_id and values.get("title"):
                themes.append(CrosswalkTheme(id=theme_id, number=len(themes) + 1,
                                             title=values["title"], statements=statements))
        return tuple(themes)

    def _unique(self, keys: dict[str, Node], values: dict[str, str], what: str,
                seen: dict[str, set[str]]) -> str | None:
        """The id, if it is the first of its kind in the file."""
        found = values.get("id")
        if found in seen[what]:
            self.problem(keys["id"], f'{what} id "{found}" is used twice')
            return None
        if found:
            seen[what].add(found)
        return found

    def statements_of(self, node: Node, theme_id: str, seen: dict[str, set[str]],
                      before: int) -> tuple[Statement, ...]:
        items = self.sequence(node, "statements")
        if items is None:
            return ()
        if not items:
            self.problem(node, f'theme "{theme_id}" must list at least one statement')
        statements: list[Statement] = []
        for item in items:
            keys = self.mapping(item, STATEMENT_KEYS, "a statement")
            if keys is None:
                continue
            values = self.values({k: v for k, v in keys.items() if k != "links"},
                                 STATEMENT_KEYS, "statement")
            statement_id = self._unique(keys, values, "statement", seen)
            links = self.links_of(keys["links"], str(statement_id)) if "links" in keys else ()
            if statement_id and values.get("title") and values.get("summary"):
                statements.append(Statement(
                    id=statement_id, number=before + len(statements) + 1,
                    title=values["title"], summary=values["summary"], theme_id=theme_id,
                    links=links))
        return tuple(statements)

    def links_of(self, node: Node, statement_id: str) -> tuple[Link, ...]:
        items = self.sequence(node, "links")
        if items is None:
            return ()
        if not items:
            self.problem(node, f'statement "{statement_id}" must link at least one marker')
        links: list[Link] = []
        first_line: dict[str, int] = {}
        for item in items:
            keys = self.mapping(item, LINK_KEYS, "a link")
            if keys is None:
                continue
            values = self.values(keys, LINK_KEYS, "link")
            code = values.get("marker")
            if code is not None and code in first_line:
                self.problem(keys["marker"], f'marker "{code}" is linked twice to statement '
                                             f'"{statement_id}" (first on line '
                                             f"{first_line[code]}); keep one")
                continue
            if code is not None:
                first_line[code] = keys["marker"].start_mark.line + 1
                if self.target is not None and self.target.marker(code) is None:
                    self.problem(keys["marker"], f'marker "{code}" is not in '
                                                 f"{self.target.id}")
                    continue
            if code is not None and values.get("reason") and "from_source" in values:
                links.append(Link(code=code, reason=values["reason"],
                                  from_source=values["from_source"]))
        return tuple(links)


def is_crosswalk_path(path: Path) -> bool:
    """Crosswalk files live in a `crosswalks` folder beside the framework files."""
    return path.parent.name == CROSSWALKS_DIR


def _id_node(root: Node) -> Node | None:
    if not isinstance(root, MappingNode):
        return None
    return next((value for key, value in root.value if key.value == "id"), None)


def check_crosswalk_files(paths: Iterable[Path], frameworks: Iterable[Framework]
                          ) -> tuple[list[Crosswalk], list[Problem]]:
    """Check crosswalk files against the frameworks they link to. No two crosswalks, and no
    crosswalk and framework, may share an id: they share the /frameworks/{id} address."""
    known = {framework.id: framework for framework in frameworks}
    crosswalks: list[Crosswalk] = []
    problems: list[Problem] = []
    first_seen: dict[str, str] = {}
    for path in paths:
        checker = _CrosswalkChecker(str(path), known)
        root = read_root(path, checker, EMPTY)
        crosswalk = checker.crosswalk(root) if root is not None else None
        id_node = _id_node(root) if root is not None else None
        if isinstance(id_node, ScalarNode):
            crosswalk_id = str(id_node.value)
            where = first_seen.get(crosswalk_id) or (
                f"the framework {crosswalk_id}" if crosswalk_id in known else None)
            if where is not None:
                checker.problem(id_node, f'crosswalk id "{crosswalk_id}" is already used by '
                                         f"{where}")
                crosswalk = None
            first_seen.setdefault(crosswalk_id, str(path))
        problems.extend(sorted(checker.problems, key=lambda p: (p.line, p.column)))
        if crosswalk is not None:
            crosswalks.append(crosswalk)
    return crosswalks, problems
