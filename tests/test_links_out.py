"""A folder from a stranger: every file and folder in turn is a link out, under every command.

Each case copies a partnership, moves one of its files or folders outside (with a marker string
planted in every file there) and leaves a link in its place. Whatever the command does, nothing
outside may change and the marker may not be printed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, assert_handled
from sap_cli import cli

MARKER = "ZQX-OUTSIDE-7731"
FORMAT_1 = Path(__file__).parent / "fixtures" / "format-1" / "course-redesign"

# Every file and folder that is, in turn, a link to somewhere outside the partnership.
LINKED = (
    "project.yaml",
    "roles.yaml",
    "goals.yaml",
    "timeline.yaml",
    "matrix.yaml",
    "checkins",
    "checkins/2026-03-03-redesign-plan.yaml",
    "signatures",
    "signatures/helen-brooks.yaml",
    "reflections",
    "reflections/end-sofia-martins.md",
    "docs",
    "private",
    ".gitignore",
    ".sap/schema",
    ".sap/schema/project.schema.json",
    "templates",
)

COMMANDS: dict[str, list[str]] = {
    "validate": ["validate"],
    "status": ["status"],
    "actions": ["actions"],
    "render": ["render"],
    "report": ["report"],
    "report --include-private": ["report", "--include-private"],
    "reflect": ["reflect", "--phase", "end", "--partner", "jamal-osei", "--no-input"],
    "reflect --private": ["reflect", "--phase", "end", "--partner", "jamal-osei", "--private", "--no-input"],
    "sign": ["sign", "--partner", "owen-price", "--date", "2026-03-10"],
    "checkin": ["checkin", "--date", "2026-03-10", "--title", "Link test", "--note", "n", "--no-input"],
    "checkin --done": [
        "checkin",
        "--date",
        "2026-03-10",
        "--done",
        "2026-03-03-redesign-plan-a1",
        "--no-input",
    ],
    "schema": ["schema"],
    "upgrade": ["upgrade", "--yes"],
    "calendar": ["calendar"],
    "agreement diff": ["agreement", "diff"],
}


def _planted(path: Path) -> None:
    """Put the marker where sap would show it if it read the file: titles, names, answers, versions."""
    text = path.read_text(encoding="utf-8")
    # Without the schema comment, `sap schema` would want to add it: to the file outside.
    text = re.sub(r"^# yaml-language-server:.*\n", "", text, flags=re.M)
    if path.parent.name in ("docs", "worksheets"):
        return  # sap's own pages, kept exact, so a command would take them for its own to replace
    if path.suffix == ".md":
        text = re.sub(r"(<!-- answer [a-z0-9-]+ -->\n)", rf"\1{MARKER}\n", text) + f"\n{MARKER}\n"
    elif path.suffix == ".json":
        text = re.sub(r"Made by sap \S+", f"Made by sap {MARKER}", text)
    elif path.suffix in (".yaml", ".j2"):
        text = re.sub(r"^(\s*(?:- )?(?:title|name|text|notes): ).*$", rf"\g<1>{MARKER}", text, flags=re.M)
        text += f"\n# {MARKER}\n" if path.suffix == ".yaml" else f"\n{MARKER}\n"
    else:
        text += f"\n{MARKER}\n"
    path.write_text(text, encoding="utf-8")


def _base(tmp_path: Path, source: Path) -> Path:
    """A partnership with every item of LINKED present: private/, templates/, .gitignore added."""
    folder = tmp_path / "partnership"
    shutil.copytree(source, folder)
    (folder / ".gitignore").write_text("node_modules/\n", encoding="utf-8")
    (folder / "private/reflections").mkdir(parents=True)
    shutil.copy(EXAMPLES / "course-redesign/reflections/end-sofia-martins.md", folder / "private/reflections")
    (folder / "templates/docs").mkdir(parents=True)
    (folder / "templates/docs/progress.md.j2").write_text("# Progress\n", encoding="utf-8")
    if not (folder / ".sap/schema").exists():
        shutil.copytree(EXAMPLES / "course-redesign/.sap", folder / ".sap")
    (folder / "docs/review.md").unlink(missing_ok=True)  # so `sap report` has a page to write
    for sub in ("docs", "reflections", "signatures", "checkins"):
        (folder / sub).mkdir(exist_ok=True)
    return folder


def _link_out(folder: Path, relative: str, outside: Path) -> Path:
    """Move `relative` to `outside`, plant the marker in it, and leave a link in its place."""
    item = folder / relative
    target = outside / item.name
    shutil.move(item, target)
    for path in [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file()):
        _planted(path)
    os.symlink(target, item, target_is_directory=target.is_dir())
    return target


def _state(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


CASES = [(command, linked) for command in COMMANDS for linked in LINKED]


def test_every_command_and_every_link_is_counted() -> None:
    assert len(COMMANDS) == 15
    assert len(LINKED) == 17
    assert len(CASES) == 255


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_works_on_the_folder_without_links(tmp_path: Path, command: str) -> None:
    """The walk below means something only if each command, links aside, does its work."""
    folder = _base(tmp_path, FORMAT_1 if command == "upgrade" else EXAMPLES / "course-redesign")
    result = CliRunner().invoke(cli.app, [*COMMANDS[command], str(folder)])
    assert_handled(result)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("command", "linked"), CASES)
def test_a_link_out_is_never_followed(tmp_path: Path, command: str, linked: str) -> None:
    source = FORMAT_1 if command == "upgrade" else EXAMPLES / "course-redesign"
    folder = _base(tmp_path, source)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    if not (folder / linked).exists():
        pytest.skip(f"{linked} is not in this partnership")
    _link_out(folder, linked, outside)
    before = _state(outside)
    result = CliRunner().invoke(cli.app, [*COMMANDS[command], str(folder)], catch_exceptions=True)
    assert_handled(result)
    assert _state(outside) == before, f"{command} changed a file outside through {linked}"
    assert MARKER not in result.output, f"{command} printed text from outside through {linked}"
    for here, _, files in os.walk(folder):  # links are not followed: only the partnership's own files
        for name in files:
            path = Path(here) / name
            if not path.is_symlink():
                assert MARKER.encode() not in path.read_bytes(), f"{command} copied outside text into {path}"


def test_validate_warns_about_a_reflection_link_and_the_review_leaves_it_out(tmp_path: Path) -> None:
    """A link in reflections/ to another partnership's private answers, and one into this private/."""
    folder = _base(tmp_path, EXAMPLES / "course-redesign")
    other = tmp_path / "other-partnership/private/reflections"
    other.mkdir(parents=True)
    stolen = other / "end-sofia-martins.md"
    shutil.copy(folder / "reflections/end-sofia-martins.md", stolen)
    _planted(stolen)
    (folder / "reflections/end-sofia-martins.md").unlink()
    os.symlink(stolen, folder / "reflections/end-sofia-martins.md")
    _planted(folder / "private/reflections/end-sofia-martins.md")
    (folder / "reflections/end-helen-brooks.md").unlink()
    os.symlink(
        folder / "private/reflections/end-sofia-martins.md", folder / "reflections/end-helen-brooks.md"
    )
    runner = CliRunner()
    result = runner.invoke(cli.app, ["validate", str(folder)])
    assert_handled(result)
    assert (
        "reflections/end-sofia-martins.md:1:1: warning: reflections/end-sofia-martins.md is a link to a file "
        "outside the partnership, which sap does not follow [reflection-link]" in result.output
    )
    assert (
        "reflections/end-helen-brooks.md:1:1: warning: reflections/end-helen-brooks.md is a link"
        in result.output
    )
    assert MARKER not in result.output
    result = runner.invoke(cli.app, ["report", str(folder)])
    assert result.exit_code == 0, result.output
    assert MARKER not in (folder / "docs/review.md").read_text(encoding="utf-8")
    # The partner's own private answers reach only their private copy, and only when asked.
    result = runner.invoke(cli.app, ["report", str(folder), "--include-private"])
    assert result.exit_code == 0, result.output
    assert MARKER in (folder / "private/review.md").read_text(encoding="utf-8")


def test_a_pipe_in_place_of_a_file_is_named_and_never_read(tmp_path: Path) -> None:
    folder = _base(tmp_path, EXAMPLES / "course-redesign")
    (folder / "checkins/2026-03-03-redesign-plan.yaml").unlink()
    os.mkfifo(folder / "checkins/2026-03-03-redesign-plan.yaml")  # reading it would wait for ever
    result = CliRunner().invoke(cli.app, ["validate", str(folder)])
    assert_handled(result)
    assert (
        "checkins/2026-03-03-redesign-plan.yaml is not an ordinary file (it is a pipe, a device or a socket)"
        in (result.output)
    )
