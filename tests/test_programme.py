"""Issue 20: `sap programme`, one row per partnership below some folders, and roll-ups over them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, MINIMAL, assert_handled
from sap_cli.cli.app import app
from sap_cli.meetings.status import status
from sap_cli.partnership.load import load_valid
from sap_cli.programme import rows as rows_module
from sap_cli.programme.rollup import rollup
from sap_cli.programme.rows import programme_rows
from sap_cli.review.figures import build_review, highest_level

AS_OF = "2026-03-04"

FINISHED_ROLES = """\
partners:
  - id: amira-haddad
    name: Amira H. Haddad
    kind: student
    email: amira@uni.example
    responsibilities:
      - Run the focus group
  - id: lee-chen
    name: Dr Lee Chen
    kind: faculty
"""

WITHDRAWN_ROLES = """\
partners:
  - id: amira-haddad
    name: Amira Haddad
    kind: student
    email: Amira@Uni.example
    responsibilities:
      - Run the focus group
  - id: kiri-walker
    name: KIRI WALKER
    kind: student
    responsibilities:
      - Test the materials
    left: 2026-02-01
  - id: lee-chen
    name: Dr Lee Chen
    kind: faculty
"""


def _minimal(folder: Path, **replacements: str) -> Path:
    folder.mkdir(parents=True)
    for name, text in MINIMAL.items():
        (folder / name).write_text(replacements.get(name.removesuffix(".yaml"), text), encoding="utf-8")
    return folder


@pytest.fixture
def programme(tmp_path: Path) -> Path:
    """Six partnerships at depths one to three: examples, a broken one, a finished one, one with a leaver."""
    root = tmp_path / "programme"
    shutil.copytree(EXAMPLES / "course-redesign", root / "geography" / "course-redesign")
    shutil.copytree(EXAMPLES / "micro-credential", root / "2026" / "round-a" / "micro-credential")
    shutil.copytree(EXAMPLES / "student-recruitment-panel", root / "student-recruitment-panel")
    broken = root / "2026" / "broken"
    shutil.copytree(EXAMPLES / "micro-credential", broken)
    with (broken / "project.yaml").open("a", encoding="utf-8") as f:
        f.write("title: [not closed\n")
    finished = MINIMAL["project.yaml"].replace("2026-01-12", "2025-09-01").replace("2026-05-29", "2026-02-20")
    _minimal(
        root / "2025" / "finished",
        project=finished,
        roles=FINISHED_ROLES,
        timeline=MINIMAL["timeline.yaml"].replace("2026-03-20", "2026-01-20"),
    )
    _minimal(root / "2026" / "withdrawn", roles=WITHDRAWN_ROLES)
    return root


PATHS = [
    "2025/finished",
    "2026/broken",
    "2026/round-a/micro-credential",
    "2026/withdrawn",
    "geography/course-redesign",
    "student-recruitment-panel",
]


def _json(runner: CliRunner, *args: str) -> tuple[int, Any]:
    result = runner.invoke(app, list(args))
    assert_handled(result)
    return result.exit_code, json.loads(result.stdout)


def test_a_row_for_every_partnership_at_any_depth_in_path_order(programme: Path) -> None:
    rows = programme_rows([programme], dt.date.fromisoformat(AS_OF))
    assert [row.data["path"] for row in rows] == PATHS
    assert [row.valid for row in rows] == [path != "2026/broken" for path in PATHS]


def test_the_broken_partnership_is_a_row_with_the_count_sap_validate_gives(
    programme: Path, runner: CliRunner
) -> None:
    code, data = _json(runner, "programme", str(programme), "--date", AS_OF, "--format", "json")
    assert code == 1  # like validate --all: some partnership does not validate
    broken = next(row for row in data["partnerships"] if row["path"] == "2026/broken")
    _, problems = _json(runner, "validate", str(programme / "2026" / "broken"), "--format", "json")
    errors = [p for p in problems if p["severity"] == "error"]
    assert broken["valid"] is False
    assert broken["errors"] == len(errors) >= 1
    assert "does not validate" in broken["problem"]
    assert broken["title"] is None and broken["phase"] is None  # unknown, never made up
    listed = [p for p in data["problems"] if p["path"] == "2026/broken"]
    assert [(p["file"], p["line"], p["code"]) for p in listed] == [
        (p["file"], p["line"], p["code"]) for p in errors
    ]
    assert data["rollup"]["partnerships"] == {"total": 6, "valid": 5, "not_valid": 1}


def test_an_unreadable_folder_is_a_row_not_a_crash(programme: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = rows_module.check_folder

    def refuse(folder: Path) -> Any:
        if folder.name == "withdrawn":
            raise PermissionError(13, "Permission denied")
        return real(folder)

    monkeypatch.setattr(rows_module, "check_folder", refuse)
    rows = programme_rows([programme], dt.date.fromisoformat(AS_OF))
    row = next(row for row in rows if row.data["path"] == "2026/withdrawn")
    assert not row.valid
    assert "could not be read" in row.data["problem"]
    assert row.problems[0]["code"] == "unreadable"


def test_json_has_the_documented_keys(programme: Path, runner: CliRunner) -> None:
    _, data = _json(runner, "programme", str(programme), "--date", AS_OF, "--format", "json")
    assert list(data) == ["as_of", "programme", "partnerships", "rollup", "problems"]
    assert data["programme"] is None  # no programme.yaml above
    assert data["as_of"] == AS_OF
    keys = [
        "path", "valid", "errors", "warnings", "problem", "title", "areas", "round", "stream", "phase",
        "start", "end", "finished", "partners", "meetings", "overdue_actions", "goals", "agreement",
        "power_transfer", "stages", "ladder", "ethics", "hours", "recognition", "health", "custom",
    ]  # fmt: skip
    assert all(list(row) == keys for row in data["partnerships"])  # broken rows have the same keys
    assert list(data["rollup"]) == [
        "partnerships", "by_area", "by_round", "by_stream", "by_phase", "by_custom", "levels", "ladder",
        "power_transfer", "meetings", "health", "student_hours", "partners", "people",
    ]  # fmt: skip
    assert all(row["custom"] == {} for row in data["partnerships"])
    assert all(
        row["recognition"] is None or row["recognition"]["delivered"] is None for row in data["partnerships"]
    )


@pytest.mark.parametrize("path", [p for p in PATHS if p != "2026/broken"])
def test_each_rows_figures_are_what_status_and_report_say(
    programme: Path, runner: CliRunner, path: str
) -> None:
    _, data = _json(runner, "programme", str(programme), "--date", AS_OF, "--format", "json")
    row = next(row for row in data["partnerships"] if row["path"] == path)
    folder = str(programme / path)
    _, now = _json(runner, "status", folder, "--date", AS_OF, "--format", "json")
    _, review = _json(runner, "report", folder, "--date", AS_OF, "--format", "json", "-o", "-")
    assert row["title"] == now["title"] == review["title"]
    assert row["phase"] == now["phase"]
    assert (row["start"], row["end"], row["finished"]) == (review["start"], review["end"], review["finished"])
    assert row["meetings"]["days_since_last"] == now["days_since_last_checkin"]
    assert row["meetings"]["last"] == (now["last_checkin"] or {}).get("date")
    assert row["meetings"]["overdue"] == (now["checkin_overdue"] if now["cadence"] else None)
    assert row["meetings"]["held"] == review["meetings"]["held"]
    assert row["overdue_actions"] == len(now["overdue_actions"])
    assert row["goals"] == {
        "done": sum(g["status"] == "done" for g in now["goals"]),
        "total": len(now["goals"]),
    }
    signing = now["agreement"]["partners"]
    assert row["agreement"]["must_sign"] == [
        p["name"] for p in signing if p["state"] in ("not-signed", "sign-again")
    ]
    assert row["agreement"]["version"] == now["agreement"]["version"]
    assert row["power_transfer"] == review["power"]["power_transfer"]["verdict"]
    assert row["stages"] == [
        {
            "id": s["id"],
            "name": s["name"],
            "planned": highest_level(s["planned"]),
            "enacted": highest_level(s["enacted"]),
        }
        for s in review["power"]["stages"]
    ]
    assert row["ethics"] == review["dissemination"]["ethics"]
    students = review["recognition"]["students_hours"]
    assert row["hours"]["logged"] == round(sum(h["logged"] for h in students), 1)
    assert [h["logged"] for h in students] == [h["logged"] for h in now["hours"]]


def test_the_domain_row_uses_the_same_functions(programme: Path) -> None:
    day = dt.date(2026, 4, 15)  # late enough for the example's actions to be overdue
    folder = programme / "geography" / "course-redesign"
    (row,) = [r for r in programme_rows([programme], day) if r.data["path"] == "geography/course-redesign"]
    p = load_valid(folder)
    now, review = status(p, day), build_review(p, day)
    assert row.data["overdue_actions"] == len(now.overdue_actions) > 0
    assert row.data["health"]["flag"] == "attention"
    assert f"{len(now.overdue_actions)} overdue actions" in row.data["health"]["reasons"]
    assert row.data["hours"]["agreed"] == sum(h["agreed"] for h in review["recognition"]["students_hours"])


def test_finished_and_withdrawn_partners_and_people_across_folders(programme: Path) -> None:
    rows = programme_rows([programme], dt.date.fromisoformat(AS_OF))
    by_path = {row.data["path"]: row.data for row in rows}
    assert by_path["2025/finished"]["finished"] is True
    assert by_path["2025/finished"]["phase"] == "wrapping up"
    assert by_path["2026/withdrawn"]["partners"]["student"] == {"current": 1, "left": 1}
    assert by_path["2026/withdrawn"]["partners"]["staff"] == {"current": 1, "left": 0}
    figures = rollup(rows)
    assert figures["partners"]["student"]["withdrew"] == 1
    assert figures["partners"]["student"]["completed"] == 1  # Amira in the finished one
    assert figures["partners"]["staff"]["completed"] == 1  # Dr Lee Chen in the finished one
    everyone = sum(
        len(load_valid(programme / path).roles.partners) for path in by_path if by_path[path]["valid"]
    )
    # Amira by e-mail (however written), Dr Lee Chen and Kiri Walker by name (whatever the case):
    assert figures["people"]["returning"] == 3
    assert figures["people"]["unique"] == everyone - 3
    assert figures["people"]["by_kind"]["student"]["returning"] == 2


def test_roll_ups_count_by_area_phase_and_levels(programme: Path) -> None:
    rows = programme_rows([programme], dt.date.fromisoformat(AS_OF))
    figures = rollup(rows)
    valid = [row.data for row in rows if row.valid]
    assert sum(figures["by_phase"].values()) == len(valid) == 5
    assert figures["by_area"]["not given"] == 2  # the two partnerships written without areas
    assert sum(figures["power_transfer"].values()) == 5
    planned = figures["levels"]["planned"]
    assert planned["stages"] == sum(len(row["stages"]) for row in valid)
    assert round(sum(planned["share"].values()), 1) == 1.0
    assert figures["levels"]["enacted"]["recorded"] < planned["stages"]  # not every stage is done yet
    assert sum(figures["meetings"].values()) == 5
    assert figures["by_custom"] == {}


def test_text_shows_every_partnership_and_the_roll_ups_without_a_traceback(
    programme: Path, runner: CliRunner
) -> None:
    result = runner.invoke(app, ["programme", str(programme), "--date", AS_OF], env={"COLUMNS": "80"})
    assert_handled(result)
    assert result.exit_code == 1
    table = result.stdout.split("Met: days since")[0].splitlines()  # the prose after it wraps as it likes
    assert max(len(line) for line in table) <= 80
    first_column = "".join(line[:19].strip() for line in table)
    for path in PATHS:  # folded within its column at 80 columns, never cut short
        assert path in first_column, result.stdout
    wide = runner.invoke(app, ["programme", str(programme), "--date", AS_OF], env={"COLUMNS": "160"})
    assert all(path in wide.stdout for path in PATHS)
    assert "does not validate" in result.stdout
    assert "6 partnerships: 5 valid, 1 not valid" in result.stdout
    assert "People:" in result.stdout and "Traceback" not in result.stdout


def test_all_valid_exits_zero(programme: Path, runner: CliRunner) -> None:
    shutil.rmtree(programme / "2026" / "broken")
    result = runner.invoke(app, ["programme", str(programme), "--date", AS_OF])
    assert_handled(result)
    assert result.exit_code == 0


def test_no_partnership_below_is_a_plain_error(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["programme", str(tmp_path)])
    assert_handled(result)
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_the_ladder_rung_of_each_row_is_the_reviews_and_the_rollup_counts_them(
    programme: Path, runner: CliRunner
) -> None:
    _, data = _json(runner, "programme", str(programme), "--date", AS_OF, "--format", "json")
    planned: dict[str, int] = {}
    for row in data["partnerships"]:
        if not row["valid"]:
            assert row["ladder"] is None
            continue
        _, review = _json(runner, "report", str(programme / row["path"]), "--format", "json", "--date", AS_OF)
        ladder = review["power"]["ladder"]
        assert row["ladder"] == {"planned": ladder["planned"], "enacted": ladder["enacted"]}
        key = "not given" if ladder["planned"] is None else str(ladder["planned"])
        planned[key] = planned.get(key, 0) + 1
    assert data["rollup"]["ladder"]["planned"] == dict(sorted(planned.items()))
    assert any(key != "not given" for key in planned)  # the examples aim for a rung
