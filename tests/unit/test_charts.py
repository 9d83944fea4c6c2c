import xml.etree.ElementTree as ET

from quizapp.render.charts import COLOURS, progress_chart, skills_chart

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
    chart = progress_chart({"NumPy": [("2026-11-01 10:00", 120), ("2026-11-20 10:00", 170)],
                            "pandas": [("2026-11-01 10:00", 140), ("2026-11-20 10:00", 150)]})
    root = ET.fromstring(str(chart))
    assert len(root.findall(".//svg:polyline", NS)) == 2
    assert progress_chart({}) == ""


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
