"""Issue 17: in anonymised output no figure describes fewer than --min-group people (3 by default)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_handled
from sap_cli import cli
from sap_cli.partnership.load import load_valid
from sap_cli.review.page import review_and_page
from sap_cli.review.small_groups import groups

# Four students, one lecturer and one learning designer: the two staff partners are each a group of
# one, and together a group of two.
ROLES = """\
partners:
  - {id: amira-haddad, name: Amira Haddad, kind: student}
  - {id: ben-okafor, name: Ben Okafor, kind: student}
  - {id: chloe-ng, name: Chloe Ng, kind: student}
  - {id: dev-patel, name: Dev Patel, kind: student}
  - {id: lee-chen, name: Dr Lee Chen, kind: faculty}
  - {id: rosa-mendes, name: Rosa Mendes, kind: staff}
"""

PROJECT = """\
title: Co-designing BIOL 201
start: 2026-01-12
end: 2026-04-06
cadence: fortnightly
recognition:
  hours_per_week: 3
"""

STUDENTS = ["amira-haddad", "ben-okafor", "chloe-ng", "dev-patel"]


def meeting(day: str, staff: dict[str, tuple[int, int, float]], by: str, scorers: list[str]) -> str:
    """A meeting every student attends; `staff` gives each staff partner's heard, workload, hours."""
    attendees = STUDENTS + list(staff)
    hours = {s: 3 for s in STUDENTS} | {k: v[2] for k, v in staff.items()}
    pulse = {s: (4, 4) for s in scorers} | {k: v[:2] for k, v in staff.items()}
    lines = [f"id: {day}-meeting", f"date: {day}", "title: Meeting", f"attendees: [{', '.join(attendees)}]"]
    lines += ["decisions:", "  - text: Pick the readings", f"    by: {by}"]
    lines += ["hours:"] + [f"  {k}: {v}" for k, v in hours.items()]
    lines += ["pulse:"] + [f"  {k}: {{heard: {h}, workload: {w}}}" for k, (h, w) in pulse.items()]
    return "\n".join(lines) + "\n"


def write_team(folder: Path, lee: tuple[int, int, float] | None, by: str, scorers: list[str]) -> None:
    checkins = folder / "checkins"
    checkins.mkdir(exist_ok=True)
    for old in checkins.iterdir():
        old.unlink()
    for day in ("2026-02-02", "2026-02-16"):
        staff = {"rosa-mendes": (4, 4, 2.0)} | ({"lee-chen": lee} if lee else {})
        (checkins / f"{day}-meeting.yaml").write_text(meeting(day, staff, by, scorers), encoding="utf-8")


@pytest.fixture
def team(make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_partnership(roles=ROLES, project=PROJECT)
    monkeypatch.chdir(folder.parent)
    return folder


def anonymised(folder: Path, min_group: int | None = None) -> tuple[dict[str, object], str]:
    figures, page, _ = review_and_page(load_valid(folder), anonymized=True, min_group=min_group)
    return figures, page


@pytest.mark.parametrize(
    "lee",
    [
        (5, 5, 1.0),  # the lecturer happy, one hour
        (1, 1, 9.0),  # the lecturer unhappy and overworked
        None,  # the lecturer at no meeting, with no scores or hours
    ],
)
@pytest.mark.parametrize("by", ["[lee-chen]", "staff", "students", "[amira-haddad, ben-okafor]"])
def test_nothing_one_staff_partner_did_or_felt_changes_the_anonymised_review(
    team: Path, lee: tuple[int, int, float] | None, by: str
) -> None:
    """The lecturer's scores, hours, attendance and decisions are one person's: none may show."""
    write_team(team, (3, 3, 4.0), "staff" if by == "[lee-chen]" else by, STUDENTS)
    before = anonymised(team)
    write_team(team, lee, by, STUDENTS)
    after = anonymised(team)
    assert after == before


def test_what_students_did_still_shows(team: Path) -> None:
    """The check above can fail: a change in the students' record does change the review."""
    write_team(team, (3, 3, 4.0), "staff", STUDENTS)
    before = anonymised(team)[0]
    write_team(team, (3, 3, 4.0), "staff", STUDENTS[:3])
    after = anonymised(team)[0]
    assert before["pulse"] != after["pulse"]
    assert [row["people"] for row in after["pulse"]] == [3, 3]


def test_groups_in_the_page_and_the_figures(team: Path) -> None:
    write_team(team, (1, 2, 4.0), "[lee-chen]", STUDENTS)
    figures, page = anonymised(team)
    assert figures["meetings"]["attendance"] == [
        {"group": "student", "name": "student partners", "people": 4, "attended": 2.0, "share": 1.0}
    ]
    assert [(row["name"], row["people"], row["logged"]) for row in figures["hours"]] == [
        ("student partners", 4, 6.0)
    ]
    assert figures["decisions"] == {"total": 2, "by one side": 2, "jointly": 0, "not recorded": 0}
    assert "| student partners | 4 | 2 of 2 | 100% |" in page
    assert "There are fewer than 3 faculty and staff partners" in page
    assert "faculty partners rated" not in page and "workload 2" not in page
    text = json.dumps(figures)
    assert '"kind": "faculty"' not in text and '"kind": "staff"' not in text


def test_two_students_and_two_staff_are_shown_only_together(team: Path) -> None:
    """Neither side is 3 at a meeting: everyone together, and never one side beside everyone."""
    write_team(team, (2, 2, 4.0), "staff", STUDENTS[:2])
    figures, _ = anonymised(team)
    assert [(row["kind"], row["people"]) for row in figures["pulse"]] == [("all", 4), ("all", 4)]
    assert figures["pulse"][0]["heard"] == 3.5  # (4 + 4 + 4 + 2) / 4


def test_min_group_changes_the_threshold(team: Path) -> None:
    write_team(team, (2, 2, 4.0), "staff", STUDENTS)
    figures, _ = anonymised(team, min_group=2)
    assert [row["name"] for row in figures["meetings"]["attendance"]] == [
        "student partners",
        "faculty and staff partners",
    ]
    assert "students" in figures["decisions"]
    figures, page = anonymised(team, min_group=5)
    assert figures["meetings"]["attendance"] == [
        {"group": "all", "name": "all partners", "people": 6, "attended": 2.0, "share": 1.0}
    ]
    assert figures["hours"] == [] and "Left out: no group of partners is large enough" in page


def test_fewer_partners_than_the_group_size_withholds_everything() -> None:
    found = groups({"a": "student", "b": "faculty"}, 3)
    assert found.members == {} and sorted(found.withheld) == ["faculty and staff", "student"]


def test_report_takes_min_group_only_with_anonymize(runner: CliRunner, team: Path) -> None:
    write_team(team, (2, 2, 4.0), "staff", STUDENTS)
    result = runner.invoke(cli.app, ["report", str(team), "--min-group", "2", "-o", "-"])
    assert_handled(result)
    assert result.exit_code == 2 and "--anonymize" in result.output
    result = runner.invoke(cli.app, ["report", str(team), "--anonymize", "--min-group", "0", "-o", "-"])
    assert_handled(result)
    assert result.exit_code == 2
    result = runner.invoke(
        cli.app, ["report", str(team), "--anonymize", "--min-group", "5", "--format", "json"]
    )
    assert_handled(result)
    assert json.loads(result.stdout)["small_groups"]["min_group"] == 5


def test_the_team_review_is_unchanged(team: Path) -> None:
    """Small groups apply to anonymised output only; the team's own review names each partner."""
    write_team(team, (2, 2, 4.0), "staff", STUDENTS)
    figures, _, _ = review_and_page(load_valid(team))
    assert figures["small_groups"] is None
    assert len(figures["meetings"]["attendance"]) == 6


def test_project_yaml_sets_the_group_size_for_report_and_render(runner: CliRunner, team: Path) -> None:
    """`sap render` remakes the anonymised review with project.yaml's size, never the default 3."""
    write_team(team, (2, 2, 4.0), "staff", STUDENTS)
    project = team / "project.yaml"
    project.write_text(project.read_text(encoding="utf-8") + "anonymize:\n  min_group: 5\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["report", str(team), "--anonymize"])
    assert_handled(result)
    page = (team / "docs" / "review-anonymized.md").read_text(encoding="utf-8")
    assert "fewer than 5 people" in page and "| all partners | 6 |" in page
    (team / "docs" / "review-anonymized.md").unlink()
    result = runner.invoke(cli.app, ["report", str(team), "--anonymize", "--min-group", "2"])
    assert_handled(result)
    assert "set it there to keep 2" in " ".join(result.stdout.split())
    result = runner.invoke(cli.app, ["render", str(team)])
    assert_handled(result)
    assert "fewer than 5 people" in (team / "docs" / "review-anonymized.md").read_text(encoding="utf-8")


def test_quiet_prints_no_list_of_names(runner: CliRunner, team: Path) -> None:
    write_team(team, (2, 2, 4.0), "staff", STUDENTS)
    result = runner.invoke(cli.app, ["--quiet", "report", str(team), "--anonymize", "-o", "-"])
    assert_handled(result)
    assert result.exit_code == 0 and "Amira Haddad" not in result.stderr
