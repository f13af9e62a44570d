"""The dashboard's charts: SVG drawn on the server, so a page needs no script and nothing
from the internet. A chart is a few kilobytes inside the page it belongs to, scales to the
screen (viewBox) and carries its figures as text and as a title for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from reports.charts import vietnamese_number

number = vietnamese_number  # 12345 -> "12.345", the pages' `so` filter

BAR = "#1f6f5c"
BAR_LIGHT = "#9fcfc2"
INK = "#1b1b1b"
MUTED = "#5f6b66"
GRID = "#d9e2de"


def _svg(width: int, height: int, label: str, body: list[str], kind: str = "chart") -> Markup:
    return Markup(
        f'<svg class="{kind}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def bars(rows: Sequence[tuple[str, int, int]], *, label: str, first: str, second: str) -> Markup:
    """Two bars per name, the name above them (long names fit a phone): `first` dark,
    `second` light; rows are (name, first value, second value), e.g. a week and a quarter.
    """
    width, row_h, top = 400, 58, 30
    height = top + row_h * max(len(rows), 1)
    peak = max([v for _n, a, b in rows for v in (a, b)] + [1])
    span = width - 50
    body = [
        f'<rect x="0" y="4" width="14" height="14" fill="{BAR}"/>'
        f'<text x="20" y="16" font-size="14" fill="{INK}">{escape(first)}</text>'
        f'<rect x="120" y="4" width="14" height="14" fill="{BAR_LIGHT}"/>'
        f'<text x="140" y="16" font-size="14" fill="{INK}">{escape(second)}</text>'
    ]
    for i, (name, a, b) in enumerate(rows):
        y = top + i * row_h
        short = name if len(name) <= 48 else name[:47] + "…"
        body.append(f'<text x="0" y="{y + 14}" font-size="14" fill="{INK}">{escape(short)}</text>')
        for j, (value, colour) in enumerate(((a, BAR), (b, BAR_LIGHT))):
            w = round(span * value / peak)
            yy = y + 20 + j * 16
            body.append(
                f'<rect x="0" y="{yy}" width="{max(w, 1)}" height="13" rx="2" fill="{colour}"/>'
                f'<text x="{w + 5}" y="{yy + 11}" font-size="12" '
                f'fill="{MUTED}">{number(value)}</text>'
            )
    if not rows:
        body.append(
            f'<text x="{width // 2}" y="{top + 26}" font-size="14" text-anchor="middle" '
            f'fill="{MUTED}">Chưa có số liệu</text>'
        )
    return _svg(width, height, label, body)


def columns(
    points: Sequence[tuple[str, int]], *, label: str, highlight_last: bool = True
) -> Markup:
    """Vertical columns with their values on top (the last one dark), e.g. logs per week."""
    width, height, left, bottom, top = 400, 170, 2, 26, 18
    n = max(len(points), 1)
    slot = (width - 2 * left) / n
    peak = max([v for _l, v in points] + [1])
    span = height - bottom - top
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - left}" y2="{height - bottom}" '
        f'stroke="{GRID}" stroke-width="2"/>'
    ]
    for i, (name, value) in enumerate(points):
        h = round(span * value / peak)
        x = left + i * slot
        colour = BAR if i == len(points) - 1 else BAR_LIGHT
        cx = x + slot / 2
        body.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{height - bottom - h}" '
            f'width="{slot * 0.7:.1f}" height="{max(h, 1)}" rx="2" fill="{colour}"/>'
            f'<text x="{cx:.1f}" y="{height - bottom - h - 4}" font-size="11" '
            f'text-anchor="middle" fill="{INK}">{number(value)}</text>'
            f'<text x="{cx:.1f}" y="{height - bottom + 16}" font-size="10" '
            f'text-anchor="middle" fill="{MUTED}">{escape(name)}</text>'
        )
    return _svg(width, height, label, body)


def sparkline(values: Sequence[int], *, label: str) -> Markup:
    """A small line of recent weeks, the last one marked: a team's trend at a glance."""
    width, height, pad = 120, 32, 4
    peak = max([*values, 1])
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = [
        (pad + i * step, height - pad - (height - 2 * pad) * v / peak) for i, v in enumerate(values)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    body = [f'<polyline points="{line}" fill="none" stroke="{BAR}" stroke-width="2"/>']
    if points:
        x, y = points[-1]
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BAR}"/>')
    return _svg(width, height, label, body, kind="spark")
