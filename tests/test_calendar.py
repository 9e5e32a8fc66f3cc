"""The partnership calendar: milestones, open actions and the meeting series, read back as iCalendar."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from conftest import EXAMPLES, assert_handled
from sap_cli.calendar.events import PRODID
from sap_cli.calendar.file import CalendarNotMadeBySap, build_calendar, write_calendar
from sap_cli.errors import InvalidProject, SapError
from sap_cli.partnership.load import load_valid

EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "project.yaml").is_file())

MEETING = """\
id: 2026-02-02-rubric
date: 2026-02-02
title: Rubric, first look
attendees: [amira-haddad, lee-chen]
actions:
  - id: 2026-02-02-rubric-a1
    owner: amira-haddad
    text: Ask the lab group what confuses them
    due: 2026-02-09
  - id: 2026-02-02-rubric-a2
    owner: lee-chen
    text: Book the room for the pilot
    due: 2026-02-06
    done: 2026-02-05
  - id: 2026-02-02-rubric-a3
    owner: lee-chen
    text: Read last year's feedback
"""


def events(data: bytes) -> list[Any]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def by_uid(data: bytes) -> dict[str, Any]:
    return {str(e["uid"]): e for e in events(data)}


def categories(event: Any) -> list[str]:
    found = event.get("categories")
    return [str(c) for c in found.cats] if found is not None else []


def unescape(text: str) -> str:
    """iCalendar TEXT as written in the file -> the text it stands for."""
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m[1] in "nN" else m[1], text)


def kind_of(event: Any) -> str:
    return str(event["uid"]).split("-", 1)[0]


@pytest.fixture
def example_copy(tmp_path: Path) -> Callable[[str], Path]:
    def copy(name: str) -> Path:
        return Path(shutil.copytree(EXAMPLES / name, tmp_path / name))

    return copy


@pytest.fixture
def demo(make_partnership: Callable[..., Path]) -> Path:
    """The minimal partnership with one meeting: an open action, a done one, and one with no date."""
    folder = make_partnership()
    (folder / "checkins").mkdir()
    (folder / "checkins" / "2026-02-02-rubric.yaml").write_text(MEETING, encoding="utf-8")
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(old, lambda _: new, text, flags=re.MULTILINE)
    assert count == 1, f"{old!r} not found once in {path}"
    path.write_text(changed, encoding="utf-8")


# ---------------------------------------------------------------- the bundled examples


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_milestone_is_an_all_day_event_on_its_date(name: str) -> None:
    partnership = load_valid(EXAMPLES / name)
    found = {str(e["uid"]): e for e in events(build_calendar(EXAMPLES / name)) if kind_of(e) == "milestone"}
    assert len(found) == len(partnership.timeline.milestones) > 0
    for milestone in partnership.timeline.milestones:
        [event] = [e for uid, e in found.items() if uid.startswith(f"milestone-{milestone.id}@")]
        start = event.decoded("dtstart")
        assert type(start) is dt.date and start == milestone.due
        assert event.decoded("dtend") == milestone.due + dt.timedelta(days=1)
        summary = str(event["summary"])
        assert milestone.title in summary
        assert summary.endswith(" (reached)") == (milestone.done is not None)
        if milestone.deadline == "hard":
            assert summary.startswith("Hard deadline: ")
            assert "Hard deadline" in categories(event)
        else:
            assert "Hard deadline" not in summary
            assert "Hard deadline" not in categories(event)
            assert "Soft deadline" in str(event["description"])


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_examples_mark_some_milestones_hard_and_name_owners_and_goals(name: str) -> None:
    partnership = load_valid(EXAMPLES / name)
    names = {p.id: p.name for p in partnership.roles.partners}
    goals = {g.id: g.title for g in partnership.goals.goals}
    data = build_calendar(EXAMPLES / name)
    hard = [e for e in events(data) if "Hard deadline" in categories(e)]
    assert len(hard) == sum(m.deadline == "hard" for m in partnership.timeline.milestones) > 0
    for milestone in partnership.timeline.milestones:
        [event] = [e for e in events(data) if str(e["uid"]).startswith(f"milestone-{milestone.id}@")]
        description = str(event["description"])
        for owner in milestone.owners:
            assert names[owner] in description
        for goal in milestone.goals:
            assert goals[goal] in description
        assert ("Reached on" in description) == (milestone.done is not None)


@pytest.mark.parametrize(
    ("name", "rule", "first"),
    [
        ("course-redesign", {"FREQ": ["WEEKLY"], "INTERVAL": [2]}, dt.datetime(2026, 1, 13, 13, 0)),
        ("micro-credential", {"FREQ": ["WEEKLY"], "INTERVAL": [2]}, dt.datetime(2026, 1, 14, 17, 30)),
        ("student-recruitment-panel", {"FREQ": ["WEEKLY"]}, dt.datetime(2026, 2, 2, 12, 30)),
    ],
)
def test_the_meeting_series_follows_the_agreed_cadence_to_the_end(
    name: str, rule: dict[str, Any], first: dt.datetime
) -> None:
    """The examples agree a weekday and a time: the series starts at the first such meeting."""
    project = load_valid(EXAMPLES / name).project
    [series] = [e for e in events(build_calendar(EXAMPLES / name)) if kind_of(e) == "meetings"]
    last = dt.datetime.combine(project.end, dt.time(23, 59, 59))
    assert dict(series["rrule"]) == {**rule, "UNTIL": [last]}
    assert series.decoded("dtstart") == first
    assert series.decoded("duration") == dt.timedelta(minutes=project.meetings.length_minutes or 0)
    assert "Meeting" in categories(series)
    days = list(rrulestr(series["rrule"].to_ical().decode(), dtstart=first))  # dateutil, not sap
    step = 7 * rule.get("INTERVAL", [1])[0]
    assert days[0] == first
    assert last - dt.timedelta(days=step) < days[-1] <= last
    assert all((b - a).days == step for a, b in itertools.pairwise(days))


def test_every_action_with_a_due_date_appears_and_done_ones_say_so() -> None:
    folder = EXAMPLES / "course-redesign"
    actions = [a for c in load_valid(folder).checkins for a in c.actions]
    dated = {a.id: a for a in actions if a.due is not None}
    assert any(a.done is None for a in dated.values()) and any(a.done for a in dated.values())
    found = {str(e["uid"]).split("@")[0]: e for e in events(build_calendar(folder)) if kind_of(e) == "action"}
    assert set(found) == {f"action-{a}" for a in dated}
    for action_id, action in dated.items():
        event = found[f"action-{action_id}"]
        assert event.decoded("dtstart") == action.due
        assert action.text in str(event["summary"])
        if action.done is None:
            assert not str(event["summary"]).startswith("Done: ")
            assert f"sap checkin --done {action_id}" in str(event["description"])
            assert event.decoded("sequence") == 0
        else:
            assert str(event["summary"]).startswith("Done: ")
            assert f"Done on {action.done.isoformat()}." in str(event["description"])
            assert event.decoded("sequence") == 1


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_two_runs_give_the_same_bytes_and_unique_uids(name: str) -> None:
    first, second = build_calendar(EXAMPLES / name), build_calendar(EXAMPLES / name)
    assert first == second
    uids = [str(e["uid"]) for e in events(first)]
    assert len(uids) == len(set(uids))
    slug = re.sub(r"[^a-z0-9]+", "-", load_valid(EXAMPLES / name).project.title.lower()).strip("-")
    assert all(uid.endswith(f"@{slug}.sap") for uid in uids)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_calendar_is_named_after_the_partnership(name: str) -> None:
    calendar = Calendar.from_ical(build_calendar(EXAMPLES / name))
    assert str(calendar["prodid"]) == PRODID
    assert str(calendar["version"]) == "2.0"
    assert unescape(str(calendar["x-wr-calname"])) == load_valid(EXAMPLES / name).project.title


# ---------------------------------------------------------------- on copies, changed


def test_moving_a_milestone_moves_its_event_and_keeps_its_uid(example_copy: Callable[[str], Path]) -> None:
    folder = example_copy("course-redesign")
    before = by_uid(build_calendar(folder))
    edit(folder / "timeline.yaml", r"^    due: 2026-03-20$", "    due: 2026-03-27")
    after = by_uid(build_calendar(folder))
    assert set(before) == set(after)
    [uid] = [u for u in after if u.startswith("milestone-committee-deadline@")]
    assert before[uid].decoded("dtstart") == dt.date(2026, 3, 20)
    assert after[uid].decoded("dtstart") == dt.date(2026, 3, 27)


def test_a_new_cadence_updates_the_same_series(example_copy: Callable[[str], Path]) -> None:
    folder = example_copy("course-redesign")
    [before] = [e for e in events(build_calendar(folder)) if kind_of(e) == "meetings"]
    edit(folder / "project.yaml", r"^cadence: fortnightly", "cadence: monthly")
    [after] = [e for e in events(build_calendar(folder)) if kind_of(e) == "meetings"]
    assert str(after["uid"]) == str(before["uid"])
    # The first meeting is on Tuesday 13 January, so the series keeps to the second Tuesday of each month.
    assert dict(after["rrule"]) == {
        "FREQ": ["MONTHLY"],
        "BYDAY": ["2TU"],
        "UNTIL": [dt.datetime(2026, 5, 29, 23, 59, 59)],
    }


def test_no_cadence_means_no_meeting_series(example_copy: Callable[[str], Path]) -> None:
    folder = example_copy("student-recruitment-panel")
    edit(folder / "project.yaml", r"^cadence: weekly\n", "")
    found = events(build_calendar(folder))
    assert [e for e in found if kind_of(e) == "meetings"] == []
    assert all("rrule" not in e for e in found)
    assert len(found) == len(load_valid(folder).timeline.milestones)


def test_closing_an_action_updates_its_event_for_a_calendar_app_to_replace(demo: Path) -> None:
    uid = next(u for u in by_uid(build_calendar(demo)) if u.startswith("action-2026-02-02-rubric-a1@"))
    before = by_uid(build_calendar(demo))[uid]
    edit(
        demo / "checkins" / "2026-02-02-rubric.yaml",
        r"^    due: 2026-02-09$",
        "    due: 2026-02-09\n    done: 2026-02-08",
    )
    after = by_uid(build_calendar(demo))[uid]  # the same event, not a new one
    assert after.decoded("sequence") > before.decoded("sequence")
    assert str(after["summary"]) == "Done: " + str(before["summary"])
    assert "Done on 2026-02-08." in str(after["description"])


def test_an_action_names_its_owner_and_the_meeting(demo: Path) -> None:
    actions = [e for e in events(build_calendar(demo)) if kind_of(e) == "action"]
    # a3 has no date, so only a1 (open) and a2 (done) are on the calendar.
    done, event = sorted(actions, key=lambda e: not str(e["summary"]).startswith("Done: "))
    assert str(event["summary"]) == "Action for Amira Haddad: Ask the lab group what confuses them"
    assert event.decoded("dtstart") == dt.date(2026, 2, 9)
    assert "Rubric, first look" in str(event["description"])
    assert "2026-02-02" in str(event["description"])
    assert str(done["summary"]).startswith("Done: Action for ")


def test_monthly_from_the_31st_still_meets_in_short_months(make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership()
    edit(folder / "project.yaml", r"^start: 2026-01-12$", "start: 2026-01-31")
    edit(folder / "project.yaml", r"^cadence: fortnightly$", "cadence: monthly")
    [series] = [e for e in events(build_calendar(folder)) if kind_of(e) == "meetings"]
    days = expand(series["rrule"], dt.date(2026, 1, 31))
    assert days == [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 4, 30)]


def test_dtstamp_comes_from_the_record_not_the_clock(
    demo: Path, make_partnership: Callable[..., Path]
) -> None:
    plain = make_partnership("plain")  # nothing recorded yet: the start day
    assert {e.decoded("dtstamp") for e in events(build_calendar(plain))} == {
        dt.datetime(2026, 1, 12, tzinfo=dt.timezone.utc)
    }
    # the latest day something happened: the meeting on 2026-02-02, then an action done on the 5th
    assert {e.decoded("dtstamp") for e in events(build_calendar(demo))} == {
        dt.datetime(2026, 2, 5, tzinfo=dt.timezone.utc)
    }


def test_odd_characters_in_titles_keep_the_file_readable(make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership()
    edit(folder / "project.yaml", r"^title: .*$", 'title: "Labs, rubrics; and \\"us\\"\\nPart 2"')
    edit(folder / "timeline.yaml", r"^    title: .*$", '    title: "Pilot done,\\r\\nat last"')
    data = build_calendar(folder)
    calendar = Calendar.from_ical(data)
    # icalendar leaves X- properties as written; calendar apps read them as escaped text.
    assert str(calendar["x-wr-calname"]) == 'Labs\\, rubrics\\; and "us" Part 2'
    assert unescape(str(calendar["x-wr-calname"])) == 'Labs, rubrics; and "us" Part 2'
    [milestone] = [e for e in calendar.walk("VEVENT") if kind_of(e) == "milestone"]
    assert str(milestone["summary"]) == "Hard deadline: Pilot done, at last"


def test_a_title_without_latin_letters_still_gives_stable_uids(make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership()
    edit(folder / "project.yaml", r"^title: .*$", "title: 学生伙伴")
    uids = [str(e["uid"]) for e in events(build_calendar(folder))]
    domains = {uid.split("@")[1] for uid in uids}
    assert len(domains) == 1
    assert re.fullmatch(r"partnership-[0-9a-f]{12}\.sap", domains.pop())
    assert uids == [str(e["uid"]) for e in events(build_calendar(folder))]


def test_an_invalid_folder_raises_the_usual_error(make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership(timeline="milestones:\n  - id: pilot\n    title: Pilot\n    due: someday\n")
    with pytest.raises(InvalidProject) as caught:
        build_calendar(folder)
    assert caught.value.report.errors


# ---------------------------------------------------------------- writing the file


def test_writes_docs_calendar_ics_and_leaves_an_unchanged_one_alone(demo: Path) -> None:
    written = write_calendar(demo)
    target = demo / "docs" / "calendar.ics"
    assert (written.path, written.changed) == (target, True)
    assert target.read_bytes() == build_calendar(demo)
    assert written.events == len(events(target.read_bytes())) == 4  # series, milestone, two actions
    stamp = target.stat().st_mtime_ns
    again = write_calendar(demo)
    assert again.changed is False
    assert target.stat().st_mtime_ns == stamp


def test_replaces_its_own_older_calendar_but_not_someone_elses(demo: Path, tmp_path: Path) -> None:
    target = demo / "docs" / "calendar.ics"
    write_calendar(demo)
    edit(demo / "timeline.yaml", r"^    due: 2026-03-20$", "    due: 2026-03-27")
    assert write_calendar(demo).changed is True
    assert b"DTSTART;VALUE=DATE:20260327" in target.read_bytes()

    theirs = tmp_path / "mine.ics"
    theirs.write_bytes(b"BEGIN:VCALENDAR\r\nPRODID:-//Someone//Else//EN\r\nEND:VCALENDAR\r\n")
    with pytest.raises(CalendarNotMadeBySap):
        write_calendar(demo, theirs)
    assert theirs.read_bytes().startswith(b"BEGIN:VCALENDAR\r\nPRODID:-//Someone")
    with pytest.raises(CalendarNotMadeBySap):
        write_calendar(demo, tmp_path)


def test_will_not_write_through_a_link_in_docs(demo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (demo / "docs").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(SapError, match="link"):
        write_calendar(demo)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.slow
def test_importing_the_module_loads_nothing_heavy() -> None:
    probe = (
        "import sys\n"
        "import sap_cli.calendar.events\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('icalendar', 'pydantic', 'ruamel', 'typer', 'rich', 'jinja2') or m == 'sap_cli.model'))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def expand(rule: Any, start: dt.date) -> list[dt.date]:
    """Every day a recurrence rule gives, worked out by dateutil rather than by sap."""
    first = dt.datetime(start.year, start.month, start.day)
    return [d.date() for d in rrulestr(rule.to_ical().decode(), dtstart=first)]


def test_sap_calendar_writes_prints_and_refuses_a_stranger(demo: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sap_cli import cli

    runner = CliRunner()
    wrote = runner.invoke(cli.app, ["calendar", str(demo)])
    assert wrote.exit_code == 0, wrote.output
    first = wrote.output.splitlines()[0]
    assert first.startswith("wrote ") and "demo/docs/calendar.ics (" in first  # relative to where you are
    printed = runner.invoke(cli.app, ["calendar", str(demo), "-o", "-"])
    assert printed.exit_code == 0
    assert printed.stdout_bytes == (demo / "docs/calendar.ics").read_bytes()
    assert Calendar.from_ical(printed.stdout_bytes).get("PRODID") == PRODID

    stranger = tmp_path / "team.ics"
    theirs = b"BEGIN:VCALENDAR\r\nPRODID:-//Someone//EN\r\nEND:VCALENDAR\r\n"
    stranger.write_bytes(theirs)
    refused = runner.invoke(cli.app, ["calendar", str(demo), "-o", str(stranger)])
    assert refused.exit_code == 1
    assert "error:" in refused.output
    assert_handled(refused)
    assert stranger.read_bytes() == theirs


def test_render_keeps_a_calendar_in_docs_current(example_copy: Callable[[str], Path]) -> None:
    from typer.testing import CliRunner

    from sap_cli import cli

    runner = CliRunner()
    folder = example_copy("course-redesign")
    first = runner.invoke(cli.app, ["render", str(folder), "--check"])
    assert first.exit_code == 0, first.output  # no calendar yet
    write_calendar(folder)
    timeline = folder / "timeline.yaml"
    text = timeline.read_text(encoding="utf-8")
    timeline.write_text(text.replace("due: 2026-03-20", "due: 2026-03-27", 1), encoding="utf-8")
    stale = runner.invoke(cli.app, ["render", str(folder), "--check"])
    assert stale.exit_code == 1
    assert "docs/calendar.ics (the dates or names in it changed)" in stale.output
    assert runner.invoke(cli.app, ["render", str(folder)]).exit_code == 0
    assert (folder / "docs/calendar.ics").read_bytes() == build_calendar(folder)
    assert runner.invoke(cli.app, ["render", str(folder), "--check"]).exit_code == 0


@pytest.mark.slow
def test_two_processes_with_different_hash_seeds_write_the_same_calendar(
    make_partnership: Callable[..., Path],
) -> None:
    """Re-importing updates events only if every run, on every computer, gives the same UIDs."""
    import os

    folder = make_partnership()
    project = folder / "project.yaml"
    project.write_text(
        project.read_text(encoding="utf-8").replace("Co-designing BIOL 201", "Семинар 2026", 1),
        encoding="utf-8",
    )  # a title with no a-z letters makes the UIDs from a fingerprint of the title
    sap = str(Path(sys.executable).with_name("sap"))
    runs = [
        subprocess.run(
            [sap, "calendar", str(folder), "-o", "-"],
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1]
    assert b"UID:" in runs[0]
