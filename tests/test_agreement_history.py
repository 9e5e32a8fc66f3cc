"""The agreement's version history, editorial changes that need no new signatures, SoTL health warnings."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from conftest import assert_handled, replace_once
from sap_cli import cli
from sap_cli.agreement.fingerprint import signing_states
from sap_cli.agreement.history import version_history
from sap_cli.partnership.load import load_valid
from sap_cli.review.figures import build_review
from sap_cli.validation.check import check_folder

NOTE = "Fixed a typo in the title"


def _run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli.app, list(args))
    assert_handled(result)
    assert result.exit_code == 0, result.output
    return result.output


def _sign_both(runner: CliRunner, folder: Path) -> None:
    _run(runner, "sign", str(folder), "--partner", "amira-haddad", "--date", "2026-01-12")
    _run(runner, "sign", str(folder), "--partner", "lee-chen", "--date", "2026-01-13")


def _signing(runner: CliRunner, folder: Path) -> dict[str, dict[str, object]]:
    out = _run(runner, "status", str(folder), "--format", "json", "--date", "2026-02-01")
    return {p["partner"]: p for p in json.loads(out)["agreement"]["partners"]}


def _fix_title_typo(folder: Path) -> None:
    replace_once(
        folder / "project.yaml", "title: Co-designing BIOL 201", "title: Co-designing BIOL 201 together"
    )


def _editorial(runner: CliRunner, folder: Path, note: str = NOTE) -> Result:
    return runner.invoke(
        cli.app,
        [
            "agreement",
            "editorial",
            str(folder),
            "--partner",
            "lee-chen",
            "--note",
            note,
            "--date",
            "2026-01-20",
        ],
    )


def _codes(folder: Path, code: str) -> list[str]:
    return [p.message for p in check_folder(folder).problems if p.code == code]


# --- version history -------------------------------------------------------------------------------


def test_history_lists_each_version_what_changed_and_who_signed_it(runner: CliRunner, demo: Path) -> None:
    _sign_both(runner, demo)
    replace_once(demo / "goals.yaml", "title: A lab rubric students understand", "title: A rubric all use")
    _run(runner, "sign", str(demo), "--partner", "amira-haddad", "--date", "2026-01-19")
    replace_once(demo / "project.yaml", "pay_rate: £13.50 an hour", "pay_rate: £14 an hour")
    rows = [entry.as_dict() for entry in version_history(load_valid(demo))]
    assert rows == [
        {
            "version": 1,
            "date": "2026-01-12",
            "changed": "First version.",
            "signed": "Amira Haddad, 2026-01-12; Dr Lee Chen, 2026-01-13",
        },
        {
            "version": 2,
            "date": "2026-01-19",
            "changed": "Changed: goals and deliverables.",
            "signed": "Amira Haddad, 2026-01-19",
        },
        {
            "version": 3,
            "date": None,
            "changed": "Changed: recognition (time, pay, credit).",
            "signed": "Nobody yet.",
        },
    ]
    _run(runner, "render", str(demo))
    page = (demo / "docs/agreement.md").read_text(encoding="utf-8")
    history = page[page.index("## Version history") :]
    assert "| 2 | 2026-01-19 | Changed: goals and deliverables. | Amira Haddad, 2026-01-19 |" in history
    assert "| 3 | not yet | Changed: recognition (time, pay, credit). | Nobody yet. |" in history
    assert _run(runner, "render", str(demo), "--check").startswith("The documents are up to date")


def test_history_escapes_a_partners_note_for_the_table(runner: CliRunner, demo: Path) -> None:
    _sign_both(runner, demo)
    _fix_title_typo(demo)
    assert _editorial(runner, demo, "title | now *longer*").exit_code == 0
    _run(runner, "render", str(demo))
    page = (demo / "docs/agreement.md").read_text(encoding="utf-8")
    row = next(line for line in page.splitlines() if line.startswith("| 2 |"))
    assert row.count(" | ") == 3  # the note's bar does not open a fifth column


# --- editorial changes ----------------------------------------------------------------------------


def test_a_typo_marked_editorial_keeps_everyone_signed_and_the_history_says_so(
    runner: CliRunner, demo: Path
) -> None:
    _sign_both(runner, demo)
    _fix_title_typo(demo)
    assert _signing(runner, demo)["amira-haddad"]["state"] == "sign-again"
    marked = _editorial(runner, demo)
    assert_handled(marked)
    assert marked.exit_code == 0, marked.output
    assert "Version 2 of the agreement is an editorial change" in marked.output
    assert "agreement_version: 2" in (demo / "project.yaml").read_text(encoding="utf-8")

    states = _signing(runner, demo)
    assert {p: s["state"] for p, s in states.items()} == {"amira-haddad": "signed", "lee-chen": "signed"}
    [amira, _] = signing_states(load_valid(demo))
    assert amira.covered == f"signed version 1; version 2 was an editorial change: {NOTE}"
    assert _codes(demo, "sign-again") == []
    status = _run(runner, "status", str(demo), "--date", "2026-02-01")
    assert f"version 2 was an editorial change: {NOTE}" in " ".join(status.split())

    before = (demo / "signatures/amira-haddad.yaml").read_bytes()
    signed = _run(runner, "sign", str(demo), "--partner", "amira-haddad", "--date", "2026-01-21")
    assert "does not need to sign again: signed version 1; version 2 was an editorial change" in " ".join(
        signed.split()
    )
    assert (demo / "signatures/amira-haddad.yaml").read_bytes() == before

    [_, second] = [entry.as_dict() for entry in version_history(load_valid(demo))]
    assert second["changed"].startswith("Editorial change, wording only")
    assert NOTE in second["changed"] and "Everyone who signed version 1 counts as signed" in second["changed"]
    assert second["signed"] == "Dr Lee Chen, 2026-01-20 (marked it editorial)"


def test_a_change_of_terms_cannot_be_marked_editorial(runner: CliRunner, demo: Path) -> None:
    _sign_both(runner, demo)
    _fix_title_typo(demo)
    replace_once(demo / "goals.yaml", "title: A lab rubric students understand", "title: A rubric all use")
    files = {p: p.read_bytes() for p in [demo / "project.yaml", *sorted((demo / "signatures").iterdir())]}
    refused = _editorial(runner, demo)
    assert_handled(refused)
    assert refused.exit_code == 1
    said = " ".join(refused.output.split())
    assert "did not mark this change as editorial, and nothing was written" in said
    assert "goals and deliverables" in said and "sign again" in said
    assert {p: p.read_bytes() for p in files} == files
    assert set(_signing(runner, demo)) == {"amira-haddad", "lee-chen"}
    assert {s["state"] for s in _signing(runner, demo).values()} == {"sign-again"}


def test_values_in_section_1_are_terms_even_beside_the_title(runner: CliRunner, demo: Path) -> None:
    _sign_both(runner, demo)
    replace_once(
        demo / "project.yaml",
        "cadence: fortnightly\n",
        "cadence: fortnightly\nown_values: [Nobody works unpaid]\n",
    )
    refused = _editorial(runner, demo)
    assert refused.exit_code == 1
    assert "title, summary, areas and values" in " ".join(refused.output.split())


def test_a_real_change_after_an_editorial_one_asks_everyone_again(runner: CliRunner, demo: Path) -> None:
    _sign_both(runner, demo)
    _fix_title_typo(demo)
    assert _editorial(runner, demo).exit_code == 0
    replace_once(demo / "project.yaml", "pay_rate: £13.50 an hour", "pay_rate: £10 an hour")
    states = _signing(runner, demo)
    assert {s["state"] for s in states.values()} == {"sign-again"}
    assert states["amira-haddad"]["changed"] == [
        "title, summary, areas and values",
        "recognition (time, pay, credit)",
    ]
    # and marking it editorial is refused, even though the version before was itself editorial
    assert _editorial(runner, demo).exit_code == 1


def test_an_unmarked_second_typo_asks_again(runner: CliRunner, demo: Path) -> None:
    _sign_both(runner, demo)
    _fix_title_typo(demo)
    assert _editorial(runner, demo).exit_code == 0
    replace_once(demo / "project.yaml", "BIOL 201 together", "BIOL 201, together")
    assert {s["state"] for s in _signing(runner, demo).values()} == {"sign-again"}


def test_editorial_needs_a_signed_version_with_terms_and_a_note(runner: CliRunner, demo: Path) -> None:
    nothing_signed = _editorial(runner, demo)
    assert nothing_signed.exit_code == 1
    assert "nobody has signed version 1" in nothing_signed.output
    _sign_both(runner, demo)
    unchanged = _editorial(runner, demo)
    assert "has not changed since version 1 was signed" in " ".join(unchanged.output.split())
    _fix_title_typo(demo)
    assert _editorial(runner, demo, "  ").exit_code == 2
    for name in ("amira-haddad", "lee-chen"):  # as signed by an older sap, which kept no terms
        path = demo / "signatures" / f"{name}.yaml"
        path.write_text(
            "".join(
                line for line in path.read_text(encoding="utf-8").splitlines(True) if "terms:" not in line
            ),
            encoding="utf-8",
        )
    old = _editorial(runner, demo)
    assert old.exit_code == 1
    assert "signed before sap could tell a change of wording" in " ".join(old.output.split())


# --- health warnings ------------------------------------------------------------------------------


def test_ethics_status_empty_in_a_project_that_collects_data_from_people(demo: Path) -> None:
    assert _codes(demo, "ethics-status-empty") == []  # a rubric redesign: no alarm
    replace_once(demo / "matrix.yaml", "who: Student partners (n=2)", "who: Focus group of classmates (n=8)")
    [message] = _codes(demo, "ethics-status-empty")
    assert "matrix stage 'Designing the rubric' mentions 'focus group'" in message
    replace_once(
        demo / "project.yaml", "cadence: fortnightly\n", "cadence: fortnightly\nethics:\n  status: unsure\n"
    )
    assert _codes(demo, "ethics-status-empty") == []


def test_ethics_status_empty_in_a_sotl_project(demo: Path) -> None:
    replace_once(demo / "project.yaml", "cadence: fortnightly\n", "cadence: fortnightly\nareas: [sotl]\n")
    [message] = _codes(demo, "ethics-status-empty")
    assert "areas: sotl" in message


def test_data_terms_still_to_agree_when_someone_signs(runner: CliRunner, demo: Path) -> None:
    assert _codes(demo, "data-terms-to-agree") == []  # nobody has signed: still being drafted
    _run(runner, "sign", str(demo), "--partner", "amira-haddad", "--date", "2026-01-12")
    found = _codes(demo, "data-terms-to-agree")
    assert len(found) == 3
    assert "data: ip (who owns what the partnership makes) is still 'to agree'" in found[1]
    assert "yet Amira Haddad has signed it" in found[1]
    replace_once(
        demo / "project.yaml",
        "cadence: fortnightly\n",
        "cadence: fortnightly\ndata:\n  storage: OneDrive\n  ip: The university's\n"
        "  confidentiality: Names stay here\n",
    )
    assert _codes(demo, "data-terms-to-agree") == []


def test_a_stage_enacted_lower_than_planned_is_a_challenge(demo: Path) -> None:
    assert not any("lower level" in c for c in build_review(load_valid(demo))["challenges"])
    replace_once(
        demo / "matrix.yaml",
        "    control: shared\n",
        "    control: shared\n    enacted:\n      involvements:\n"
        "        - level: consult\n          who: Two students\n",
    )
    challenges = build_review(load_valid(demo))["challenges"]
    assert (
        "Students took part at a lower level than planned: Designing the rubric (planned: partnership; "
        "enacted: consult)." in challenges
    )
