"""The programme review's pictures, as SVG text drawn from the programme's rows.

`levels_svg` is documents/charts.py's participation matrix with a partnership where a partnership's
matrix has a group of students: in each cell, how many partnerships planned that level as their
highest at that stage, beside how many reached it. `partnerships_svg` draws one bar per partnership
from its start to its end. Both are self-contained (role="img", a <title> and a <desc>, no script or
font), with every piece of text escaped for XML, in the same palette as charts.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from sap_cli.documents.charts import matrix_svg_from_rows
from sap_cli.documents.svg import BLUE, FONT, GREY, MONTHS, ORANGE, WIDTH, as_of_marker

_MATRIX_DESC = (
    "Each cell gives the number of groups of students planned at that level, and the number that took part."
)


def levels_svg(rows: Sequence[Mapping[str, Any]]) -> str:
    """Stages (in the order partnerships list them) by level: partnerships whose highest level
    planned at that stage is each level, beside those whose highest level enacted is."""
    stages: dict[str, dict[str, Any]] = {}
    for row in rows:
        for stage in row.get("stages") or []:
            entry = stages.setdefault(stage["id"], {"name": stage["name"], "planned": [], "enacted": []})
            if stage["planned"] is not None:
                entry["planned"].append({"level": stage["planned"]})
            if stage["enacted"] is not None:
                entry["enacted"].append({"level": stage["enacted"]})
    drawn = [{**s, "enacted": s["enacted"] or None} for s in stages.values()]
    svg = matrix_svg_from_rows(drawn)
    return svg.replace(
        _MATRIX_DESC,
        f"Across {len(rows)} partnerships, each cell gives the number of partnerships whose highest level "
        "planned at that stage is this level, and the number whose highest level recorded as happening is.",
    ).replace("How students take part at each stage", "Highest level at each stage, across the programme")


def _attrs(**values: object) -> str:
    return "".join(f" {k.rstrip('_').replace('_', '-')}={quoteattr(str(v))}" for k, v in values.items())


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _text(x: float, y: float, words: str, **attrs: object) -> str:
    return f"<text{_attrs(x=_n(x), y=_n(y), **attrs)}>{escape(words)}</text>"


def _clip(words: str, most: int) -> str:
    words = " ".join(words.split())
    return words if len(words) <= most else words[: most - 1].rstrip() + "…"


LABEL_W, ROW_H, TOP = 180, 20, 50


def partnerships_svg(bars: Sequence[Mapping[str, Any]], as_of: dt.date) -> str:
    """One bar per partnership from its start to its end (each bar a mapping with 'label', 'start'
    and 'end' as YYYY-MM-DD, None when unknown), the finished ones in blue, the rest in orange,
    with a line on `as_of`. A partnership without dates is listed, with no bar, saying so."""
    dated = [b for b in bars if b.get("start") and b.get("end")]
    days = [dt.date.fromisoformat(str(b[k])) for b in dated for k in ("start", "end")] or [as_of]
    first, last = min([*days, as_of]), max([*days, as_of])
    span = max((last - first).days, 1)
    plot_w = WIDTH - LABEL_W - 20

    def x(day: dt.date) -> float:
        return LABEL_W + (day - first).days / span * plot_w

    height = TOP + max(len(bars), 1) * ROW_H + 50
    axis_y = TOP + max(len(bars), 1) * ROW_H + 4
    ids = "sap-partnerships-title sap-partnerships-desc"
    desc = (
        f"{len(bars)} partnerships between {first.isoformat()} and {last.isoformat()}, each a bar from "
        f"its start to its end; {sum(bool(b.get('finished')) for b in bars)} finished by {as_of.isoformat()}."
    )
    body = [
        f'<svg xmlns="http://www.w3.org/2000/svg"{_attrs(width=WIDTH, height=_n(height))}'
        f"{_attrs(viewBox=f'0 0 {WIDTH} {_n(height)}', role='img', aria_labelledby=ids)}"
        f"{_attrs(font_family=FONT, font_size=12)}>",
        '<title id="sap-partnerships-title">Partnerships over time</title>',
        f'<desc id="sap-partnerships-desc">{escape(desc)}</desc>',
        f'<rect width="{WIDTH}" height="{_n(height)}" fill="#ffffff"/>',
        _text(10, 22, "Partnerships over time", font_size=15, font_weight="bold"),
        f"<rect{_attrs(x=260, y=12, width=12, height=12, fill=BLUE)}/>",
        _text(278, 22, "finished"),
        f"<rect{_attrs(x=350, y=12, width=12, height=12, fill=ORANGE)}/>",
        _text(368, 22, "running or not finished"),
        f"<line{_attrs(x1=LABEL_W, y1=axis_y, x2=LABEL_W + plot_w, y2=axis_y, stroke=GREY)}/>",
    ]
    day = dt.date(first.year, first.month, 1)
    ticks = []
    while day <= last:
        if day >= first:
            ticks.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    for n, tick in enumerate(ticks[:: -(-len(ticks) // 8) or 1]):
        label = (
            f"{MONTHS[tick.month - 1]} {tick.year}" if n == 0 or tick.month == 1 else MONTHS[tick.month - 1]
        )
        body.append(
            f"<line{_attrs(x1=_n(x(tick)), y1=TOP - 4, x2=_n(x(tick)), y2=axis_y, stroke='#dddddd')}/>"
        )
        body.append(_text(x(tick), axis_y + 16, label, text_anchor="middle", fill="#333333"))
    for r, bar in enumerate(bars):
        y = TOP + r * ROW_H
        label = str(bar.get("label") or "")
        parts = [f"<g{_attrs(class_='partnership')}>", _text(10, y + 14, _clip(label, 26))]
        if bar.get("start") and bar.get("end"):
            start, end = (dt.date.fromisoformat(str(bar[k])) for k in ("start", "end"))
            colour = BLUE if bar.get("finished") else ORANGE
            parts.append(f"<title>{escape(f'{label}: {start.isoformat()} to {end.isoformat()}')}</title>")
            box = _attrs(
                x=_n(x(start)), y=y + 4, width=_n(max(x(end) - x(start), 2)), height=ROW_H - 8, fill=colour
            )
            parts.append(f"<rect{box}/>")
        else:
            parts.append(f"<title>{escape(f'{label}: dates unknown')}</title>")
            parts.append(_text(LABEL_W, y + 14, "dates unknown (does not validate)", fill="#333333"))
        body.append("".join([*parts, "</g>"]))
    body.extend(as_of_marker(x(as_of), TOP, axis_y, as_of.isoformat()))
    return "\n".join([*body, "</svg>", ""])
