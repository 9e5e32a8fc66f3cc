"""Where sap may read and write inside a partnership folder, judged on every part of a path.

A folder can arrive from someone else (a pull request, a zip, a shared drive). Any file or folder
in it may be a link to somewhere else on the computer, or a pipe or a device that never ends.
Every read of a partnership file asks `read_refusal` first and every write `refuse_unsafe`
(in `atomic`), so a link leading out is never followed, whatever part of the path it is.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from sap_cli.errors import WillNotWriteHere
from sap_cli.files.atomic import REPLACE_THE_LINK, atomic_write, create_exclusive, refuse_unsafe

OUTSIDE_HINT = "Replace the link with a copy of the file, if you trust where it came from."
SPECIAL_HINT = "Replace it with a plain file, if you trust where the folder came from."


class Refused(NamedTuple):
    """Why a path is not read: the sentence, a hint, and a code (outside-link or unreadable)."""

    message: str
    hint: str
    code: str


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def outside_link(shown: str, is_folder: bool) -> str:
    """The one wording for a link sap will not follow out of the partnership."""
    what = "folder" if is_folder else "file"
    return f"{shown} is a link to a {what} outside the partnership, which sap does not follow"


def read_refusal(folder: Path, relative: str | Path, root: str | None = None) -> Refused | None:
    """Why sap must not read `relative` inside `folder`, or None if it may (or it does not exist).

    Each part of the path is resolved in turn, so a linked folder (`checkins/` pointing elsewhere)
    is caught as surely as a linked file; a link that stays inside the partnership is fine. A pipe,
    a device or a socket is refused too: reading one can wait for ever or never end.
    `root` is `folder`'s real path, when a caller reading many files has worked it out once.
    """
    root = root if root is not None else os.path.realpath(folder)
    parts = Path(relative).parts
    here = os.fspath(folder)  # plain strings: this runs for every file of every partnership read
    for depth, part in enumerate(parts):
        here = os.path.join(here, part)
        last = depth == len(parts) - 1
        try:
            info = os.lstat(here)
        except OSError:
            return None  # missing (or unreadable): the caller says so in its own words
        if stat.S_ISLNK(info.st_mode):
            target = os.path.realpath(here)
            if not _inside(target, root):
                shown = Path(*parts[: depth + 1]).as_posix()
                is_folder = not last or os.path.isdir(target)
                hint = OUTSIDE_HINT.replace("the file", "the folder") if is_folder else OUTSIDE_HINT
                return Refused(outside_link(shown, is_folder), hint, "outside-link")
            try:
                info = os.stat(here)
            except OSError:
                return None  # a broken link: nothing there to read
        if last and not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            message = (
                f"{Path(relative).as_posix()} is not an ordinary file (it is a pipe, a device or a "
                "socket), which sap does not read"
            )
            return Refused(message, SPECIAL_HINT, "unreadable")
    return None


def first_link(folder: Path, relative: str | Path) -> str | None:
    """The first part of `relative` that is a link of any kind (inside or out), or None."""
    here = Path(folder)
    parts = Path(relative).parts
    for depth, part in enumerate(parts):
        here = here / part
        if here.is_symlink():
            return Path(*parts[: depth + 1]).as_posix()
        if not here.exists():
            return None
    return None


def refuse_reading(folder: Path, relatives: Sequence[str | Path], hint: str = REPLACE_THE_LINK) -> None:
    """Raise WillNotWriteHere before a change that would read any of `relatives` through a link out."""
    reasons = list(
        dict.fromkeys(r.message for relative in relatives if (r := read_refusal(folder, relative)))
    )
    if reasons:
        raise WillNotWriteHere(reasons, hint)


def write_inside(folder: Path, relative: str | Path, data: str | bytes) -> None:
    """Replace a partnership file atomically, refusing a path that passes through any link."""
    refuse_unsafe(folder, [Path(relative).as_posix()])
    atomic_write(folder / relative, data)


def create_inside(folder: Path, relative: str | Path, data: str | bytes) -> None:
    """Create a new partnership file (FileExistsError if there is one), refusing any link on the way."""
    refuse_unsafe(folder, [Path(relative).as_posix()])
    create_exclusive(folder / relative, data)
