"""One row per partnership of a programme, each figure taken from the function status and review use.

Nothing here computes a figure of its own: the phase, meetings, actions, goals and signatures come
from `meetings/status.status`, the power-transfer verdict, stage levels, ethics and hours from
`review/figures.build_review`, errors and warnings from `validation/check.check_folder` (what
`sap validate` runs). A figure the record cannot support is None, never 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.errors import SapError
from sap_cli.meetings.status import status
from sap_cli.partnership.layout import find_projects_below
from sap_cli.partnership.warm import check_side_by_side
from sap_cli.review.figures import build_review, highest_level
from sap_cli.validation.check import check_folder
from sap_cli.words import fold

if TYPE_CHECKING:
    from sap_cli.meetings.status import Status
    from sap_cli.model.folder import Partnership
    from sap_cli.partnership.problems import Report

STAFF_KINDS = ("faculty", "staff")  # counted together as staff partners; "other" has its own count


@dataclass(frozen=True)
class Person:
    """A partner as the programme counts people: matched across folders by e-mail, else by name."""

    key: str
    kind: str
    left: dt.date | None


@dataclass(frozen=True)
class Row:
    """One partnership: `data` is its row in `sap programme --format json`; `people` is never printed."""

    data: dict[str, Any]
    people: tuple[Person, ...] = field(default=())
    problems: tuple[dict[str, Any], ...] = field(default=())  # its errors, for "problems" in the JSON

    @property
    def valid(self) -> bool:
        return bool(self.data["valid"])


def person_key(email: str | None, name: str) -> str:
    """The same person in two folders: their e-mail when given, else their full name folded."""
    return f"email:{email.strip().casefold()}" if email else f"name:{' '.join(fold(name).split())}"


def discover(starts: Sequence[Path]) -> list[tuple[Path, str]]:
    """Every partnership below the folders (as `sap validate --all` finds them), by path: (folder, shown)."""
    found = find_projects_below(starts)
    resolved = [(start, start.resolve()) for start in starts]
    placed = []
    for folder in found:
        start, root = next(((s, r) for s, r in resolved if folder.is_relative_to(r)), (None, folder))
        relative = folder.relative_to(root).as_posix()
        if start is not None and len(starts) > 1:
            relative = (start / relative).as_posix() if relative != "." else start.as_posix()
        placed.append((folder, relative))
    return sorted(placed, key=lambda item: item[1])


EMPTY: dict[str, Any] = {
    "title": None,
    "areas": [],
    "round": None,
    "stream": None,
    "phase": None,
    "start": None,
    "end": None,
    "finished": None,
    "partners": None,
    "meetings": None,
    "overdue_actions": None,
    "goals": None,
    "agreement": None,
    "power_transfer": None,
    "stages": [],
    "ladder": None,
    "ethics": None,
    "hours": None,
    "recognition": None,
    "health": None,
}


def row_for(folder: Path, shown: str, as_of: dt.date) -> Row:
    """The programme's row for one partnership folder; a folder that does not validate says so."""
    base: dict[str, Any] = {"path": shown, "valid": False, "errors": None, "warnings": None, "problem": None}
    try:
        report = check_folder(folder)
    except (SapError, OSError) as exc:
        message = exc.message if isinstance(exc, SapError) else f"could not be read ({exc.strerror or exc})"
        unread = {"path": shown, "file": None, "line": None, "column": None, "code": "unreadable"}
        return Row(
            {**base, **EMPTY, "problem": message, "custom": {}}, problems=({**unread, "message": message},)
        )
    base |= {"errors": len(report.errors), "warnings": len(report.warnings)}
    partnership = report.partnership
    if report.errors or partnership is None:
        noun = "error" if len(report.errors) == 1 else "errors"
        problem = f"does not validate: {len(report.errors)} {noun} (see sap validate)"
        errors = tuple(
            {
                "path": shown,
                "file": e.file,
                "line": e.line,
                "column": e.column,
                "code": e.code,
                "message": e.message,
            }
            for e in report.errors
        )
        return Row({**base, **EMPTY, "problem": problem, "custom": {}}, problems=errors)
    return Row(
        {**base, "valid": True, **_figures(partnership, report, as_of), "custom": custom_values(partnership)},
        tuple(_people(partnership)),
    )


def custom_values(p: Partnership) -> dict[str, Any]:
    """project.yaml's `custom:` fields as JSON holds them: a date as YYYY-MM-DD, the rest as written."""
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in p.project.custom.items()
    }


def _convention(p: Partnership, name: str) -> str | None:
    """The round or stream a partnership is in: its `custom.round` / `custom.stream`, as text."""
    value = p.project.custom.get(name)
    return None if value is None or isinstance(value, list) else str(value)


def _people(p: Partnership) -> list[Person]:
    return [Person(person_key(x.email, x.name), x.kind, x.left) for x in p.roles.partners]


def _partners(p: Partnership, as_of: dt.date) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for kind in ("student", "staff", "other"):
        kinds = STAFF_KINDS if kind == "staff" else (kind,)
        people = [x for x in p.roles.partners if x.kind in kinds]
        current = sum(x.partner_on(as_of) for x in people)
        counts[kind] = {"current": current, "left": len(people) - current}
    return counts


def _sum(values: list[float | None]) -> float | None:
    """The total, or None when any part is unknown (or there is nothing to add)."""
    if not values or any(v is None for v in values):
        return None
    return round(sum(v for v in values if v is not None), 1)


def _figures(p: Partnership, report: Report, as_of: dt.date) -> dict[str, Any]:
    now = status(p, as_of)
    review = build_review(p, as_of)
    power = review["power"]
    students_hours = review["recognition"]["students_hours"]
    agreed = p.project.recognition
    recognition = [
        name
        for name, value in (
            ("hours", agreed.hours_per_week or agreed.total_hours),
            ("pay", agreed.pay_rate),
            ("credit", agreed.credit),
            ("cv lines", agreed.cv_lines),
            ("authorship", agreed.authorship_order),
            ("other", agreed.notes),
        )
        if value
    ]
    return {
        "title": now.title,
        "areas": list(p.project.areas),
        "round": _convention(p, "round"),
        "stream": _convention(p, "stream"),
        "phase": now.phase,
        "start": review["start"],
        "end": review["end"],
        "finished": review["finished"],
        "partners": _partners(p, as_of),
        "meetings": {
            "cadence": now.cadence,
            "last": now.last_checkin.date.isoformat() if now.last_checkin else None,
            "days_since_last": now.days_since_last_checkin,
            "overdue": now.checkin_overdue if now.cadence else None,
            "held": review["meetings"]["held"],
        },
        "overdue_actions": len(now.overdue_actions),
        "goals": {"done": sum(g.status == "done" for g in now.goals), "total": len(now.goals)},
        "agreement": _agreement(now),
        "power_transfer": power["power_transfer"]["verdict"],
        "stages": [
            {
                "id": s["id"],
                "name": s["name"],
                "planned": highest_level(s["planned"]),
                "enacted": highest_level(s["enacted"]),
            }
            for s in power["stages"]
        ],
        # the rung of Bovill and Bulley's ladder aimed for and reached, as the review gives them
        "ladder": {"planned": power["ladder"]["planned"], "enacted": power["ladder"]["enacted"]},
        "ethics": review["dissemination"]["ethics"],
        "hours": {
            "logged": round(sum(row["logged"] for row in students_hours), 1),
            "expected": _sum([row["expected"] for row in students_hours]),
            "agreed": _sum([row["agreed"] for row in students_hours]),
        },
        # sap records what was agreed, not yet what was delivered: delivered stays unknown.
        "recognition": {"agreed": recognition, "delivered": None},
        "health": _health(now, report),
    }


def _agreement(now: Status) -> dict[str, Any]:
    asked = [s for s in now.signing if s.state != "left"]
    must = [s.name for s in asked if s.state in ("not-signed", "sign-again")]
    return {"version": now.agreement_version, "signed_by_all": bool(asked) and not must, "must_sign": must}


def _health(now: Status, report: Report) -> dict[str, Any]:
    """'ok' or 'attention', with the reasons: what status flags, then each warning sap validate gives."""
    reasons = []
    if now.checkin_overdue:
        days = now.days_since_last_checkin
        reasons.append(
            f"no meeting logged yet; agreed {now.cadence}"
            if days is None
            else f"last meeting {days} days ago; agreed {now.cadence}"
        )
    if now.overdue_actions:
        reasons.append(f"{len(now.overdue_actions)} overdue actions")
    reasons += [f"{w.message} [{w.code}]" for w in report.warnings]
    return {"flag": "attention" if reasons else "ok", "reasons": reasons}


def programme_rows(starts: Sequence[Path], as_of: dt.date) -> list[Row]:
    """A row for every partnership below the folders, in path order; broken ones included."""
    found = discover(starts)
    check_side_by_side([folder for folder, _ in found])
    return [row_for(folder, shown, as_of) for folder, shown in found]
