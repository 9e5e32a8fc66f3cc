"""Editor support: the JSON Schemas agree with sap about real files, checked by check-jsonschema itself."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from check_jsonschema import main as check_jsonschema_command
from click.testing import CliRunner as ClickRunner
from typer.testing import CliRunner

from conftest import EXAMPLES
from sap_cli import cli
from sap_cli.editor.schemas import json_schemas
from sap_cli.editor.setup import set_up_editor_support
from sap_cli.partnership.modeline import SCHEMA_FOLDER, kind_of, partnership_yaml_files, schema_file_name
from sap_cli.scaffold import list_templates
from sap_cli.validation.check import check_folder

CHECK_JSONSCHEMA = str(Path(sys.executable).with_name("check-jsonschema"))
MODELINE = "# yaml-language-server: $schema="


def check_jsonschema(schema: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    """check-jsonschema's own command, the one its console script runs, called in this process:
    some 20 ms a run, where a new process took 0.4 s (so these tests are not `slow`)."""
    args = ["--schemafile", str(schema), *map(str, files)]
    result = ClickRunner().invoke(check_jsonschema_command, args)
    return subprocess.CompletedProcess(
        [CHECK_JSONSCHEMA, *args], result.exit_code, result.stdout, result.stderr
    )


def schema_for(folder: Path, path: Path) -> Path:
    """The schema a file names on its first line, resolved from the file's own folder as editors do."""
    first = path.read_text(encoding="utf-8").splitlines()[0].lstrip("\ufeff")
    assert first.startswith(MODELINE), f"{path} does not name its schema"
    return (path.parent / first[len(MODELINE) :]).resolve()


def every_file_passes_its_own_schema(folder: Path) -> None:
    """One check-jsonschema run per schema named, over all the files that name it (it checks each
    file it is given and fails if any one fails, naming it), instead of one run per file."""
    files = partnership_yaml_files(folder)
    assert files
    by_schema: dict[Path, list[Path]] = {}
    for path in files:
        schema = schema_for(folder, path)
        assert schema.is_file(), f"{path} names {schema}, which is missing"
        by_schema.setdefault(schema, []).append(path)
    for schema, named in by_schema.items():
        result = check_jsonschema(schema, named)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_every_example_passes_the_schemas_its_files_name(example: str) -> None:
    every_file_passes_its_own_schema(EXAMPLES / example)


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_the_schemas_kept_in_each_example_are_those_sap_makes_now(example: str) -> None:
    kept = EXAMPLES / example / SCHEMA_FOLDER
    assert {p.name: p.read_text(encoding="utf-8") for p in kept.iterdir()} == json_schemas()


@pytest.mark.parametrize("template", [t.name for t in list_templates()])
def test_a_new_partnership_of_every_kind_passes_its_schemas(
    runner: CliRunner, tmp_path: Path, template: str
) -> None:
    folder = tmp_path / "new"
    result = runner.invoke(
        cli.app,
        ["init", str(folder), "--no-input", "--title", "Try", "--student", "Ana Ruiz",
         "--faculty", "Dr Bo Li", "--template", template],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (folder / SCHEMA_FOLDER).iterdir()) == sorted(json_schemas())
    every_file_passes_its_own_schema(folder)


def test_new_meetings_and_signatures_name_their_schema_too(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "new"
    runner.invoke(cli.app, ["init", str(folder), "--no-input", "--title", "Try", "--student", "Ana Ruiz"])
    made = runner.invoke(
        cli.app, ["checkin", str(folder), "--no-input", "--title", "First", "--attendee", "ana-ruiz",
                  "--action", "ana-ruiz: Ask the class by 2030-01-10"],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert runner.invoke(cli.app, ["sign", str(folder), "--partner", "ana-ruiz"]).exit_code == 0
    kinds = {kind_of(p.relative_to(folder)) for p in partnership_yaml_files(folder)}
    assert {"checkin", "signature"} <= kinds
    every_file_passes_its_own_schema(folder)


def test_a_folder_without_schemas_gets_no_dangling_schema_line(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "older"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    shutil.rmtree(folder / ".sap")
    result = runner.invoke(
        cli.app, ["checkin", str(folder), "--no-input", "--title", "Plain", "--date", "2026-04-01"]
    )
    assert result.exit_code == 0, result.output
    made = next((folder / "checkins").glob("*-plain.yaml"))
    assert MODELINE not in made.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "complaint"),
    [
        ("matrix.yaml", "level: partnership", "level: co-creation", "co-creation"),
        ("roles.yaml", "kind: student", "kind: learner", "learner"),
        ("project.yaml", "cadence: fortnightly", "cadence: fortnightly\nbudget: 300", "budget"),
    ],
)
def test_the_schemas_reject_what_sap_rejects(
    tmp_path: Path, file: str, old: str, new: str, complaint: str
) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert check_folder(folder).errors, "sap itself should refuse this"
    result = check_jsonschema(schema_for(folder, path), [path])
    assert result.returncode == 1
    assert complaint in result.stdout


def test_sap_schema_marks_an_older_folder_and_changes_no_other_byte(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "older"
    shutil.copytree(EXAMPLES / "micro-credential", folder)
    shutil.rmtree(folder / ".sap")
    windows = folder / "goals.yaml"
    body = windows.read_text(encoding="utf-8").split("\n", 1)[1]  # as before sap wrote schema lines
    windows.write_bytes(("\ufeff" + body.replace("\n", "\r\n")).encode("utf-8"))
    plain = folder / "roles.yaml"
    plain.write_text(plain.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    before = {p: p.read_bytes() for p in partnership_yaml_files(folder)}

    result = runner.invoke(cli.app, ["schema", str(folder)])
    assert result.exit_code == 0, result.output
    assert "goals.yaml" in result.output and "roles.yaml" in result.output
    for path, old in before.items():
        new = path.read_bytes()
        if old.lstrip(b"\xef\xbb\xbf").startswith(MODELINE.encode()):
            assert new == old
            continue
        bom = b"\xef\xbb\xbf" if old.startswith(b"\xef\xbb\xbf") else b""
        end = b"\r\n" if b"\r\n" in old else b"\n"
        line = f"{MODELINE}.sap/schema/{schema_file_name(kind_of(path.relative_to(folder)) or '')}"
        assert new == bom + line.encode() + end + old[len(bom) :]
    every_file_passes_its_own_schema(folder)
    assert check_folder(folder).errors == []

    again = set_up_editor_support(folder)
    assert again.marked == []


def test_sap_schema_output_writes_only_the_schemas(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["schema", "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(json_schemas())
    for name in names:
        assert json.loads((tmp_path / "out" / name).read_text(encoding="utf-8"))["$schema"].startswith(
            "https://"
        )


def test_sap_schema_output_into_a_file_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(cli.app, ["schema", "--output", str(tmp_path / "notes.txt")])
    assert result.exit_code == 1
    assert "is a file, so sap cannot put the schemas in it" in result.output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_sap_schema_leaves_a_format_1_folder_alone(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "old"
    shutil.copytree(Path(__file__).parent / "fixtures/format-1/course-redesign", folder)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    result = runner.invoke(cli.app, ["schema", str(folder)])
    assert result.exit_code == 1
    assert "uses file format 1, from an older sap" in result.output
    assert "Run `sap upgrade` first, then `sap schema`." in result.output
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert not (folder / SCHEMA_FOLDER).exists()


def test_sap_schema_output_dash_is_a_usage_mistake(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, ["schema", "--output", "-"])
    assert result.exit_code == 2
    assert "--output needs a folder" in result.output
    assert not Path("-").exists()


def test_validate_notices_schemas_made_by_another_sap(tmp_path: Path) -> None:
    folder = tmp_path / "older-schemas"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    assert [p for p in check_folder(folder).problems if p.code == "editor-schemas-outdated"] == []
    project_schema = folder / SCHEMA_FOLDER / "project.schema.json"
    text = project_schema.read_text(encoding="utf-8")
    assert "Made by sap " in text
    project_schema.write_text(re.sub(r"Made by sap \S+ ", "Made by sap 0.0.1 ", text), encoding="utf-8")
    found = [p for p in check_folder(folder).problems if p.code == "editor-schemas-outdated"]
    assert [(p.severity, p.line) for p in found] == [("warning", 1)]
    assert "were made by sap 0.0.1" in found[0].message
    set_up_editor_support(folder)
    assert [p for p in check_folder(folder).problems if p.code == "editor-schemas-outdated"] == []
