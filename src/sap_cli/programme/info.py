"""The programme.yaml a programme view reads: found at or above the first folder that has one.

A programme.yaml that cannot be used is reported as problems at their lines, and the table is made
all the same (without its name, rounds and streams): one broken file at the top never hides the
partnerships below it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sap_cli.errors import SapError
from sap_cli.model.programme import ProgrammeFile
from sap_cli.partnership.programme_file import find_programme_file, programme_problems


@dataclass(frozen=True)
class ProgrammeInfo:
    """What programme.yaml says (`model`, None when there is none or it has errors) and its problems."""

    path: Path | None = None
    model: ProgrammeFile | None = None
    problems: tuple[dict[str, Any], ...] = field(default=())

    def titles(self, key: str) -> dict[str, str]:
        """Round or stream id -> its title, as programme.yaml lists them ({} without one)."""
        if self.model is None:
            return {}
        return {item.id: item.title for item in getattr(self.model, f"{key}s")}

    def declared(self) -> list[str]:
        """The custom fields programme.yaml declares, in its order."""
        return list(self.model.custom) if self.model else []


def find_programme(starts: Sequence[Path]) -> ProgrammeInfo:
    """programme.yaml at or above the first of `starts` that has one, read; ProgrammeInfo() if none."""
    for start in starts:
        path = find_programme_file(start)
        if path is not None:
            return read_info(path, start)
    return ProgrammeInfo()


def read_info(path: Path, start: Path) -> ProgrammeInfo:
    """programme.yaml read; its problems in the shape of the programme's JSON `problems`."""
    shown = Path(os.path.relpath(os.path.abspath(path.parent), os.path.abspath(start))).as_posix()
    try:
        model, problems = programme_problems(path)
    except (SapError, OSError) as exc:
        message = exc.message if isinstance(exc, SapError) else f"could not be read ({exc.strerror or exc})"
        unread = {"path": shown, "file": path.name, "line": None, "column": None, "code": "unreadable"}
        return ProgrammeInfo(path, None, ({**unread, "message": message},))
    placed = tuple(
        {
            "path": shown,
            "file": p.file,
            "line": p.line,
            "column": p.column,
            "code": p.code,
            "message": p.message,
        }
        for p in problems
        if p.severity == "error"
    )
    return ProgrammeInfo(path, model if not placed else None, placed)


def programme_json(info: ProgrammeInfo) -> dict[str, Any] | None:
    """The programme as `sap programme --format json` gives it under "programme" (null without one)."""
    model = info.model
    if model is None:
        return None
    return {
        "name": model.name,
        "contact": model.contact.model_dump(mode="json") if model.contact else None,
        "rounds": [item.model_dump(mode="json") for item in model.rounds],
        "streams": [item.model_dump(mode="json") for item in model.streams],
        "min_group": model.min_group,
        "show_titles": model.show_titles,
    }
