"""Find a partnership folder, read its YAML round-trip with positions, and write files atomically."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sap_cli.errors import FolderNotFound, ProjectNotFound

PROJECT_MARKER = "project.yaml"
PARTNERSHIP_FILES = ("project.yaml", "roles.yaml", "goals.yaml", "timeline.yaml", "matrix.yaml")


def find_project(start: Path) -> Path:
    """The nearest folder at or above `start` holding project.yaml; `start` itself must exist."""
    if not start.exists():
        raise FolderNotFound(start)
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / PROJECT_MARKER).is_file():
            return folder
    raise ProjectNotFound(start)


def command_path(path: Path) -> str:
    """A folder as it would be typed after a command: empty for the working folder itself."""
    import shlex

    rel = os.path.relpath(path) if path.is_absolute() or path.exists() else str(path)
    if rel.startswith("../../"):
        rel = str(path.resolve())  # far away: the full path is easier to follow than ../../..
    return "" if rel == "." else f" {shlex.quote(rel)}"  # quoted, so it can be pasted as it is


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when that is shorter."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    if rel == ".":
        return f"{Path.cwd().name} (this folder)"
    return rel if not rel.startswith("../../") else str(path)


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


SYNTAX_HINT = (
    "Check the indentation (spaces, lined up with the lines above) and the ':' after each name; "
    "text containing ': ' or starting with a symbol needs quotes."
)


@dataclass(frozen=True)
class SyntaxProblem:
    """A file that is not readable YAML, with where the reader gave up."""

    line: int
    column: int
    message: str
    hint: str | None = SYNTAX_HINT
    code: str = "yaml-syntax"


@dataclass
class LoadedFile:
    """One YAML file: its data as plain Python (None if missing or unreadable) and any syntax problem.

    The data comes from the fast safe loader. The round-trip `document`, which knows the line and
    column of every value, is parsed only when a problem in this file needs a position.
    """

    path: Path
    data: Any = None
    missing: bool = False
    syntax: SyntaxProblem | None = None
    text: str | None = None
    _document: Any = field(default=None, repr=False)

    @property
    def readable(self) -> bool:
        return not self.missing and self.syntax is None

    @property
    def document(self) -> Any:
        if self._document is None and self.text is not None and self.readable:
            self._document = round_trip_yaml().load(self.text)
        return self._document


@dataclass
class LoadedFolder:
    folder: Path
    files: dict[str, LoadedFile] = field(default_factory=dict)


def _lenient_dates(base: Any) -> Any:
    """`base` constructor reading an impossible date such as 2026-02-30 as text, for the schema to place."""

    class LenientDates(base):  # type: ignore[misc]
        def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
            try:
                return super().construct_yaml_timestamp(node, values)
            except ValueError:
                return self.construct_scalar(node)

    LenientDates.add_constructor("tag:yaml.org,2002:timestamp", LenientDates.construct_yaml_timestamp)
    return LenientDates


@functools.cache
def _lenient_dates_constructor() -> Any:
    from ruamel.yaml.constructor import RoundTripConstructor

    return _lenient_dates(RoundTripConstructor)


@functools.cache
def _fast_yaml() -> Any:
    """The safe loader, with the C parser (ruamel.yaml.clib) where it is installed."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.resolver import VersionedResolver

    class Yaml12Resolver(VersionedResolver):
        """Every file is read as YAML 1.2, the version the round-trip loader assumes too.

        Asking the C parser for a document's version costs an exception per value; fixing it
        makes a bulk read about a third faster.
        """

        @property
        def processing_version(self) -> Any:
            return (1, 2)

    class PlainValues(_lenient_dates(SafeConstructor)):  # type: ignore[misc]
        """Only text, numbers, booleans, dates, lists and maps: no binary data, sets or ordered pairs."""

        def refuse_tag(self, node: Any) -> Any:
            from ruamel.yaml.constructor import ConstructorError

            raise ConstructorError(None, None, f"tag {node.tag} is refused", node.start_mark)

    for refused in ("binary", "set", "omap", "pairs"):
        PlainValues.add_constructor(f"tag:yaml.org,2002:{refused}", PlainValues.refuse_tag)
    yaml = YAML(typ="safe")
    yaml.Constructor = PlainValues
    yaml.Resolver = Yaml12Resolver
    return yaml


def round_trip_yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.Constructor = _lenient_dates_constructor()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a partner's long sentence
    return yaml


@dataclass
class EditableYaml:
    """A file sap is about to edit: its round-trip document, and how the file was written.

    `text()` gives the file back with its comments, key order, quoting, indentation, line ends and
    byte-order mark as they were; only what was edited in `document` differs.
    """

    document: Any
    mapping_indent: int = 2
    sequence_indent: int = 4  # from a list's key to its items' text
    sequence_offset: int = 2  # from a list's key to its dashes
    crlf: bool = False
    bom: bool = False

    def text(self) -> str:
        import io

        yaml = round_trip_yaml()
        yaml.indent(mapping=self.mapping_indent, sequence=self.sequence_indent, offset=self.sequence_offset)
        buffer = io.StringIO()
        yaml.dump(self.document, buffer)
        written = buffer.getvalue()
        if self.crlf:
            written = written.replace("\n", "\r\n")
        return ("\ufeff" if self.bom else "") + written


def load_round_trip(path: Path) -> EditableYaml:
    """Read a file for editing, noting its indentation, line ends and byte-order mark."""
    return editable_from_text(path.read_bytes().decode("utf-8"))


def editable_from_text(raw: str) -> EditableYaml:
    """The text of a YAML file, ready for editing as `load_round_trip` reads it."""
    from ruamel.yaml.util import load_yaml_guess_indent

    crlf = "\r\n" in raw
    # Read with plain line ends (comments would otherwise keep their \r) and put them back on saving.
    text = raw.removeprefix("\ufeff").replace("\r\n", "\n")
    _, sequence_indent, sequence_offset = load_yaml_guess_indent(text)
    return EditableYaml(
        round_trip_yaml().load(text),
        mapping_indent=_mapping_indent(text),
        sequence_indent=sequence_indent or 4,
        sequence_offset=sequence_offset if sequence_offset is not None else 2,
        crlf=crlf,
        bom=raw.startswith("\ufeff"),
    )


def _mapping_indent(text: str) -> int:
    """How far a nested 'key: value' block sits in from its parent key in this file (2 if none)."""
    previous: tuple[int, str] | None = None
    for line in text.splitlines():
        content = line.strip()
        if not content or content.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        nested_block = previous is not None and previous[1].endswith(":") and indent > previous[0]
        if nested_block and previous and not content.startswith("- ") and not previous[1].startswith("- "):
            return indent - previous[0]
        previous = (indent, content.split(" #")[0].rstrip())
    return 2


# Characters YAML does not allow in a file; a stray one usually means a damaged or non-text file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Tags that would turn a value into something other than plain text, numbers, dates, lists and maps.
TAG_HINT = "Remove the tag (the word starting with '!') and keep the plain value after it."
_CONFLICT = re.compile(r"^(?:<{7}|={7}|>{7})(?: |$)", re.MULTILINE)
NESTING_LIMIT = 100  # partnership files nest five levels deep; hundreds means a damaged file


def _problem_at(path: Path, text: str, offset: int, message: str, hint: str, code: str) -> LoadedFile:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return LoadedFile(path, syntax=SyntaxProblem(line, column, message, hint, code))


def load_file(path: Path, inside: Path | None = None) -> LoadedFile:
    """Read one YAML file, or say in plain words why it cannot be read and where.

    With `inside`, a link leading out of that folder is not followed: a folder cloned from someone
    else must not make sap read, and repeat in its messages, files elsewhere on the computer.
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if inside is not None and path.is_symlink():
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(Path(os.path.realpath(inside))):
            return LoadedFile(
                path,
                syntax=SyntaxProblem(
                    1,
                    1,
                    f"{path.name} is a link to a file outside the partnership, which sap does not follow",
                    "Replace the link with a copy of the file, if you trust where it came from.",
                    "outside-link",
                ),
            )
    if not path.is_file():
        if path.exists():
            return LoadedFile(
                path,
                syntax=SyntaxProblem(
                    1,
                    1,
                    f"{path.name} is a folder, not a file",
                    f"Move what is inside it elsewhere, then make {path.name} a file again.",
                    "unreadable",
                ),
            )
        return LoadedFile(path, missing=True)
    try:
        raw = path.read_bytes()
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
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
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
    control = _CONTROL.search(text)
    if control is not None:
        return _problem_at(
            path,
            text,
            control.start(),
            f"this file holds a control character (U+{ord(control.group()):04X}), which is not text",
            "Delete the character (it may show as a box or nothing at all), or retype the line; "
            "the file may have been saved by a program that is not a text editor.",
            "not-text",
        )
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
        data = _fast_yaml().load(text)
    except MarkedYAMLError as exc:
        tag = _tag_problem(exc)
        if tag is not None:
            return LoadedFile(path, syntax=tag)
        data = None  # read it again the slow way below, which says where and why in plain words
    except (YAMLError, RecursionError):
        data = None
    else:
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
        return LoadedFile(path, data=data, text=text)
    try:
        document = round_trip_yaml().load(text)
    except MarkedYAMLError as exc:
        return LoadedFile(path, syntax=_syntax_problem(exc))
    except (YAMLError, RecursionError) as exc:
        message = str(exc).splitlines()[0] if isinstance(exc, YAMLError) else "the file is nested too deeply"
        return LoadedFile(path, syntax=SyntaxProblem(1, 1, message, SYNTAX_HINT))
    return LoadedFile(path, data=document, text=text, _document=document)


def _deepest_brackets(text: str) -> int | None:
    """Where flow brackets first nest deeper than the limit (a cheap guard before parsing), or None."""
    if text.count("[") + text.count("{") <= NESTING_LIMIT:
        return None
    depth = 0
    for offset, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth > NESTING_LIMIT:
                return offset
        elif char in "]}":
            depth = max(0, depth - 1)
    return None


EXPANDED_LIMIT = 200_000  # values after aliases are expanded; a large partnership file has a few thousand


def _expands_too_far(data: Any) -> bool:
    """True if the data is nested too deeply, or repeating its shared parts (aliases) would make it
    huge: the 'billion laughs' file. Each shared part is measured once, so this stays quick."""
    measured: dict[int, tuple[int, int]] = {}  # id -> (values inside, depth)

    def measure(value: Any, level: int = 0) -> tuple[int, int]:
        if not isinstance(value, (dict, list)):
            return 1, 0
        if level > NESTING_LIMIT:
            return 1, NESTING_LIMIT + 1  # deep enough to refuse; never recurse further
        known = measured.get(id(value))
        if known is not None:
            return known
        measured[id(value)] = (EXPANDED_LIMIT + 1, NESTING_LIMIT + 1)  # a part that contains itself
        total, depth = 1, 0
        for child in value.values() if isinstance(value, dict) else value:
            size, child_depth = measure(child, level + 1)
            total, depth = total + size, max(depth, child_depth + 1)
            if total > EXPANDED_LIMIT or depth > NESTING_LIMIT:
                break
        measured[id(value)] = (total, depth)
        return total, depth

    total, depth = measure(data)
    return total > EXPANDED_LIMIT or depth > NESTING_LIMIT


def _tag_problem(exc: Any) -> SyntaxProblem | None:
    """A plain problem for a YAML tag (such as !!python/object) that sap refuses, or None."""
    problem = getattr(exc, "problem", "") or ""
    found = re.search(r"for the tag '?(?P<tag>[^'\s]+)'?", problem) or re.search(
        r"tag (?P<tag>\S+) is", problem
    )
    if found is None or exc.problem_mark is None:
        return None
    tag = found["tag"].replace("tag:yaml.org,2002:", "!!")
    mark = exc.problem_mark
    return SyntaxProblem(
        mark.line + 1,
        mark.column + 1,
        f"'{tag}' is a YAML tag, which sap files do not use",
        TAG_HINT,
        "yaml-tag",
    )


# The YAML reader's wording for the commonest slips, said the way a partner would understand it.
_PLAIN_SYNTAX: tuple[tuple[str, str, str | None], ...] = (
    (
        r"mapping values are not allowed here",
        "a ':' here starts a new field",
        "If the ':' is part of the text, put the whole text in quotes: \"Note: like this\".",
    ),
    (
        r"found character '\\t' that cannot start any token",
        "a tab is used here; YAML needs spaces",
        "Replace the tab with spaces.",
    ),
    (
        r'found duplicate key "(?P<key>[^"]*)".*',
        "'\\g<key>' appears twice in the same block",
        "Keep one of them, or rename the other.",
    ),
    (
        r"expected <block end>, but found .*",
        "this line's indentation does not match the lines above it",
        SYNTAX_HINT,
    ),
    (
        r"but found another document",
        "the file holds a second YAML document (a line '---')",
        "Remove the '---' line and merge the parts.",
    ),
)


def _syntax_problem(exc: Any) -> SyntaxProblem:
    """Where and why the YAML reader stopped, mentioning where the unfinished part began."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    raw = (exc.problem or "this is not valid YAML").split("\n")[0]
    for pattern, plain, hint in _PLAIN_SYNTAX:
        if re.match(pattern, raw):
            return SyntaxProblem(line, column, re.sub(pattern, plain, raw, count=1), hint)
    message = raw.replace("'<stream end>'", "the end of the file").replace(
        "<stream end>", "the end of the file"
    )
    context = exc.context_mark
    if exc.context and context is not None and (context.line, context.column) != (line - 1, column - 1):
        message += f" ({exc.context}, which starts at line {context.line + 1}, column {context.column + 1})"
    return SyntaxProblem(line, column, message)


def load_folder(folder: Path, names: Iterable[str] = PARTNERSHIP_FILES) -> LoadedFolder:
    loaded = LoadedFolder(folder)
    for name in names:
        loaded.files[name] = load_file(folder / name, inside=folder)
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
            # A scalar is reported at the value itself; a nested block or an empty value at its key.
            scalar_value = child is not None and not isinstance(child, (CommentedMap, CommentedSeq))
            here = node.lc.value(part) if scalar_value else key_pos
            node = child
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            here = node.lc.item(part)
            node = node[part]
        else:
            break
    line, column = here
    return line + 1, column + 1


def _new_file_mode() -> int:
    """Permissions a newly created file would get (mkstemp alone would make it private to one user)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_temp_beside(path: Path, data: str | bytes) -> str:
    """Write `data` to a synced temporary file in `path`'s folder, so a rename is atomic."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, path.stat().st_mode & 0o7777 if path.exists() else _new_file_mode())
    except BaseException:
        os.unlink(tmp_name)
        raise
    return tmp_name


def atomic_write(path: Path, data: str | bytes) -> None:
    """Replace `path` with `data` all at once: a reader sees the old file or the new, never half.

    A symbolic link is followed, so the file it points to is the one replaced.
    """
    path = path.resolve() if path.is_symlink() else path
    tmp_name = write_temp_beside(path, data)
    try:
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def create_exclusive(path: Path, text: str | bytes) -> None:
    """Write a new file atomically, refusing if one already exists (no silent overwrite)."""
    tmp_name = write_temp_beside(path, text)
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


def unsafe_reason(folder: Path, relative: str) -> str | None:
    """Why sap must not write `relative` inside `folder`, or None if it may.

    A cloned folder could hold links in docs/ pointing anywhere on the computer; writing
    through them would let its author plant files outside the project.
    """
    here = folder
    parts = Path(relative).parts
    for depth, part in enumerate(parts):
        here = here / part
        last = depth == len(parts) - 1
        if here.is_symlink():
            link = here.relative_to(folder)
            return f"{relative} passes through a link ({link}); sap does not write through links"
        if not here.exists():
            return None
        if not last and not here.is_dir():
            return f"{here.relative_to(folder)} is a file where sap expects a folder"
        if last and not here.is_file():
            return f"{relative} is a folder, not a file"
    return None
