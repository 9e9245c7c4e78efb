"""MIR_ENV=production refuses to start without a real secret key and an https:// base URL."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from app.cli import main
from app.config import PROJECT_ROOT, get_settings
from tests.operations.server import mir_command, server_env


@pytest.fixture
def clean_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in list(os.environ):
        if name.startswith("MIR_"):
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_serve_refuses_with_one_line_and_exit_1() -> None:
    done = subprocess.run(
        [*mir_command(), "serve", "--port", "1"],
        cwd=PROJECT_ROOT,
        env=server_env(env="production"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "MIR_SECRET_KEY" in lines[0] and "MIR_BASE_URL" in lines[0]
    assert lines[0].startswith("mir: the service did not start:")


@pytest.mark.parametrize(
    ("settings", "missing", "present"),
    [
        ({"MIR_BASE_URL": "https://mir.example.org"}, "MIR_SECRET_KEY", "MIR_BASE_URL"),
        ({"MIR_SECRET_KEY": "k" * 40}, "MIR_BASE_URL", "MIR_SECRET_KEY"),
        (
            {"MIR_SECRET_KEY": "too short", "MIR_BASE_URL": "https://mir.example.org"},
            "MIR_SECRET_KEY",
            "MIR_BASE_URL",
        ),
        (
            {"MIR_SECRET_KEY": "k" * 40, "MIR_BASE_URL": "http://mir.example.org"},
            "MIR_BASE_URL",
            "MIR_SECRET_KEY",
        ),
    ],
)
def test_each_missing_setting_is_named(
    clean_settings: pytest.MonkeyPatch, settings: dict[str, str], missing: str, present: str
) -> None:
    clean_settings.setenv("MIR_ENV", "production")
    for name, value in settings.items():
        clean_settings.setenv(name, value)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1
    assert missing in result.output and present not in result.output
    assert "Traceback" not in result.output
