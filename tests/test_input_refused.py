"""Input that was accepted but should not be (issue 16, items 8-14): refused or warned, nothing written."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, assert_handled, freeze_today
from sap_cli import cli
from sap_cli.cli import interaction
from sap_cli.validation.check import check_folder

MEETING = ["--date", "2026-03-04", "--title", "Week 6", "--attendee", "amira-haddad"]


def _said(result: object) -> str:
    return " ".join(getattr(result, "output", "").split())


# -- 8. a due date that is not YYYY-MM-DD -------------------------------------------------------


@pytest.mark.parametrize("by", ["12/10/2026", "25 Nov", "Friday", "next week"])
def test_an_action_due_by_a_date_not_written_yyyy_mm_dd_is_refused(
    runner: CliRunner, demo: Path, by: str
) -> None:
    argv = ["checkin", "demo", "--no-input", *MEETING, "--action", f"lee-chen: Book room by {by}"]
    result = runner.invoke(cli.app, argv)
    assert_handled(result)
    assert result.exit_code == 2
    said = _said(result)
    assert f"'by {by}'" in said and "not a date sap can read" in said and "nothing was written" in said
    assert '"lee-chen: Book room by YYYY-MM-DD"' in said
    assert not (demo / "checkins").exists()


def test_the_wizard_asks_again_for_an_action_due_by_25_nov(
    runner: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(interaction, "can_prompt", lambda no_input: True)
    answers = ["2026-03-04", "Week 6", "amira-haddad", "", "", "",  # date to decisions
               "lee-chen: Book room by 25 Nov", "lee-chen: Book room by 2026-03-11",  # asked again
               "lee-chen: Ask the dean by email", "",  # "by" and words that are no date: kept as text
               "", "", "", "", "",  # the rest: skipped
               ""]  # Save this meeting? Enter: yes  # fmt: skip
    result = runner.invoke(cli.app, ["checkin", "demo"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "'by 25 Nov' in the action 'lee-chen: Book room by 25 Nov' is not a date" in _said(result)
    partnership = check_folder(demo).partnership
    assert partnership is not None
    assert [(a.text, a.due) for a in partnership.checkins[0].actions] == [
        ("Book room", dt.date(2026, 3, 11)),
        ("Ask the dean by email", None),
    ]


# -- 14. one YYYY-MM-DD shape for every date on the command line --------------------------------


WIDE_DIGITS = "\uff12\uff10\uff12\uff16-03-04"  # 2026 in full-width digits


@pytest.mark.parametrize("day", ["2026-W10-3", "20260304", WIDE_DIGITS])
@pytest.mark.parametrize("command", ["checkin", "sign", "status"])
def test_dates_python_311_reads_but_are_not_yyyy_mm_dd_are_refused(
    runner: CliRunner, demo: Path, day: str, command: str
) -> None:
    extra = {"checkin": ["--no-input", "--attendee", "amira-haddad"], "sign": ["--partner", "lee-chen"]}
    result = runner.invoke(cli.app, [command, "demo", "--date", day, *extra.get(command, [])])
    assert_handled(result)
    assert result.exit_code == 2
    assert "is not a date; write it as YYYY-MM-DD" in _said(result)
    assert not (demo / "checkins").exists() and not (demo / "signatures").exists()


# -- 9. a signature or a meeting after today ----------------------------------------------------


def test_signing_after_today_is_refused(
    runner: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze_today(monkeypatch, dt.date(2026, 2, 1))
    result = runner.invoke(cli.app, ["sign", "demo", "--partner", "lee-chen", "--date", "2026-02-02"])
    assert_handled(result)
    assert result.exit_code == 2
    said = _said(result)
    assert "--date 2026-02-02 is after today (2026-02-01)" in said and "nothing was written" in said
    assert not (demo / "signatures").exists()
    assert (
        runner.invoke(cli.app, ["sign", "demo", "--partner", "lee-chen", "--date", "2026-02-01"]).exit_code
        == 0
    )


def test_validate_warns_at_the_date_of_a_meeting_after_today(
    runner: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(cli.app, ["checkin", "demo", "--no-input", *MEETING]).exit_code == 0
    freeze_today(monkeypatch, dt.date(2026, 3, 1))
    result = runner.invoke(cli.app, ["validate", "demo"])
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if "meeting-in-the-future" in line]
    date_line = next(
        n for n, text in enumerate((demo / "checkins/2026-03-04-week-6.yaml").read_text().splitlines(), 1)
        if text.startswith("date:")
    )  # fmt: skip
    assert line.startswith(
        f"demo/checkins/2026-03-04-week-6.yaml:{date_line}:7: warning: this meeting is dated"
    )
    assert "after today (2026-03-01)" in line


# -- 10. nothing to record ----------------------------------------------------------------------


@pytest.mark.parametrize("flags", [[], ["--no-input"], ["--date", "2026-03-04"]])
def test_checkin_with_no_terminal_and_nothing_to_record_is_refused(
    runner: CliRunner, demo: Path, flags: list[str]
) -> None:
    result = runner.invoke(cli.app, ["checkin", "demo", *flags])  # CliRunner's input is no terminal
    assert_handled(result)
    assert result.exit_code == 2
    said = _said(result)
    assert "there is nothing to record" in said and "no meeting was written" in said
    assert "--attendee ID" in said and "--edit" in said
    assert not (demo / "checkins").exists()


# -- 11. a partnership inside a partnership -----------------------------------------------------


@pytest.mark.parametrize("where", ["demo/inner", "demo/docs/inner", "demo"])
def test_init_inside_a_partnership_is_refused_naming_it(runner: CliRunner, demo: Path, where: str) -> None:
    (demo / "docs").mkdir()
    before = sorted(p.relative_to(demo) for p in demo.rglob("*"))
    result = runner.invoke(cli.app, ["init", f"{where}/second", "--no-input", "--title", "Second"])
    assert_handled(result)
    assert result.exit_code == 1
    said = _said(result)
    assert f"is inside the partnership 'Co-designing BIOL 201' in {demo.resolve()}" in said
    assert "nothing was created" in said
    assert sorted(p.relative_to(demo) for p in demo.rglob("*")) == before


def test_init_with_no_folder_from_inside_a_partnership_is_refused_before_any_question(
    runner: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(demo)
    monkeypatch.setattr(interaction, "can_prompt", lambda no_input: True)
    result = runner.invoke(cli.app, ["init"], input="")
    assert_handled(result)
    assert result.exit_code == 1
    assert "inside the partnership 'Co-designing BIOL 201'" in _said(result)
    assert "Let's set up" not in result.output


# -- 12. checks skipped because a file cannot be read -------------------------------------------


def test_a_syntax_error_in_roles_says_partner_ids_elsewhere_were_not_checked(
    runner: CliRunner, make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_partnership(
        roles=MINIMAL["roles.yaml"].replace("    kind: faculty", "\tkind: faculty"),
        goals=MINIMAL["goals.yaml"].replace("      - lee-chen", "      - lee-chenn"),  # hidden typo
    )
    monkeypatch.chdir(folder.parent)
    text = runner.invoke(cli.app, ["validate", "demo"])
    assert text.exit_code == 1
    lines = text.output.splitlines()
    note = "partner ids in project.yaml, goals.yaml and timeline.yaml were not checked, because roles.yaml"
    [at] = [n for n, line in enumerate(lines) if note in line]
    assert lines[at].startswith("demo/roles.yaml:1:1: note: ")
    assert at > max(n for n, line in enumerate(lines) if ": error: " in line)  # after the errors
    assert lines[-1] == "demo: 1 error, 0 warnings."
    data = json.loads(runner.invoke(cli.app, ["validate", "demo", "--format", "json"]).output)
    assert [(p["severity"], p["code"]) for p in data] == [
        ("error", "yaml-syntax"),
        ("note", "checks-skipped"),
    ]
    assert note in data[1]["message"]
    github = runner.invoke(cli.app, ["validate", "demo", "--format", "github"]).output
    assert "::notice file=demo/roles.yaml,line=1,col=1,title=checks-skipped::partner ids" in github


# -- 13. text outside a reflection's answer spaces ----------------------------------------------


def _stray(path: Path) -> int:
    """Write an answer above its marker line, as a partner might; the line number it is on."""
    text = path.read_text(encoding="utf-8")
    at = text.index("<!-- answer ")
    path.write_text(text[:at] + "I would say yes because of the pay.\n\n" + text[at:], encoding="utf-8")
    return text[:at].count("\n") + 1


def test_validate_warns_of_text_outside_the_answer_spaces(runner: CliRunner, demo: Path) -> None:
    assert (
        runner.invoke(cli.app, ["reflect", "demo", "--phase", "start", "--partner", "amira-haddad"]).exit_code
        == 0
    )
    line = _stray(demo / "reflections/start-amira-haddad.md")
    [problem] = [p for p in check_folder(demo).problems if p.code == "reflection-text-outside-answers"]
    assert (problem.file, problem.line, problem.severity) == (
        "reflections/start-amira-haddad.md",
        line,
        "warning",
    )
    assert "is outside the marker lines of an answer, so the review leaves it out" in problem.message


def test_reflect_says_so_when_the_editor_returns(
    runner: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines: list[int] = []
    monkeypatch.setattr(interaction, "can_prompt", lambda no_input: True)
    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.setattr(interaction, "run_editor", lambda editor, path: lines.append(_stray(path)) or True)
    result = runner.invoke(cli.app, ["reflect", "demo", "--phase", "start", "--partner", "amira-haddad"])
    assert result.exit_code == 0, result.output
    said = _said(result)
    assert f"demo/reflections/start-amira-haddad.md:{lines[0]}:1: warning:" in said
    assert "Your answers are saved" not in said
    assert "the review will leave out what is named above" in said


# -- 14. smaller ones ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pulse", "said"), [("6/3", "heard score 6 is above 5"), ("4/0", "workload score 0 is below 1")]
)
def test_a_pulse_score_out_of_range_says_so(runner: CliRunner, demo: Path, pulse: str, said: str) -> None:
    result = runner.invoke(
        cli.app, ["checkin", "demo", "--no-input", *MEETING, "--pulse", f"amira-haddad={pulse}"]
    )
    assert result.exit_code == 2
    assert said in _said(result) and "should look like ID=VALUE" not in _said(result)
    assert not (demo / "checkins").exists()


NO_AMIRA = MINIMAL["roles.yaml"].replace("amira-haddad", "sam-okafor").replace("Amira Haddad", "Sam Okafor")


@pytest.mark.parametrize(
    ("argv", "real"),
    [
        (["sign", "demo"], "roles.yaml: sam-okafor, lee-chen; e.g. --partner sam-okafor"),
        (["reflect", "demo", "--phase", "start"], "--partner sam-okafor (the ids in roles.yaml: sam-okafor,"),
        (["checkin", "demo", "--no-input", *MEETING[:2], "--action", "no owner"], '"sam-okafor: Pilot'),
        (["checkin", "demo", "--no-input", *MEETING[:2], "--hours", "lee-chen=-1"], "--hours sam-okafor=3"),
    ],
)  # fmt: skip
def test_hints_use_a_real_partner_id(
    runner: CliRunner, make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
    argv: list[str], real: str,
) -> None:  # fmt: skip
    folder = make_partnership(
        roles=NO_AMIRA, goals=MINIMAL["goals.yaml"].replace("amira-haddad", "sam-okafor")
    )
    monkeypatch.chdir(folder.parent)
    result = runner.invoke(cli.app, argv)
    assert_handled(result)
    assert result.exit_code == 2
    assert real in _said(result) and "amira-haddad" not in result.output


def test_done_on_an_action_already_done_says_so(runner: CliRunner, demo: Path) -> None:
    argv = ["checkin", "demo", "--no-input", *MEETING, "--action", "lee-chen: Book room B by 2026-03-11"]
    assert runner.invoke(cli.app, argv).exit_code == 0
    close = ["checkin", "demo", "--date", "2026-03-10", "--done", "2026-03-04-week-6-a1"]
    assert "closed action 2026-03-04-week-6-a1" in runner.invoke(cli.app, close).output
    path = demo / "checkins/2026-03-04-week-6.yaml"
    before = path.read_bytes()
    again = runner.invoke(cli.app, [*close[:3], "2026-03-12", *close[4:]])
    assert again.exit_code == 0
    said = _said(again)
    assert "closed action" not in said
    assert "action 2026-03-04-week-6-a1 was already done (closed on 2026-03-10); it was left as it is" in said
    assert path.read_bytes() == before


def test_the_meeting_file_says_the_meeting_date_and_the_day_it_was_written(
    runner: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze_today(monkeypatch, dt.date(2026, 3, 10))
    assert runner.invoke(cli.app, ["checkin", "demo", "--no-input", *MEETING]).exit_code == 0
    head = (demo / "checkins/2026-03-04-week-6.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert head == "# The meeting of 2026-03-04, recorded by `sap checkin` on 2026-03-10. Edit it freely;"


@pytest.mark.parametrize("students", [1, 3, 5])
def test_the_sotl_template_counts_the_student_partners_named(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, students: int
) -> None:
    monkeypatch.chdir(tmp_path)
    named = [arg for n in range(students) for arg in ("--student", f"Student {n}")]
    argv = ["init", "sotl", "--no-input", "--title", "T", "--template", "sotl", *named]
    assert runner.invoke(cli.app, argv).exit_code == 0
    matrix = (tmp_path / "sotl/matrix.yaml").read_text(encoding="utf-8")
    assert matrix.count(f"Student co-investigators (n={students})") == 5
    assert "(n=2)" not in matrix and "{students}" not in matrix


def test_a_template_with_no_student_named_gives_no_count(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        runner.invoke(cli.app, ["init", "sotl", "--no-input", "--title", "T", "--template", "sotl"]).exit_code
        == 0
    )
    matrix = (tmp_path / "sotl/matrix.yaml").read_text(encoding="utf-8")
    assert "who: Student co-investigators\n" in matrix and "{students}" not in matrix
