"""`sap actions`: the actions from all meetings, overdue first, as a table or as JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from sap_cli.cli.options import ListFormat, PartnershipFolder, folder_or_here, today_or
from sap_cli.cli.output import console, escape, print_json


def actions(
    folder: PartnershipFolder = None,
    all_: Annotated[bool, typer.Option("--all", help="Include actions already done.")] = False,
    output_format: Annotated[
        ListFormat, typer.Option("--format", help="text for people, json for tools.")
    ] = ListFormat.text,
    today: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="Count overdue from this day (default: today)."),
    ] = None,
) -> None:
    """List the actions from all meetings: overdue first, then due soon, then the rest.

    \f
    sap actions
    sap actions --all --format json
    """
    from sap_cli.meetings.status import read_ledger
    from sap_cli.partnership.layout import find_project

    entries = read_ledger(find_project(folder_or_here(folder)), today_or(today), all_)
    if output_format is ListFormat.json:
        print_json([e.as_dict() for e in entries])
        return
    if not entries:
        console().print("No open actions." if not all_ else "No actions recorded yet.")
        return
    from rich.table import Table

    table = Table("Action", "Who", "Due", "State", "What", box=None, pad_edge=False)
    styles = {"overdue": "bold red", "due-soon": "yellow", "open": "", "done": "dim"}
    for e in entries:
        table.add_row(
            escape(e.id), escape(e.owner_name), e.due.isoformat() if e.due else "-",
            f"[{styles[e.state]}]{e.state}[/]" if styles[e.state] else e.state, escape(e.text),
        )  # fmt: skip
    console().print(table)
