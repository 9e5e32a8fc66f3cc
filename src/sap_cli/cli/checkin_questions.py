"""The questions of the interactive check-in, each answer kept in the draft, and the summary before saving."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sap_cli.cli.checkin_asker import Asker, Check, partner_from_word
from sap_cli.cli.options import names
from sap_cli.cli.output import console, escape
from sap_cli.errors import SapError

if TYPE_CHECKING:
    from sap_cli.meetings.checkin import CheckinRequest
    from sap_cli.model.folder import Partnership


def real_date(answer: str) -> str | None:
    try:
        dt.date.fromisoformat(answer)
    except ValueError:
        return "Please write the date as YYYY-MM-DD, for example 2026-03-04."
    return None


def _hours(answer: str) -> str | None:
    try:
        return None if float(answer) >= 0 else "Please give a number of hours, like 3 or 2.5."
    except ValueError:
        return "Please give a number of hours, like 3 or 2.5."


def _score(answer: str) -> str | None:
    return None if answer in ("1", "2", "3", "4", "5") else "Please answer 1, 2, 3, 4 or 5."


def _not_a_partner(word: str, partnership: Partnership) -> str:
    from sap_cli.errors import AmbiguousPartner
    from sap_cli.words import did_you_mean

    try:
        partnership.find_partner(word)
    except AmbiguousPartner as exc:  # a first name two partners share: say who it could be
        matches = " or ".join(exc.matches)
        return f"'{word}' could be {matches}: give a number from the list, the full name or the id"
    except SapError:
        pass

    known = [p.id for p in partnership.roles.partners] + [p.name for p in partnership.roles.partners]
    guess = did_you_mean(word, known)
    count = len(partnership.roles.partners)
    return f"'{word}' is not one of the partners: give a number from 1 to {count}, a name or an id" + (
        f" (did you mean '{guess}'?)" if guess else ""
    )


def _partners_check(partnership: Partnership, allow_all: bool = False) -> Check:
    def known(answer: str) -> str | None:
        if allow_all and answer.casefold() == "all":
            return None
        wrong = [w for w in names(answer) if partner_from_word(partnership, w) is None]
        return _not_a_partner(wrong[0], partnership) if wrong else None

    return known


def _partner_ids(partnership: Partnership, answer: str, day: dt.date) -> list[str]:
    if answer.casefold() == "all":  # everyone still in the partnership that day
        return [p.id for p in partnership.roles.partners if p.partner_on(day)]
    found = (partner_from_word(partnership, word) for word in names(answer))
    return list(dict.fromkeys(p.id for p in found if p is not None))


def who_came(request: CheckinRequest, partnership: Partnership, asker: Asker) -> None:
    out = console()
    out.print("Partners:")
    for number, partner in enumerate(partnership.roles.partners, start=1):
        gone = "" if partner.partner_on(request.date) else f", left on {partner.left}"
        out.print(f"  {number}. {escape(partner.called)} ({escape(partner.id)}{gone})")
    answer = asker.ask(
        "Who came? Numbers, names or ids, separated by commas, or all",
        _partners_check(partnership, allow_all=True),
        earlier=asker.before("attendees"),
    )
    request.attendees = _partner_ids(partnership, answer, request.date)
    asker.keep(", ".join(request.attendees), "attendees")  # ids, which mean the same people next time


def actions_done(request: CheckinRequest, partnership: Partnership, asker: Asker) -> None:
    """Offer to close the open actions of earlier meetings: numbers, all, or Enter for none."""
    from sap_cli.meetings.ledger import ledger

    open_actions = ledger(partnership, request.date)
    if not open_actions:
        return
    out = console()
    out.print("\nOpen actions from earlier meetings:")
    for number, entry in enumerate(open_actions, start=1):
        due = f" (due {entry.due.isoformat()})" if entry.due else ""
        out.print(
            f"  {number}. {escape(entry.owner_name)}: {escape(entry.text)}{due}  [dim]{escape(entry.id)}[/]"
        )

    def numbers(answer: str) -> str | None:
        if answer.casefold() == "all":
            return None
        wrong = [
            w for w in names(answer) if not (w.isascii() and w.isdigit() and 1 <= int(w) <= len(open_actions))
        ]
        return f"'{wrong[0]}' is not a number from 1 to {len(open_actions)}" if wrong else None

    answer = asker.ask(
        "Which of these are done? Numbers separated by commas, all, or Enter for none",
        numbers,
        earlier=asker.before("done"),
    )
    asker.keep(answer, "done")
    chosen = range(1, len(open_actions) + 1) if answer.casefold() == "all" else map(int, names(answer))
    request.done = list(dict.fromkeys(open_actions[n - 1].id for n in chosen))


def notes_and_goals(request: CheckinRequest, partnership: Partnership, asker: Asker) -> None:
    from sap_cli.model.vocab import GOAL_STATUSES

    console().print("\nNotes worth keeping (one line at a time, empty line to finish)")
    request.notes = "\n".join(asker.lines("Note", "notes")) or None
    goals = partnership.goals.goals
    if not goals:
        return
    console().print(f"\nWhere does each goal stand? ({', '.join(GOAL_STATUSES)})")

    def known_status(answer: str) -> str | None:
        return None if answer in GOAL_STATUSES else f"Choose one of: {', '.join(GOAL_STATUSES)}"

    for goal in goals:
        answer = asker.ask(f"  {escape(goal.title)}", known_status, earlier=asker.before("goals", goal.id))
        asker.keep(answer, "goals", goal.id)
        if answer:
            request.goals[goal.id] = answer


def _deciders(partnership: Partnership, answer: str) -> str:
    """Who made a decision, with numbers from the list turned into partners' ids."""
    words = [w.strip() for w in answer.split(",")]
    found = [partner_from_word(partnership, w) if w.isdigit() else None for w in words]
    return ", ".join(p.id if p is not None else w for w, p in zip(words, found, strict=True))


def decisions_and_actions(request: CheckinRequest, partnership: Partnership, asker: Asker) -> None:
    """Decisions (each with who made it), actions and feedback: one per line, until an empty line."""
    from sap_cli.meetings.ledger import parse_action, parse_decision

    def known_deciders(answer: str) -> str | None:
        try:
            if parse_decision(f"{_deciders(partnership, answer)}: x", partnership).get("by"):
                return None
        except SapError as exc:
            return exc.message.removesuffix(", so nothing was written")
        return (
            f"'{answer}' is not students, staff, joint, or partners' numbers, names or ids "
            "separated by commas"
        )

    out = console()
    out.print("\nDecisions made (one at a time, empty line to finish)")
    earlier = asker.before("decisions") if isinstance(asker.before("decisions"), list) else []
    decisions: list[str] = []
    kept: list[dict[str, str]] = []  # as the draft holds them; the earlier ones not asked yet follow
    for position in range(10_000):
        rest = earlier[position + 1 :]
        text = asker.ask(f"  Decision {len(kept) + 1}", earlier=asker.before("decisions", position, "text"))
        if not text:
            if position < len(earlier):
                asker.keep([*kept, *rest], "decisions")  # an earlier decision left out
                continue
            break
        by = asker.before("decisions", position, "by")
        asker.keep([*kept, {"text": text, "by": by if isinstance(by, str) else ""}, *rest], "decisions")
        who = asker.ask(
            "    Who made this decision? students, staff, joint, or partners' numbers, names or ids "
            "(Enter if no one said)",
            known_deciders,
            earlier=by,
        )
        who = _deciders(partnership, who) if who else ""
        kept.append({"text": text, "by": who})
        asker.keep([*kept, *rest], "decisions")
        decisions.append(f"{who}: {text}" if who else text)
    asker.keep(kept, "decisions")
    request.decisions = decisions

    def owner_of(answer: str) -> str:
        owner = parse_action(answer)["owner"]
        partner = partner_from_word(partnership, owner)
        return partner.id if partner is not None else owner

    example = partnership.roles.partners[0].id if partnership.roles.partners else "OWNER"

    def readable_action(answer: str) -> str | None:
        try:
            owner = parse_action(answer, example)["owner"]
        except SapError as exc:
            return exc.message + (f". {exc.hint}" if exc.hint else "")
        partner = partner_from_word(partnership, owner)
        if partner is None:
            return _not_a_partner(owner, partnership)
        if not partner.partner_on(request.date):
            return f"{partner.called} left the partnership on {partner.left}: give it to someone still in it"
        return None

    out.print(
        '\nActions, as "OWNER: TEXT by YYYY-MM-DD"; OWNER is a partner\'s number, name or id '
        "(empty line to finish)"
    )
    request.actions = asker.lines(
        "Action", "actions", readable_action, lambda a: f"{owner_of(a)}: {a.partition(':')[2].strip()}"
    )
    out.print("\nFeedback exchanged (one at a time, empty line to finish)")
    request.feedback = asker.lines("Feedback", "feedback")


def hours_and_pulse(request: CheckinRequest, partnership: Partnership, asker: Asker) -> None:
    """Per attendee: hours spent since the last meeting, and how heard they felt and their workload."""
    out = console()
    named = {p.id: p.name for p in partnership.roles.partners}
    if not request.attendees:
        return
    out.print("\nHours each partner spent since the last meeting (optional)")
    for partner_id in request.attendees:
        answer = asker.ask(
            f"  {escape(named[partner_id])}", _hours, earlier=asker.before("hours", partner_id)
        )
        asker.keep(answer, "hours", partner_id)
        if answer:
            request.hours[partner_id] = float(answer)
    out.print("\nPartnership pulse, 1 to 5 (optional): how heard each felt, and how their workload felt")
    for partner_id in request.attendees:
        name = escape(named[partner_id])
        heard = asker.ask(f"  {name}, felt heard", _score, earlier=asker.before("heard", partner_id))
        asker.keep(heard, "heard", partner_id)
        workload = asker.ask(
            f"  {name}, workload (1 far too much, 5 just right)",
            _score,
            earlier=asker.before("workload", partner_id),
        )
        asker.keep(workload, "workload", partner_id)
        pulse = {k: int(v) for k, v in (("heard", heard), ("workload", workload)) if v}
        if pulse:
            request.pulse[partner_id] = pulse


def reflection(request: CheckinRequest, partnership: Partnership, asker: Asker) -> None:
    from sap_cli.meetings.ledger import meeting_prompt

    console().print(f"\nThis meeting's reflection question: [italic]{escape(meeting_prompt(partnership))}[/]")
    answer = asker.ask("What did you say?", earlier=asker.before("reflection"))
    asker.keep(answer, "reflection")
    request.reflection_notes = answer or None


def show_summary(request: CheckinRequest, partnership: Partnership) -> None:
    """The meeting as it will be saved, in people's names, for a last look before saving."""
    from sap_cli.meetings.ledger import ledger, parse_action, parse_decision

    named = {p.id: p.name for p in partnership.roles.partners}
    goal_titles = {g.id: g.title for g in partnership.goals.goals}
    rows: list[tuple[str, list[str]]] = [
        ("Date", [request.date.isoformat()]),
        ("Title", [request.title]),
        ("Who came", [", ".join(named[i] for i in request.attendees) or "no one named"]),
        ("Notes", (request.notes or "").splitlines()),
        ("Goals", [f"{goal_titles[g]}: {status}" for g, status in request.goals.items()]),
    ]
    decisions = []
    for raw in request.decisions:
        decision = parse_decision(raw, partnership)
        by = decision.get("by")
        who = by if isinstance(by, str) else ", ".join(named.get(i, i) for i in by or [])
        decisions.append(f"{decision['text'].strip()} (decided by {who or 'not recorded'})")
    actions = []
    for raw in request.actions:
        action = parse_action(raw)
        due = f", due {action['due'].isoformat()}" if action.get("due") else ""
        actions.append(f"{named.get(action['owner'], action['owner'])}: {action['text']}{due}")
    closing = {e.id: e for e in ledger(partnership, request.date)}
    rows += [
        ("Decisions", decisions),
        ("Actions", actions),
        ("Feedback", list(request.feedback)),
        ("Hours", [f"{named[i]}: {h:g}" for i, h in request.hours.items()]),
        (
            "Pulse",
            [f"{named[i]}: " + ", ".join(f"{k} {v}" for k, v in p.items()) for i, p in request.pulse.items()],
        ),
        ("Reflection", (request.reflection_notes or "").splitlines()),
    ]
    if request.done:
        rows.append(("Done now", [f"{closing[i].owner_name}: {closing[i].text}" for i in request.done]))
    out = console()
    out.print("\n[bold]The meeting as it will be saved:[/]")
    for label, lines in rows:
        for number, line in enumerate(lines or ["-"]):
            out.print(f"  {label if number == 0 else '':<11} {escape(line)}")
