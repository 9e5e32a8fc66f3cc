"""`sap actions`: the actions from all meetings, overdue first, as a table or as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sap_cli.cli.options import ListFormat, PartnershipFolders, folder_or_here, today_or
from sap_cli.cli.output import console, escape, print_json
from sap_cli.cli.partnerships import each_partnership, one_folder

if TYPE_CHECKING:
    from sap_cli.meetings.ledger import LedgerEntry
    from sap_cli.model.folder import Partnership

OLD_ALL = (
    "--all now means every partnership below this folder; use --done to include finished actions. "
    "This time sap read --all the old way and listed this partnership's done actions too."
)


def actions(
    folders: PartnershipFolders = None,
    done: Annotated[bool, typer.Option("--done", help="Include actions already done.")] = False,
    all_below: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every partnership found below the folders given (default: below this one), each under "
            "a heading; as JSON, one list with an entry per partnership. (It used to mean --done; inside "
            "a partnership it still does, with a note, until the next release.)",
        ),
    ] = False,
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
    sap actions --done --format json
    sap actions --all ~/partnerships
    """
    from sap_cli.meetings.ledger import ledger
    from sap_cli.meetings.status import read_ledger
    from sap_cli.partnership.layout import find_project

    as_json = output_format is ListFormat.json
    day = today_or(today)
    if all_below and _old_all_meant(folders, done):
        console(stderr=True).print(f"[yellow]note:[/] {OLD_ALL}")
        all_below, done = False, True  # the old meaning, for this release: this partnership, done included
    if all_below:

        def for_one(_: Path, partnership: Partnership) -> list[dict[str, Any]] | None:
            entries = ledger(partnership, day, done)
            if as_json:
                return [e.as_dict() for e in entries]
            _show(entries, done)
            return None

        each_partnership(folders, "actions", as_json, for_one)
        return
    entries = read_ledger(find_project(folder_or_here(one_folder(folders, "actions"))), day, done)
    if as_json:
        print_json([e.as_dict() for e in entries])
        return
    _show(entries, done)


def _old_all_meant(folders: Sequence[Path] | None, done: bool) -> bool:
    """`--all` alone, in (or naming) one partnership folder: it used to mean "include done actions", and
    there is no other partnership below a partnership's folder, so that is surely what was meant."""
    from sap_cli.errors import SapError
    from sap_cli.partnership.layout import find_project

    if done or (folders is not None and len(folders) > 1):
        return False
    try:
        find_project(folder_or_here(folders[0] if folders else None))
    except SapError:
        return False  # not inside a partnership: a folder of partnerships, so the new meaning
    return True


def _show(entries: list[LedgerEntry], done: bool) -> None:
    if not entries:
        console().print("No open actions." if not done else "No actions recorded yet.")
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
