"""`sap upgrade`: bring a folder from an older file format up to this sap's, showing each change first."""

from __future__ import annotations

from typing import Annotated

import typer

from sap_cli.cli import interaction
from sap_cli.cli.options import PartnershipFolder, folder_or_here
from sap_cli.cli.output import console, escape, print_diff
from sap_cli.errors import UsageProblem


def upgrade(
    folder: PartnershipFolder = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only show what would change; write nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Make the changes without asking.")] = False,
) -> None:
    """Bring a folder written by an older sap up to this sap's file format, showing each change first.

    \f
    sap upgrade --dry-run
    sap upgrade --yes
    """
    from sap_cli.partnership.layout import find_project
    from sap_cli.upgrade import apply_upgrade, plan_upgrade
    from sap_cli.words import command_path, display_path

    project_folder = find_project(folder_or_here(folder))
    plan = plan_upgrade(project_folder)
    out = console()
    where = display_path(project_folder)
    if not plan.needed:
        out.print(f"{escape(where)} is already in file format {plan.to_version}; nothing to do.")
        return
    out.print(
        f"{escape(where)} is in file format {plan.from_version}; this sap uses format {plan.to_version}."
    )
    for note in plan.notes:
        out.print(f"  - {escape(note)}")
    out.print()
    for change in plan.changes:
        print_diff(change.diff())
    if dry_run:
        out.print("Nothing was changed (--dry-run). Run `sap upgrade` to make these changes.")
        return
    if not yes:
        if not interaction.can_prompt(no_input=False):
            raise UsageProblem(
                "sap upgrade changes files, so with no one at a terminal to say yes it needs --yes; "
                "nothing was changed",
                hint="Look first with `sap upgrade --dry-run`, then run `sap upgrade --yes`.",
            )
        if not interaction.confirm("Make these changes?", default=True):
            out.print("Nothing was changed.")
            return
    written = apply_upgrade(plan)
    out.print(f"Upgraded to file format {plan.to_version}; wrote:")
    for change in plan.changes:
        out.print(f"  {escape(display_path(project_folder / change.relative))}")
    if len(written) > len(plan.changes):
        out.print("  and brought the editor schemas in .sap/schema/ up to date")
    out.print(f"Check the result with: sap validate{escape(command_path(project_folder))}")
    from sap_cli.partnership.modeline import SCHEMA_FOLDER

    if not (project_folder / SCHEMA_FOLDER).is_dir():
        out.print(
            f"Tip: `sap schema{escape(command_path(project_folder))}` lets editors suggest fields and "
            "spot mistakes as you type."
        )
