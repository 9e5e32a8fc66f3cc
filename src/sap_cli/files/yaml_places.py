"""Where something is in a YAML file: line and column from the parser's nodes, or from an offset."""

from __future__ import annotations

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
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    if node is None:
        return 1, 1
    here = node.start_mark
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if part == "[key]":
            break  # `here` already holds the key's position
        if isinstance(node, MappingNode):
            pair = _pair(node, part)
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


def _pair(mapping: Any, key: str | int) -> tuple[Any, Any] | None:
    """The (key node, value node) of `key` in a mapping node; the last one, as the reader keeps it."""
    from ruamel.yaml.nodes import ScalarNode

    found = None
    for key_node, value_node in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == str(key):
            found = (key_node, value_node)
    return found
