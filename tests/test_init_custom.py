"""`sap init` inside a programme: --custom NAME=VALUE typed by programme.yaml, and a `custom:` block
with a commented placeholder for each declared field; a required field left empty is for partners
to fill in, not a bug in sap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_handled
from sap_cli import cli
from sap_cli.cli import interaction
from sap_cli.model.base import TEXT_LIMIT
from sap_cli.validation.check import check_folder

PROGRAMME = """\
name: Students as Partners 2026
rounds:
  - id: round-1
    title: Round 1, 2026
custom:
  round: {type: text, required: true, description: The funding round.}
  budget_code: {type: text}
  hours: {type: number, description: Paid student hours agreed.}
  started: {type: date}
  faculties: {type: list, choices: [Science, Arts, Health]}
"""

INIT = [
    "init",
    "science/biol-201",
    "--no-input",
    "--title",
    "Co-designing BIOL 201",
    "--student",
    "Amira Haddad",
    "--faculty",
    "Dr Lee Chen",
    "--template",
    "course-redesign",
]


@pytest.fixture
def programme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with programme.yaml at its top, as the working folder."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "programme.yaml").write_text(PROGRAMME, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def words(text: str) -> str:
    return " ".join(text.split())


def custom_problems(folder: Path) -> list[tuple[str, int]]:
    report = check_folder(folder)
    return [(p.code, p.line) for p in report.problems if "custom" in p.code or "unknown-" in p.code]


def test_a_required_field_not_given_is_left_to_fill_in_with_a_hint(
    runner: CliRunner, programme: Path
) -> None:
    result = runner.invoke(cli.app, INIT)
    assert_handled(result)
    assert result.exit_code == 0, result.output
    said = words(result.output)
    assert "a bug in sap" not in said
    assert (
        "programme.yaml asks every partnership for: round (required). Fill it in under custom: in "
        "project.yaml, or next time use --custom round=ID." in said
    )
    text = (programme / "science/biol-201/project.yaml").read_text(encoding="utf-8")
    block = text[text.index("\ncustom:\n") :]
    assert (
        "  # Text, required. The funding round. Write the id of one: round-1 (Round 1, 2026).\n  round:\n"
        in block
    )
    assert "  # Text, optional.\n  budget_code:\n" in block
    assert "  # A number, optional. Paid student hours agreed.\n  hours:\n" in block
    assert "  # A date (YYYY-MM-DD), optional.\n  started:\n" in block
    assert "Choose one of: Science, Arts, Health." in block
    assert "../../programme.yaml asks every partnership for these fields" in text
    # The file loads, and validate reports the empty required field at its own line.
    round_line = text.splitlines().index("  round:") + 1
    assert custom_problems(programme / "science/biol-201") == [("custom-missing", round_line)]


def test_given_values_are_written_typed_and_pass_validate(runner: CliRunner, programme: Path) -> None:
    given = [
        "round=round-1",
        "budget_code=4410",
        "hours=12.5",
        "started=2026-03-04",
        "faculties=Science; Arts",
        "faculties=Health",
    ]
    result = runner.invoke(cli.app, [*INIT, *(arg for pair in given for arg in ("--custom", pair))])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    assert "asks every partnership for:" not in words(result.output)
    folder = programme / "science/biol-201"
    assert custom_problems(folder) == []
    partnership = check_folder(folder).partnership
    assert partnership is not None
    assert partnership.project.custom == {
        "round": "round-1",
        "budget_code": "4410",  # text, though it looks like a number
        "hours": 12.5,
        "started": dt.date(2026, 3, 4),
        "faculties": ["Science", "Arts", "Health"],
    }
    assert "  hours: 12\n" in _init_text(runner, programme, "hours=12")  # a whole number stays one


def _init_text(runner: CliRunner, programme: Path, pair: str) -> str:
    result = runner.invoke(cli.app, [*INIT[:1], "other", *INIT[2:], "--custom", pair])
    assert result.exit_code == 0, result.output
    return (programme / "other/project.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("pair", "said"),
    [
        ("rond=round-1", "declares no custom field 'rond' (did you mean 'round'?)"),
        ("hours=twelve", "custom field 'hours' should be a number"),
        ("started=4/3/2026", "custom field 'started' should be a date"),
        ("round=round-2", "not one of the rounds programme.yaml lists (did you mean 'round-1'?)"),
        ("faculties=Science;Maths", "'Maths' is not one of the choices"),
        ("budget_code=", "--custom budget_code= has no value"),
        ("budget_code", "is not NAME=VALUE"),
        ("budget_code=" + "x" * (TEXT_LIMIT + 1), "--custom budget_code= cannot be used"),
    ],
)
def test_a_bad_custom_value_is_a_usage_error_and_nothing_is_written(
    runner: CliRunner, programme: Path, pair: str, said: str
) -> None:
    result = runner.invoke(cli.app, [*INIT, "--custom", pair])
    assert_handled(result)
    assert result.exit_code == 2, result.output
    assert said in words(result.output)
    assert "nothing was written" in words(result.output)
    assert not (programme / "science").exists()


def test_a_field_given_twice_is_refused_unless_it_is_a_list(runner: CliRunner, programme: Path) -> None:
    result = runner.invoke(cli.app, [*INIT, "--custom", "hours=1", "--custom", "hours=2"])
    assert result.exit_code == 2, result.output
    assert "given twice" in words(result.output)
    assert not (programme / "science").exists()


def test_custom_outside_any_programme_is_refused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, [*INIT, "--custom", "round=1"])
    assert_handled(result)
    assert result.exit_code == 2, result.output
    assert "there is no programme.yaml" in words(result.output)
    assert not (tmp_path / "science").exists()


def test_outside_a_programme_project_yaml_has_no_custom_block(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A regression guard (passes before and after): no programme, or one declaring no field."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    texts = []
    for folder, programme in (("alone", None), ("listed", "name: P\n")):
        if programme is not None:
            (tmp_path / "programme.yaml").write_text(programme, encoding="utf-8")
        result = runner.invoke(cli.app, ["init", folder, *INIT[2:], "--start", "2026-01-12"])
        assert result.exit_code == 0, result.output
        assert "asks every partnership" not in words(result.output)
        texts.append((tmp_path / folder / "project.yaml").read_text(encoding="utf-8"))
    assert texts[0] == texts[1]
    assert "custom:\n  # For example:" in texts[0]


def test_an_unreadable_programme_yaml_refuses_custom_but_not_init(runner: CliRunner, programme: Path) -> None:
    (programme / "programme.yaml").write_text("name: P\ncustom: {round: {type: colour}}\n", encoding="utf-8")
    refused = runner.invoke(cli.app, [*INIT, "--custom", "round=round-1"])
    assert_handled(refused)
    assert refused.exit_code == 1, refused.output
    assert "so sap did not use it" in words(refused.output)
    assert not (programme / "science").exists()
    started = runner.invoke(cli.app, INIT)
    assert started.exit_code == 0, started.output
    assert "custom:\n  # For example:" in (programme / "science/biol-201/project.yaml").read_text("utf-8")


def test_the_wizard_asks_for_each_declared_field(
    runner: CliRunner, programme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(interaction, "can_prompt", lambda no_input: True)
    answers = [
        "round-9",  # round: not a listed id, asked again
        "round-1",
        "",  # budget_code: later
        "twelve",  # hours: not a number, asked again
        "12",
        "",  # started
        "",  # faculties
        "n",  # git
    ]
    args = [a for a in INIT if a != "--no-input"] + ["--start", "2026-01-12", "--end", "2026-05-01"]
    args += ["--cadence", "weekly"]
    result = runner.invoke(cli.app, args, input="\n".join(answers) + "\n")
    assert_handled(result)
    assert result.exit_code == 0, result.output
    said = words(result.output)
    assert "not one of the rounds" in said
    assert "should be a number" in said
    folder = programme / "science/biol-201"
    partnership = check_folder(folder).partnership
    assert partnership is not None
    assert partnership.project.custom == {
        "round": "round-1",
        "budget_code": None,
        "hours": 12,
        "started": None,
        "faculties": None,
    }
