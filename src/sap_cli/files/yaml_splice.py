"""Edit a YAML file by changing its text only where the parser says a value is: every other byte stays."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sap_cli.errors import CannotEdit
from sap_cli.files.yaml_read import _first_line, read_tree, unreadable_yaml_errors
from sap_cli.files.yaml_text import flow, scalar
from sap_cli.words import display_path

Loc = Sequence[str | int]

# What the parser counts as the end of a line; a comment or a line of text ends at the first of them.
_BREAKS = "\r\n\x85\u2028\u2029"


class YamlText:
    """A YAML file's text, changed in place one value at a time.

    Each change is written into the text at the place the parser gives for it (a value replaced, a
    line added after the last line of a block), then the text is read again and must hold exactly
    the data expected. Comments (above `---` too), quoting, indentation, each line's own line end,
    long lines and escapes everywhere else stay byte for byte as they were written.
    """

    def __init__(self, text: str, name: str = "the file") -> None:
        self.name = name
        self.bom = text.startswith("\ufeff")
        self._text = text.removeprefix("\ufeff")
        self.data, self._root = self._read(self._text)
        self._expected = copy.deepcopy(self.data)

    @classmethod
    def from_path(cls, path: Path) -> YamlText:
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise CannotEdit(display_path(path), "it is not UTF-8 text") from None
        return cls(text, display_path(path))

    def text(self) -> str:
        return ("\ufeff" if self.bom else "") + self._text

    def get(self, loc: Loc) -> Any:
        return _data_at(self.data, loc)

    def set(self, loc: Loc, value: Any) -> None:
        """Give the key at `loc` this value: its old value's text replaced, or a line added for a new key."""
        from ruamel.yaml.nodes import MappingNode

        *parent, key = loc
        mapping = _node_at(self._root, parent)
        if not isinstance(mapping, MappingNode) or not isinstance(key, str):
            raise CannotEdit(self.name, f"it has no block of fields where sap expected '{key}'")
        pair = _pair(mapping, key)
        if pair is None:
            self._add_key(mapping, key, value)
        else:
            self._replace_value(*pair, value)
        _data_at(self._expected, parent)[key] = copy.deepcopy(value)
        self._check()

    def append(self, loc: Loc, item: Any) -> None:
        """Add `item` at the end of the list at `loc`, written like the items before it."""
        from ruamel.yaml.nodes import ScalarNode, SequenceNode

        sequence = _node_at(self._root, loc)
        if sequence is None or (isinstance(sequence, ScalarNode) and _empty(sequence)):
            self.set(loc, [item])
            return
        if not isinstance(sequence, SequenceNode):
            raise CannotEdit(self.name, f"'{loc[-1]}' is not a list")
        if sequence.flow_style:
            self._insert_in_brackets(sequence, flow(item))
        elif not sequence.value:
            raise CannotEdit(self.name, f"'{loc[-1]}' is an empty list written in an unusual way")
        else:
            dash = sequence.start_mark.column
            content = max(sequence.value[0].start_mark.column, dash + 2)
            self._add_lines(sequence, _item_lines(item, dash, content))
        _data_at(self._expected, loc).append(copy.deepcopy(item))
        self._check()

    # The changes to the text, each at a place the parser gave.

    def _replace_value(self, key: Any, value_node: Any, value: Any) -> None:
        from ruamel.yaml.nodes import ScalarNode

        if not isinstance(value_node, ScalarNode) or value_node.style in ("|", ">"):
            raise CannotEdit(self.name, f"'{key.value}' holds more than one value")
        if _empty(value_node):
            at = self._after_colon(key)
            if _nested(value):  # the block goes on the lines below, after any comment on the key's line
                at = self._end_of_line(at)
            self._splice(at, at, _after_key(value, key.start_mark.column, self._line_end_at(at)))
        else:
            self._splice(value_node.start_mark.index, value_node.end_mark.index, scalar(value))

    def _add_key(self, mapping: Any, key: str, value: Any) -> None:
        if mapping.flow_style:
            self._insert_in_brackets(mapping, f"{scalar(key)}: {flow(value)}")
            return
        if not mapping.value:
            raise CannotEdit(self.name, "a block of fields is empty in an unusual way")
        indent = mapping.value[0][0].start_mark.column
        self._add_lines(mapping, _pair_lines(key, value, indent))

    def _insert_in_brackets(self, collection: Any, written: str) -> None:
        close = collection.end_mark.index - 1
        if self._text[close : close + 1] not in ("]", "}"):
            raise CannotEdit(self.name, "a list or block written between brackets ends in an unusual place")
        before = close
        while before > 0 and self._text[before - 1] in " \t":
            before -= 1
        separator = ", " if collection.value else ""
        self._splice(before, before, separator + written)

    def _add_lines(self, collection: Any, lines: list[str]) -> None:
        """Add whole lines after the last line that holds anything of `collection`."""
        end, block_scalar = _content_end(collection, collection.start_mark.index, self.name)
        at_line_start = end == 0 or self._text[end - 1] in _BREAKS
        if block_scalar and at_line_start:
            # A `|` or `>` text ends at the start of the line after it: add the lines right there.
            eol = self._line_end_before(end)
            self._splice(end, end, "".join(line + eol for line in lines))
            return
        at = self._end_of_line(end)  # past the rest of the line: spaces and a comment
        eol = self._line_end_at(at)
        self._splice(at, at, "".join(eol + line for line in lines))

    def _end_of_line(self, at: int) -> int:
        while at < len(self._text) and self._text[at] not in _BREAKS:
            at += 1
        return at

    def _after_colon(self, key: Any) -> int:
        at = int(key.end_mark.index)
        while at < len(self._text) and self._text[at] in " \t":
            at += 1
        if self._text[at : at + 1] != ":":
            raise CannotEdit(self.name, f"'{key.value}' is written in an unusual way")
        return at + 1

    def _line_end_at(self, at: int) -> str:
        """The line end that closes the line at `at`, or the file's usual one at the end of the file."""
        if self._text.startswith("\r\n", at):
            return "\r\n"
        if self._text[at : at + 1] in ("\n", "\r"):
            return self._text[at]
        return self._usual_line_end()

    def _line_end_before(self, at: int) -> str:
        if self._text[max(at - 2, 0) : at] == "\r\n":
            return "\r\n"
        if self._text[at - 1 : at] in ("\n", "\r"):
            return self._text[at - 1]
        return self._usual_line_end()

    def _usual_line_end(self) -> str:
        crlf = self._text.count("\r\n")
        counts = {"\r\n": crlf, "\n": self._text.count("\n") - crlf, "\r": self._text.count("\r") - crlf}
        best = max(counts, key=lambda eol: counts[eol])
        return best if counts[best] else "\n"

    def _splice(self, start: int, end: int, written: str) -> None:
        self._text = self._text[:start] + written + self._text[end:]

    def _check(self) -> None:
        """Read the changed text again: it must hold what was there plus the change, and nothing else."""
        data, root = self._read(self._text)
        if data != self._expected:
            raise CannotEdit(self.name, "the change would have altered other values in it")
        self.data, self._root = data, root

    def _read(self, text: str) -> tuple[Any, Any]:
        try:
            return read_tree(text)
        except unreadable_yaml_errors() as exc:
            raise CannotEdit(self.name, _first_line(exc)) from None


def _empty(node: Any) -> bool:
    return node.value == "" and not node.style


def _node_at(root: Any, loc: Loc) -> Any:
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    node = root
    for part in loc:
        if isinstance(node, MappingNode) and isinstance(part, str):
            pair = _pair(node, part)
            node = pair[1] if pair else None
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node


def _pair(mapping: Any, key: str) -> tuple[Any, Any] | None:
    from ruamel.yaml.nodes import ScalarNode

    for key_node, value_node in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _data_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


def _content_end(node: Any, floor: int, name: str, key_end: int | None = None) -> tuple[int, bool]:
    """Where the last value inside `node` ends in the text, and whether it is a `|` or `>` text."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode

    if node.start_mark.index < floor:
        # An alias (`*name`) stands for a value written elsewhere in the file: its own place is not
        # known, but it is written after its key, on the key's line (checked once the text is read again).
        if key_end is None:
            raise CannotEdit(name, "its last value repeats another one with '*'")
        return key_end, False
    if isinstance(node, ScalarNode):
        return node.end_mark.index, node.style in ("|", ">")
    if node.flow_style or not node.value:
        return node.end_mark.index, False
    if isinstance(node, MappingNode):
        key, last = node.value[-1]
        return _content_end(last, key.start_mark.index, name, key.end_mark.index)
    return _content_end(node.value[-1], node.start_mark.index, name)


def _nested(value: Any) -> bool:
    return isinstance(value, (dict, list)) and bool(value)


def _pair_lines(key: str, value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if _nested(value):
        return [f"{pad}{scalar(key)}:", *_block_lines(value, indent + 2)]
    return [f"{pad}{scalar(key)}: {flow(value)}".rstrip()]


def _block_lines(value: Any, indent: int) -> list[str]:
    """A map or list written as a block at `indent`, the way sap writes a new file."""
    if isinstance(value, dict):
        return [line for key, item in value.items() for line in _pair_lines(str(key), item, indent)]
    return [line for item in value for line in _item_lines(item, indent, indent + 2)]


def _item_lines(item: Any, dash: int, content: int) -> list[str]:
    """One list item: its dash at column `dash`, its value starting at column `content`."""
    body = _block_lines(item, content) if _nested(item) else [" " * content + flow(item)]
    first = body[0]
    return [first[:dash] + "-" + first[dash + 1 :], *body[1:]]


def _after_key(value: Any, indent: int, eol: str) -> str:
    """What goes right after `key:` when the key had no value yet."""
    if _nested(value):
        return "".join(eol + line for line in _block_lines(value, indent + 2))
    return " " + flow(value)
