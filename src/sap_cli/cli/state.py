"""The state of one `sap` run (--debug, --quiet, its consoles), kept in the click context, not in globals."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from rich.console import Console

try:  # recent typer (0.29 here) vendors its own copy of click as typer._click
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - older typer runs on click itself
    from click.globals import get_current_context  # type: ignore[no-redef, import-not-found, unused-ignore]


@dataclass
class AppState:
    """What the root options asked for, shared by every command of the run through `ctx.obj`.

    The way hatch passes its Application object: the root callback makes one and stores it in the
    click context; commands read it with `state()`. A test run gets a fresh one, with its own streams.
    """

    debug: bool = False
    quiet: bool = False  # `sap --quiet`: nothing on standard output but the data asked for (JSON, -o -)
    consoles: dict[bool, Console] = field(default_factory=dict)

    def console(self, stderr: bool = False) -> Console:
        """The rich console for standard output (or standard error), made on first use."""
        if stderr not in self.consoles:
            from sap_cli.cli.plain import PlainConsole, wants_plain

            quiet = self.quiet and not stderr
            if wants_plain(stderr):  # no styles to show: sap's own lines are written without rich
                plain = PlainConsole(stderr, quiet, lambda: _rich_console(stderr, quiet))
                self.consoles[stderr] = cast("Console", plain)
            else:
                self.consoles[stderr] = _rich_console(stderr, quiet)
        return self.consoles[stderr]

    @property
    def debug_requested(self) -> bool:
        """--debug or SAP_DEBUG=1: let the traceback through instead of a message."""
        return self.debug or os.environ.get("SAP_DEBUG") == "1"


def _rich_console(stderr: bool, quiet: bool) -> Console:
    from rich.console import Console

    from sap_cli.cli.terminal import visible_hook

    # Soft wrap: a `path:line:col` line must never be split, or editors cannot follow it.
    # NO_COLOR (no-color.org) means no styling at all, not only no colours: plain text.
    console = Console(
        stderr=stderr,
        soft_wrap=True,
        highlight=False,
        color_system=None if os.environ.get("NO_COLOR") else "auto",
        quiet=quiet,
    )
    # Whatever a command prints, a control character from a folder is shown, never obeyed.
    console.push_render_hook(visible_hook())
    return console


def state(ctx: Any = None) -> AppState:
    """The AppState of `ctx` (default: the command running now).

    Before the root callback has run (a failure while reading the root options) or outside any
    command, a fresh default state stands in: not quiet, no --debug.
    """
    if ctx is None:
        ctx = get_current_context(silent=True)
    found = ctx.find_object(AppState) if ctx is not None else None
    return found if isinstance(found, AppState) else AppState()
