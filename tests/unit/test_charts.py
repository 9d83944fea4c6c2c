import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from quizapp.render.charts import COLOURS, Sitting, progress_chart, sitting_labels, skills_chart, spread_labels

NS = {"svg": "http://www.w3.org/2000/svg"}
ROWS = [
    {"name": "Linear <algebra>", "status": "gap", "band": [60, 120], "score": 90, "target_score": 150},
    {"name": "NumPy", "status": "no_gap", "band": [170, 240], "score": 205, "target_score": 150},
    {"name": "pandas", "status": "uncertain", "band": [110, 190], "score": 150, "target_score": 150},
]


def test_skills_chart_is_valid_svg_with_a_row_and_a_word_per_skill():
    root = ET.fromstring(str(skills_chart(ROWS)))
    assert root.get("role") == "img" and root.find("svg:title", NS).text
    rows = root.findall("svg:g", NS)
    assert len(rows) == 3
    texts = [t.text for g in rows for t in g.findall("svg:text", NS)]
    assert "Linear <algebra>" in texts  # escaped in the markup, intact once parsed
    assert {"Gap", "No gap", "Not sure yet"} <= set(texts)  # status in words, never colour alone


def test_marks_sit_where_the_numbers_say():
    root = ET.fromstring(str(skills_chart(ROWS)))
    first = root.findall("svg:g", NS)[0]
    band = first.find("svg:rect", NS)
    point = first.find("svg:circle", NS)
    target = first.find("svg:line", NS)
    x0 = float(band.get("x"))
    assert float(point.get("cx")) > x0  # estimate inside its band
    assert float(band.get("x")) + float(band.get("width")) < float(target.get("x1"))  # whole band below target


def test_progress_chart_has_a_line_per_skill():
    chart = progress_chart([Sitting("1 Nov", False), Sitting("20 Nov", True)],
                           {"NumPy": [(0, 120), (1, 170)], "pandas": [(0, 140), (1, 150)]})
    root = ET.fromstring(str(chart))
    assert len(root.findall(".//svg:polyline", NS)) == 2 + 2  # each line, and its key in the legend
    assert progress_chart([], {}) == ""


def texts(root, klass):
    return [t for t in root.iter(f"{{{NS['svg']}}}text") if t.get("class") == klass]


def test_progress_chart_has_a_legend_naming_every_line_and_both_kinds_of_point():
    names = [f"Skill {n}" for n in range(8)]
    chart = progress_chart([Sitting("1 Nov", False), Sitting("2 Nov", True), Sitting("3 Nov", False)],
                           {name: [(0, 100), (1, 110), (2, 120)] for name in names})
    root = ET.fromstring(str(chart))
    legend = [t.text for g in root.iter(f"{{{NS['svg']}}}g") if "legend" in (g.get("class") or "").split()
              for t in g.findall("svg:text", NS)]
    assert legend == ["after an assessment", "after practice", *names]
    circles = [c.get("class") for c in root.iter(f"{{{NS['svg']}}}circle") if c.get("class") in ("assessment", "practice")]
    assert circles.count("practice") == 8 and circles.count("assessment") == 16
    assert sum("series-dashed" in (g.get("class") or "") for g in root.iter(f"{{{NS['svg']}}}g")) == 2 * 3  # 7th, 8th


def test_end_labels_of_lines_ending_together_never_overlap():
    """Eight skills ending on the same score: their names are spread 15 apart, inside the chart's height."""
    chart = progress_chart([Sitting("1 Nov", False), Sitting("2 Nov", False)],
                           {f"Skill {n}": [(0, 100 + n), (1, 150)] for n in range(8)})
    root = ET.fromstring(str(chart))
    ends = sorted(float(t.get("y")) for t in texts(root, "label") if float(t.get("x")) > 560 - 1)
    assert len(ends) == 8
    assert all(b - a >= 15 - 1e-9 for a, b in zip(ends, ends[1:], strict=False))
    assert ends[0] >= 16 and ends[-1] <= 16 + 244 + 4


@pytest.mark.parametrize("wanted, low, high", [
    ([50, 50, 50], 0, 300), ([0, 0, 1, 300], 10, 290), ([290, 295, 300, 300], 0, 300), ([5, 100], 0, 300),
    (list(range(20)), 0, 100),   # more than fit: spaced anyway, from the top
])
def test_spread_labels_keeps_the_gap_and_order_and_stays_close(wanted, low, high):
    placed = spread_labels(wanted, 15, low, high)
    in_order = [placed[i] for i in sorted(range(len(wanted)), key=lambda i: wanted[i])]
    assert all(b - a >= 15 - 1e-9 for a, b in zip(in_order, in_order[1:], strict=False))
    assert min(placed) >= low
    if 15 * (len(wanted) - 1) <= high - low:
        assert max(placed) <= high
    if wanted == [5, 100]:
        assert placed == [5, 100]  # far apart already: left where they are


def test_sitting_labels_are_dates_with_a_time_only_where_a_day_has_two():
    times = [datetime(2026, 11, 1, 9, 5), datetime(2026, 11, 20, 10, 0), datetime(2026, 11, 20, 16, 30)]
    assert sitting_labels(times) == ["1 Nov", "20 Nov 10:00", "20 Nov 16:30"]
    assert sitting_labels([datetime(2025, 12, 30), datetime(2026, 1, 2)]) == ["30 Dec 2025", "2 Jan 2026"]
    assert sitting_labels([datetime(2026, 12, 7, 16, 45, 3), datetime(2026, 12, 7, 16, 45, 59)]) == [
        "7 Dec 16:45:03", "7 Dec 16:45:59"]


@pytest.mark.parametrize("n", range(2, 40))
@pytest.mark.parametrize("label", ["{} Dec", "{} Dec 10:00", "{} Dec 2025 10:00"])
def test_dates_under_the_axis_never_run_into_each_other_or_off_the_chart(n, label):
    chart = progress_chart([Sitting(label.format(i + 1), False) for i in range(n)],
                           {"A": [(i, 100) for i in range(n)], "B": [(i, 200) for i in range(n)]})
    root = ET.fromstring(str(chart))
    dates = [t for t in texts(root, "tick") if float(t.get("y")) == 16 + 244 + 20]
    assert (dates[0].text, dates[-1].text) == (label.format(1), label.format(n))   # the first and the last
    extents = []
    for t in dates:
        x, width = float(t.get("x")), 7 * len(t.text) + 12   # as wide as the chart reckons a 12 px date
        shift = {"start": 0, "middle": width / 2, "end": width}[t.get("text-anchor")]
        extents.append((x - shift, x - shift + width))
    assert extents[0][0] >= 0 and extents[-1][1] <= 760
    assert all(right <= left for (_, right), (left, _) in zip(extents, extents[1:], strict=False))


def test_every_mark_carries_its_colour_for_renderers_without_the_stylesheet():
    """WeasyPrint applies no page CSS to an inline SVG: without these attributes bars are black, targets gone."""
    root = ET.fromstring(str(skills_chart(ROWS)))
    for g, row in zip(root.findall("svg:g", NS), ROWS, strict=True):
        assert g.find("svg:rect", NS).get("fill") == COLOURS["band"]
        assert g.find("svg:circle", NS).get("fill") == COLOURS["point"]
        target = g.find("svg:line", NS)
        assert target.get("stroke") == COLOURS["target"] and target.get("stroke-dasharray")
        label, status = g.findall("svg:text", NS)
        assert label.get("font-size") and status.get("fill") == COLOURS[row["status"]]


def test_longer_labels_get_a_wider_margin_not_a_narrower_plot():
    long = [{**ROWS[0], "name": "Data preprocessing and feature engineering"}]
    short, whole = (ET.fromstring(str(skills_chart(long, **kw))) for kw in ({}, {"label_chars": 44}))
    assert short.find("svg:g/svg:text", NS).text.endswith("…")
    assert whole.find("svg:g/svg:text", NS).text == "Data preprocessing and feature engineering"
    widths = [float(svg.get("viewBox").split()[2]) for svg in (short, whole)]
    bands = [float(svg.find("svg:g/svg:rect", NS).get("width")) for svg in (short, whole)]
    assert widths[1] - widths[0] == 7.5 * 12 and bands[0] == bands[1]
    assert float(whole.find("svg:g/svg:text", NS).get("x")) >= 7.5 * 42
