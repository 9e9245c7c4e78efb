"""All frameworks the service knows, loaded once at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from app.frameworks.loader import FrameworkFileError, check_files
from app.frameworks.model import Framework


class FrameworkCatalogue:
    """Frameworks by id, newest first."""

    def __init__(self, frameworks: list[Framework]) -> None:
        ordered = sorted(frameworks, key=lambda f: f.published, reverse=True)
        self._by_id = {framework.id: framework for framework in ordered}

    def __iter__(self) -> Iterator[Framework]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, framework_id: str) -> Framework | None:
        return self._by_id.get(framework_id)

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)


def load_catalogue(directory: Path) -> FrameworkCatalogue:
    """Load every `*.yaml` in `directory`; raise with every problem found if any file is bad."""
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise FrameworkFileError.single(
            str(directory), f"no framework files (*.yaml) in {directory}"
        )
    frameworks, problems = check_files(paths)
    if problems:
        raise FrameworkFileError(problems)
    return FrameworkCatalogue(frameworks)
