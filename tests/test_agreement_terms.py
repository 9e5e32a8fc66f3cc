"""What a real agreement holds beyond the plan (issue 18): where the work sits, the outside contact,
meeting times, and the terms for assessment, leaving, hours, training, support and IP assignment."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from conftest import EXAMPLES, MINIMAL, assert_handled
from sap_cli import cli
from sap_cli.agreement.fingerprint import fingerprint
from sap_cli.calendar.file import build_calendar
from sap_cli.documents.pages import render_documents
from sap_cli.editor.schemas import json_schemas
from sap_cli.partnership.load import load_valid
from sap_cli.validation.check import check_folder

EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "project.yaml").is_file())

# MINIMAL's fingerprint as sap computed it before these fields existed: it must not move.
MINIMAL_FINGERPRINT = "a28b8b166c28"

FILLED = """\
institution: University of Northmoor
school: School of Chemistry
course_codes: [CHEM 2001, CHEM 2002]
funding: {source: Teaching Innovation Fund, amount: "£2,400"}
outside_contact: {name: Dr Ruth Okafor, role: Programme lead, email: r.okafor@example.ac.uk}
meetings: {day: tuesday, time: "14:00", length_minutes: 90, place: "Room 2.14, Main building; or online"}
terms:
  assessment:
    staff_teach_students: true
    marks: Nothing here counts towards any mark.
    marked_by: Dr Sam Patel marks Amira's CHEM 2001 work
  leaving: Anyone may leave at any time, without losing marks.
  hours:
    how: |-
      A timesheet
      by the 5th of each month
    approved_by: Dr Lee Chen
    paid: In the next monthly pay run
  training: [Research ethics training before the focus group]
  support:
    - {name: Wellbeing Service, role: Confidential support, email: wellbeing@example.ac.uk}
  ip_assignment: {required: true, how: The university's IP deed poll, done: false}
"""

SECTIONS = (
    "## 13. Assessment and conflict of interest",
    "## 14. Leaving the partnership",
    "## 15. Induction and training",
    "## 16. Support and accessibility",
    "## 17. Sign-off",
)

PROMPTS = (
    "*To agree: does a staff partner teach or mark any of the student partners?",
    "*To agree: how a partner can leave, and that leaving never costs a student marks or standing.*",
    "*To agree: what partners need to learn before they start,",
    "*To agree: whom partners can turn to for support or for adjustments,",
    "*To agree: how student partners claim their hours, who approves the claims, and when the pay arrives.*",
    "*to check: does the institution ask partners to sign their intellectual property over,",
    "*to agree: a person outside the team, such as the programme lead,",
)


def _agreement(folder: Path) -> str:
    [doc] = render_documents(load_valid(folder), which=("agreement",))
    return doc.text


def _section(text: str, heading: str) -> str:
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


@pytest.fixture
def filled(make_partnership: Callable[..., Path]) -> Path:
    return make_partnership(project=MINIMAL["project.yaml"] + FILLED)


# ---------------------------------------------------------------- the agreement page


def test_the_agreement_renders_every_new_section(filled: Path) -> None:
    text = _agreement(filled)
    assert [heading in text for heading in SECTIONS] == [True] * len(SECTIONS)
    assert (
        "**Where the work sits:** University of Northmoor, School of Chemistry; courses CHEM 2001, CHEM 2002."
        in text
    )
    assert "**Funded by:** Teaching Innovation Fund (£2,400)" in text
    assert "- **We meet:** fortnightly, on Tuesdays at 14:00 for 90 minutes\n" in text
    assert "- **Where we meet:** Room 2.14, Main building; or online\n" in text
    assert (
        "**Someone outside the team any partner can talk to:** Dr Ruth Okafor (Programme lead): "
        "r.okafor@example.ac.uk" in text
    )
    conflict = _section(text, SECTIONS[0])
    assert "A staff partner teaches, marks or supervises at least one of the student partners." in conflict
    assert "- **Marks:** Nothing here counts towards any mark." in conflict
    assert (
        "- **Who marks the student partners' work instead:** Dr Sam Patel marks Amira's CHEM 2001 work"
        in conflict
    )
    assert "Anyone may leave at any time, without losing marks." in _section(text, SECTIONS[1])
    assert "- Research ethics training before the focus group" in _section(text, SECTIONS[2])
    assert "- **Wellbeing Service** (Confidential support): wellbeing@example.ac.uk" in _section(
        text, SECTIONS[3]
    )
    # A line break in a partner's text stays inside its bullet.
    assert "- **How hours are claimed:** A timesheet by the 5th of each month\n" in text
    assert "- **Who approves the claims:** Dr Lee Chen" in text
    assert "- **When the pay arrives:** In the next monthly pay run" in text
    assert (
        "- **Signing over intellectual property:** the institution requires it "
        "(The university's IP deed poll); **not done yet**" in text
    )
    assert [prompt for prompt in PROMPTS if prompt in text] == []
    assert "sap works it out from sections 1 to 16" in text


def test_each_new_section_left_empty_says_what_to_agree(demo: Path) -> None:
    text = _agreement(demo)
    assert [prompt for prompt in PROMPTS if prompt not in text] == []
    assert "Where the work sits" not in text and "Funded by" not in text and "Where we meet" not in text


def test_done_and_not_required_ip_assignment_read_as_such(make_partnership: Callable[..., Path]) -> None:
    done = make_partnership(
        "done", project=MINIMAL["project.yaml"] + "terms:\n  ip_assignment: {required: true, done: true}\n"
    )
    assert "- **Signing over intellectual property:** the institution requires it; **done**\n" in _agreement(
        done
    )
    free = make_partnership(
        "free", project=MINIMAL["project.yaml"] + "terms:\n  ip_assignment: {required: false}\n"
    )
    assert "- **Signing over intellectual property:** not required by the institution\n" in _agreement(free)


def test_no_staff_teaching_the_students_needs_no_second_marker(make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership(
        project=MINIMAL["project.yaml"] + "terms:\n  assessment: {staff_teach_students: false}\n"
    )
    conflict = _section(_agreement(folder), SECTIONS[0])
    assert "No staff partner teaches, marks or supervises any of the student partners." in conflict
    assert "Who marks" not in conflict
    assert "- **Marks:** *to agree: say that taking part, speaking up or leaving never changes" in conflict


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_the_examples_show_the_new_sections_filled_in(example: str) -> None:
    text = (EXAMPLES / example / "docs" / "agreement.md").read_text(encoding="utf-8")
    assert [heading in text for heading in SECTIONS] == [True] * len(SECTIONS)
    assert [prompt for prompt in PROMPTS if prompt in text] == []
    project = load_valid(EXAMPLES / example).project
    assert project.institution and project.outside_contact and project.meetings.time and project.terms.leaving


# ---------------------------------------------------------------- the fingerprint


def test_a_folder_without_the_new_fields_keeps_its_fingerprint(make_partnership: Callable[..., Path]) -> None:
    plain = make_partnership("plain")
    assert fingerprint(load_valid(plain)).whole == MINIMAL_FINGERPRINT
    empty = (
        "institution:\ncourse_codes: []\nfunding: {}\nmeetings: {}\nterms:\n  assessment: {}\n  training:\n"
    )
    blank = make_partnership("blank", project=MINIMAL["project.yaml"] + empty)
    assert fingerprint(load_valid(blank)) == fingerprint(load_valid(plain))


@pytest.mark.parametrize(
    ("addition", "part"),
    [
        ("institution: University of Northmoor\n", "setting"),
        ("funding: {source: Teaching Innovation Fund}\n", "setting"),
        ("outside_contact: {name: Dr Ruth Okafor}\n", "outside-contact"),
        ('meetings: {time: "14:00"}\n', "dates"),
        ("terms:\n  assessment: {staff_teach_students: false}\n", "assessment"),
        ("terms:\n  leaving: Anyone may leave.\n", "leaving"),
        ("terms:\n  hours: {paid: monthly}\n", "hours"),
        ("terms:\n  training: [Ethics training]\n", "training"),
        ("terms:\n  support: [{name: Wellbeing Service}]\n", "support"),
        ("terms:\n  ip_assignment: {required: false}\n", "ip-assignment"),
    ],
)
def test_adding_a_term_changes_the_fingerprint_of_that_part_only(
    make_partnership: Callable[..., Path], addition: str, part: str
) -> None:
    before = fingerprint(load_valid(make_partnership("before")))
    after = fingerprint(load_valid(make_partnership("after", project=MINIMAL["project.yaml"] + addition)))
    assert after.whole != before.whole
    changed = [name for name in after.parts if after.parts[name] != before.parts.get(name)]
    assert changed == [part]


def test_a_signer_is_asked_to_sign_again_naming_the_added_term(runner: CliRunner, demo: Path) -> None:
    result = runner.invoke(cli.app, ["sign", str(demo), "--partner", "amira-haddad", "--date", "2026-01-12"])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    project = demo / "project.yaml"
    project.write_text(
        project.read_text(encoding="utf-8") + "terms:\n  leaving: Anyone may leave.\n", "utf-8"
    )
    status = runner.invoke(cli.app, ["status", str(demo), "--format", "json", "--date", "2026-02-01"])
    assert_handled(status)
    [amira] = [
        p for p in json.loads(status.output)["agreement"]["partners"] if p["partner"] == "amira-haddad"
    ]
    assert (amira["state"], amira["changed"]) == ("sign-again", ["leaving the partnership"])


# ---------------------------------------------------------------- the calendar


def _series(folder: Path) -> Any:
    [series] = [
        e
        for e in Calendar.from_ical(build_calendar(folder)).walk("VEVENT")
        if str(e["uid"]).startswith("meetings-")
    ]
    return series


def test_a_meeting_time_makes_timed_meetings_with_a_place(filled: Path) -> None:
    data = build_calendar(filled)
    series = _series(filled)
    # Monday 12 January is the start; the first Tuesday is the 13th. Floating local time: no zone.
    assert series.decoded("dtstart") == dt.datetime(2026, 1, 13, 14, 0)
    assert series.decoded("dtstart").tzinfo is None
    assert b"DTSTART:20260113T140000\r\n" in data
    assert series.decoded("duration") == dt.timedelta(minutes=90)
    assert "dtend" not in series
    assert str(series["transp"]) == "OPAQUE"
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20260529T235959;INTERVAL=2\r\n" in data
    # RFC 5545: commas and semicolons in TEXT are escaped with a backslash.
    assert b"LOCATION:Room 2.14\\, Main building\\; or online\r\n" in data
    assert str(series["location"]) == "Room 2.14, Main building; or online"
    assert "Meetings start at 14:00 local time where you meet (90 minutes)." in str(series["description"])
    assert "move it to the day and time" not in str(series["description"])


def test_a_place_with_a_backslash_or_line_break_stays_one_location(
    make_partnership: Callable[..., Path],
) -> None:
    extra = 'meetings:\n  time: "9:30"\n  place: "C:\\\\rooms\\\\2.14\\nsecond floor"\n'
    folder = make_partnership(project=MINIMAL["project.yaml"] + extra)
    data = build_calendar(folder)
    assert b"LOCATION:C:\\\\rooms\\\\2.14 second floor\r\n" in data
    series = _series(folder)
    assert series.decoded("dtstart") == dt.datetime(2026, 1, 12, 9, 30)
    assert series.decoded("duration") == dt.timedelta(hours=1)  # no agreed length: an hour, and it says so
    assert "(no agreed length)" in str(series["description"])


def test_without_a_meeting_time_the_series_stays_all_day(make_partnership: Callable[..., Path]) -> None:
    plain = make_partnership("plain")
    assert _series(plain).decoded("dtstart") == dt.date(2026, 1, 12)
    day_only = make_partnership("day", project=MINIMAL["project.yaml"] + "meetings: {day: thursday}\n")
    series = _series(day_only)
    assert series.decoded("dtstart") == dt.date(2026, 1, 15)  # the first Thursday, still all day
    assert series.decoded("dtend") == dt.date(2026, 1, 16)
    assert str(series["transp"]) == "TRANSPARENT"
    assert dict(series["rrule"]) == {"FREQ": ["WEEKLY"], "INTERVAL": [2], "UNTIL": [dt.date(2026, 5, 29)]}


def test_a_monthly_meeting_keeps_to_the_same_weekday_of_the_month(
    make_partnership: Callable[..., Path],
) -> None:
    project = MINIMAL["project.yaml"].replace("cadence: fortnightly", "cadence: monthly")
    folder = make_partnership(project=project + 'meetings: {day: friday, time: "10:00"}\n')
    series = _series(folder)
    assert series.decoded("dtstart") == dt.datetime(2026, 1, 16, 10, 0)
    assert dict(series["rrule"])["BYDAY"] == ["3FR"]
    assert "once a month, on the third Friday" in str(series["description"])


# ---------------------------------------------------------------- checks and the schema


@pytest.mark.parametrize(
    ("addition", "where", "words"),
    [
        ('meetings:\n  time: "2pm"\n', (2, 9), "'time': '2pm' is not a time on the 24-hour clock (HH:MM"),
        ("meetings:\n  day: tuesdays\n", (2, 8), "day"),
        ("meetings:\n  length_minutes: 0\n", (2, 19), "length_minutes"),
        ("terms:\n  ip_assignment:\n    done: maybe\n", (3, 11), "'done': 'maybe' is neither true nor false"),
        ("terms:\n  leave: Anyone may leave.\n", (2, 3), "leave"),
        ("course_codes: {CHEM: 2001}\n", (1, 1), "'course_codes' should be a list"),
    ],
)
def test_a_wrong_value_is_an_error_on_its_line(
    make_partnership: Callable[..., Path], addition: str, where: tuple[int, int], words: str
) -> None:
    folder = make_partnership(project=MINIMAL["project.yaml"] + addition)
    report = check_folder(folder)
    errors = [p for p in report.problems if p.severity == "error"]
    assert len(errors) == 1, errors
    first_line = len(MINIMAL["project.yaml"].splitlines())
    assert (Path(errors[0].file).name, errors[0].line - first_line, errors[0].column) == (
        "project.yaml",
        *where,
    )
    assert words in errors[0].message


def test_validate_names_the_wrong_meeting_time(
    runner: CliRunner, make_partnership: Callable[..., Path]
) -> None:
    folder = make_partnership(project=MINIMAL["project.yaml"] + 'meetings:\n  time: "2pm"\n')
    result = runner.invoke(cli.app, ["validate", str(folder)])
    assert_handled(result)
    assert result.exit_code == 1
    assert "project.yaml:8:9: error:" in result.output


def test_the_schema_describes_the_new_fields_for_editors() -> None:
    schema = json.loads(json_schemas()["project.schema.json"])
    properties = schema["properties"]
    for name in ("institution", "school", "course_codes", "funding", "outside_contact", "meetings", "terms"):
        assert properties[name].get("description"), name
    terms = schema["$defs"]["Terms"]["properties"]
    assert set(terms) == {"assessment", "leaving", "hours", "training", "support", "ip_assignment"}
    assert schema["$defs"]["Meetings"]["properties"]["day"]["anyOf"][0]["enum"][:2] == ["monday", "tuesday"]
    assert "pattern" in schema["$defs"]["Meetings"]["properties"]["time"]["anyOf"][0]
