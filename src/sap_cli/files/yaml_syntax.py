"""YAML syntax errors in plain words, with the line and column they were found at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

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


COMPLEX_KEY = "this key is a list or a block of fields, but every key in a sap file is a name"
COMPLEX_KEY_HINT = (
    "Write the key as a plain name followed by ':', such as 'title: ...'; a line starting with '?' "
    "makes the next value a key."
)


# Tags that would turn a value into something other than plain text, numbers, dates, lists and maps.
TAG_HINT = "Remove the tag (the word starting with '!') and keep the plain value after it."


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
        r"mapping values are not allowed (?:here|in this context)",
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
        r"found unhashable key",
        COMPLEX_KEY,
        COMPLEX_KEY_HINT,
    ),
    (
        r"found invalid Unicode character escape code",
        "this escape code (a backslash and a number in quotes) is not a character that can stand alone",
        "Type the character itself, or delete the escape; \\ud800 to \\udfff are halves of a pair "
        "and are never text on their own.",
    ),
    (
        r'found duplicate merge key "<<"',
        "'<<' appears twice in the same block",
        "Keep one '<<:' line; to take fields from two places, write them out instead.",
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
