"""The interactive questions of `sap init` and `sap checkin`, asked for whatever the flags left out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sap_cli.cli.interaction import confirm
from sap_cli.cli.options import CADENCES, names
from sap_cli.cli.output import console, escape

if TYPE_CHECKING:
    from sap_cli.scaffold import InitRequest

Check = Callable[[str], str | None]  # None when an answer is fine, else what to say about it
Ask = Callable[..., str]


def prompt(
    question: str,
    default: str | None = None,
    choices: list[str] | None = None,
    show_default: bool = True,
    show_choices: bool = True,
) -> str:
    """One question on the run's console; Enter takes `default` when there is one.

    A question that ends in its own mark ("Who came?") is followed by a space, any other by
    ": ", so no prompt ends "?:" or ">:".
    """
    from rich.prompt import Prompt

    asked = Prompt(
        question, console=console(), choices=choices, show_default=show_default, show_choices=show_choices
    )
    asked.prompt_suffix = " " if question.rstrip().endswith(("?", ">", ":", "!")) else ": "
    return asked() if default is None else asked(default=default)


def ask_init(request: InitRequest, asked_folder: bool, asked_git: bool) -> None:
    """The `sap init` wizard: fill in whatever the flags left out, with sensible defaults."""
    from sap_cli.scaffold import default_folder, holds_partnership, list_templates, load_template

    out = console()
    out.print("[bold]Let's set up your partnership.[/] Press Enter to keep the suggestion in brackets.\n")
    if not request.title:
        request.title = prompt("What is the partnership called?").strip()
        while not request.title:
            request.title = prompt("Please give it a short name").strip()
    if request.template == "":
        templates = list_templates()
        out.print("\nWhat kind of partnership is it?")
        for number, info in enumerate(templates, start=1):
            out.print(f"  {number}. [bold]{escape(info.label)}[/] - {escape(info.description)}")
        choice = prompt(
            "Number", "1", choices=[str(n) for n in range(1, len(templates) + 1)], show_choices=False
        )
        request.template = templates[int(choice) - 1].name
    template = load_template(request.template)
    weeks = int(template["weeks"])
    if not (request.students or request.faculty or request.staff):
        out.print("\nWho are the partners? Separate names with commas; leave blank for none.")
        request.students = ask_names("Student partners")
        request.faculty = ask_names("Faculty partners (lecturers, tutors and other academics who teach)")
        request.staff = ask_names("Other staff partners")
    if request.start is None:
        request.start = ask_date("\nFirst day of the partnership", dt.date.today())
    while request.end is None or request.end < request.start:
        if request.end is not None:
            out.print(f"[red]The last day must not be before the first day ({request.start}).[/]")
        request.end = ask_date("Last day", request.start + dt.timedelta(weeks=weeks))
    if request.cadence is None:
        request.cadence = prompt("How often will you meet?", template["cadence"], choices=list(CADENCES))
    if asked_folder:
        request.folder = Path(prompt("Folder to create", str(default_folder(request.title))))
        while holds_partnership(request.folder):
            out.print(f"[red]{escape(str(request.folder))} already holds a partnership.[/]")
            request.folder = Path(prompt("Another folder name"))
    ask_custom(request)
    if asked_git and not request.git:
        request.git = confirm("Keep it in git and make the first commit?", default=False)


def ask_custom(request: InitRequest) -> None:
    """Inside a programme: each custom field programme.yaml declares that --custom did not give."""
    from sap_cli.errors import UsageProblem
    from sap_cli.validation.custom_values import note, parse_custom, programme_fields

    fields = programme_fields(request.folder, needed=False)
    given = {pair.partition("=")[0].strip() for pair in request.custom}
    asked = [name for name in fields.declared if name not in given] if fields is not None else []
    if fields is None or not asked:
        return
    console().print(
        "\nThe programme asks every partnership for these fields; leave one blank to fill in later."
    )
    for name in asked:
        console().print(f"  [dim]{escape(note(fields, name))}[/]")
        while answer := prompt(name, "", show_default=False).strip():
            try:
                parse_custom([*request.custom, f"{name}={answer}"], fields)
            except UsageProblem as problem:
                console().print(f"[red]{escape(str(problem).removesuffix('; nothing was written'))}[/]")
                continue
            request.custom = [*request.custom, f"{name}={answer}"]
            break


def ask_names(question: str) -> list[str]:
    return names(prompt(question, "", show_default=False))


def ask_date(question: str, default: dt.date) -> dt.date:
    while True:
        answer = prompt(question, default.isoformat())
        try:
            return dt.date.fromisoformat(answer.strip())
        except ValueError:
            console().print("[red]Please write the date as YYYY-MM-DD, for example 2026-03-04.[/]")
