"""Hypothesis: the framework loader never crashes, whatever the file holds.

Every document either gives a Framework or problems that point at a real place in the file
(line and column 1 or more). Three kinds of input: YAML-ish text built from the tokens that
matter to YAML, well-formed YAML of random shapes using the framework's own keys, and real
framework files with lines deleted, repeated or changed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import PROJECT_ROOT
from app.frameworks.loader import check_file

REAL_FILE = PROJECT_ROOT / "markers" / "making-it-real-2018.yaml"
REAL_LINES = REAL_FILE.read_text(encoding="utf-8").splitlines()
KEYS = [
    "id",
    "title",
    "version",
    "published",
    "source",
    "licence",
    "summary",
    "plan_due_days",
    "min_priorities",
    "scale",
    "not_applicable",
    "themes",
    "markers",
    "code",
    "statement",
    "label",
    "description",
    "name",
    "url",
    "easy_read",
    "prompts",
    "evidence_ideas",
    "red_flags",
    "we_statement_easy_read",
    "prompts_easy_read",
    "evidence_ideas_easy_read",
    "red_flags_easy_read",
    "levels",
]
TOKENS = [
    *KEYS,
    ":",
    ": ",
    "- ",
    "\n",
    "\n  ",
    "\n    ",
    "\t",
    "{",
    "}",
    "[",
    "]",
    ",",
    "'",
    '"',
    "#",
    "&a ",
    "*a",
    "!!str ",
    "!!int ",
    "!!python/object ",
    "? ",
    "|",
    ">-",
    "---",
    "...",
    "%YAML 1.1",
    "~",
    "null",
    "yes",
    "no",
    "0x1F",
    "0o17",
    "017",
    "1_000",
    "1:30",
    "-1",
    "0",
    "1e3",
    ".inf",
    "2018-02-30",
    "2018-10-11",
    "2018-10-11T10:00:00",
    "é",
    "\u2028",
    "\x00",
    "\ufeff",
    "<script>",
    "http://",
    "WI1",
    "making-it-real",
]

SLOW = settings(
    settings.default,
    max_examples=120,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextmanager
def framework_file(text: str | bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="mir-fuzz-") as folder:
        path = Path(folder) / "fuzzed.yaml"
        if isinstance(text, str):
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        else:
            path.write_bytes(text)
        yield path


def assert_well_behaved(text: str | bytes) -> None:
    with framework_file(text) as path:
        framework, problems, _id_node = check_file(path)
    if not problems:
        assert framework is not None, "no problems, but no framework either"
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1, problem
        assert problem.message, problem
        assert problem.path == str(path)


yamlish = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=60).map(
    "".join
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(),
    st.text(max_size=20),
    st.dates(),
    st.sampled_from(["", " ", "WI1", "x-y"]),
)
shapes = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children, max_size=6
        ),
    ),
    max_leaves=30,
)


@st.composite
def mutated_real_file(draw: st.DrawFn) -> str:
    lines = list(REAL_LINES)
    for _ in range(draw(st.integers(1, 6))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(
            st.sampled_from(["delete", "repeat", "replace", "insert", "indent", "revalue"])
        )
        if action == "revalue" and ": " in lines[index]:
            key = lines[index].split(": ", 1)[0]
            lines[index] = f"{key}: {draw(st.sampled_from(TOKENS))}"
        elif action == "delete":
            del lines[index]
        elif action == "repeat":
            lines.insert(index, lines[index])
        elif action == "replace":
            lines[index] = draw(yamlish)
        elif action == "insert":
            position = draw(st.integers(0, len(lines[index])))
            lines[index] = (
                lines[index][:position] + draw(st.sampled_from(TOKENS)) + lines[index][position:]
            )
        else:
            lines[index] = " " * draw(st.integers(1, 3)) + lines[index]
    return "\n".join(lines)


def test_the_real_file_is_valid() -> None:
    framework, problems, _ = check_file(REAL_FILE)
    assert framework is not None and not problems


@SLOW
@given(yamlish)
def test_yamlish_text_never_crashes_the_loader(text: str) -> None:
    assert_well_behaved(text)


@SLOW
@given(shapes)
def test_random_yaml_shapes_never_crash_the_loader(document: object) -> None:
    assert_well_behaved(yaml.safe_dump(document, allow_unicode=True))


@SLOW
@given(mutated_real_file())
def test_damaged_framework_files_never_crash_the_loader(text: str) -> None:
    assert_well_behaved(text)


@settings(settings.default, max_examples=60)
@given(st.binary(max_size=200))
def test_any_bytes_never_crash_the_loader(data: bytes) -> None:
    assert_well_behaved(data)


@pytest.mark.parametrize("value", ["0x1F", "0b101", "1:30"])
def test_yaml_1_1_integers_are_problems_not_crashes(value: str) -> None:
    text = REAL_FILE.read_text(encoding="utf-8").replace(
        "plan_due_days: 90", f"plan_due_days: {value}"
    )
    assert_well_behaved(text)
