"""Charts drawn on the server as SVG: this module only computes the geometry; the template
(templates/figures/_charts.html) writes the SVG with Jinja's autoescape, so a shop's name
is text wherever it lands. Each chart has a title and a description, and the page shows
the same figures as a table beside it."""
from dataclasses import dataclass

# Light to dark; level 0 is "no order". Colours against white pass WCAG's 3:1 for graphics.
LEVELS = ("#f1f3f5", "#c6dbef", "#6baed6", "#3182bd", "#08519c", "#08306b")
BAR_FILL = "#3182bd"


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    value: int
    label: str


@dataclass
class Chart:
    width: int
    height: int
    rects: list[Rect]
    texts: list[tuple[float, float, str, str]]  # x, y, anchor, text


def level(value: int, most: int) -> int:
    if value <= 0 or most <= 0:
        return 0
    return min(len(LEVELS) - 1, 1 + (len(LEVELS) - 2) * value // most)


def heatmap(hours: list[list[int]], weekdays: list[str], cell: int = 12) -> Chart:
    """Weekday (rows) × hour (columns): darker where more orders were placed."""
    left, top = 34, 14
    most = max((max(row) for row in hours), default=0)
    rects = [Rect(left + h * cell, top + d * cell, cell - 1, cell - 1,
                  LEVELS[level(hours[d][h], most)], hours[d][h], f"{weekdays[d]} {h:02d}h")
             for d in range(7) for h in range(24)]
    texts = [(left - 4, top + d * cell + cell - 3, "end", weekdays[d][:3]) for d in range(7)]
    texts += [(left + h * cell + cell / 2, top - 4, "middle", f"{h}") for h in range(0, 24, 3)]
    return Chart(left + 24 * cell, top + 7 * cell + 2, rects, texts)


def bars(values: list[tuple[str, int]], most_shown: int = 15, row: int = 18) -> Chart:
    """Horizontal bars, largest first: the `most_shown` largest values."""
    shown = sorted((v for v in values if v[1] > 0), key=lambda v: -v[1])[:most_shown]
    label_width, bar_width, width = 130, 170, 340
    most = max((v for _name, v in shown), default=0)
    rects, texts = [], []
    for i, (name, value) in enumerate(shown):
        y = i * row
        length = bar_width * value / most if most else 0
        rects.append(Rect(label_width, y + 3, max(length, 1), row - 6, BAR_FILL, value, name))
        short = name if len(name) <= 20 else name[:19] + "…"
        texts.append((label_width - 4, y + row - 5, "end", short))
        texts.append((label_width + length + 4, y + row - 5, "start", str(value)))
    return Chart(width, max(len(shown), 1) * row, rects, texts)
