"""An assessment at a glance, and two cycles side by side: pure functions, no HTTP or SQL.

Everything here takes a framework and ratings already loaded (one query each), so the pages
built on it issue the same number of queries however many markers are rated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.assessments.coproduction import co_production_complete
from app.assessments.models import NOT_APPLICABLE, Assessment, CoProduction, Rating
from app.frameworks import Framework
from app.frameworks.model import Marker, Theme

NOT_RATED = "not_rated"
NOT_APPLICABLE_LABEL = "Does not apply"
NOT_RATED_LABEL = "Not rated yet"

# Fills for the ranked levels, worst to best: distinct hues, each at least 5:1 against white
# (so the white pattern lines and the white page around them both stand out).
LEVEL_FILLS = ("#a8400f", "#912b88", "#54319f", "#1d70b8", "#0b4144", "#0f7a52")
# A different pattern for each level, so colour is never the only difference.
LEVEL_PATTERNS = ("diagonal", "dots", "horizontal", "solid", "crosshatch", "vertical")
NOT_APPLICABLE_FILL, NOT_APPLICABLE_PATTERN = "#505a5f", "vertical"


# Summaries ---------------------------------------------------------------------------------

class CoProductionState(StrEnum):
    not_started = "not_started"
    started = "started"
    complete = "complete"

    @property
    def label(self) -> str:
        return {"not_started": "Not started", "started": "Started, not complete yet",
                "complete": "Filled in"}[self.value]


@dataclass(frozen=True)
class Column:
    """One way a marker can stand: a scale level, "does not apply", or not rated yet."""

    key: str
    label: str


@dataclass(frozen=True)
class ThemeSummary:
    theme: Theme
    counts: Mapping[str, int]  # Column.key → number of markers
    rated: int
    total: int
    evidence: int
    unrated: tuple[Marker, ...]


@dataclass(frozen=True)
class RedFlag:
    marker: Marker
    text: str


@dataclass(frozen=True)
class NextStep:
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Overview:
    columns: tuple[Column, ...]
    themes: tuple[ThemeSummary, ...]
    totals: Mapping[str, int]
    rated: int
    total: int
    evidence: int
    red_flags: tuple[RedFlag, ...]
    carried_over: tuple[Marker, ...]
    without_evidence: tuple[Marker, ...]
    co_production: CoProductionState

    @property
    def unrated(self) -> int:
        return self.total - self.rated

    @property
    def percent(self) -> int:
        return round(100 * self.rated / self.total) if self.total else 0


def columns_for(framework: Framework, ratings: Mapping[str, Rating]) -> tuple[Column, ...]:
    """The scale levels worst to best, then "does not apply" (when it can occur), then not
    rated yet."""
    columns = [Column(level.id, level.label) for level in framework.scale]
    if framework.not_applicable or any(r.level == NOT_APPLICABLE for r in ratings.values()):
        columns.append(Column(NOT_APPLICABLE, NOT_APPLICABLE_LABEL))
    columns.append(Column(NOT_RATED, NOT_RATED_LABEL))
    return tuple(columns)


def standing(rating: Rating | None, known: set[str]) -> str:
    """The column a marker falls in; a level the framework no longer has counts as unrated."""
    if rating is None or rating.level is None or rating.level not in known:
        return NOT_RATED
    return rating.level


def co_production_state(record: CoProduction | None) -> CoProductionState:
    """Started once the record names anyone taking part (or says anything); complete when
    the co-production rules say it is enough to publish."""
    if co_production_complete(record):
        return CoProductionState.complete
    if record is not None and (
            record.people_using_support + record.family_carers + record.staff
            + record.partner_organisations > 0 or record.methods
            or record.what_people_said.strip()):
        return CoProductionState.started
    return CoProductionState.not_started


def summarise(framework: Framework, ratings: Mapping[str, Rating],
              evidence_counts: Mapping[int, int],
              co_production: CoProduction | None) -> Overview:
    """Counts by theme and level, what is left to rate, warning signs, carried-over markers."""
    columns = columns_for(framework, ratings)
    known = {column.key for column in columns} - {NOT_RATED}
    themes: list[ThemeSummary] = []
    red_flags: list[RedFlag] = []
    carried: list[Marker] = []
    without_evidence: list[Marker] = []
    for theme in framework.themes:
        counts = dict.fromkeys((column.key for column in columns), 0)
        unrated: list[Marker] = []
        evidence = 0
        for marker in theme.markers:
            rating = ratings.get(marker.code)
            where = standing(rating, known)
            counts[where] += 1
            items = evidence_counts.get(rating.id, 0) if rating and rating.id else 0
            evidence += items
            if where == NOT_RATED:
                unrated.append(marker)
            elif where != NOT_APPLICABLE and items == 0:
                without_evidence.append(marker)
            if rating is None:
                continue
            red_flags.extend(RedFlag(marker, text) for text in rating.red_flags)
            if rating.carried_over:
                carried.append(marker)
        total = len(theme.markers)
        themes.append(ThemeSummary(theme=theme, counts=counts,
                                   rated=total - counts[NOT_RATED], total=total,
                                   evidence=evidence, unrated=tuple(unrated)))
    totals = {column.key: sum(summary.counts[column.key] for summary in themes)
              for column in columns}
    total = sum(summary.total for summary in themes)
    return Overview(columns=columns, themes=tuple(themes), totals=totals,
                    rated=total - totals[NOT_RATED], total=total,
                    evidence=sum(summary.evidence for summary in themes),
                    red_flags=tuple(red_flags), carried_over=tuple(carried),
                    without_evidence=tuple(without_evidence),
                    co_production=co_production_state(co_production))


def _markers(count: int) -> str:
    return f"{count} marker" if count == 1 else f"{count} markers"


def next_steps(overview: Overview, framework: Framework, base: str) -> tuple[NextStep, ...]:
    """What to do next, in plain English, in the order it is best done."""
    steps: list[NextStep] = []
    first_unrated = next((summary.unrated[0] for summary in overview.themes
                          if summary.unrated), None)
    if first_unrated is not None:
        text = f"Rate the last marker, {first_unrated.code}." if overview.unrated == 1 \
            else (f"Rate the remaining {overview.unrated} markers, starting with "
                  f"{first_unrated.code}.")
        steps.append(NextStep(text, f"{base}/markers/{first_unrated.code}"))
    if overview.carried_over:
        first = overview.carried_over[0]
        steps.append(NextStep(
            f"Check the {_markers(len(overview.carried_over))} carried over from your last "
            f"assessment, and save each one when you have, starting with {first.code}.",
            f"{base}/markers/{first.code}"))
    if overview.without_evidence:
        first = overview.without_evidence[0]
        steps.append(NextStep(
            f"Add evidence to the {_markers(len(overview.without_evidence))} you have rated "
            f"but have no evidence for yet, starting with {first.code}.",
            f"{base}/markers/{first.code}"))
    if overview.co_production is CoProductionState.not_started:
        steps.append(NextStep("Fill in the co-production record: who took part in this "
                              "assessment and how.", f"{base}/co-production"))
    elif overview.co_production is CoProductionState.started:
        steps.append(NextStep("Finish the co-production record: who took part, how, and what "
                              "people said about the process.", f"{base}/co-production"))
    steps.append(NextStep(
        f"Then choose your priorities: at least {framework.min_priorities} markers to work on "
        "first, and say why each one matters.", f"{base}/priorities"))
    return tuple(steps)


# Chart geometry ----------------------------------------------------------------------------

CHART_WIDTH = 480
BAR_AREA = 390  # the longest bar; the rest of the width holds its total
LABEL_HEIGHT = 24
BAR_HEIGHT = 32
ROW_GAP = 20
MIN_LABELLED_WIDTH = 26  # narrower segments carry no number (the table has every number)


@dataclass(frozen=True)
class Series:
    """One kind of segment: its name in the key, its fill and its pattern."""

    key: str
    label: str
    fill: str
    pattern: str  # diagonal, dots, horizontal, vertical, crosshatch, solid or outline


@dataclass(frozen=True)
class BarRow:
    label: str
    counts: Mapping[str, int]


@dataclass(frozen=True)
class Segment:
    series: Series
    series_index: int
    count: int
    x: float
    width: float

    @property
    def labelled(self) -> bool:
        return self.width >= MIN_LABELLED_WIDTH

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class PlacedBar:
    label: str
    total: int
    label_y: float
    bar_y: float
    end_x: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class StackedBarChart:
    title: str
    description: str
    width: int
    height: int
    bar_height: int
    series: tuple[Series, ...]
    bars: tuple[PlacedBar, ...]
    unit: tuple[str, str]  # singular and plural, for the totals at the end of each bar

    def total_text(self, total: int) -> str:
        return f"{total} {self.unit[0] if total == 1 else self.unit[1]}"


def stacked_bar_chart(*, title: str, description: str, rows: Sequence[BarRow],
                      series: Sequence[Series],
                      unit: tuple[str, str] = ("marker", "markers")) -> StackedBarChart:
    """Horizontal stacked bars, one per row, one segment per series, to a common scale."""
    longest = max((sum(row.counts.get(s.key, 0) for s in series) for row in rows), default=0)
    scale = BAR_AREA / longest if longest else 0.0
    bars: list[PlacedBar] = []
    row_height = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    for index, row in enumerate(rows):
        top = index * row_height
        x = 0.0
        segments: list[Segment] = []
        for position, kind in enumerate(series):
            count = row.counts.get(kind.key, 0)
            if count <= 0:
                continue
            width = round(count * scale, 1)
            segments.append(Segment(kind, position, count, round(x, 1), width))
            x += width
        bars.append(PlacedBar(label=row.label, total=sum(s.count for s in segments),
                              label_y=top + LABEL_HEIGHT - 7, bar_y=top + LABEL_HEIGHT,
                              end_x=round(x, 1), segments=tuple(segments)))
    return StackedBarChart(title=title, description=description, width=CHART_WIDTH,
                           height=max(len(rows) * row_height - ROW_GAP, 1),
                           bar_height=BAR_HEIGHT, series=tuple(series), bars=tuple(bars),
                           unit=unit)


def level_series(framework: Framework, columns: Sequence[Column]) -> tuple[Series, ...]:
    """A fill and pattern for each column: the ranked levels spread over LEVEL_FILLS."""
    ranked = [column for column in columns if column.key not in (NOT_APPLICABLE, NOT_RATED)]
    spread = len(LEVEL_FILLS) - 1
    series: list[Series] = []
    for index, column in enumerate(ranked):
        pick = round(index * spread / (len(ranked) - 1)) if len(ranked) > 1 else spread
        series.append(Series(column.key, column.label, LEVEL_FILLS[pick],
                             LEVEL_PATTERNS[index % len(LEVEL_PATTERNS)]))
    for column in columns:
        if column.key == NOT_APPLICABLE:
            series.append(Series(column.key, column.label, NOT_APPLICABLE_FILL,
                                 NOT_APPLICABLE_PATTERN))
        elif column.key == NOT_RATED:
            series.append(Series(column.key, column.label, "#ffffff", "outline"))
    return tuple(series)


def theme_chart(framework: Framework, overview: Overview) -> StackedBarChart:
    """The overview's chart: per theme, how many markers stand at each level."""
    return stacked_bar_chart(
        title="Markers at each level, by theme",
        description=("One bar for each theme, split into how many of its markers are at each "
                     "level. The same numbers are in the table below the chart."),
        rows=[BarRow(summary.theme.title, summary.counts) for summary in overview.themes],
        series=level_series(framework, overview.columns))


# Comparing two cycles ----------------------------------------------------------------------

class Change(StrEnum):
    up = "up"
    down = "down"
    same = "same"
    changed = "changed"  # to or from "does not apply", which has no place on the scale
    newly_rated = "newly_rated"
    no_longer_rated = "no_longer_rated"
    not_rated = "not_rated"  # in neither cycle


ARROWS = {Change.up: "↑", Change.down: "↓", Change.same: "→", Change.changed: "↔",
          Change.newly_rated: "+", Change.no_longer_rated: "−", Change.not_rated: "·"}
CHANGE_LABELS = {Change.up: "Moved up", Change.down: "Moved down", Change.same: "No change",
                 Change.changed: "Changed to or from “Does not apply”",
                 Change.newly_rated: "Newly rated", Change.no_longer_rated: "No longer rated",
                 Change.not_rated: "Not rated in either"}


def level_rank(framework: Framework, level: str | None) -> int | None:
    """Position on the scale, worst first; None for not rated, "does not apply" or unknown."""
    return next((index for index, item in enumerate(framework.scale) if item.id == level),
                None)


def level_label(framework: Framework, level: str | None) -> str:
    if level is None:
        return "Not rated"
    if level == NOT_APPLICABLE:
        return NOT_APPLICABLE_LABEL
    found = framework.level(level)
    return found.label if found else level


def compare_levels(framework: Framework, earlier: str | None,
                   later: str | None) -> tuple[Change, str]:
    """How a marker's level moved between cycles, and that move in words."""
    if earlier is None and later is None:
        return Change.not_rated, "Not rated in either"
    if earlier is None:
        return Change.newly_rated, "Newly rated"
    if later is None:
        return Change.no_longer_rated, "No longer rated"
    if earlier == later:
        return Change.same, "No change"
    before, after = level_label(framework, earlier), level_label(framework, later)
    then, now = level_rank(framework, earlier), level_rank(framework, later)
    if then is None or now is None:
        return Change.changed, f"Changed from {before} to {after}"
    if now > then:
        return Change.up, f"Moved up from {before} to {after}"
    return Change.down, f"Moved down from {before} to {after}"


def _same_text(first: str, second: str) -> bool:
    return first.replace("\r\n", "\n").strip() == second.replace("\r\n", "\n").strip()


@dataclass(frozen=True)
class TextChange:
    earlier: str
    later: str

    @property
    def changed(self) -> bool:
        return not _same_text(self.earlier, self.later)


@dataclass(frozen=True)
class MarkerComparison:
    marker: Marker
    earlier: str | None
    later: str | None
    earlier_label: str
    later_label: str
    change: Change
    words: str
    working: TextChange
    needs_change: TextChange

    @property
    def arrow(self) -> str:
        return ARROWS[self.change]

    @property
    def text_changed(self) -> bool:
        return self.working.changed or self.needs_change.changed


@dataclass(frozen=True)
class Comparison:
    markers: tuple[MarkerComparison, ...]
    by_theme: tuple[tuple[Theme, tuple[MarkerComparison, ...]], ...]
    counts: Mapping[Change, int]

    @property
    def text_changes(self) -> tuple[MarkerComparison, ...]:
        return tuple(item for item in self.markers if item.text_changed)

    def summary(self) -> tuple[tuple[Change, str, str, int], ...]:
        """(change, arrow, words, count): moved up, moved down and no change always; the
        other kinds when they happened."""
        always = (Change.up, Change.down, Change.same)
        return tuple((change, ARROWS[change], CHANGE_LABELS[change], self.counts.get(change, 0))
                     for change in Change
                     if change in always or self.counts.get(change, 0))


def _level_of(rating: Rating | None) -> str | None:
    return rating.level if rating is not None else None


def compare_marker(framework: Framework, marker: Marker, earlier: Rating | None,
                   later: Rating | None) -> MarkerComparison:
    before, after = _level_of(earlier), _level_of(later)
    change, words = compare_levels(framework, before, after)
    return MarkerComparison(
        marker=marker, earlier=before, later=after,
        earlier_label=level_label(framework, before), later_label=level_label(framework, after),
        change=change, words=words,
        working=TextChange(earlier.working if earlier else "", later.working if later else ""),
        needs_change=TextChange(earlier.needs_change if earlier else "",
                                later.needs_change if later else ""))


def compare_ratings(framework: Framework, earlier: Mapping[str, Rating],
                    later: Mapping[str, Rating]) -> Comparison:
    """Every marker of the framework, in its order: its level then and now, and its words."""
    by_theme: list[tuple[Theme, tuple[MarkerComparison, ...]]] = []
    counts = dict.fromkeys(Change, 0)
    for theme in framework.themes:
        items = tuple(compare_marker(framework, marker, earlier.get(marker.code),
                                     later.get(marker.code)) for marker in theme.markers)
        for item in items:
            counts[item.change] += 1
        by_theme.append((theme, items))
    return Comparison(markers=tuple(item for _theme, items in by_theme for item in items),
                      by_theme=tuple(by_theme), counts=counts)


def _find(cycles: Sequence[Assessment], chosen: str) -> Assessment | None:
    return next((cycle for cycle in cycles if str(cycle.id) == chosen.strip()), None)


def choose_pair(cycles: Sequence[Assessment], earlier: str,
                later: str) -> tuple[tuple[Assessment, Assessment] | None, dict[str, str]]:
    """The two cycles to compare, or a message for each field ("a" earlier, "b" later)."""
    errors: dict[str, str] = {}
    first, second = _find(cycles, earlier), _find(cycles, later)
    if not earlier.strip():
        errors["a"] = "Choose the earlier assessment"
    elif first is None:
        errors["a"] = "Choose one of your organisation’s assessments as the earlier one"
    if not later.strip():
        errors["b"] = "Choose the later assessment"
    elif second is None:
        errors["b"] = "Choose one of your organisation’s assessments as the later one"
    if first is None or second is None or errors:
        return None, errors
    if first.id == second.id:
        return None, {"b": "Choose two different assessments"}
    if first.framework_id != second.framework_id:
        return None, {"b": f"Choose two assessments of the same framework: “{first.name}” "
                           f"and “{second.name}” use different frameworks"}
    return (first, second), {}
