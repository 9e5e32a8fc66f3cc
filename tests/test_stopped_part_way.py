"""A change to several files, stopped at each step (a kill, a full disk, a file in the way), loses nothing.

The disk is stood in for at the two moments a write becomes real: a file's bytes reach the disk
(`fsync`, where a full disk says so) and the finished file takes its name (`os.replace` or `os.link`,
where a kill before it leaves the old file). Stopping before the 1st, 2nd, ... Nth such moment of a
command is stopping it after each step it takes, not at a random time.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import assert_handled, replace_once
from sap_cli import cli
from sap_cli.agreement.sign import sign_partner
from sap_cli.files import atomic
from sap_cli.files.yaml_loaders import round_trip_yaml
from sap_cli.validation.check import check_folder

FORMAT_1 = Path(__file__).parent / "fixtures" / "format-1" / "course-redesign"
SIGNED_OFF = {  # the four sign-offs in the format 1 fixture's roles.yaml
    "sofia-martins": (dt.date(2026, 3, 12), 2),
    "jamal-osei": (dt.date(2026, 3, 12), 2),
    "kiri-walker": (dt.date(2026, 3, 20), 2),
    "helen-brooks": (dt.date(2026, 3, 10), 2),
}


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even an `except Exception`."""


class Disk:
    """`os` as sap's writer sees it, stopping before the `at`-th commit of a file (or never)."""

    def __init__(self, at: int | None = None, full_at: int | None = None) -> None:
        self.at, self.full_at = at, full_at
        self.commits = self.syncs = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def _commit(self) -> None:
        self.commits += 1
        if self.commits == self.at:
            raise Killed

    def replace(self, source: Any, target: Any) -> None:
        self._commit()
        os.replace(source, target)

    def link(self, source: Any, target: Any) -> None:
        self._commit()
        os.link(source, target)

    def fsync(self, fd: int) -> None:
        self.syncs += 1
        if self.syncs == self.full_at:
            raise OSError(errno.ENOSPC, "No space left on device")
        os.fsync(fd)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(runner: CliRunner, monkeypatch: pytest.MonkeyPatch, disk: Disk, args: list[str]) -> Any:
    with monkeypatch.context() as patched:
        patched.setattr(atomic, "os", disk)
        try:
            result = runner.invoke(cli.app, args, catch_exceptions=False)
        except Killed:
            return None
    assert_handled(result)
    return result


# ---------------------------------------------------------------- sap upgrade


@pytest.fixture
def old(tmp_path: Path) -> Path:
    folder = tmp_path / "geog210"
    shutil.copytree(FORMAT_1, folder)
    (folder / ".sap/schema").mkdir(parents=True)  # made by an older `sap schema`: refreshed too
    (folder / ".sap/schema/roles.schema.json").write_text("{}\n", encoding="utf-8")
    return folder


def _signatures_kept(folder: Path) -> dict[str, list[tuple[dt.date, int]]]:
    """Every partner's sign-off, wherever it is now: in roles.yaml or in signatures/<id>.yaml."""
    found: dict[str, list[tuple[dt.date, int]]] = {}
    for partner in round_trip_yaml().load((folder / "roles.yaml").read_text(encoding="utf-8"))["partners"]:
        if partner.get("sign_off"):
            sign_off = partner["sign_off"]
            found.setdefault(partner["id"], []).append((sign_off["date"], sign_off["version"]))
    for path in sorted((folder / "signatures").glob("*.yaml")) if (folder / "signatures").is_dir() else []:
        for entry in round_trip_yaml().load(path.read_text(encoding="utf-8"))["signatures"]:
            found.setdefault(path.stem, []).append((entry["date"], entry["version"]))
    return found


def _upgraded_cleanly(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, old: Path, tmp_path: Path
) -> tuple[dict[str, bytes], int]:
    """The folder an upgrade that nobody stopped leaves, and how many files it wrote."""
    clean = tmp_path / "clean"
    shutil.copytree(old, clean)
    disk = Disk()
    result = run(runner, monkeypatch, disk, ["upgrade", str(clean), "--yes"])
    assert result.exit_code == 0, result.output
    return snapshot(clean), disk.commits


def _finishes(runner: CliRunner, folder: Path, expected: dict[str, bytes]) -> None:
    """Whatever was left, `sap upgrade --yes` again ends exactly where an unbroken upgrade ends."""
    again = runner.invoke(cli.app, ["upgrade", str(folder), "--yes"])
    assert_handled(again)
    assert again.exit_code == 0, again.output
    assert snapshot(folder) == expected  # no signature twice, none lost, nothing else changed
    report = check_folder(folder)
    assert report.errors == []
    assert _signatures_kept(folder) == {partner: [day] for partner, day in SIGNED_OFF.items()}


def test_upgrade_killed_before_each_write_loses_no_signature_and_a_rerun_finishes(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, old: Path, tmp_path: Path
) -> None:
    expected, writes = _upgraded_cleanly(runner, monkeypatch, old, tmp_path)
    assert writes == 13  # 4 signature files, roles.yaml, 7 editor schemas, project.yaml
    pristine = snapshot(old)
    for step in range(1, writes + 1):  # killed before the 1st write, ..., before the 13th (the last)
        folder = tmp_path / f"killed-{step}"
        shutil.copytree(old, folder)
        assert run(runner, monkeypatch, Disk(at=step), ["upgrade", str(folder), "--yes"]) is None
        left = snapshot(folder)
        assert left != expected, step  # really stopped part way
        if step == 1:
            assert left == pristine
        # Not one sign-off exists only in memory: each is in roles.yaml or signatures/, maybe both.
        kept = _signatures_kept(folder)
        assert {partner: sorted(set(days)) for partner, days in kept.items()} == {
            partner: [day] for partner, day in SIGNED_OFF.items()
        }, step
        # Until project.yaml changes, the folder says plainly what to do.
        validate = runner.invoke(cli.app, ["validate", str(folder)])
        assert validate.exit_code == 1
        assert "from an older sap" in validate.output and "sap upgrade" in validate.output, step
        _finishes(runner, folder, expected)


def test_upgrade_on_a_full_disk_says_what_it_wrote_and_a_rerun_finishes(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, old: Path, tmp_path: Path
) -> None:
    expected, writes = _upgraded_cleanly(runner, monkeypatch, old, tmp_path)
    for step in range(1, writes + 1):
        folder = tmp_path / f"full-{step}"
        shutil.copytree(old, folder)
        result = run(runner, monkeypatch, Disk(full_at=step), ["upgrade", str(folder), "--yes"])
        assert result.exit_code == 1, step
        message = " ".join(result.output.split())
        assert "sap upgrade stopped part way: it could not write" in message
        assert "(no space left on device)" in message
        if step == 1:
            assert "It had written nothing; " in message
        if step <= 4:  # a signature file: roles.yaml still has every sign_off
            assert "every sign_off is still in roles.yaml and nothing is lost" in message
        assert "project.yaml" in message.split("It had written")[1].split("unchanged")[0]
        assert "Make room on the disk, then run `sap upgrade --yes` again" in message
        assert _signatures_kept(folder).keys() == SIGNED_OFF.keys()
        _finishes(runner, folder, expected)


def test_upgrade_with_a_folder_in_the_way_changes_nothing_and_says_so(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, old: Path, tmp_path: Path
) -> None:
    expected, _ = _upgraded_cleanly(runner, monkeypatch, old, tmp_path)
    # Known before anything is written: a folder where signatures/kiri-walker.yaml should go.
    (old / "signatures/kiri-walker.yaml").mkdir(parents=True)
    before = snapshot(old)
    result = runner.invoke(cli.app, ["upgrade", str(old), "--yes"])
    assert_handled(result)
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "signatures/kiri-walker.yaml:1:1: sap cannot read this file to upgrade it" in message
    assert "nothing was changed" in message
    assert snapshot(old) == before
    (old / "signatures/kiri-walker.yaml").rmdir()
    _finishes(runner, old, expected)


def test_upgrade_meeting_a_file_in_the_way_is_refused_before_anything_is_written(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, old: Path, tmp_path: Path
) -> None:
    expected, _ = _upgraded_cleanly(runner, monkeypatch, old, tmp_path)
    (old / "signatures").write_text("not a folder\n", encoding="utf-8")  # where signatures/ should be
    before = snapshot(old)
    result = runner.invoke(cli.app, ["upgrade", str(old), "--yes"])
    assert_handled(result)
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    # The path policy checks every file the upgrade will write before the first write.
    assert "signatures is a file where sap expects a folder" in message
    assert "Nothing was written." in message
    assert snapshot(old) == before
    (old / "signatures").unlink()
    _finishes(runner, old, expected)


def test_a_rerun_says_it_finishes_a_stopped_upgrade(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, old: Path
) -> None:
    assert run(runner, monkeypatch, Disk(at=3), ["upgrade", str(old), "--yes"]) is None  # 2 files written
    dry = runner.invoke(cli.app, ["upgrade", str(old), "--dry-run"])
    message = " ".join(dry.output.split())
    assert (
        "The sign_off of Jamal Osei, Dr Helen Brooks is already in signatures/ (an earlier sap upgrade "
        "stopped part way); it is not added again, only taken out of roles.yaml." in message
    )
    assert run(runner, monkeypatch, Disk(at=6), ["upgrade", str(old), "--yes"]) is None  # roles.yaml too
    dry = runner.invoke(cli.app, ["upgrade", str(old), "--dry-run"])
    assert "An earlier sap upgrade stopped part way" in " ".join(dry.output.split())


# ---------------------------------------------------------------- sap sign


def _agreement_version(folder: Path) -> int:
    document = round_trip_yaml().load((folder / "project.yaml").read_text(encoding="utf-8"))
    return int(document.get("agreement_version", 1))


def _entries(folder: Path, partner: str) -> list[tuple[dt.date, int]]:
    path = folder / "signatures" / f"{partner}.yaml"
    if not path.exists():
        return []
    return [(e["date"], e["version"]) for e in round_trip_yaml().load(path.read_text("utf-8"))["signatures"]]


SIGN_LEE = ["sign", "--partner", "lee-chen", "--date", "2026-02-02"]


def _new_version_to_sign(folder: Path, lee_signed_before: bool) -> None:
    """Amira signed version 1 (and Lee too, if asked); then the agreement changed."""
    sign_partner(folder, "amira-haddad", dt.date(2026, 1, 12))
    if lee_signed_before:
        sign_partner(folder, "lee-chen", dt.date(2026, 1, 12))
    replace_once(folder / "project.yaml", "end: 2026-05-29", "end: 2026-06-12")


@pytest.mark.parametrize("lee_signed_before", [False, True], ids=["first-signature", "appended"])
def test_sign_killed_at_each_step_leaves_a_valid_folder_and_a_rerun_finishes(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, make_partnership: Callable[..., Path],
    lee_signed_before: bool,
) -> None:  # fmt: skip
    sign = SIGN_LEE
    clean = make_partnership("clean")
    _new_version_to_sign(clean, lee_signed_before)
    disk = Disk()
    result = run(runner, monkeypatch, disk, [*sign[:1], str(clean), *sign[1:]])
    assert result.exit_code == 0, result.output
    assert disk.commits == 2  # the signature, then agreement_version: 2 in project.yaml
    expected = snapshot(clean)
    before_lee = _entries(clean, "lee-chen")[:-1]
    for step in range(1, disk.commits + 1):
        folder = make_partnership(f"killed-{step}")
        _new_version_to_sign(folder, lee_signed_before)
        assert run(runner, monkeypatch, Disk(at=step), [*sign[:1], str(folder), *sign[1:]]) is None
        # Never a version nobody signed: project.yaml names version 2 only once Lee's signature is there.
        lee = _entries(folder, "lee-chen")
        version = _agreement_version(folder)
        assert version == 1 or (dt.date(2026, 2, 2), version) in lee, step
        assert lee in (before_lee, [*before_lee, (dt.date(2026, 2, 2), 2)]), step
        report = check_folder(folder)
        assert report.errors == [], (step, [p.message for p in report.errors])
        if lee != before_lee:  # stopped between the two writes: validate says how to finish
            unfinished = [p for p in report.problems if p.code == "sign-unfinished"]
            assert len(unfinished) == 1 and unfinished[0].severity == "warning"
            assert "a `sap sign` stopped before it finished" in unfinished[0].message
            assert "sap sign --partner lee-chen" in (unfinished[0].hint or "")
        again = runner.invoke(cli.app, [*sign[:1], str(folder), *sign[1:]])
        assert_handled(again)
        assert again.exit_code == 0, again.output
        assert _entries(folder, "lee-chen") == [*before_lee, (dt.date(2026, 2, 2), 2)]  # exactly once
        assert _agreement_version(folder) == 2
        assert snapshot(folder) == expected
        assert check_folder(folder).errors == []


def test_a_rerun_of_a_stopped_sign_says_what_it_finished(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, demo: Path
) -> None:
    _new_version_to_sign(demo, lee_signed_before=False)
    sign = ["sign", str(demo), "--partner", "lee-chen", "--date", "2026-02-02"]
    assert run(runner, monkeypatch, Disk(at=2), sign) is None
    again = runner.invoke(cli.app, sign)
    assert again.exit_code == 0, again.output
    message = " ".join(again.output.split())
    assert "Dr Lee Chen had already signed version 2" in message
    assert "a `sap sign` that stopped part way" in message
    assert "project.yaml now says agreement_version: 2" in message
    assert "nothing else was written" in message


def test_sign_on_a_full_disk_says_what_it_wrote(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, demo: Path
) -> None:
    _new_version_to_sign(demo, lee_signed_before=True)
    sign = ["sign", str(demo), "--partner", "lee-chen", "--date", "2026-02-02"]
    before = snapshot(demo)
    first = run(runner, monkeypatch, Disk(full_at=1), sign)
    assert first.exit_code == 1
    assert "nothing else was changed" in " ".join(first.output.split())
    assert snapshot(demo) == before
    second = run(runner, monkeypatch, Disk(full_at=2), sign)  # the signature is written, project.yaml not
    assert second.exit_code == 1
    message = " ".join(second.output.split())
    assert "Dr Lee Chen's signature for version 2 was written to signatures/lee-chen.yaml" in message
    assert "project.yaml could not be changed to agreement_version: 2 (no space left on device)" in message
    assert "run `sap sign --partner lee-chen` again" in message
    assert check_folder(demo).errors == []
    third = runner.invoke(cli.app, sign)
    assert third.exit_code == 0, third.output
    assert _agreement_version(demo) == 2
    assert _entries(demo, "lee-chen") == [(dt.date(2026, 1, 12), 1), (dt.date(2026, 2, 2), 2)]


def test_another_partner_signing_after_a_stopped_sign_keeps_the_versions_in_step(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, demo: Path
) -> None:
    _new_version_to_sign(demo, lee_signed_before=False)
    assert run(runner, monkeypatch, Disk(at=2), [*SIGN_LEE[:1], str(demo), *SIGN_LEE[1:]]) is None
    done = runner.invoke(cli.app, ["sign", str(demo), "--partner", "amira-haddad", "--date", "2026-02-03"])
    assert done.exit_code == 0, done.output
    assert _agreement_version(demo) == 2
    assert _entries(demo, "amira-haddad")[-1] == (dt.date(2026, 2, 3), 2)
    assert _entries(demo, "lee-chen") == [(dt.date(2026, 2, 2), 2)]  # kept, though its run was stopped
    report = check_folder(demo)
    assert report.errors == [] and not [p for p in report.problems if p.code == "sign-unfinished"]
