"""`sap actions`: the actions from all meetings, overdue first, as a table or as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from sap_cli.cli.options import ListFormat, PartnershipFolder, folder_or_here, today_or
from sap_cli.cli.output import console, escape, print_json

if TYPE_CHECKING:
    from sap_cli.meetings.ledger import LedgerEntry


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
    _print_actions(entries)


STYLES = {"overdue": "bold red", "due-soon": "yellow", "open": "", "done": "dim"}
_OTHER_COLUMNS = 10 + 8 + 20 + 4 * 2  # Due, State, a readable What, and the gaps between columns


def _print_actions(entries: list[LedgerEntry]) -> None:
    """A table when each whole id fits on its line beside the rest; else one block per action, so an
    id is never cut: it is what `sap checkin --done` takes, copied as it is."""
    from rich.table import Table
    from rich.text import Text

    out = console()
    longest = max(len(e.id) for e in entries)
    who = min(max(len(e.owner_name) for e in entries), 16)
    if longest + who + _OTHER_COLUMNS <= out.width:
        table = Table(box=None, pad_edge=False)
        table.add_column("Action", no_wrap=True, min_width=longest)
        for heading in ("Who", "Due", "State", "What"):
            table.add_column(heading)
        for e in entries:
            table.add_row(
                escape(e.id), escape(e.owner_name), e.due.isoformat() if e.due else "-", _state(e),
                escape(e.text),
            )  # fmt: skip
        out.print(table)
        return
    for e in entries:
        out.print(escape(e.id))  # soft-wrapped: never split by sap, whatever the width
        due = f"due {e.due.isoformat()}" if e.due else "no due date"
        line = f"{escape(e.owner_name)}, {due}, {_state(e)}: {escape(e.text)}"
        for piece in Text.from_markup(line).wrap(out, max(out.width - 2, 20)):
            piece.rstrip()
            out.print(Text("  ") + piece)


def _state(e: LedgerEntry) -> str:
    return f"[{STYLES[e.state]}]{e.state}[/]" if STYLES[e.state] else e.state
