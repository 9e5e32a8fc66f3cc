"""The check-in wizard (issue 18): numbers for partners, open actions closed, a summary before saving,
and a draft that keeps every answer through Ctrl-C, an error or a 'no', offered back next time."""

from __future__ import annotations

import datetime as dt
import os
import re
import select
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from conftest import assert_handled, run_git
from sap_cli import cli
from sap_cli.cli import interaction
from sap_cli.model.records import CheckinFile
from sap_cli.validation.check import check_folder

DRAFT = Path("private") / "checkin-draft.yaml"

# One answer per question, in the order the wizard asks them (no open actions in the demo).
FULL = [
    "2026-03-04",  # date
    "Week 6",  # title
    "1, 2",  # who came: numbers from the list
    "We looked at the rubric.",  # a note of several lines...
    "Amira will ask her tutorial group.",
    "",  # ...and no more
    "on-track",  # the goal
    "Pilot in week 8",  # a decision
    "1",  # who made it: partner number 1
    "",  # no more decisions
    "2: Book the lab by 2026-03-11",  # an action, its owner by number
    "",
    "Lee liked the draft",  # feedback
    "",
    "3",  # Amira's hours
    "1.5",  # Lee's hours
    "4",  # Amira felt heard
    "2",  # Amira's workload
    "5",  # Lee felt heard
    "",  # Lee's workload: skipped
    "The marking is shared now",  # reflection
]


def _wizard(runner: CliRunner, answers: list[str], *options: str) -> Result:
    result = runner.invoke(cli.app, ["checkin", "demo", *options], input="\n".join(answers) + "\n")
    assert_handled(result)
    return result


@pytest.fixture
def asking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(interaction, "can_prompt", lambda no_input: True)


def _said(result: Result) -> str:
    return " ".join(result.output.split())


def _the_meeting(demo: Path) -> CheckinFile:
    partnership = check_folder(demo).partnership
    assert partnership is not None
    [meeting] = [c for c in partnership.checkins if c.title == "Week 6"]
    return meeting


def test_numbers_from_the_list_name_partners_and_the_summary_shows_names(
    runner: CliRunner, demo: Path, asking: None
) -> None:
    result = _wizard(runner, [*FULL, ""])  # Enter: save
    assert result.exit_code == 0, result.output
    meeting = _the_meeting(demo)
    assert meeting.attendees == ["amira-haddad", "lee-chen"]
    assert [(d.text, d.by) for d in meeting.decisions] == [("Pilot in week 8", ["amira-haddad"])]
    assert [(a.owner, a.text, a.due) for a in meeting.actions] == [
        ("lee-chen", "Book the lab", dt.date(2026, 3, 11))
    ]
    assert meeting.notes == "We looked at the rubric.\nAmira will ask her tutorial group."
    assert meeting.hours == {"amira-haddad": 3.0, "lee-chen": 1.5}
    summary = result.output.split("The meeting as it will be saved:")[1].split("Save this meeting?")[0]
    for shown in (
        "Date        2026-03-04",
        "Who came    Amira Haddad, Dr Lee Chen",
        "Goals       A lab rubric students understand: on-track",
        "Decisions   Pilot in week 8 (decided by Amira Haddad)",
        "Actions     Dr Lee Chen: Book the lab, due 2026-03-11",
        "Hours       Amira Haddad: 3",
        "Pulse       Amira Haddad: heard 4, workload 2",
        "Dr Lee Chen: heard 5",
        "Reflection  The marking is shared now",
    ):
        assert shown in summary
    assert "Save this meeting? [Y/n]" in result.output
    assert not (demo / DRAFT).exists()  # saved: the draft is gone


def test_no_prompt_ends_with_a_doubled_mark(runner: CliRunner, demo: Path, asking: None) -> None:
    result = _wizard(runner, [*FULL, ""])
    assert result.exit_code == 0, result.output
    for doubled in ("?:", ">:", ": :", "?  ", ")?"):
        assert doubled not in result.output
    assert "What did you say? " in result.output and "Who came? Numbers" in result.output


def test_no_at_the_summary_keeps_every_answer_and_the_next_run_offers_them(
    runner: CliRunner, demo: Path, asking: None
) -> None:
    result = _wizard(runner, [*FULL, "n"])
    assert result.exit_code == 0, result.output
    assert not (demo / "checkins").exists()
    assert "The meeting was not saved. Your answers are kept in demo/private/checkin-draft.yaml" in _said(
        result
    )
    kept = (demo / DRAFT).read_text(encoding="utf-8")
    for answer in (
        "Week 6",
        "Amira will ask her tutorial group.",
        "lee-chen: Book the lab by 2026-03-11",
        "1.5",
    ):
        assert answer in kept

    again = _wizard(runner, ["", *[""] * 40])  # resume, then Enter for every earlier answer, then save
    assert again.exit_code == 0, again.output
    said = _said(again)
    asked = r"You have an unfinished check-in from today at \d\d:\d\d \(2026-03-04, 'Week 6'\): resume it\?"
    assert re.search(asked + r" \[Y/n\]", said)
    offered_back = [
        "Meeting title (Week 6)", "(amira-haddad, lee-chen)", "(Amira will ask her tutorial group.)",
        "(Pilot in week 8)", "(amira-haddad)", "(lee-chen: Book the lab by 2026-03-11)",
        "(Lee liked the draft)", "(1.5)", "(The marking is shared now)",
    ]  # numbers from the list come back as ids, so they still mean the same people  # fmt: skip
    for offered in offered_back:
        assert offered in said
    meeting = _the_meeting(demo)
    assert meeting.attendees == ["amira-haddad", "lee-chen"]
    assert meeting.notes == "We looked at the rubric.\nAmira will ask her tutorial group."
    assert [(d.text, d.by) for d in meeting.decisions] == [("Pilot in week 8", ["amira-haddad"])]
    assert {k: (v.heard, v.workload) for k, v in meeting.pulse.items()} == {
        "amira-haddad": (4, 2),
        "lee-chen": (5, None),
    }
    assert not (demo / DRAFT).exists()


def test_stopping_again_while_resuming_keeps_the_answers_not_yet_asked(
    runner: CliRunner, demo: Path, asking: None
) -> None:
    _wizard(runner, [*FULL, "n"])
    stopped = _wizard(runner, ["", "2026-03-05", "", "", "", "-"])  # resume, new date, ..., drop note 2, stop
    assert stopped.exit_code != 0 and not (demo / "checkins").exists()
    kept = (demo / DRAFT).read_text(encoding="utf-8")
    assert '"2026-03-05"' in kept and "2026-03-04" not in kept
    assert "We looked at the rubric." in kept and "Amira will ask her tutorial group." not in kept
    for later in ("Pilot in week 8", "lee-chen: Book the lab by 2026-03-11", "Lee liked the draft", "1.5",
                  "The marking is shared now"):  # fmt: skip
        assert later in kept


def test_a_dash_leaves_an_earlier_answer_out(runner: CliRunner, demo: Path, asking: None) -> None:
    _wizard(runner, [*FULL, "n"])
    # resume; keep date, title, who came; drop the first note, keep the second; the rest as before.
    again = _wizard(runner, ["", "", "", "", "-", "", "", *[""] * 40])
    assert again.exit_code == 0, again.output
    assert _the_meeting(demo).notes == "Amira will ask her tutorial group."


def test_declining_to_resume_starts_afresh(runner: CliRunner, demo: Path, asking: None) -> None:
    _wizard(runner, [*FULL, "n"])
    fresh = ["2026-03-05", "Week 6", "amira-haddad", "", "", "", "", "", "", "", "", "", ""]
    again = _wizard(runner, ["n", *fresh, ""])
    assert again.exit_code == 0, again.output
    assert "Starting a new check-in; the unfinished one is replaced as you answer." in again.output
    assert "(We looked at the rubric.)" not in again.output
    assert _the_meeting(demo).attendees == ["amira-haddad"]


def test_the_wizard_offers_to_close_open_actions(runner: CliRunner, demo: Path, asking: None) -> None:
    earlier = ["checkin", "demo", "--no-input", "--date", "2026-02-18", "--title", "Week 4", "--attendee",
               "amira-haddad", "--action", "lee-chen: Book the lab by 2026-03-01",
               "--action", "amira-haddad: Draft the survey"]  # fmt: skip
    assert runner.invoke(cli.app, earlier).exit_code == 0
    answers = ["2026-03-04", "Week 6", "all", "2", *[""] * 12, ""]  # who came, done: number 2
    result = _wizard(runner, answers)
    assert result.exit_code == 0, result.output
    said = _said(result)
    assert "1. Dr Lee Chen: Book the lab (due 2026-03-01) 2026-02-18-week-4-a1" in said
    assert "2. Amira Haddad: Draft the survey 2026-02-18-week-4-a2" in said
    assert "Which of these are done? Numbers separated by commas, all, or Enter for none" in said
    assert "Done now Amira Haddad: Draft the survey" in said
    assert "closed action 2026-02-18-week-4-a2" in said
    partnership = check_folder(demo).partnership
    assert partnership is not None
    done = {a.id: a.done for c in partnership.checkins for a in c.actions}
    assert done == {"2026-02-18-week-4-a1": None, "2026-02-18-week-4-a2": dt.date(2026, 3, 4)}


def test_a_partner_not_on_the_list_is_asked_again(runner: CliRunner, demo: Path, asking: None) -> None:
    answers = ["2026-03-04", "Week 6", "3", "Amira Haddad",  # who came: no partner 3, then a name
               "", "", "",  # notes, goal, decisions
               "9: Book the lab", "2: Book the lab", "",  # an owner not on the list, then by number
               "", "", "", "", ""]  # feedback, hours, pulse, reflection  # fmt: skip
    result = _wizard(runner, [*answers, ""])
    assert result.exit_code == 0, result.output
    said = _said(result)
    assert "'3' is not one of the partners: give a number from 1 to 2, a name or an id" in said
    assert "'9' is not one of the partners" in said
    assert "is not a partner id" not in said
    meeting = _the_meeting(demo)
    assert meeting.attendees == ["amira-haddad"]
    assert [a.owner for a in meeting.actions] == ["lee-chen"]


def test_an_error_while_saving_keeps_the_draft_and_says_where(
    runner: CliRunner, demo: Path, asking: None
) -> None:
    result = _wizard(runner, [*FULL, ""], "--commit")  # not a git repository: the save fails
    assert result.exit_code != 0
    said = _said(result)
    assert "Your answers are kept in demo/private/checkin-draft.yaml: run `sap checkin` again" in said
    assert not (demo / "checkins").exists()
    kept = (demo / DRAFT).read_text(encoding="utf-8")
    assert "Pilot in week 8" in kept and "The marking is shared now" in kept


def test_the_draft_stays_out_of_git_and_a_run_with_options_mentions_it(
    runner: CliRunner, demo: Path, asking: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_git(demo, "init", "-q", "-b", "main")
    _wizard(runner, [*FULL, "n"])
    assert (demo / DRAFT).is_file()
    assert "private" not in run_git(demo, "status", "--porcelain", "--untracked-files=all")
    monkeypatch.setattr(interaction, "can_prompt", lambda no_input: False)
    result = runner.invoke(cli.app, ["checkin", "demo", "--date", "2026-03-05", "--attendee", "lee-chen"])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"An unfinished check-in from today at \d\d:\d\d is still kept in demo/private/checkin-draft.yaml; "
        r"run `sap checkin` without options to finish it",
        _said(result),
    )
    assert (demo / DRAFT).is_file()  # left for the wizard


# -- in a real terminal: Ctrl-C, then resume ------------------------------------------------------


class Terminal:
    """sap in a pseudo-terminal of its own (so Ctrl-C is a real SIGINT), answered prompt by prompt."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        import fcntl
        import pty
        import signal
        import subprocess
        import termios

        def own_terminal() -> None:  # a session of its own, with this pseudo-terminal controlling it
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # not ignored, even from a background job
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.leader, follower = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k != "CI"} | {"NO_COLOR": "1", "COLUMNS": "200"}
        self.process = subprocess.Popen(
            argv, stdin=follower, stdout=follower, stderr=follower, env=env, cwd=cwd, preexec_fn=own_terminal
        )
        os.close(follower)
        self.shown, self.cursor = b"", 0

    def wait_for(self, text: str, timeout: float = 30) -> None:
        """Read until `text` is shown after the last thing waited for."""
        deadline = time.monotonic() + timeout
        while (found := self.shown.find(text.encode(), self.cursor)) < 0:
            ready, _, _ = select.select([self.leader], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                pytest.fail(f"sap never showed {text!r}; it showed:\n{self.shown.decode(errors='replace')}")
            try:
                chunk = os.read(self.leader, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                pytest.fail(f"sap ended before showing {text!r}:\n{self.shown.decode(errors='replace')}")
            self.shown += chunk
        self.cursor = found + len(text)

    def answer(self, prompt: str, typed: str) -> None:
        self.wait_for(prompt)
        os.write(self.leader, typed.encode() + b"\r")

    def end(self) -> int:
        while True:
            try:
                chunk = os.read(self.leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.shown += chunk
        code = self.process.wait(timeout=60)
        os.close(self.leader)
        return code


@pytest.mark.slow
def test_ctrl_c_keeps_every_answer_and_the_next_checkin_offers_them(demo: Path) -> None:
    sap = str(Path(sys.executable).with_name("sap"))
    first = Terminal([sap, "checkin", "demo"], demo.parent)
    steps = [
        ("Date of the meeting", "2026-03-04"), ("Meeting title", "Week 6"), ("Who came?", "1, 2"),
        ("Note 1", "We looked at the rubric."), ("Note 2", "Amira will ask her tutorial group."),
        ("Note 3", ""), ("A lab rubric students understand", "on-track"),
        ("Decision 1", "Pilot in week 8"), ("Who made this decision?", "students"), ("Decision 2", ""),
        ("Action 1", "2: Book the lab by 2026-03-11"),
    ]  # fmt: skip
    for prompt, typed in steps:
        first.answer(prompt, typed)
    first.wait_for("Action 2")
    os.write(first.leader, b"\x03")  # Ctrl-C
    first.wait_for("Stopped.")
    assert first.end() == 130
    assert "Your answers so far are kept in demo/private/checkin-draft.yaml" in first.shown.decode()
    assert not (demo / "checkins").exists()
    assert (demo / DRAFT).is_file()

    second = Terminal([sap, "checkin", "demo"], demo.parent)
    second.answer("(2026-03-04, 'Week 6'): resume it? [Y/n]", "")
    offered = [  # each earlier answer, offered as the default: Enter keeps it
        "Date of the meeting (2026-03-04)", "Meeting title (Week 6)",
        "Who came? Numbers, names or ids, separated by commas, or all (amira-haddad, lee-chen)",
        "Note 1 (We looked at the rubric.)", "Note 2 (Amira will ask her tutorial group.)", "Note 3",
        "A lab rubric students understand (on-track)", "Decision 1 (Pilot in week 8)",
        "(Enter if no one said) (students)", "Decision 2", "Action 1 (lee-chen: Book the lab by 2026-03-11)",
        "Action 2", "Feedback 1", "Amira Haddad", "Dr Lee Chen", "Amira Haddad, felt heard",
        "Amira Haddad, workload", "Dr Lee Chen, felt heard", "Dr Lee Chen, workload", "What did you say?",
        "Save this meeting? [Y/n]",
    ]  # fmt: skip
    for prompt in offered:
        second.answer(prompt, "")
    second.wait_for("wrote ")
    assert second.end() == 0
    partnership = check_folder(demo).partnership
    assert partnership is not None
    [meeting] = partnership.checkins
    assert meeting.attendees == ["amira-haddad", "lee-chen"]
    assert meeting.notes == "We looked at the rubric.\nAmira will ask her tutorial group."
    assert [(d.text, d.by) for d in meeting.decisions] == [("Pilot in week 8", "students")]
    assert [(a.owner, a.text) for a in meeting.actions] == [("lee-chen", "Book the lab")]
    assert not (demo / DRAFT).exists()
