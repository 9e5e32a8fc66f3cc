"""The state of a partnership at a glance, for sap status, and the ledger for sap actions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.agreement.fingerprint import fingerprint, signing_states
from sap_cli.meetings.ledger import CADENCE_DAYS, LedgerEntry, ledger, phase, pulse_by_kind
from sap_cli.partnership.load import load_valid

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


def read_ledger(folder: Path, today: dt.date, include_done: bool) -> list[LedgerEntry]:
    return ledger(load_valid(folder), today, include_done)


def status(partnership: Partnership, today: dt.date) -> dict[str, Any]:
    """What needs attention now, as plain data (the shape `sap status --format json` prints)."""

    last = partnership.checkins[-1] if partnership.checkins else None
    days_since = (today - last.date).days if last else None
    cadence = partnership.project.cadence
    expected = CADENCE_DAYS.get(cadence or "")
    entries = ledger(partnership, today)
    goal_status = dict(last.goals) if last else {}
    upcoming = sorted((m for m in partnership.timeline.milestones if m.done is None), key=lambda m: m.due)
    return {
        "as_of": today.isoformat(),
        "title": partnership.project.title,
        "phase": phase(partnership, today),
        "cadence": cadence,
        "last_checkin": {"id": last.id, "date": last.date.isoformat(), "title": last.title} if last else None,
        "days_since_last_checkin": days_since,
        "checkin_overdue": bool(expected and (days_since is None or days_since > expected)),
        "open_actions": [e.as_dict() for e in entries],
        "overdue_actions": [e.as_dict() for e in entries if e.state == "overdue"],
        "due_soon_actions": [e.as_dict() for e in entries if e.state == "due-soon"],
        "goals": [
            {"id": g.id, "title": g.title, "status": goal_status.get(g.id)} for g in partnership.goals.goals
        ],
        "next_milestones": [
            {
                "id": m.id,
                "title": m.title,
                "due": m.due.isoformat(),
                "deadline": m.deadline,
                "overdue": m.due < today,
            }
            for m in upcoming[:3]
        ],
        "pulse": pulse_by_kind(partnership),
        "agreement": {
            "version": partnership.project.agreement_version,
            "fingerprint": fingerprint(partnership).whole,
            "partners": [
                {**state.as_dict(), "reason": state.reason} for state in signing_states(partnership)
            ],
        },
    }


def read_status(folder: Path, today: dt.date) -> dict[str, Any]:
    return status(load_valid(folder), today)
