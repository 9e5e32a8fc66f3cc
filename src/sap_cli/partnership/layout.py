"""Where things are in a partnership folder, and finding partnership folders on disk."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sap_cli.errors import FolderNotFound, ProjectNotFound
from sap_cli.model.folder import FILE_MODELS

if TYPE_CHECKING:
    pass


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
    raise ProjectNotFound(start)


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
    """The records in one of a partnership's subfolders, as relative paths, in name order."""
    where = folder / subfolder
    if not where.is_dir():
        return []
    return [f"{subfolder}/{path.name}" for path in sorted(where.glob("*.yaml"))]
