"""Which editor sap opens: the user's setting, read as their platform writes it, else the platform's own."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_handled
from sap_cli import cli
from sap_cli.cli import editors, interaction
from sap_cli.errors import SapError

NOTEPAD_PLUS = r"C:\Program Files\Notepad++\notepad++.exe"
VS_CODE = r"C:\Program Files\Microsoft VS Code\bin\code.cmd"
MAC_APP = "/Applications/My Editor.app/Contents/MacOS/editor"


def on_path(*found: str) -> Callable[[str], str | None]:
    """A fake shutil.which: only the named programs are installed, in /usr/bin."""
    return lambda name: f"/usr/bin/{name}" if name in found else None


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        (r"C:\Windows\notepad.exe", [r"C:\Windows\notepad.exe"]),
        (rf'"{NOTEPAD_PLUS}" -multiInst', [NOTEPAD_PLUS, "-multiInst"]),
        (rf'"{VS_CODE}" --wait', [VS_CODE, "--wait"]),
        ("notepad", ["notepad"]),
    ],
)  # fmt: skip
def test_a_windows_editor_setting_keeps_its_backslashes(setting: str, words: list[str]) -> None:
    assert editors.split_command(setting, windows=True) == words


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("code --wait", ["code", "--wait"]),
        (f"'{MAC_APP}' -w", [MAC_APP, "-w"]),
        (r"/opt/my\ editor/bin/ed", ["/opt/my editor/bin/ed"]),
    ],
)  # fmt: skip
def test_elsewhere_the_setting_is_read_as_the_shell_reads_it(setting: str, words: list[str]) -> None:
    assert editors.split_command(setting, windows=False) == words


def test_the_path_of_a_program_is_taken_whole_even_with_spaces(tmp_path: Path) -> None:
    program = tmp_path / "My Editor" / "edit"
    program.parent.mkdir()
    program.write_text("", encoding="utf-8")
    assert editors.split_command(str(program), windows=False) == [str(program)]


def test_an_unclosed_quote_is_explained_not_a_traceback() -> None:
    with pytest.raises(SapError, match=r"a quote in it is not closed; nothing was opened") as caught:
        editors.split_command(r'"C:\Program Files\Notepad++\notepad++.exe -multiInst', windows=True)
    assert "double quotes" in (caught.value.hint or "")


def test_windows_editor_from_the_environment() -> None:
    chosen = editors.choose_editor(
        {"EDITOR": r"C:\Windows\notepad.exe"}, "win32", on_path(), has_terminal=True
    )
    assert chosen == [r"C:\Windows\notepad.exe"]


def test_visual_comes_before_editor_and_a_blank_one_is_skipped() -> None:
    both = {"VISUAL": "code --wait", "EDITOR": "nano"}
    assert editors.choose_editor(both, "linux", on_path("code"), has_terminal=True) == [
        "/usr/bin/code",
        "--wait",
    ]
    blank = {"VISUAL": "  ", "EDITOR": "nano"}
    assert editors.choose_editor(blank, "linux", on_path("nano"), has_terminal=True) == ["/usr/bin/nano"]


@pytest.mark.parametrize(
    ("platform", "installed", "has_terminal", "chosen"),
    [
        ("win32", (), False, ["notepad"]),
        ("darwin", (), False, ["open", "-W", "-t"]),
        ("linux", ("nano", "vi"), True, ["/usr/bin/nano"]),
        ("linux", ("vi",), True, ["/usr/bin/vi"]),
        ("freebsd14", ("vi",), True, ["/usr/bin/vi"]),
        ("linux", (), True, None),
        ("linux", ("nano", "vi"), False, None),  # nothing to draw them in
    ],
)
def test_with_no_editor_set_sap_opens_the_platforms_own(
    platform: str, installed: tuple[str, ...], has_terminal: bool, chosen: list[str] | None
) -> None:
    assert editors.choose_editor({}, platform, on_path(*installed), has_terminal) == chosen


def test_interaction_reads_the_platform_and_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", r"C:\Windows\notepad.exe")
    monkeypatch.setattr(sys, "platform", "win32")
    assert interaction.editor_command() == [r"C:\Windows\notepad.exe"]
    monkeypatch.delenv("EDITOR")
    assert interaction.editor_command() == ["notepad"]


def test_checkin_edit_with_no_editor_anywhere_says_what_to_set(
    runner: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setattr("shutil.which", lambda name: None)
    result = runner.invoke(cli.app, ["checkin", "demo", "--edit", "--attendee", "amira-haddad"])
    assert_handled(result)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: --edit needs a text editor: neither VISUAL nor EDITOR is set, and sap found no editor it can "
        "open here (it looks for nano or vi, and needs a terminal to show them in); no meeting was written",
        "hint: Set EDITOR to the command that opens your editor, e.g. export EDITOR=nano (on Windows: set "
        "EDITOR=notepad).",
    ]
    assert not (demo / "checkins").exists() or not any((demo / "checkins").iterdir())
