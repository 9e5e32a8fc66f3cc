"""Find a partnership folder, read its YAML round-trip with positions, and write files atomically."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sap_cli.errors import ProjectNotFound

PROJECT_MARKER = "project.yaml"
PARTNERSHIP_FILES = ("project.yaml", "roles.yaml", "goals.yaml", "timeline.yaml", "matrix.yaml")


def find_project(start: Path) -> Path:
    """The nearest folder at or above `start` holding project.yaml."""
    start = start.resolve() if start.exists() else start
    for folder in (start, *start.parents):
        if (folder / PROJECT_MARKER).is_file():
            return folder
    raise ProjectNotFound(start)


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when that is shorter."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    if rel == ".":
        return f"{Path.cwd().name} (this folder)"
    return rel if not rel.startswith("../../") else str(path)


@dataclass(frozen=True)
class SyntaxProblem:
    """A file that is not readable YAML, with where the reader gave up."""

    line: int
    column: int
    message: str


@dataclass
class LoadedFile:
    """One YAML file: its round-trip document (None if missing or unreadable) and any syntax problem."""

    path: Path
    document: Any = None
    missing: bool = False
    syntax: SyntaxProblem | None = None

    @property
    def readable(self) -> bool:
        return not self.missing and self.syntax is None


@dataclass
class LoadedFolder:
    folder: Path
    files: dict[str, LoadedFile] = field(default_factory=dict)


def round_trip_yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a partner's long sentence
    return yaml


def load_file(path: Path) -> LoadedFile:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if not path.is_file():
        return LoadedFile(path, missing=True)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return LoadedFile(path, syntax=SyntaxProblem(1, 1, f"the file is not UTF-8 text ({exc.reason})"))
    try:
        document = round_trip_yaml().load(text)
    except MarkedYAMLError as exc:
        return LoadedFile(path, syntax=_syntax_problem(exc))
    except YAMLError as exc:
        return LoadedFile(path, syntax=SyntaxProblem(1, 1, str(exc)))
    return LoadedFile(path, document=document)


# The YAML reader's wording for the commonest slips, said the way a partner would understand it.
_PLAIN_SYNTAX: tuple[tuple[str, str], ...] = (
    (
        r"mapping values are not allowed here",
        "a ':' here starts a new field; if it is part of the text, put the whole text in quotes",
    ),
    (r"found character '\\t' that cannot start any token", "a tab is used for indenting; use spaces"),
    (r'found duplicate key "(?P<key>[^"]*)".*', "'\\g<key>' appears twice in the same block; keep one"),
)


def _syntax_problem(exc: Any) -> SyntaxProblem:
    """Where and why the YAML reader stopped, mentioning where the unfinished part began."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    raw = (exc.problem or "this is not valid YAML").split("\n")[0]
    for pattern, plain in _PLAIN_SYNTAX:
        if re.match(pattern, raw):
            return SyntaxProblem(line, column, re.sub(pattern, plain, raw, count=1))
    message = raw.replace("'<stream end>'", "the end of the file")
    context = exc.context_mark
    if exc.context and context is not None and (context.line, context.column) != (line - 1, column - 1):
        message += f" ({exc.context}, which starts at line {context.line + 1}, column {context.column + 1})"
    return SyntaxProblem(line, column, message)


def load_folder(folder: Path, names: Iterable[str] = PARTNERSHIP_FILES) -> LoadedFolder:
    loaded = LoadedFolder(folder)
    for name in names:
        loaded.files[name] = load_file(folder / name)
    return loaded


def position(document: Any, loc: Sequence[str | int], at_key: bool = False) -> tuple[int, int]:
    """1-based (line, column) in `document` of the value at `loc`, or of the nearest existing parent.

    `at_key` points at the key itself rather than its value (for unknown or misspelt keys).
    pydantic marks an error in a mapping's key with the pseudo-part "[key]".
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    node = document
    here = (0, 0)
    if isinstance(node, (CommentedMap, CommentedSeq)) and node.lc.line is not None:
        here = (node.lc.line, node.lc.col)
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if part == "[key]":
            break  # `here` already holds the key's position
        if isinstance(node, CommentedMap) and part in node:
            key_pos = node.lc.key(part)
            if (last and at_key) or (not last and loc[index + 1] == "[key]"):
                here = key_pos
                break
            child = node[part]
            # A nested block is reported at its key's line; a scalar at the value itself.
            here = key_pos if isinstance(child, (CommentedMap, CommentedSeq)) else node.lc.value(part)
            node = child
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            here = node.lc.item(part)
            node = node[part]
        else:
            break
    line, column = here
    return line + 1, column + 1


def _write_temp_beside(path: Path, text: str) -> str:
    """Write `text` to a synced temporary file in `path`'s folder, so a rename is atomic."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(tmp_name)
        raise
    return tmp_name


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` all at once: a reader sees the old file or the new, never half."""
    tmp_name = _write_temp_beside(path, text)
    try:
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def create_exclusive(path: Path, text: str) -> None:
    """Write a new file atomically, refusing if one already exists (no silent overwrite)."""
    tmp_name = _write_temp_beside(path, text)
    try:
        try:
            os.link(tmp_name, path)  # fails with FileExistsError rather than replacing
        except FileExistsError:
            raise
        except OSError:
            # No hard links here (some network or FAT drives): reserve the name, then swap in.
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            os.replace(tmp_name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
