"""Where things are in a partnership folder, and finding partnership folders on disk."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from pathlib import Path

from sap_cli.errors import FolderNotFound, ProjectFileNotReadable, ProjectNotFound
from sap_cli.files.atomic import odd_kind
from sap_cli.files.paths import read_refusal
from sap_cli.model.folder import FILE_MODELS

PROJECT_MARKER = "project.yaml"


PARTNERSHIP_FILES: tuple[str, ...] = tuple(
    FILE_MODELS
)  # the five plan files, in the order partners read them


def find_project(start: Path) -> Path:
    """The nearest folder at or above `start` holding project.yaml; `start` itself must exist."""
    if not start.exists():
        raise FolderNotFound(start)
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / PROJECT_MARKER).is_file():
            return folder
        kind = odd_kind(folder / PROJECT_MARKER)
        if kind is not None:  # there, but a folder or a pipe: not "no partnership found"
            raise ProjectFileNotReadable(folder / PROJECT_MARKER, kind)
    raise ProjectNotFound(start)


def partnership_above(folder: Path) -> Path | None:
    """The nearest folder above `folder` (not `folder` itself) that holds a partnership, or None.

    A partnership is project.yaml with at least one other plan file beside it, so a project.yaml of
    some other tool, higher up, does not count.
    """
    for candidate in Path(os.path.abspath(folder)).parents:
        if (candidate / PROJECT_MARKER).is_file() and any(
            (candidate / name).is_file() for name in PARTNERSHIP_FILES if name != PROJECT_MARKER
        ):
            return candidate
    return None


# Folders that never hold a partnership of their own: sap's own subfolders, tools' and hidden ones.
_NOT_PARTNERSHIPS = {"checkins", "docs", "private", "reflections", "signatures", "templates", "node_modules"}


def find_projects_below(starts: Iterable[Path]) -> list[Path]:
    """Every partnership folder (one holding project.yaml) at or below each start, in name order."""
    found: list[Path] = []
    for start in starts:
        if not start.is_dir():
            raise FolderNotFound(start)
        for here, subfolders, files in os.walk(start):
            if PROJECT_MARKER in files:
                found.append(Path(here).resolve())
                subfolders.clear()  # a partnership's own folders hold no other partnership
                continue
            subfolders[:] = sorted(
                name for name in subfolders if not name.startswith(".") and name not in _NOT_PARTNERSHIPS
            )
    if not found:
        raise ProjectNotFound(next(iter(starts), Path.cwd()), below=True)
    return sorted(set(found))


def yaml_files(folder: Path, subfolder: str) -> list[str]:
    """The records in one of a partnership's subfolders, as relative paths, in name order.

    A subfolder that is a link leading out of the partnership is not listed: it comes back alone,
    so the reader refuses it by name (outside-link) and no file name from elsewhere is shown.
    """
    if read_refusal(folder, subfolder) is not None:
        return [subfolder]
    where = folder / subfolder
    if not where.is_dir():
        return []
    return [f"{subfolder}/{path.name}" for path in sorted(where.glob("*.yaml"))]


# What `-o` may never name, in this partnership or any other: the files sap reads as the
# partnership, and the documents sap makes. A folder matches everything below it.
_OWN_FILES = {name: "one of the five plan files" for name in PARTNERSHIP_FILES} | {
    "checkins": "in checkins/, where the meeting records are",
    "signatures": "in signatures/, where the signatures are",
    "reflections": "in reflections/, where the partners' reflections are",
    "private": "in private/, which holds what partners keep to themselves",
    "templates": "in templates/, the partnership's own document templates",
    ".sap": "in .sap/, sap's own files for this partnership",
    ".git": "in .git/, git's own files",
    ".gitignore": "the partnership's .gitignore",
    "docs/agreement.md": "the agreement sap renders",
    "docs/progress.md": "the progress page sap renders",
    "docs/worksheets": "in docs/worksheets/, the worksheets sap renders",
    "docs/calendar.ics": "the calendar sap makes",
    "docs/review.md": "the review sap makes",
    "docs/review-anonymized.md": "the anonymised review sap makes",
}


def _partnership_around(path: Path) -> Path | None:
    """The nearest folder above `path` holding project.yaml, or None."""
    for candidate in path.parents:
        if (candidate / PROJECT_MARKER).is_file():
            return candidate
    return None


def own_file_refusal(folder: Path, target: Path, allowed: Collection[str] = ()) -> tuple[str, str] | None:
    """(the path as shown, what it is) if writing `target` would replace a partnership's own file.

    `target` is judged where it lies, as typed and with its links resolved, in this partnership or
    any other around it; `allowed` are paths, relative to `folder`, that the command itself writes.
    """
    folder = folder.resolve()
    placed = Path(os.path.abspath(target))
    resolved = Path(os.path.realpath(placed.parent)) / placed.name
    for where in dict.fromkeys((placed, resolved)):
        around = _partnership_around(where)
        for root in dict.fromkeys(r for r in (folder, around) if r is not None):
            if not where.is_relative_to(root):
                continue
            relative = where.relative_to(root)
            if root == folder and relative.as_posix() in allowed:
                continue
            for depth in range(len(relative.parts), 0, -1):
                what = _OWN_FILES.get(Path(*relative.parts[:depth]).as_posix())
                if what is not None:
                    return relative.as_posix(), what
    return None
