"""All frameworks the service knows, loaded once at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from app.frameworks.crosswalk import CROSSWALKS_DIR, Crosswalk, check_crosswalk_files
from app.frameworks.loader import FrameworkFileError, check_files
from app.frameworks.model import Framework


class FrameworkCatalogue:
    """Frameworks by id, newest first, and the crosswalks that link to them."""

    def __init__(self, frameworks: list[Framework],
                 crosswalks: list[Crosswalk] | None = None) -> None:
        ordered = sorted(frameworks, key=lambda f: f.published, reverse=True)
        self._by_id = {framework.id: framework for framework in ordered}
        self._crosswalks = {crosswalk.id: crosswalk for crosswalk in crosswalks or []}

    def __iter__(self) -> Iterator[Framework]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, framework_id: str) -> Framework | None:
        return self._by_id.get(framework_id)

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    @property
    def crosswalks(self) -> list[Crosswalk]:
        return list(self._crosswalks.values())

    def crosswalk(self, crosswalk_id: str) -> Crosswalk | None:
        return self._crosswalks.get(crosswalk_id)

    def crosswalks_for(self, framework_id: str) -> list[Crosswalk]:
        """The crosswalks whose links point into this framework."""
        return [c for c in self._crosswalks.values() if c.framework_id == framework_id]


def load_catalogue(directory: Path) -> FrameworkCatalogue:
    """Load every `*.yaml` in `directory` and in its `crosswalks` folder; raise with every
    problem found if any file is bad."""
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise FrameworkFileError.single(
            str(directory), f"no framework files (*.yaml) in {directory}"
        )
    frameworks, problems = check_files(paths)
    crosswalks, crosswalk_problems = check_crosswalk_files(
        sorted((directory / CROSSWALKS_DIR).glob("*.yaml")), frameworks)
    problems += crosswalk_problems
    if problems:
        raise FrameworkFileError(problems)
    return FrameworkCatalogue(frameworks, crosswalks)
