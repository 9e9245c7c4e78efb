"""The reference list of council areas shipped with the project (ONS codes, OGL v3.0)."""

from __future__ import annotations

import csv
from pathlib import Path

AREAS_CSV = Path(__file__).with_name("england-care-areas.csv")
# A town of each area (GeoNames, CC BY 4.0; see england-care-areas.LICENCE.md).
AREA_CENTRES_CSV = Path(__file__).with_name("england-care-area-centres.csv")


def area_centres(path: Path = AREA_CENTRES_CSV) -> dict[str, tuple[float, float]]:
    """Latitude and longitude of a town in each council area, by GSS code."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["gss_code"]: (float(row["latitude"]), float(row["longitude"]))
                for row in csv.DictReader(handle)}


def read_reference_areas(
    path: Path = AREAS_CSV,
) -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]]]:
    """Regions, areas and former codes as rows ready to insert."""
    regions: dict[str, dict[str, str]] = {}
    areas: list[dict[str, str]] = []
    former: list[dict[str, str]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            regions.setdefault(row["region_code"], {"code": row["region_code"],
                                                    "name": row["region_name"]})
            areas.append({"gss_code": row["gss_code"], "name": row["name"], "kind": row["kind"],
                          "region_code": row["region_code"]})
            former.extend({"former_code": code, "area_code": row["gss_code"]}
                          for code in filter(None, row["former_codes"].split(";")))
    return list(regions.values()), areas, former
