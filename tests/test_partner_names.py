"""A partner is named the way people say it: an id, a name, a first name or a surname, at every flag."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_handled
from sap_cli import cli
from sap_cli.errors import AmbiguousPartner, UnknownPartner
from sap_cli.partnership.load import load_valid
from sap_cli.validation.check import check_folder

ROLES = """\
partners:
  - id: sam-lee
    name: Sam Lee
    kind: student
  - id: sam-ortiz
    name: Sam Ortiz
    kind: student
  - id: aoife-ni-bhriain
    name: Aoife Ní Bhriain
    kind: faculty
    aliases: [Aoife NB]
  - id: jose-nunez
    name: Dr José Núñez
    kind: staff
"""
GOALS = """\
goals:
  - id: new-rubric
    title: A lab rubric students understand
    owners: [sam-lee, aoife-ni-bhriain]
"""
TIMELINE = """\
milestones:
  - id: pilot
    title: Pilot of the new lab finished
    due: 2026-03-20
    owners: [aoife-ni-bhriain]
"""
AMBIGUOUS = "'Sam' could be Sam Lee (sam-lee) or Sam Ortiz (sam-ortiz), so sap did not guess"


@pytest.fixture
def team(make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_partnership(roles=ROLES, goals=GOALS, timeline=TIMELINE)
    monkeypatch.chdir(folder.parent)
    return folder


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("sam-lee", "sam-lee"),  # the id
        ("Sam Lee", "sam-lee"),  # the full name
        ("  SAM   lee ", "sam-lee"),  # any case, extra spaces
        ("Ortiz", "sam-ortiz"),  # a unique surname
        ("aoife", "aoife-ni-bhriain"),  # a unique first name
        ("Ní Bhriain", "aoife-ni-bhriain"),  # a family name of two words
        ("ni bhriain", "aoife-ni-bhriain"),  # ...without its accent
        ("Bhriain", "aoife-ni-bhriain"),
        ("aoife ni bhriain", "aoife-ni-bhriain"),
        ("Aoife NB", "aoife-ni-bhriain"),  # an alias from roles.yaml
        ("nunez", "jose-nunez"),  # an accent-less surname
        ("José Núñez", "jose-nunez"),  # the name without its title
        ("Dr Jose Nunez", "jose-nunez"),
        ("JOSE", "jose-nunez"),
    ],
)
def test_a_partner_is_found_by_any_name_people_use(team: Path, word: str, expected: str) -> None:
    assert load_valid(team).find_partner(word).id == expected


def test_a_shared_first_name_lists_who_it_could_be(team: Path) -> None:
    with pytest.raises(AmbiguousPartner) as caught:
        load_valid(team).find_partner("sam")
    assert caught.value.message.startswith(AMBIGUOUS.replace("'Sam'", "'sam'"))
    assert caught.value.hint == "Use the full name or the id, e.g. 'Sam Lee' or sam-lee."


def test_an_unknown_name_suggests_a_partner_by_name_and_id(team: Path) -> None:
    with pytest.raises(UnknownPartner) as caught:
        load_valid(team).find_partner("Sam Lea")
    assert caught.value.message == (
        "There is no partner called 'Sam Lea'. Did you mean Sam Lee (sam-lee)? Nothing was changed."
    )
    assert caught.value.hint is not None
    assert "Aoife Ní Bhriain (aoife-ni-bhriain)" in caught.value.hint
    assert "is not a partner id" not in caught.value.message


def _meeting(team: Path) -> dict[str, object]:
    partnership = check_folder(team).partnership
    assert partnership is not None
    [meeting] = partnership.checkins
    return meeting.model_dump(mode="json")


def test_checkin_flags_take_names_and_write_ids(runner: CliRunner, team: Path) -> None:
    result = runner.invoke(
        cli.app,
        [
            "checkin", "demo", "--no-input", "--date", "2026-03-04",
            "--attendee", "all",
            "--action", "Ortiz: Draft the questions by 2026-03-11",
            "--action", "ní bhriain: Book the room",
            "--hours", "Sam Lee=3", "--hours", "nunez=1.5",
            "--pulse", "ORTIZ=4/3",
            "--decision", "Aoife, sam lee: Move the focus group",
        ],
    )  # fmt: skip
    assert_handled(result)
    assert result.exit_code == 0, result.output
    meeting = _meeting(team)
    assert meeting["attendees"] == ["sam-lee", "sam-ortiz", "aoife-ni-bhriain", "jose-nunez"]
    assert [(a["owner"], a["text"]) for a in meeting["actions"]] == [  # type: ignore[attr-defined]
        ("sam-ortiz", "Draft the questions"),
        ("aoife-ni-bhriain", "Book the room"),
    ]
    assert meeting["hours"] == {"sam-lee": 3.0, "jose-nunez": 1.5}
    assert meeting["pulse"] == {"sam-ortiz": {"heard": 4, "workload": 3}}
    [decision] = meeting["decisions"]  # type: ignore[misc]
    assert decision["by"] == ["aoife-ni-bhriain", "sam-lee"]
    assert decision["text"].strip() == "Move the focus group"


def test_attendee_names_and_all_are_written_once_each(runner: CliRunner, team: Path) -> None:
    result = runner.invoke(
        cli.app,
        ["checkin", "demo", "--no-input", "--date", "2026-03-04", "--attendee", "Aoife", "--attendee", "ALL"],
    )
    assert_handled(result)
    assert result.exit_code == 0, result.output
    assert _meeting(team)["attendees"] == ["aoife-ni-bhriain", "sam-lee", "sam-ortiz", "jose-nunez"]


@pytest.mark.parametrize(
    "flags",
    [
        ["--attendee", "Sam"],
        ["--action", "Sam: Draft the questions"],
        ["--hours", "Sam=3"],
        ["--pulse", "Sam=4"],
        ["--decision", "Sam: Move the focus group"],
    ],
)
def test_an_ambiguous_first_name_at_any_checkin_flag_writes_nothing(
    runner: CliRunner, team: Path, flags: list[str]
) -> None:
    result = runner.invoke(cli.app, ["checkin", "demo", "--no-input", "--date", "2026-03-04", *flags])
    assert_handled(result)
    assert result.exit_code == 1
    assert AMBIGUOUS in " ".join(result.output.split())
    assert not (team / "checkins").exists()


def test_sign_takes_an_accentless_surname(runner: CliRunner, team: Path) -> None:
    result = runner.invoke(cli.app, ["sign", "demo", "--partner", "bhriain"])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    assert "Aoife Ní Bhriain signed version 1" in result.output
    assert (team / "signatures/aoife-ni-bhriain.yaml").is_file()


def test_sign_refuses_an_ambiguous_first_name(runner: CliRunner, team: Path) -> None:
    result = runner.invoke(cli.app, ["sign", "demo", "--partner", "Sam"])
    assert_handled(result)
    assert result.exit_code == 1
    assert AMBIGUOUS in " ".join(result.output.split())
    assert not (team / "signatures").exists()


def test_reflect_takes_a_name(runner: CliRunner, team: Path) -> None:
    result = runner.invoke(
        cli.app, ["reflect", "demo", "--no-input", "--phase", "start", "--partner", "Jose Nunez"]
    )
    assert_handled(result)
    assert result.exit_code == 0, result.output
    assert (team / "reflections/start-jose-nunez.md").is_file()


def test_render_private_takes_a_surname(runner: CliRunner, team: Path) -> None:
    result = runner.invoke(cli.app, ["render", "demo", "--private", "Ortiz"])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    assert (team / "private/worksheets/start-sam-ortiz.md").is_file()
    assert not (team / "private/worksheets/start-sam-lee.md").exists()


def test_init_shows_each_partners_id_and_uses_a_real_one(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        cli.app,
        ["init", "team", "--no-input", "--title", "Lab rubric", "--student", "Zoë Ó Briain",
         "--faculty", "Dr Lee Chen"],
    )  # fmt: skip
    assert_handled(result)
    assert result.exit_code == 0, result.output
    assert "  Zoë Ó Briain (zoe-o-briain)\n" in result.output
    assert "  Dr Lee Chen (lee-chen)\n" in result.output
    assert "sap sign --partner zoe-o-briain " in result.output
    assert "sap reflect --phase start --partner zoe-o-briain " in result.output
    assert "--partner ID" not in result.output


LONG_ID = "2026-03-04-planning-the-student-focus-group-for-week-six-a1"


@pytest.mark.parametrize("columns", ["80", "60"])
def test_actions_never_cut_an_id(
    runner: CliRunner, team: Path, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    made = runner.invoke(
        cli.app,
        [
            "checkin", "demo", "--no-input", "--date", "2026-03-04",
            "--title", "Planning the student focus group for week six",
            "--action", "Sam Ortiz: Draft the interview questions for the focus group with the "
            "second-year students and send them round by 2026-03-11",
        ],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    monkeypatch.setenv("COLUMNS", columns)
    result = runner.invoke(cli.app, ["actions", "demo", "--date", "2026-03-05"])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert LONG_ID in lines  # alone on its line, whole: it can be copied as it is
    assert "…" not in result.output
    words = " ".join(result.output.split())
    assert "Sam Ortiz, due 2026-03-11, due-soon: Draft the interview questions" in words
    assert "send them round" in words  # the text is wrapped, not cut
    assert all(len(line) <= int(columns) for line in lines if line != LONG_ID)
    assert re.search(r"^  \S", lines[1])  # the details sit under the id, indented


OTHER_LETTERS = """\
partners:
  - {id: soren-o-briain, name: Søren Ó Briain, kind: student}
  - {id: wang-fang, name: 王芳, kind: student}
  - {id: sam-lee, name: Sam Lee, kind: student}
  - {id: aoife-ni-bhriain, name: Łukasz Wójcik, kind: faculty, preferred_name: Luke}
"""


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Soren", "soren-o-briain"),  # ø is no accented o: folding must still read it as o
        ("SØREN Ó BRIAIN", "soren-o-briain"),
        ("Wang Fang", "wang-fang"),  # 王芳 written the way its id was made
        ("Lukasz", "aoife-ni-bhriain"),
        ("luke", "aoife-ni-bhriain"),  # the preferred name
    ],
)
def test_letters_without_accents_preferred_names_and_names_written_as_their_id(
    make_partnership: Callable[..., Path], word: str, expected: str
) -> None:
    folder = make_partnership(roles=OTHER_LETTERS, goals=GOALS, timeline=TIMELINE)
    assert load_valid(folder).find_partner(word).id == expected
