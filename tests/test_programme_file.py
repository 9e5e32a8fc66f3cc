"""programme.yaml (issue 20): found above a partnership, read with located errors; project.yaml's
`custom:` fields, checked by `sap validate` against the fields programme.yaml declares."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, assert_handled
from sap_cli import cli
from sap_cli.agreement.fingerprint import fingerprint
from sap_cli.editor.schemas import programme_json_schema
from sap_cli.partnership.load import load_valid
from sap_cli.partnership.problems import Problem
from sap_cli.partnership.programme_file import (
    ProgrammeFileInvalid,
    find_programme_file,
    read_programme,
)
from sap_cli.validation.check import check_folder

PROGRAMME = """\
name: Students as Partners 2026
contact: {name: Dr Ruth Okafor, email: r.okafor@example.ac.uk}
rounds:
  - {id: round-1, title: Round 1, start: 2026-02-23, end: 2026-06-30}
  - {id: round-2, title: Round 2}
streams:
  - {id: assessment, title: Assessment and feedback}
min_group: 5
custom:
  round:
    type: text
    required: true
    choices: [round-1, round-2]
  budget_code: {type: text, required: true, description: The centre's budget code.}
  hours_funded: {type: number}
  approved: {type: date}
  faculties: {type: list, choices: [Science, Arts, Health]}
"""

# MINIMAL's fingerprint (tests/test_agreement_terms.py pins it too): custom fields must not move it.
MINIMAL_FINGERPRINT = "a28b8b166c28"


def _programme(tmp_path: Path, text: str = PROGRAMME) -> Path:
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _places(problems: list[Problem], code: str) -> list[tuple[str, int, int, str]]:
    return [(p.file, p.line, p.column, p.severity) for p in problems if p.code == code]


# ---------------------------------------------------------------- programme.yaml itself


def test_a_programme_file_reads_with_its_defaults(tmp_path: Path) -> None:
    programme = read_programme(_programme(tmp_path))
    assert (programme.name, programme.min_group, programme.show_titles) == (
        "Students as Partners 2026",
        5,
        False,
    )
    assert [r.id for r in programme.rounds] == ["round-1", "round-2"]
    assert programme.custom["round"].required and programme.custom["round"].choices == ["round-1", "round-2"]
    bare = read_programme(_programme(tmp_path, "name: A programme\n"))
    assert (bare.min_group, bare.show_titles, bare.custom, bare.contact) == (3, False, {}, None)


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("name: P\nmin_grup: 4\n", 2, 1, "unknown field 'min_grup' (did you mean 'min_group'?)"),
        ("name: P\nmin_group: 0\n", 2, 12, "'min_group' input should be greater than or equal to 1"),
        ("name: P\ncustom:\n  round: {type: colour}\n", 3, 17, "is not one of the choices for 'type'"),
        (
            "name: P\ncustom:\n  n:\n    type: number\n    choices: [a]\n",
            3,
            3,
            "choices are for text or list",
        ),
        ("name: P\nrounds:\n  - {id: r1, title: R, start: 2026-05-01, end: 2026-01-01}\n", 3, 5, "ends on"),
        (
            "name: P\nstreams:\n  - {id: s, title: A}\n  - {id: s, title: B}\n",
            4,
            10,
            "stream id 's' is used 2",
        ),
        ("name: P\ncontact: {name: R, email: not-an-address}\n", 2, 27, "is not an e-mail address"),
        ("name: P\nshow_titles: maybe\n", 2, 14, "is neither true nor false"),
        ("name: [P\n", 2, 1, "not valid YAML"),
        ("min_group: 4\n", 1, 1, "'name' is required here but missing"),
    ],
)
def test_a_wrong_programme_file_is_refused_at_the_line(
    tmp_path: Path, text: str, line: int, column: int, words: str
) -> None:
    path = _programme(tmp_path, text)
    with pytest.raises(ProgrammeFileInvalid) as caught:
        read_programme(path)
    first = caught.value.problems[0]
    assert (first.line, first.column, first.path) == (line, column, path)
    assert words in first.message
    assert f"programme.yaml:{line}:{column}: " in caught.value.message


def test_the_programme_file_is_found_above_but_not_past_the_git_root(tmp_path: Path) -> None:
    deep = tmp_path / "repo" / "2026" / "round-1" / "biol-201"
    deep.mkdir(parents=True)
    assert find_programme_file(deep) is None
    (tmp_path / "programme.yaml").write_text("name: Outside\n", encoding="utf-8")
    assert find_programme_file(deep) == tmp_path / "programme.yaml"
    (tmp_path / "repo" / ".git").mkdir()
    assert find_programme_file(deep) is None  # the repository's root stops the search
    (tmp_path / "repo" / "programme.yaml").write_text("name: Inside\n", encoding="utf-8")
    assert find_programme_file(deep) == tmp_path / "repo" / "programme.yaml"
    (deep / "programme.yaml").write_text("name: Nearest\n", encoding="utf-8")
    assert find_programme_file(deep) == deep / "programme.yaml"


def test_a_programme_file_linked_from_elsewhere_is_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.yaml").write_text("name: Secret\n", encoding="utf-8")
    programme = tmp_path / "programme" / "programme.yaml"
    programme.parent.mkdir()
    os.symlink(elsewhere / "secret.yaml", programme)
    assert find_programme_file(programme.parent) == programme
    with pytest.raises(ProgrammeFileInvalid) as caught:
        read_programme(programme)
    assert "which sap does not follow" in caught.value.message
    assert "Secret" not in caught.value.message


def test_the_programme_schema_describes_its_fields() -> None:
    schema = json.loads(programme_json_schema())
    assert {"name", "contact", "rounds", "streams", "min_group", "show_titles", "custom"} <= set(
        schema["properties"]
    )
    assert schema["properties"]["min_group"]["default"] == 3


# ---------------------------------------------------------------- custom: in project.yaml

CUSTOM = """\
custom:
  round: round-1
  budget_code: TL-4410
  hours_funded: 40
  approved: 2026-02-01
  faculties: [Science, Arts]
"""


def test_custom_fields_load_and_leave_the_fingerprint_alone(make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership(project=MINIMAL["project.yaml"] + CUSTOM)
    partnership = load_valid(folder)
    assert partnership.project.custom["hours_funded"] == 40
    assert partnership.project.custom["faculties"] == ["Science", "Arts"]
    assert fingerprint(partnership).whole == MINIMAL_FINGERPRINT


def test_custom_fields_that_match_the_programme_give_no_problem(
    make_partnership: Callable[..., Path], tmp_path: Path
) -> None:
    _programme(tmp_path)
    folder = make_partnership(project=MINIMAL["project.yaml"] + CUSTOM)
    assert [p for p in check_folder(folder).problems if p.code.startswith(("custom", "programme"))] == []


@pytest.mark.parametrize(
    ("value", "column", "words"),
    [
        ("{a: 1}", 3, "'x': it is a set of 'name: value' lines"),  # a mapping or list: at its name
        ("true", 6, "'x': it is a yes/no value"),
        ("[[1, 2]]", 3, "'x': it is a list holding something other than text"),
        ("2026-02-01 10:00:00", 6, "'x': it is a date with a time"),
    ],
)
def test_a_custom_value_nested_or_yes_no_is_refused_at_its_line(
    make_partnership: Callable[..., Path], value: str, column: int, words: str
) -> None:
    folder = make_partnership(project=MINIMAL["project.yaml"] + f"custom:\n  x: {value}\n")
    [problem] = check_folder(folder).errors
    assert (problem.file, problem.line, problem.column) == ("project.yaml", 8, column)
    assert problem.message.startswith(words)


def test_each_kind_of_custom_problem_is_placed_at_its_line(
    make_partnership: Callable[..., Path], tmp_path: Path
) -> None:
    _programme(tmp_path)
    project = (
        MINIMAL["project.yaml"]
        + "custom:\n"  # line 7
        + "  round: round-3\n"  # 8: not a choice
        + "  hours_funded: lots\n"  # 9: not a number
        + "  approved: soon\n"  # 10: not a date
        + "  faculties: [Science, Arts, Law]\n"  # 11: Law not a choice
        + "  budgte_code: TL-1\n"  # 12: undeclared (budget_code is then missing)
    )
    problems = check_folder(make_partnership(project=project)).problems
    assert _places(problems, "custom-bad-choice") == [
        ("project.yaml", 8, 10, "error"),
        ("project.yaml", 11, 30, "error"),
    ]
    assert _places(problems, "custom-wrong-type") == [
        ("project.yaml", 9, 17, "error"),
        ("project.yaml", 10, 13, "error"),
    ]
    assert _places(problems, "custom-undeclared") == [("project.yaml", 12, 3, "warning")]
    assert _places(problems, "custom-missing") == [("project.yaml", 7, 1, "error")]
    by_code = {p.code: p for p in reversed(problems)}  # the first of each
    assert "did you mean 'budget_code'?" in by_code["custom-undeclared"].message
    assert by_code["custom-missing"].message == (
        "custom field 'budget_code' is required by ../programme.yaml but missing"
    )
    assert "The centre's budget code." in (by_code["custom-missing"].hint or "")
    assert "'round-3' is not one of the choices" in by_code["custom-bad-choice"].message
    assert (
        "should be a number (../programme.yaml says so), but it is 'lots'"
        in by_code["custom-wrong-type"].message
    )


def test_a_required_field_is_an_error_only_when_the_programme_declares_it(
    make_partnership: Callable[..., Path], tmp_path: Path
) -> None:
    folder = make_partnership()
    assert _places(check_folder(folder).problems, "custom-missing") == []  # no programme.yaml
    _programme(tmp_path, "name: P\ncustom:\n  round: {type: text}\n  code: {type: text, required: true}\n")
    assert _places(check_folder(folder).problems, "custom-missing") == [("project.yaml", 1, 1, "error")]
    empty = make_partnership("empty", project=MINIMAL["project.yaml"] + "custom:\n  code:\n")
    assert _places(check_folder(empty).problems, "custom-missing") == [("project.yaml", 8, 3, "error")]


def test_a_broken_programme_file_is_a_note_not_an_error_in_every_partnership(
    make_partnership: Callable[..., Path], tmp_path: Path
) -> None:
    _programme(tmp_path, "name: P\ncustom:\n  round: {type: colour}\n")
    report = check_folder(make_partnership())
    assert report.errors == []
    [note] = report.notes
    assert note.code == "programme-unreadable"
    assert "../programme.yaml:3:17: " in note.message


def test_validate_shows_a_custom_problem_in_its_usual_form(
    runner: CliRunner, make_partnership: Callable[..., Path], tmp_path: Path
) -> None:
    _programme(tmp_path)
    folder = make_partnership(project=MINIMAL["project.yaml"] + CUSTOM.replace("40", "forty"))
    result = runner.invoke(cli.app, ["validate", str(folder)])
    assert_handled(result)
    assert result.exit_code == 1
    assert "project.yaml:10:17: error: custom field 'hours_funded' should be a number" in result.output
