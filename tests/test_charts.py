"""The SVG pictures: well-formed, accessible, inert, deterministic, and saying what the tables say."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES
from sap_cli.documents.charts import matrix_svg, pulse_svg, pulse_svg_from_rows, timeline_svg
from sap_cli.model.folder import Partnership
from sap_cli.review.figures import build_review
from sap_cli.validation.check import check_folder

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "</text><script>alert(1)</script>"
EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())

TIMELINE = f"""\
milestones:
  - id: first
    title: Kick-off
    due: 2026-01-20
    done: 2026-01-20
  - id: second
    title: "{HOSTILE}"
    due: 2026-02-10
    done: 2026-02-17
    deadline: hard
  - id: third
    title: Survey out
    due: 2026-03-01
  - id: fourth
    title: Report written
    due: 2026-05-01
"""


def _load(folder: Path) -> Partnership:
    partnership = check_folder(folder).partnership
    assert partnership is not None
    return partnership


def _all_charts(p: Partnership) -> dict[str, str]:
    return {
        "timeline": timeline_svg(p, p.latest_recorded_day()),
        "matrix": matrix_svg(p),
        "pulse": pulse_svg(p),
    }


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_every_chart_is_a_sized_accessible_inert_svg(example: str) -> None:
    for name, svg in _all_charts(_load(EXAMPLES / example)).items():
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg", name
        assert root.get("role") == "img"
        width, height = float(root.get("width", "0")), float(root.get("height", "0"))
        assert 0 < width <= 700 and height > 50  # fits an A4 page
        assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        labelled = (root.get("aria-labelledby") or "").split()
        assert labelled == [title.get("id"), desc.get("id")]
        tags = {element.tag.removeprefix(SVG) for element in root.iter()}
        assert not tags & {"script", "foreignObject", "image", "a", "use", "style", "iframe"}, name
        for element in root.iter():
            for attribute, value in element.attrib.items():
                assert "href" not in attribute and not attribute.startswith("on"), (name, attribute)
                assert "url(" not in value and "javascript:" not in value
        assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_charts_are_the_same_on_every_run(example: str) -> None:
    assert _all_charts(_load(EXAMPLES / example)) == _all_charts(_load(EXAMPLES / example))


def test_one_marker_per_milestone_and_late_ones_are_marked(make_partnership: Callable[..., Path]) -> None:
    p = _load(make_partnership(timeline=TIMELINE))
    root = ET.fromstring(timeline_svg(p, dt.date(2026, 3, 10)))
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "milestone"]
    assert len(groups) == len(p.timeline.milestones) == 4
    assert [g.get("data-state") for g in groups] == ["on time", "late", "overdue", "open"]
    late = groups[1]
    assert late.get("data-deadline") == "hard"
    assert "late, 7 days" in [t.text for t in late.iter(f"{SVG}text")]
    reached = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "reached"]
    assert len(reached) == 2  # only milestones done by the day shown


def test_after_the_end_an_overdue_milestone_is_missed_as_in_the_review(
    make_partnership: Callable[..., Path],
) -> None:
    p = _load(make_partnership(timeline=TIMELINE))
    as_of = dt.date(2026, 6, 30)
    root = ET.fromstring(timeline_svg(p, as_of))
    states = [g.get("data-state") for g in root.iter(f"{SVG}g") if g.get("class") == "milestone"]
    review = build_review(p, as_of)
    assert states == [m["timing"] for m in review["milestones"]["items"]]
    assert states.count("missed") == 2


def test_a_hostile_milestone_title_stays_text(make_partnership: Callable[..., Path]) -> None:
    svg = timeline_svg(_load(make_partnership(timeline=TIMELINE)), dt.date(2026, 3, 10))
    assert "<script" not in svg
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert any(text.startswith("</text><script>") for text in texts)


def test_the_matrix_has_a_cell_per_stage_and_level_with_the_planned_count() -> None:
    p = _load(EXAMPLES / "course-redesign")
    root = ET.fromstring(matrix_svg(p))
    cells = [g for g in root.iter(f"{SVG}g") if g.get("class") == "cell"]
    assert len(cells) == 4 * len(p.matrix.stages)
    planned = sum(int(g.get("data-planned", "0")) for g in cells)
    assert planned == sum(len(stage.involvements) for stage in p.matrix.stages)
    enacted = sum(int(value) for g in cells if (value := g.get("data-enacted", "")).isdigit())
    assert enacted == sum(len(s.enacted.involvements) for s in p.matrix.stages if s.enacted)


def test_the_pulse_has_a_point_per_average_the_review_shows() -> None:
    p = _load(EXAMPLES / "course-redesign")
    rows = build_review(p)["pulse"]
    root = ET.fromstring(pulse_svg(p))
    points = [g for g in root.iter(f"{SVG}g") if g.get("class") == "point"]
    expected = [(r["kind"], q, r[q]) for r in rows for q in ("heard", "workload") if r[q] is not None]
    found = [(g.get("data-group"), g.get("data-question"), float(g.get("data-value", "0"))) for g in points]
    assert sorted(found) == sorted(expected) and found


def test_the_pulse_from_grouped_rows_keeps_group_names_as_text() -> None:
    rows = [
        {"date": "2026-02-01", "group": HOSTILE, "heard": 4.0, "workload": None},
        {"date": "2026-03-01", "group": HOSTILE, "heard": 3.5, "workload": 2.0},
        {"date": "2026-03-01", "group": "all partners", "heard": None, "workload": 4.0},
    ]
    svg = pulse_svg_from_rows(rows)
    assert "<script" not in svg
    root = ET.fromstring(svg)
    points = [g for g in root.iter(f"{SVG}g") if g.get("class") == "point"]
    assert len(points) == 4
    assert {g.get("data-group") for g in points} == {HOSTILE, "all partners"}
    assert ET.fromstring(pulse_svg_from_rows([])).find(f"{SVG}title") is not None


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(ink: str, paper: str) -> float:
    light, dark = sorted((_luminance(ink), _luminance(paper)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _low_contrast_words(svg: str) -> list[tuple[str, str, str, float]]:
    """Each text whose ink on the rectangle drawn last under it is below WCAG AA's 4.5 to 1."""
    rects: list[tuple[float, float, float, float, str]] = []
    low = []
    for element in ET.fromstring(svg).iter():
        if element.tag == f"{SVG}rect" and element.get("fill", "none").startswith("#"):
            x, y = float(element.get("x", "0")), float(element.get("y", "0"))
            w, h = float(element.get("width", "0")), float(element.get("height", "0"))
            rects.append((x, y, w, h, element.get("fill", "")))
        elif element.tag == f"{SVG}text":
            x, y, ink = (
                float(element.get("x", "0")),
                float(element.get("y", "0")) - 4,
                element.get("fill", "#000000"),
            )
            under = [fill for rx, ry, w, h, fill in rects if rx <= x <= rx + w and ry <= y <= ry + h]
            paper = under[-1] if under else "#ffffff"
            if _contrast(ink, paper) < 4.5:
                low.append((element.text or "", ink, paper, round(_contrast(ink, paper), 2)))
    return low


@pytest.mark.parametrize("as_of", [dt.date(2026, 3, 10), dt.date(2026, 6, 30)])
def test_every_word_in_a_chart_is_dark_enough_to_read(
    make_partnership: Callable[..., Path], as_of: dt.date
) -> None:
    p = _load(make_partnership(timeline=TIMELINE))
    assert _low_contrast_words(timeline_svg(p, as_of)) == []  # on time, late, overdue, missed, open
    for example in EXAMPLE_NAMES:
        for name, svg in _all_charts(_load(EXAMPLES / example)).items():
            assert _low_contrast_words(svg) == [], (example, name)
