"""Signing the agreement: `sap sign`, fingerprints, who must sign again, and `sap agreement diff`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from conftest import replace_once, run_git
from sap_cli import cli
from sap_cli.agreement.diff import agreement_changes
from sap_cli.agreement.fingerprint import fingerprint
from sap_cli.agreement.sign import sign_partner
from sap_cli.partnership.load import load_valid
from sap_cli.validation.check import check_folder


def _sign(runner: CliRunner, folder: Path, partner: str, day: str) -> str:
    result = runner.invoke(cli.app, ["sign", str(folder), "--partner", partner, "--date", day])
    assert result.exit_code == 0, result.output
    return result.output


def _to_sign_again(runner: CliRunner, folder: Path) -> dict[str, list[str]]:
    status = runner.invoke(cli.app, ["status", str(folder), "--format", "json", "--date", "2026-02-01"])
    assert status.exit_code == 0, status.output
    partners = json.loads(status.output)["agreement"]["partners"]
    return {p["partner"]: p["changed"] for p in partners if p["state"] == "sign-again"}


def test_progress_does_not_change_the_fingerprint_but_the_plan_does(demo: Path) -> None:
    before = fingerprint(load_valid(demo))
    replace_once(
        demo / "timeline.yaml", "    goals: [new-rubric]\n", "    goals: [new-rubric]\n    done: 2026-03-18\n"
    )
    assert fingerprint(load_valid(demo)) == before
    replace_once(demo / "timeline.yaml", "due: 2026-03-20", "due: 2026-03-27")
    after = fingerprint(load_valid(demo))
    assert after.whole != before.whole
    assert [name for name in after.parts if after.parts[name] != before.parts[name]] == ["timeline"]


def test_two_sign_a_goal_changes_both_must_sign_again_then_the_warning_clears(
    runner: CliRunner, demo: Path
) -> None:
    """The issue's scenario, in a real git repository with the two signatures made on two branches."""
    run_git(demo, "init", "-q", "-b", "main")
    run_git(demo, "add", ".")
    run_git(demo, "commit", "-qm", "start")
    run_git(demo, "checkout", "-qb", "amira")
    _sign(runner, demo, "amira-haddad", "2026-01-12")
    run_git(demo, "add", ".")
    run_git(demo, "commit", "-qm", "Amira signs")
    run_git(demo, "checkout", "-q", "main")
    _sign(runner, demo, "lee-chen", "2026-01-13")
    run_git(demo, "add", ".")
    run_git(demo, "commit", "-qm", "Lee signs")
    run_git(demo, "merge", "-q", "--no-edit", "amira")  # fails the test on a conflict
    assert _to_sign_again(runner, demo) == {}
    amira_file = demo / "signatures/amira-haddad.yaml"
    first_signature = amira_file.read_bytes()

    replace_once(
        demo / "goals.yaml", "title: A lab rubric students understand", "title: A lab rubric all students use"
    )
    run_git(demo, "commit", "-qam", "goal reworded")
    assert _to_sign_again(runner, demo) == {
        "amira-haddad": ["goals and deliverables"],
        "lee-chen": ["goals and deliverables"],
    }
    warned = runner.invoke(cli.app, ["validate", str(demo)])
    assert "warning: Amira Haddad needs to sign the agreement again" in warned.output
    assert "warning: Dr Lee Chen needs to sign the agreement again" in warned.output
    assert warned.output.count("[sign-again]") == 2
    diff = runner.invoke(cli.app, ["agreement", "diff", str(demo)])
    assert diff.exit_code == 0, diff.output
    assert (
        "title: changed from 'A lab rubric students understand' to 'A lab rubric all students use'"
        in diff.output
    )

    said = _sign(runner, demo, "amira-haddad", "2026-02-01")
    assert "so this is version 2" in said
    assert _to_sign_again(runner, demo) == {"lee-chen": ["goals and deliverables"]}
    _sign(runner, demo, "lee-chen", "2026-02-01")
    assert _to_sign_again(runner, demo) == {}
    cleared = runner.invoke(cli.app, ["validate", str(demo)])
    assert cleared.exit_code == 0, cleared.output
    assert "is valid" in cleared.output and "sign-again" not in cleared.output
    assert "agreement_version: 2" in (demo / "project.yaml").read_text(encoding="utf-8")
    # Signing again adds to the end of the file; every byte before stays as it was.
    assert amira_file.read_bytes().startswith(first_signature)
    signatures = load_valid(demo).signatures
    assert [(s.partner, [x.version for x in s.signatures]) for s in signatures] == [
        ("amira-haddad", [1, 2]),
        ("lee-chen", [1, 2]),
    ]


def test_signing_the_same_agreement_twice_writes_nothing(runner: CliRunner, demo: Path) -> None:
    _sign(runner, demo, "amira-haddad", "2026-01-12")
    before = (demo / "signatures/amira-haddad.yaml").read_bytes()
    again = _sign(runner, demo, "amira-haddad", "2026-01-14")
    assert "has already signed version 1" in again
    assert (demo / "signatures/amira-haddad.yaml").read_bytes() == before


def test_signing_keeps_comments_in_the_signature_file(demo: Path) -> None:
    sign_partner(demo, "amira-haddad", dt.date(2026, 1, 12))
    path = demo / "signatures/amira-haddad.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "  # signed at the kick-off meeting\n", encoding="utf-8"
    )
    replace_once(demo / "project.yaml", "cadence: fortnightly", "cadence: weekly")
    sign_partner(demo, "amira-haddad", dt.date(2026, 1, 20))
    text = path.read_text(encoding="utf-8")
    assert "  # signed at the kick-off meeting\n" in text
    assert text.count("fingerprint:") == 2


def test_unknown_partner_is_refused_with_a_suggestion(runner: CliRunner, demo: Path) -> None:
    result = runner.invoke(cli.app, ["sign", str(demo), "--partner", "amria"])  # misspelt
    assert result.exit_code == 1
    assert "amira-haddad" in result.output
    assert not (demo / "signatures").exists()
    missing = runner.invoke(cli.app, ["sign", str(demo)])
    assert missing.exit_code == 2
    assert "--partner" in missing.output


def test_a_signature_without_fingerprint_goes_by_its_version(
    make_partnership: Callable[..., Path],
) -> None:
    """Signatures carried over from format 1 have no fingerprint: the version number decides."""
    folder = make_partnership()
    (folder / "signatures").mkdir()
    (folder / "signatures/amira-haddad.yaml").write_text(
        "partner: amira-haddad\nsignatures:\n  - date: 2026-01-12\n    version: 1\n", encoding="utf-8"
    )
    assert [p for p in check_folder(folder).problems if p.code == "sign-again"] == []
    cadence = "cadence: fortnightly"
    replace_once(folder / "project.yaml", cadence, cadence + "\nagreement_version: 2")
    warnings = [p for p in check_folder(folder).problems if p.code == "sign-again"]
    assert [(p.file.endswith("signatures/amira-haddad.yaml"), p.line) for p in warnings] == [(True, 3)]
    assert "signed version 1 on 2026-01-12, and the agreement has a newer version" in warnings[0].message

    signed = sign_partner(folder, "amira-haddad", dt.date(2026, 2, 1))
    assert signed.version == 2 and signed.new_version_from is None  # no fingerprint, so no new version
    assert [p for p in check_folder(folder).problems if p.code == "sign-again"] == []


def test_signature_files_are_checked(demo: Path) -> None:
    sign_partner(demo, "amira-haddad", dt.date(2026, 1, 12))
    (demo / "signatures/amira-haddad.yaml").rename(demo / "signatures/lee-chen.yaml")
    replace_once(demo / "signatures/lee-chen.yaml", "version: 1", "version: 3")
    problems = {(p.code, p.severity) for p in check_folder(demo).problems}
    assert ("signature-not-file-name", "error") in problems
    assert ("unknown-version", "error") in problems


def test_signature_of_a_partner_who_left_is_kept_with_a_warning(demo: Path) -> None:
    sign_partner(demo, "lee-chen", dt.date(2026, 1, 12))
    before = (demo / "signatures/lee-chen.yaml").read_bytes()
    replace_once(demo / "roles.yaml", "  - id: lee-chen\n    name: Dr Lee Chen\n    kind: faculty\n", "")
    replace_once(demo / "goals.yaml", "      - lee-chen\n", "")
    replace_once(demo / "timeline.yaml", "owners: [lee-chen]", "owners: [amira-haddad]")
    found = [p for p in check_folder(demo).problems if p.code == "signature-of-unknown-partner"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert (demo / "signatures/lee-chen.yaml").read_bytes() == before


def test_rendered_agreement_shows_signatures_and_who_must_sign_again(runner: CliRunner, demo: Path) -> None:
    sign_partner(demo, "amira-haddad", dt.date(2026, 1, 12))
    replace_once(demo / "matrix.yaml", "control: shared", "control: staff")
    assert runner.invoke(cli.app, ["render", str(demo), "agreement"]).exit_code == 0
    page = (demo / "docs/agreement.md").read_text(encoding="utf-8")
    old = fingerprint(load_valid(demo))
    assert f"This version's fingerprint is `{old.whole}`" in page
    assert "| Amira Haddad | 2026-01-12 | 1 (needs to sign again) |" in page
    assert "| Dr Lee Chen | not yet | - | - |" in page
    assert "- Amira Haddad: they signed version 1 on 2026-01-12" in page
    assert "changed: participation matrix" in page


def test_diff_without_git_names_the_parts_only(demo: Path) -> None:
    sign_partner(demo, "amira-haddad", dt.date(2026, 1, 12))
    replace_once(demo / "project.yaml", "end: 2026-05-29", "end: 2026-06-12")
    changes = agreement_changes(demo)
    assert changes.since == "version 1, signed 2026-01-12"
    assert changes.changes == {"dates and meeting rhythm": []}
    assert not changes.detailed


def test_diff_since_a_day_uses_git_history(runner: CliRunner, demo: Path) -> None:
    run_git(demo, "init", "-q", "-b", "main")
    run_git(demo, "add", ".")
    run_git(demo, "commit", "-qm", "start")
    replace_once(
        demo / "roles.yaml",
        "      - Run the focus group\n",
        "      - Run the focus group\n      - Draft the rubric\n",
    )
    today = dt.date.today().isoformat()
    result = runner.invoke(cli.app, ["agreement", "diff", str(demo), "--since", today])
    assert result.exit_code == 0, result.output
    assert "'Amira Haddad', responsibilities: added 'Draft the rubric'" in result.output
    nothing = runner.invoke(cli.app, ["agreement", "diff", str(demo), "--since", "2000-01-01"])
    assert nothing.exit_code == 1
    assert "no committed agreement on or before 2000-01-01" in nothing.output


def test_diff_explains_what_it_needs(runner: CliRunner, demo: Path) -> None:
    unsigned = runner.invoke(cli.app, ["agreement", "diff", str(demo)])
    assert unsigned.exit_code == 1
    assert "nobody has signed the agreement with `sap sign` yet" in unsigned.output
    wrong = runner.invoke(cli.app, ["agreement", "diff", str(demo), "--since", "last week"])
    assert wrong.exit_code == 2
    assert "neither a version number nor a date" in wrong.output


def test_diff_reads_history_through_the_guarded_reader(runner: CliRunner, demo: Path) -> None:
    """An old commit with an impossible date is skipped with the rest of the record, never a traceback."""
    run_git(demo, "init", "-q", "-b", "main")
    run_git(demo, "add", ".")
    run_git(demo, "commit", "-qm", "start")
    project = (demo / "project.yaml").read_text(encoding="utf-8")
    (demo / "project.yaml").write_text(project + "review_date: 2026-02-30\n", encoding="utf-8")
    run_git(demo, "commit", "-qam", "a review date that is not in the calendar")
    (demo / "project.yaml").write_text(project, encoding="utf-8")
    focus = "      - Run the focus group\n"
    replace_once(demo / "roles.yaml", focus, focus + "      - Draft it\n")
    today = dt.date.today().isoformat()
    result = runner.invoke(cli.app, ["agreement", "diff", str(demo), "--since", today])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    assert "added 'Draft it'" in result.output
