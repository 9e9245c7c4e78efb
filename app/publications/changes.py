"""What changed between two publications: levels, priorities and actions, in words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Changes:
    # (code, statement, level then, level now)
    levels: list[tuple[str, str, str, str]] = field(default_factory=list)
    priorities_added: list[str] = field(default_factory=list)
    priorities_removed: list[str] = field(default_factory=list)
    actions_added: list[str] = field(default_factory=list)
    actions_removed: list[str] = field(default_factory=list)
    actions_changed: list[tuple[str, str, str]] = field(default_factory=list)  # title, then, now

    @property
    def nothing(self) -> bool:
        return not any((self.levels, self.priorities_added, self.priorities_removed,
                        self.actions_added, self.actions_removed, self.actions_changed))


def _markers(snapshot: dict[str, Any]) -> dict[str, dict[str, Any]]:
    assessment = snapshot.get("assessment") or {}
    return {m["code"]: m for theme in assessment.get("themes", []) for m in theme["markers"]}


def compare_snapshots(earlier: dict[str, Any], later: dict[str, Any]) -> Changes:
    """Changes from `earlier` to `later`. A progress report has no levels: levels are only
    compared when both publications carry an assessment."""
    changes = Changes()
    before, after = _markers(earlier), _markers(later)
    if before and after:
        for code, marker in after.items():
            old = before.get(code)
            then = old["level_label"] if old else "Not rated"
            if then != marker["level_label"]:
                changes.levels.append((code, marker["statement"], then, marker["level_label"]))
    if earlier.get("assessment") and later.get("assessment"):
        old_p = {p["code"] for p in earlier.get("priorities", [])}
        new_p = {p["code"] for p in later.get("priorities", [])}
        changes.priorities_added = sorted(new_p - old_p)
        changes.priorities_removed = sorted(old_p - new_p)
    old_a = {a["title"]: a for a in earlier.get("actions", [])}
    new_a = {a["title"]: a for a in later.get("actions", [])}
    changes.actions_added = [t for t in new_a if t not in old_a]
    changes.actions_removed = [t for t in old_a if t not in new_a]
    changes.actions_changed = [(t, old_a[t]["status_label"], a["status_label"])
                               for t, a in new_a.items()
                               if t in old_a and old_a[t]["status_label"] != a["status_label"]]
    return changes
