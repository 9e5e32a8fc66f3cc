"""status, progress.md, the review and their JSON say the same thing about goals and deadlines."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, assert_handled
from sap_cli import cli

GOALS = """\
goals:
  - id: new-rubric
    title: A lab rubric students understand
  - id: fair-marking
    title: Marking students trust
  - id: wider-use
    title: The rubric used in other labs
deliverables:
  - id: ethics-application
    title: Ethics application
    goals: [new-rubric]
    due: 2026-02-20
"""

TIMELINE = """\
milestones:
  - id: ethics-submitted
    title: Ethics application submitted
    due: 2026-02-20
    completes: [ethics-application]
    done: 2026-02-18
"""

PROJECT = MINIMAL["project.yaml"].replace("end: 2026-05-29", "end: 2026-03-31")


@pytest.fixture
def team(make_partnership: Callable[..., Path], runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three meetings: the rubric done at the second and not named at the third; marking last at-risk."""
    folder = make_partnership(project=PROJECT, goals=GOALS, timeline=TIMELINE)
    monkeypatch.chdir(folder.parent)
    meetings = [
        ("2026-02-01", ["new-rubric=on-track", "fair-marking=on-track"]),
        ("2026-02-15", ["new-rubric=done", "fair-marking=at-risk"]),
        ("2026-03-01", ["fair-marking=at-risk"]),
    ]
    for day, goals in meetings:
        options = [arg for goal in goals for arg in ("--goal", goal)]
        result = runner.invoke(
            cli.app,
            ["checkin", "demo", "--no-input", "--date", day, "--title", f"Meeting {day}",
             "--attendee", "amira-haddad", "--attendee", "lee-chen", *options],
        )  # fmt: skip
        assert_handled(result)
        assert result.exit_code == 0, result.output
    return folder


def _json(runner: CliRunner, *args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(cli.app, [*args, "--format", "json"])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    data: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return data


def test_a_goal_done_at_an_earlier_meeting_stays_done_everywhere(team: Path, runner: CliRunner) -> None:
    status = _json(runner, "status", "demo", "--date", "2026-03-05")
    goals = {g["id"]: g for g in status["goals"]}
    assert (goals["new-rubric"]["status"], goals["new-rubric"]["since"]) == ("done", "2026-02-15")
    assert goals["wider-use"]["status"] is None
    assert goals["wider-use"]["label"] == "never assessed"

    text = runner.invoke(cli.app, ["status", "demo", "--date", "2026-03-05"]).output
    assert "done since 2026-02-15" in text
    assert "never assessed" in text

    assert runner.invoke(cli.app, ["render", "demo", "--date", "2026-03-05"]).exit_code == 0
    progress = (team / "docs" / "progress.md").read_text(encoding="utf-8")
    assert "| A lab rubric students understand | - | done since 2026-02-15 |" in progress
    assert "| The rubric used in other labs | - | never assessed |" in progress

    review = _json(runner, "report", "demo", "--date", "2026-03-05")
    verdicts = {g["id"]: (g["verdict"], g["label"]) for g in review["goals"]}
    assert verdicts == {
        "new-rubric": ("achieved", "done since 2026-02-15"),
        "fair-marking": ("in progress", "at-risk since 2026-02-15"),
        "wider-use": ("not assessed yet", "never assessed"),
    }


def test_once_the_project_has_ended_only_done_is_achieved(team: Path, runner: CliRunner) -> None:
    review = _json(runner, "report", "demo", "--date", "2026-04-10")
    verdicts = {g["id"]: g["verdict"] for g in review["goals"]}
    assert verdicts == {"new-rubric": "achieved", "fair-marking": "not achieved", "wider-use": "not achieved"}
    assert "partly achieved" not in json.dumps(review)
    assert any(
        "Marking students trust' was not achieved (last recorded: at-risk since" in c
        for c in review["challenges"]
    )
    page = runner.invoke(cli.app, ["report", "demo", "--date", "2026-04-10", "-o", "-"]).output
    assert "| Marking students trust | **not achieved** | at-risk since 2026-02-15 |" in page


def test_partly_achieved_only_when_the_partners_record_it(team: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        cli.app,
        ["checkin", "demo", "--no-input", "--date", "2026-03-20", "--title", "Last meeting",
         "--attendee", "amira-haddad", "--goal", "fair-marking=partly-done"],
    )  # fmt: skip
    assert_handled(result)
    assert result.exit_code == 0, result.output
    verdicts = {
        g["id"]: g["verdict"] for g in _json(runner, "report", "demo", "--date", "2026-04-10")["goals"]
    }
    assert verdicts["fair-marking"] == "partly achieved"


def test_a_deliverable_finished_by_its_milestone_is_never_called_missed(
    team: Path, runner: CliRunner
) -> None:
    for day in ("2026-03-05", "2026-04-10"):
        review = _json(runner, "report", "demo", "--date", day)
        [deliverable] = review["deliverables"]
        assert (deliverable["done"], deliverable["timing"]) == ("2026-02-18", "on time")
        assert not any("Ethics" in c for c in review["challenges"])
        [goal] = [g for g in review["goals"] if g["id"] == "new-rubric"]
        assert (goal["deliverables_done"], goal["deliverables_total"]) == (1, 1)
    assert runner.invoke(cli.app, ["render", "demo", "--date", "2026-03-05"]).exit_code == 0
    progress = (team / "docs" / "progress.md").read_text(encoding="utf-8")
    assert "| Ethics application | - | 2026-02-20 | done 2026-02-18 |" in progress
    assert "overdue" not in progress.split("## Deliverables")[1].split("##")[0]


def test_a_milestone_that_completes_no_such_deliverable_is_an_error(
    make_partnership: Callable[..., Path], runner: CliRunner
) -> None:
    folder = make_partnership(
        goals=GOALS, timeline=TIMELINE.replace("[ethics-application]", "[ethics-aplication]")
    )
    result = runner.invoke(cli.app, ["validate", str(folder)])
    assert_handled(result)
    assert result.exit_code == 1
    assert "timeline.yaml:5:" in result.output
    assert "there is no deliverable with id 'ethics-aplication'" in result.output
    assert "did you mean 'ethics-application'" in result.output


def test_a_running_project_calls_late_work_overdue_and_an_ended_one_missed(
    make_partnership: Callable[..., Path], runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_partnership(project=PROJECT)
    monkeypatch.chdir(folder.parent)
    running = _json(runner, "report", "demo", "--date", "2026-03-25")
    assert running["milestones"]["items"][0]["timing"] == "overdue"
    assert running["milestones"]["counts"]["hard"]["overdue"] == 1
    ended = _json(runner, "report", "demo", "--date", "2026-04-10")
    assert ended["milestones"]["items"][0]["timing"] == "missed"
    assert ended["milestones"]["counts"]["hard"]["missed"] == 1
    status = _json(runner, "status", "demo", "--date", "2026-03-25")
    assert status["next_milestones"][0]["overdue"] is True


def test_render_check_notices_a_review_that_fell_behind(team: Path, runner: CliRunner) -> None:
    for args in (["render", "demo"], ["report", "demo"], ["report", "demo", "--anonymize"]):
        result = runner.invoke(cli.app, args)
        assert_handled(result)
        assert result.exit_code == 0, result.output
    assert runner.invoke(cli.app, ["render", "demo", "--check"]).exit_code == 0
    runner.invoke(
        cli.app,
        ["checkin", "demo", "--no-input", "--date", "2026-03-10", "--title", "One more",
         "--attendee", "lee-chen", "--goal", "wider-use=on-track"],
    )  # fmt: skip
    result = runner.invoke(cli.app, ["render", "demo", "--check"])
    assert_handled(result)
    assert result.exit_code == 1
    assert "docs/review.md (out of date)" in result.output
    assert "docs/review-anonymized.md (out of date)" in result.output
    assert "Run `sap render demo` to bring them up to date." in result.output
    assert runner.invoke(cli.app, ["render", "demo"]).exit_code == 0
    assert runner.invoke(cli.app, ["render", "demo", "--check"]).exit_code == 0


def test_templates_link_each_milestone_to_the_deliverable_it_completes(
    tmp_path: Path, runner: CliRunner
) -> None:
    """A new SoTL partnership: submitting the ethics application finishes the ethics deliverable."""
    folder = tmp_path / "study"
    result = runner.invoke(
        cli.app,
        ["init", str(folder), "--title", "A study", "--template", "sotl", "--student", "Maya Reyes",
         "--faculty", "Dr Ana Silva", "--start", "2026-09-01", "--no-input"],
    )  # fmt: skip
    assert_handled(result)
    assert result.exit_code == 0, result.output
    from sap_cli.partnership.load import load_valid

    milestones = {m.id: m.completes for m in load_valid(folder).timeline.milestones}
    assert milestones["ethics-submitted"] == ["ethics-application"]
