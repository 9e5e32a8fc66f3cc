"""`--all` on status, actions and report: every partnership below a folder, a broken one reported in its
place, one JSON document for tools; and `sap actions --done`, the new name of what `--all` used to mean."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from conftest import EXAMPLES, assert_handled
from sap_cli import cli

ON = "2026-03-17"  # the course-redesign example has open, overdue, due-soon and done actions that day
DEEP = "programme/2026/round-1/data/micro-credential"
SHALLOW = "programme/geography/course-redesign"
BROKEN = "programme/broken-panel"
REDESIGN = "Redesigning GEOG 210 Fieldwork and Research Methods"
CREDENTIAL = "Co-designing the Community Data Skills micro-credential"


@pytest.fixture
def programme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two partnerships at different depths and, between them in name order, one that does not validate."""
    shutil.copytree(EXAMPLES / "course-redesign", tmp_path / SHALLOW)
    shutil.copytree(EXAMPLES / "micro-credential", tmp_path / DEEP)
    shutil.copytree(EXAMPLES / "student-recruitment-panel", tmp_path / BROKEN)
    roles = tmp_path / BROKEN / "roles.yaml"
    roles.write_text(
        roles.read_text(encoding="utf-8").replace("kind: staff", "kind: stuff"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path / "programme"


def run(runner: CliRunner, *args: str) -> Result:
    result = runner.invoke(cli.app, list(args))
    assert_handled(result)
    return result


def one_document(result: Result) -> Any:
    """Standard output parses as exactly one JSON document (json.loads refuses two in a row)."""
    return json.loads(result.stdout)


def assert_broken_reported(result: Result) -> None:
    assert result.exit_code == 1
    assert f"== {BROKEN}\nThis partnership has 1 error, so sap skipped it." in result.stdout
    assert f"See what to fix with: sap validate {BROKEN}" in result.stdout
    assert f"error: 1 of 3 partnerships could not be read: {BROKEN}" in result.stderr


def assert_in_order(text: str, *pieces: str) -> None:
    places = [text.index(piece) for piece in pieces]
    assert places == sorted(places), places


@pytest.mark.parametrize("command", [["status"], ["actions"], ["report", "-o", "-"]])
def test_all_shows_a_heading_per_partnership_and_reports_the_broken_one(
    runner: CliRunner, programme: Path, command: list[str]
) -> None:
    result = run(runner, *command, "--all", "programme", "--date", ON)
    assert_broken_reported(result)
    assert_in_order(result.stdout, f"== {CREDENTIAL} ({DEEP})", f"== {BROKEN}", f"== {REDESIGN} ({SHALLOW})")


def test_status_all_gives_each_partnership_its_usual_status(runner: CliRunner, programme: Path) -> None:
    result = run(runner, "status", "--all", "--date", ON)  # default: below the folder the user is in
    assert_broken_reported(result)
    alone = run(runner, "status", SHALLOW, "--date", ON)
    assert alone.stdout in result.stdout
    assert "Last meeting: Redesign plan on 2026-03-03, 14 days ago" in result.stdout
    assert "No meeting logged yet." in result.stdout  # the micro-credential's own status


@pytest.mark.parametrize(
    ("command", "key"),
    [
        (["status"], "status"),
        (["actions"], "actions"),
        (["actions", "--done"], "actions"),
        (["report"], "report"),
    ],
)
def test_all_as_json_is_one_document_with_the_single_shape_per_partnership(
    runner: CliRunner, programme: Path, command: list[str], key: str
) -> None:
    result = run(runner, *command, "--all", "programme", "--date", ON, "--format", "json")
    assert result.exit_code == 1
    assert "could not be read" in result.stderr
    entries = one_document(result)
    assert [list(entry) for entry in entries] == [["partnership", "title", "errors", key]] * 3
    assert [(Path(e["partnership"]), e["title"], e["errors"]) for e in entries] == [
        ((programme.parent / DEEP).resolve(), CREDENTIAL, 0),
        ((programme.parent / BROKEN).resolve(), None, 1),
        ((programme.parent / SHALLOW).resolve(), REDESIGN, 0),
    ]
    assert entries[1][key] is None
    single = [*command, "--date", ON, "--format", "json"] + (["-o", "-"] if key == "report" else [])
    for folder, entry in ((DEEP, entries[0]), (SHALLOW, entries[2])):
        alone = run(runner, single[0], folder, *single[1:])
        assert alone.exit_code == 0, alone.output
        assert entry[key] == json.loads(alone.stdout)


def test_actions_all_lists_open_actions_only_and_done_adds_the_finished(
    runner: CliRunner, programme: Path
) -> None:
    open_only = run(runner, "actions", "--all", "programme", "--date", ON)
    assert "2026-03-03-redesign-plan-a1" in open_only.stdout
    assert "2026-02-17-survey-results-a1" not in open_only.stdout  # done by then
    assert "--done" not in open_only.stderr  # a folder of partnerships: the new meaning, no note
    everything = run(runner, "actions", "--all", "--done", "programme", "--date", ON)
    assert "2026-02-17-survey-results-a1" in everything.stdout
    assert_broken_reported(everything)


def test_actions_done_includes_finished_actions(runner: CliRunner, programme: Path) -> None:
    done = one_document(run(runner, "actions", SHALLOW, "--done", "--date", ON, "--format", "json"))
    assert {"done", "overdue", "due-soon"} <= {a["state"] for a in done}
    open_only = one_document(run(runner, "actions", SHALLOW, "--date", ON, "--format", "json"))
    assert "done" not in {a["state"] for a in open_only}


@pytest.mark.parametrize("where", ["here", "named", "inside"])
def test_old_all_inside_one_partnership_still_means_done_with_a_note(
    runner: CliRunner, programme: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    partnership = programme.parent / SHALLOW
    expected = run(runner, "actions", SHALLOW, "--done", "--date", ON, "--format", "json").stdout
    args = ["actions", "--all", "--date", ON, "--format", "json"]
    if where == "named":
        args.insert(1, SHALLOW)
    else:
        monkeypatch.chdir(partnership if where == "here" else partnership / "checkins")
    result = run(runner, *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected  # the flat list of old, done actions included: scripts keep working
    assert (
        "--all now means every partnership below this folder; use --done to include finished actions"
        in " ".join(result.stderr.split())
    )


def test_report_all_writes_each_review_in_its_own_docs(runner: CliRunner, programme: Path) -> None:
    for folder in (DEEP, SHALLOW):
        (programme.parent / folder / "docs/review.md").unlink()
    result = run(runner, "report", "--all", "programme")
    assert_broken_reported(result)
    assert f"wrote {SHALLOW}/docs/review.md" in result.stdout
    assert f"wrote {DEEP}/docs/review.md" in result.stdout
    assert f"wrote {BROKEN}" not in result.stdout


def test_report_all_anonymized_works_per_partnership(runner: CliRunner, programme: Path) -> None:
    result = run(runner, "report", "--all", "--anonymize", "programme")
    assert result.exit_code == 1
    for folder, names in ((SHALLOW, ("Sofia Martins", "Kiri")), (DEEP, ("Amira Haddad", "Priya"))):
        review = (programme.parent / folder / "docs/review-anonymized.md").read_text(encoding="utf-8")
        assert "Student A" in review
        assert not any(name in review for name in names)
    streamed = run(runner, "report", "--all", "--anonymize", "programme", "-o", "-")
    review_text = streamed.stdout
    assert review_text.count("# End-of-project review:") == 2
    assert not any(name in review_text for name in ("Sofia Martins", "Amira Haddad", "Dr Helen Brooks"))


def test_report_all_refuses_one_output_file_for_many_reviews(runner: CliRunner, programme: Path) -> None:
    result = run(runner, "report", "--all", "programme", "-o", "reviews.md")
    assert result.exit_code == 2
    assert "-o reviews.md names one file, and --all makes a review for each partnership" in result.output
    assert not (programme.parent / "reviews.md").exists()


def test_several_folders_without_all_is_a_usage_error(runner: CliRunner, programme: Path) -> None:
    result = run(runner, "status", SHALLOW, DEEP)
    assert result.exit_code == 2
    assert "add --all" in result.output


def test_render_all_goes_on_past_a_broken_partnership(runner: CliRunner, programme: Path) -> None:
    result = run(runner, "render", "--all", "--check", "programme")
    assert result.exit_code == 1
    assert f"{BROKEN}\nThis partnership has 1 error, so sap skipped it." in result.stdout
    assert f"error: 1 of 3 partnerships could not be read: {BROKEN}" in result.stderr
    assert result.stdout.count("The documents are up to date.") == 2  # the one after the broken one too


@pytest.mark.parametrize("command", ["status", "actions", "report"])
def test_help_says_what_all_means(runner: CliRunner, command: str) -> None:
    result = run(runner, command, "--help")
    text = " ".join(result.output.split())
    assert "Every partnership found below the folders given" in text
    if command == "actions":
        assert "--done" in text
        assert "It used to mean --done" in text
