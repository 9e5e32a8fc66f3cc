"""Text from a folder shown on a terminal: control characters made visible, never obeyed.

A title, a name or a file name may hold ESC, BEL or a C1 control (U+0080 to U+009F). Printed raw,
they let a folder from someone else recolour or clear the terminal, retitle its window, plant
links or print a fake "All partners have signed". `visible` turns each into a sign you can see
(ESC as ␛, BEL as ␇, U+009B as \\x9b); `VisibleHook` does the same for everything a rich console
prints, so a path that forgot to escape is covered too. JSON output keeps the exact strings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult

# C0 controls but tab and new line, DEL, C1 controls, and the marks that reorder text on screen
# (right-to-left overrides and isolates) or break lines where none was typed.
_HIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_HIDDEN_OR_NEWLINE = re.compile(_HIDDEN.pattern[:-1] + r"\n]")
HIDDEN = _HIDDEN  # for cli/plain.py, which leaves any such character to rich


def _sign(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code == 0x0A:
        return "\u2424"  # ␤: a line break inside what sap shows on one line
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␛ for ESC, ␇ for BEL, ␍ for CR
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, one_line: bool = False) -> str:
    """`text` with every control character shown as a visible sign; with `one_line`, new lines too."""
    pattern = _HIDDEN_OR_NEWLINE if one_line else _HIDDEN
    return pattern.sub(_sign, text) if pattern.search(text) else text


class _Visible:
    """A renderable that shows another with its control characters made visible."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        for segment in console.render(self.renderable, options):
            if segment.control is None and _HIDDEN.search(segment.text):
                yield Segment(visible(segment.text), segment.style)
            else:
                yield segment


def visible_hook() -> Any:
    """A rich render hook making every printed control character visible (the safety net)."""
    from rich.console import RenderHook

    class VisibleHook(RenderHook):
        def process_renderables(self, renderables: list[Any]) -> list[Any]:
            return [_Visible(r) for r in renderables]

    return VisibleHook()
