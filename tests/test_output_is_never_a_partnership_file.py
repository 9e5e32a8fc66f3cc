"""`-o` never replaces a partnership's own file or a document sap made, whatever --force says."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, assert_handled
from sap_cli import cli

OWN_FILES = (
    "docs/agreement.md",
    "docs/progress.md",
    "docs/worksheets/end-student.md",
    "project.yaml",
    "roles.yaml",
    "goals.yaml",
    "timeline.yaml",
    "matrix.yaml",
    "checkins/2026-03-03-redesign-plan.yaml",
    "checkins/new.yaml",
    "signatures/helen-brooks.yaml",
    "reflections/end-sofia-martins.md",
    "private/reflections/end-sofia-martins.md",
    ".sap/schema/project.schema.json",
)


def _state(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "course-redesign"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    (folder / "private/reflections").mkdir(parents=True)
    shutil.copy(folder / "reflections/end-sofia-martins.md", folder / "private/reflections")
    return folder


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize(
    "command", [["report"], ["report", "--format", "json"], ["report", "--anonymize"], ["calendar"]]
)
@pytest.mark.parametrize("own", OWN_FILES)
def test_o_naming_an_own_file_is_refused(
    folder: Path, monkeypatch: pytest.MonkeyPatch, own: str, command: list[str], force: list[str]
) -> None:
    if command == ["calendar"] and force:
        pytest.skip("sap calendar has no --force")
    monkeypatch.chdir(folder)
    before = _state(folder)
    result = CliRunner().invoke(cli.app, [*command, "-o", own, *force])
    assert_handled(result)
    assert result.exit_code == 1, result.output
    assert "so sap will not write the" in result.output
    assert "even with --force; nothing was written." in result.output
    assert _state(folder) == before


def test_o_into_another_partnership_is_refused(folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(EXAMPLES / "micro-credential", other)
    before = _state(other)
    result = CliRunner().invoke(
        cli.app, ["report", str(folder), "-o", str(other / "project.yaml"), "--force"]
    )
    assert result.exit_code == 1, result.output
    assert "one of the five plan files" in result.output
    assert _state(other) == before


def test_o_through_a_link_to_the_partnership_is_refused(folder: Path, tmp_path: Path) -> None:
    os.symlink(folder / "docs", tmp_path / "shortcut")
    before = _state(folder)
    result = CliRunner().invoke(
        cli.app, ["report", str(folder), "-o", str(tmp_path / "shortcut/agreement.md")]
    )
    assert result.exit_code == 1, result.output
    assert "the agreement sap renders" in result.output
    assert _state(folder) == before


@pytest.mark.parametrize(
    ("command", "own"),
    [(["report"], "docs/review.md"), (["calendar"], "docs/calendar.ics"), (["report"], "my-review.md")],
)
def test_o_naming_the_commands_own_file_or_a_new_one_still_works(
    folder: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], own: str
) -> None:
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(cli.app, [*command, "-o", own])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    assert (folder / own).is_file()
