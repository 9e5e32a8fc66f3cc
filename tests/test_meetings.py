"""Meetings as records: `sap checkin`, the action ledger, `sap status`, and check-ins in validate."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_handled, run_git
from sap_cli import cli
from sap_cli.cli import interaction
from sap_cli.errors import UsageProblem
from sap_cli.meetings.checkin import CheckinRequest, record_checkin
from sap_cli.meetings.ledger import ledger, parse_action, phase
from sap_cli.partnership.load import load_valid
from sap_cli.validation.check import check_folder

ISSUE_EXAMPLE = [
    "--no-input", "--date", "2026-03-04", "--title", "Week 6", "--attendee", "amira-haddad",
    "--decision", "Students pick two readings for week 8",
    "--action", "amira-haddad: Pilot the revised rubric by 2026-03-11",
]  # fmt: skip


def test_issue_example_writes_the_meeting_and_status_lists_the_action(runner: CliRunner, demo: Path) -> None:
    result = runner.invoke(cli.app, ["checkin", "demo", *ISSUE_EXAMPLE])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "wrote demo/checkins/2026-03-04-week-6.yaml"
    status = runner.invoke(cli.app, ["status", "demo", "--format", "json", "--date", "2026-03-05"])
    data = json.loads(status.output)
    assert data["last_checkin"] == {"id": "2026-03-04-week-6", "date": "2026-03-04", "title": "Week 6"}
    assert data["days_since_last_checkin"] == 1
    [open_action] = data["open_actions"]
    assert open_action["id"] == "2026-03-04-week-6-a1"
    assert (open_action["owner"], open_action["text"], open_action["due"]) == (
        "amira-haddad",
        "Pilot the revised rubric",
        "2026-03-11",
    )
    assert {"overdue_actions", "goals", "next_milestones"} <= set(data)


def test_same_title_and_date_twice_leaves_two_valid_files(runner: CliRunner, demo: Path) -> None:
    for _ in range(2):
        assert runner.invoke(cli.app, ["checkin", "demo", *ISSUE_EXAMPLE]).exit_code == 0
    names = sorted(p.name for p in (demo / "checkins").iterdir())
    assert names == ["2026-03-04-week-6-2.yaml", "2026-03-04-week-6.yaml"]
    report = check_folder(demo)
    assert report.errors == []
    assert report.partnership is not None
    assert len(report.partnership.checkins) == 2


def test_done_closes_the_action_and_keeps_comments(runner: CliRunner, demo: Path) -> None:
    runner.invoke(cli.app, ["checkin", "demo", *ISSUE_EXAMPLE])
    path = demo / "checkins/2026-03-04-week-6.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Week 6", "title: Week 6  # in room B"))
    result = runner.invoke(
        cli.app, ["checkin", "demo", "--date", "2026-03-10", "--done", "2026-03-04-week-6-a1"]
    )
    assert result.exit_code == 0, result.output
    assert "closed action 2026-03-04-week-6-a1" in result.output
    assert len(list((demo / "checkins").iterdir())) == 1  # closing alone logs no meeting
    text = path.read_text(encoding="utf-8")
    assert "title: Week 6  # in room B" in text
    assert "    done: 2026-03-10\n" in text
    listed = runner.invoke(cli.app, ["actions", "demo", "--done", "--format", "json"])
    assert [(a["id"], a["state"], a["done"]) for a in json.loads(listed.output)] == [
        ("2026-03-04-week-6-a1", "done", "2026-03-10")
    ]
    assert "No open actions." in runner.invoke(cli.app, ["actions", "demo"]).output


def test_unknown_action_id_suggests_the_nearest_and_writes_nothing(runner: CliRunner, demo: Path) -> None:
    runner.invoke(cli.app, ["checkin", "demo", *ISSUE_EXAMPLE])
    before = {p: p.read_bytes() for p in (demo / "checkins").iterdir()}
    result = runner.invoke(
        cli.app,
        ["checkin", "demo", "--date", "2026-03-10", "--title", "Week 7", "--done", "2026-03-04-week-6-a2"],
    )
    assert result.exit_code == 1
    assert "Did you mean '2026-03-04-week-6-a1'?" in result.output
    assert {p: p.read_bytes() for p in (demo / "checkins").iterdir()} == before


def test_unknown_attendee_is_refused_before_writing(runner: CliRunner, demo: Path) -> None:
    result = runner.invoke(
        cli.app, ["checkin", "demo", "--no-input", "--date", "2026-03-04", "--attendee", "amria"]
    )
    assert result.exit_code == 1
    assert "There is no partner called 'amria'. Did you mean Amira Haddad (amira-haddad)?" in result.output
    assert not (demo / "checkins").exists()


def test_malformed_action_is_a_usage_error(runner: CliRunner, demo: Path) -> None:
    result = runner.invoke(
        cli.app, ["checkin", "demo", "--no-input", "--date", "2026-03-04", "--action", "pilot the rubric"]
    )
    assert result.exit_code == 2
    assert 'Write it as "OWNER: TEXT"' in result.output


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("amira-haddad: Pilot it", ("amira-haddad", "Pilot it", None)),
        ("lee-chen:Book room B by 2026-03-11", ("lee-chen", "Book room B", dt.date(2026, 3, 11))),
        ("lee-chen: Read: chapter 2 by 2026-03-11", ("lee-chen", "Read: chapter 2", dt.date(2026, 3, 11))),
    ],
)
def test_parse_action(raw: str, expected: tuple[str, str, dt.date | None]) -> None:
    parsed = parse_action(raw)
    assert (parsed["owner"], parsed["text"], parsed["due"]) == expected


def test_parse_action_refuses_an_impossible_date() -> None:
    with pytest.raises(UsageProblem):
        parse_action("lee-chen: Book it by 2026-02-30")


def test_validate_checks_the_meeting_records(demo: Path) -> None:
    (demo / "checkins").mkdir()
    (demo / "checkins/2026-03-04-week-6.yaml").write_text(
        "id: 2026-03-04-week-six\n"
        "date: 2026-07-01\n"
        "title: Week 6\n"
        "attendees: [amira-hadad]\n"
        "goals:\n"
        "  new-rubrik: on-track\n"
        "actions:\n"
        "  - id: a1\n"
        "    owner: lee\n"
        "    text: Book the room\n",
        encoding="utf-8",
    )
    report = check_folder(demo)
    found = [(p.line, p.column, p.code) for p in report.problems]
    assert found == [
        (1, 5, "id-not-file-name"),
        (2, 7, "outside-project"),
        (4, 13, "unknown-partner"),
        (6, 3, "unknown-goal"),
        (9, 12, "unknown-partner"),
    ]
    assert "did you mean 'amira-haddad'?" in report.problems[2].message


def test_action_ids_are_unique_across_meetings(demo: Path) -> None:
    (demo / "checkins").mkdir()
    for name in ("2026-03-04-a", "2026-03-05-b"):
        (demo / f"checkins/{name}.yaml").write_text(
            f"id: {name}\ndate: {name[:10]}\ntitle: M\n"
            "actions:\n  - id: same\n    owner: lee-chen\n    text: X\n",
            encoding="utf-8",
        )
    assert [p.code for p in check_folder(demo).problems] == ["duplicate-id"]


def test_overdue_and_due_soon_actions_are_marked(runner: CliRunner, demo: Path) -> None:
    runner.invoke(
        cli.app,
        ["checkin", "demo", "--no-input", "--date", "2026-03-04", "--title", "W",
         "--action", "lee-chen: Late one by 2026-03-05", "--action", "amira-haddad: Soon one by 2026-03-12",
         "--action", "amira-haddad: Later one by 2026-04-30", "--action", "lee-chen: Undated one"],
    )  # fmt: skip
    listed = json.loads(
        runner.invoke(cli.app, ["actions", "demo", "--format", "json", "--date", "2026-03-08"]).output
    )
    assert [(a["text"], a["state"]) for a in listed] == [
        ("Late one", "overdue"),
        ("Soon one", "due-soon"),
        ("Later one", "open"),
        ("Undated one", "open"),
    ]
    text = runner.invoke(cli.app, ["status", "demo", "--date", "2026-03-08"]).output
    assert "overdue Dr Lee Chen: Late one (due 2026-03-05)" in text


def test_status_warns_when_meetings_drift_from_the_cadence(runner: CliRunner, demo: Path) -> None:
    runner.invoke(cli.app, ["checkin", "demo", *ISSUE_EXAMPLE])
    on_time = json.loads(
        runner.invoke(cli.app, ["status", "demo", "--format", "json", "--date", "2026-03-18"]).output
    )
    late = json.loads(
        runner.invoke(cli.app, ["status", "demo", "--format", "json", "--date", "2026-03-19"]).output
    )
    assert (on_time["checkin_overdue"], late["checkin_overdue"]) == (False, True)
    text = runner.invoke(cli.app, ["status", "demo", "--date", "2026-03-19"]).output
    assert "15 days ago; you agreed to meet fortnightly (more than the agreed gap: time to meet)" in text


def test_status_reports_goal_status_and_pulse_from_meetings(runner: CliRunner, demo: Path) -> None:
    runner.invoke(
        cli.app,
        ["checkin", "demo", "--no-input", "--date", "2026-03-04", "--attendee", "amira-haddad",
         "--goal", "new-rubric=at-risk", "--pulse", "amira-haddad=2/4", "--pulse", "lee-chen=5/3"],
    )  # fmt: skip
    data = json.loads(
        runner.invoke(cli.app, ["status", "demo", "--format", "json", "--date", "2026-03-05"]).output
    )
    assert data["goals"] == [
        {
            "id": "new-rubric",
            "title": "A lab rubric students understand",
            "status": "at-risk",
            "since": "2026-03-04",
            "label": "at-risk since 2026-03-04",
        }
    ]
    assert data["pulse"] == {
        "student": [{"date": "2026-03-04", "heard": 2.0, "workload": 4.0}],
        "faculty": [{"date": "2026-03-04", "heard": 5.0, "workload": 3.0}],
    }


def test_phase_follows_the_calendar(demo: Path) -> None:
    partnership = check_folder(demo).partnership
    assert partnership is not None
    assert phase(partnership, dt.date(2026, 1, 13)) == "getting started"
    assert phase(partnership, dt.date(2026, 3, 1)) == "underway"
    assert phase(partnership, dt.date(2026, 5, 20)) == "wrapping up"


def test_interactive_checkin_asks_and_records(
    runner: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(interaction, "can_prompt", lambda no_input: True)
    answers = [
        "2026-3-4",  # the date, badly written...
        "2026-03-04",  # ...and asked again
        "Week 6",  # title
        "amira-hadad, lee-chen",  # who came, with a typo...
        "amira-haddad, lee-chen",  # ...asked again
        "Good energy",  # notes, a line...
        "",  # ...and no more
        "ontrack",  # a status that does not exist...
        "on-track",  # ...asked again
        "Pilot in week 8",  # a decision
        "studnets",  # who made it, misspelt...
        "students",  # ...asked again
        "Lee books the lab",  # a decision with no one named
        "",  # who made it: no one said
        "",
        "amira-haddad: Pilot the rubric by 2026-03-11",  # an action
        "",
        "",  # no feedback
        "3",  # Amira's hours
        "",  # Lee's hours: skipped
        "4",  # Amira felt heard
        "six",  # Amira's workload, not a score...
        "2",  # ...asked again
        "",  # Lee: skipped
        "",
        "Lee is carrying the marking",  # reflection
        "",  # Save this meeting? Enter: yes
    ]
    result = runner.invoke(cli.app, ["checkin", "demo"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "'amira-hadad' is not one of the partners" in result.output
    assert "did you mean 'amira-haddad'?" in result.output
    assert "Choose one of: not-started, on-track" in result.output
    partnership = check_folder(demo).partnership
    assert partnership is not None
    [meeting] = partnership.checkins
    assert meeting.attendees == ["amira-haddad", "lee-chen"]
    assert meeting.goals == {"new-rubric": "on-track"}
    decided = [(d.text, d.by) for d in meeting.decisions]
    assert decided == [("Pilot in week 8", "students"), ("Lee books the lab", [])]
    assert "Who made this decision?" in result.output
    assert "did you mean 'students'?" in result.output
    assert [a.text for a in meeting.actions] == ["Pilot the rubric"]
    assert meeting.reflection is not None and meeting.reflection.notes == "Lee is carrying the marking"
    assert meeting.date == dt.date(2026, 3, 4)
    assert meeting.hours == {"amira-haddad": 3.0}
    assert {k: (v.heard, v.workload) for k, v in meeting.pulse.items()} == {"amira-haddad": (4, 2)}


def test_two_branches_logging_meetings_merge_cleanly(runner: CliRunner, demo: Path) -> None:
    run_git(demo, "init", "-q", "-b", "main")
    run_git(demo, "add", ".")
    run_git(demo, "commit", "-qm", "start")
    run_git(demo, "checkout", "-qb", "amira")
    runner.invoke(cli.app, ["checkin", "demo", *ISSUE_EXAMPLE])
    run_git(demo, "add", ".")
    run_git(demo, "commit", "-qm", "amira's notes")
    run_git(demo, "checkout", "-q", "main")
    runner.invoke(
        cli.app,
        ["checkin", "demo", "--no-input", "--date", "2026-03-04", "--title", "Staff catch-up",
         "--action", "lee-chen: Book room B by 2026-03-09"],
    )  # fmt: skip
    run_git(demo, "add", ".")
    run_git(demo, "commit", "-qm", "lee's notes")
    run_git(demo, "merge", "-q", "--no-edit", "amira")
    report = check_folder(demo)
    assert report.errors == []
    assert report.partnership is not None
    assert len(report.partnership.checkins) == 2
    ids = [a.id for c in report.partnership.checkins for a in c.actions]
    assert sorted(ids) == ["2026-03-04-staff-catch-up-a1", "2026-03-04-week-6-a1"]


def _scripted_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, python_code: str) -> None:
    """An 'editor' that changes the file it is given with `python_code` (path in `path`)."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\npath = pathlib.Path(sys.argv[1])\ntext = path.read_text()\n" + python_code,
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)


def test_edit_saves_what_the_user_wrote_comments_and_all(
    runner: CliRunner, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _scripted_editor(
        tmp_path,
        monkeypatch,
        "path.write_text(text.replace('title: Week 6', 'title: Week 6  # moved to Thursday')"
        " + 'notes: Amira chaired\\n')\n",
    )
    result = runner.invoke(cli.app, ["checkin", "demo", "--edit", *ISSUE_EXAMPLE])
    assert result.exit_code == 0, result.output
    saved = (demo / "checkins/2026-03-04-week-6.yaml").read_text(encoding="utf-8")
    assert "title: Week 6  # moved to Thursday" in saved
    assert "notes: Amira chaired" in saved
    assert not list((demo / "checkins").glob("*.draft"))


def test_edit_that_breaks_the_record_keeps_the_text_and_says_where(
    runner: CliRunner, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _scripted_editor(
        tmp_path,
        monkeypatch,
        "path.write_text(text.replace('owner: amira-haddad', 'owner: amira') + '# mine\\n')\n",
    )
    result = runner.invoke(cli.app, ["checkin", "demo", "--edit", *ISSUE_EXAMPLE])
    assert result.exit_code == 1
    assert "2026-03-04-week-6.yaml.draft:" in result.output
    assert "there is no partner with id 'amira'" in result.output
    assert "your text is kept in" in result.output
    draft = demo / "checkins/2026-03-04-week-6.yaml.draft"
    assert draft.read_text(encoding="utf-8").endswith("# mine\n")
    assert not (demo / "checkins/2026-03-04-week-6.yaml").exists()
    assert check_folder(demo).errors == []  # a kept draft does not break the folder
    # Running the same command again reopens the draft; this time the 'editor' fixes it.
    _scripted_editor(
        tmp_path, monkeypatch, "path.write_text(text.replace('owner: amira\\n', 'owner: amira-haddad\\n'))\n"
    )
    again = runner.invoke(cli.app, ["checkin", "demo", "--edit", *ISSUE_EXAMPLE])
    assert again.exit_code == 0, again.output
    assert (demo / "checkins/2026-03-04-week-6.yaml").read_text(encoding="utf-8").endswith("# mine\n")


def test_commit_records_the_meeting_inrun_git(
    runner: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_git(demo, "init", "-q", "-b", "main")
    run_git(demo, "add", ".")
    run_git(demo, "commit", "-qm", "start")
    for key in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(key, "A")
    for key in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(key, "a@example.org")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(_identity(demo.parent)))
    result = runner.invoke(cli.app, ["checkin", "demo", "--commit", *ISSUE_EXAMPLE])
    assert result.exit_code == 0, result.output
    assert "committed to git" in result.output
    log = run_git(demo, "log", "--format=%s", "--name-only", "-1")
    assert log.splitlines()[0] == "Meeting on 2026-03-04: Week 6"
    assert "checkins/2026-03-04-week-6.yaml" in log
    closed = runner.invoke(
        cli.app, ["checkin", "demo", "--date", "2026-03-09", "--done", "2026-03-04-week-6-a1", "--commit"]
    )
    assert closed.exit_code == 0, closed.output
    assert run_git(demo, "log", "--format=%s", "-1").strip() == "Close 1 action"
    assert run_git(demo, "status", "--porcelain") == ""


def _identity(folder: Path) -> Path:
    config = folder / "gitconfig"
    config.write_text("[user]\n\tname = A\n\temail = a@example.org\n", encoding="utf-8")
    return config


def test_commit_outside_git_fails_before_writing(runner: CliRunner, demo: Path) -> None:
    result = runner.invoke(cli.app, ["checkin", "demo", "--commit", *ISSUE_EXAMPLE])
    assert result.exit_code == 1
    assert "is not in a git repository" in result.output
    assert not (demo / "checkins").exists()


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--title", "", "--title was given but is empty"),
        ("--title", "   ", "--title was given but is empty"),
        ("--note", "", "--note was given but is empty"),
        ("--decision", "", "--decision was given but is empty"),
        ("--feedback", " ", "--feedback was given but is empty"),
        ("--action", "amira-haddad:  ", "--action was given but is empty"),
        ("--note", "x" * 20_001, "--note is longer than 20,000 characters"),
        ("--title", "y" * 20_001, "--title is longer than 20,000 characters"),
        ("--hours", "amira-haddad=nan", "--hours needs a number of hours, 0 or more"),
        ("--hours", "amira-haddad=inf", "--hours needs a number of hours, 0 or more"),
        ("--hours", "amira-haddad=-1", "--hours needs a number of hours, 0 or more"),
    ],
)
def test_unusable_command_line_text_is_a_usage_error_and_writes_nothing(
    runner: CliRunner, demo: Path, option: str, value: str, said: str
) -> None:
    argv = ["checkin", str(demo), "--no-input", "--date", "2026-03-04", "--title", "Week 6", option, value]
    result = runner.invoke(cli.app, argv)
    assert_handled(result)
    assert result.exit_code == 2
    assert said in result.stderr
    assert value.strip() == "" or value not in result.output  # a huge or odd value is not echoed back
    assert not (demo / "checkins").exists() or list((demo / "checkins").iterdir()) == []


@pytest.mark.parametrize("hours", [".nan", ".inf", "-1"])
def test_hours_in_a_meeting_file_must_be_a_real_number(demo: Path, hours: str) -> None:
    (demo / "checkins").mkdir()
    (demo / "checkins/2026-03-04-week-6.yaml").write_text(
        "id: 2026-03-04-week-6\ndate: 2026-03-04\ntitle: Week 6\nattendees: [amira-haddad]\n"
        f"hours:\n  amira-haddad: {hours}\n",
        encoding="utf-8",
    )
    [problem] = check_folder(demo).errors
    assert (Path(problem.file).name, problem.line, problem.column) == ("2026-03-04-week-6.yaml", 6, 17)


def test_two_runs_closing_actions_of_one_meeting_at_once_both_land(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run has read the meeting and not yet written it when the second one starts."""
    import threading
    import time

    import sap_cli.meetings.checkin as checkin_module
    from sap_cli.files.yaml_splice import YamlText
    from sap_cli.meetings.checkin import _close

    actions = ["amira-haddad: Draft the rubric", "lee-chen: Book the room"]
    record_checkin(demo, CheckinRequest(date=dt.date(2026, 3, 4), title="Week 6", actions=actions))
    meeting = "2026-03-04-week-6"
    real = checkin_module.YamlText
    first_has_read, go_on = threading.Event(), threading.Event()

    class SlowFirstRead(real):
        @classmethod
        def from_path(cls, path: Path) -> YamlText:
            editable = real.from_path(path)
            if threading.current_thread().name == "first":
                first_has_read.set()
                go_on.wait(5)
            return editable

    monkeypatch.setattr(checkin_module, "YamlText", SlowFirstRead)
    day = dt.date(2026, 3, 10)
    first = threading.Thread(name="first", target=_close, args=(demo, {f"{meeting}-a1": meeting}, day))
    second = threading.Thread(name="second", target=_close, args=(demo, {f"{meeting}-a2": meeting}, day))
    first.start()
    assert first_has_read.wait(5)
    second.start()
    time.sleep(0.5)  # without taking turns, the second run writes its closure now
    go_on.set()
    first.join(10)
    second.join(10)
    done = {e.id: e.done for e in ledger(load_valid(demo), day, include_done=True)}
    assert done == {f"{meeting}-a1": day, f"{meeting}-a2": day}
