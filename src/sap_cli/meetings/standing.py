"""Where each goal, deliverable and milestone stands on a day: the one definition every figure uses.

`sap status`, the progress page, the review and their JSON all ask these functions, so a goal
cannot be "done" in one place and "no status yet" in another, nor finished work "missed".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership
    from sap_cli.model.plan import Deliverable


@dataclass(frozen=True)
class GoalChange:
    """A meeting at which a goal's recorded status changed."""

    date: dt.date
    meeting: str
    status: str

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "meeting": self.meeting, "status": self.status}


@dataclass(frozen=True)
class GoalStanding:
    """A goal as the record has it on a day: the latest status any meeting gave it, and since when."""

    id: str
    title: str
    history: tuple[GoalChange, ...]  # each change of status, oldest first

    @property
    def status(self) -> str | None:
        """The latest status recorded at a meeting; None when no meeting has assessed the goal."""
        return self.history[-1].status if self.history else None

    @property
    def since(self) -> dt.date | None:
        """The meeting at which the goal reached its current status."""
        return self.history[-1].date if self.history else None

    def label(self) -> str:
        """'done since 2026-10-05', or 'never assessed'."""
        return f"{self.status} since {self.since}" if self.history else "never assessed"

    def verdict(self, finished: bool) -> str:
        """achieved, partly achieved (only if the partners recorded partly-done), in progress or not achieved.

        sap never infers a partial success from on-track or at-risk: while the project runs those are
        "in progress", and once it has ended anything but done is "not achieved".
        """
        if self.status == "done":
            return "achieved"
        if self.status == "partly-done":
            return "partly achieved"
        if not finished:
            return "in progress" if self.history else "not assessed yet"
        return "not achieved"

    def as_dict(self, finished: bool) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "since": self.since.isoformat() if self.since else None,
            "label": self.label(),
            "verdict": self.verdict(finished),
            "history": [change.as_dict() for change in self.history],
        }


def goal_standings(partnership: Partnership, as_of: dt.date) -> list[GoalStanding]:
    """Every goal, each with the status the latest meeting on or before `as_of` that named it gave."""
    meetings = [checkin for checkin in partnership.checkins if checkin.date <= as_of]
    standings = []
    for goal in partnership.goals.goals:
        changes: list[GoalChange] = []
        for checkin in meetings:
            status = checkin.goals.get(goal.id)
            if status is not None and (not changes or changes[-1].status != status):
                changes.append(GoalChange(checkin.date, checkin.id, status))
        standings.append(GoalStanding(goal.id, goal.title, tuple(changes)))
    return standings


def timing(due: dt.date | None, done: dt.date | None, as_of: dt.date) -> str:
    """How something with a due date stands on `as_of`: on time, late, overdue, open or undated.

    Done counts only from the day it was done: looking back from an earlier day, it was still open.
    """
    if done is not None and done <= as_of:
        return "late" if due is not None and done > due else "on time"
    if due is None:
        return "undated"
    return "overdue" if due < as_of else "open"


def final_word(state: str, finished: bool) -> str:
    """The review's word for a timing: once the project has ended, overdue work was missed."""
    return "missed" if finished and state == "overdue" else state


def deliverable_done(partnership: Partnership, deliverable: Deliverable) -> dt.date | None:
    """When a deliverable was finished: its own `done`, or the day a milestone that completes it was done."""
    days = [deliverable.done] if deliverable.done else []
    days += [
        milestone.done
        for milestone in partnership.timeline.milestones
        if deliverable.id in milestone.completes and milestone.done is not None
    ]
    return min(days) if days else None
