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
    "Framework",
    "FrameworkCatalogue",
    "FrameworkFileError",
    "Level",
    "Link",
    "Marker",
    "Problem",
    "Source",
    "Statement",
    "Theme",
    "check_crosswalk_files",
    "check_files",
    "is_crosswalk_path",
    "load_catalogue",
    "load_framework_file",
]
