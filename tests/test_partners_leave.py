"""Issue 18: a partner's preferred name and pronouns, and a partner who leaves (`left: DATE`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, assert_handled
from sap_cli import cli
from sap_cli.agreement.fingerprint import fingerprint, signing_states
from sap_cli.documents.pages import render_documents
from sap_cli.meetings.ledger import hours_by_partner
from sap_cli.partnership.load import load_valid
from sap_cli.review.anonymize import anonymize, replacements
from sap_cli.review.figures import build_review
from sap_cli.validation.check import check_folder

# Kiri goes by Kiri and leaves after the first meeting; Amira and Lee stay to the end.
ROLES = """\
partners:
  - id: amira-haddad
    name: Amira Haddad
    kind: student
    responsibilities:
      - Run the focus group
  - id: kiri-walker
    name: Kiri Walker
    preferred_name: Kiri
    pronouns: she/her
    kind: student
    responsibilities:
      - Draft the rubric
    left: 2026-02-01
    left_reason: Moved to part-time study
  - id: lee-chen
    name: Dr Lee Chen
    kind: faculty
"""

MEETINGS = {
    "2026-01-20-week-2": "attendees: [amira-haddad, kiri-walker, lee-chen]\n"
    "actions:\n  - id: 2026-01-20-week-2-a1\n    owner: kiri-walker\n    text: Draft the rubric\n"
    "hours:\n  kiri-walker: 2\npulse:\n  kiri-walker:\n    heard: 4\n",
    "2026-02-10-week-5": "attendees: [amira-haddad, lee-chen]\n",
    "2026-03-02-week-8": "attendees: [amira-haddad]\n",
}


def _write(folder: Path, meetings: dict[str, str]) -> None:
    (folder / "checkins").mkdir(exist_ok=True)
    for meeting_id, body in meetings.items():
        text = f"id: {meeting_id}\ndate: {meeting_id[:10]}\ntitle: Week\n{body}"
        (folder / "checkins" / f"{meeting_id}.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def team(make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    project = MINIMAL["project.yaml"].replace("recognition:\n", "recognition:\n  hours_per_week: 2\n")
    folder = make_partnership(roles=ROLES, project=project)
    _write(folder, MEETINGS)
    monkeypatch.chdir(folder.parent)
    return folder


def test_a_partner_who_left_is_valid_in_old_meetings_and_missing_from_none_later(team: Path) -> None:
    report = check_folder(team)
    assert [(p.severity, p.code, p.message) for p in report.problems] == []
    assert report.partnership is not None


def test_a_meeting_after_leaving_that_counts_them_in_is_a_warning(team: Path) -> None:
    _write(
        team,
        {
            "2026-03-16-week-10": "attendees: [amira-haddad, kiri-walker]\n"
            "actions:\n  - id: 2026-03-16-week-10-a1\n    owner: kiri-walker\n    text: Send the notes\n"
            "hours:\n  kiri-walker: 1\n"
        },
    )
    report = check_folder(team)
    found = [(Path(p.file).name, p.line, p.severity, p.code) for p in report.problems]
    assert found == [
        ("2026-03-16-week-10.yaml", 4, "warning", "after-leaving"),
        ("2026-03-16-week-10.yaml", 7, "warning", "after-leaving"),
        ("2026-03-16-week-10.yaml", 10, "warning", "after-leaving"),
    ]
    assert "but Kiri left the partnership on 2026-02-01" in report.problems[0].message
    assert report.partnership is not None  # a warning: the folder still loads


def test_a_reason_for_leaving_without_a_day_is_a_warning(make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership(roles=ROLES.replace("    left: 2026-02-01\n", ""))
    [problem] = check_folder(folder).problems
    assert (problem.code, problem.severity) == ("left-reason-without-day", "warning")


def test_who_left_without_signing_is_left_not_unsigned(team: Path) -> None:
    states = {s.partner_id: s.state for s in signing_states(load_valid(team))}
    assert states == {"amira-haddad": "not-signed", "kiri-walker": "left", "lee-chen": "not-signed"}


def test_attendance_counts_only_the_meetings_held_while_they_were_a_partner(team: Path) -> None:
    rows = {row["id"]: row for row in build_review(load_valid(team))["meetings"]["attendance"]}
    assert (rows["kiri-walker"]["attended"], rows["kiri-walker"]["held_while_partner"]) == (1, 1)
    assert rows["kiri-walker"]["share"] == 1.0
    assert rows["kiri-walker"]["left"] == "2026-02-01"
    assert (rows["lee-chen"]["attended"], rows["lee-chen"]["held_while_partner"]) == (2, 3)
    assert rows["amira-haddad"]["share"] == 1.0


def test_the_review_says_left_on_the_day(team: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["report", "demo", "-o", "-"])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    assert "| Kiri (left on 2026-02-01) | student | 1 of 1 | 100% |" in result.output
    assert (
        "Left the partnership without signing its current version: Kiri (left on 2026-02-01)."
        in result.output
    )


def test_hours_are_expected_only_until_they_left(team: Path) -> None:
    partnership = load_valid(team)
    rows = {row["id"]: row for row in hours_by_partner(partnership, as_of=partnership.project.end)}
    # 2026-01-12 to 2026-02-01 is 20 days: about 2.9 weeks at 2 hours a week.
    assert rows["kiri-walker"]["expected"] == 5.7
    assert rows["amira-haddad"]["expected"] == 38.0  # all 19 weeks of the project


def test_status_names_who_left_instead_of_asking_them_to_sign(team: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["status", "demo"])
    assert_handled(result)
    text = " ".join(result.output.split())
    assert "Kiri left on 2026-02-01, so is not asked to sign" in text
    assert "not signed yet: Amira Haddad, Dr Lee Chen" in text
    shown = json.loads(runner.invoke(cli.app, ["status", "demo", "--format", "json"]).output)
    kiri = next(p for p in shown["agreement"]["partners"] if p["partner"] == "kiri-walker")
    assert (kiri["state"], kiri["name"]) == ("left", "Kiri")
    assert kiri["reason"] == "they left the partnership on 2026-02-01, so they are not asked to sign"


def test_no_new_action_for_someone_who_left(team: Path, runner: CliRunner) -> None:
    before = sorted(p.name for p in (team / "checkins").iterdir())
    result = runner.invoke(
        cli.app,
        ["checkin", "demo", "--no-input", "--date", "2026-03-16", "--action", "kiri-walker: Send the notes"],
    )
    assert_handled(result)
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "Kiri left the partnership on 2026-02-01, so sap cannot give them an action" in text
    assert "nothing was written" in text
    assert sorted(p.name for p in (team / "checkins").iterdir()) == before


def test_someone_who_left_is_not_asked_to_sign(team: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["sign", "demo", "--partner", "kiri-walker"])
    assert_handled(result)
    assert result.exit_code == 2, result.output
    assert "Kiri left the partnership on 2026-02-01" in " ".join(result.output.split())
    assert not (team / "signatures").exists()


def test_the_agreement_names_them_as_they_prefer_with_pronouns(team: Path) -> None:
    [agreement] = render_documents(load_valid(team), ["agreement"])
    text = agreement.text
    assert "| Partner | Pronouns | Kind |" in text
    assert "| Kiri (Kiri Walker) (left on 2026-02-01) | she/her | student |" in text
    assert "| Amira Haddad | - | student |" in text
    assert "| Kiri (Kiri Walker) | left on 2026-02-01, not asked to sign | - | - |" in text


def test_none_of_the_new_fields_asks_anyone_to_sign_again(make_partnership: Callable[..., Path]) -> None:
    before = fingerprint(load_valid(make_partnership("before")))
    added = "    name: Amira Haddad\n    preferred_name: Mira\n    pronouns: she/her\n    left: 2026-03-01\n"
    roles = MINIMAL["roles.yaml"].replace("    name: Amira Haddad\n", added)
    after = fingerprint(load_valid(make_partnership("after", roles=roles)))
    assert after == before


def test_anonymising_removes_the_preferred_name_too(team: Path) -> None:
    roles = ROLES.replace("preferred_name: Kiri", "preferred_name: Kiki")
    (team / "roles.yaml").write_text(roles, encoding="utf-8")
    partnership = load_valid(team)
    assert anonymize("Kiki sent the notes", replacements(partnership)) == "Student B sent the notes"
