"""`sap agreement diff` and `editorial`: what changed since the agreement was signed; wording fixes."""

from __future__ import annotations

from typing import Annotated

import typer

from sap_cli.cli.options import PartnershipFolder, folder_or_here, partner_ids_in, today_or
from sap_cli.cli.output import console, escape
from sap_cli.errors import UsageProblem


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


def editorial(
    folder: PartnershipFolder = None,
    partner: Annotated[
        str,
        typer.Option("--partner", metavar="PARTNER", help="Who is recording it: their name or id."),
    ] = "",
    note: Annotated[
        str, typer.Option("--note", metavar="NOTE", help="What the change was, in a few words.")
    ] = "",
    on: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="The day partners agreed it (default: today)."),
    ] = None,
) -> None:
    """Record that a change of wording needs no new signatures.

    Only the title, the summary and why you work as partners can be corrected this way; sap refuses
    any other change, so that every partner is asked again about a change that can affect them.

    \f
    sap agreement editorial --partner "Lee Chen" --note "A typo in the summary"
    """
    from sap_cli.agreement.editorial import mark_editorial
    from sap_cli.partnership.layout import find_project
    from sap_cli.words import command_path, display_path

    if not partner:
        ids = partner_ids_in(folder)
        raise UsageProblem(
            "say who is recording the change with --partner NAME; nothing was written",
            hint=f"The ids are in roles.yaml: {', '.join(ids)}." if ids else "The ids are in roles.yaml.",
        )
    project_folder = find_project(folder_or_here(folder))
    marked = mark_editorial(project_folder, partner, note, today_or(on))
    out = console()
    out.print(
        f"Version {marked.version} of the agreement is an editorial change: {escape(marked.note)}. "
        f"Everyone who signed version {marked.version - 1} still counts as signed; recorded by "
        f"{escape(marked.name)} in {escape(display_path(marked.path))}, and project.yaml now says "
        f"agreement_version: {marked.version}."
    )
    out.print(f"Run `sap render{escape(command_path(project_folder))}` to show it in docs/agreement.md.")
