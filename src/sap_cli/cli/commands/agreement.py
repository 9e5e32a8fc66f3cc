"""`sap agreement diff`: say in plain words what changed in the agreement since it was signed."""

from __future__ import annotations

from typing import Annotated

import typer

from sap_cli.cli.options import PartnershipFolder, folder_or_here
from sap_cli.cli.output import console, escape


def diff(
    folder: PartnershipFolder = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="VERSION|YYYY-MM-DD",
            help="Compare with this signed version, or the agreement on this day (default: the last signed).",
        ),
    ] = None,
) -> None:
    """Say in plain words what changed in the agreement since it was signed.

    \f
    sap agreement diff
    sap agreement diff --since 2026-02-02
    """
    from sap_cli.agreement.diff import agreement_changes
    from sap_cli.partnership.layout import find_project

    found = agreement_changes(find_project(folder_or_here(folder)), since)
    out = console()
    if not found.changes:
        out.print(f"Nothing in the agreement has changed since {escape(found.since)}.")
        return
    out.print(f"Changed since {escape(found.since)}:")
    for part, sentences in found.changes.items():
        out.print(f"\n[bold]{escape(part.capitalize())}[/]")
        for sentence in sentences:
            out.print(f"  - {escape(sentence)}")
    if not found.detailed:
        out.print(
            "\n[dim]The folder's git history does not hold the signed text, so sap can name the parts "
            "that changed but not what changed in them.[/]"
        )
