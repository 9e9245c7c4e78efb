"""`mir markers validate`: every kind of bad framework file, with its exact file:line message."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.frameworks.loader import load_framework_file
from tests.conftest import MARKERS_DIR

GOOD = """\
id: test-framework
title: Test framework
version: "1"
published: 2020-01-31
source: {name: Somebody, url: "https://example.org/framework"}
licence: Our own words.
summary: A framework for tests.
scale:
  - {id: not_yet, label: Not yet, description: Not started.}
  - {id: done, label: Done, description: Done.}
themes:
  - id: first-theme
    title: First theme
    summary: The first theme.
    markers:
      - code: FT1
        statement: I am heard.
        prompts:
          - Do people feel heard?
"""


# The theme's Easy Read title, as the last key of GOOD's one theme, and the framework's
# Easy Read summary after it: with any Easy Read wording in a framework, both are needed.
THEME_EASY_READ = "    title_easy_read: The first part\n"
EASY_READ_TAIL = THEME_EASY_READ + "summary_easy_read: A test.\n"


def validate(tmp_path: Path, *files: tuple[str, str]) -> tuple[int, list[str]]:
    paths = []
    for name, text in files:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    result = CliRunner().invoke(main, ["markers", "validate", *paths])
    lines = [line.replace(str(tmp_path) + "/", "") for line in result.stdout.splitlines()]
    return result.exit_code, lines


def with_change(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


def test_the_shipped_frameworks_are_valid() -> None:
    paths = sorted(str(path) for path in MARKERS_DIR.glob("*.yaml"))
    assert len(paths) >= 2
    result = CliRunner().invoke(main, ["markers", "validate", *paths])
    assert result.exit_code == 0, result.output
    assert "making-it-real-2018: valid" in result.stdout


def test_a_good_file_is_valid(tmp_path: Path) -> None:
    code, lines = validate(tmp_path, ("good.yaml", GOOD))
    assert code == 0
    assert lines == ["test-framework: valid (1 markers)"]


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["markers", "validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "nope.yaml: no such file" in result.output


CASES = [
    pytest.param(
        "    title: First theme\n", "    title: First theme\n      bad: [\n",
        ["bad.yaml:14:10: this is not valid YAML: mapping values are not allowed here"],
        id="yaml-syntax"),
    pytest.param(
        "summary: A framework for tests.\n", "summary: A framework for tests.\nsumary: x\n",
        ['bad.yaml:8:1: unknown key "sumary" in the framework; did you mean "summary"?'],
        id="unknown-key-with-suggestion"),
    pytest.param(
        "        statement: I am heard.\n", "        statment: I am heard.\n",
        ['bad.yaml:16:9: a marker is missing the required key "statement"',
         'bad.yaml:17:9: unknown key "statment" in a marker; did you mean "statement"?'],
        id="missing-required-key-and-typo"),
    pytest.param(
        "licence: Our own words.\n", "",
        ['bad.yaml:1:1: the framework is missing the required key "licence"'],
        id="missing-required-key"),
    pytest.param(
        'version: "1"\n', "version: 1\n",
        ['bad.yaml:3:10: version must be text; put it in quotes, like "1"'],
        id="wrong-type-number-for-text"),
    pytest.param(
        "summary: A framework for tests.\n", "summary: [a, b]\n",
        ["bad.yaml:7:10: summary must be text, not a list"],
        id="wrong-type-list-for-text"),
    pytest.param(
        "summary: A framework for tests.\n",
        "summary: A framework for tests.\nplan_due_days: soon\n",
        ["bad.yaml:8:16: plan_due_days must be a whole number, not text"],
        id="wrong-type-text-for-number"),
    pytest.param(
        "title: Test framework\n", 'title: "  "\n',
        ["bad.yaml:2:8: title must not be empty"],
        id="empty-string"),
    pytest.param(
        "          - Do people feel heard?\n", '          - ""\n',
        ["bad.yaml:19:13: each item of marker prompts must not be empty"],
        id="empty-list-item"),
    pytest.param(
        "  - {id: done, label: Done, description: Done.}\n", "",
        ["bad.yaml:9:3: the scale needs at least two levels; it has 1"],
        id="one-scale-level"),
    pytest.param(
        "  - {id: done, label: Done, description: Done.}\n",
        "  - {id: not_yet, label: Done, description: Done.}\n",
        ['bad.yaml:10:10: scale level id "not_yet" is used twice'],
        id="duplicate-scale-id"),
    pytest.param(
        "published: 2020-01-31\n", "published: 2020-02-30\n",
        ['bad.yaml:4:12: published "2020-02-30" is not a real date: write it as YYYY-MM-DD, '
         "like 2018-10-01"],
        id="invalid-date"),
    pytest.param(
        'url: "https://example.org/framework"', 'url: "example dot org"',
        ['bad.yaml:5:31: source url "example dot org" is not a web address: it must start with '
         "https:// (or http://) and name a site, like https://example.org/page"],
        id="invalid-url"),
    pytest.param(
        "          - Do people feel heard?\n",
        "          - Do people feel heard?\n      - code: FT1\n        statement: Again.\n",
        ['bad.yaml:20:15: marker code "FT1" is used twice (first on line 16); codes must be '
         "unique in a framework"],
        id="duplicate-marker-code"),
    pytest.param(
        "          - Do people feel heard?\n",
        "          - Do people feel heard?\n  - id: first-theme\n    title: Again\n"
        "    summary: Again.\n    markers:\n      - {code: FT2, statement: I am safe.}\n",
        ['bad.yaml:20:9: theme id "first-theme" is used twice'],
        id="duplicate-theme-id"),
    pytest.param(
        "          - Do people feel heard?\n",
        "          - Do people feel heard?\n        easy_read: People hear you.\n",
        ["bad.yaml:1:1: the framework has no summary_easy_read: it has Easy Read wording, so "
         "its summary needs Easy Read words too",
         "bad.yaml:12:5: theme first-theme has no title_easy_read: this framework has Easy "
         "Read wording, so every theme needs it",
         "bad.yaml:16:9: marker FT1 has no prompts_easy_read: this framework has Easy Read "
         "wording, so every marker needs it"],
        id="easy-read-wording-missing"),
    pytest.param(
        "          - Do people feel heard?\n",
        "          - Do people feel heard?\n        easy_read: People hear you.\n"
        "        prompts_easy_read: [\"Do we listen?\"]\nsummary_easy_read: A test.\n",
        ["bad.yaml:12:5: theme first-theme has no title_easy_read: this framework has Easy "
         "Read wording, so every theme needs it"],
        id="easy-read-theme-title-missing"),
    pytest.param(
        "          - Do people feel heard?\n",
        "          - Do people feel heard?\n        easy_read: People hear you.\n"
        "        prompts_easy_read: [\"Do we listen?\"]\n" + THEME_EASY_READ,
        ["bad.yaml:1:1: the framework has no summary_easy_read: it has Easy Read wording, so "
         "its summary needs Easy Read words too"],
        id="easy-read-summary-missing"),
    pytest.param(
        "          - Do people feel heard?\n",
        "          - Do people feel heard?\n        easy_read: People hear you.\n"
        "        prompts_easy_read: [\"Do we listen?\", \"Do we act?\"]\n" + EASY_READ_TAIL,
        ["bad.yaml:21:28: marker prompts_easy_read has 2 lines but prompts has 1: write one "
         "Easy Read line for each, in the same order"],
        id="easy-read-line-count"),
    pytest.param(
        "          - Do people feel heard?\n",
        "          - Do people feel heard?\n        easy_read: People hear you.\n"
        "        prompts_easy_read: [\"Do we listen?\"]\n"
        "        red_flags_easy_read: [No one listens.]\n" + EASY_READ_TAIL,
        ["bad.yaml:22:30: marker red_flags_easy_read has no red_flags to go with it; add "
         "red_flags or remove red_flags_easy_read"],
        id="easy-read-without-standard-wording"),
    pytest.param(
        "          - Do people feel heard?\n",
        "          - Do people feel heard?\n        easy_read: People hear you.\n"
        "        prompts_easy_read: Do we listen?\n" + EASY_READ_TAIL,
        ["bad.yaml:21:28: marker prompts_easy_read must be a list, not text"],
        id="easy-read-wrong-type"),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_each_bad_file_is_reported_with_file_line_and_message(
    tmp_path: Path, old: str, new: str, expected: list[str]
) -> None:
    code, lines = validate(tmp_path, ("bad.yaml", with_change(old, new)))
    assert code == 1
    assert lines == expected


def test_easy_read_wording_replaces_the_standard_line_by_line(tmp_path: Path) -> None:
    """A ticked warning sign keeps its standard wording, whichever wording it was shown in."""
    text = with_change("          - Do people feel heard?\n",
                       "          - Do people feel heard?\n        red_flags: [Nobody listens]\n"
                       "        easy_read: People hear you.\n"
                       "        prompts_easy_read: [\"Do we listen?\"]\n"
                       "        red_flags_easy_read: [No one listens.]\n" + EASY_READ_TAIL)
    assert validate(tmp_path, ("good.yaml", text)) == (0, ["test-framework: valid (1 markers)"])
    marker = load_framework_file(tmp_path / "good.yaml").marker("FT1")
    assert marker is not None
    assert marker.guidance(easy_read=True).prompts == ("Do we listen?",)
    assert marker.guidance(easy_read=True).red_flags == (("Nobody listens", "No one listens."),)
    assert marker.guidance().prompts == ("Do people feel heard?",)
    assert marker.guidance().red_flags == (("Nobody listens", "Nobody listens"),)


def test_all_problems_in_a_file_are_reported_at_once(tmp_path: Path) -> None:
    text = with_change('version: "1"\n', "version: 1\n")
    text = text.replace("published: 2020-01-31", "published: 31/01/2020")
    text = text.replace("title: First theme", "titel: First theme")
    code, lines = validate(tmp_path, ("bad.yaml", text))
    assert code == 1
    assert lines == [
        'bad.yaml:3:10: version must be text; put it in quotes, like "1"',
        'bad.yaml:4:12: published "31/01/2020" is not a real date: write it as YYYY-MM-DD, '
        "like 2018-10-01",
        'bad.yaml:12:5: a theme is missing the required key "title"',
        'bad.yaml:13:5: unknown key "titel" in a theme; did you mean "title"?',
    ]


def test_duplicate_framework_id_across_files(tmp_path: Path) -> None:
    code, lines = validate(tmp_path, ("a.yaml", GOOD), ("b.yaml", GOOD))
    assert code == 1
    assert lines == ['b.yaml:1:5: framework id "test-framework" is already used by '
                     f"{tmp_path}/a.yaml".replace(str(tmp_path) + "/", "")]


def test_empty_file(tmp_path: Path) -> None:
    code, lines = validate(tmp_path, ("empty.yaml", ""))
    assert code == 1
    assert lines == ["empty.yaml:1:1: the file is empty: a framework needs id, title, scale "
                     "and themes"]


def test_the_service_refuses_to_start_on_a_bad_file(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bad.yaml").write_text(with_change('version: "1"\n', "version: 1\n"))
    monkeypatch.setenv("MIR_MARKERS_DIR", str(tmp_path))
    from app.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["serve", "--port", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert f'{tmp_path}/bad.yaml:3:10: version must be text; put it in quotes, like "1"' \
        in result.output
    assert "The service did not start" in result.output


def test_markers_list_names_each_framework(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIR_MARKERS_DIR", str(MARKERS_DIR))
    from app.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["markers", "list"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0
    assert "making-it-real-2018\t2018\t6 themes\t32 markers" in result.stdout
    assert "making-it-real-2012\t2012\t6 themes\t26 markers" in result.stdout
