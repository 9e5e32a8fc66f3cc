"""Figures for anonymised output that never describe fewer than a set number of people."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sap_cli.errors import UsageProblem
from sap_cli.meetings.ledger import PULSE_QUESTIONS, pulse_averages

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


DEFAULT_MIN_GROUP = 3

# The two sides of a partnership. Figures are shown per side, or for everyone when neither side
# is big enough on its own; never one side beside everyone, since the difference would give the
# other side away.
STUDENTS, STAFF, EVERYONE = "student", "faculty and staff", "all"
SIDE_NAMES = {STUDENTS: "student partners", STAFF: "faculty and staff partners", EVERYONE: "all partners"}


def side_of(kind: str) -> str:
    return STUDENTS if kind == "student" else STAFF


@dataclass(frozen=True)
class Groups:
    """Who each shown group holds, and which sides were too small to show."""

    members: dict[str, list[str]]  # side (or EVERYONE) -> partner ids, only for groups shown
    withheld: list[str]  # sides whose figures are left out


def groups(people: Mapping[str, str], min_group: int) -> Groups:
    """Partner id -> kind, grouped so that no group shown has fewer than `min_group` people.

    Each side is shown when it is big enough; when neither is, everyone together, if big enough.
    """
    sides: dict[str, list[str]] = {STUDENTS: [], STAFF: []}
    for partner_id, kind in people.items():
        sides[side_of(kind)].append(partner_id)
    sides = {side: ids for side, ids in sides.items() if ids}
    shown = {side: ids for side, ids in sides.items() if len(ids) >= min_group}
    if shown or len(people) < min_group:
        return Groups(shown, [side for side in sides if side not in shown])
    return Groups({EVERYONE: list(people)}, [])


def roster_groups(partnership: Partnership, min_group: int) -> Groups:
    return groups({p.id: p.kind for p in partnership.roles.partners}, min_group)


def attendance(by_partner: Sequence[dict[str, Any]], found: Groups) -> list[dict[str, Any]]:
    """The review's attendance rows, one per group: its size and the mean of its members' shares."""
    rows = []
    for side, ids in found.members.items():
        members = [row for row in by_partner if row["id"] in ids]
        shares = [row["share"] for row in members if row["share"] is not None]
        rows.append(
            {
                "group": side,
                "name": SIDE_NAMES[side],
                "people": len(members),
                "attended": round(statistics.mean(row["attended"] for row in members), 1),
                "share": round(statistics.mean(shares), 2) if shares else None,
            }
        )
    return rows


def hours(by_partner: Sequence[dict[str, Any]], found: Groups) -> list[dict[str, Any]]:
    """Hours per side: the mean logged by one member, beside what one student agreed.

    Students' and staff's hours are never added together (they are agreed differently), so a side
    too small to show is left out rather than merged.
    """
    rows = []
    for side in (STUDENTS, STAFF):
        ids = found.members.get(side)
        if not ids:
            continue
        members = [row for row in by_partner if row["id"] in ids]
        rows.append(
            {
                "group": side,
                "name": SIDE_NAMES[side],
                "kind": "student" if side == STUDENTS else "staff",
                "people": len(members),
                "logged": round(statistics.mean(row["logged"] for row in members), 1),
                "expected": members[0]["expected"],  # the same for every student: one agreement
                "agreed": members[0]["agreed"],
                "commitment": None,
            }
        )
    return rows


def hours_withheld(partnership: Partnership, found: Groups) -> list[str]:
    """Sides whose hours are left out: those too small, and both when only everyone is shown."""
    present = {side_of(p.kind) for p in partnership.roles.partners}
    return [side for side in (STUDENTS, STAFF) if side in present and side not in found.members]


def pulse(partnership: Partnership, min_group: int) -> tuple[list[dict[str, Any]], int]:
    """Pulse averages per meeting for groups of at least `min_group` scorers; and how many left out.

    Whether a group is shown is decided meeting by meeting and question by question, from who
    actually gave a score there, since that is whom the average describes. Everyone together is
    shown for a question only when no side is.
    """
    kinds = {p.id: p.kind for p in partnership.roles.partners}
    scorers = {i for c in partnership.checkins for i in c.pulse}
    by_side = pulse_averages(partnership, {i: side_of(kinds.get(i, "other")) for i in scorers})
    by_meeting = pulse_averages(partnership, dict.fromkeys(scorers, EVERYONE))
    shown: list[dict[str, Any]] = []
    left_out = 0
    for together in by_meeting:
        rows = [dict(row) for row in by_side if row["meeting"] == together["meeting"]]
        together = dict(together)
        for question in PULSE_QUESTIONS:
            count = f"{question}_count"
            small = [row for row in rows if 0 < row[count] < min_group]
            if len(small) == len([row for row in rows if row[count]]) and together[count] >= min_group:
                for row in rows:
                    row[question] = None  # merged: everyone together instead
                continue
            together[question] = None
            for row in small:
                row[question] = None
                left_out += 1
        for row in [*rows, together]:
            if any(row[question] is not None for question in PULSE_QUESTIONS):
                shown.append(_pulse_row(row))
    return shown, left_out


def _pulse_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "date": row["date"],
        "kind": row["group"],
        "group": SIDE_NAMES[row["group"]],
        "people": row["people"],
        **{question: row[question] for question in PULSE_QUESTIONS},
    }


def decisions(split: dict[str, int], found: Groups) -> dict[str, int]:
    """Who decided, with 'by students' and 'by staff' joined into 'by one side' unless both are shown.

    Showing one of them alone would give the other away: the total is known.
    """
    if STUDENTS in found.members and STAFF in found.members:
        return split
    return {
        "total": split["total"],
        "by one side": split["students"] + split["staff"],
        "jointly": split["jointly"],
        "not recorded": split["not recorded"],
    }


def notes(min_group: int, found: Groups, pulse_left_out: int, hours_left: list[str]) -> list[str]:
    """What was merged or left out, in words for the page."""
    said = []
    if EVERYONE in found.members:
        said.append(
            f"Neither the students nor the faculty and staff are {min_group} or more on their own, so "
            "attendance and pulse scores are given for all partners together."
        )
    for side in found.withheld:
        said.append(
            f"There are fewer than {min_group} {SIDE_NAMES[side]}, so figures about them alone are left out."
        )
    if hours_left and EVERYONE in found.members:
        said.append("Hours are not given for " + " or ".join(SIDE_NAMES[s] for s in hours_left) + ".")
    if STUDENTS not in found.members or STAFF not in found.members:
        said.append(
            "Decisions made by students and by faculty and staff are counted together as 'by one side'."
        )
    if pulse_left_out:
        said.append(
            f"{pulse_left_out} average score{'s' if pulse_left_out != 1 else ''} given by fewer than "
            f"{min_group} people {'were' if pulse_left_out != 1 else 'was'} left out."
        )
    return said


def check_min_group(anonymized: bool, min_group: int | None) -> None:
    """UsageProblem when --min-group is given without --anonymize, or is not a number of people."""
    if min_group is not None and not anonymized:
        raise UsageProblem(
            "--min-group only changes an anonymised review, and --anonymize was not given",
            hint="Add --anonymize, or leave out --min-group.",
        )
    if min_group is not None and min_group < 1:
        raise UsageProblem(
            f"--min-group {min_group} is not a number of people", hint="Give 1 or more; 3 is the default."
        )
