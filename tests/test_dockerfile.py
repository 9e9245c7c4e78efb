"""Checks of the Dockerfile's text (no Docker engine is needed to run these)."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ALLOWED_PLAIN_ENV = {"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV"}
ROOT_USERS = {"root", "0", "0:0", "root:root"}


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case, e.g. "RUN"
    args: str  # everything after the keyword, continuation lines joined
    line: int  # line number where the instruction starts


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def of(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


def parse_instructions(text: str) -> list[Instruction]:
    """Split Dockerfile text into instructions: comments dropped, `\\` continuations joined."""
    instructions: list[Instruction] = []
    parts: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue  # blank and comment lines (also inside a continuation) are skipped
        if not parts:
            start = number
        continued = stripped.endswith("\\")
        parts.append(stripped[:-1].strip() if continued else stripped)
        if not continued:
            joined = " ".join(p for p in parts if p)
            keyword, _, args = joined.partition(" ")
            instructions.append(Instruction(keyword.upper(), args.strip(), start))
            parts = []
    assert not parts, f"Dockerfile ends inside a continued instruction (line {start})"
    return instructions


def parse_stages(text: str) -> list[Stage]:
    stages: list[Stage] = []
    for instruction in parse_instructions(text):
        if instruction.keyword == "FROM":
            words = [w for w in instruction.args.split() if not w.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(image=words[0], name=name))
        else:
            assert stages, f"line {instruction.line}: {instruction.keyword} before any FROM"
            stages[-1].instructions.append(instruction)
    return stages


def command_words(args: str) -> list[str]:
    """Arguments of CMD/COPY/etc. in JSON (exec) form or shell form."""
    if args.startswith("["):
        loaded = json.loads(args)
        assert isinstance(loaded, list), f"not a JSON list: {args}"
        return [str(word) for word in loaded]
    return shlex.split(args)


def env_names(args: str) -> list[str]:
    """Names set by one ENV instruction (`ENV A=1 B=2` or the legacy `ENV A 1`)."""
    words = shlex.split(args, posix=True)
    if words and "=" not in words[0]:
        return [words[0]]
    return [word.split("=", 1)[0] for word in words]


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    assert DOCKERFILE.is_file(), f"{DOCKERFILE} is missing"
    return parse_stages(DOCKERFILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def final(stages: list[Stage]) -> Stage:
    assert stages, "the Dockerfile has no FROM"
    return stages[-1]


def test_parser_joins_continuations_and_skips_comments() -> None:
    text = "FROM a:1 AS one\n# note\nRUN echo a \\\n    # inside\n    && echo b\nUSER x\n"
    parsed = parse_stages(text)
    assert [s.name for s in parsed] == ["one"]
    assert [(i.keyword, i.args) for i in parsed[0].instructions] == [
        ("RUN", "echo a && echo b"),
        ("USER", "x"),
    ]
    assert env_names("A=1 B='two words' C=3") == ["A", "B", "C"]
    assert env_names("LEGACY some value") == ["LEGACY"]


def test_multi_stage_with_named_stages(stages: list[Stage]) -> None:
    named = [s for s in stages if s.name]
    assert len(stages) >= 2, f"expected a multi-stage build, found {len(stages)} FROM"
    assert len(named) >= 2, (
        f"expected at least 2 stages named with `FROM image AS name`, found "
        f"{[s.name for s in named]}"
    )


def test_base_images_are_pinned(stages: list[Stage]) -> None:
    earlier: set[str] = set()
    for stage in stages:
        image = stage.image
        if image in earlier:  # FROM an earlier stage, not a registry image
            continue
        if "@sha256:" not in image:
            repository, _, tag = image.rpartition(":")
            assert repository and "/" not in tag, f"FROM {image}: no tag, so it means `latest`"
            assert tag != "latest", f"FROM {image}: `latest` is not a pinned version"
            assert re.match(r"^v?\d+(\.\d+)+", tag), (
                f"FROM {image}: the tag must start with a dotted version number, e.g. 3.11.7"
            )
        if stage.name:
            earlier.add(stage.name)


def test_final_stage_runs_as_non_root(final: Stage) -> None:
    users = final.of("USER")
    assert users, "the final stage has no USER instruction, so the service would run as root"
    user = users[-1].args.strip()
    assert user not in ROOT_USERS, f"the final stage runs as {user!r}: use a non-root user"


def test_healthcheck_requests_healthz(final: Stage) -> None:
    checks = final.of("HEALTHCHECK")
    assert checks, "the final stage has no HEALTHCHECK"
    assert "/healthz" in checks[-1].args, (
        f"the HEALTHCHECK should request /healthz, it runs: {checks[-1].args}"
    )
    assert "curl" not in checks[-1].args, "slim images have no curl: use python's urllib"


def test_command_upgrades_database_then_serves(final: Stage) -> None:
    commands = final.of("ENTRYPOINT") + final.of("CMD")
    assert commands, "the final stage has no CMD or ENTRYPOINT"
    text = " ".join(" ".join(command_words(c.args)) for c in commands)
    upgrade = text.find("mir db upgrade")
    serve = text.find("mir serve --host 0.0.0.0")
    assert upgrade >= 0, f"the container command should run `mir db upgrade`: {text}"
    assert serve >= 0, f"the container command should run `mir serve --host 0.0.0.0`: {text}"
    assert upgrade < serve, f"`mir db upgrade` must run before `mir serve`: {text}"


def test_assets_are_built_in_the_image(stages: list[Stage]) -> None:
    for stage in stages:
        runs = " ".join(i.args for i in stage.of("RUN"))
        if "npm ci" in runs and "npm run build" in runs:
            return
    pytest.fail("no stage runs both `npm ci` and `npm run build`: build the assets in the image")


def test_final_stage_env_names_are_mir_settings(final: Stage) -> None:
    names = [name for env in final.of("ENV") for name in env_names(env.args)]
    assert names, "the final stage sets no ENV defaults"
    unexpected = [n for n in names if not n.startswith("MIR_") and n not in ALLOWED_PLAIN_ENV]
    assert not unexpected, (
        f"the final stage sets {unexpected}; settings come only from MIR_* variables "
        f"(besides {sorted(ALLOWED_PLAIN_ENV)})"
    )


def test_weasyprint_libraries_in_final_stage(final: Stage) -> None:
    runs = " ".join(i.args for i in final.of("RUN"))
    assert "apt-get install" in runs, "the final stage installs no Debian packages"
    assert "libpango-1.0-0" in runs, "WeasyPrint needs Debian's libpango-1.0-0 in the final stage"
    assert "--no-install-recommends" in runs, "install Debian packages with --no-install-recommends"
    assert "/var/lib/apt/lists" in runs, "remove /var/lib/apt/lists after apt-get install"


def test_copied_context_files_exist(stages: list[Stage]) -> None:
    copied: list[str] = []
    for stage in stages:
        for copy in stage.of("COPY") + stage.of("ADD"):
            words = command_words(copy.args)
            if any(w.startswith("--from=") for w in words):
                continue
            sources = [w for w in words if not w.startswith("--")][:-1]
            copied.extend(sources)
    assert copied, "the Dockerfile copies nothing from the build context"
    missing = [src for src in copied if not (ROOT / src).exists()]
    assert not missing, f"the Dockerfile copies files missing from the repository: {missing}"
    expected = {
        "requirements.lock",
        "package.json",
        "package-lock.json",
        "scripts",
        "app",
        "templates",
        "markers",
        "migrations",
        "pyproject.toml",
    }
    named = {src.rstrip("/") for src in copied}
    assert expected <= named, f"the Dockerfile should copy {sorted(expected - named)}"


def test_dockerignore_keeps_local_state_out() -> None:
    assert DOCKERIGNORE.is_file(), ".dockerignore is missing"
    entries = {
        line.strip().rstrip("/")
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for entry in (".venv", "node_modules", ".git", "app/static/dist", "data"):
        assert entry in entries, f".dockerignore should exclude {entry}"
