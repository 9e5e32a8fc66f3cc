"""The interactive questions of `sap init` and `sap checkin`, asked for whatever the flags left out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sap_cli.cli.interaction import confirm
from sap_cli.cli.options import CADENCES, names
from sap_cli.cli.output import console, escape
from sap_cli.errors import SapError

if TYPE_CHECKING:
    from sap_cli.meetings.checkin import CheckinRequest
    from sap_cli.model.folder import Partnership
    from sap_cli.scaffold import InitRequest

Check = Callable[[str], str | None]  # None when an answer is fine, else what to say about it
Ask = Callable[..., str]


def _prompt(
    question: str,
    default: str | None = None,
    choices: list[str] | None = None,
    show_default: bool = True,
    show_choices: bool = True,
) -> str:
    """One question on the run's console; Enter takes `default` when there is one."""
    from rich.prompt import Prompt

    out = console()
    if default is None:
        return Prompt.ask(question, console=out, choices=choices, show_choices=show_choices)
    return Prompt.ask(
        question,
        console=out,
        default=default,
        choices=choices,
        show_default=show_default,
        show_choices=show_choices,
    )


def ask_init(request: InitRequest, asked_folder: bool, asked_git: bool) -> None:
    """The `sap init` wizard: fill in whatever the flags left out, with sensible defaults."""
    from sap_cli.scaffold import default_folder, holds_partnership, list_templates, load_template

    out = console()
    out.print("[bold]Let's set up your partnership.[/] Press Enter to keep the suggestion in brackets.\n")
    if not request.title:
        request.title = _prompt("What is the partnership called?").strip()
        while not request.title:
            request.title = _prompt("Please give it a short name").strip()
    if request.template == "":
        templates = list_templates()
        out.print("\nWhat kind of partnership is it?")
        for number, info in enumerate(templates, start=1):
            out.print(f"  {number}. [bold]{escape(info.label)}[/] - {escape(info.description)}")
        choice = _prompt(
            "Number", "1", choices=[str(n) for n in range(1, len(templates) + 1)], show_choices=False
        )
        request.template = templates[int(choice) - 1].name
    template = load_template(request.template)
    weeks = int(template["weeks"])
    if not (request.students or request.faculty or request.staff):
        out.print("\nWho are the partners? Separate names with commas; leave blank for none.")
        request.students = ask_names("Student partners")
        request.faculty = ask_names("Faculty partners (teaching staff)")
        request.staff = ask_names("Other staff partners")
    if request.start is None:
        request.start = ask_date("\nFirst day of the partnership", dt.date.today())
    while request.end is None or request.end < request.start:
        if request.end is not None:
            out.print(f"[red]The last day must not be before the first day ({request.start}).[/]")
        request.end = ask_date("Last day", request.start + dt.timedelta(weeks=weeks))
    if request.cadence is None:
        request.cadence = _prompt("How often will you meet?", template["cadence"], choices=list(CADENCES))
    if asked_folder:
        request.folder = Path(_prompt("Folder to create", str(default_folder(request.title))))
        while holds_partnership(request.folder):
            out.print(f"[red]{escape(str(request.folder))} already holds a partnership.[/]")
            request.folder = Path(_prompt("Another folder name"))
    if asked_git and not request.git:
        request.git = confirm("Keep it in git and make the first commit?", default=False)


def ask_names(question: str) -> list[str]:
    return names(_prompt(question, "", show_default=False))


def ask_date(question: str, default: dt.date) -> dt.date:
    while True:
        answer = _prompt(question, default.isoformat())
        try:
            return dt.date.fromisoformat(answer.strip())
        except ValueError:
            console().print("[red]Please write the date as YYYY-MM-DD, for example 2026-03-04.[/]")


def _left_by(partnership: Partnership, owner: str, day: dt.date) -> str | None:
    """Why an action cannot go to this partner on `day` (they had left), or None."""
    gone = [p for p in partnership.roles.partners if p.id == owner and not p.partner_on(day)]
    return (
        f"{gone[0].called} left the partnership on {gone[0].left}: give it to someone still in it"
        if gone
        else None
    )


def ask_checkin(request: CheckinRequest, folder: Path, date_given: bool) -> None:
    """The interactive check-in: what the flags left out, each question skippable with Enter.

    Every answer is checked as it is given, so a typo is asked again rather than losing the rest.
    """
    from sap_cli.meetings.ledger import meeting_prompt, parse_action
    from sap_cli.model.vocab import GOAL_STATUSES
    from sap_cli.partnership.load import load_valid
    from sap_cli.words import did_you_mean

    partnership = load_valid(folder)
    out = console()
    partner_ids = [p.id for p in partnership.roles.partners]

    def ask(question: str, check: Check | None = None, default: str = "") -> str:
        while True:
            answer = _prompt(question, default, show_default=bool(default)).strip()
            problem = check(answer) if (check and answer) else None
            if problem is None:
                return answer
            out.print(f"[red]{escape(problem)}[/]")

    def known_ids(answer: str) -> str | None:
        wrong = [i for i in names(answer) if i not in partner_ids]
        if not wrong:
            return None
        guess = did_you_mean(wrong[0], partner_ids)
        return f"'{wrong[0]}' is not a partner id" + (f"; did you mean '{guess}'?" if guess else "")

    def known_status(answer: str) -> str | None:
        return None if answer in GOAL_STATUSES else f"Choose one of: {', '.join(GOAL_STATUSES)}"

    def readable_action(answer: str) -> str | None:
        try:
            owner = parse_action(answer, partner_ids[0] if partner_ids else "ID")["owner"]
        except SapError as exc:
            return exc.message + (f". {exc.hint}" if exc.hint else "")
        return known_ids(owner) or _left_by(partnership, owner, request.date)

    out.print("[bold]Log a meeting.[/] Press Enter to skip any question.\n")
    if not date_given:
        request.date = dt.date.fromisoformat(ask("Date of the meeting", _real_date, request.date.isoformat()))
    request.title = ask("Meeting title", default=request.title)
    if not request.attendees:
        staying = [p for p in partnership.roles.partners if p.partner_on(request.date)]  # not who had left
        out.print("Partners: " + ", ".join(f"{p.id} ({escape(p.called)})" for p in staying))
        request.attendees = names(ask("Who came? (ids, separated by commas)", known_ids))
    if not request.notes:
        request.notes = ask("Notes worth keeping") or None
    if not request.goals:
        out.print(f"Where does each goal stand? ({', '.join(GOAL_STATUSES)})")
        answers = {goal.id: ask(f"  {escape(goal.title)}", known_status) for goal in partnership.goals.goals}
        request.goals = {goal_id: answer for goal_id, answer in answers.items() if answer}
    _ask_lists(request, ask, readable_action, _deciders_check(partnership))
    _ask_hours_and_pulse(request, {p.id: p.name for p in partnership.roles.partners}, ask)
    if request.reflection_notes is None:
        out.print(f"\nThis meeting's reflection question: [italic]{escape(meeting_prompt(partnership))}[/]")
        request.reflection_notes = ask("What did you say?") or None


def _ask_lists(request: CheckinRequest, ask: Ask, readable_action: Check, deciders: Check) -> None:
    """Decisions (each with who made it), actions and feedback: one per line, until an empty line."""
    if not request.decisions:
        request.decisions = _ask_decisions(ask, deciders)
    if not request.actions:
        request.actions = ask_lines(
            'Actions, as "OWNER: TEXT by YYYY-MM-DD" (empty line to finish)', ask, readable_action
        )
    if not request.feedback:
        request.feedback = ask_lines("Feedback exchanged (one per line, empty line to finish)", ask)


def _deciders_check(partnership: Partnership) -> Check:
    """The check on 'Who made this decision?': a group, or partners' ids or names."""
    from sap_cli.meetings.ledger import parse_decision

    def known_deciders(answer: str) -> str | None:
        try:
            if parse_decision(f"{answer}: x", partnership).get("by"):
                return None
        except SapError as exc:
            return exc.message.removesuffix(", so nothing was written")
        return f"'{answer}' is not students, staff, joint, or partners' ids or names separated by commas"

    return known_deciders


def _ask_decisions(ask: Ask, deciders: Check) -> list[str]:
    """Each decision, then who made it; Enter leaves it 'not recorded' (never counted as joint)."""
    out = console()
    out.print("Decisions made (one per line, empty line to finish)")
    decisions = []
    while text := ask("  >"):
        who = ask(
            "    Who made this decision? students, staff, joint, or partners' ids or names "
            "(Enter if no one said)",
            deciders,
        )
        decisions.append(f"{who}: {text}" if who else text)
    return decisions


def _real_date(answer: str) -> str | None:
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


def _ask_hours_and_pulse(request: CheckinRequest, partner_names: dict[str, str], ask: Ask) -> None:
    """Per attendee: hours spent since the last meeting, and how heard they felt and their workload."""
    out = console()
    if not request.hours and request.attendees:
        out.print("Hours each partner spent since the last meeting (optional)")
        for partner_id in request.attendees:
            answer = ask(f"  {escape(partner_names[partner_id])}", _hours)
            if answer:
                request.hours[partner_id] = float(answer)
    if not request.pulse and request.attendees:
        out.print("Partnership pulse, 1 to 5 (optional): how heard each felt, and how their workload felt")
        for partner_id in request.attendees:
            name = escape(partner_names[partner_id])
            heard = ask(f"  {name}, felt heard", _score)
            workload = ask(f"  {name}, workload (1 far too much, 5 just right)", _score)
            pulse = {k: int(v) for k, v in (("heard", heard), ("workload", workload)) if v}
            if pulse:
                request.pulse[partner_id] = pulse


def ask_lines(question: str, ask: Ask, check: Check | None = None) -> list[str]:
    """Answers one per line until an empty one."""
    console().print(question)
    lines = []
    while answer := ask("  >", check):
        lines.append(answer)
    return lines
