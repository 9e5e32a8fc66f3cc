"""`faculty` is the kind; the words people use for an academic teacher get a did-you-mean, not a bare no."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, assert_handled
from sap_cli import cli
from sap_cli.cli import interaction
from sap_cli.validation.check import check_folder

MEANS_FACULTY = ("lecturer", "Lecturers", "TUTOR", "tutors", "academic", "Academics", "teacher", "teachers")


@pytest.mark.parametrize("word", MEANS_FACULTY)
def test_a_word_for_an_academic_teacher_is_pointed_to_faculty(
    make_partnership: Callable[..., Path], word: str
) -> None:
    roles = MINIMAL["roles.yaml"].replace("kind: faculty", f"kind: {word}")
    [problem] = check_folder(make_partnership(roles=roles)).problems
    assert problem.message == (
        f"kind '{word}' is not one sap knows; did you mean faculty? "
        "(In sap, faculty means an academic teacher, not a unit of the university)"
    )
    assert (problem.line, problem.column, problem.code) == (9, 11, "bad-choice")
    assert problem.hint == "Choose one of: student, faculty, staff, other"
    # any other unknown kind keeps the plain refusal: no guess that it means faculty
    other = MINIMAL["roles.yaml"].replace("kind: faculty", "kind: mentor")
    [plain] = check_folder(make_partnership("other", roles=other)).problems
    assert "faculty means" not in plain.message


def test_validate_prints_the_did_you_mean_at_the_line(
    runner: CliRunner, make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_partnership(roles=MINIMAL["roles.yaml"].replace("kind: faculty", "kind: Lecturer"))
    monkeypatch.chdir(folder.parent)
    result = runner.invoke(cli.app, ["validate", "demo"])
    assert_handled(result)
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        "demo/roles.yaml:9:11: error: kind 'Lecturer' is not one sap knows; did you mean faculty? "
        "(In sap, faculty means an academic teacher, not a unit of the university) [bad-choice]",
        "    hint: Choose one of: student, faculty, staff, other",
    ]


def test_the_init_wizard_says_who_counts_as_faculty(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(interaction, "can_prompt", lambda no_input: True)
    monkeypatch.chdir(tmp_path)
    # title, template, students, faculty, staff, start, end, cadence, folder, git
    answers = ["BIOL 201", "1", "Amira Haddad", "Dr Lee Chen", "", "2026-01-12", "2026-05-01", "weekly"]
    answers += ["", "n"]
    result = runner.invoke(cli.app, ["init"], input="\n".join(answers) + "\n")
    assert_handled(result)
    assert result.exit_code == 0, result.output
    assert "Faculty partners (lecturers, tutors and other academics who teach)" in result.output
    roles = (tmp_path / "biol-201" / "roles.yaml").read_text(encoding="utf-8")
    assert "kind: faculty" in roles


def test_init_help_says_who_counts_as_faculty(runner: CliRunner) -> None:
    shown = " ".join(runner.invoke(cli.app, ["init", "--help"]).output.split())
    assert "A faculty partner's name (a lecturer, tutor or other academic who teaches)" in shown
