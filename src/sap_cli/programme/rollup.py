"""Figures over a programme's rows: counts by any key, levels, verdicts, meetings, hours and people.

Every figure here adds up the rows' own figures (programme/rows.py); a partnership that does not
validate is counted in `partnerships` and nowhere else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sap_cli.programme.info import ProgrammeInfo
from sap_cli.programme.rows import STAFF_KINDS, Row

NOT_GIVEN = "not given"


def count_by(rows: Iterable[Row], key: Callable[[dict[str, Any]], Any]) -> dict[str, int]:
    """How many rows have each value of `key` (a list value counts the row once per item), by name."""
    counts: Counter[str] = Counter()
    for row in rows:
        value = key(row.data)
        values = value if isinstance(value, list) else [value]
        for one in values or [None]:
            counts[NOT_GIVEN if one is None or one == "" else str(one)] += 1
    return dict(sorted(counts.items()))


def _levels(rows: Sequence[Row], side: str) -> dict[str, Any]:
    stages = [stage for row in rows for stage in row.data["stages"]]
    counts = Counter(stage[side] for stage in stages if stage[side] is not None)
    recorded = sum(counts.values())
    return {
        "stages": len(stages),
        "recorded": recorded,
        "counts": dict(sorted(counts.items())),
        "share": {level: round(n / recorded, 2) for level, n in sorted(counts.items())} if recorded else {},
    }


def _meetings(rows: Sequence[Row]) -> dict[str, int]:
    overdue = [row.data["meetings"]["overdue"] for row in rows]
    return {
        "on_rhythm": sum(value is False for value in overdue),
        "overdue": sum(value is True for value in overdue),
        "no_cadence": sum(value is None for value in overdue),
    }


def _hours(rows: Sequence[Row]) -> dict[str, Any]:
    """Student hours logged, and against what was agreed where the partnership agreed a number."""
    known = [row.data["hours"] for row in rows if row.data["hours"]["agreed"] is not None]
    return {
        "logged": round(sum(row.data["hours"]["logged"] for row in rows), 1),
        "agreed": round(sum(h["agreed"] for h in known), 1) if known else None,
        "logged_where_agreed": round(sum(h["logged"] for h in known), 1) if known else None,
        "partnerships_without_agreed_hours": len(rows) - len(known),
    }


def _group(kind: str) -> str:
    return "staff" if kind in STAFF_KINDS else kind


def _completions(rows: Sequence[Row]) -> dict[str, dict[str, int]]:
    """Per kind: who left (`left:`), who stayed to the end of a finished partnership, who is still in one."""
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        for person in row.people:
            counts = found.setdefault(_group(person.kind), {"completed": 0, "withdrew": 0, "continuing": 0})
            if person.left is not None:
                counts["withdrew"] += 1
            elif row.data["finished"]:
                counts["completed"] += 1
            else:
                counts["continuing"] += 1
    return dict(sorted(found.items()))


def _people(rows: Sequence[Row]) -> dict[str, Any]:
    """Unique people across the programme, and those in more than one partnership ('returning')."""
    folders: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    for row in rows:
        for person in row.people:
            folders.setdefault(person.key, set()).add(row.data["path"])
            kinds.setdefault(person.key, _group(person.kind))
    returning = [key for key, where in folders.items() if len(where) > 1]
    by_kind: dict[str, dict[str, int]] = {}
    for key, kind in kinds.items():
        counts = by_kind.setdefault(kind, {"unique": 0, "returning": 0})
        counts["unique"] += 1
        counts["returning"] += key in returning
    return {"unique": len(folders), "returning": len(returning), "by_kind": dict(sorted(by_kind.items()))}


def _custom(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda data: data["custom"].get(key)


def by_period(rows: Sequence[Row], key: str, info: ProgrammeInfo) -> dict[str, dict[str, Any]]:
    """Partnerships per round (or stream) with its title: programme.yaml's in its order, then the rest."""
    counts = count_by(rows, lambda data: data[key])
    titles = info.titles(key)
    order = [*titles, *(name for name in counts if name not in titles)]
    return {name: {"title": titles.get(name), "partnerships": counts.get(name, 0)} for name in order}


def custom_keys(rows: Sequence[Row], info: ProgrammeInfo) -> list[str]:
    """The custom fields: programme.yaml's in the order it declares them, then the others by name."""
    declared = info.declared()
    found = {key for row in rows for key in row.data["custom"]}
    return [*declared, *sorted(found - set(declared))]


def _rung(side: str) -> Callable[[dict[str, Any]], Any]:
    """The ladder rung a row aimed for ("planned") or reached ("enacted")."""
    return lambda data: data["ladder"][side]


def rollup(rows: Sequence[Row], info: ProgrammeInfo | None = None) -> dict[str, Any]:
    """The programme's roll-up figures: what `sap programme --format json` prints under "rollup"."""
    info = info or ProgrammeInfo()
    valid = [row for row in rows if row.valid]
    return {
        "partnerships": {"total": len(rows), "valid": len(valid), "not_valid": len(rows) - len(valid)},
        "by_area": count_by(valid, lambda data: data["areas"]),
        "by_round": by_period(valid, "round", info),
        "by_stream": by_period(valid, "stream", info),
        "by_phase": count_by(valid, lambda data: data["phase"]),
        "by_custom": {key: count_by(valid, _custom(key)) for key in custom_keys(valid, info)},
        "levels": {"planned": _levels(valid, "planned"), "enacted": _levels(valid, "enacted")},
        "ladder": {side: count_by(valid, _rung(side)) for side in ("planned", "enacted")},
        "power_transfer": count_by(valid, lambda data: data["power_transfer"]),
        "meetings": _meetings(valid),
        "health": count_by(valid, lambda data: data["health"]["flag"]),
        "student_hours": _hours(valid),
        "partners": _completions(valid),
        "people": _people(valid),
    }
