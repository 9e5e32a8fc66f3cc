"""Printing without rich when nothing would be styled: the same bytes, without rich's import or work.

With NO_COLOR, or when standard output is a file or a pipe, rich prints sap's lines as their text
with the markup tags taken out. `PlainConsole` does that itself for the lines it can prove rich
would print unchanged (only sap's own style tags such as `[bold]` and `[/]`, no backslash, tab,
control character, possible emoji code or trailing space), and hands every other line, and every
other use of a console, to a real rich console made on first need. rich prints each line at once
and flushes, so lines from the two stay in order.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sap_cli.cli.terminal import HIDDEN

if TYPE_CHECKING:
    from rich.console import Console

# rich's markup tag (rich.markup.RE_TAGS) where no backslash comes before it.
_TAG = re.compile(r"\[([a-z#/@][^[]*?)]")
_STYLE_WORDS = re.compile(r"[a-z]+(?: [a-z]+)*")  # what sap's own tags hold: "bold", "bold red"
_MAYBE_EMOJI = re.compile(r":\S*?:")  # anything rich could read as an emoji code such as :smile:
_TRAILING_SPACE = re.compile(r"[^\S\n]$", re.MULTILINE)  # rich trims it from a line wider than the console


def plain_text(markup: str) -> str | None:
    """The text rich would print for `markup` on a console without styles, or None when not sure."""
    if "\\" in markup or "\t" in markup or HIDDEN.search(markup) or _MAYBE_EMOJI.search(markup):
        return None
    pieces: list[str] = []
    start = depth = 0
    for tag in _TAG.finditer(markup):
        if tag.group(1) == "/":
            if depth == 0:
                return None  # rich refuses a closing tag with nothing open: let it say so
            depth -= 1
        elif _STYLE_WORDS.fullmatch(tag.group(1)):
            depth += 1
        else:
            return None  # a link, an explicit closing tag or a style with options
        pieces.append(markup[start : tag.start()])
        start = tag.end()
    pieces.append(markup[start:])
    text = "".join(pieces)
    if _TRAILING_SPACE.search(text):
        return None
    return text


def wants_plain(stderr: bool) -> bool:
    """True when rich would print no styles at all on this stream (rich's own tests, in its order)."""
    if os.environ.get("NO_COLOR"):
        return True
    if "idlelib" in sys.modules or "ipykernel" in sys.modules:
        return False  # rich has its own rules there
    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "0"
    force_color = os.environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color == ""
    stream = sys.stderr if stderr else sys.stdout
    isatty = getattr(stream, "isatty", None)
    try:
        return isatty is None or not isatty()
    except ValueError:
        return True


class PlainConsole:
    """A console that writes sap's plain lines itself; anything else goes to the rich console."""

    def __init__(self, stderr: bool, quiet: bool, make_rich: Callable[[], Console]) -> None:
        self._stderr = stderr
        self._quiet = quiet
        self._make_rich = make_rich
        self._rich: Console | None = None

    @property
    def rich(self) -> Console:
        if self._rich is None:
            self._rich = self._make_rich()
        return self._rich

    def print(self, *objects: Any, **options: Any) -> None:
        text = None
        if not options and len(objects) <= 1 and all(type(o) is str for o in objects):
            text = plain_text(objects[0]) if objects else ""
        if text is None:
            self.rich.print(*objects, **options)
            return
        if self._quiet:
            return
        stream = sys.stderr if self._stderr else sys.stdout
        stream.write(text + "\n")
        stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rich, name)
