"""Crosswalk files: every kind of bad file, with its exact file:line:column message, checked
by `mir markers validate` and refused by the service at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.frameworks import FrameworkFileError, load_catalogue
from tests.conftest import MARKERS_DIR
from tests.frameworks.test_loader_cli import GOOD as GOOD_FRAMEWORK

GOOD = """\
id: test-crosswalk
title: Test crosswalk
owner: {name: An inspector, url: "https://example.org/inspector"}
source: {name: A report, url: "https://example.org/report"}
checked_on: 2026-12-01
framework: test-framework
summary: A crosswalk for tests.
reading: Our own reading.
themes:
  - id: first
    title: First theme
    statements:
      - id: being-heard
        title: Being heard
        summary: About being heard.
        links:
          - {marker: FT1, reason: It is about being heard., from_source: false}
"""


def validate(tmp_path: Path, text: str, *, name: str = "bad.yaml",
             framework: str = GOOD_FRAMEWORK) -> tuple[int, list[str]]:
    """Validate a crosswalk in `crosswalks/`, beside a framework file."""
    (tmp_path / "crosswalks").mkdir(exist_ok=True)
    (tmp_path / "framework.yaml").write_text(framework, encoding="utf-8")
    path = tmp_path / "crosswalks" / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["markers", "validate", str(path)])
    shown = str(path.parent) + "/"
    return result.exit_code, [line.replace(shown, "") for line in result.stdout.splitlines()]


def with_change(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


def test_the_shipped_crosswalk_is_valid_against_the_shipped_frameworks() -> None:
    paths = sorted(str(p) for p in [*MARKERS_DIR.glob("*.yaml"),
                                    *MARKERS_DIR.glob("crosswalks/*.yaml")])
    result = CliRunner().invoke(main, ["markers", "validate", *paths])
    assert result.exit_code == 0, result.output
    assert "cqc-local-authority: valid (9 statements, " in result.stdout


def test_a_good_crosswalk_is_valid_against_the_framework_beside_it(tmp_path: Path) -> None:
    code, lines = validate(tmp_path, GOOD, name="good.yaml")
    assert code == 0
    assert lines == ["test-crosswalk: valid (1 statements, 1 links to test-framework)"]


LINK = "          - {marker: FT1, reason: It is about being heard., from_source: false}\n"
CASES = [
    pytest.param("summary: A crosswalk for tests.\n",
                 "summary: A crosswalk for tests.\nsumary: x\n",
                 ['bad.yaml:8:1: unknown key "sumary" in the crosswalk; did you mean '
                  '"summary"?'], id="unknown-key"),
    pytest.param(LINK, LINK.replace("reason:", "reasn:"),
                 ['bad.yaml:17:13: a link is missing the required key "reason"',
                  'bad.yaml:17:27: unknown key "reasn" in a link; did you mean "reason"?'],
                 id="unknown-link-key"),
    pytest.param("marker: FT1", "marker: ZZ9",
                 ['bad.yaml:17:22: marker "ZZ9" is not in test-framework'],
                 id="unknown-marker-code"),
    pytest.param(LINK, LINK + LINK.replace("It is", "Also"),
                 ['bad.yaml:18:22: marker "FT1" is linked twice to statement "being-heard" '
                  "(first on line 17); keep one"], id="duplicate-link"),
    pytest.param("reason: It is about being heard.,", 'reason: "  ",',
                 ["bad.yaml:17:35: link reason must not be empty"], id="empty-reason"),
    pytest.param(", from_source: false}", "}",
                 ['bad.yaml:17:13: a link is missing the required key "from_source"'],
                 id="missing-flag"),
    pytest.param("from_source: false", "from_source: maybe",
                 ["bad.yaml:17:74: link from_source must be true or false, not text"],
                 id="flag-not-true-or-false"),
    pytest.param("framework: test-framework", "framework: nothing-here",
                 ['bad.yaml:6:12: framework "nothing-here" is not loaded; known frameworks: '
                  "test-framework"], id="unknown-framework"),
    pytest.param("        links:\n" + LINK, "        links: []\n",
                 ['bad.yaml:16:16: statement "being-heard" must link at least one marker'],
                 id="statement-without-links"),
    pytest.param(LINK, LINK + "      - id: being-heard\n        title: Again\n"
                 "        summary: Again.\n        links:\n" + LINK,
                 ['bad.yaml:18:13: statement id "being-heard" is used twice'],
                 id="duplicate-statement-id"),
    pytest.param(LINK, LINK + "  - id: first\n    title: Again\n    statements:\n"
                 "      - id: other\n        title: Other\n        summary: Other.\n"
                 "        links:\n" + LINK,
                 ['bad.yaml:18:9: theme id "first" is used twice'], id="duplicate-theme-id"),
    pytest.param("checked_on: 2026-12-01", "checked_on: 1/12/2026",
                 ['bad.yaml:5:13: checked_on "1/12/2026" is not a real date: write it as '
                  "YYYY-MM-DD, like 2018-10-01"], id="bad-date"),
    pytest.param('owner: {name: An inspector, url: "https://example.org/inspector"}',
                 'owner: {name: An inspector, url: "inspector"}',
                 ['bad.yaml:3:34: owner url "inspector" is not a web address: it must start '
                  "with https:// (or http://) and name a site, like https://example.org/page"],
                 id="bad-owner-url"),
    pytest.param("    title: First theme\n", "    title: First theme\n      bad: [\n",
                 ["bad.yaml:12:10: this is not valid YAML: mapping values are not allowed here"],
                 id="yaml-syntax"),
    pytest.param("id: test-crosswalk", "id: test-framework",
                 ['bad.yaml:1:5: crosswalk id "test-framework" is already used by the '
                  "framework test-framework"], id="id-of-a-framework"),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_each_bad_crosswalk_is_reported_with_file_line_and_message(
        tmp_path: Path, old: str, new: str, expected: list[str]) -> None:
    code, lines = validate(tmp_path, with_change(old, new))
    assert code == 1
    assert lines == expected


def test_an_empty_crosswalk(tmp_path: Path) -> None:
    code, lines = validate(tmp_path, "")
    assert code == 1
    assert lines == ["bad.yaml:1:1: the file is empty: a crosswalk needs id, title, "
                     "framework and themes"]


def test_two_crosswalks_may_not_share_an_id(tmp_path: Path) -> None:
    validate(tmp_path, GOOD, name="a.yaml")
    (tmp_path / "crosswalks" / "b.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(FrameworkFileError) as raised:
        load_catalogue(tmp_path)
    assert [str(p).replace(str(tmp_path) + "/", "") for p in raised.value.problems] == [
        f'crosswalks/b.yaml:1:5: crosswalk id "test-crosswalk" is already used by '
        f"{tmp_path}/crosswalks/a.yaml".replace(str(tmp_path) + "/", "")]


def test_a_second_crosswalk_needs_only_a_new_file(tmp_path: Path) -> None:
    validate(tmp_path, GOOD, name="a.yaml")
    (tmp_path / "crosswalks" / "b.yaml").write_text(GOOD.replace("test-crosswalk", "another"),
                                                    encoding="utf-8")
    catalogue = load_catalogue(tmp_path)
    assert [c.id for c in catalogue.crosswalks_for("test-framework")] == ["test-crosswalk",
                                                                        "another"]


def test_the_service_refuses_to_start_on_a_bad_crosswalk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    validate(tmp_path, with_change("marker: FT1", "marker: ZZ9"))
    monkeypatch.setenv("MIR_MARKERS_DIR", str(tmp_path))
    from app.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["serve", "--port", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert f'{tmp_path}/crosswalks/bad.yaml:17:22: marker "ZZ9" is not in test-framework' \
        in result.output
    assert "The service did not start" in result.output


def test_markers_list_names_the_crosswalk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIR_MARKERS_DIR", str(MARKERS_DIR))
    from app.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["markers", "list"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0
    assert "cqc-local-authority\tcrosswalk\t9 statements\t" in result.stdout
