"""Odd places to write to: a message and exit 1, never a traceback, a hang or a runaway read."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES
from sap_cli import cli

SAP = str(Path(sys.executable).with_name("sap"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES / "course-redesign", tmp_path / "geog")
    (tmp_path / "afile").write_text("mine", encoding="utf-8")
    return tmp_path / "geog"


@pytest.mark.parametrize(
    "command",
    [["calendar", "{folder}", "-o", "{tmp}/afile/x.ics"], ["schema", "--output", "{tmp}/afile/sub"]],
)
def test_a_file_where_a_folder_should_be_is_named(
    runner: CliRunner, folder: Path, command: list[str]
) -> None:
    args = [part.format(folder=folder, tmp=folder.parent) for part in command]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith("error: sap could not use ") and "/afile" in first
    assert first.endswith(": a file is in the way where sap needs a folder")
    assert (folder.parent / "afile").read_text(encoding="utf-8") == "mine"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_device_is_not_read_or_written_as_a_calendar(folder: Path) -> None:
    result = subprocess.run(
        [SAP, "calendar", str(folder), "-o", "/dev/full"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert "is not an ordinary file" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_reported_in_words(folder: Path) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [SAP, "calendar", str(folder), "-o", "-"], stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert result.returncode == 1
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_reader_that_has_gone_away_gets_no_complaint(folder: Path) -> None:
    """`sap ... | head` or `| true`: the reader closes first, so sap's writing meets a closed pipe."""
    process = subprocess.Popen(
        [SAP, "calendar", str(folder), "-o", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # long before sap has started up and written anything
    complaint = process.stderr.read()
    assert process.wait(timeout=60) == 0
    assert complaint == b""
