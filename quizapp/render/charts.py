"""Server-rendered SVG charts: readable without JavaScript, in print, and (with their data
tables) by screen readers. Colour is never the only signal: every mark has a text label.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from html import escape

from markupsafe import Markup

SCALE_MAX = 300
STATUS_TEXT = {"gap": "Gap", "uncertain": "Not sure yet", "no_gap": "No gap"}
# The light theme's colours (style.css :root), written on the marks as presentation attributes: the page's
# stylesheet overrides them (dark mode), while WeasyPrint, which applies no document CSS (and no var()) to
# an inline SVG, draws them as they are instead of black bars with no target. Legends read them from here.
COLOURS = {"band": "#9ec5fe", "point": "#0b57d0", "target": "#1b1f24", "grid": "#d0d7de", "tick": "#57606a",
           "label": "#1b1f24", "background": "#ffffff", "gap": "#b42318", "uncertain": "#7a4d00", "no_gap": "#116329"}


def _x(score: float, left: float, width: float) -> float:
    return left + width * max(0.0, min(SCALE_MAX, score)) / SCALE_MAX


def skills_chart(rows: list[dict], title: str = "Skills: estimate, likely range and role target", *,
                 label_chars: int = 32, row_height: float = 30.0) -> Markup:
    """One row per skill: the ±1 SD band, the estimate, the role's target, and the status in words.
    `label_chars`: names longer than this are shortened; the left margin grows with it (about 7.5 units
    a character at 13 units) so that no label is cut at the edge."""
    left, right, top, row_h = 10.0 + 7.5 * label_chars, 110.0, 34.0, row_height
    width = 760.0 + left - 250.0  # the plot keeps its width whatever room the labels take
    plot = width - left - right
    height = top + row_h * len(rows) + 26
    c = COLOURS
    parts = [f'<svg class="chart skills-chart" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
             f'aria-labelledby="skills-chart-title skills-chart-desc" xmlns="http://www.w3.org/2000/svg" '
             f'font-family="sans-serif">',
             f'<title id="skills-chart-title">{escape(title)}</title>',
             '<desc id="skills-chart-desc">For each skill, a bar shows the likely range of the score, a dot the '
             'estimate and a dashed line the role target, on a scale from 0 to 300. The same numbers are in the '
             'table below.</desc>']
    for tick in (0, 75, 150, 225, 300):
        x = _x(tick, left, plot)
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{top - 8:.1f}" x2="{x:.1f}" y2="{height - 22:.1f}" '
                     f'stroke="{c["grid"]}" stroke-width="1"/>')
        parts.append(f'<text class="tick" x="{x:.1f}" y="{height - 6:.1f}" text-anchor="middle" '
                     f'fill="{c["tick"]}" font-size="12">{tick}</text>')
    for i, r in enumerate(rows):
        y = top + i * row_h
        mid = y + row_h / 2
        low, high = r["band"]
        status = r["status"]
        parts.append(f'<g class="row status-{escape(status)}">')
        parts.append(f'<text class="label" x="{left - 10:.1f}" y="{mid + 4:.1f}" text-anchor="end" '
                     f'fill="{c["label"]}" font-size="13">{escape(_short(r["name"], label_chars))}</text>')
        parts.append(f'<rect class="band" x="{_x(low, left, plot):.1f}" y="{mid - 7:.1f}" '
                     f'width="{max(2.0, _x(high, left, plot) - _x(low, left, plot)):.1f}" height="14" rx="3" '
                     f'fill="{c["band"]}"/>')
        tx, reach = _x(r["target_score"], left, plot), min(12.0, row_h / 2 - 3)  # a gap between rows' targets
        parts.append(f'<line class="target" x1="{tx:.1f}" y1="{mid - reach:.1f}" x2="{tx:.1f}" y2="{mid + reach:.1f}" '
                     f'stroke="{c["target"]}" stroke-width="2" stroke-dasharray="4 3"/>')
        parts.append(f'<circle class="point" cx="{_x(r["score"], left, plot):.1f}" cy="{mid:.1f}" r="5.5" '
                     f'fill="{c["point"]}" stroke="{c["background"]}" stroke-width="1.5"/>')
        parts.append(f'<text class="status" x="{width - right + 10:.1f}" y="{mid + 4:.1f}" '
                     f'fill="{c.get(status, c["label"])}" font-size="13" font-weight="600">'
                     f'{escape(STATUS_TEXT.get(status, status))}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704 - every interpolated text is escaped above


@dataclass(frozen=True)
class Sitting:
    """One submitted attempt on the progress chart's x axis: when (as its label says it) and what kind."""

    label: str
    practice: bool  # keys were shown along the way (practice), not an assessment


def sitting_labels(times: list[datetime]) -> list[str]:
    """Dates a learner reads ("7 Dec"), with the year when the times span more than one and the time
    (UTC, as the attempts table) when a day holds more than one sitting, to the second if a minute does."""
    days = Counter(t.date() for t in times)
    minutes = Counter(t.replace(second=0, microsecond=0) for t in times)
    with_year = len({t.year for t in times}) > 1

    def clock(t):
        if days[t.date()] == 1:
            return ""
        return f" {t:%H:%M:%S}" if minutes[t.replace(second=0, microsecond=0)] > 1 else f" {t:%H:%M}"
    return [f"{t.day} {t:%b}" + (f" {t.year}" if with_year else "") + clock(t) for t in times]


def spread_labels(wanted: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label positions as close to `wanted` as they can be with at least `gap` between neighbours, within
    [low, high] when they fit there: end labels of lines that end close together never overlap."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [min(max(wanted[i], low), high) for i in order]
    for k in range(1, len(placed)):               # push down past the one above
        placed[k] = max(placed[k], placed[k - 1] + gap)
    if placed and placed[-1] > high:               # then back up from the bottom, as far as the top allows
        placed[-1] = max(high, low + gap * (len(placed) - 1))
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    out = [0.0] * len(wanted)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out


def _tick_indices(n: int, step: float, room: float) -> list[int]:
    """Which of n sittings `step` apart get their date under the axis: every k-th from the first, and the
    last instead of the one before it, so that dates `room` wide never run into each other."""
    k = max(1, math.ceil(room / step))
    shown = list(range(0, n, k))
    if shown[-1] != n - 1:
        shown[-1 if len(shown) > 1 and n - 1 - shown[-1] < k else len(shown):] = [n - 1]
    return shown


def progress_chart(sittings: list[Sitting], series: dict[str, list[tuple[int, int]]],
                   title: str = "Scores across your attempts") -> Markup:
    """A line per skill over the learner's submitted attempts, oldest first (`series`: skill name → (index
    into `sittings`, score)). Each line ends in its skill's name, spread so that no two overlap; a filled
    dot is an assessment, a hollow one practice; the legend says so and names every line."""
    if not sittings or not series:
        return Markup("")
    names = sorted(series)
    left, right, top, axis = 44.0, 200.0, 16.0, 30.0
    width, plot_h = 760.0, 244.0
    plot_w = width - left - right
    legend_top = top + plot_h + axis + 8
    per_row = 2
    rows = 1 + -(-len(names) // per_row)           # the marker row, then the lines' names
    height = legend_top + rows * 20 + 4
    step = plot_w / max(1, len(sittings) - 1)

    def x(index):
        return left + index * step if len(sittings) > 1 else left + plot_w / 2

    def y(score):
        return top + plot_h * (1 - max(0, min(SCALE_MAX, score)) / SCALE_MAX)

    parts = [f'<svg class="chart progress-chart" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
             f'aria-labelledby="progress-title progress-desc" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="progress-title">{escape(title)}</title>',
             '<desc id="progress-desc">Each line is one skill; each point is its score (0 to 300) after one submitted '
             'attempt, a filled dot after an assessment and a hollow one after practice. The table below lists the '
             'same scores.</desc>']
    for tick in (0, 150, 300):
        parts.append(f'<line class="grid" x1="{left:.1f}" y1="{y(tick):.1f}" x2="{left + plot_w:.1f}" y2="{y(tick):.1f}"/>')
        parts.append(f'<text class="tick" x="{left - 6:.1f}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    # A 12 px date is about 7 px a character. The first starts at its point and the last ends at its own,
    # so that neither leaves the chart: a middle one next to them needs one and a half widths.
    room = 1.5 * (7.0 * max(len(s.label) for s in sittings) + 12)
    for index in _tick_indices(len(sittings), step, room):
        anchor = "start" if index == 0 else "end" if index == len(sittings) - 1 else "middle"
        parts.append(f'<text class="tick" x="{x(index):.1f}" y="{top + plot_h + 20:.1f}" text-anchor="{anchor}">'
                     f'{escape(sittings[index].label)}</text>')
    ends = []
    for number, name in enumerate(names):
        points = sorted(series[name])
        coords = [(x(i), y(score), sittings[i].practice) for i, score in points]
        style = f"series series-{number % 6}" + (" series-dashed" if number >= 6 else "")
        parts.append(f'<g class="{style}">')
        parts.append('<polyline points="' + " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy, _ in coords) + '"/>')
        parts.extend(f'<circle class="{"practice" if practice else "assessment"}" cx="{cx:.1f}" cy="{cy:.1f}" r="4"/>'
                     for cx, cy, practice in coords)
        parts.append("</g>")
        ends.append((name, style, coords[-1][0], coords[-1][1]))
    label_x = left + plot_w + 16
    placed = spread_labels([end_y + 4 for _, _, _, end_y in ends], 15.0, top + 4, top + plot_h + 4)
    for (name, style, end_x, end_y), label_y in zip(ends, placed, strict=True):
        parts.append(f'<g class="{style}">')
        parts.append(f'<line class="leader" x1="{end_x + 6:.1f}" y1="{end_y:.1f}" x2="{label_x - 4:.1f}" '
                     f'y2="{label_y - 4:.1f}"/>')
        parts.append(f'<text class="label" x="{label_x:.1f}" y="{label_y:.1f}">{escape(_short(name, 24))}</text>')
        parts.append("</g>")
    parts.append(f'<g class="legend"><circle class="point-key" cx="{left + 6:.1f}" cy="{legend_top:.1f}" r="4"/>'
                 f'<text class="tick" x="{left + 16:.1f}" y="{legend_top + 4:.1f}">after an assessment</text>'
                 f'<circle class="point-key practice" cx="{left + 186:.1f}" cy="{legend_top:.1f}" r="4"/>'
                 f'<text class="tick" x="{left + 196:.1f}" y="{legend_top + 4:.1f}">after practice</text></g>')
    column = (width - left) / per_row
    for number, name in enumerate(names):
        lx, ly = left + (number % per_row) * column, legend_top + 20 * (1 + number // per_row)
        style = f"series series-{number % 6}" + (" series-dashed" if number >= 6 else "")
        parts.append(f'<g class="{style} legend">'
                     f'<polyline points="{lx:.1f},{ly:.1f} {lx + 22:.1f},{ly:.1f}"/>'
                     f'<text class="label" x="{lx + 30:.1f}" y="{ly + 4:.1f}">{escape(_short(name, 42))}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704 - every interpolated text is escaped above


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
