"""Round-trip YAML for files sap edits: comments, order, quoting, indentation and line ends kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sap_cli.errors import CannotEdit
from sap_cli.files.yaml_loaders import round_trip_yaml
from sap_cli.files.yaml_read import _first_line, unreadable_yaml_errors
from sap_cli.words import display_path


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
    try:
        return editable_from_text(path.read_bytes().decode("utf-8"))
    except CannotEdit as exc:
        raise CannotEdit(display_path(path), exc.reason) from None


def editable_from_text(raw: str) -> EditableYaml:
    """The text of a YAML file, ready for editing as `load_round_trip` reads it."""
    from ruamel.yaml.util import load_yaml_guess_indent

    crlf = "\r\n" in raw
    # Read with plain line ends (comments would otherwise keep their \r) and put them back on saving.
    text = raw.removeprefix("\ufeff").replace("\r\n", "\n")
    try:
        _, sequence_indent, sequence_offset = load_yaml_guess_indent(text)
        document = round_trip_yaml().load(text)
    except unreadable_yaml_errors() as exc:
        raise CannotEdit("the file", _first_line(exc)) from None
    return EditableYaml(
        document,
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
