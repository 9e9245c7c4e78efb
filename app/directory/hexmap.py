"""The hex map of the 153 council areas: layout, geometry, and the PNG drawing.

The layout is Open Innovations' 2020 hex cartogram of English upper-tier authorities
(HexJSON, "odd-r": odd rows sit half a hexagon to the right; `r` counts rows upwards from
the south coast), brought up to date with the changes listed in the project's data notes:

- Buckinghamshire, North Yorkshire and Somerset keep their hexagons under their new codes;
- Northamptonshire's hexagon becomes North Northamptonshire's and Cumbria's becomes
  Cumberland's;
- Westmorland and Furness takes the free hexagon east of Cumbria's;
- Northamptonshire's hexagon has no free neighbour in the 2020 file, so Herefordshire and
  Warwickshire each move one hexagon west (into free space) and West Northamptonshire takes
  the hexagon Warwickshire left, beside North Northamptonshire, Oxfordshire, Warwickshire
  and Leicester.

The SVG is drawn by a template (templates/directory/_hexmap.html) from `HexGeometry`; the PNG
is drawn here with Pillow from the same geometry.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HEXJSON = Path(__file__).resolve().parent.parent / "areas" / \
    "england-upper-tier-hexmap-2020.hexjson"

# Former code in the 2020 file → the code now drawn in its hexagon.
RENAMED = {
    "E10000002": "E06000060",  # Buckinghamshire (2020)
    "E10000021": "E06000061",  # Northamptonshire → North Northamptonshire (2021)
    "E10000006": "E06000063",  # Cumbria → Cumberland (2023)
    "E10000023": "E06000065",  # North Yorkshire (2023)
    "E10000027": "E06000066",  # Somerset (2023)
}
# Hexagons moved to make room: code → (q, r).
MOVED = {
    "E06000019": (4, 6),  # Herefordshire, from (5, 6)
    "E10000031": (5, 6),  # Warwickshire, from (6, 6)
}
# New areas: code → (former code whose hexagon they sit beside, (q, r)).
ADDED = {
    "E06000062": ("E10000021", (6, 6)),  # West Northamptonshire, west of North
    "E06000064": ("E10000006", (7, 14)),  # Westmorland and Furness, east of Cumberland
}

HEX_SIZE = 20.0  # centre to corner, in SVG user units (pixels at 1:1)
MARGIN = 8.0


@dataclass(frozen=True)
class HexCell:
    code: str
    q: int
    r: int


@cache
def original_layout() -> dict[str, tuple[int, int]]:
    """The 2020 file as it is: code → (q, r)."""
    data = json.loads(HEXJSON.read_text(encoding="utf-8"))
    if data.get("layout") != "odd-r":
        raise ValueError(f"{HEXJSON.name}: expected an odd-r layout")
    return {code: (int(cell["q"]), int(cell["r"])) for code, cell in data["hexes"].items()}


@cache
def current_layout() -> dict[str, HexCell]:
    """Today's 153 areas, each on its own hexagon."""
    cells: dict[str, HexCell] = {}
    for code, (q, r) in original_layout().items():
        current = RENAMED.get(code, code)
        q, r = MOVED.get(current, (q, r))
        cells[current] = HexCell(current, q, r)
    for code, (_former, (q, r)) in ADDED.items():
        cells[code] = HexCell(code, q, r)
    taken: dict[tuple[int, int], str] = {}
    for cell in cells.values():
        if (cell.q, cell.r) in taken:
            raise ValueError(f"{cell.code} and {taken[cell.q, cell.r]} share a hexagon")
        taken[cell.q, cell.r] = cell.code
    return cells


def neighbours(q: int, r: int) -> list[tuple[int, int]]:
    """The six hexagons around (q, r) in an odd-r layout."""
    if r % 2 == 0:
        steps = [(1, 0), (-1, 0), (-1, -1), (0, -1), (-1, 1), (0, 1)]
    else:
        steps = [(1, 0), (-1, 0), (0, -1), (1, -1), (0, 1), (1, 1)]
    return [(q + dq, r + dr) for dq, dr in steps]


@dataclass(frozen=True)
class PlacedHex:
    code: str
    x: float
    y: float
    points: tuple[tuple[float, float], ...]

    @property
    def svg_points(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.points)


@dataclass(frozen=True)
class HexGeometry:
    width: float
    height: float
    size: float
    hexes: tuple[PlacedHex, ...]


@cache
def geometry(size: float = HEX_SIZE, margin: float = MARGIN) -> HexGeometry:
    """Pointy-topped hexagons with north at the top (rows counted upwards in the file)."""
    cells = current_layout().values()
    step_x = math.sqrt(3) * size
    step_y = 1.5 * size
    max_q = max(cell.q for cell in cells)
    max_r = max(cell.r for cell in cells)
    placed = []
    for cell in sorted(cells, key=lambda c: (-c.r, c.q)):
        x = margin + step_x / 2 + cell.q * step_x + (step_x / 2 if cell.r % 2 else 0)
        y = margin + size + (max_r - cell.r) * step_y
        corners = tuple((round(x + size * math.cos(math.radians(30 + 60 * i)), 1),
                         round(y + size * math.sin(math.radians(30 + 60 * i)), 1))
                        for i in range(6))
        placed.append(PlacedHex(cell.code, round(x, 1), round(y, 1), corners))
    width = 2 * margin + (max_q + 1.5) * step_x
    height = 2 * margin + 2 * size + max_r * step_y
    return HexGeometry(round(width, 1), round(height, 1), size, tuple(placed))


@dataclass(frozen=True)
class HexStyle:
    """How one hexagon is drawn: fill colour, short label, and the count below it."""

    fill: str
    label: str
    count: int


@dataclass(frozen=True)
class LegendItem:
    fill: str
    label: str
    text: str


INK = "#0b0c0c"
PAPER = "#ffffff"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def draw_png(styles: dict[str, HexStyle], legend: Sequence[LegendItem], title: str,
             scale: float = 2.0) -> bytes:
    """The map as a PNG: the same hexagons, labels and legend as the SVG."""
    shape = geometry()
    legend_width = 330.0
    width = int((shape.width + legend_width) * scale)
    height = int(max(shape.height, 60 + 26 * len(legend)) * scale + 40 * scale)
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    top = 40 * scale
    draw.text((MARGIN * scale, 10 * scale), title, fill=INK, font=_font(int(16 * scale)))
    label_font = _font(int(11 * scale))
    count_font = _font(int(8 * scale))
    for placed in shape.hexes:
        style = styles[placed.code]
        points = [(x * scale, y * scale + top) for x, y in placed.points]
        draw.polygon(points, fill=style.fill, outline=INK, width=max(1, int(scale)))
        cx, cy = placed.x * scale, placed.y * scale + top
        draw.text((cx, cy - 3 * scale), style.label, fill=INK, font=label_font, anchor="mm")
        draw.text((cx, cy + 8 * scale), str(style.count), fill=INK, font=count_font,
                  anchor="mm")
    left = (shape.width + 10) * scale
    legend_font = _font(int(12 * scale))
    for index, item in enumerate(legend):
        y = top + (10 + index * 26) * scale
        box = [left, y, left + 20 * scale, y + 20 * scale]
        draw.rectangle(box, fill=item.fill, outline=INK, width=max(1, int(scale)))
        draw.text((left + 10 * scale, y + 10 * scale), item.label, fill=INK,
                  font=label_font, anchor="mm")
        draw.text((left + 28 * scale, y + 10 * scale), item.text, fill=INK, font=legend_font,
                  anchor="lm")
    note_y = top + (10 + len(legend) * 26 + 6) * scale
    draw.text((left, note_y), "Number: organisations signed up there", fill=INK,
              font=legend_font)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()
