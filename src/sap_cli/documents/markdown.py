"""Partner text as Markdown data: escaped so that it reads as typed and never becomes markup.

A partnership folder may come from someone else, and a goal titled `<img src=x onerror=alert(1)>`
or `![x](/etc/passwd)` must not become HTML, a link or a picture in any document (nor in the HTML,
PDF or Word made from it). The sandbox escapes every value a template prints with
`escape_markdown`, unless the value is `MarkdownText`: Markdown that sap (or a template) wrote on
purpose, or partner text already escaped for a table cell or a single line.
"""

from __future__ import annotations

import re


class MarkdownText(str):
    """Text that is Markdown already: printed by a template as it is, never escaped again."""

    __slots__ = ()


# Escaped wherever they stand: backslash, code, emphasis, links and pictures, HTML, table pipes,
# strikethrough; `!` only before `[`, `&` only where it would start an entity such as `&lt;`, and
# `_` only where it could open or close emphasis (`snake_case` stays as typed).
_INLINE = re.compile(r"[\\`*\[\]<|~]|!(?=\[)|&(?=#?[0-9A-Za-z]+;)|(?<![^\W_])_|_(?![^\W_])")

# Read as markup only at the start of a line: headings, quotes, list items, and the lines of `-`
# or `=` that underline a heading or rule a line. `#hashtag`, `-5` and `3.7` stay as typed.
_LINE_START = re.compile(
    r"^([ \t]*)(?:(#{1,6}(?=[ \t]|$)|[-+](?=[ \t]|$)|>|[-=](?=[-= \t]*$))|(\d{1,9})([.)])(?=[ \t]|$))",
    re.MULTILINE,
)


def escape_markdown(value: object) -> MarkdownText:
    """`value` as Markdown that shows exactly its text wherever it stands: `Lab 1: *the* rubric`
    stays as typed, and `# heading` or `1. item` at the start of a line stays text."""
    if isinstance(value, MarkdownText):
        return value
    return MarkdownText(_LINE_START.sub(_escape_line_start, _escape_inline(value)))


def _escape_inline(value: object) -> str:
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")  # a lone CR ends a line in Markdown too
    return _INLINE.sub(lambda m: "\\" + m.group(0), text)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, mark, digits, dot = match.groups()
    return f"{indent}\\{mark}" if mark else f"{indent}{digits}\\{dot}"


def markdown_cell(value: object) -> MarkdownText:
    """Text for a Markdown table cell: escaped, with line breaks as `<br>` so the row stays whole.

    A cell never starts a line, so `-` or `1.` at its start needs no escape."""
    if isinstance(value, MarkdownText):
        return MarkdownText(value.replace("\n", "<br>"))
    return MarkdownText(_escape_inline("" if value is None else value).replace("\n", "<br>"))


def markdown_line(value: object) -> MarkdownText:
    """Text on one line (runs of spaces and line breaks become one space), escaped unless Markdown."""
    if isinstance(value, MarkdownText):
        return MarkdownText(" ".join(value.split()))
    return escape_markdown(" ".join(str(value).split()))
