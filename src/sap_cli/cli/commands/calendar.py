"""`sap calendar`: the partnership's dates as an .ics file, or printed with -o -."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from sap_cli.cli.options import PartnershipFolder, folder_or_here
from sap_cli.cli.output import console, count, escape


def calendar(
    folder: PartnershipFolder = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FILE|-",
            help="Where to write it (default: docs/calendar.ics in the partnership); - prints it instead.",
        ),
    ] = None,
) -> None:  # fmt: skip
    """Write the dates as a calendar file (.ics): milestones, open actions and the meeting series.

    \f
    sap calendar
    sap calendar -o ~/Desktop/partnership.ics
    """
    from sap_cli.calendar.file import export_calendar
    from sap_cli.partnership.layout import find_project
    from sap_cli.words import display_path

    exported = export_calendar(find_project(folder_or_here(folder)), output)
    if isinstance(exported, bytes):
        sys.stdout.buffer.write(exported)
        sys.stdout.flush()
        return
    where = escape(display_path(exported.path))
    if exported.changed:
        console().print(f"wrote {where} ({count(exported.events, 'event')})")
    else:
        console().print(f"{where} is already up to date.")
    console().print("Import it into your calendar; import it again after changes and events update.")
