"""Reading meetings: the action ledger, the phase of the project and the pulse by kind of partner."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sap_cli.dates import parse_day
from sap_cli.errors import UsageProblem
from sap_cli.resources import bundled_yaml

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


CADENCE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 31}


DUE_SOON_DAYS = 7


_ACTION = re.compile(r"^\s*(?P<owner>[^:]+?)\s*:\s*(?P<text>.+?)(?:\s+by\s+(?P<due>\S+))?\s*$")

# The words after a last "by" that mean a day, written in some other way than YYYY-MM-DD: a digit
# (12/10/2026, 25 Nov), a month or weekday name, or a day said in words. "by email" stays text.
_DAY_WORDS = re.compile(
    r"[0-9]|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b"
    r"|\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day)?\b"
    r"|\b(today|tomorrow|tonight|next|end|week|month|midday|noon|close)\b",
    re.IGNORECASE,
)
_LAST_BY = re.compile(r"\s+by\s+(?P<when>.+?)\s*$", re.IGNORECASE)


def parse_action(raw: str, owner: str = "OWNER") -> dict[str, Any]:
    """'amira-haddad: Pilot the rubric by 2026-03-11' -> owner, text and due date.

    `owner` is the id shown in the examples of a message: a real partner's, when the caller knows one.
    """
    example = f'"{owner}: Pilot the rubric by 2026-03-11"'
    match = _ACTION.match(raw)
    if match is None:
        raise UsageProblem(
            f"'{raw}' is not an action sap can read",
            hint=f'Write it as "OWNER: TEXT", optionally ending "by YYYY-MM-DD", e.g. {example}.',
        )
    due = None
    text = match["text"].strip()
    if match["due"]:
        try:
            due = parse_day(match["due"])
        except ValueError as exc:
            if _SHAPE_OF_DAY.fullmatch(match["due"]):
                raise UsageProblem(
                    f"'{match['due']}' in '{raw}' {exc}; nothing was written",
                    hint=f"Give the due date of a real day, e.g. {example}.",
                ) from None
            text = f"{text} by {match['due']}"  # "by email": part of the text, not a date
    when = _LAST_BY.search(text) if due is None else None
    if when is not None and _DAY_WORDS.search(when["when"]):
        wanted = f'"{match["owner"].strip()}: {text[: when.start()].strip()} by YYYY-MM-DD"'
        raise UsageProblem(
            f"'by {when['when']}' in the action '{raw}' is not a date sap can read, so the action would "
            "have no due date and never show as overdue; nothing was written",
            hint=f'Write the day as YYYY-MM-DD, e.g. {wanted}, or leave out "by ..." for an action '
            "with no due date.",
        )
    return {"owner": match["owner"].strip(), "text": text, "due": due}


_SHAPE_OF_DAY = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", re.ASCII)


def meeting_prompt(partnership: Partnership) -> str:
    """The reflection question for the next meeting: the list in turn, one further each meeting."""
    prompts = bundled_yaml("prompts/checkin.yaml")
    return str(prompts[len(partnership.checkins) % len(prompts)]["prompt"])


@dataclass(frozen=True)
class LedgerEntry:
    id: str
    owner: str
    owner_name: str
    text: str
    due: dt.date | None
    done: dt.date | None
    meeting: str
    state: str  # open, due-soon, overdue, done

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "owner": self.owner, "owner_name": self.owner_name, "text": self.text,
            "due": self.due.isoformat() if self.due else None,
            "done": self.done.isoformat() if self.done else None,
            "meeting": self.meeting, "state": self.state,
        }  # fmt: skip


def ledger(partnership: Partnership, today: dt.date, include_done: bool = False) -> list[LedgerEntry]:
    """Every action from every meeting, open ones first by due date; done ones only when asked."""
    names = {p.id: p.name for p in partnership.roles.partners}
    entries = []
    for checkin in partnership.checkins:
        for action in checkin.actions:
            if action.done is not None:
                state = "done"
            elif action.due is not None and action.due < today:
                state = "overdue"
            elif action.due is not None and (action.due - today).days <= DUE_SOON_DAYS:
                state = "due-soon"
            else:
                state = "open"
            if state != "done" or include_done:
                entries.append(
                    LedgerEntry(
                        action.id, action.owner, names.get(action.owner, action.owner), action.text,
                        action.due, action.done, checkin.id, state,
                    )
                )  # fmt: skip
    order = {"overdue": 0, "due-soon": 1, "open": 2, "done": 3}
    return sorted(entries, key=lambda e: (order[e.state], e.due or dt.date.max, e.id))


def phase(partnership: Partnership, today: dt.date) -> str:
    """getting started, underway or wrapping up, from the dates and what has been recorded."""
    project = partnership.project
    length = max((project.end - project.start).days, 1)
    done_share = (today - project.start).days / length
    if today < project.start or (done_share < 0.2 and len(partnership.checkins) < 2):
        return "getting started"
    if done_share >= 0.8:
        return "wrapping up"
    return "underway"


def pulse_by_kind(partnership: Partnership) -> dict[str, list[dict[str, Any]]]:
    """Average 'heard' and 'workload' per kind of partner, meeting by meeting, oldest first."""
    kinds = {p.id: p.kind for p in partnership.roles.partners}
    trend: dict[str, list[dict[str, Any]]] = {}
    for checkin in partnership.checkins:
        grouped: dict[str, list[Any]] = {}
        for partner_id, pulse in checkin.pulse.items():
            grouped.setdefault(kinds.get(partner_id, "other"), []).append(pulse)
        for kind, pulses in grouped.items():
            heard = [p.heard for p in pulses if p.heard is not None]
            workload = [p.workload for p in pulses if p.workload is not None]
            trend.setdefault(kind, []).append(
                {
                    "date": checkin.date.isoformat(),
                    "heard": round(sum(heard) / len(heard), 1) if heard else None,
                    "workload": round(sum(workload) / len(workload), 1) if workload else None,
                }
            )
    return trend
