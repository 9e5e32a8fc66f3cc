"""The interactive `sap checkin`: every question skippable, every answer kept in a draft until it is saved.

The draft (meetings/wizard_draft.py) is written after each answer, so Ctrl-C, a closed terminal or
an error while saving loses nothing; the next `sap checkin` offers each earlier answer back as the
default. Before saving, the wizard shows the meeting as it will be saved and asks to confirm.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from sap_cli.cli import checkin_questions as questions
from sap_cli.cli.checkin_asker import CLEAR, Asker, when_started
from sap_cli.cli.interaction import confirm
from sap_cli.cli.output import console, escape
from sap_cli.errors import SapError

if TYPE_CHECKING:
    from sap_cli.meetings.checkin import CheckinRequest, Recorded


def start(folder: Path) -> Asker:
    """Offer an unfinished check-in, if there is one; the Asker for this run."""
    from sap_cli.meetings.wizard_draft import DRAFT, UNREADABLE, WizardDraft, read_draft

    out = console()
    had_draft = (folder / DRAFT).exists()
    draft = read_draft(folder)
    if had_draft and draft is None:
        out.print(
            f"[yellow]sap could not read the unfinished check-in in {escape(DRAFT)}, so it was moved to "
            f"{escape(UNREADABLE)} for you to copy from; this check-in starts afresh.[/]"
        )
    if draft is None:
        return Asker(folder, WizardDraft(), {})
    answers = draft.answers
    date = answers.get("date") or "no date yet"
    title = answers.get("title") or "Check-in"
    question = (
        f"You have an unfinished check-in from {escape(when_started(draft.started))} "
        f"({escape(str(date))}, '{escape(str(title))}'): resume it?"
    )
    if confirm(question, default=True):
        out.print(
            "Each earlier answer is offered in brackets: press Enter to keep it, type a new answer to "
            f"change it, or type {CLEAR} to leave it out.\n"
        )
        # The draft keeps every earlier answer until it is asked again, so a second Ctrl-C loses nothing.
        return Asker(folder, WizardDraft(draft.started, copy.deepcopy(answers)), answers)
    out.print("Starting a new check-in; the unfinished one is replaced as you answer.\n")
    return Asker(folder, WizardDraft(), {})


def ask_checkin(request: CheckinRequest, folder: Path, date_given: bool) -> bool:
    """Ask for the meeting, then show it and ask to save; False when the person said not to.

    Every answer is checked as it is given, so a typo is asked again rather than losing the rest.
    """
    from sap_cli.partnership.load import load_valid

    partnership = load_valid(folder)
    asker = start(folder)
    console().print("[bold]Log a meeting.[/] Press Enter to skip any question.\n")
    if not date_given:
        answer = asker.ask(
            "Date of the meeting", questions.real_date, request.date.isoformat(), asker.before("date")
        )
        asker.keep(answer or request.date.isoformat(), "date")
        request.date = dt.date.fromisoformat(answer) if answer else request.date
    title_given = request.title != "Check-in"
    answer = asker.ask(
        "Meeting title", default=request.title, earlier=None if title_given else asker.before("title")
    )
    asker.keep(answer, "title")
    request.title = answer or request.title
    questions.who_came(request, partnership, asker)
    questions.actions_done(request, partnership, asker)
    questions.notes_and_goals(request, partnership, asker)
    questions.decisions_and_actions(request, partnership, asker)
    questions.hours_and_pulse(request, partnership, asker)
    questions.reflection(request, partnership, asker)
    questions.show_summary(request, partnership)
    return confirm("Save this meeting?", default=True)


def run_wizard(folder: Path, request: CheckinRequest, date_given: bool, commit: bool) -> Recorded | None:
    """The interactive check-in from the first question to the saved file; None when not saved.

    The draft goes only once the meeting is saved; a Ctrl-C, an error or a 'no' keeps it, and says where.
    """
    from sap_cli.meetings.checkin import record_checkin
    from sap_cli.meetings.wizard_draft import draft_path, remove_draft
    from sap_cli.words import display_path

    kept = display_path(draft_path(folder))
    again = "run `sap checkin` again and it offers every answer back"
    try:
        if not ask_checkin(request, folder, date_given):
            console().print(f"The meeting was not saved. Your answers are kept in {escape(kept)}; {again}.")
            return None
        recorded = record_checkin(folder, request, commit=commit)
    except SapError as exc:
        if draft_path(folder).exists():
            exc.hint = (f"{exc.hint} " if exc.hint else "") + f"Your answers are kept in {kept}: {again}."
        raise
    except BaseException:  # Ctrl-C, or the disk said no: the boundary says what happened
        if draft_path(folder).exists():
            console(stderr=True).print(f"\nYour answers so far are kept in {escape(kept)}; {again}.")
        raise
    remove_draft(folder)
    return recorded


def mention_draft(folder: Path) -> None:
    """A run with options leaves an unfinished wizard's draft alone, but says it is there."""
    from sap_cli.meetings.wizard_draft import draft_path, read_draft
    from sap_cli.words import display_path

    if not draft_path(folder).is_file():
        return
    try:
        draft = read_draft(folder, set_aside=False)
    except SapError:  # a link sap will not follow: the wizard itself says so when it runs
        return
    if draft is not None:
        console().print(
            f"An unfinished check-in from {escape(when_started(draft.started))} is still kept in "
            f"{escape(display_path(draft_path(folder)))}; run `sap checkin` without options to finish it."
        )
