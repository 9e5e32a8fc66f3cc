"""sap upgrade: a folder in the first released format (1) reaches today's format, losing nothing."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_handled, run_git, terminal_run
from sap_cli import cli
from sap_cli.agreement.fingerprint import signing_states
from sap_cli.model.folder import SCHEMA_VERSION
from sap_cli.upgrade import ChangedMeanwhile, apply_upgrade, plan_upgrade
from sap_cli.validation.check import check_folder

FORMAT_1 = Path(__file__).parent / "fixtures" / "format-1" / "course-redesign"
SIGN_OFF = "    sign_off: {date: 2026-03-20, version: 2}  # signed after her placement visit\n"


@pytest.fixture
def old(tmp_path: Path) -> Path:
    folder = tmp_path / "geog210"
    shutil.copytree(FORMAT_1, folder)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_fixture_is_really_format_1() -> None:
    assert "schema_version: 1\n" in (FORMAT_1 / "project.yaml").read_text(encoding="utf-8")
    assert SIGN_OFF in (FORMAT_1 / "roles.yaml").read_text(encoding="utf-8")
    assert SCHEMA_VERSION == 2


def test_an_older_folder_is_named_as_such_and_points_to_sap_upgrade(runner: CliRunner, old: Path) -> None:
    for command in ("validate", "status", "render"):
        result = runner.invoke(cli.app, [command, str(old)])
        assert result.exit_code == 1
        assert (
            "project.yaml:1:17: error: this partnership uses file format 1, from an older sap"
            in result.output
        )
        assert "Run `sap upgrade` in the folder" in result.output


def test_dry_run_shows_every_change_and_writes_nothing(runner: CliRunner, old: Path) -> None:
    before = snapshot(old)
    result = runner.invoke(cli.app, ["upgrade", str(old), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert snapshot(old) == before
    lines = result.output.splitlines()
    assert "-" + SIGN_OFF.rstrip("\n") in lines
    assert "-schema_version: 1" in lines and "+schema_version: 2" in lines
    assert "+++ b/signatures/kiri-walker.yaml" in lines
    assert lines[-1] == "Nothing was changed (--dry-run). Run `sap upgrade` to make these changes."


def test_upgrade_moves_sign_offs_to_signatures_and_keeps_everything_else(
    runner: CliRunner, old: Path
) -> None:
    before = snapshot(old)
    result = runner.invoke(cli.app, ["upgrade", str(old), "--yes"])
    assert result.exit_code == 0, result.output
    report = check_folder(old)
    assert report.errors == [] and report.partnership is not None

    states = {s.partner_id: (s.state, s.date, s.version) for s in signing_states(report.partnership)}
    assert states == {
        "sofia-martins": ("signed", dt.date(2026, 3, 12), 2),
        "jamal-osei": ("signed", dt.date(2026, 3, 12), 2),
        "kiri-walker": ("signed", dt.date(2026, 3, 20), 2),
        "helen-brooks": ("signed", dt.date(2026, 3, 10), 2),
        "owen-price": ("not-signed", None, None),
    }
    kiri = (old / "signatures/kiri-walker.yaml").read_text(encoding="utf-8")
    assert "signed after her placement visit" in kiri  # the comment moved with the sign-off

    after = snapshot(old)
    old_roles = before["roles.yaml"].decode().splitlines(keepends=True)
    assert after["roles.yaml"].decode().splitlines(keepends=True) == [
        line for line in old_roles if "sign_off:" not in line
    ]
    old_project = before["project.yaml"].decode()
    assert after["project.yaml"].decode() == old_project.replace("schema_version: 1\n", "schema_version: 2\n")
    untouched = {name for name in before if name not in ("roles.yaml", "project.yaml")}
    assert {name: after[name] for name in untouched} == {name: before[name] for name in untouched}
    assert sorted(set(after) - set(before)) == [
        f"signatures/{p}.yaml" for p in ("helen-brooks", "jamal-osei", "kiri-walker", "sofia-martins")
    ]


def test_a_second_run_has_nothing_to_do(runner: CliRunner, old: Path) -> None:
    runner.invoke(cli.app, ["upgrade", str(old), "--yes"])
    before = snapshot(old)
    result = runner.invoke(cli.app, ["upgrade", str(old)])
    assert result.exit_code == 0
    assert "is already in file format 2; nothing to do." in result.output
    assert snapshot(old) == before


def test_the_diff_shown_is_the_diff_git_sees_afterwards(runner: CliRunner, old: Path) -> None:
    run_git(old, "init", "-q")
    run_git(old, "add", "-A")
    run_git(old, "commit", "-qm", "format 1")
    before = snapshot(old)
    dry = runner.invoke(cli.app, ["upgrade", str(old), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert snapshot(old) == before
    done = runner.invoke(cli.app, ["upgrade", str(old), "--yes"])
    assert done.exit_code == 0, done.output
    after = snapshot(old)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert {"project.yaml", "roles.yaml", "signatures/kiri-walker.yaml"} <= set(changed), changed
    run_git(old, "add", "-A")
    seen = run_git(old, "diff", "--cached", "--no-color")
    assert sorted(run_git(old, "diff", "--cached", "--name-only").split()) == changed

    def changed_lines(diff: str) -> list[str]:
        return sorted(
            line for line in diff.splitlines() if line[:1] in ("+", "-") and line[:3] not in ("+++", "---")
        )

    assert "-schema_version: 1" in changed_lines(seen) and "+schema_version: 2" in changed_lines(seen)
    assert changed_lines(seen) == changed_lines(dry.output)


def test_a_stopped_upgrade_can_run_again_without_signing_twice(old: Path) -> None:
    plan = plan_upgrade(old)
    for change in plan.changes:  # as if stopped after the new files, before roles.yaml and project.yaml
        if change.relative.startswith("signatures/"):
            (old / change.relative).parent.mkdir(exist_ok=True)
            (old / change.relative).write_text(change.after, encoding="utf-8")
    again = plan_upgrade(old)
    assert [c.relative for c in again.changes] == ["roles.yaml", "project.yaml"]
    apply_upgrade(again)
    report = check_folder(old)
    assert report.errors == [] and report.partnership is not None
    assert [len(f.signatures) for f in report.partnership.signatures] == [1, 1, 1, 1]


def test_a_sign_off_joins_an_existing_signatures_file_in_date_order(old: Path) -> None:
    (old / "signatures").mkdir()
    existing = (
        "# Kept by hand\npartner: kiri-walker\nsignatures:\n"
        "  - date: 2026-04-02  # after the plan changed\n    version: 3\n    fingerprint: 0123456789ab\n"
    )
    (old / "signatures/kiri-walker.yaml").write_text(existing, encoding="utf-8")
    project = old / "project.yaml"
    text = project.read_text(encoding="utf-8")
    assert "agreement_version: 2\n" in text
    project.write_text(text.replace("agreement_version: 2\n", "agreement_version: 3\n"), encoding="utf-8")
    apply_upgrade(plan_upgrade(old))
    text = (old / "signatures/kiri-walker.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Kept by hand\npartner: kiri-walker\nsignatures:\n  - date: 2026-03-20\n")
    assert text.endswith(existing.split("signatures:\n")[1])  # the entry already there, byte for byte
    report = check_folder(old)
    assert report.partnership is not None
    kiri = next(s for s in signing_states(report.partnership) if s.partner_id == "kiri-walker")
    assert (kiri.version, kiri.date) == (3, dt.date(2026, 4, 2))


def test_windows_line_ends_and_a_byte_order_mark_are_kept(old: Path) -> None:
    roles = old / "roles.yaml"
    roles.write_bytes(b"\xef\xbb\xbf" + roles.read_bytes().replace(b"\n", b"\r\n"))
    apply_upgrade(plan_upgrade(old))
    raw = roles.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"sign_off" not in raw
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert check_folder(old).errors == []


def test_a_sign_off_that_opens_a_list_item_hands_on_its_dash(old: Path) -> None:
    roles = old / "roles.yaml"
    text = roles.read_text(encoding="utf-8")
    text = text.replace(SIGN_OFF, "").replace(
        "  - id: kiri-walker\n", "  - sign_off: {date: 2026-03-20, version: 2}\n    id: kiri-walker\n"
    )
    roles.write_text(text, encoding="utf-8")
    apply_upgrade(plan_upgrade(old))
    assert "  - id: kiri-walker\n" in roles.read_text(encoding="utf-8")
    assert check_folder(old).errors == []


def test_a_file_changed_while_the_upgrade_was_shown_stops_it(old: Path) -> None:
    plan = plan_upgrade(old)
    (old / "roles.yaml").write_text(
        (old / "roles.yaml").read_text(encoding="utf-8") + "# a late note\n", encoding="utf-8"
    )
    before = snapshot(old)
    with pytest.raises(ChangedMeanwhile):
        apply_upgrade(plan)
    assert snapshot(old) == before


def test_a_newer_or_unreadable_folder_is_refused_with_a_reason(runner: CliRunner, old: Path) -> None:
    project = old / "project.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("schema_version: 1", "schema_version: 7"))
    result = runner.invoke(cli.app, ["upgrade", str(old)])
    assert result.exit_code == 1
    assert "error: this partnership uses file format 7, newer than this sap (2)" in result.output

    project.write_text(project.read_text(encoding="utf-8").replace("schema_version: 7", "schema_version: 1"))
    (old / "roles.yaml").write_text("partners:\n  - id: [unclosed\n", encoding="utf-8")
    before = snapshot(old)
    result = runner.invoke(cli.app, ["upgrade", str(old)])
    assert result.exit_code == 1
    assert result.output.startswith("error: roles.yaml:")
    assert_handled(result)
    assert snapshot(old) == before


def test_an_empty_sign_off_goes_and_its_comment_stays(old: Path) -> None:
    roles = old / "roles.yaml"
    roles.write_text(
        roles.read_text(encoding="utf-8").replace(
            "  - id: owen-price\n", "  - id: owen-price\n    sign_off:   # not yet: back in May\n", 1
        ),
        encoding="utf-8",
    )
    plan = plan_upgrade(old)
    assert "Takes out the empty sign_off of Owen Price: there is no signature to keep." in plan.notes
    apply_upgrade(plan)
    text = roles.read_text(encoding="utf-8")
    assert "  - id: owen-price\n    # sign_off, taken out by sap upgrade: not yet: back in May\n" in text
    assert not (old / "signatures/owen-price.yaml").exists()
    assert check_folder(old).errors == []


def test_a_sign_off_without_a_version_is_named_at_its_line(runner: CliRunner, old: Path) -> None:
    roles = old / "roles.yaml"
    text = roles.read_text(encoding="utf-8")
    roles.write_text(text.replace(SIGN_OFF, "    sign_off: {date: 2026-03-20}\n"), encoding="utf-8")
    line = text[: text.index(SIGN_OFF)].count("\n") + 1
    before = snapshot(old)
    result = runner.invoke(cli.app, ["upgrade", str(old), "--yes"])
    assert result.exit_code == 1
    assert result.output.startswith(
        f"error: roles.yaml:{line}:5: the sign_off of Kiri Walker needs a date, a version "
        "and the partner's id"
    )
    assert snapshot(old) == before


def test_without_a_terminal_it_changes_nothing_unless_told_yes(runner: CliRunner, old: Path) -> None:
    before = snapshot(old)
    result = runner.invoke(cli.app, ["upgrade", str(old)])
    assert result.exit_code == 2
    assert "it needs --yes; nothing was changed" in result.output
    assert snapshot(old) == before
    assert runner.invoke(cli.app, ["upgrade", str(old), "--yes"]).exit_code == 0


@pytest.mark.slow
def test_at_a_terminal_it_asks_and_quiet_never_asks(old: Path) -> None:
    sap = str(Path(sys.executable).with_name("sap"))
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    before = snapshot(old)
    code, shown = terminal_run([sap, "upgrade", str(old)], env, typed=b"n\n")
    assert (code, snapshot(old)) == (0, before)
    assert b"Make these changes?" in shown and b"Nothing was changed." in shown
    code, shown = terminal_run([sap, "--quiet", "upgrade", str(old)], env, typed=b"y\n")
    assert code == 2  # --quiet never asks, so without --yes nothing is done
    assert b"Make these changes?" not in shown and snapshot(old) == before
