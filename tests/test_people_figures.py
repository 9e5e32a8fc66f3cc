"""Issue 16, items 3, 4 and 6: who decided, each student's hours, and the low score an average hides."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_handled
from sap_cli import cli
from sap_cli.meetings.ledger import decision_split, hours_by_partner, low_scores, parse_decision
from sap_cli.model.plan import Recognition
from sap_cli.partnership.load import load_valid
from sap_cli.review.figures import build_review
from sap_cli.review.page import render_review
from sap_cli.validation.check import check_folder

# Three students and a lecturer, 12 weeks at 3 hours a week each (36 per student).
ROLES = """\
partners:
  - id: amira-haddad
    name: Amira Haddad
    kind: student
    responsibilities: [Run the focus group]
  - id: ben-okafor
    name: Ben Okafor
    kind: student
    responsibilities: [Read the literature]
  - id: chloe-ng
    name: Chloe Ng
    kind: student
    responsibilities: [Analyse the survey]
  - id: lee-chen
    name: Dr Lee Chen
    kind: faculty
"""

PROJECT = """\
title: Co-designing BIOL 201
start: 2026-01-12
end: 2026-04-06
cadence: fortnightly
recognition:
  hours_per_week: 3
  total_hours: {total}
"""

MEETING = """\
id: 2026-03-02-week-8
date: 2026-03-02
title: Week 8
attendees: [amira-haddad, ben-okafor, chloe-ng, lee-chen]
decisions:
  - text: Students pick two readings
    by: students
  - text: The lab moves to room 4
    by: staff
  - text: The survey goes out in week 9
    by: joint
  - text: Amira and Lee write the ethics form
    by: [amira-haddad, lee-chen]
  - text: Ben reads the first draft
    by: [ben-okafor, chloe-ng]
  - text: Snacks at every meeting
hours:
  amira-haddad: 30
  ben-okafor: 28
  chloe-ng: 31
pulse:
  amira-haddad: {heard: 5, workload: 4}
  ben-okafor: {heard: 4, workload: 5}
  chloe-ng: {heard: 1, workload: 2}
  lee-chen: {heard: 5, workload: 3}
"""


@pytest.fixture
def team(make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_partnership(roles=ROLES, project=PROJECT.format(total=36))
    (folder / "checkins").mkdir()
    (folder / "checkins" / "2026-03-02-week-8.yaml").write_text(MEETING, encoding="utf-8")
    monkeypatch.chdir(folder.parent)
    return folder


# ---- 3. who decided -----------------------------------------------------------------------------


def test_decisions_split_by_who_the_record_says_decided(team: Path) -> None:
    split = decision_split(load_valid(team))
    # students; staff; joint; a student and the lecturer (jointly); two students; no one written.
    assert split == {"total": 6, "students": 2, "staff": 1, "jointly": 2, "not recorded": 1}
    assert build_review(load_valid(team))["decisions"] == split


def test_the_review_and_status_show_the_not_recorded_count(runner: CliRunner, team: Path) -> None:
    review = render_review(load_valid(team))
    assert (
        "6 recorded: 2 by students, 1 by staff, 2 jointly, and 1 where who decided was not recorded" in review
    )
    result = runner.invoke(cli.app, ["status", "demo", "--date", "2026-03-03", "--format", "json"])
    assert_handled(result)
    assert json.loads(result.output)["decisions"]["not recorded"] == 1


@pytest.mark.parametrize(
    ("raw", "text", "by"),
    [
        ("students: Pick two readings", "Pick two readings", "students"),
        ("Student: Pick two readings", "Pick two readings", "students"),
        ("staff: Move the lab", "Move the lab", "staff"),
        ("Jointly: Survey in week 9", "Survey in week 9", "joint"),
        ("amira-haddad, lee-chen: Write the form", "Write the form", ["amira-haddad", "lee-chen"]),
        ("Amira Haddad, dr lee chen: Write the form", "Write the form", ["amira-haddad", "lee-chen"]),
        ("Budget: £200 for printing", "Budget: £200 for printing", None),
        ("We agreed on one thing: meet on Mondays", "We agreed on one thing: meet on Mondays", None),
        ("Pilot in week 8", "Pilot in week 8", None),
    ],
)
def test_a_decision_names_who_made_it_before_a_colon(team: Path, raw: str, text: str, by: object) -> None:
    parsed = parse_decision(raw, load_valid(team))
    assert (parsed["text"].strip(), parsed.get("by")) == (text, by)


def test_checkin_writes_no_deciders_unless_told(runner: CliRunner, team: Path) -> None:
    result = runner.invoke(
        cli.app,
        [
            "checkin", "demo", "--no-input", "--date", "2026-03-16", "--title", "Week 10",
            "--attendee", "amira-haddad", "--attendee", "lee-chen",
            "--decision", "Pilot in week 8",
            "--decision", "students: Pick two readings",
            "--decision", "Amira Haddad, lee-chen: Write the ethics form",
        ],
    )  # fmt: skip
    assert_handled(result)
    assert result.exit_code == 0, result.output
    written = (team / "checkins" / "2026-03-16-week-10.yaml").read_text(encoding="utf-8")
    assert "  - text: Pilot in week 8\n  - text: Pick two readings\n    by: students\n" in written
    meeting = next(c for c in load_valid(team).checkins if c.id == "2026-03-16-week-10")
    assert [d.by for d in meeting.decisions] == [[], "students", ["amira-haddad", "lee-chen"]]
    assert check_folder(team).problems == []


def test_a_misspelt_decider_is_refused_and_nothing_is_written(runner: CliRunner, team: Path) -> None:
    result = runner.invoke(
        cli.app,
        [
            "checkin",
            "demo",
            "--no-input",
            "--date",
            "2026-03-16",
            "--decision",
            "studnets: Pick two readings",
        ],
    )
    assert_handled(result)
    assert result.exit_code == 2, result.output
    assert "did you mean 'students'?" in result.output
    assert "nothing was written" in result.output
    assert not (team / "checkins" / "2026-03-16-check-in.yaml").exists()


def test_checkin_help_explains_deciders_and_the_workload_scale(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["checkin", "--help"])
    text = " ".join(result.output.split())
    assert "students: Pick two readings" in text
    assert "not recorded" in text
    assert "1 far too much, 5 just right" in text


def test_a_group_of_deciders_is_not_taken_for_a_partner_id(make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership()
    (folder / "checkins").mkdir()
    (folder / "checkins" / "2026-03-02-week-8.yaml").write_text(
        "id: 2026-03-02-week-8\ndate: 2026-03-02\ntitle: Week 8\ndecisions:\n"
        "  - text: A\n    by: students\n  - text: B\n    by: [studnets]\n",
        encoding="utf-8",
    )
    problems = check_folder(folder).problems
    assert [(p.line, p.severity) for p in problems] == [(8, "error")]  # the misspelt id, not `students`


# ---- 4. hours -----------------------------------------------------------------------------------


def test_each_student_is_compared_with_their_own_agreement(team: Path) -> None:
    rows = {row["id"]: row for row in hours_by_partner(load_valid(team), load_valid(team).project.end)}
    assert {i: (r["logged"], r["agreed"]) for i, r in rows.items()} == {
        "amira-haddad": (30, 36), "ben-okafor": (28, 36), "chloe-ng": (31, 36), "lee-chen": (0, None),
    }  # fmt: skip
    review = build_review(load_valid(team))
    assert [h["agreed"] for h in review["recognition"]["students_hours"]] == [36, 36, 36]
    assert "student_hours_logged" not in review["recognition"]  # the team's sum against one student's hours
    page = render_review(load_valid(team))
    assert "Amira Haddad 30 of 36; Ben Okafor 28 of 36; Chloe Ng 31 of 36" in page
    assert "89" not in page.split("## 5. Recognition")[1].split("## 6")[0]


def test_status_shows_each_students_hours(runner: CliRunner, team: Path) -> None:
    result = runner.invoke(cli.app, ["status", "demo", "--date", "2026-03-03"])
    assert_handled(result)
    assert "Chloe Ng: 31 logged, 21.4 expected by now, 36 agreed in all" in result.output


def test_the_schema_says_hours_are_for_each_student() -> None:
    for name in ("hours_per_week", "total_hours"):
        assert "each student partner" in (Recognition.model_fields[name].description or "")


def test_validate_warns_when_weekly_and_total_hours_disagree(make_partnership: Callable[..., Path]) -> None:
    warned = {}
    for total in (36, 39, 33, 100, 32):  # 3 a week for 12 weeks is 36; one week's worth is 3
        folder = make_partnership(f"total-{total}", project=PROJECT.format(total=total))
        warned[total] = [p for p in check_folder(folder).problems if p.code == "hours-disagree"]
    assert {total: len(found) for total, found in warned.items()} == {36: 0, 39: 0, 33: 0, 100: 1, 32: 1}
    [problem] = warned[100]
    assert (problem.file.endswith("project.yaml"), problem.line) == (True, 7)  # at total_hours
    assert problem.message == (
        "total_hours says 100 hours for each student, but 3 hours a week over the project's "
        "12 weeks (2026-01-12 to 2026-04-06) make 36: more than a week's worth (3 hours) apart"
    )


# ---- 6. pulse -----------------------------------------------------------------------------------


def test_every_single_low_score_is_found(team: Path) -> None:
    found = [(s["name"], s["question"], s["score"], s["date"]) for s in low_scores(load_valid(team))]
    assert found == [("Chloe Ng", "heard", 1, "2026-03-02"), ("Chloe Ng", "workload", 2, "2026-03-02")]


def test_status_names_the_low_score_the_average_hides(runner: CliRunner, team: Path) -> None:
    result = runner.invoke(cli.app, ["status", "demo", "--date", "2026-03-03"])
    assert_handled(result)
    assert "student  3.3/3.7" in result.output  # the average: (5 + 4 + 1) / 3 and (4 + 5 + 2) / 3
    assert "1 of 5 Chloe Ng, felt heard, at Week 8 on 2026-03-02" in result.output
    assert "2 of 5 Chloe Ng, workload (1 is far too much), at Week 8 on 2026-03-02" in result.output
    data = json.loads(
        runner.invoke(cli.app, ["status", "demo", "--date", "2026-03-03", "--format", "json"]).output
    )
    assert [(s["partner"], s["question"], s["score"]) for s in data["low_scores"]] == [
        ("chloe-ng", "heard", 1), ("chloe-ng", "workload", 2),
    ]  # fmt: skip


def test_the_anonymised_review_names_no_one_for_a_low_score(runner: CliRunner, team: Path) -> None:
    result = runner.invoke(cli.app, ["report", "demo", "--anonymize", "-o", str(team / "anon.md")])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    text = (team / "anon.md").read_text(encoding="utf-8")
    assert "Chloe" not in text and "chloe-ng" not in text


def test_the_review_says_which_way_each_pulse_scale_runs(team: Path) -> None:
    page = render_review(load_valid(team))
    assert "Felt heard: 1 not at all, 5 fully. Workload: 1 far too much, 5 just right." in page
