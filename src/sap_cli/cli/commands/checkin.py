"""`sap checkin`: log a meeting from flags, questions or the user's editor, and close actions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sap_cli.cli import interaction
from sap_cli.cli.checkin_wizard import mention_draft, run_wizard
from sap_cli.cli.options import PartnershipFolder, folder_or_here, pairs, parse_date, parse_pulse
from sap_cli.cli.output import console, escape, print_problem_lines
from sap_cli.errors import SapError, UsageProblem

if TYPE_CHECKING:
    from sap_cli.meetings.checkin import CheckinRequest, Recorded


def checkin(
    folder: PartnershipFolder = None,
    date: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="Day of the meeting (default: today).")
    ] = None,
    title: Annotated[
        str, typer.Option(metavar="TITLE", help='A short name for the meeting, e.g. "Week 6".')
    ] = "Check-in",
    attendee: Annotated[
        list[str],
        typer.Option(metavar="PARTNER", help="A partner who came (name or id); repeat for each, or all."),
    ] = [],  # noqa: B006
    note: Annotated[str | None, typer.Option(metavar="NOTES", help="Notes worth keeping.")] = None,
    decision: Annotated[
        list[str],
        typer.Option(
            metavar='"[WHO:] TEXT"',
            help="A decision made; repeat for each. Start it with who made it: students, staff or joint, "
            'or partners\' ids or names with commas, e.g. --decision "students: Pick two readings" or '
            '--decision "amira-haddad, Lee Chen: Move the focus group". Without WHO, the decision is '
            "counted as 'not recorded', never as joint.",
        ),
    ] = [],  # noqa: B006
    action: Annotated[
        list[str],
        typer.Option(
            metavar='"OWNER: TEXT [by YYYY-MM-DD]"',
            help='An action and who does it, e.g. --action "amira-haddad: Book a room by 2026-03-04"; '
            "repeat for each.",
        ),
    ] = [],  # noqa: B006
    goal: Annotated[
        list[str],
        typer.Option(
            metavar="ID=STATUS",
            help="A goal's status: not-started, on-track, at-risk, blocked, partly-done or done.",
        ),
    ] = [],  # noqa: B006
    hours: Annotated[
        list[str],
        typer.Option(
            metavar="PARTNER=HOURS", help="Hours a partner (name or id) spent since the last meeting."
        ),
    ] = [],  # noqa: B006
    pulse: Annotated[
        list[str],
        typer.Option(
            metavar="PARTNER=HEARD/WORKLOAD",
            help="How heard a partner felt (1 not at all, 5 fully) and how their workload felt "
            "(1 far too much, 5 just right), e.g. --pulse amira-haddad=4/2.",
        ),
    ] = [],  # noqa: B006
    feedback: Annotated[
        list[str], typer.Option(metavar="FEEDBACK", help="Feedback partners gave each other.")
    ] = [],  # noqa: B006
    reflection: Annotated[
        str | None,
        typer.Option(metavar="NOTES", help="What partners said to this meeting's reflection question."),
    ] = None,
    done: Annotated[list[str], typer.Option(metavar="ACTION_ID", help="Mark an action done; repeat.")] = [],  # noqa: B006
    no_input: Annotated[bool, typer.Option("--no-input", help="Never ask questions; use the flags.")] = False,
    edit: Annotated[
        bool,
        typer.Option("--edit", help="Finish the record in your editor ($VISUAL or $EDITOR) before saving."),
    ] = False,
    commit: Annotated[
        bool, typer.Option("--commit", help="Commit the new or changed meeting files to git.")
    ] = False,
) -> None:
    """Log a meeting as a new file in checkins/, and close actions that are done.

    \f
    sap checkin
    sap checkin --attendee amira-haddad --note "Planned the focus group"
    """
    from sap_cli.meetings.checkin import CheckinRequest, record_checkin
    from sap_cli.partnership.layout import find_project
    from sap_cli.words import display_path

    project_folder = find_project(folder_or_here(folder))
    request = CheckinRequest(
        date=parse_date(date, "--date") or dt.date.today(),
        title=title,
        attendees=attendee,
        notes=note,
        decisions=decision,
        actions=action,
        goals=pairs(goal, "--goal"),
        hours=pairs(hours, "--hours", float),
        pulse=pairs(pulse, "--pulse", parse_pulse),
        feedback=feedback,
        reflection_notes=reflection,
        done=done,
    )
    flags_given = any((attendee, note, decision, action, goal, hours, pulse, feedback, reflection, done))
    asked = not edit and not flags_given and interaction.can_prompt(no_input)
    if edit:
        recorded = _edit_checkin(project_folder, request, commit, no_input)
    elif asked:
        wizard_recorded = run_wizard(project_folder, request, date_given=date is not None, commit=commit)
        if wizard_recorded is None:
            return  # the person said not to save; their answers stay in the draft
        recorded = wizard_recorded
    else:
        if not flags_given and title == "Check-in":
            raise _nothing_to_record()  # an empty meeting would count as one held
        recorded = record_checkin(project_folder, request, commit=commit)
    out = console()
    if recorded.path is not None:
        out.print(f"wrote {escape(display_path(recorded.path))}")
    for action_id in recorded.closed:
        out.print(f"closed action {escape(action_id)}")
    for action_id, day in recorded.already_done.items():
        out.print(
            f"action {escape(action_id)} was already done (closed on {escape(day)}); it was left as it is"
        )
    if recorded.committed:
        out.print("committed to git")
    if not asked:
        mention_draft(project_folder)


def _nothing_to_record() -> UsageProblem:
    """No flag said what happened and sap may not ask: an empty meeting would count as one held."""
    return UsageProblem(
        "there is nothing to record: no option said who came or what happened, and sap cannot ask "
        "here (--no-input, CI or no terminal); no meeting was written",
        hint='Say what happened with options, e.g. --attendee ID --note "What we discussed" '
        '--decision TEXT --action "OWNER: TEXT by YYYY-MM-DD" --goal ID=STATUS (see `sap checkin --help`), '
        "or add --edit to write the record in your editor.",
    )


def _edit_checkin(folder: Path, request: CheckinRequest, commit: bool, no_input: bool) -> Recorded:
    """Open the pre-filled record in the user's editor until it is valid; never discard their text."""
    from sap_cli.meetings.checkin import draft_problems, save_draft, start_draft
    from sap_cli.words import display_path

    editor = interaction.editor_command()
    if not editor:
        from sap_cli.cli.editors import NOT_FOUND, SET_EDITOR_HINT

        raise UsageProblem(
            f"--edit needs a text editor: {NOT_FOUND}; no meeting was written", hint=SET_EDITOR_HINT
        )
    draft = start_draft(folder, request, commit)
    kept = f"your text is kept in {display_path(draft.path)}"
    while True:
        try:
            finished = interaction.run_editor(editor, draft.path)
        except SapError as exc:
            raise SapError(f"{exc.message[:-1]}; {kept}.") from exc
        if not finished:
            raise SapError(f"the editor stopped with an error, so nothing was saved; {kept}.")
        problems = draft_problems(folder, draft)
        if not problems:
            return save_draft(folder, draft, request, commit)
        print_problem_lines(problems)
        if not (interaction.can_prompt(no_input) and interaction.confirm("Edit it again?", default=True)):
            raise SapError(
                f"The meeting was not saved; {kept}.",
                hint="Fix it, then run the same command again: sap reopens your draft.",
            )
