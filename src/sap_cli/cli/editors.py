"""Which text editor sap opens: the one the user set ($VISUAL, then $EDITOR), else the platform's own.

Pure choices, so tests can fake the platform, the environment and what is on PATH; the caller
runs the command (`interaction.run_editor`).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Mapping

from sap_cli.errors import SapError

Which = Callable[[str], "str | None"]

# Editors that need a terminal to show themselves in, tried in this order on Linux and the BSDs.
TERMINAL_EDITORS = ("nano", "vi")

NOT_FOUND = (
    "neither VISUAL nor EDITOR is set, and sap found no editor it can open here "
    "(it looks for nano or vi, and needs a terminal to show them in)"
)
SET_EDITOR_HINT = (
    "Set EDITOR to the command that opens your editor, e.g. export EDITOR=nano "
    "(on Windows: set EDITOR=notepad)."
)


def split_command(text: str, windows: bool) -> list[str]:
    """An editor setting as the program and its arguments.

    On Windows backslashes are part of paths (`C:\\Windows\\notepad.exe`) and double quotes group a
    path with spaces (`"C:\\Program Files\\Notepad++\\notepad++.exe" -multiInst`); elsewhere the
    shell's rules apply (`code --wait`, `'/Applications/My Editor' -w`). A setting that is the
    path of a program as it stands, spaces and all, is taken whole.
    """
    text = text.strip()
    if os.path.isfile(text):
        return [text]
    try:
        words = shlex.split(text, posix=not windows)
    except ValueError:
        raise SapError(
            f"sap could not read the editor setting '{text}': a quote in it is not closed; "
            "nothing was opened.",
            hint="Put the path of your editor in double quotes, both ends, e.g. "
            '"C:\\Program Files\\Notepad++\\notepad++.exe".',
        ) from None
    if windows:
        words = [word[1:-1] if len(word) > 1 and word[0] == word[-1] == '"' else word for word in words]
    return [word for word in words if word]


def default_editor(platform: str, which: Which, has_terminal: bool) -> list[str] | None:
    """The platform's own editor when the user set none: notepad, macOS's text editor, nano or vi."""
    if platform == "win32":
        return ["notepad"]
    if platform == "darwin":
        return ["open", "-W", "-t"]  # the default text editor; -W waits until it is closed
    if not has_terminal:
        return None  # nano and vi draw in the terminal; without one they cannot be used
    for name in TERMINAL_EDITORS:
        found = which(name)
        if found:
            return [found]
    return None


def choose_editor(
    environ: Mapping[str, str], platform: str, which: Which, has_terminal: bool
) -> list[str] | None:
    """The editor command to run: the user's ($VISUAL, then $EDITOR), else the platform's, else None."""
    for variable in ("VISUAL", "EDITOR"):
        setting = environ.get(variable, "").strip()
        if setting:
            words = split_command(setting, windows=platform == "win32")
            if words:
                program = which(words[0])  # on Windows this finds code.cmd for `code`
                return [program or words[0], *words[1:]]
    return default_editor(platform, which, has_terminal)
