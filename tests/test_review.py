"""`sap report`: the end-of-project review, its figures checked by hand, anonymised without leaks."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from conftest import EXAMPLES
from sap_cli import cli
from sap_cli.review.figures import build_review
from sap_cli.review.page import render_review
from sap_cli.validation.check import check_folder
from test_render import GANTT_TASK, _cells

EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())
GANTT_HEADINGS = ("    title ", "    dateFormat ", "    axisFormat ", "    tickInterval ", "    section ")


def review_of(folder: Path) -> dict:  # type: ignore[type-arg]
    partnership = check_folder(folder).partnership
    assert partnership is not None
    return build_review(partnership)


def test_course_redesign_figures_match_its_meetings_counted_by_hand() -> None:
    """Two meetings (17 Feb, 3 Mar 2026); the record's latest date is 6 Mar 2026."""
    r = review_of(EXAMPLES / "course-redesign")
    assert r["as_of"] == "2026-03-06" and r["finished"] is False
    meetings = r["meetings"]
    # 12 Jan to 6 Mar is 53 days: fortnightly meetings on days 0, 14, 28 and 42 make 4.
    assert (meetings["held"], meetings["expected"]) == (2, 4)
    # Gaps: 12 Jan -> 17 Feb is 36 days, 17 Feb -> 3 Mar is 14 days.
    assert (meetings["mean_gap_days"], meetings["longest_gap_days"]) == (25.0, 36)
    attended = {a["id"]: a["attended"] for a in meetings["attendance"]}
    assert attended == {
        "sofia-martins": 2,
        "jamal-osei": 2,
        "kiri-walker": 1,
        "helen-brooks": 2,
        "owen-price": 2,
    }
    assert meetings["attendance_by_kind"]["student"] == 0.83  # (1 + 1 + 0.5) / 3
    # Three actions from 17 Feb, all closed on 3 Mar: due 27 Feb and 24 Feb (late), 3 Mar (on time);
    # two from 3 Mar still open on 6 Mar.
    assert r["actions"] == {
        "total": 5, "done on time": 1, "done late": 2, "open": 2, "overdue": 0, "dropped": 0,
    }  # fmt: skip
    # 17 Feb: by joint; 3 Mar: by the two students, and one with no deciders written (not recorded).
    assert r["decisions"] == {"total": 3, "students": 1, "staff": 0, "jointly": 1, "not recorded": 1}
    logged = {h["id"]: h["logged"] for h in r["hours"]}
    assert logged == {
        "sofia-martins": 6,
        "jamal-osei": 5,
        "kiri-walker": 3,
        "helen-brooks": 0,
        "owen-price": 0,
    }
    # Each student against their own 72 hours (total_hours is per student), never the team's 14.
    each = {h["id"]: (h["logged"], h["agreed"]) for h in r["recognition"]["students_hours"]}
    assert each == {"sofia-martins": (6, 72), "jamal-osei": (5, 72), "kiri-walker": (3, 72)}
    first_pulse = [row for row in r["pulse"] if row["date"] == "2026-02-17" and row["kind"] == "student"]
    assert first_pulse == [{"kind": "student", "date": "2026-02-17", "heard": 3.7, "workload": 4.0}]
    verdicts = {g["id"]: (g["verdict"], g["final_status"]) for g in r["goals"]}
    assert verdicts["shared-picture"] == ("achieved", "done")
    assert verdicts["clearer-assessment"] == ("in progress", "at-risk")  # the project still runs
    history = next(g["history"] for g in r["goals"] if g["id"] == "shared-picture")
    assert [(h["date"], h["status"]) for h in history] == [("2026-02-17", "on-track"), ("2026-03-03", "done")]
    counts = r["milestones"]["counts"]
    assert counts["soft"] == {"on time": 3, "late": 0, "overdue": 0, "open": 3}
    assert counts["hard"] == {"on time": 0, "late": 0, "overdue": 0, "open": 2}
    assert r["power"]["power_transfer"]["verdict"] == "passes"
    assert any("at-risk" in item for item in r["challenges"])


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_committed_review_of_every_example_is_current(example: str) -> None:
    partnership = check_folder(EXAMPLES / example).partnership
    assert partnership is not None
    committed = (EXAMPLES / example / "docs/review.md").read_text(encoding="utf-8")
    assert render_review(partnership) == committed, "run: sap report examples/" + example


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_review_tables_and_gantt_are_well_formed(example: str) -> None:
    partnership = check_folder(EXAMPLES / example).partnership
    assert partnership is not None
    text = render_review(partnership)
    lines = text.splitlines()
    tables = 0
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type == "table_open" and token.map:
            tables += 1
            start, end = token.map
            for number in range(start + 2, end):
                assert _cells(lines[number]) == _cells(lines[start]), lines[number]
    assert tables >= 3, "the checks above looked at too few tables"
    [block] = re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)
    tasks = [line for line in block.splitlines()[1:] if not line.startswith(GANTT_HEADINGS)]
    assert tasks
    for line in tasks:
        assert GANTT_TASK.match(line), line


def test_anonymized_review_leaks_no_name_or_id(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "course-redesign"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    partnership = check_folder(folder).partnership
    assert partnership is not None
    # Names inside free text: a decision, a note, a goal's success measure, a stage note.
    result = runner.invoke(
        cli.app,
        ["checkin", str(folder), "--no-input", "--date", "2026-03-05", "--title", "Kiri and Owen",
         "--note", "Sofia Martins chaired; Jamal took notes for Dr Helen Brooks",
         "--decision", "Owen Price and Kiri Walker test the activities", "--attendee", "kiri-walker"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    secrets = set()
    for partner in partnership.roles.partners:
        secrets |= {partner.id, partner.name, *(w for w in partner.name.split() if w != "Dr")}
    for fmt in ("markdown", "json"):
        out = runner.invoke(cli.app, ["report", str(folder), "--anonymize", "--format", fmt, "-o", "-"])
        assert out.exit_code == 0, out.output
        leaked = sorted(s for s in secrets if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", out.stdout))
        assert leaked == [], f"{fmt}: {leaked}"
    assert "Student A" in out.output and "Faculty D" in out.output


def test_report_of_a_new_partnership_is_partial_not_a_crash(
    runner: CliRunner, make_partnership: Callable[..., Path]
) -> None:
    folder = make_partnership()
    result = runner.invoke(cli.app, ["report", str(folder)])
    assert result.exit_code == 0, result.output
    text = (folder / "docs/review.md").read_text(encoding="utf-8")
    assert "still running, so this review is partial" in text
    assert "No meetings were logged" in text
    assert "## 7. Challenges and what went wrong" in text


def test_report_is_deterministic_and_json_has_the_same_figures(runner: CliRunner) -> None:
    folder = str(EXAMPLES / "micro-credential")
    first = runner.invoke(cli.app, ["report", folder, "-o", "-"]).output
    assert first == runner.invoke(cli.app, ["report", folder, "-o", "-"]).output
    data = json.loads(runner.invoke(cli.app, ["report", folder, "--format", "json"]).output)
    assert f"- **Meetings:** {data['meetings']['held']} held" in first
    assert {"goals", "milestones", "meetings", "actions", "decisions", "power", "challenges"} <= set(data)
