"""Server-rendered SVG charts: readable without JavaScript, in print, and (with their data
tables) by screen readers. Colour is never the only signal: every mark has a text label.
"""
from __future__ import annotations

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


def progress_chart(series: dict[str, list[tuple[str, int]]], title: str = "Scores across your attempts") -> Markup:
    """A line per skill over successive attempts (labels on the x axis), ending in the skill's name."""
    labels = sorted({label for points in series.values() for label, _ in points})
    if not labels:
        return Markup("")
    left, right, top, bottom = 44.0, 190.0, 16.0, 40.0
    width, height = 760.0, 300.0
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(labels) - 1)
    xs = {label: left + i * step for i, label in enumerate(labels)}

    def y(score):
        return top + plot_h * (1 - max(0, min(SCALE_MAX, score)) / SCALE_MAX)

    parts = [f'<svg class="chart progress-chart" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
             f'aria-labelledby="progress-title progress-desc" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="progress-title">{escape(title)}</title>',
             '<desc id="progress-desc">Each line is one skill; each point is its score (0 to 300) in one attempt. '
             'The table below lists the same scores.</desc>']
    for tick in (0, 150, 300):
        parts.append(f'<line class="grid" x1="{left:.1f}" y1="{y(tick):.1f}" x2="{left + plot_w:.1f}" y2="{y(tick):.1f}"/>')
        parts.append(f'<text class="tick" x="{left - 6:.1f}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    for label in labels:
        parts.append(f'<text class="tick" x="{xs[label]:.1f}" y="{height - 14:.1f}" text-anchor="middle">'
                     f'{escape(label[5:16])}</text>')
    for index, (name, points) in enumerate(sorted(series.items())):
        coords = [(xs[label], y(score)) for label, score in sorted(points)]
        path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coords)
        parts.append(f'<g class="series series-{index % 6}">')
        parts.append(f'<polyline points="{path}"/>')
        parts.extend(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="4"/>' for x, yy in coords)
        last_x, last_y = coords[-1]
        parts.append(f'<text class="label" x="{last_x + 8:.1f}" y="{last_y + 4:.1f}">{escape(_short(name, 24))}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704 - every interpolated text is escaped above


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
