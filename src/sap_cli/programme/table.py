"""The programme as spreadsheet tables: the columns of `sap programme --format csv|xlsx`, named once.

Every cell is taken from a row's JSON data (programme/rows.py) or from the roll-up
(programme/rollup.py); nothing is counted again here. The column names are a contract, as the JSON
keys are (the README lists them): add new ones at the end of their group, never rename one.

Tables: "partnerships" (one row per partnership, then a `custom.<name>` column per custom field),
"stages" (one row per partnership and stage), "counts" (partnerships by area, round, stream,
phase, power-transfer verdict, health and each custom field) and "levels" (stages at each Bovill
level, planned and enacted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sap_cli.files.spreadsheet import Cell, Table
from sap_cli.programme.info import ProgrammeInfo
from sap_cli.programme.rollup import custom_keys
from sap_cli.programme.rows import Row
from sap_cli.review.figures import LEVEL_ORDER

JOIN = "; "  # between the items of a list in one cell


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _join(values: list[Any] | None) -> str | None:
    return JOIN.join(str(v) for v in values) if values else None


def _in(key: str, *path: str) -> Callable[[dict[str, Any]], Cell]:
    """The value at data[key][path...], or None when any step is unknown."""

    def get(data: dict[str, Any]) -> Cell:
        value = data[key]
        for step in path:
            if value is None:
                return None
            value = value[step]
        return value  # type: ignore[no-any-return]

    return get


def _highest(side: str) -> Callable[[dict[str, Any]], Cell]:
    def get(data: dict[str, Any]) -> Cell:
        levels = [stage[side] for stage in data["stages"] if stage[side] is not None]
        return max(levels, key=LEVEL_ORDER.__getitem__) if levels else None

    return get


def _stages_with(side: str) -> Callable[[dict[str, Any]], Cell]:
    return lambda data: sum(stage[side] is not None for stage in data["stages"]) if data["valid"] else None


# The "partnerships" table, in order. Broken rows give None (an empty cell) for every figure.
COLUMNS: tuple[tuple[str, Callable[[dict[str, Any]], Cell]], ...] = (
    ("path", lambda data: data["path"]),
    ("valid", lambda data: data["valid"]),
    ("errors", lambda data: data["errors"]),
    ("warnings", lambda data: data["warnings"]),
    ("problem", lambda data: data["problem"]),
    ("title", lambda data: data["title"]),
    ("areas", lambda data: _join(data["areas"])),
    ("round", lambda data: data["round"]),
    ("stream", lambda data: data["stream"]),
    ("phase", lambda data: data["phase"]),
    ("start", lambda data: _day(data["start"])),
    ("end", lambda data: _day(data["end"])),
    ("finished", lambda data: data["finished"]),
    ("students", _in("partners", "student", "current")),
    ("staff", _in("partners", "staff", "current")),
    ("others", _in("partners", "other", "current")),
    ("students_left", _in("partners", "student", "left")),
    ("staff_left", _in("partners", "staff", "left")),
    ("cadence", _in("meetings", "cadence")),
    ("meetings_held", _in("meetings", "held")),
    ("last_meeting", lambda data: _day(data["meetings"]["last"]) if data["meetings"] else None),
    ("last_meeting_days", _in("meetings", "days_since_last")),
    ("meeting_overdue", _in("meetings", "overdue")),
    ("overdue_actions", lambda data: data["overdue_actions"]),
    ("goals_done", _in("goals", "done")),
    ("goals_total", _in("goals", "total")),
    ("agreement_version", _in("agreement", "version")),
    ("signed_by_all", _in("agreement", "signed_by_all")),
    ("to_sign", lambda data: _join(data["agreement"]["must_sign"]) if data["agreement"] else None),
    ("power_transfer", lambda data: data["power_transfer"]),
    ("stages", lambda data: len(data["stages"]) if data["valid"] else None),
    ("stages_planned", _stages_with("planned")),
    ("stages_enacted", _stages_with("enacted")),
    ("highest_planned", _highest("planned")),
    ("highest_enacted", _highest("enacted")),
    ("ladder_planned", _in("ladder", "planned")),
    ("ladder_enacted", _in("ladder", "enacted")),
    ("ethics", lambda data: data["ethics"]),
    ("student_hours_logged", _in("hours", "logged")),
    ("student_hours_expected", _in("hours", "expected")),
    ("student_hours_agreed", _in("hours", "agreed")),
    (
        "recognition_agreed",
        lambda data: _join(data["recognition"]["agreed"]) if data["recognition"] else None,
    ),
    ("health", _in("health", "flag")),
    ("health_reasons", lambda data: _join(data["health"]["reasons"]) if data["health"] else None),
)

CUSTOM_PREFIX = "custom."
STAGE_COLUMNS = ("path", "stage_id", "stage", "planned", "enacted")
COUNT_COLUMNS = ("figure", "value", "title", "partnerships")
LEVEL_COLUMNS = ("level", "planned_stages", "planned_share", "enacted_stages", "enacted_share")


def _custom_cell(value: Any, declared_type: str | None) -> Cell:
    if isinstance(value, list):
        return _join(value)
    if declared_type == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value  # type: ignore[no-any-return]


def partnerships_table(rows: Sequence[Row], info: ProgrammeInfo) -> Table:
    """One row per partnership: COLUMNS, then `custom.<name>` per custom field (see custom_keys)."""
    names = custom_keys(rows, info)
    types = {name: declared.type for name, declared in (info.model.custom.items() if info.model else [])}
    return Table(
        "partnerships",
        [name for name, _ in COLUMNS] + [CUSTOM_PREFIX + name for name in names],
        [
            [get(row.data) for _, get in COLUMNS]
            + [_custom_cell(row.data["custom"].get(name), types.get(name)) for name in names]
            for row in rows
        ],
    )


def stages_table(rows: Sequence[Row]) -> Table:
    """One row per stage of each partnership: its highest level planned and enacted."""
    return Table(
        "stages",
        STAGE_COLUMNS,
        [
            [row.data["path"], stage["id"], stage["name"], stage["planned"], stage["enacted"]]
            for row in rows
            for stage in row.data["stages"]
        ],
    )


def counts_table(figures: dict[str, Any]) -> Table:
    """The roll-up's counts, one row per figure and value: how many partnerships (valid ones)."""
    found: list[list[Cell]] = [["partnerships", name, None, n] for name, n in figures["partnerships"].items()]
    for figure, key in (("area", "by_area"), ("phase", "by_phase")):
        found += [[figure, name, None, n] for name, n in figures[key].items()]
    for figure, key in (("round", "by_round"), ("stream", "by_stream")):
        found += [[figure, name, one["title"], one["partnerships"]] for name, one in figures[key].items()]
    for figure in ("power_transfer", "health"):
        found += [[figure, name, None, n] for name, n in figures[figure].items()]
    found += [["meetings", name, None, n] for name, n in figures["meetings"].items()]
    for name, counts in figures["by_custom"].items():
        found += [[CUSTOM_PREFIX + name, value, None, n] for value, n in counts.items()]
    return Table("counts", COUNT_COLUMNS, found)


def levels_table(figures: dict[str, Any]) -> Table:
    """Stages at each Bovill level, planned and enacted: how many, and the share of those recorded."""
    planned, enacted = figures["levels"]["planned"], figures["levels"]["enacted"]
    return Table(
        "levels",
        LEVEL_COLUMNS,
        [
            [
                level,
                planned["counts"].get(level, 0),
                planned["share"].get(level),
                enacted["counts"].get(level, 0),
                enacted["share"].get(level),
            ]
            for level in LEVEL_ORDER
        ],
    )


def programme_tables(rows: Sequence[Row], figures: dict[str, Any], info: ProgrammeInfo) -> list[Table]:
    """Every table of the spreadsheet, the partnerships first (the one CSV on standard output)."""
    return [partnerships_table(rows, info), stages_table(rows), counts_table(figures), levels_table(figures)]
