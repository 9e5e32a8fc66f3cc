"""sap upgrade: plan the changes to this sap's file format, show them, and write them in a safe order."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sap_cli.editor.schemas import schema_paths, write_schemas
from sap_cli.errors import SapError
from sap_cli.files.atomic import atomic_write, create_exclusive, refuse_unsafe
from sap_cli.files.yaml_splice import YamlText
from sap_cli.migrations import MIGRATIONS, CannotUpgrade, FileChange, Files, _round_trip
from sap_cli.model.folder import SCHEMA_VERSION, format_state
from sap_cli.partnership.format import UNSURE_OF_FORMAT, UPDATE_SAP, shown_format
from sap_cli.partnership.modeline import SCHEMA_FOLDER


class ChangedMeanwhile(SapError):
    """A file changed between showing the upgrade and making it."""


class UpgradeStopped(SapError):
    """A write failed part way (a full disk, a file in the way): says what was written and what was not."""


@dataclass
class UpgradePlan:
    """What `sap upgrade` would do: from which format to which, why, and each file's new text."""

    folder: Path
    from_version: int
    to_version: int
    notes: list[str] = field(default_factory=list)
    changes: list[FileChange] = field(default_factory=list)

    @property
    def needed(self) -> bool:
        return self.from_version < self.to_version


def _format_of(files: Files) -> int:

    state, found = format_state(_round_trip(files.text("project.yaml")))
    if state == "unreadable":
        raise CannotUpgrade(
            f"project.yaml: schema_version should be a file format number from 1 to {SCHEMA_VERSION}, "
            f"{shown_format(found)}",
            hint=UNSURE_OF_FORMAT,
        )
    if state == "newer":
        raise CannotUpgrade(
            f"this partnership uses file format {found}, newer than this sap ({SCHEMA_VERSION})",
            hint=UPDATE_SAP + " There is nothing to upgrade here.",
        )
    assert isinstance(found, int)  # format_state says so for current and older
    return found


def plan_upgrade(folder: Path) -> UpgradePlan:
    """Work out every change, in memory; nothing is written."""

    files = Files(folder)
    plan = UpgradePlan(folder, _format_of(files), SCHEMA_VERSION)
    if not plan.needed:
        return plan
    for version in range(plan.from_version, SCHEMA_VERSION):
        plan.notes += MIGRATIONS[version](files)
    project = YamlText(files.text("project.yaml"), "project.yaml")
    project.set(["schema_version"], SCHEMA_VERSION)
    files.write("project.yaml", project.text())
    for relative in sorted(files.after, key=_write_order):
        if files.after[relative] != files.before.get(relative):
            plan.changes.append(FileChange(relative, files.before.get(relative), files.after[relative]))
    return plan


def _write_order(relative: str) -> tuple[bool, bool, str]:
    # New and extended files first (signatures/), then roles.yaml loses its sign_off lines, then
    # project.yaml names the new format. Stopped anywhere, no signature exists only in memory, and
    # until project.yaml changes the folder is still "format 1", so `sap upgrade` runs again and
    # finishes (a sign-off already in signatures/ is not added twice).
    return (relative == "project.yaml", relative == "roles.yaml", relative)


def apply_upgrade(plan: UpgradePlan) -> list[Path]:
    """Write the planned files, each atomically, in `_write_order`; refuse if any changed since the plan.

    The editor schemas in .sap/schema/ (if the folder has them) are refreshed just before project.yaml,
    so a rerun after a stop refreshes them too. A write that fails part way raises UpgradeStopped,
    naming what was written and what was not.
    """

    # Every path is checked before the first write: no link anywhere on the way, in or out.
    with_schemas = (plan.folder / SCHEMA_FOLDER).is_dir() or (plan.folder / SCHEMA_FOLDER).is_symlink()
    refuse_unsafe(
        plan.folder,
        [*(change.relative for change in plan.changes), *(schema_paths() if with_schemas else [])],
    )
    for change in plan.changes:
        path = plan.folder / change.relative
        now = path.read_bytes().decode("utf-8", errors="replace") if path.is_file() else None
        if now != change.before:
            raise ChangedMeanwhile(
                f"{change.relative} changed while the upgrade was being shown; nothing was written.",
                hint="Run sap upgrade again to see the changes as they stand now.",
            )
    steps: list[tuple[str, Callable[[], list[Path]]]] = [
        (change.relative, functools.partial(_write_change, plan.folder, change))
        for change in plan.changes
        if change.relative != "project.yaml"
    ]
    if (plan.folder / SCHEMA_FOLDER).is_dir():
        steps.append(
            (
                f"{SCHEMA_FOLDER}/",
                functools.partial(write_schemas, plan.folder / SCHEMA_FOLDER, inside=plan.folder),
            )
        )
    steps += [
        (change.relative, functools.partial(_write_change, plan.folder, change))
        for change in plan.changes
        if change.relative == "project.yaml"
    ]
    written: list[Path] = []
    done: list[str] = []
    for relative, step in steps:
        try:
            written += step()
        except OSError as exc:
            raise _stopped(plan, done, relative, exc) from exc
        done.append(relative)
    return written


def _write_change(folder: Path, change: FileChange) -> list[Path]:
    path = folder / change.relative
    if change.before is None:
        create_exclusive(path, change.after.encode("utf-8"))
    else:
        atomic_write(path, change.after.encode("utf-8"))
    return [path]


def _stopped(plan: UpgradePlan, done: list[str], failed: str, exc: OSError) -> UpgradeStopped:
    """What a failed write left: the files written, those not changed, and that a rerun finishes."""
    import errno

    in_the_way = isinstance(exc, (FileExistsError, IsADirectoryError, NotADirectoryError)) or exc.errno in (
        errno.EEXIST,
        errno.EISDIR,
        errno.ENOTDIR,
    )
    why = "a file or folder is in the way" if in_the_way else (exc.strerror or str(exc)).lower()
    untouched = [change.relative for change in plan.changes if change.relative not in done]
    wrote = f"It had written {', '.join(done)}" if done else "It had written nothing"
    kept = (
        "so every sign_off is still in roles.yaml and nothing is lost"
        if "roles.yaml" in untouched
        else f"so the folder still says file format {plan.from_version} and every signature is in signatures/"
    )
    fix = (
        f"Move what is in the way of {failed}"
        if in_the_way
        else "Make room on the disk"
        if exc.errno == errno.ENOSPC
        else f"Check that you may write {failed}"
    )
    return UpgradeStopped(
        f"sap upgrade stopped part way: it could not write {failed} ({why}). {wrote}; "
        f"{', '.join(untouched)} {'is' if len(untouched) == 1 else 'are'} unchanged, {kept}.",
        hint=f"{fix}, then run `sap upgrade --yes` again: it finishes what this run began and adds no "
        "signature twice.",
    )
