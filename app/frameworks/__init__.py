"""Making It Real frameworks, loaded from `markers/*.yaml` (pure: no database)."""

from app.frameworks.catalogue import FrameworkCatalogue, load_catalogue
from app.frameworks.crosswalk import (
    Crosswalk,
    CrosswalkTheme,
    Link,
    Statement,
    check_crosswalk_files,
    is_crosswalk_path,
)
from app.frameworks.loader import FrameworkFileError, Problem, check_files, load_framework_file
from app.frameworks.model import Framework, Level, Marker, Source, Theme

__all__ = [
    "Crosswalk",
    "CrosswalkTheme",
    "Link",
    "Statement",
    "check_crosswalk_files",
    "is_crosswalk_path",
    "Framework",
    "FrameworkCatalogue",
    "FrameworkFileError",
    "Level",
    "Marker",
    "Problem",
    "Source",
    "Theme",
    "check_files",
    "load_catalogue",
    "load_framework_file",
]
