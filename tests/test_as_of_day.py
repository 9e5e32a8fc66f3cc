"""`--date D` means the record up to and including D, in status, the programme table, the review and pages.

A meeting, action, goal status, pulse score or decision recorded after D is never counted, and
something done after D was still open on D; so "days since the last meeting" is never negative.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, assert_handled
from sap_cli import cli

TIMELINE = MINIMAL["timeline.yaml"] + "    done: 2026-03-18\n"

MEETINGS = {
    "2026-03-02-start": """\
id: 2026-03-02-start
date: 2026-03-02
title: Start
attendees: [amira-haddad, lee-chen]
goals:
  new-rubric: on-track
actions:
  - id: 2026-03-02-start-a1
    owner: amira-haddad
    text: Book a room
    due: 2026-03-06
    done: 2026-03-20
pulse:
  amira-haddad:
    heard: 4
    workload: 4
""",
    "2026-03-16-middle": """\
id: 2026-03-16-middle
date: 2026-03-16
title: Middle
attendees: [amira-haddad, lee-chen]
goals:
  new-rubric: done
decisions:
  - text: Use the short rubric
    by: students
actions:
  - id: 2026-03-16-middle-a1
    owner: lee-chen
    text: Send the rubric round
    due: 2026-03-09
hours:
  amira-haddad: 4
pulse:
  amira-haddad:
    heard: 1
    workload: 2
""",
    "2026-03-30-end": """\
id: 2026-03-30-end
date: 2026-03-30
title: End
attendees: [amira-haddad]
""",
}

DAY = "2026-03-10"


@pytest.fixture
def team(make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    (tmp_path / "programme").mkdir()
    folder = make_partnership("programme/demo", timeline=TIMELINE)
    (folder / "checkins").mkdir()
    for name, text in MEETINGS.items():
        (folder / "checkins" / f"{name}.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return folder


def _json(runner: CliRunner, *args: str) -> Any:
    result = runner.invoke(cli.app, [*args, "--format", "json"])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_status_as_of_a_past_day_reads_only_the_record_up_to_it(team: Path, runner: CliRunner) -> None:
    now = _json(runner, "status", str(team), "--date", DAY)
    assert now["as_of"] == DAY
    assert now["last_checkin"]["date"] == "2026-03-02"
    assert now["days_since_last_checkin"] == 8
    assert now["checkin_overdue"] is False  # fortnightly, 8 days
    # The action done on 2026-03-20 was still open, and overdue, on 2026-03-10; the action set
    # at the meeting of 2026-03-16 did not exist yet.
    assert [a["id"] for a in now["open_actions"]] == ["2026-03-02-start-a1"]
    assert [a["state"] for a in now["overdue_actions"]] == ["overdue"]
    assert [(g["status"], g["since"]) for g in now["goals"]] == [("on-track", "2026-03-02")]
    assert now["pulse"] == {"student": [{"date": "2026-03-02", "heard": 4.0, "workload": 4.0}]}
    assert now["low_scores"] == []
    assert now["decisions"]["total"] == 0
    assert [h["logged"] for h in now["hours"]] == [0.0]
    # The pilot was done on 2026-03-18: on 2026-03-10 it was still ahead.
    assert [m["id"] for m in now["next_milestones"]] == ["pilot"]


def test_the_programme_row_gives_the_same_figures_as_status(team: Path, runner: CliRunner) -> None:
    now = _json(runner, "status", str(team), "--date", DAY)
    [row] = _json(runner, "programme", "programme", "--date", DAY)["partnerships"]
    meetings = row["meetings"]
    assert meetings["last"] == now["last_checkin"]["date"] == "2026-03-02"
    assert meetings["days_since_last"] == now["days_since_last_checkin"] == 8
    assert meetings["held"] == 1
    assert row["overdue_actions"] == len(now["overdue_actions"]) == 1
    assert row["goals"] == {"done": 0, "total": 1}
    assert row["hours"]["logged"] == 0.0


def test_the_review_as_of_a_past_day_counts_only_what_was_held_by_then(team: Path, runner: CliRunner) -> None:
    review = _json(runner, "report", str(team), "--date", DAY, "-o", "-")
    assert review["checkins"] == 1
    assert review["meetings"]["held"] == 1
    assert review["actions"]["total"] == 1
    assert review["actions"]["overdue"] == 1
    assert review["decisions"]["total"] == 0


@pytest.mark.parametrize("day", ["2026-03-01", "2026-03-02", "2026-03-10", "2026-03-29"])
def test_days_since_the_last_meeting_is_never_negative(team: Path, runner: CliRunner, day: str) -> None:
    now = _json(runner, "status", str(team), "--date", day)
    [row] = _json(runner, "programme", "programme", "--date", day)["partnerships"]
    days = now["days_since_last_checkin"]
    assert row["meetings"]["days_since_last"] == days
    if day < "2026-03-02":
        assert days is None and now["last_checkin"] is None and row["meetings"]["held"] == 0
    else:
        assert days is not None and days >= 0
        assert now["last_checkin"]["date"] <= day


def test_the_progress_page_as_of_a_past_day_lists_actions_open_then(team: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["render", str(team), "--date", DAY])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    page = (team / "docs" / "progress.md").read_text(encoding="utf-8")
    actions = page.split("## Open actions", 1)[1].split("## Timeline", 1)[0]
    assert "Book a room" in actions  # done on 2026-03-20, so open on 2026-03-10
    assert "Send the rubric round" not in actions  # set at a meeting after 2026-03-10
    assert "Middle" not in page and "2026-03-16" not in page


@pytest.mark.parametrize(
    ("day", "overdue"), [("2026-01-12", False), ("2026-01-26", False), ("2026-01-27", True)]
)
def test_before_the_first_meeting_one_is_overdue_only_a_rhythm_after_the_start(
    make_partnership: Callable[..., Path], runner: CliRunner, day: str, overdue: bool
) -> None:
    folder = make_partnership()  # starts 2026-01-12, meets fortnightly, no meeting yet
    result = runner.invoke(cli.app, ["status", str(folder), "--format", "json", "--date", day])
    assert_handled(result)
    assert json.loads(result.output)["checkin_overdue"] is overdue
    table = runner.invoke(cli.app, ["programme", str(folder.parent), "--format", "json", "--date", day])
    assert json.loads(table.output)["partnerships"][0]["meetings"]["overdue"] is overdue
