"""sap calendar: write the calendar file, refusing one that sap did not make."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sap_cli.calendar.events import PRODID, calendar_bytes, calendar_for
from sap_cli.errors import SapError, UsageProblem, WillNotReplace
from sap_cli.files.atomic import atomic_write, refuse_unsafe
from sap_cli.partnership.layout import own_file_refusal
from sap_cli.partnership.load import load_valid
from sap_cli.words import display_path

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


DEFAULT_OUTPUT = "docs/calendar.ics"  # inside the partnership folder


class CalendarNotMadeBySap(SapError):
    """The output file exists and is not a calendar sap wrote, so it is left alone."""

    def __init__(self, path: Path, reason: str) -> None:

        super().__init__(
            f"{display_path(path)} {reason}, so sap left it as it is; nothing was written.",
            hint="Choose another file name with -o, or use -o - to print the calendar instead.",
        )
        self.path = path


@dataclass(frozen=True)
class CalendarWritten:
    path: Path
    events: int
    changed: bool  # False when the file already held exactly this calendar


def build_calendar(folder: Path) -> bytes:
    """The calendar of the valid partnership in `folder` (as `find_project` returns it), as .ics bytes.

    An invalid folder raises InvalidProject carrying every problem, as the other commands do.
    """

    return calendar_bytes(load_valid(folder))


def write_calendar(
    folder: Path, output: Path | None = None, partnership: Partnership | None = None
) -> CalendarWritten:
    """Write the calendar atomically to `output` (default docs/calendar.ics in the partnership).

    An existing file is replaced only when sap wrote it (its PRODID says so), never a calendar of
    the user's own; an unchanged calendar is not rewritten. Give `partnership` when it is already
    loaded, so the folder is not read twice.
    """

    calendar = calendar_for(partnership or load_valid(folder))
    data: bytes = calendar.to_ical()
    events = len(calendar.walk("VEVENT"))
    if output is not None:
        refused = own_file_refusal(folder, output, allowed=(DEFAULT_OUTPUT,))
        if refused is not None:
            raise WillNotReplace(display_path(output), refused[1], "calendar", DEFAULT_OUTPUT)
    placed = Path(os.path.abspath(output if output is not None else folder / DEFAULT_OUTPUT))
    if placed.is_relative_to(folder):  # from the partnership down: a linked docs/ is refused
        refuse_unsafe(
            folder,
            [placed.relative_to(folder).as_posix()],
            "Replace the link or the odd file with a plain folder or file, or choose another file with -o.",
        )
    output = placed
    if output.is_dir():
        raise CalendarNotMadeBySap(output, "is a folder")
    if output.exists() and not output.is_file():
        # A device or a pipe (/dev/stdout, a FIFO) would be read forever before being compared.
        raise CalendarNotMadeBySap(output, "is not an ordinary file")
    if output.exists():
        existing = output.read_bytes()
        if existing == data:
            return CalendarWritten(output, events, changed=False)
        if f"PRODID:{PRODID}".encode() not in existing:
            raise CalendarNotMadeBySap(output, "already exists and is not a calendar made by sap")
    atomic_write(output, data)
    return CalendarWritten(output, events, changed=True)


TO_STANDARD_OUTPUT = "-"


def export_calendar(folder: Path, output: str | None) -> CalendarWritten | bytes:
    """`sap calendar -o OUTPUT`: the .ics bytes to print for `-`, else the calendar written to a file.

    No -o means docs/calendar.ics in the partnership. A file is written under `write_calendar`'s
    rules: never a folder, a device or a pipe (such as /dev/stdout: `-` is the way to print), nor a
    calendar sap did not make.
    """
    if output is not None and not output.strip():
        raise UsageProblem(
            "-o was given an empty file name", hint="Name a file, such as -o dates.ics, or - to print."
        )
    if output == TO_STANDARD_OUTPUT:
        return build_calendar(folder)
    return write_calendar(folder, None if output is None else Path(output))
