"""Pictures of a partnership as SVG text: the timeline, the participation matrix and the pulse.

Each picture is a self-contained SVG (a fixed size that reads at A4 width, role="img", a <title>
and a <desc> for screen readers, no script, font, link or other file) built from the same
definitions as the tables, so a picture never disagrees with them. Every piece of partner text is
escaped for XML. Colours are the Okabe-Ito palette, which reads with every common colour blindness,
and no meaning is carried by colour alone: shapes and words say it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from sap_cli.documents.svg import (
    BLUE,
    GREEN,
    GREY,
    MONTHS,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    WIDTH,
    as_of_marker,
)
from sap_cli.documents.svg import attrs as _attrs
from sap_cli.documents.svg import clip as _clip
from sap_cli.documents.svg import n as _n
from sap_cli.documents.svg import plural as _plural
from sap_cli.documents.svg import svg as _svg
from sap_cli.documents.svg import text as _text
from sap_cli.meetings.ledger import pulse_by_kind
from sap_cli.meetings.standing import final_word, timing
from sap_cli.model.vocab import LEVEL_LABELS

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership

# ---- The timeline: each milestone planned and reached ------------------------------------------

LABEL_W, STATUS_W, ROW_H, TOP = 210, 110, 24, 46
PLOT_X0 = LABEL_W
PLOT_W = WIDTH - LABEL_W - STATUS_W - 10

STATE_COLOURS = {"on time": GREEN, "late": VERMILLION, "overdue": VERMILLION, "missed": VERMILLION}
# The same hues, dark enough for words on white (WCAG AA, 4.5 to 1): the marks keep the brighter ones.
STATE_INK = {"on time": "#007A55", "late": "#B34700", "overdue": "#B34700", "missed": "#B34700"}


def _month_ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of each month between start and end, thinned to at most 8 labels."""
    ticks = []
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        if day >= start:
            ticks.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    step = -(-len(ticks) // 8) if ticks else 1
    return ticks[::step]


def _month_label(day: dt.date, first: bool) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}" if first or day.month == 1 else MONTHS[day.month - 1]


def timeline_svg(partnership: Partnership, as_of: dt.date) -> str:
    """Milestones by due date: planned (hollow diamond) and reached (filled circle), late ones marked.

    The state of each is `meetings.standing.timing` as of `as_of`, with the review's word 'missed'
    for overdue milestones once the project has ended, as the tables say.
    """
    project = partnership.project
    finished = as_of >= project.end
    milestones = sorted(partnership.timeline.milestones, key=lambda m: m.due)
    days = [project.start, project.end, *(m.due for m in milestones)]
    days += [m.done for m in milestones if m.done is not None and m.done <= as_of]
    start, end = min(days), max(days)
    span = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        return PLOT_X0 + (day - start).days / span * PLOT_W

    rows_h = max(len(milestones), 1) * ROW_H
    axis_y = TOP + rows_h + 6
    body = [
        _text(10, 22, "Milestones: planned and reached", font_size=15, font_weight="bold"),
        _text(WIDTH - STATUS_W, TOP - 8, "Where it stands", font_weight="bold"),
        f"<line{_attrs(x1=PLOT_X0, y1=axis_y, x2=PLOT_X0 + PLOT_W, y2=axis_y, stroke=GREY)}/>",
    ]
    for n, tick in enumerate(_month_ticks(start, end)):
        tx = x(tick)
        body.append(f"<line{_attrs(x1=_n(tx), y1=TOP - 4, x2=_n(tx), y2=axis_y + 4, stroke='#dddddd')}/>")
        body.append(_text(tx, axis_y + 18, _month_label(tick, n == 0), text_anchor="middle", fill="#333333"))
    if start <= as_of <= end:
        body.extend(as_of_marker(x(as_of), TOP, axis_y, as_of.isoformat()))
    counts: dict[str, int] = {}
    for row, m in enumerate(milestones):
        state = final_word(timing(m.due, m.done, as_of), finished)
        counts[state] = counts.get(state, 0) + 1
        y = TOP + row * ROW_H + ROW_H / 2
        due_x = x(m.due)
        colour = STATE_COLOURS.get(state, BLUE)
        width = 3 if m.deadline == "hard" else 1.5
        parts = [
            f"<g{_attrs(class_='milestone', data_state=state, data_deadline=m.deadline)}>",
            f"<title>{escape(f'{m.title}: due {m.due.isoformat()}, {state}')}</title>",
            _text(
                10,
                y + 4,
                _clip(m.title, 24 if m.deadline == "hard" else 31)
                + (" (hard)" if m.deadline == "hard" else ""),
            ),
            f"<path{_attrs(d=_diamond(due_x, y), fill='#ffffff', stroke=colour, stroke_width=width)}/>",
        ]
        if state in ("on time", "late") and m.done is not None:
            done_x = _n(x(m.done))
            if state == "late":
                line = _attrs(x1=_n(due_x), y1=_n(y), x2=done_x, y2=_n(y), stroke=colour, stroke_width=2)
                parts.append(f"<line{line}/>")
            parts.append(f"<circle{_attrs(class_='reached', cx=done_x, cy=_n(y), r=5, fill=colour)}/>")
        parts.append(
            _text(
                WIDTH - STATUS_W, y + 4, _status_words(state, m.due, m.done), fill=STATE_INK.get(state, BLUE)
            )
        )
        parts.append("</g>")
        body.append("".join(parts))
    if not milestones:
        body.append(_text(PLOT_X0, TOP + 16, "No milestones are planned yet.", fill="#333333"))
    legend_y = axis_y + 40
    body += _timeline_legend(legend_y)
    summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "none"
    desc = (
        f"{_plural(len(milestones), 'milestone')} between {start.isoformat()} and {end.isoformat()}, "
        f"as of {as_of.isoformat()}: {summary}."
    )
    return _svg("timeline", legend_y + 14, "Timeline: milestones planned and reached", desc, body)


def _diamond(cx: float, cy: float, r: float = 6) -> str:
    return f"M{_n(cx)} {_n(cy - r)} L{_n(cx + r)} {_n(cy)} L{_n(cx)} {_n(cy + r)} L{_n(cx - r)} {_n(cy)} Z"


def _status_words(state: str, due: dt.date, done: dt.date | None) -> str:
    if state == "late" and done is not None:
        return f"late, {_plural((done - due).days, 'day')}"
    return {"on time": "done on time", "open": "still open"}.get(state, state)


def _timeline_legend(y: float) -> list[str]:
    return [
        f"<path{_attrs(d=_diamond(16, y - 4), fill='#ffffff', stroke=BLUE, stroke_width=1.5)}/>",
        _text(28, y, "planned date (thick outline: a hard deadline)"),
        f"<circle{_attrs(cx=316, cy=_n(y - 4), r=5, fill=GREEN)}/>",
        _text(326, y, "reached"),
        f"<line{_attrs(x1=390, y1=_n(y - 4), x2=412, y2=_n(y - 4), stroke=VERMILLION, stroke_width=2)}/>",
        f"<circle{_attrs(cx=412, cy=_n(y - 4), r=5, fill=VERMILLION)}/>",
        _text(424, y, "reached late, or overdue"),
    ]


# ---- The participation matrix: stages by levels, planned beside enacted ------------------------

M_LABEL_W, M_ROW_H, M_TOP = 200, 30, 70


def matrix_svg(partnership: Partnership) -> str:
    """The matrix of matrix.yaml (see `matrix_svg_from_rows`)."""
    return matrix_svg_from_rows([_stage_row(stage) for stage in partnership.matrix.stages])


def _stage_row(stage: Any) -> dict[str, Any]:
    planned = [{"level": i.level} for i in stage.involvements]
    enacted = None if stage.enacted is None else [{"level": i.level} for i in stage.enacted.involvements]
    return {"name": stage.name, "planned": planned, "enacted": enacted}


def matrix_svg_from_rows(stages: Sequence[Mapping[str, Any]]) -> str:
    """Bovill's matrix as a grid: a row per stage, a column per level; in each cell the number of
    planned involvements (left, blue) beside those that happened (right, orange). Each row (the
    review's, or the anonymised review's) has a name, 'planned' and 'enacted' (lists of
    {'level': ...}; 'enacted' None when not recorded)."""
    levels = list(LEVEL_LABELS)
    col_w = (WIDTH - M_LABEL_W - 10) / len(levels)
    body = [
        _text(10, 22, "How students take part at each stage", font_size=15, font_weight="bold"),
        f"<rect{_attrs(x=10, y=32, width=12, height=12, fill=BLUE)}/>",
        _text(28, 42, "planned"),
        f"<rect{_attrs(x=100, y=32, width=12, height=12, fill=ORANGE)}/>",
        _text(118, 42, "what happened"),
        f"<rect{_attrs(x=240, y=32, width=12, height=12, fill='#eeeeee', stroke=GREY)}/>",
        _text(258, 42, "not recorded yet"),
    ]
    for c, level in enumerate(levels):
        body.append(
            _text(M_LABEL_W + c * col_w + col_w / 2, M_TOP - 8, LEVEL_LABELS[level], text_anchor="middle")
        )
    for r, stage in enumerate(stages):
        y = M_TOP + r * M_ROW_H
        body.append(_text(10, y + M_ROW_H / 2 + 4, f"{r + 1}. {_clip(str(stage['name']), 26)}"))
        enacted_rows = stage.get("enacted")
        for c, level in enumerate(levels):
            planned = sum(1 for i in stage.get("planned") or [] if i["level"] == level)
            enacted = None if enacted_rows is None else sum(1 for i in enacted_rows if i["level"] == level)
            body.append(_matrix_cell(M_LABEL_W + c * col_w, y, col_w, level, planned, enacted))
    if not stages:
        body.append(_text(10, M_TOP + 20, "No stages are planned yet.", fill="#333333"))
    enacted_count = sum(1 for s in stages if s.get("enacted") is not None)
    desc = (
        f"{_plural(len(stages), 'stage')} by the four levels inform, consult, participate and "
        f"partnership; what happened is recorded for {enacted_count} of them. Each cell gives the "
        "number of groups of students planned at that level, and the number that took part."
    )
    height = M_TOP + max(len(stages), 1) * M_ROW_H + 14
    return _svg("matrix", height, "Participation matrix: planned and what happened", desc, body)


def _matrix_cell(x: float, y: float, w: float, level: str, planned: int, enacted: int | None) -> str:
    half = (w - 8) / 2
    shown = "not recorded" if enacted is None else str(enacted)
    parts = [
        f"<g{_attrs(class_='cell', data_level=level, data_planned=planned, data_enacted=shown)}>",
        f"<title>{escape(f'{LEVEL_LABELS[level]}: {planned} planned, {shown} happened')}</title>",
    ]
    for offset, value, colour, ink in ((2, planned, BLUE, "#ffffff"), (half + 4, enacted, ORANGE, "#000000")):
        fill = "#eeeeee" if value is None else colour if value else "#ffffff"
        box = _attrs(
            x=_n(x + offset), y=_n(y + 3), width=_n(half), height=M_ROW_H - 6, fill=fill, stroke=GREY
        )
        parts.append(f"<rect{box}/>")
        if value:
            parts.append(
                _text(x + offset + half / 2, y + M_ROW_H / 2 + 4, str(value), text_anchor="middle", fill=ink)
            )
    parts.append("</g>")
    return "".join(parts)


# ---- The pulse: felt heard and workload over the meetings, per kind of partner ----------------

SERIES = (
    (BLUE, "none", "circle"),
    (ORANGE, "6 3", "square"),
    (PURPLE, "2 3", "triangle"),
    (SKY, "8 3 2 3", "diamond"),
)
QUESTIONS = (("heard", "Felt heard (5: fully)"), ("workload", "Workload (5: just right)"))
P_TOP, P_H, P_LEFT = 60, 170, 40


def pulse_svg(partnership: Partnership) -> str:
    """The average pulse per kind of partner at each meeting (`meetings.ledger.pulse_by_kind`)."""
    rows = [
        {"group": kind, **point} for kind, points in pulse_by_kind(partnership).items() for point in points
    ]
    return pulse_svg_from_rows(rows)


def pulse_svg_from_rows(rows: Sequence[Mapping[str, Any]]) -> str:
    """The pulse from rows already grouped (the review's, or the anonymised review's groups).

    Each row has a date (YYYY-MM-DD), a group (or, failing that, a kind) and 'heard' and
    'workload' averages, None where nobody answered.
    """
    groups: list[str] = []
    for row in rows:
        name = str(row.get("group") or row.get("kind") or "partners")
        if name not in groups:
            groups.append(name)
    dates = sorted({str(row["date"]) for row in rows})
    panel_w = (WIDTH - 3 * P_LEFT) / 2
    body = [_text(10, 22, "How partners felt, meeting by meeting", font_size=15, font_weight="bold")]
    for q, (question, label) in enumerate(QUESTIONS):
        x0 = P_LEFT + q * (panel_w + P_LEFT)
        body += _pulse_panel(x0, panel_w, question, label, dates, groups, rows)
    legend_y = P_TOP + P_H + 46
    for g, name in enumerate(groups):
        colour, dash, shape = SERIES[g % len(SERIES)]
        lx = 10 + (g % 3) * 220
        ly = legend_y + (g // 3) * 18
        line = _attrs(
            x1=lx, y1=ly - 4, x2=lx + 24, y2=ly - 4, stroke=colour, stroke_width=2, stroke_dasharray=dash
        )
        body.append(f"<line{line}/>{_marker(shape, lx + 12, ly - 4, colour)}")
        body.append(_text(lx + 30, ly, _clip(name, 28)))
    if not rows:
        body.append(_text(P_LEFT, P_TOP + P_H / 2, "No pulse scores were recorded.", fill="#333333"))
    desc = (
        f"Average scores from 1 to 5 at {_plural(len(dates), 'meeting')}, for "
        f"{', '.join(groups) or 'nobody'}: how heard partners felt, and how fair the workload was."
    )
    height = legend_y + ((len(groups) - 1) // 3 + 1) * 18
    return _svg("pulse", height, "Pulse: felt heard and workload over time", desc, body)


def _pulse_panel(
    x0: float,
    w: float,
    question: str,
    label: str,
    dates: list[str],
    groups: list[str],
    rows: Sequence[Mapping[str, Any]],
) -> list[str]:
    def x(date: str) -> float:
        return x0 + w / 2 if len(dates) < 2 else x0 + dates.index(date) / (len(dates) - 1) * w

    def y(score: float) -> float:
        return P_TOP + (5 - score) / 4 * P_H

    out = [_text(x0, P_TOP - 14, label, font_weight="bold")]
    for score in range(1, 6):
        grid = _attrs(x1=_n(x0), y1=_n(y(score)), x2=_n(x0 + w), y2=_n(y(score)), stroke="#dddddd")
        out.append(
            f"<line{grid}/>" + _text(x0 - 8, y(score) + 4, str(score), text_anchor="end", fill="#333333")
        )
    if dates:
        anchor = "middle" if len(dates) < 2 else "start"
        out.append(_text(x(dates[0]), P_TOP + P_H + 18, _day(dates[0]), text_anchor=anchor, font_size=11))
    if len(dates) > 1:
        out.append(_text(x(dates[-1]), P_TOP + P_H + 18, _day(dates[-1]), text_anchor="end", font_size=11))
    for g, name in enumerate(groups):
        colour, dash, shape = SERIES[g % len(SERIES)]
        points = [
            (x(str(row["date"])), y(float(row[question])), float(row[question]), str(row["date"]))
            for row in sorted(rows, key=lambda row: str(row["date"]))
            if str(row.get("group") or row.get("kind") or "partners") == name
            and row.get(question) is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{_n(px)},{_n(py)}" for px, py, _, _ in points)
            style = _attrs(fill="none", stroke=colour, stroke_width=2, stroke_dasharray=dash)
            out.append(f"<polyline{_attrs(points=path)}{style}/>")
        for px, py, value, date in points:
            out.append(
                f"<g{_attrs(class_='point', data_group=name, data_question=question, data_value=value)}>"
                f"<title>{escape(f'{name}, {date}: {value:g}')}</title>{_marker(shape, px, py, colour)}</g>"
            )
    return out


def _day(iso: str) -> str:
    """'17 Feb 2026' from '2026-02-17', in the same words on every machine."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _marker(shape: str, cx: float, cy: float, colour: str) -> str:
    if shape == "square":
        return f"<rect{_attrs(x=_n(cx - 4), y=_n(cy - 4), width=8, height=8, fill=colour)}/>"
    if shape == "triangle":
        d = f"M{_n(cx)} {_n(cy - 5)} L{_n(cx + 5)} {_n(cy + 4)} L{_n(cx - 5)} {_n(cy + 4)} Z"
        return f"<path{_attrs(d=d, fill=colour)}/>"
    if shape == "diamond":
        return f"<path{_attrs(d=_diamond(cx, cy, 5), fill=colour)}/>"
    return f"<circle{_attrs(cx=_n(cx), cy=_n(cy), r=4, fill=colour)}/>"
