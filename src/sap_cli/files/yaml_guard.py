"""Limits a YAML file must keep before and after parsing: size, control characters, nesting, expansion."""

from __future__ import annotations

import re
from typing import Any

from sap_cli.files.yaml_syntax import COMPLEX_KEY, COMPLEX_KEY_HINT, SyntaxProblem

# Characters YAML does not allow in a file; a stray one usually means a damaged or non-text file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Line breaks other than a new line: invisible in most editors, but YAML ends a line at each one,
# so a title holding one is quietly split and a block of text seems wrongly indented. They are
# refused wherever they stand in the file (a value that needs one can still say "\u2028").
_ODD_LINE_BREAK = re.compile("[\u0085\u2028\u2029]")
_ODD_LINE_BREAK_NAMES = {
    0x85: "a next-line character (NEL, U+0085)",
    0x2028: "a line separator character (U+2028)",
    0x2029: "a paragraph separator character (U+2029)",
}


def _odd_character(text: str) -> tuple[int, str, str, str] | None:
    """(where, message, hint, code) for the first control character or odd line break in `text`."""
    control = _CONTROL.search(text)
    if control is not None:
        return (
            control.start(),
            f"this file holds a control character (U+{ord(control.group()):04X}), which is not text",
            "Delete the character (it may show as a box or nothing at all), or retype the line; "
            "the file may have been saved by a program that is not a text editor.",
            "not-text",
        )
    found = _ODD_LINE_BREAK.search(text)
    if found is None:
        return None
    return (
        found.start(),
        f"this line holds {_ODD_LINE_BREAK_NAMES[ord(found.group())]}, which YAML reads as a line "
        "break; it often comes from text pasted from a web page or a PDF",
        "The character is invisible in most editors: delete it (the position shown is the character "
        "itself) or retype the line, then run the command again.",
        "odd-line-break",
    )


# After parsing: what a double-quoted escape ("\\e", "\\x1b", "\\u009b") can still put in a value.
# Tabs and new lines (also written "\\r\\n") are text; every other C0 or C1 control character could
# steer a terminal: recolour it, clear it, retitle its window or plant a link.
_PARSED_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")


# The largest YAML file sap reads: partnership files are a few kilobytes; a 5 MB file with one
# mistake cost 14 s of CPU to place, so anything this large is a paste or a file made to slow sap.
YAML_SIZE_LIMIT = 2 * 1024 * 1024


_CONFLICT = re.compile(r"^(?:<{7}|={7}|>{7})(?: |$)", re.MULTILINE)


NESTING_LIMIT = 100  # partnership files nest five levels deep; hundreds means a damaged file


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


def _too_large_problem() -> SyntaxProblem:
    megabytes = YAML_SIZE_LIMIT // (1024 * 1024)
    return SyntaxProblem(
        1,
        1,
        f"this file is larger than {megabytes} MB, the most sap reads in one YAML file",
        "Partnership files are a few kilobytes; the file may hold a paste gone wrong or have been "
        "made to slow programs down. Cut it down, or start again from the same file made by "
        "`sap init`.",
        "too-large",
    )


_CONTROL_NAMES = {
    0x07: "the Bell control character",
    0x08: "the Backspace control character",
    0x0D: "a carriage return",
    0x1B: "the Escape control character",
}


def _first_control(data: Any) -> tuple[list[str | int], bool, str] | None:
    """Where the first key or text value holding a control character is: (path, is_key, char)."""
    stack: list[tuple[list[str | int], Any]] = [([], data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, str):
            found = _PARSED_CONTROL.search(value)
            if found is not None:
                return loc, False, found.group()
        elif isinstance(value, dict):
            for key, child in reversed(list(value.items())):
                if isinstance(key, str) and (found := _PARSED_CONTROL.search(key)) is not None:
                    return [*loc, key], True, found.group()
                stack.append(([*loc, key], child))
        elif isinstance(value, list):
            stack.extend(([*loc, index], child) for index, child in reversed(list(enumerate(value))))
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


def complex_key_problem(root: Any) -> SyntaxProblem | None:
    """The first key that is itself a list or a block of fields (`? [a, b]`), or None.

    sap files are named fields; such a key can only be a mistake, and no message could name it.
    """
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias shares its node: look at it once
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if not isinstance(key, ScalarNode):
                    return SyntaxProblem(
                        key.start_mark.line + 1,
                        key.start_mark.column + 1,
                        COMPLEX_KEY,
                        COMPLEX_KEY_HINT,
                    )
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return None
