"""Where something is in a YAML file: line and column from the parser's nodes, or from an offset."""

from __future__ import annotations

import marshal
import re
from collections.abc import Sequence
from typing import Any

_LINE_END = re.compile(r"\r\n|\r|\n")


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of `offset`; lines end as an editor ends them: LF, CRLF, CR."""
    ends = list(_LINE_END.finditer(text, 0, offset))
    start = ends[-1].end() if ends else 0
    return len(ends) + 1, offset - start + 1


def position(node: Any, loc: Sequence[str | int], at_key: bool = False) -> tuple[int, int]:
    """1-based (line, column) in the node tree of the value at `loc`, or of the nearest existing parent.

    `at_key` points at the key itself rather than its value (for unknown or misspelt keys).
    pydantic marks an error in a mapping's key with the pseudo-part "[key]".
    """
    return Locator(node).position(loc, at_key)


class Locator:
    """Places many problems in one file: the tree unpacked once, each mapping's keys indexed once.

    A file with thousands of misspelt keys has thousands of problems; looking each key up by
    walking its mapping, and unpacking the read cache's copy for each, took minutes.
    """

    def __init__(self, node: Any) -> None:
        self.source = node  # as the file was loaded: a caller can tell whether it still holds this file
        if isinstance(node, bytes):  # places kept by the read cache, unpacked only when a problem needs them
            node = marshal.loads(node)
        self.node = node
        self._keys: dict[int, tuple[list[Any], dict[str, Any]]] = {}

    def position(self, loc: Sequence[str | int], at_key: bool = False) -> tuple[int, int]:
        """`position` for this file's tree."""
        if self.node is None:
            return 1, 1
        if isinstance(self.node, tuple):
            return self._in_places(loc, at_key)
        return self._in_nodes(loc, at_key)

    def _last(self, pairs: list[Any], key: str, key_of: Any) -> Any:
        """The last pair whose key is `key`, as the reader keeps it; None when there is none."""
        # Keyed by the list's id, which stays unique while `self._keys` holds the list itself.
        entry = self._keys.get(id(pairs))
        if entry is None:
            index = {}
            for pair in pairs:
                found = key_of(pair)
                if found is not None:
                    index[found] = pair
            entry = self._keys[id(pairs)] = (pairs, index)
        return entry[1].get(key)

    def _in_nodes(self, loc: Sequence[str | int], at_key: bool) -> tuple[int, int]:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        node = self.node
        here = node.start_mark
        for index, part in enumerate(loc):
            last = index == len(loc) - 1
            if part == "[key]":
                break  # `here` already holds the key's position
            if isinstance(node, MappingNode):
                pair = self._last(node.value, str(part), _node_key)
                if pair is None:
                    break
                key, child = pair
                if (last and at_key) or (not last and loc[index + 1] == "[key]"):
                    here = key.start_mark
                    break
                # A scalar is reported at the value itself; a nested block or an empty value at its key.
                filled = isinstance(child, ScalarNode) and (child.value != "" or bool(child.style))
                here = child.start_mark if filled else key.start_mark
                node = child
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                here = node.start_mark
            else:
                break
        return here.line + 1, here.column + 1

    def _in_places(self, loc: Sequence[str | int], at_key: bool) -> tuple[int, int]:
        """The same walk over the tuples of `places_of`, with the same answers."""
        node = self.node
        here = (node[0], node[1])
        for index, part in enumerate(loc):
            last = index == len(loc) - 1
            if part == "[key]":
                break
            if node[2] == MAP:
                pair = self._last(node[3], str(part), _place_key)
                if pair is None:
                    break
                _, key_line, key_column, child = pair
                if (last and at_key) or (not last and loc[index + 1] == "[key]"):
                    here = (key_line, key_column)
                    break
                here = (child[0], child[1]) if child[2] == SCALAR and child[3] else (key_line, key_column)
                node = child
            elif node[2] == LIST and isinstance(part, int) and 0 <= part < len(node[3]):
                node = node[3][part]
                here = (node[0], node[1])
            else:
                break
        return here[0] + 1, here[1] + 1


def _node_key(pair: tuple[Any, Any]) -> str | None:
    from ruamel.yaml.nodes import ScalarNode

    key = pair[0]
    return key.value if isinstance(key, ScalarNode) else None


def _place_key(pair: tuple[Any, ...]) -> str | None:
    key = pair[0]
    return key if isinstance(key, str) else None


# A node tree reduced to where things are, as plain tuples the read cache can keep:
# (line, column, MAP, [(key or None, key line, key column, child), ...]), (line, column, LIST, [child, ...])
# or (line, column, SCALAR, filled), lines and columns 0-based as the parser's marks are.
MAP, LIST, SCALAR = 0, 1, 2
Places = tuple[int, int, int, Any]


def places_of(node: Any) -> Places:
    """The positions `position` needs from a node tree, without the tree (the read cache keeps these)."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    mark = node.start_mark
    if isinstance(node, MappingNode):
        pairs = [
            (
                key.value if isinstance(key, ScalarNode) else None,
                key.start_mark.line,
                key.start_mark.column,
                places_of(value),
            )
            for key, value in node.value
        ]
        return (mark.line, mark.column, MAP, pairs)
    if isinstance(node, SequenceNode):
        return (mark.line, mark.column, LIST, [places_of(item) for item in node.value])
    return (
        mark.line,
        mark.column,
        SCALAR,
        isinstance(node, ScalarNode) and (node.value != "" or bool(node.style)),
    )
