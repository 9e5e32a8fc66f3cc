"""Without styles, sap prints its lines itself (cli/plain.py): the very bytes rich would print.

Each command is run twice on the same folders, once as sap runs (plain lines written directly)
and once with every line through rich, and the outputs must be identical; the escaping copied
from rich must match rich's own, and any line written directly must be one rich prints the same.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.markup import escape as rich_escape
from typer.testing import CliRunner

from conftest import assert_handled
from sap_cli import cli
from sap_cli.cli import plain
from sap_cli.cli.output import _markup_escape, escape
from sap_cli.cli.terminal import visible_hook

EXAMPLES = Path(__file__).parent.parent / "examples"

# Text a partner could type that rich must be left to print: markup, escapes, emoji codes, tabs,
# control characters, marks that reorder text, and spaces at the end.
AWKWARD_TITLES = [
    "[red]Not red[/red] and [bold]not bold",
    "A path C:\\Users\\sam\\ and a trailing backslash \\",
    "Thumbs :thumbsup: and :smile: and 10:30:00",
    "Tab\there, escape \x1b[31m, bell \x07",
    "Right-to-left \u202eevil\u202c and a line\u2028separator",
    "Spaces at the end   ",
    "[1] a footnote, [x=1] and [@click] and [link=https://example.org]here[/link]",
]

COMMANDS = [["status"], ["validate"], ["report", "-o", "-"], ["actions"], ["status", "--format", "json"]]


def _through_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plain, "wants_plain", lambda stderr: False)


def _outputs(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str, str]]:
    seen = []
    for argv in COMMANDS:
        result = CliRunner().invoke(cli.app, [*argv, str(folder)])
        assert_handled(result)
        seen.append((result.exit_code, result.stdout, result.stderr))
    return seen


def _folders(tmp_path: Path) -> list[Path]:
    folders = []
    for example in sorted(EXAMPLES.iterdir()):
        shutil.copytree(example, tmp_path / example.name)
        folders.append(tmp_path / example.name)
    for n, title in enumerate(AWKWARD_TITLES):
        folder = tmp_path / f"awkward-{n}"
        shutil.copytree(EXAMPLES / "course-redesign", folder)
        project = folder / "project.yaml"
        text = project.read_text(encoding="utf-8")
        quoted = '"' + title.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
        project.write_text(
            text.replace("title: Redesigning GEOG 210 Fieldwork and Research Methods", f"title: {quoted}"),
            encoding="utf-8",
        )
        folders.append(folder)
    return folders


def test_every_command_prints_the_same_bytes_with_and_without_rich(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder in _folders(tmp_path):
        direct = _outputs(folder, monkeypatch)
        with monkeypatch.context() as patched:
            _through_rich(patched)
            through_rich = _outputs(folder, patched)
        assert direct == through_rich, folder.name


def test_a_folder_with_problems_prints_the_same_bytes_with_and_without_rich(
    make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_partnership(project="title: [a, b]\nstart: soon\nend: 2026-05-29\ncadence: daily\n")
    direct = _outputs(folder, monkeypatch)
    _through_rich(monkeypatch)
    assert direct == _outputs(folder, monkeypatch)


def _rich_prints(markup: str) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, soft_wrap=True, highlight=False, color_system=None, width=8)
    console.push_render_hook(visible_hook())
    console.print(markup)
    return buffer.getvalue()


PIECES = st.sampled_from(
    ["[bold]", "[/]", "[red]", "[dim]", "[bold red]", "[/bold]", "[link=x]", "[@x]", "[#fff]", "[1]",
     "[", "]", "\\", ":", ":smile:", " ", "\t", "\n", "\x1b", "\u202e", "é", "王", "a", "word"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=12))
def test_a_line_written_directly_is_what_rich_would_print(pieces: list[str]) -> None:
    markup = "".join(pieces)
    text = plain.plain_text(markup)
    if text is not None:
        assert text + "\n" == _rich_prints(markup)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=12))
def test_the_escaping_is_rich_s_own(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert _markup_escape(text) == rich_escape(text)
    assert plain.plain_text(escape(text)) in (None, _rich_prints(escape(text))[:-1])


def test_sap_s_own_lines_are_written_directly() -> None:
    assert plain.plain_text("[bold]Actions[/]: 2 open, [red]1 overdue[/]") == "Actions: 2 open, 1 overdue"
    assert plain.plain_text("\n[bold]Goals[/] (the latest status)") == "\nGoals (the latest status)"
    for awkward in AWKWARD_TITLES:
        assert plain.plain_text(escape(awkward)) is None, awkward
