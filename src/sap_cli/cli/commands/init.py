"""`sap init`: start a partnership folder from the flags, or from questions at a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sap_cli.cli import interaction
from sap_cli.cli.options import Cadence, complete_template, parse_date
from sap_cli.cli.output import console, escape
from sap_cli.cli.wizards import ask_init
from sap_cli.errors import UsageProblem

if TYPE_CHECKING:
    from sap_cli.scaffold import Created


def init(
    folder: Annotated[
        Path | None,
        typer.Argument(
            metavar="FOLDER",
            help="Folder to create (default: a name made from the title).",
            show_default=False,
        ),
    ] = None,
    title: Annotated[
        str, typer.Option(metavar="TITLE", help='Name of the partnership, e.g. "Co-designing BIOL 201".')
    ] = "",
    template: Annotated[
        str,
        typer.Option(
            metavar="TEMPLATE",
            help="Kind of partnership to start from (see `sap init --list-templates`).",
            autocompletion=complete_template,
        ),
    ] = "",
    student: Annotated[
        list[str], typer.Option(metavar="NAME", help="A student partner's name; repeat for each.")
    ] = [],  # noqa: B006
    faculty: Annotated[
        list[str],
        typer.Option(
            metavar="NAME",
            help="A faculty partner's name (a lecturer, tutor or other academic who teaches); "
            "repeat for each.",
        ),
    ] = [],  # noqa: B006
    staff: Annotated[
        list[str],
        typer.Option(
            metavar="NAME", help="Another staff partner's name (e.g. a learning designer); repeat for each."
        ),
    ] = [],  # noqa: B006
    start: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="First day (default: today).")
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help="Last day (default: the template's usual length)."),
    ] = None,
    cadence: Annotated[Cadence | None, typer.Option(help="How often partners meet.")] = None,
    custom: Annotated[
        list[str],
        typer.Option(
            metavar="NAME=VALUE",
            help="A custom field the programme.yaml above the folder declares, e.g. --custom round=2026-1; "
            "repeat for each. A number or a date (YYYY-MM-DD) is written as one; a list takes items "
            "separated by ';' or its name repeated. Fields not given are left empty to fill in.",
        ),
    ] = [],  # noqa: B006
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never ask questions; use flags and defaults.")
    ] = False,
    git: Annotated[
        bool, typer.Option("--git", help="Create a git repository and make the first commit.")
    ] = False,
    list_templates_: Annotated[
        bool, typer.Option("--list-templates", help="List the partnership templates and stop.")
    ] = False,
) -> None:
    """Start a partnership: create a folder of commented YAML files to fill in together.

    \f
    sap init
    sap init --title "Co-designing BIOL 201" --student "Amira Haddad"
    """
    from sap_cli.scaffold import (
        InitRequest,
        create_partnership,
        list_templates,
        refuse_inside_partnership,
        with_init_defaults,
    )

    if list_templates_:
        for info in list_templates():
            console().print(f"[bold]{info.name:24}[/] {info.description}")
        return
    request = InitRequest(
        folder=folder or Path(),
        title=title,
        template=template,
        students=[name.strip() for name in student if name.strip()],
        faculty=[name.strip() for name in faculty if name.strip()],
        staff=[name.strip() for name in staff if name.strip()],
        start=parse_date(start, "--start"),
        end=parse_date(end, "--end"),
        cadence=None if cadence is None else cadence.value,
        git=git,
        custom=list(custom),
    )
    # Before any question: a partnership started here would sit inside the one around it.
    refuse_inside_partnership(folder if folder is not None else Path.cwd() / "new-partnership")
    if interaction.can_prompt(no_input):
        ask_init(request, asked_folder=folder is None, asked_git=not git)
    elif not request.title.strip():
        raise UsageProblem(
            "a title is needed: sap cannot ask for one here (--no-input, CI or no terminal)",
            hint='Add --title "Your partnership name".',
        )
    _print_created(create_partnership(with_init_defaults(request, folder_given=folder is not None)))


def _print_created(created: Created) -> None:
    from sap_cli.words import display_path

    out = console()
    out.print(f"\nCreated the partnership in [bold]{escape(display_path(created.folder))}[/]:")
    for path in created.files:
        out.print(f"  {escape(display_path(path))}")
    if created.schemas:
        schema_folder = display_path(created.schemas[0].parent)
        out.print(f"  {escape(schema_folder)}/ (so an editor can complete and check the YAML files)")
    if created.committed:
        out.print("Made the first git commit.")
    if created.custom_missing:
        needed = ", ".join(f"{name} (required)" for name in created.custom_missing)
        first = created.custom_missing[0]
        value = "ID" if first in ("round", "stream") else "VALUE"
        them = "it" if len(created.custom_missing) == 1 else "them"
        out.print(
            f"\nprogramme.yaml asks every partnership for: {escape(needed)}. Fill {them} in under "
            f"custom: in project.yaml, or next time use --custom {escape(first)}={value}."
        )
    if created.partners:
        out.print("\nThe partners, with the id each has in the files (a name works in commands too):")
        for partner_id, name in created.partners:
            out.print(f"  {escape(name)} ({escape(partner_id)})")
    where = display_path(created.folder)
    # A real id in the examples, so they can be typed as they are; ID while roles.yaml lists no one.
    example = created.partners[0][0] if created.partners else "ID"
    out.print("\nNext, read and fill in the files together (the # notes explain each field), then:")
    out.print(f"  cd {escape(where)}")
    steps = (
        ("sap validate", "checks the files"),
        ("sap render", "the agreement, reflection worksheets and progress page, in docs/"),
        (f"sap sign --partner {example}", "each partner, once you have agreed"),
        (f"sap reflect --phase start --partner {example}", "your own answers to the start questions"),
        ("sap checkin", "after each meeting"),
    )
    width = max(len(command) for command, _ in steps) + 2
    for command, why in steps:
        out.print(f"  {escape(command.ljust(width))}{why}")
