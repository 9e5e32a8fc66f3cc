"""The state of a partnership at a glance, for sap status, and the ledger for sap actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.agreement.fingerprint import PartnerSignature, fingerprint, signing_states
from sap_cli.meetings.ledger import (
    CADENCE_DAYS,
    LedgerEntry,
    decision_split,
    hours_by_partner,
    ledger,
    low_scores,
    phase,
    pulse_by_kind,
)
from sap_cli.meetings.standing import GoalStanding, goal_standings, timing
from sap_cli.partnership.load import load_valid

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


def read_ledger(folder: Path, today: dt.date, include_done: bool) -> list[LedgerEntry]:
    return ledger(load_valid(folder), today, include_done)


@dataclass(frozen=True)
class LastMeeting:
    id: str
    date: dt.date
    title: str


@dataclass(frozen=True)
class NextMilestone:
    id: str
    title: str
    due: dt.date
    deadline: str
    overdue: bool


@dataclass(frozen=True)
class Status:
    """What needs attention now; `as_dict` is the shape `sap status --format json` prints."""

    as_of: dt.date
    title: str
    phase: str
    cadence: str | None
    last_checkin: LastMeeting | None
    days_since_last_checkin: int | None
    checkin_overdue: bool
    open_actions: list[LedgerEntry]
    goals: list[GoalStanding]
    next_milestones: list[NextMilestone]
    pulse: dict[str, list[dict[str, Any]]]
    agreement_version: int
    agreement_fingerprint: str
    signing: list[PartnerSignature]
    low_scores: list[dict[str, Any]] = field(default_factory=list)  # each pulse score of 1 or 2, named
    decisions: dict[str, int] = field(default_factory=dict)  # students, staff, jointly, not recorded
    hours: list[dict[str, Any]] = field(default_factory=list)  # each student against their agreement
    later: tuple[LastMeeting, ...] = ()  # meetings dated after as_of: not counted in any figure

    @property
    def overdue_actions(self) -> list[LedgerEntry]:
        return [e for e in self.open_actions if e.state == "overdue"]

    @property
    def due_soon_actions(self) -> list[LedgerEntry]:
        return [e for e in self.open_actions if e.state == "due-soon"]

    def as_dict(self) -> dict[str, Any]:
        last = self.last_checkin
        return {
            "as_of": self.as_of.isoformat(),
            "title": self.title,
            "phase": self.phase,
            "cadence": self.cadence,
            "last_checkin": {"id": last.id, "date": last.date.isoformat(), "title": last.title}
            if last
            else None,
            "days_since_last_checkin": self.days_since_last_checkin,
            "checkin_overdue": self.checkin_overdue,
            "open_actions": [e.as_dict() for e in self.open_actions],
            "overdue_actions": [e.as_dict() for e in self.overdue_actions],
            "due_soon_actions": [e.as_dict() for e in self.due_soon_actions],
            "goals": [_goal(g) for g in self.goals],
            "next_milestones": [
                {
                    "id": m.id,
                    "title": m.title,
                    "due": m.due.isoformat(),
                    "deadline": m.deadline,
                    "overdue": m.overdue,
                }
                for m in self.next_milestones
            ],
            "pulse": self.pulse,
            "low_scores": self.low_scores,
            "decisions": self.decisions,
            "hours": self.hours,
            "agreement": {
                "version": self.agreement_version,
                "fingerprint": self.agreement_fingerprint,
                "partners": [{**state.as_dict(), "reason": state.reason} for state in self.signing],
            },
        }


def _goal(goal: GoalStanding) -> dict[str, Any]:
    since = goal.since.isoformat() if goal.since else None
    return {"id": goal.id, "title": goal.title, "status": goal.status, "since": since, "label": goal.label()}


def _meeting_overdue(
    partnership: Partnership, today: dt.date, days_since: int | None, expected: int | None
) -> bool:
    """Whether a meeting is overdue by the agreed rhythm: more than one rhythm since the last one,
    or, before the first, since the start (a partnership that began today owes no meeting yet)."""
    if not expected:
        return False
    if days_since is None:
        return (today - partnership.project.start).days > expected
    return days_since > expected


def status(partnership: Partnership, today: dt.date) -> Status:
    """What needs attention in the partnership, looking from `today`: the record up to that day."""
    later = tuple(LastMeeting(c.id, c.date, c.title) for c in partnership.checkins if c.date > today)
    partnership = partnership.up_to(today)
    last = partnership.checkins[-1] if partnership.checkins else None
    days_since = (today - last.date).days if last else None
    cadence = partnership.project.cadence
    expected = CADENCE_DAYS.get(cadence or "")
    upcoming = sorted(
        (m for m in partnership.timeline.milestones if m.done is None or m.done > today), key=lambda m: m.due
    )
    return Status(
        as_of=today,
        title=partnership.project.title,
        phase=phase(partnership, today),
        cadence=cadence,
        last_checkin=LastMeeting(last.id, last.date, last.title) if last else None,
        days_since_last_checkin=days_since,
        checkin_overdue=_meeting_overdue(partnership, today, days_since, expected),
        open_actions=ledger(partnership, today),
        goals=goal_standings(partnership, today),
        next_milestones=[
            NextMilestone(m.id, m.title, m.due, m.deadline, timing(m.due, m.done, today) == "overdue")
            for m in upcoming[:3]
        ],
        pulse=pulse_by_kind(partnership),
        agreement_version=partnership.project.agreement_version,
        agreement_fingerprint=fingerprint(partnership).whole,
        signing=signing_states(partnership),
        low_scores=low_scores(partnership),
        decisions=decision_split(partnership),
        hours=[row for row in hours_by_partner(partnership, today) if row["kind"] == "student"],
        later=later,
    )


def read_status(folder: Path, today: dt.date) -> Status:
    return status(load_valid(folder), today)
