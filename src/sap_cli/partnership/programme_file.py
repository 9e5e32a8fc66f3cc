"""programme.yaml: found above a partnership folder and read with errors placed at their line.

A programme is a folder (usually one git repository) holding many partnership folders at any
depth; its programme.yaml sits at the top. The search goes up from a partnership, never past the
root of the git repository it is in, and a programme.yaml that is a link out of its folder is
refused when read, as any partnership file would be (files/paths.py).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from sap_cli.errors import SapError
from sap_cli.files.yaml_read import LoadedFolder, load_file
from sap_cli.model.programme import ProgrammeFile
from sap_cli.partnership.problems import Placer, Problem
from sap_cli.partnership.schema_errors import validate_file
from sap_cli.words import display_path

PROGRAMME_FILE = "programme.yaml"


class ProgrammeFileInvalid(SapError):
    """programme.yaml cannot be used; `problems` holds each one at its line, as validate places them."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        shown = display_path(path)
        lines = [f"{shown}:{p.line}:{p.column}: {p.message}" for p in problems]
        count = len(problems)
        super().__init__(
            f"{shown} has {count} problem{'' if count == 1 else 's'}, so sap did not use it: "
            + "; ".join(lines),
            hint=next((p.hint for p in problems if p.hint), None)
            or "Compare it with the example in the README's section for educational developers.",
        )
        self.path = path
        self.problems = problems


def find_programme_file(folder: Path) -> Path | None:
    """The first programme.yaml in `folder` or a folder above it, or None.

    The search stops at the root of the git repository `folder` is in (the folder holding `.git`,
    itself searched) or at the root of the file system. The path is walked as given, not resolved,
    so a partnership reached through a link finds the programme the link sits in. What is found
    may be a link, a folder or a pipe: `read_programme` refuses those in its own words.
    """
    here = Path(os.path.abspath(folder))
    while True:
        candidate = here / PROGRAMME_FILE
        if os.path.lexists(candidate):
            return candidate
        if os.path.lexists(here / ".git"):
            return None
        if here.parent == here:
            return None
        here = here.parent


def programme_problems(path: Path) -> tuple[ProgrammeFile | None, list[Problem]]:
    """programme.yaml read and checked: the model when it has no errors, and every problem placed.

    Each Problem's `file` is the name programme.yaml and its `folder` the programme's folder.
    """
    folder = path.parent
    loaded = load_file(path, inside=folder)
    checker = Placer(LoadedFolder(folder, {path.name: loaded}))
    if loaded.missing:
        checker.error(
            path.name,
            (),
            "missing-file",
            f"there is no {path.name} here",
            "Write one at the top of the programme's folder; the README shows an example.",
        )
        return None, checker.problems
    parsed = validate_file(checker, path.name, ProgrammeFile)
    if not isinstance(parsed, ProgrammeFile):
        return None, checker.problems
    for key in ("rounds", "streams"):
        seen = Counter(item.id for item in getattr(parsed, key))
        first: dict[str, int] = {}
        for index, item in enumerate(getattr(parsed, key)):
            if first.setdefault(item.id, index) != index:  # each repeat, at its own line
                checker.error(
                    path.name,
                    (key, index, "id"),
                    "duplicate-id",
                    f"{key[:-1]} id '{item.id}' is used {seen[item.id]} times",
                    "Give each one its own id, so partnerships can name it.",
                )
    return (None if checker.problems else parsed), checker.problems


def read_programme(path: Path) -> ProgrammeFile:
    """programme.yaml as a model, or ProgrammeFileInvalid with every problem at its line and column."""
    parsed, problems = programme_problems(path)
    if parsed is None:
        raise ProgrammeFileInvalid(path, problems)
    return parsed
