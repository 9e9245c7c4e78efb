"""Strict reader for framework files.

Walks PyYAML's node tree (not the constructed objects) so that every problem can be
reported as `path:line:column: message`, and keeps going so that a file's problems are
all reported at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.frameworks.model import Framework, Level, Marker, Source, Theme

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEVEL_ID = re.compile(r"^[a-z][a-z0-9_]*$")
MARKER_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class Problem(NamedTuple):
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class FrameworkFileError(Exception):
    """One or more framework files are not valid."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def single(cls, path: str, message: str) -> FrameworkFileError:
        return cls([Problem(path, 1, 1, message)])


@dataclass(frozen=True)
class Field:
    kind: str
    required: bool = True


FRAMEWORK_KEYS = {
    "id": Field("slug"),
    "title": Field("text"),
    "version": Field("text"),
    "published": Field("date"),
    "source": Field("source"),
    "licence": Field("text"),
    "summary": Field("text"),
    "summary_easy_read": Field("text", required=False),
    "plan_due_days": Field("count", required=False),
    "min_priorities": Field("count", required=False),
    "scale": Field("scale"),
    "not_applicable": Field("bool", required=False),
    "themes": Field("themes"),
}
SOURCE_KEYS = {"name": Field("text"), "url": Field("url")}
LEVEL_KEYS = {"id": Field("level_id"), "label": Field("text"), "description": Field("text"),
              "view_description": Field("text", required=False)}
THEME_KEYS = {
    "id": Field("slug"),
    "title": Field("text"),
    "title_easy_read": Field("text", required=False),
    "summary": Field("text"),
    "markers": Field("markers"),
}
MARKER_KEYS = {
    "code": Field("code"),
    "statement": Field("text"),
    "we_statement": Field("text", required=False),
    "prompts": Field("text_list", required=False),
    "evidence_ideas": Field("text_list", required=False),
    "red_flags": Field("text_list", required=False),
    "easy_read": Field("text", required=False),
    "we_statement_easy_read": Field("text", required=False),
    "prompts_easy_read": Field("text_list", required=False),
    "evidence_ideas_easy_read": Field("text_list", required=False),
    "red_flags_easy_read": Field("text_list", required=False),
}
# Each marker key with Easy Read wording, and the key that holds it.
EASY_READ_OF = {
    "statement": "easy_read",
    "we_statement": "we_statement_easy_read",
    "prompts": "prompts_easy_read",
    "evidence_ideas": "evidence_ideas_easy_read",
    "red_flags": "red_flags_easy_read",
}

NODE_KIND_NAMES = {
    MappingNode: "a set of keys",
    SequenceNode: "a list",
    ScalarNode: "a single value",
}


def _describe(node: Node) -> str:
    if isinstance(node, ScalarNode):
        if node.tag == NULL_TAG:
            return "empty"
        if node.tag == INT_TAG:
            return "a number"
        if node.tag == BOOL_TAG:
            return "true or false"
        return "text"
    return NODE_KIND_NAMES.get(type(node), "something else")


class _FileChecker:
    """Collects problems for one file while building its Framework."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        # Each theme's and marker's node, name ("marker IA1") and the Easy Read keys it
        # lacks: checked across the framework once every marker is read.
        self.easy_read_gaps: list[tuple[Node, str, list[str]]] = []
        self.has_easy_read = False

    def problem(self, node: Node | None, message: str) -> None:
        line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
        self.problems.append(Problem(self.path, line, column, message))

    # Structure -----------------------------------------------------------------------------

    def mapping(self, node: Node, keys: dict[str, Field], what: str) -> dict[str, Node] | None:
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a set of keys, not {_describe(node)}")
            return None
        found: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in found:
                self.problem(key_node, f'"{key}" appears twice in {what}; keep one')
                continue
            if key not in keys:
                self.problem(key_node, _unknown_key_message(key, what, keys))
                continue
            found[key] = value_node
        for key, spec in keys.items():
            if spec.required and key not in found:
                self.problem(node, f'{what} is missing the required key "{key}"')
        return found

    def sequence(self, node: Node, what: str) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{what} must be a list, not {_describe(node)}")
            return None
        return list(node.value)

    # Values -------------------------------------------------------------------------------

    def text(self, node: Node, what: str) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag == NULL_TAG:
            self.problem(node, f"{what} must be text, not {_describe(node)}")
            return None
        if node.tag != STR_TAG:
            self.problem(node, f'{what} must be text; put it in quotes, like "{node.value}"')
            return None
        value = str(node.value).strip()
        if not value:
            self.problem(node, f"{what} must not be empty")
            return None
        return value

    def matching(self, node: Node, what: str, pattern: re.Pattern[str], example: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not pattern.match(value):
            self.problem(node, f'{what} "{value}" is not allowed: use {example}')
            return None
        return value

    def count(self, node: Node, what: str) -> int | None:
        if not isinstance(node, ScalarNode) or node.tag != INT_TAG:
            self.problem(node, f"{what} must be a whole number, not {_describe(node)}")
            return None
        try:
            value = int(str(node.value).replace("_", ""))
        except ValueError:  # YAML 1.1 forms such as 0x1F or 1:30
            self.problem(node, f"{what} must be a whole number written in digits, like 90")
            return None
        if value < 1:
            self.problem(node, f"{what} must be 1 or more")
            return None
        return value

    def boolean(self, node: Node, what: str) -> bool | None:
        if not isinstance(node, ScalarNode) or node.tag != BOOL_TAG:
            self.problem(node, f"{what} must be true or false, not {_describe(node)}")
            return None
        return str(node.value).lower() in {"true", "yes", "on"}

    def date(self, node: Node, what: str) -> date | None:
        if not isinstance(node, ScalarNode) or node.tag == NULL_TAG:
            self.problem(node, f"{what} must be a date, not {_describe(node)}")
            return None
        try:
            return date.fromisoformat(str(node.value))
        except ValueError:
            self.problem(
                node,
                f'{what} "{node.value}" is not a real date: write it as YYYY-MM-DD, '
                "like 2018-10-01",
            )
            return None

    def url(self, node: Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or "." not in parts.netloc or " " in value:
            self.problem(
                node,
                f'{what} "{value}" is not a web address: it must start with '
                "https:// (or http://) and name a site, like https://example.org/page",
            )
            return None
        return value

    def text_list(self, node: Node, what: str) -> tuple[str, ...]:
        items = self.sequence(node, what)
        if items is None:
            return ()
        values = (self.text(item, f"each item of {what}") for item in items)
        return tuple(value for value in values if value is not None)

    # Framework parts ------------------------------------------------------------------------

    def source(self, node: Node, what: str = "source") -> Source | None:
        keys = self.mapping(node, SOURCE_KEYS, what)
        if keys is None:
            return None
        name = self.text(keys["name"], f"{what} name") if "name" in keys else None
        url = self.url(keys["url"], f"{what} url") if "url" in keys else None
        return Source(name, url) if name and url else None

    def scale(self, node: Node) -> tuple[Level, ...]:
        items = self.sequence(node, "scale")
        if items is None:
            return ()
        if len(items) < 2:
            self.problem(node, f"the scale needs at least two levels; it has {len(items)}")
        levels: list[Level] = []
        seen: set[str] = set()
        for item in items:
            keys = self.mapping(item, LEVEL_KEYS, "a scale level")
            if keys is None:
                continue
            values = self.values(keys, LEVEL_KEYS, "scale level")
            level_id = values.get("id")
            if level_id in seen:
                self.problem(keys["id"], f'scale level id "{level_id}" is used twice')
                continue
            if all(values.get(key) for key, field in LEVEL_KEYS.items() if field.required):
                seen.add(str(level_id))
                levels.append(Level(**values))
        return tuple(levels)

    def themes(self, node: Node) -> tuple[Theme, ...]:
        items = self.sequence(node, "themes")
        if items is None:
            return ()
        if not items:
            self.problem(node, "themes must list at least one theme")
        themes: list[Theme] = []
        theme_ids: set[str] = set()
        codes: dict[str, int] = {}
        for item in items:
            keys = self.mapping(item, THEME_KEYS, "a theme")
            if keys is None:
                continue
            values = self.values(
                {k: v for k, v in keys.items() if k != "markers"}, THEME_KEYS, "theme"
            )
            theme_id = values.get("id")
            self.easy_read_title(keys, item, str(theme_id or "without an id"))
            if theme_id in theme_ids:
                self.problem(keys["id"], f'theme id "{theme_id}" is used twice')
            elif theme_id:
                theme_ids.add(theme_id)
            markers = (
                self.markers(keys["markers"], str(theme_id), codes) if "markers" in keys else ()
            )
            if all(values.get(key) for key in ("id", "title", "summary")):
                themes.append(Theme(markers=markers, **values))
        return tuple(themes)

    def markers(self, node: Node, theme_id: str, codes: dict[str, int]) -> tuple[Marker, ...]:
        items = self.sequence(node, "markers")
        if items is None:
            return ()
        if not items:
            self.problem(node, f'theme "{theme_id}" must list at least one marker')
        markers: list[Marker] = []
        for item in items:
            keys = self.mapping(item, MARKER_KEYS, "a marker")
            if keys is None:
                continue
            values = self.values(keys, MARKER_KEYS, "marker")
            code = values.get("code")
            if code in codes:
                self.problem(
                    keys["code"],
                    f'marker code "{code}" is used twice (first on line '
                    f"{codes[code]}); codes must be unique in a framework",
                )
                continue
            if code:
                codes[code] = keys["code"].start_mark.line + 1
            self.easy_read_lines(keys, values, item, f"marker {code or 'without a code'}")
            if code and values.get("statement"):
                markers.append(Marker(theme_id=theme_id, **values))
        return tuple(markers)

    def easy_read_title(self, keys: dict[str, Node], node: Node, theme_id: str) -> None:
        """A theme's title is a heading on every publication: Easy Read has its own."""
        if "title_easy_read" in keys:
            self.has_easy_read = True
        self.easy_read_gaps.append((node, f"theme {theme_id}",
                                    [] if "title_easy_read" in keys else ["title_easy_read"]))

    def easy_read_lines(self, keys: dict[str, Node], values: dict[str, Any], node: Node,
                        name: str) -> None:
        """Easy Read wording goes with standard wording: a line for each line, in order
        (a ticked warning sign is stored in its standard words)."""
        gaps: list[str] = []
        for standard, easy in EASY_READ_OF.items():
            if easy not in keys:
                if standard in keys:
                    gaps.append(easy)
                continue
            self.has_easy_read = True
            if standard not in keys:
                self.problem(keys[easy], f'marker {easy} has no {standard} to go with it; '
                                         f'add {standard} or remove {easy}')
                values.pop(easy, None)
            elif (isinstance(keys[easy], SequenceNode) and isinstance(keys[standard], SequenceNode)
                  and len(keys[easy].value) != len(keys[standard].value)):
                self.problem(keys[easy], f"marker {easy} has {len(keys[easy].value)} lines but "
                                         f"{standard} has {len(keys[standard].value)}: write one "
                                         "Easy Read line for each, in the same order")
                values.pop(easy, None)
        self.easy_read_gaps.append((node, name, gaps))

    def every_marker_in_easy_read(self) -> None:
        """Once a framework has any Easy Read wording, each theme and marker has it for all
        its words: an Easy Read page that falls back to standard wording part way is hard to
        follow."""
        if not self.has_easy_read:
            return
        for node, name, gaps in self.easy_read_gaps:
            if gaps and name == "the framework":
                self.problem(node, f"the framework has no {gaps[0]}: it has Easy Read wording, "
                                   "so its summary needs Easy Read words too")
            elif gaps:
                self.problem(node, f"{name} has no {', '.join(gaps)}: this framework has Easy "
                                   f"Read wording, so every {name.split()[0]} needs it")

    def values(self, keys: dict[str, Node], spec: dict[str, Field], what: str) -> dict[str, Any]:
        """Check each present key by its kind; return the good values by key."""
        checks: dict[str, Callable[[Node, str], Any]] = {
            "text": self.text,
            "date": self.date,
            "url": self.url,
            "count": self.count,
            "bool": self.boolean,
            "text_list": self.text_list,
            "slug": lambda n, w: self.matching(
                n, w, SLUG, "lower-case letters, digits and hyphens, like information-and-advice"
            ),
            "level_id": lambda n, w: self.matching(
                n, w, LEVEL_ID, "lower-case letters, digits and underscores, like not_started"
            ),
            "code": lambda n, w: self.matching(n, w, MARKER_CODE, "letters and digits, like IA1"),
        }
        good: dict[str, Any] = {}
        for key, node in keys.items():
            check = checks.get(spec[key].kind)
            if check is None:
                continue
            value = check(node, f"{what} {key}".strip())
            if value is not None:
                good[key] = value
        return good

    def framework(self, root: Node) -> Framework | None:
        keys = self.mapping(root, FRAMEWORK_KEYS, "the framework")
        if keys is None:
            return None
        simple = {k: v for k, v in keys.items() if k not in {"source", "scale", "themes"}}
        values = self.values(simple, FRAMEWORK_KEYS, "")
        source = self.source(keys["source"]) if "source" in keys else None
        scale = self.scale(keys["scale"]) if "scale" in keys else ()
        themes = self.themes(keys["themes"]) if "themes" in keys else ()
        self.easy_read_gaps.append((root, "the framework", [] if "summary_easy_read" in keys
                                    else ["summary_easy_read"]))
        self.has_easy_read = self.has_easy_read or "summary_easy_read" in keys
        self.every_marker_in_easy_read()
        if self.problems or source is None:
            return None
        return Framework(source=source, scale=scale, themes=themes, **values)


def _unknown_key_message(key: str, what: str, keys: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
    hint = f'; did you mean "{close[0]}"?' if close else f"; allowed keys: {', '.join(keys)}"
    return f'unknown key "{key}" in {what}{hint}'


EMPTY_FRAMEWORK = "the file is empty: a framework needs id, title, scale and themes"


def _compose(path: str, text: str, checker: _FileChecker,
             empty: str = EMPTY_FRAMEWORK) -> Node | None:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = error.problem or error.context or "the file could not be read"
        checker.problems.append(Problem(path, line, column, f"this is not valid YAML: {reason}"))
        return None
    except yaml.YAMLError as error:
        checker.problems.append(Problem(path, 1, 1, f"this is not valid YAML: {error}"))
        return None
    if root is None:
        checker.problem(None, empty)
    return root


def read_root(path: Path, checker: _FileChecker, empty: str = EMPTY_FRAMEWORK) -> Node | None:
    """The file's YAML node tree, or None with the reason among the checker's problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        checker.problems.append(Problem(checker.path, 1, 1, "the file is not UTF-8 text"))
        return None
    return _compose(checker.path, text, checker, empty)


def check_file(path: Path) -> tuple[Framework | None, list[Problem], Node | None]:
    """Read and check one file. The id node is returned for cross-file checks."""
    checker = _FileChecker(str(path))
    root = read_root(path, checker)
    if root is None:
        return None, checker.problems, None
    framework = checker.framework(root)
    id_node = (
        next((value for key, value in root.value if key.value == "id"), None)
        if isinstance(root, MappingNode)
        else None
    )
    problems = sorted(checker.problems, key=lambda problem: (problem.line, problem.column))
    return framework, problems, id_node


def check_files(paths: Iterable[Path]) -> tuple[list[Framework], list[Problem]]:
    """Check many files, including that no two share a framework id."""
    frameworks: list[Framework] = []
    problems: list[Problem] = []
    first_seen: dict[str, str] = {}
    for path in paths:
        framework, file_problems, id_node = check_file(path)
        problems.extend(file_problems)
        if id_node is not None and isinstance(id_node, ScalarNode):
            framework_id = str(id_node.value)
            if framework_id in first_seen:
                problems.append(
                    Problem(
                        str(path),
                        id_node.start_mark.line + 1,
                        id_node.start_mark.column + 1,
                        f'framework id "{framework_id}" is already used by '
                        f"{first_seen[framework_id]}",
                    )
                )
                continue
            first_seen[framework_id] = str(path)
        if framework is not None:
            frameworks.append(framework)
    return frameworks, problems


def load_framework_file(path: Path) -> Framework:
    frameworks, problems = check_files([path])
    if problems or not frameworks:
        raise FrameworkFileError(problems)
    return frameworks[0]
