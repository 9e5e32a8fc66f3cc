"""The end-of-project review's figures, each computed once from the record."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import TYPE_CHECKING, Any

from sap_cli.agreement.fingerprint import signing_states
from sap_cli.meetings.ledger import CADENCE_DAYS, decision_split, hours_by_partner, pulse_by_kind
from sap_cli.meetings.standing import deliverable_done, final_word, goal_standings, timing
from sap_cli.model.vocab import CONTROL_LABELS, ETHICS_LABELS, LADDER_RUNGS
from sap_cli.reflections.answers import side_by_side
from sap_cli.review import small_groups

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


SHARED_LEVELS = ("participate", "partnership")


LEVEL_ORDER = {"inform": 1, "consult": 2, "participate": 3, "partnership": 4}


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _goals(p: Partnership, as_of: dt.date, finished: bool) -> list[dict[str, Any]]:
    goals = []
    finished_on = {d.id: deliverable_done(p, d) for d in p.goals.deliverables}
    for goal, standing in zip(p.goals.goals, goal_standings(p, as_of), strict=True):
        linked = [d for d in p.goals.deliverables if goal.id in d.goals]
        done = [d for d in linked if (day := finished_on[d.id]) is not None and day <= as_of]
        row = standing.as_dict(finished)
        goals.append(
            {
                **row,
                "success": goal.success,
                "final_status": row["status"],
                "deliverables_done": len(done),
                "deliverables_total": len(linked),
            }
        )
    return goals


def _milestones(p: Partnership, as_of: dt.date, finished: bool) -> dict[str, Any]:
    items = [
        {
            "id": m.id,
            "title": m.title,
            "due": m.due.isoformat(),
            "done": _iso(m.done),
            "deadline": m.deadline,
            "timing": final_word(timing(m.due, m.done, as_of), finished),
            "days_late": (m.done - m.due).days if m.done and m.done > m.due else 0,
        }
        for m in sorted(p.timeline.milestones, key=lambda m: m.due)
    ]
    counts = {
        deadline: {
            timing: sum(1 for m in items if m["deadline"] == deadline and m["timing"] == timing)
            for timing in ("on time", "late", final_word("overdue", finished), "open")
        }
        for deadline in ("hard", "soft")
    }
    return {"items": items, "counts": counts, "not_done_word": final_word("overdue", finished)}


def _meetings(p: Partnership, as_of: dt.date) -> dict[str, Any]:
    project = p.project
    until = min(as_of, project.end)
    dates = [c.date for c in p.checkins]
    gaps = [(b - a).days for a, b in zip([project.start, *dates], dates, strict=False)]
    every = CADENCE_DAYS.get(project.cadence or "")
    expected = ((until - project.start).days // every + 1) if every else None
    held = len(p.checkins)
    by_partner: list[dict[str, Any]] = []
    for partner in p.roles.partners:
        # A partner who left is counted against the meetings held while they were still a partner.
        while_partner = [c for c in p.checkins if partner.partner_on(c.date)]
        attended = sum(partner.id in c.attendees for c in while_partner)
        by_partner.append(
            {
                "id": partner.id,
                "name": partner.called,
                "kind": partner.kind,
                "attended": attended,
                "held_while_partner": len(while_partner),
                "share": round(attended / len(while_partner), 2) if while_partner else None,
                "left": _iso(partner.left),
            }
        )
    by_kind: dict[str, Any] = {}
    for kind in ("student", "faculty", "staff", "other"):
        shares = [row["share"] for row in by_partner if row["kind"] == kind and row["share"] is not None]
        if shares:
            by_kind[kind] = round(statistics.mean(shares), 2)
    return {
        "held": held,
        "expected": expected,
        "cadence": project.cadence,
        "mean_gap_days": round(statistics.mean(gaps), 1) if gaps else None,
        "longest_gap_days": max(gaps) if gaps else None,
        "attendance": by_partner,
        "attendance_by_kind": by_kind,
    }


def _actions(p: Partnership, as_of: dt.date, finished: bool) -> dict[str, Any]:
    counts = {"done on time": 0, "done late": 0, "open": 0, "overdue": 0, "dropped": 0}
    for checkin in p.checkins:
        for action in checkin.actions:
            state = timing(action.due, action.done, as_of)
            if state in ("on time", "late"):
                counts["done " + state] += 1
            elif finished:
                counts["dropped"] += 1
            else:
                counts["overdue" if state == "overdue" else "open"] += 1
    return {"total": sum(counts.values()), **counts}


def _power(p: Partnership) -> dict[str, Any]:

    stages = []
    shared_enacted: list[str] = []
    shared_planned_only: list[str] = []
    for stage in p.matrix.stages:
        planned = [{"level": i.level, "who": i.who} for i in stage.involvements]
        enacted = (
            [{"level": i.level, "who": i.who} for i in stage.enacted.involvements] if stage.enacted else None
        )
        planned_shared = any(i["level"] in SHARED_LEVELS for i in planned) or stage.control in (
            "students",
            "shared",
        )
        enacted_control = stage.enacted.control if stage.enacted else None
        enacted_shared = enacted is not None and (
            any(i["level"] in SHARED_LEVELS for i in enacted)
            or (enacted_control or stage.control) in ("students", "shared")
        )
        if enacted_shared:
            shared_enacted.append(stage.name)
        elif enacted is None and planned_shared:
            shared_planned_only.append(stage.name)
        stages.append(
            {
                "id": stage.id,
                "name": stage.name,
                "planned": planned,
                "planned_control": CONTROL_LABELS.get(stage.control or "", None),
                "enacted": enacted,
                "enacted_control": CONTROL_LABELS.get(enacted_control or "", None),
                "note": stage.enacted.note if stage.enacted else None,
                "students_shared_power": enacted_shared,
            }
        )
    pending = (
        f" Planned but not yet recorded as done: {', '.join(shared_planned_only)}."
        if shared_planned_only
        else ""
    )
    if not p.matrix.stages:
        verdict, reason = "not known", "The matrix has no stages, so there is nothing to judge."
    elif shared_enacted:
        verdict = "passes"
        reason = f"Students shared decisions, as recorded, at: {', '.join(shared_enacted)}.{pending}"
    elif shared_planned_only:
        verdict = "not shown yet"
        reason = (
            f"Only the plan gives students a share of decisions.{pending} "
            "Record what happened under 'enacted' in matrix.yaml."
        )
    else:
        verdict = "fails"
        reason = "No stage gave students more than a consulting role or any share of control."
    ladder = p.matrix.ladder
    return {
        "stages": stages,
        "power_transfer": {"verdict": verdict, "reason": reason, "source": "NUS (2015); Bovill (2017)"},
        "ladder": {
            "planned": ladder.planned if ladder else None,
            "planned_label": LADDER_RUNGS.get(ladder.planned or 0) if ladder else None,
            "enacted": ladder.enacted if ladder else None,
            "enacted_label": LADDER_RUNGS.get(ladder.enacted or 0) if ladder else None,
        },
    }


def _pulse_rows(p: Partnership) -> list[dict[str, Any]]:

    return [{"kind": kind, **point} for kind, points in pulse_by_kind(p).items() for point in points]


def highest_level(involvements: list[dict[str, Any]] | None) -> str | None:
    """The highest Bovill level among a stage's involvements (as `_power` lists them); None if none."""
    if not involvements:
        return None
    return str(max((i["level"] for i in involvements), key=LEVEL_ORDER.__getitem__))


def _enacted_lower(stages: list[dict[str, Any]]) -> list[str]:
    """'Stage (planned: partnership; enacted: consult)' for each stage whose highest level fell short."""
    found = []
    for stage in stages:
        if not stage["planned"] or not stage["enacted"]:
            continue
        planned, enacted = highest_level(stage["planned"]), highest_level(stage["enacted"])
        if planned is not None and enacted is not None and LEVEL_ORDER[enacted] < LEVEL_ORDER[planned]:
            found.append(f"{stage['name']} (planned: {planned}; enacted: {enacted})")
    return found


def _unsigned(p: Partnership, counted: bool) -> list[str]:
    """Who never signed, and who left without signing; anonymised, counts of everyone instead."""
    states = signing_states(p)
    unsigned = [state.name for state in states if state.state == "not-signed"]
    gone = [f"{state.name} (left on {state.left})" for state in states if state.state == "left"]
    found = []
    if unsigned:
        found.append(
            f"{len(unsigned)} of {len(states)} partners never signed the agreement."
            if counted
            else "Never signed the agreement: " + ", ".join(unsigned) + "."
        )
    if gone:
        found.append(
            f"{len(gone)} of {len(states)} partners left without signing its current version."
            if counted
            else "Left the partnership without signing its current version: " + ", ".join(gone) + "."
        )
    return found


def _challenges(review: dict[str, Any], p: Partnership) -> list[str]:
    """Everything the record shows went wrong or strained; the section is never left out."""
    found = []
    word = review["milestones"]["not_done_word"]
    missed = [m for m in review["milestones"]["items"] if m["timing"] == word]
    late = [m for m in review["milestones"]["items"] if m["timing"] == "late"]
    if missed:
        found.append(
            f"Milestones {word}: " + "; ".join(f"{m['title']} (due {m['due']})" for m in missed) + "."
        )
    hard_late = [m for m in late if m["deadline"] == "hard"]
    if hard_late:
        found.append("Hard deadlines passed late: " + "; ".join(m["title"] for m in hard_late) + ".")
    for goal in review["goals"]:
        if goal["verdict"] == "not achieved":
            found.append(f"Goal '{goal['title']}' was not achieved (last recorded: {goal['label']}).")
        troubled = [h for h in goal["history"] if h["status"] in ("at-risk", "blocked")]
        if troubled:
            found.append(
                f"Goal '{goal['title']}' was {troubled[0]['status']} at the meeting on {troubled[0]['date']}."
            )
    actions = review["actions"]
    if actions["dropped"] or actions["overdue"] or actions["done late"]:
        found.append(
            f"Actions: {actions['dropped']} dropped, {actions['overdue']} overdue, "
            f"{actions['done late']} done late, of {actions['total']}."
        )
    meetings = review["meetings"]
    every = CADENCE_DAYS.get(p.project.cadence or "")
    if every and meetings["longest_gap_days"] and meetings["longest_gap_days"] > every * 1.5:
        found.append(
            f"The longest gap between meetings was {meetings['longest_gap_days']} days, against an agreed "
            f"{p.project.cadence} rhythm."
        )
    for row in review["pulse"]:
        if row["heard"] is not None and row["heard"] <= 2:
            found.append(f"On {row['date']}, {row['kind']} partners rated feeling heard {row['heard']} of 5.")
        if row["workload"] is not None and row["workload"] <= 2:
            found.append(
                f"On {row['date']}, {row['kind']} partners rated their workload {row['workload']} of 5."
            )

    found += _unsigned(p, counted=review["small_groups"] is not None)
    if lower := _enacted_lower(review["power"]["stages"]):
        found.append("Students took part at a lower level than planned: " + "; ".join(lower) + ".")
    if review["power"]["power_transfer"]["verdict"] == "fails":
        found.append(
            "The partnership fails the power-transfer test: " + review["power"]["power_transfer"]["reason"]
        )
    return found


def _protect(review: dict[str, Any], p: Partnership, min_group: int) -> dict[str, Any]:
    """Replace each figure about people by its groups' figure (see small_groups); say what changed."""
    found = small_groups.roster_groups(p, min_group)
    meetings = review["meetings"]
    meetings["attendance"] = small_groups.attendance(meetings["attendance"], found)
    meetings["attendance_by_kind"] = {row["group"]: row["share"] for row in meetings["attendance"]}
    hours = small_groups.hours(review["hours"], found)
    review["hours"] = hours
    review["recognition"]["students_hours"] = [row for row in hours if row["kind"] == "student"]
    review["pulse"], pulse_left_out = small_groups.pulse(p, min_group)
    review["decisions"] = small_groups.decisions(review["decisions"], found)
    hours_left = small_groups.hours_withheld(p, found)
    notes = small_groups.notes(min_group, found, pulse_left_out, hours_left)
    return {"min_group": min_group, "notes": notes}


def build_review(
    partnership: Partnership,
    as_of: dt.date | None = None,
    include_private: bool = False,
    min_group: int | None = None,
) -> dict[str, Any]:
    """All the review's figures as plain data: what `sap report --format json` prints.

    With `min_group` (for anonymised output), figures about people are given per group of at
    least that many, or left out, and `small_groups` says what was merged or withheld.
    """

    as_of = as_of or partnership.latest_recorded_day()
    p = partnership.up_to(as_of)  # nothing recorded after the day the review looks from
    finished = as_of >= p.project.end
    hours = hours_by_partner(p, as_of)
    review: dict[str, Any] = {
        "title": p.project.title,
        "start": p.project.start.isoformat(),
        "end": p.project.end.isoformat(),
        "as_of": as_of.isoformat(),
        "finished": finished,
        "checkins": len(p.checkins),
        "goals": _goals(p, as_of, finished),
        "deliverables": [
            {
                "id": d.id,
                "title": d.title,
                "due": _iso(d.due),
                "done": _iso(deliverable_done(p, d)),
                "timing": final_word(timing(d.due, deliverable_done(p, d), as_of), finished),
            }
            for d in p.goals.deliverables
        ],
        "milestones": _milestones(p, as_of, finished),
        "meetings": _meetings(p, as_of),
        "actions": _actions(p, as_of, finished),
        "decisions": decision_split(p),
        "hours": hours,
        "pulse": _pulse_rows(p),
        "power": _power(p),
        "recognition": {
            "agreed": p.project.recognition.model_dump(),
            "students_hours": [row for row in hours if row["kind"] == "student"],
        },
        "objectives": {
            partner.called: p.goals.own_objectives.get(partner.id, []) for partner in p.roles.partners
        },
        "dissemination": {
            "plan": p.project.dissemination.plan,
            "venues": p.project.dissemination.venues,
            "ethics": ETHICS_LABELS.get(p.project.ethics.status or "", None),
            "authorship": [
                next((x.name for x in p.roles.partners if x.id == i), i)
                for i in p.project.recognition.authorship_order
            ],
        },
    }
    review["small_groups"] = _protect(review, p, min_group) if min_group is not None else None
    review["challenges"] = _challenges(review, p)
    review["reflections"] = side_by_side(p, include_private)
    return review
