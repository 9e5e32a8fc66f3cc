"""YAML that parses but cannot be built, damaged copies sap replaces, and empty -o: messages, not crashes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, assert_handled
from sap_cli import cli


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "course-redesign"
    shutil.copytree(EXAMPLES / "course-redesign", copy)
    return copy


def _set_line(path: Path, key: str, value: str) -> int:
    """Replace the top-level `key:` line and return its 1-based line number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        if line.startswith(f"{key}:"):
            lines[number - 1] = f"{key}: {value}\n"
            path.write_text("".join(lines), encoding="utf-8")
            return number
    raise AssertionError(f"no {key}: line in {path}")


@pytest.mark.parametrize("value", ["!!int 3 hours", "!!float lots", "!!bool perhaps"])
def test_a_value_its_tag_cannot_build_is_an_error_at_its_line(
    runner: CliRunner, folder: Path, value: str
) -> None:
    line = _set_line(folder / "project.yaml", "cadence", value)
    result = runner.invoke(cli.app, ["validate", str(folder)])
    assert_handled(result)
    assert result.exit_code == 1
    assert f"project.yaml:{line}:10: error: not valid YAML: a value here cannot be read" in result.output
    for command in (["status", str(folder)], ["render", str(folder)], ["report", str(folder), "-o", "-"]):
        other = runner.invoke(cli.app, command)
        assert_handled(other)
        assert other.exit_code == 1


def test_schema_replaces_a_damaged_copy_that_is_not_utf8(runner: CliRunner, folder: Path) -> None:
    damaged = folder / ".sap/schema/project.schema.json"
    damaged.write_bytes(b"\xff\xfe not a schema")
    result = runner.invoke(cli.app, ["schema", str(folder)])
    assert_handled(result)
    assert result.exit_code == 0
    assert damaged.read_bytes().startswith(b"{")


@pytest.mark.parametrize("command", ["report", "calendar"])
@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_output_name_is_a_usage_error(
    runner: CliRunner, folder: Path, command: str, name: str
) -> None:
    result = runner.invoke(cli.app, [command, str(folder), "-o", name])
    assert_handled(result)
    assert result.exit_code == 2
    assert "error: -o was given an empty file name" in result.stderr


@pytest.mark.parametrize(
    ("added", "line", "column", "words"),
    [
        ("? [a, b]\n: key\n", 1, 3, "this key is a list or a block of fields"),
        ("? {a: 1}\n: key\n", 1, 3, "this key is a list or a block of fields"),
        ("x: &a {b: 1}\ny:\n  <<: *a\n  <<: *a\n", 4, 3, "'<<' appears twice in the same block"),
        (
            'z: "\\ud800 half a pair"\n',
            1,
            7,
            "this escape code (a backslash and a number in quotes) is not a character that can stand alone",
        ),
    ],
)
def test_keys_and_escapes_no_message_could_name_are_errors_at_their_place(
    runner: CliRunner, folder: Path, added: str, line: int, column: int, words: str
) -> None:
    project = folder / "project.yaml"
    before = project.read_text(encoding="utf-8")
    first = before.count("\n") + 1
    project.write_text(before + added, encoding="utf-8")
    result = runner.invoke(cli.app, ["validate", str(folder)])
    assert_handled(result)
    assert result.exit_code == 1
    assert f"project.yaml:{first + line - 1}:{column}: error: not valid YAML: {words}" in result.output
    assert "Keys should be strings" not in result.output


@pytest.mark.parametrize("case", ["spec-06-04.data", "spec-07-04.data"])
def test_upgrade_of_a_file_the_round_trip_reader_cannot_keep_says_so_and_changes_nothing(
    runner: CliRunner, folder: Path, case: str
) -> None:
    """Two of PyYAML's test inputs (comment lines between key and value, a %TAG directive) as project.yaml."""
    corpus = Path(__file__).parent / "fixtures" / "yaml-corpus"
    (folder / "project.yaml").write_bytes((corpus / case).read_bytes())
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    result = runner.invoke(cli.app, ["upgrade", str(folder), "--yes"])
    assert_handled(result)
    assert result.exit_code in (0, 1), result.output
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
