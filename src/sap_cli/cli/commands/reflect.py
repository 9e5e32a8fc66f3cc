"""`sap reflect`: make a partner's reflection file once, and open it in their editor."""

from __future__ import annotations

from typing import Annotated

import typer

from sap_cli.cli import interaction
from sap_cli.cli.options import PartnershipFolder, completes, folder_or_here, partner_ids_in
from sap_cli.cli.output import console, escape, print_problem_lines
from sap_cli.errors import UsageProblem


def reflect(
    folder: PartnershipFolder = None,
    phase: Annotated[
        str,
        typer.Option(
            "--phase",
            metavar="start|during|end",
            help="Which one: start, during or end.",
            autocompletion=completes("start", "during", "end"),
        ),
    ] = "",
    partner: Annotated[
        str, typer.Option("--partner", metavar="PARTNER", help="Whose reflection: their name or id.")
    ] = "",
    private: Annotated[
        bool, typer.Option("--private", help="Keep it in private/, which git leaves out, for your eyes only.")
    ] = False,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Do not open an editor; just make the file and print its path.")
    ] = False,
) -> None:
    """Answer the reflection questions in your own file, which sap makes once and never changes.

    \f
    sap reflect --phase start --partner amira-haddad
    sap reflect --phase end --partner lee-chen --private
    """
    from sap_cli.partnership.layout import find_project
    from sap_cli.reflections.answers import reflection_file_problems
    from sap_cli.reflections.reflect import open_reflection
    from sap_cli.words import display_path

    if not phase or not partner:
        missing = " and ".join(f for f, v in (("--phase", phase), ("--partner", partner)) if not v)
        ids = [partner] if partner else partner_ids_in(folder)
        example = f"For example: sap reflect --phase {phase or 'start'} --partner {ids[0] if ids else 'ID'}"
        raise UsageProblem(
            f"say which reflection with {missing}",
            hint=example + (f" (the ids in roles.yaml: {', '.join(ids)})" if ids and not partner else ""),
        )
    project_folder = find_project(folder_or_here(folder))
    opened = open_reflection(project_folder, phase.lower(), partner, private)
    shown = escape(display_path(opened.path))
    out = console()
    out.print(f"{'made' if opened.created else 'already there, kept as it is:'} {shown}")
    editor = interaction.editor_command()
    if interaction.can_prompt(no_input) and editor:
        if interaction.run_editor(editor, opened.path):
            problems = reflection_file_problems(project_folder, opened.path)
            if problems:
                print_problem_lines(problems)
                out.print(
                    f"Your file is saved in {shown}, but the review will leave out what is named above; "
                    "open it again with the same command to fix it."
                )
                return
            out.print(
                f"Your answers are saved in {shown}."
                + (" It stays on this computer." if private else " Commit it to share it with your partners.")
            )
        return
    out.print(
        "Open it in any text editor and write your answers between the marker lines under each question."
        + (
            ""
            if editor or not interaction.can_prompt(no_input)
            else " Set EDITOR (e.g. export EDITOR=nano) and sap opens it."
        )
    )
