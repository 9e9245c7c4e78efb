"""`make run PORT=…` builds links (emails, feeds) for the port it serves on."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from app.config import PROJECT_ROOT


def _served_base_url(*arguments: str, base_url: str | None = None) -> str:
    """What MIR_BASE_URL `mir serve` gets from `make run`: its command, dry-run, with
    `mir serve …` swapped for printing the variable."""
    env = {k: v for k, v in os.environ.items() if k != "MIR_BASE_URL"}
    if base_url is not None:
        env["MIR_BASE_URL"] = base_url
    dry = subprocess.run(["make", "-n", "--no-print-directory", "run", *arguments],
                         cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=True)
    [serve] = [line for line in dry.stdout.splitlines() if "mir serve" in line]
    command = serve[:serve.index(".venv/bin/mir serve")] + "printenv MIR_BASE_URL"
    return subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_defaults_the_base_url_from_its_port() -> None:
    assert _served_base_url("PORT=8300") == "http://127.0.0.1:8300"
    assert _served_base_url() == "http://127.0.0.1:8000"
    assert _served_base_url("PORT=8300", base_url="https://mir.example.org") \
        == "https://mir.example.org"  # a base URL someone set wins
