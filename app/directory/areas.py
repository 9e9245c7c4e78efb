"""What local people say about the organisations of a council area, for its area page: each
independent view of them beside their own words, compact, with the difference in levels
counted and said in words. Three queries, however many organisations and views there are.

The full side by side (every word, evidence and reply) is on the organisation's own page,
`/organisations/{slug}/independent-views`; the area page links to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.organisations.models import OrganisationKind
from app.views.comparison import Comparison, ViewSummary, side_by_side_in_area


@dataclass(frozen=True)
class ViewTally:
    """How one organisation's view compares, marker by marker, with the organisation's own."""

    view: ViewSummary
    lower: int
    same: int
    higher: int
    not_compared: int

    def in_words(self, organisation: str) -> str:
        """The tally in words, a sentence a count: never only as numbers or colours."""
        if self.view.hidden_reason is not None:
            return (f"A site administrator has hidden the view by {self.view.viewer_name}: "
                    f"{self.view.hidden_reason}")
        first = {"lower": f"a lower level than {organisation}",
                 "same": f"the same level as {organisation}",
                 "higher": f"a higher level than {organisation}"}
        then = {"lower": "a lower level", "same": "the same level", "higher": "a higher level"}
        said: list[str] = []
        for key, count in (("lower", self.lower), ("same", self.same),
                           ("higher", self.higher)):
            if count:
                # The view's link, just before, names who asked local people.
                said.append(f"They give {then[key]} on {_markers(count)}." if said else
                            f"Local people give {first[key]} on {_markers(count)}.")
        if self.not_compared:
            said.append(f"On {_markers(self.not_compared)} the levels cannot be compared.")
        return " ".join(said) or f"{self.view.viewer_name} gave no levels."


def _markers(count: int) -> str:
    return f"{count} marker{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class LocalViews:
    """One organisation of the area and one framework: the comparison and a tally per view."""

    comparison: Comparison
    tallies: list[ViewTally]


def _tallies(comparison: Comparison) -> list[ViewTally]:
    tallies = []
    for view in comparison.views:
        steps = [say.steps for marker in comparison.markers for say in marker.local
                 if say.view is view]
        tallies.append(ViewTally(
            view=view, lower=sum(1 for step in steps if step is not None and step < 0),
            same=sum(1 for step in steps if step == 0),
            higher=sum(1 for step in steps if step is not None and step > 0),
            not_compared=sum(1 for step in steps if step is None)))
    return tallies


def local_views(db: Session, area_code: str) -> list[LocalViews]:
    """The independent views of the area's listed organisations: councils first, then by
    name; for each organisation, framework by framework."""
    comparisons = [comparison for found in side_by_side_in_area(db, area_code).values()
                   for comparison in found]
    comparisons.sort(key=lambda c: (c.organisation_kind != OrganisationKind.council.value,
                                    c.organisation_name.casefold(), c.organisation_slug))
    return [LocalViews(comparison, _tallies(comparison)) for comparison in comparisons]
