"""What `sap report --anonymize` replaced, listed on the terminal; words withheld from project.yaml;
a partner's e-mail; file names made neutral."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, assert_handled
from sap_cli import cli
from sap_cli.review.anonymize import fold

ROLES = """\
partners:
  - id: aoife-ni-bhriain
    name: Aoife Ní Bhriain
    kind: student
  - id: sam-raman
    name: Sam Raman
    kind: student
  - id: priya-patel
    name: Priya Patel
    kind: student
  - id: lee-chen
    name: Dr Lee Chen
    kind: faculty
    email: lee.chen@uni.example
"""

PROJECT = (
    MINIMAL["project.yaml"]
    + """\
dissemination:
  plan: >-
    Aoife presents the Raman spectroscopy lab at the EDUC1234 showcase; aoife and Ní Bhriain
    write it up with prof. MARY BYRNE of Northfield Academy. Questions to lee.chen at uni dot
    example, or write to lee.chen@uni.example.
  venues: ["educ1234 teaching day", "NORTHFIELD ACADEMY newsletter"]
anonymize:
  also: [EDUC1234, Prof. Mary Byrne, Northfield Academy]
"""
)

# Where partners wrote file names in their own words: a stage's note of what happened.
MATRIX = """\
stages:
  - id: design
    name: Designing the rubric
    involvements:
      - level: partnership
        who: Student partners (n=3)
    control: shared
    enacted:
      involvements:
        - level: partnership
          who: Student partners (n=3)
      note: >-
        Agreed in signatures/sam-raman.yaml; Priya kept notes in reflections/end-priya-patel.md
        and the draft in Drafts/aoife-rubric-v2.docx, then aoife_rubric_v3.DOCX; see aoife_rubric_v3.docx
        and goals.yaml.
"""

SECRETS = [
    "aoife", "bhriain", "raman", "priya", "patel", "chen", "lee.chen", "@uni.example",
    "educ1234", "mary byrne", "northfield", "sam-raman", "priya-patel", "aoife_rubric", "rubric-v2",
]  # fmt: skip


@pytest.fixture
def team(make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    goals = MINIMAL["goals.yaml"].replace("amira-haddad", "aoife-ni-bhriain")
    folder = make_partnership(project=PROJECT, roles=ROLES, goals=goals, matrix=MATRIX)
    monkeypatch.chdir(folder.parent)
    return folder


def _report(runner: CliRunner, *args: str) -> tuple[str, str]:
    result = runner.invoke(cli.app, ["report", "demo", "--anonymize", *args])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def _leaks(text: str) -> list[str]:
    folded = fold(text)
    return [secret for secret in SECRETS if fold(secret) in folded]


def test_the_list_counts_each_partner_and_names_the_matches_to_check(team: Path, runner: CliRunner) -> None:
    shown, _ = _report(runner)
    assert "wrote demo/docs/review-anonymized.md" in shown
    lines = shown.splitlines()
    aoife = next(line for line in lines if line.startswith("  Student A (Aoife Ní Bhriain): "))
    # The forms as they were written, most frequent first, each counted once per replacement.
    assert '"Aoife" 1' in aoife and '"aoife" 1' in aoife
    assert '"Ní Bhriain" 1' in aoife
    assert '  [withheld 1] (EDUC1234): 2 times: "EDUC1234" 1, "educ1234" 1' in lines
    assert any(
        line.startswith('  [withheld 2] (Prof. Mary Byrne): 1 time: "prof. MARY BYRNE" 1') for line in lines
    )
    assert "  1 e-mail address masked; 5 file names made neutral." in lines
    # A surname that is also a scientific word is replaced inside the term: listed for checking.
    assert '  "Raman spectroscopy" became "Student B spectroscopy"' in lines
    assert '  "Priya kept" became "Student C kept"' in lines
    # The full name, an id or the e-mail address is no reason to check anything.
    assert not any("became" in line and ("lee.chen" in line or "aoife-ni" in line) for line in lines)


def test_the_list_is_never_in_the_written_review(team: Path, runner: CliRunner) -> None:
    _report(runner)
    page = (team / "docs" / "review-anonymized.md").read_text(encoding="utf-8")
    assert "became" not in page and "replaces" not in page
    assert _leaks(page) == []
    assert "Student B spectroscopy" in page


@pytest.mark.parametrize("args", [["-o", "-"], ["--format", "json"]])
def test_the_list_goes_to_standard_error_when_the_review_is_printed(
    team: Path, runner: CliRunner, args: list[str]
) -> None:
    out, err = _report(runner, *args)
    assert "What the anonymised review replaces" in err and "Student B (Sam Raman)" in err
    assert "What the anonymised review replaces" not in out
    assert _leaks(out) == []
    if "json" in args:
        json.loads(out)  # the pipe holds the figures alone


def test_withheld_words_are_gone_from_markdown_and_json_whatever_their_case(
    team: Path, runner: CliRunner
) -> None:
    page, _ = _report(runner, "-o", "-")
    figures, _ = _report(runner, "--format", "json")
    plan = json.loads(figures)["dissemination"]
    assert plan["venues"] == ["[withheld 1] teaching day", "[withheld 3] newsletter"]
    assert "[withheld 2] of [withheld 3]" in plan["plan"]
    for text in (page, figures):
        assert _leaks(text) == []
    assert "[withheld 1] showcase" in figures
    assert "\\[withheld 1\\] showcase" in page  # escaped, so Markdown shows the brackets as typed


def test_a_partners_email_and_the_part_before_the_at_are_replaced(team: Path, runner: CliRunner) -> None:
    figures, _ = _report(runner, "--format", "json")
    plan = json.loads(figures)["dissemination"]["plan"]
    assert "Questions to Faculty D at uni dot example, or write to [e-mail address]." in plan


def test_file_names_are_made_neutral(team: Path, runner: CliRunner) -> None:
    page, _ = _report(runner, "-o", "-")
    figures, _ = _report(runner, "--format", "json")
    note = json.loads(figures)["power"]["stages"][0]["note"]
    # A partner's own files by their pseudonym; any other file by a number, the same file the
    # same number whatever its case; the files every partnership has stay as they are.
    assert note.startswith(
        "Agreed in signatures/student-b.yaml; Student C kept notes in reflections/end-student-c.md"
    )
    assert "the draft in [file 1], then [file 2]; see [file 2]" in note
    assert note.endswith("and goals.yaml.")
    assert "Student A rubric" not in note  # 'Drafts/aoife-rubric-v2.docx': the path, from its folder
    for text in (page, figures):
        assert _leaks(text) == []


def test_an_empty_entry_to_withhold_is_refused_at_its_line(
    make_partnership: Callable[..., Path], runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = MINIMAL["project.yaml"] + "anonymize:\n  also:\n    - EDUC1234\n    - ''\n"
    folder = make_partnership(project=project)
    monkeypatch.chdir(folder.parent)
    result = runner.invoke(cli.app, ["validate", "demo"])
    assert_handled(result)
    assert result.exit_code == 1
    assert re.search(r"demo/project\.yaml:10:7: error: 'also' is empty", result.output), result.output


def test_an_email_that_is_not_an_address_is_refused(
    make_partnership: Callable[..., Path], runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    roles = MINIMAL["roles.yaml"] + "    email: lee.chen at uni\n"
    folder = make_partnership(roles=roles)
    monkeypatch.chdir(folder.parent)
    result = runner.invoke(cli.app, ["validate", "demo"])
    assert_handled(result)
    assert result.exit_code == 1
    assert "demo/roles.yaml:10:12: error: 'lee.chen at uni' is not an e-mail address" in result.output


def test_an_email_or_words_to_withhold_ask_no_one_to_sign_again(
    make_partnership: Callable[..., Path],
) -> None:
    from sap_cli.agreement.fingerprint import fingerprint
    from sap_cli.partnership.load import load_valid

    before = fingerprint(load_valid(make_partnership("before")))
    after = make_partnership(
        "after",
        roles=MINIMAL["roles.yaml"] + "    email: lee.chen@uni.example\n",
        project=MINIMAL["project.yaml"] + "anonymize:\n  also: [EDUC1234]\n",
    )
    assert fingerprint(load_valid(after)) == before


def test_a_long_list_to_check_is_cut_short(make_partnership: Callable[..., Path]) -> None:
    from rich.console import Console

    from sap_cli.cli.replaced import print_replaced
    from sap_cli.partnership.load import load_valid
    from sap_cli.review.anonymize import anonymize_and_count, replacements

    words = [f"word{letter}" for letter in "abcdefghijklmnop"]
    text = " ".join(f"Amira {word}." for word in words) + " Amira worda. Haddad"
    found = replacements(load_valid(make_partnership()))
    _, tally = anonymize_and_count({"note": text}, found)
    console = Console(record=True, width=200)
    print_replaced(tally, console)
    shown = console.export_text()
    assert '"Amira worda" became "Student A worda" (2 times)' in shown  # the most frequent first
    assert "and 7 more." in shown
    assert "Check 18 replacements where only part of a name was found" in shown
    assert '"Amira wordp"' not in shown  # cut
    assert 'Student A (Amira Haddad): 18 times: "Amira" 17, "Haddad" 1' in shown
