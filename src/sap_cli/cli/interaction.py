"""Talking with the person at the terminal: whether sap may ask, yes/no questions, the user's editor."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sap_cli.cli.output import console
from sap_cli.cli.state import state
from sap_cli.errors import SapError


def can_prompt(no_input: bool) -> bool:
    """Ask questions only when a person is at a terminal and nobody said not to."""
    if no_input or state().quiet or os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()


def confirm(question: str, default: bool) -> bool:
    """A yes/no question, shown as "Save this meeting? [Y/n]" (the capital is what Enter takes)."""
    from rich.prompt import Confirm
    from rich.text import Text

    class YesNo(Confirm):
        def make_prompt(self, default: bool) -> Text:  # type: ignore[override]
            shown = self.prompt.copy()
            shown.end = ""
            shown.append(" [Y/n] " if default else " [y/N] ", "prompt.choices")
            return shown

    return YesNo.ask(question, console=console(), default=default)


def editor_command() -> list[str] | None:
    """The user's editor ($VISUAL, then $EDITOR), else this platform's own (see cli/editors.py), or None."""
    import shutil

    from sap_cli.cli.editors import choose_editor

    has_terminal = sys.stdin.isatty() and sys.stdout.isatty()
    return choose_editor(os.environ, sys.platform, shutil.which, has_terminal)


def run_editor(editor: list[str], path: Path) -> bool:
    """Open `path` in the editor `editor_command` chose; True if the editor closed normally."""
    import subprocess

    try:
        return subprocess.run([*editor, str(path)], check=False).returncode == 0
    except OSError as exc:
        raise SapError(f"could not start the editor '{' '.join(editor)}': {exc.strerror}.") from exc
