"""A kept check of a whole folder: used only while nothing it read has changed; never stale or foreign."""

from __future__ import annotations

import io
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, MINIMAL, assert_handled
from sap_cli import cli
from sap_cli.files import read_cache
from sap_cli.partnership import checked_cache, load
from sap_cli.validation.check import check_folder

CHECKIN = """id: 2026-01-20-first
date: 2026-01-20
title: First meeting
attendees: [amira-haddad, lee-chen]
notes: We met.
"""


@pytest.fixture(autouse=True)
def settled_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written a moment ago count as settled, so a test need not wait two seconds."""
    monkeypatch.setattr(read_cache, "RACY_NS", -(10**18))


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders checked afresh (read and validated), one entry a check."""
    done: list[Path] = []
    real = load._check_afresh

    def counted(folder: Path, *rest: object) -> object:
        done.append(folder)
        return real(folder, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(load, "_check_afresh", counted)
    return done


def _dicts(folder: Path) -> list[dict[str, object]]:
    return [p.as_dict() for p in check_folder(folder).problems]


def _record(stamp: object, record: object) -> bytes:
    """A record as checked_cache keeps one: the stamp, and the record pickled on its own."""
    return pickle.dumps((stamp, pickle.dumps(record)))


def _record_of(folder: Path) -> Path:
    found = read_cache.private_cache("checked")
    assert found is not None
    return checked_cache._path(folder, found[0])


def test_an_unchanged_folder_is_neither_read_nor_checked_again(
    make_partnership: Callable[..., Path], checks: list[Path]
) -> None:
    folder = make_partnership(project=MINIMAL["project.yaml"] + "mystery: 1\n")  # an error, kept too
    first = _dicts(folder)
    assert checks == [folder]
    assert _dicts(folder) == first
    assert _dicts(folder) == first
    assert checks == [folder]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda f: (f / "checkins").mkdir() or (f / "checkins" / "2026-01-20.yaml").write_text(CHECKIN),
            id="meeting-added",
        ),
        pytest.param(lambda f: (f / "goals.yaml").unlink(), id="file-removed"),
        pytest.param(
            lambda f: (f / "roles.yaml").write_text(MINIMAL["roles.yaml"].replace("Amira", "Amirb")),
            id="same-size",
        ),
        pytest.param(
            lambda f: (f / "matrix.yaml").write_text(MINIMAL["matrix.yaml"] + "\n"), id="one-byte-more"
        ),
    ],
)
def test_any_change_to_what_the_check_read_means_a_fresh_check(
    make_partnership: Callable[..., Path], checks: list[Path], change: Callable[[Path], object]
) -> None:
    folder = make_partnership()
    _dicts(folder)
    change(folder)
    checks.clear()
    assert _dicts(folder) == _dicts_without_cache(folder)
    assert checks


def _dicts_without_cache(folder: Path) -> list[dict[str, object]]:
    os.environ["SAP_NO_CACHE"] = "1"
    try:
        return _dicts(folder)
    finally:
        del os.environ["SAP_NO_CACHE"]


def test_an_edit_that_keeps_the_size_and_restores_the_modification_time_is_seen(
    make_partnership: Callable[..., Path],
) -> None:
    folder = make_partnership()
    assert _dicts(folder) == []
    roles = folder / "roles.yaml"
    before = roles.stat()
    roles.write_text(MINIMAL["roles.yaml"].replace("kind: student", "kind: studint", 1), encoding="utf-8")
    os.utime(roles, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert roles.stat().st_size == before.st_size
    assert any(p["code"] == "bad-choice" or "studint" in str(p["message"]) for p in _dicts(folder))


def test_a_file_that_was_just_changed_is_never_kept(
    make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, checks: list[Path]
) -> None:
    folder = make_partnership()
    monkeypatch.setattr(read_cache, "RACY_NS", 2_000_000_000)  # as for users: two seconds
    _dicts(folder)
    _dicts(folder)
    assert checks == [folder, folder]
    assert not _record_of(folder).exists()


def test_a_file_swapped_for_a_link_to_elsewhere_is_refused_not_served_from_the_record(
    make_partnership: Callable[..., Path], tmp_path: Path
) -> None:
    folder = make_partnership()
    assert _dicts(folder) == []
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(MINIMAL["goals.yaml"], encoding="utf-8")
    (folder / "goals.yaml").unlink()
    (folder / "goals.yaml").symlink_to(outside)
    found = _dicts(folder)
    assert "outside-link" in [p["code"] for p in found]
    assert found == _dicts_without_cache(folder)


def test_a_link_inside_the_partnership_is_followed_to_what_it_holds_now(
    make_partnership: Callable[..., Path],
) -> None:
    folder = make_partnership()
    (folder / "plans").mkdir()
    (folder / "goals.yaml").rename(folder / "plans" / "goals.yaml")
    (folder / "goals.yaml").symlink_to(folder / "plans" / "goals.yaml")
    assert _dicts(folder) == []
    (folder / "plans" / "goals.yaml").write_text(MINIMAL["goals.yaml"] + "mystery: 1\n", encoding="utf-8")
    assert [p["code"] for p in _dicts(folder)] == ["unknown-field"]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(b"garbage"), id="garbage"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), id="cut-short"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:-1] + b"\x01"), id="one-byte-changed"),
        pytest.param(lambda p: p.write_bytes(b""), id="empty"),
    ],
)
def test_a_damaged_record_is_ignored(
    make_partnership: Callable[..., Path], checks: list[Path], damage: Callable[[Path], object]
) -> None:
    folder = make_partnership(project=MINIMAL["project.yaml"] + "mystery: 1\n")
    first = _dicts(folder)
    damage(_record_of(folder))
    checks.clear()
    assert _dicts(folder) == first
    assert checks == [folder]


def test_a_record_signed_by_someone_else_is_ignored(
    make_partnership: Callable[..., Path], checks: list[Path]
) -> None:
    """A record holding another folder's findings, well formed but signed with another secret."""
    folder = make_partnership()
    assert _dicts(folder) == []
    record = _record_of(folder)
    found = read_cache.private_cache("checked")
    assert found is not None
    stamp, _ = pickle.loads(read_cache.read_signed(record, found[1]) or b"")
    forged = _record(stamp, ([], None, True))  # "a foreign format", which would hide every check
    read_cache.write_signed(record, b"y" * 32, forged)
    checks.clear()
    assert _dicts(folder) == []
    assert check_folder(folder).partnership is not None
    assert checks == [folder]


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo should-never-run > /dev/null",))


def test_a_signed_record_can_bring_back_only_records_never_code(
    make_partnership: Callable[..., Path], checks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_partnership()
    _dicts(folder)
    found = read_cache.private_cache("checked")
    assert found is not None
    stamp = checked_cache.stamp(folder, [name for name in MINIMAL])
    boom, alone = _record(stamp, _Boom()), pickle.dumps(_Boom())
    read_cache.write_signed(_record_of(folder), found[1], boom)
    ran: list[object] = []
    monkeypatch.setattr(os, "system", lambda *a: ran.append(a))
    checks.clear()
    assert _dicts(folder) == []
    assert ran == []
    assert checks == [folder]
    with pytest.raises(pickle.UnpicklingError):
        checked_cache._OnlyRecords(io.BytesIO(alone)).load()


def test_another_version_of_sap_checks_afresh(
    make_partnership: Callable[..., Path], checks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_partnership()
    _dicts(folder)
    monkeypatch.setattr(checked_cache, "_sap_version", lambda: "another sap")
    checks.clear()
    _dicts(folder)
    assert checks == [folder]


def test_one_folder_named_two_ways_keeps_each_name_in_what_it_says(
    make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    folder = make_partnership(project=MINIMAL["project.yaml"] + "mystery: 1\n")
    monkeypatch.chdir(folder.parent)

    def said() -> list[str]:
        return [runner.invoke(cli.app, ["validate", name]).output for name in (str(folder), folder.name, ".")]

    monkeypatch.setenv("SAP_NO_CACHE", "1")
    plain = said()
    monkeypatch.delenv("SAP_NO_CACHE")
    assert said() == plain
    assert said() == plain


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_every_command_says_the_same_from_a_kept_check(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example: str
) -> None:
    folder = tmp_path / example
    shutil.copytree(EXAMPLES / example, folder)
    commands = [
        ["validate", str(folder), "--format", "json"],
        ["status", str(folder), "--format", "json", "--date", "2026-03-01"],
        ["actions", str(folder), "--date", "2026-03-01"],
        ["report", str(folder), "-o", "-", "--format", "json"],
    ]

    def outputs() -> list[tuple[int, str]]:
        found = []
        for args in commands:
            result = runner.invoke(cli.app, args)
            assert_handled(result)
            found.append((result.exit_code, result.output))
        return found

    monkeypatch.setenv("SAP_NO_CACHE", "1")
    plain = outputs()
    monkeypatch.delenv("SAP_NO_CACHE")
    assert outputs() == plain  # keeping
    assert _record_of(folder).exists()
    assert outputs() == plain  # from what was kept


def test_many_new_partnerships_are_checked_side_by_side_and_say_the_same(
    make_partnership: Callable[..., Path], runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`validate --all` and `programme` over partnerships nothing is kept for: worker processes check
    them first (where this computer has more than one core), and the output is the same."""
    from sap_cli.partnership import warm

    monkeypatch.setattr(warm, "workers", lambda: 2)  # as on a computer with two cores
    folders = [make_partnership(f"p{n:02}") for n in range(warm.FEWEST + 2)]
    (folders[3] / "roles.yaml").write_text("partners: [\n", encoding="utf-8")  # one broken
    commands = [["validate", "--all", str(tmp_path), "--format", "json"], ["programme", str(tmp_path)]]
    monkeypatch.setenv("SAP_NO_CACHE", "1")
    plain = [runner.invoke(cli.app, args).output for args in commands]
    monkeypatch.delenv("SAP_NO_CACHE")
    assert warm.check_side_by_side(folders) == len(folders)
    assert all(_record_of(folder).exists() for folder in folders)
    assert warm.check_side_by_side(folders) == 0  # every check is kept now
    for folder in folders:
        (folder / "matrix.yaml").write_text(MINIMAL["matrix.yaml"] + "\n", encoding="utf-8")
    assert [runner.invoke(cli.app, args).output for args in commands] == plain
    assert warm.check_side_by_side(folders) == 0  # the commands' own workers kept the new checks
