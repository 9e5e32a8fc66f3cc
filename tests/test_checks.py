"""`check_folder`: every problem placed on its line and column, cross-file rules, health warnings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES, MINIMAL
from sap_cli.validation.check import check_folder
from sap_cli.words import display_path


def located(folder: Path) -> list[tuple[str, int, int, str, str]]:
    report = check_folder(folder)
    return [(Path(p.file).name, p.line, p.column, p.severity, p.code) for p in report.problems]


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_every_example_is_clean(example: str) -> None:
    report = check_folder(EXAMPLES / example)
    assert report.problems == []
    assert report.partnership is not None


def test_micro_credential_example_holds_the_six_stages_of_table_1() -> None:
    partnership = check_folder(EXAMPLES / "micro-credential").partnership
    assert partnership is not None
    stages = partnership.matrix.stages
    assert [s.name.lower() for s in stages] == [
        "needs assessment",
        "curriculum design",
        "curriculum development",
        "marketing and promotion",
        "learning recognition",
        "alumni community",
    ]
    levels = [[i.level for i in s.involvements] for s in stages]
    assert levels == [
        ["consult"],
        ["partnership"],
        ["participate"],
        ["consult"],
        ["consult"],
        ["inform", "partnership"],
    ]
    assert stages[3].control == "institution"
    assert stages[5].control == "shared"


def test_minimal_partnership_is_clean(make_partnership: Callable[..., Path]) -> None:
    assert located(make_partnership()) == []


def test_wrong_type_is_placed_on_its_value(make_partnership: Callable[..., Path]) -> None:
    roles = MINIMAL["roles.yaml"].replace("kind: faculty", "kind: mentor")
    report = check_folder(make_partnership(roles=roles))
    [problem] = report.problems
    assert (problem.line, problem.column, problem.code) == (9, 11, "bad-choice")
    assert "'mentor' is not one of the choices for 'kind'" in problem.message
    assert problem.hint == "Choose one of: student, faculty, staff, other"


def test_unknown_key_suggests_the_field_meant(make_partnership: Callable[..., Path]) -> None:
    project = MINIMAL["project.yaml"].replace("cadence:", "cadense:")
    report = check_folder(make_partnership(project=project))
    [problem] = report.errors
    assert (problem.line, problem.column, problem.code) == (4, 1, "unknown-field")
    assert problem.message == "unknown field 'cadense' (did you mean 'cadence'?)"


def test_misspelt_required_key_is_one_problem_not_two(make_partnership: Callable[..., Path]) -> None:
    project = MINIMAL["project.yaml"].replace("title:", "titel:")
    assert located(make_partnership(project=project)) == [
        ("project.yaml", 1, 1, "error", "unknown-field"),
        ("project.yaml", 1, 1, "note", "checks-skipped"),  # dates against a project with no title
    ]


def test_dangling_partner_id_names_the_closest(make_partnership: Callable[..., Path]) -> None:
    goals = MINIMAL["goals.yaml"].replace("      - lee-chen", "      - lee-chenn")
    report = check_folder(make_partnership(goals=goals))
    [problem] = report.problems
    assert (Path(problem.file).name, problem.line, problem.column) == ("goals.yaml", 6, 9)
    assert problem.message == "there is no partner with id 'lee-chenn' (did you mean 'lee-chen'?)"
    assert problem.hint == "Partner ids are listed in roles.yaml: amira-haddad, lee-chen"


def test_unknown_owner_of_own_objectives_points_at_the_key(make_partnership: Callable[..., Path]) -> None:
    goals = MINIMAL["goals.yaml"].replace("  amira-haddad:", "  amira:")
    assert located(make_partnership(goals=goals)) == [("goals.yaml", 8, 3, "error", "unknown-partner")]


def test_yaml_syntax_error_gives_line_column_and_plain_words(make_partnership: Callable[..., Path]) -> None:
    timeline = MINIMAL["timeline.yaml"].replace("title: Pilot", "title: Pilot: the")
    report = check_folder(make_partnership(timeline=timeline))
    [problem] = report.problems
    assert (problem.line, problem.column, problem.code) == (3, 17, "yaml-syntax")
    assert problem.message == "not valid YAML: a ':' here starts a new field"
    assert "put the whole text in quotes" in (problem.hint or "")


def test_all_problems_are_reported_in_one_pass(make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership(
        project=MINIMAL["project.yaml"].replace("start: 2026-01-12", "start: 12/01/2026"),
        roles=MINIMAL["roles.yaml"].replace("kind: faculty", "kind: 3\n    pronoun: he/him"),
        goals=MINIMAL["goals.yaml"].replace("      - lee-chen", "      - lee"),
        timeline="milestones:\n  - id: [oops\n",
    )
    assert located(folder) == [
        ("project.yaml", 2, 8, "error", "bad-date"),
        ("roles.yaml", 9, 11, "error", "bad-choice"),
        ("roles.yaml", 10, 5, "error", "unknown-field"),
        ("goals.yaml", 6, 9, "error", "unknown-partner"),
        ("timeline.yaml", 3, 1, "error", "yaml-syntax"),
        ("project.yaml", 1, 1, "note", "checks-skipped"),  # dates, as the start is not a date
    ]


def test_missing_file_is_an_error_with_a_way_back(make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership()
    (folder / "matrix.yaml").unlink()
    report = check_folder(folder)
    [problem] = report.problems
    assert problem.code == "missing-file"
    assert f"git checkout -- {display_path(folder / 'matrix.yaml')}`" in (problem.hint or "")


def test_duplicate_ids_are_errors(make_partnership: Callable[..., Path]) -> None:
    roles = MINIMAL["roles.yaml"].replace("id: lee-chen", "id: amira-haddad")
    goals = MINIMAL["goals.yaml"].replace("      - lee-chen\n", "")
    timeline = MINIMAL["timeline.yaml"].replace("[lee-chen]", "[amira-haddad]")
    assert located(make_partnership(roles=roles, goals=goals, timeline=timeline)) == [
        ("roles.yaml", 7, 9, "error", "duplicate-id")
    ]


def test_dates_must_be_consistent(make_partnership: Callable[..., Path]) -> None:
    timeline = MINIMAL["timeline.yaml"].replace("due: 2026-03-20", "due: 2026-07-01")
    assert located(make_partnership(timeline=timeline)) == [
        ("timeline.yaml", 4, 10, "error", "outside-project")
    ]


def test_end_before_start_is_an_error(tmp_path: Path, make_partnership: Callable[..., Path]) -> None:
    project = MINIMAL["project.yaml"].replace("end: 2026-05-29", "end: 2025-05-29")
    assert located(make_partnership(project=project)) == [
        ("project.yaml", 3, 6, "error", "dates-out-of-order")
    ]


HEALTH_CASES = {
    "no-student-partner": {"roles": MINIMAL["roles.yaml"].replace("kind: student", "kind: staff")},
    "no-stage-above-consult": {"matrix": MINIMAL["matrix.yaml"].replace("partnership", "consult")},
    "student-without-responsibilities": {
        "roles": MINIMAL["roles.yaml"].replace("    responsibilities:\n      - Run the focus group\n", "")
    },
    "no-student-recognition": {
        "project": MINIMAL["project.yaml"].replace("recognition:\n  pay_rate: £13.50 an hour\n", "")
    },
    "no-meeting-cadence": {"project": MINIMAL["project.yaml"].replace("cadence: fortnightly\n", "")},
    "staff-hold-all-control": {"matrix": MINIMAL["matrix.yaml"].replace("control: shared", "control: staff")},
}


@pytest.mark.parametrize("code", sorted(HEALTH_CASES))
def test_health_warning_fires_alone_with_a_source(code: str, make_partnership: Callable[..., Path]) -> None:
    report = check_folder(make_partnership(**HEALTH_CASES[code]))
    assert [p.code for p in report.problems] == [code]
    [warning] = report.problems
    assert warning.severity == "warning"
    assert warning.hint and warning.source
    assert report.partnership is not None  # warnings do not make the folder invalid


def test_student_without_responsibilities_is_named(make_partnership: Callable[..., Path]) -> None:
    case = HEALTH_CASES["student-without-responsibilities"]
    [warning] = check_folder(make_partnership(**case)).problems
    assert "Amira Haddad" in warning.message
    assert warning.line == 2


def test_impossible_date_is_reported_not_crashed(make_partnership: Callable[..., Path]) -> None:
    timeline = MINIMAL["timeline.yaml"].replace("due: 2026-03-20", "due: 2026-02-30")
    report = check_folder(make_partnership(timeline=timeline))
    [problem] = report.problems
    assert (problem.line, problem.column, problem.code) == (4, 10, "bad-date")


def test_empty_value_is_named_at_its_key(make_partnership: Callable[..., Path]) -> None:
    roles = MINIMAL["roles.yaml"].replace("kind: faculty", "kind:")
    [problem] = check_folder(make_partnership(roles=roles)).problems
    assert (problem.line, problem.column, problem.code) == (9, 5, "empty-value")
    assert problem.message == "'kind' is empty"
    assert problem.hint == "Choose one of: student, faculty, staff, other"


def test_empty_roles_file_leaves_every_partner_reference_dangling(
    make_partnership: Callable[..., Path],
) -> None:
    codes = [code for *_, code in located(make_partnership(roles="# nobody yet\n"))]
    assert codes.count("unknown-partner") == 4  # two goal owners, one objective, one milestone owner


def test_a_name_where_an_id_belongs_suggests_the_id(make_partnership: Callable[..., Path]) -> None:
    goals = MINIMAL["goals.yaml"].replace("      - lee-chen", "      - Lee Chen")
    [problem] = check_folder(make_partnership(goals=goals)).problems
    assert problem.message == "'Lee Chen' is not a valid id (as an id it would be 'lee-chen')"


def test_file_that_is_not_utf8_points_at_the_character(make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership()
    (folder / "project.yaml").write_bytes(MINIMAL["project.yaml"].encode("cp1252"))
    [problem] = check_folder(folder).errors
    assert (problem.line, problem.column, problem.code) == (6, 13, "not-utf8")
    assert "UTF-8" in (problem.hint or "")


def test_empty_list_written_bare_means_none_yet(make_partnership: Callable[..., Path]) -> None:
    matrix = "stages:\n  - id: design\n    name: Design\n    involvements:\n"
    report = check_folder(make_partnership(matrix=matrix))
    assert report.errors == []


def test_the_reader_and_the_round_trip_loader_read_every_example_alike() -> None:
    """Commands read with one parser; `sap upgrade` reshapes old files with the round-trip one: they agree."""
    from sap_cli.files.yaml_loaders import round_trip_yaml
    from sap_cli.files.yaml_read import load_file

    paths = sorted(EXAMPLES.rglob("*.yaml"))
    assert len(paths) >= 20
    for path in paths:
        loaded = load_file(path)
        assert loaded.readable, path
        assert loaded.data == round_trip_yaml().load(loaded.text), path


def test_the_benchmark_builds_valid_partnerships(tmp_path: Path) -> None:
    """The benchmark's figures mean something only if its synthetic data is a clean partnership."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench", EXAMPLES.parent / "benchmarks" / "bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    import datetime as dt

    files = bench.write_partnership(tmp_path / "p", "Synthetic", dt.date(2026, 1, 5), 30)
    report = check_folder(tmp_path / "p")
    assert files == 35
    assert report.problems == []
    assert report.partnership is not None and len(report.partnership.checkins) == 30


def test_a_partner_id_windows_keeps_for_itself_is_refused(make_partnership: Callable[..., Path]) -> None:
    roles = (
        "partners:\n  - id: con\n    name: Con\n    kind: student\n    responsibilities: [Ask the class]\n"
    )
    folder = make_partnership(roles=roles)
    problems = [p for p in check_folder(folder).problems if p.code == "reserved-id"]
    assert [(Path(p.file).name, p.line, p.column, p.severity) for p in problems] == [
        ("roles.yaml", 2, 9, "error")
    ]
    assert "Windows keeps that name for a device" in problems[0].message


@pytest.mark.parametrize(
    ("name", "made"), [("Con", "con-1"), ("Dr Aux", "aux-1"), ("Con O'Brien", "con-o-brien")]
)
def test_ids_made_from_names_avoid_windows_device_names(name: str, made: str) -> None:
    from sap_cli.ids import slugify

    assert slugify(name) == made
