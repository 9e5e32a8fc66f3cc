"""Reading meetings: the action ledger, the phase of the project and the pulse by kind of partner."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sap_cli.dates import parse_day
from sap_cli.errors import UsageProblem
from sap_cli.meetings.standing import timing
from sap_cli.model.vocab import DECIDED_BY_WORDS
from sap_cli.resources import bundled_yaml
from sap_cli.words import fold

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
    """Every action from every meeting up to `today`, open ones first by due date; done ones only when asked.

    An action done after `today` was still open on it.
    """
    partnership = partnership.up_to(today)
    names = {p.id: p.called for p in partnership.roles.partners}
    entries = []
    for checkin in partnership.checkins:
        for action in checkin.actions:
            state = timing(action.due, action.done, today)
            if state in ("on time", "late"):
                state = "done"
            elif state == "open" and action.due is not None and (action.due - today).days <= DUE_SOON_DAYS:
                state = "due-soon"
            elif state == "undated":
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


def pulse_averages(partnership: Partnership, group_of: Mapping[str, str]) -> list[dict[str, Any]]:
    """Average 'heard' and 'workload' per group at each meeting, oldest first, with how many scored.

    `group_of` maps a partner id to the group their scores count in; a partner not in it is left
    out. Each row: date, group, people (who gave a score), heard and workload (None when no one
    answered that question) and heard_count / workload_count (how many did).
    """
    rows = []
    for checkin in partnership.checkins:
        grouped: dict[str, list[Any]] = {}
        for partner_id, pulse in checkin.pulse.items():
            if partner_id in group_of:
                grouped.setdefault(group_of[partner_id], []).append(pulse)
        for group, pulses in grouped.items():
            row: dict[str, Any] = {
                "meeting": checkin.id,
                "date": checkin.date.isoformat(),
                "group": group,
                "people": len(pulses),
            }
            for question in PULSE_QUESTIONS:
                scores = [getattr(p, question) for p in pulses if getattr(p, question) is not None]
                row[question] = round(sum(scores) / len(scores), 1) if scores else None
                row[f"{question}_count"] = len(scores)
            rows.append(row)
    return rows


def pulse_by_kind(partnership: Partnership) -> dict[str, list[dict[str, Any]]]:
    """Average 'heard' and 'workload' per kind of partner, meeting by meeting, oldest first."""
    kinds = {p.id: p.kind for p in partnership.roles.partners}
    every = {
        partner_id: kinds.get(partner_id, "other") for c in partnership.checkins for partner_id in c.pulse
    }
    trend: dict[str, list[dict[str, Any]]] = {}
    for row in pulse_averages(partnership, every):
        trend.setdefault(row["group"], []).append(
            {"date": row["date"], "heard": row["heard"], "workload": row["workload"]}
        )
    return trend


# ---- Who decided: one definition, used by the review, status and their JSON -------------------

DECISION_SPLIT = ("students", "staff", "jointly", "not recorded")


def parse_decision(raw: str, partnership: Partnership) -> dict[str, Any]:
    """'students: Pick two readings' -> text and by; a decision with no one named has no `by`.

    The part before the first colon names the deciders only when it is students, staff or joint
    (or a word for them) or partners separated by commas (an id, a name, a first name or surname
    only one partner has: see `Partnership.find_partner`); otherwise the colon is
    part of the decision ("Budget: £200 for printing").
    """
    who, colon, text = raw.partition(":")
    if not colon or not text.strip():
        return {"text": raw}
    group = DECIDED_BY_WORDS.get(" ".join(who.split()).casefold())
    if group is not None:
        return {"text": text, "by": group}
    words = [w.strip() for w in who.split(",")]
    found = [partnership.partner_called(w) for w in words if w]
    if words and all(w for w in words) and all(found):
        return {"text": text, "by": list(dict.fromkeys(p.id for p in found if p is not None))}
    _refuse_near_miss(words, partnership)
    return {"text": raw}


def _refuse_near_miss(words: list[str], partnership: Partnership) -> None:
    """A decider misspelt ('studnets: ...') is refused, so it is not kept as part of the decision."""
    if not words or any(len(w.split()) > 3 or not w for w in words):
        return  # a sentence with a colon in it, not a list of deciders
    names = {p.id: p.id for p in partnership.roles.partners}
    names |= {fold(p.name): p.id for p in partnership.roles.partners}
    candidates = [*DECIDED_BY_WORDS, *names]
    for word in words:
        if partnership.partner_called(word) or word.casefold() in DECIDED_BY_WORDS:
            continue
        close = difflib.get_close_matches(fold(word), candidates, n=1, cutoff=0.8)
        if close:
            meant = DECIDED_BY_WORDS.get(close[0]) or names[close[0]]
            example = partnership.roles.partners[0].id if partnership.roles.partners else "students"
            raise UsageProblem(
                f"'{word}' before the colon is not students, staff, joint or a partner "
                f"(did you mean '{meant}'?), so nothing was written",
                hint="Start a decision with who made it, such as "
                f'--decision "students: TEXT" or --decision "{example}: TEXT", '
                "or leave the names out if no one said.",
            )


def decided_by(by: str | Sequence[str], kinds: Mapping[str, str]) -> str:
    """students, staff, jointly or not recorded: who made one decision, as its record says."""
    if isinstance(by, str):
        return {"students": "students", "staff": "staff", "joint": "jointly"}[by]
    sides = {"students" if kinds.get(i) == "student" else "staff" for i in by}
    if not sides:
        return "not recorded"
    return sides.pop() if len(sides) == 1 else "jointly"


def decision_split(partnership: Partnership) -> dict[str, int]:
    """How many decisions students, staff and both made, and how many name no one: total first."""
    kinds = {p.id: p.kind for p in partnership.roles.partners}
    counts = dict.fromkeys(DECISION_SPLIT, 0)
    for checkin in partnership.checkins:
        for decision in checkin.decisions:
            counts[decided_by(decision.by, kinds)] += 1
    return {"total": sum(counts.values()), **counts}


# ---- Hours: each student against their own agreement -------------------------------------------


def hours_agreed_in_all(partnership: Partnership) -> float | None:
    """What each student partner agreed to give over the project: total_hours, else a week's times weeks."""
    r = partnership.project.recognition
    if r.total_hours is not None:
        return r.total_hours
    if r.hours_per_week is not None:
        return r.hours_per_week * partnership.project.weeks
    return None


def hours_by_partner(partnership: Partnership, as_of: dt.date) -> list[dict[str, Any]]:
    """Each partner's hours logged at meetings; for a student, what their agreement expects of them.

    `expected` is by `as_of` (hours_per_week for each week so far, never above the whole), and
    `agreed` is over the whole project; both are per student and None when the agreement says nothing.
    """
    logged: dict[str, float] = {}
    for checkin in partnership.checkins:
        if checkin.date <= as_of:
            for partner_id, hours in checkin.hours.items():
                logged[partner_id] = logged.get(partner_id, 0.0) + hours
    project = partnership.project
    per_week = project.recognition.hours_per_week
    agreed = hours_agreed_in_all(partnership)
    rows = []
    for partner in partnership.roles.partners:
        student = partner.kind == "student"
        expected = None
        if student and per_week is not None:
            until = min(as_of, project.end, partner.left or project.end)  # nothing expected after leaving
            expected = per_week * max((until - project.start).days / 7, 0)
            expected = min(expected, agreed) if agreed is not None else expected
        rows.append(
            {
                "id": partner.id,
                "name": partner.called,
                "kind": partner.kind,
                "logged": round(logged.get(partner.id, 0.0), 1),
                "expected": round(expected, 1) if expected is not None else None,
                "agreed": round(agreed, 1) if student and agreed is not None else None,
                "commitment": partner.time_commitment,
            }
        )
    return rows


# ---- Pulse: the single low score an average hides ----------------------------------------------

LOW_SCORE = 2  # a score of 1 or 2 out of 5 is named to the team (never in anonymised output)

PULSE_QUESTIONS = {
    "heard": "felt heard (1 not at all, 5 fully)",
    "workload": "workload (1 far too much, 5 just right)",
}


def low_scores(partnership: Partnership) -> list[dict[str, Any]]:
    """Every single pulse score of 1 or 2: who, which question, which meeting; oldest first."""
    names = {p.id: p.called for p in partnership.roles.partners}
    found = []
    for checkin in partnership.checkins:
        for partner_id, pulse in checkin.pulse.items():
            for question in PULSE_QUESTIONS:
                score = getattr(pulse, question)
                if score is not None and score <= LOW_SCORE:
                    found.append(
                        {
                            "partner": partner_id,
                            "name": names.get(partner_id, partner_id),
                            "question": question,
                            "score": score,
                            "meeting": checkin.id,
                            "title": checkin.title,
                            "date": checkin.date.isoformat(),
                        }
                    )
    return found
