"""The answers of an unfinished `sap checkin` wizard, kept where git never looks until the meeting is saved.

The wizard writes the draft again after every answer, so a Ctrl-C, a closed terminal or an error
while saving loses nothing: the next `sap checkin` offers every answer back as the default. It
lives in private/, which .gitignore keeps out of git, and goes once the meeting is saved.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sap_cli.files.git import keep_private_out_of_git
from sap_cli.files.paths import refuse_reading, write_inside
from sap_cli.files.yaml_read import load_file
from sap_cli.files.yaml_text import scalar

DRAFT = "private/checkin-draft.yaml"
UNREADABLE = "private/checkin-draft.unreadable.yaml"

_HEADING = (
    "# An unfinished `sap checkin`: every answer given so far. The next `sap checkin` offers to\n"
    "# resume it; it goes once the meeting is saved. Delete this file to forget it.\n"
)


@dataclass
class WizardDraft:
    """When the check-in was started (local time, to the minute) and each answer given, by question."""

    started: str = field(default_factory=lambda: dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
    answers: dict[str, Any] = field(default_factory=dict)


def draft_path(folder: Path) -> Path:
    return folder / DRAFT


def read_draft(folder: Path, set_aside: bool = True) -> WizardDraft | None:
    """The unfinished check-in, or None if there is none.

    A draft sap cannot read (edited by hand, cut short) is moved aside to UNREADABLE with
    `set_aside`, rather than replaced by the next answers, so its text is still there to copy from.
    """
    path = draft_path(folder)
    if not path.exists() and not path.is_symlink():
        return None
    refuse_reading(folder, [DRAFT])
    loaded = load_file(path, inside=folder)
    data = loaded.data
    if loaded.readable and isinstance(data, dict) and isinstance(data.get("answers", {}), dict):
        return WizardDraft(str(data.get("started") or ""), dict(data.get("answers") or {}))
    if set_aside:
        os.replace(path, folder / UNREADABLE)
    return None


def write_draft(folder: Path, draft: WizardDraft) -> None:
    """Save every answer so far, all at once; the first time, make sure git leaves private/ out."""
    if not draft_path(folder).exists():
        keep_private_out_of_git(folder)
    lines = [_HEADING, f"started: {scalar(draft.started)}\n", "answers:\n"]
    lines += _block(draft.answers, "  ")
    write_inside(folder, DRAFT, "".join(lines))


def remove_draft(folder: Path) -> None:
    draft_path(folder).unlink(missing_ok=True)


def _block(value: dict[str, Any] | list[Any], indent: str) -> list[str]:
    """`value` as block YAML, one entry a line, each text quoted where it must be to read back the same."""
    lines = []
    items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
    for key, item in items:
        lead = f"{indent}{scalar(str(key))}:" if key is not None else f"{indent}-"
        if isinstance(item, (dict, list)) and item:
            lines.append(lead + "\n")
            lines += _block(item, indent + "  ")
        elif isinstance(item, (dict, list)):
            lines.append(f"{lead} {'{}' if isinstance(item, dict) else '[]'}\n")
        else:
            lines.append(f"{lead} {scalar('' if item is None else str(item))}\n")
    return lines
