"""Read YAML safely with one parser, which gives the data, the place of every value and the text to edit."""

from __future__ import annotations

import marshal
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sap_cli.files.paths import OUTSIDE_HINT, Refused, outside_link, read_refusal
from sap_cli.files.read_cache import FolderCache, key_of, settled
from sap_cli.files.yaml_guard import (
    _CONFLICT,
    _CONTROL_NAMES,
    NESTING_LIMIT,
    YAML_SIZE_LIMIT,
    _deepest_brackets,
    _expands_too_far,
    _first_control,
    _odd_character,
    _too_large_problem,
    complex_key_problem,
)
from sap_cli.files.yaml_loaders import fast_yaml
from sap_cli.files.yaml_places import line_and_column, places_of, position
from sap_cli.files.yaml_syntax import (
    SYNTAX_HINT,
    SyntaxProblem,
    _syntax_problem,
    _tag_problem,
)


@dataclass
class LoadedFile:
    """One YAML file: its data as plain Python (None if missing or unreadable) and any syntax problem.

    `node` is the tree the one parser built the data from; it knows where every key and value
    starts and ends, so problems are placed, and edits made, by the same reading that validated.
    """

    path: Path
    data: Any = None
    missing: bool = False
    syntax: SyntaxProblem | None = None
    text: str | None = None
    node: Any = field(default=None, repr=False)

    @property
    def readable(self) -> bool:
        return not self.missing and self.syntax is None


@dataclass
class LoadedFolder:
    folder: Path
    files: dict[str, LoadedFile] = field(default_factory=dict)

    @classmethod
    def when_needed(cls, folder: Path, names: Iterable[str]) -> LoadedFolder:
        """The named files of `folder`, each read only when something asks for it (see _FilesWhenNeeded)."""
        return cls(folder, _FilesWhenNeeded(folder, names))


class _FilesWhenNeeded(dict[str, LoadedFile]):
    """A folder's files by name, each read (from the read cache when unchanged) on first use.

    When the whole check of a folder was kept (partnership/checked_cache.py), its files are read
    again only to place a later finding at its line or to list a file's raw ids.
    """

    def __init__(self, folder: Path, names: Iterable[str]) -> None:
        super().__init__()
        self._folder, self._names = folder, set(names)
        self._cache: FolderCache | None = None
        self._opened = False

    def __missing__(self, name: str) -> LoadedFile:
        if name not in self._names:
            raise KeyError(name)
        if not self._opened:
            self._cache, self._opened = FolderCache.open(self._folder), True
        found = self[name] = load_file(self._folder / name, inside=self._folder, cache=self._cache, name=name)
        if self._cache is not None:
            self._cache.save()
        return found

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default


def _problem_at(path: Path, text: str, offset: int, message: str, hint: str, code: str) -> LoadedFile:
    line, column = line_and_column(text, offset)
    return LoadedFile(path, syntax=SyntaxProblem(line, column, message, hint, code))


def load_file(
    path: Path,
    inside: Path | None = None,
    cache: FolderCache | None = None,
    name: str | None = None,
    inside_real: str | None = None,
) -> LoadedFile:
    """Read one YAML file, or say in plain words why it cannot be read and where.

    With `inside`, a link leading out of that folder is not followed: a folder cloned from someone
    else must not make sap read, and repeat in its messages, files elsewhere on the computer.
    With `cache`, an unchanged file is not parsed again (see read_cache); `name` is its name there.
    `inside_real` is the real path of `inside`, worked out once for a whole folder of files.
    """

    if inside is not None:
        try:
            relative: Path | None = path.relative_to(inside)
        except ValueError:
            relative = None
        refused = (
            read_refusal(inside, relative, inside_real)
            if relative is not None
            else (
                Refused(outside_link(path.name, is_folder=False), OUTSIDE_HINT, "outside-link")
                if path.is_symlink()
                and not Path(os.path.realpath(path)).is_relative_to(Path(os.path.realpath(inside)))
                else None
            )
        )
        if refused is not None:
            return LoadedFile(path, syntax=SyntaxProblem(1, 1, refused.message, refused.hint, refused.code))
    if not path.is_file():
        if path.exists():
            return LoadedFile(
                path,
                syntax=SyntaxProblem(
                    1,
                    1,
                    f"{path.name} is a folder, not a file"
                    if path.is_dir()
                    else f"{path.name} is not an ordinary file (it is a pipe, a device or a socket)",
                    f"Move what is inside it elsewhere, then make {path.name} a file again."
                    if path.is_dir()
                    else f"Replace {path.name} with a plain file.",
                    "unreadable",
                ),
            )
        return LoadedFile(path, missing=True)
    try:
        with path.open("rb") as handle:
            before = os.fstat(handle.fileno())
            if cache is not None:
                kept = from_record(path, cache.get(name or path.name, key_of(before)))
                if kept is not None:
                    return kept
            raw = handle.read(YAML_SIZE_LIMIT + 1)  # never more than the limit, however large it is
            unchanged = key_of(os.fstat(handle.fileno())) == key_of(before)
    except OSError as exc:
        return LoadedFile(
            path,
            syntax=SyntaxProblem(
                1,
                1,
                f"the file cannot be read: {exc.strerror}",
                "Check that the file exists and that you may read it.",
                "unreadable",
            ),
        )
    loaded = parse_bytes(path, raw)
    if cache is not None and unchanged and settled(before):
        cache.put(name or path.name, key_of(before), as_record(loaded))
    return loaded


def as_record(loaded: LoadedFile) -> Any:
    """What the read cache keeps of a reading: the problem, or the data and where each value is."""
    if loaded.syntax is not None:
        s = loaded.syntax
        return ("x", s.line, s.column, s.message, s.hint, s.code)
    try:
        return ("d", loaded.data, None if loaded.node is None else marshal.dumps(places_of(loaded.node)))
    except RecursionError:
        return None


def from_record(path: Path, record: Any) -> LoadedFile | None:
    """A reading rebuilt from the read cache, or None if the record is not one `as_record` makes."""
    if type(record) is not tuple or not record:
        return None
    if record[0] == "x" and len(record) == 6:
        _, line, column, message, hint, code = record
        plain = type(line) is int and type(column) is int and type(message) is str and type(code) is str
        if plain and (hint is None or type(hint) is str):
            return LoadedFile(path, syntax=SyntaxProblem(line, column, message, hint, code))
    if record[0] == "d" and len(record) == 3 and (record[2] is None or type(record[2]) is bytes):
        return LoadedFile(path, data=record[1], node=record[2])
    return None


def parse_bytes(path: Path, raw: bytes) -> LoadedFile:
    """The guarded reading of a YAML file's bytes, wherever they came from (disk or git history).

    `path` names the file in messages; nothing is read from it.
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if len(raw) > YAML_SIZE_LIMIT:
        return LoadedFile(path, syntax=_too_large_problem())
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8-sig", errors="replace")
        line, column = line_and_column(before, len(before))
        return LoadedFile(
            path,
            syntax=SyntaxProblem(
                line,
                column,
                "this character is not UTF-8 text",
                "Save the file as UTF-8 (in most editors: Save As, then choose the UTF-8 encoding).",
                "not-utf8",
            ),
        )
    odd_text = _odd_character(text)
    if odd_text is not None:
        return _problem_at(path, text, *odd_text)
    conflict = _CONFLICT.search(text)
    if conflict is not None:
        return _problem_at(
            path,
            text,
            conflict.start(),
            "this file still has the marker lines git adds when two changes clash "
            "(<<<<<<<, ======= and >>>>>>>)",
            "Keep the lines you want from each side, delete the three kinds of marker lines, save, "
            "then run the command again.",
            "merge-conflict",
        )
    deepest = _deepest_brackets(text)
    if deepest is not None:
        return _problem_at(
            path,
            text,
            deepest,
            f"the values here are nested more than {NESTING_LIMIT} levels deep",
            "Partnership files need only a few levels; the file may be damaged. Compare it with "
            "the same file made by `sap init`.",
            "too-deep",
        )
    try:
        data, node = read_tree(text)
    except MarkedYAMLError as exc:
        return LoadedFile(path, syntax=_tag_problem(exc) or _syntax_problem(exc))
    except RecursionError:
        return LoadedFile(path, syntax=SyntaxProblem(1, 1, "the file is nested too deeply", SYNTAX_HINT))
    except YAMLError as exc:
        return LoadedFile(path, syntax=SyntaxProblem(1, 1, _first_line(exc), SYNTAX_HINT))
    except CONSTRUCTOR_ERRORS:
        return _value_problem(path, text)
    if _expands_too_far(data):
        return LoadedFile(
            path,
            syntax=SyntaxProblem(
                1,
                1,
                "the file repeats its own parts (YAML anchors '&' and aliases '*') far too many times",
                "Write the values out instead of repeating them with '*'; the file may have been "
                "made to slow programs down.",
                "too-large",
            ),
        )
    complex_key = complex_key_problem(node)
    if complex_key is not None:
        return LoadedFile(path, syntax=complex_key)
    return _refuse_escaped_controls(LoadedFile(path, data=data, text=text, node=node))


def read_tree(text: str) -> tuple[Any, Any]:
    """The data of one YAML text and the node tree it was built from, by the one parser sap uses.

    Raises the YAML reader's own errors, and CONSTRUCTOR_ERRORS for a value its tag cannot build.
    """
    yaml = fast_yaml()
    constructor, parser = yaml.get_constructor_parser(text)
    try:
        node = constructor.composer.get_single_node()
        data = constructor.construct_document(node) if node is not None else None
    finally:
        parser.dispose()
        for part in ("reader", "scanner"):
            reset = getattr(getattr(yaml, "_" + part, None), f"reset_{part}", None)
            if reset is not None:
                reset()
    return data, node


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else "this is not valid YAML"


def unreadable_yaml_errors() -> tuple[type[BaseException], ...]:
    """Everything ruamel raises for a text it cannot read or keep: a problem with the file, never a crash.

    NotImplementedError is the round-trip reader's "overlap in comment" (comment lines between a
    key and its value); the rest are syntax, nesting and values their tag cannot build.
    """
    from ruamel.yaml.error import YAMLError

    return (YAMLError, RecursionError, NotImplementedError, *CONSTRUCTOR_ERRORS)


# What a YAML constructor raises for a value it cannot build, such as `!!int 3 hours`, `!!bool perhaps` or the
# 25th hour of a day: a problem with the file, never a crash.
CONSTRUCTOR_ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError, OverflowError, KeyError, IndexError)
_TYPE_TAG = re.compile(r"!!(?:int|float|bool|timestamp|str|null)\b")


def _value_problem(path: Path, text: str) -> LoadedFile:
    """A value YAML cannot build: at the first type tag such as !!int if there is one, else the top."""
    tagged = _TYPE_TAG.search(text)
    return _problem_at(
        path,
        text,
        tagged.start() if tagged else 0,
        "a value here cannot be read as the kind of value it is marked as (a number, a date or a time)",
        "Remove the tag (the word starting with '!!') and write the value plainly, such as 3 or "
        "2026-03-04; a time of day runs from 00:00 to 23:59.",
        "yaml-syntax",
    )


def _refuse_escaped_controls(loaded: LoadedFile) -> LoadedFile:
    """Refuse control characters written as escapes inside double quotes ("\\e", "\\x1b", "\\u009b").

    The raw-byte check cannot see them: they appear only once the file is parsed. In a title they
    could recolour, clear or retitle the terminal of whoever runs sap on the folder.
    """
    found = _first_control(loaded.data)
    if found is None:
        return loaded
    loc, is_key, char = found
    line, column = position(loaded.node, loc, at_key=is_key)
    name = _CONTROL_NAMES.get(ord(char), "a control character")
    return LoadedFile(
        loaded.path,
        syntax=SyntaxProblem(
            line,
            column,
            f"this {'key' if is_key else 'value'} holds {name} (U+{ord(char):04X}), written as a backslash "
            "escape (such as \\e, \\x1b or \\u009b); it is not text and could change what a terminal shows",
            "Delete the backslash escape from the quoted text (keep \\n for a new line and \\t for a tab); "
            "if the folder came from someone else, check what else it holds.",
            "not-text",
        ),
    )


def load_folder(folder: Path, names: Iterable[str]) -> LoadedFolder:
    """The named files of `folder`, each read once (or taken from the read cache when unchanged)."""
    loaded = LoadedFolder(folder)
    cache = FolderCache.open(folder)
    real = os.path.realpath(folder)  # once, not once a file: each costs a look at every folder above
    for name in names:
        loaded.files[name] = load_file(folder / name, inside=folder, cache=cache, name=name, inside_real=real)
    if cache is not None:
        cache.save()
    return loaded
