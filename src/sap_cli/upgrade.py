"""Bring a partnership written by an older sap up to today's file format, showing every change first."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sap_cli.agreement.signature_file import new_signature_file
from sap_cli.editor.schemas import schema_paths, write_schemas
from sap_cli.errors import SapError
from sap_cli.files.atomic import atomic_write, create_exclusive, refuse_unsafe
from sap_cli.files.yaml_edit import editable_from_text
from sap_cli.files.yaml_read import load_file
from sap_cli.model.folder import SCHEMA_VERSION, format_state
from sap_cli.model.records import SignatureFile
from sap_cli.partnership.format import UNSURE_OF_FORMAT, UPDATE_SAP, shown_format
from sap_cli.partnership.modeline import SCHEMA_FOLDER


class CannotUpgrade(SapError):
    """A file the upgrade must edit cannot be read, or the folder is newer than this sap."""


class ChangedMeanwhile(SapError):
    """A file changed between showing the upgrade and making it."""


class UpgradeStopped(SapError):
    """A write failed part way (a full disk, a file in the way): says what was written and what was not."""


@dataclass
class FileChange:
    """One file the upgrade writes: its text now (None if it is new) and its text after."""

    relative: str
    before: str | None
    after: str

    def diff(self) -> str:
        old = [] if self.before is None else self.before.splitlines(keepends=True)
        lines = difflib.unified_diff(
            old,
            self.after.splitlines(keepends=True),
            fromfile="/dev/null" if self.before is None else f"a/{self.relative}",
            tofile=f"b/{self.relative}",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


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


class Files:
    """The folder's files as the upgrade sees them: as read from disk, and as changed so far."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.before: dict[str, str | None] = {}
        self.after: dict[str, str] = {}

    def read(self, relative: str, missing_ok: bool = False) -> str | None:
        """The file's current text in this upgrade (None if it does not exist and `missing_ok`)."""
        if relative in self.after:
            return self.after[relative]
        if relative not in self.before:
            # The same reader as every command, with its guards (links out, alias bombs, tags...).
            loaded = load_file(self.folder / relative, inside=self.folder)
            if loaded.missing and not missing_ok:
                raise CannotUpgrade(f"{relative} is missing, so sap cannot upgrade this folder.")
            if loaded.syntax is not None:
                problem = loaded.syntax
                raise CannotUpgrade(
                    f"{relative}:{problem.line}:{problem.column}: sap cannot read this file to upgrade "
                    f"it: {problem.message}; nothing was changed",
                    hint=f"{problem.hint or 'Fix it.'} Then run sap upgrade again.",
                )
            # Exactly as on disk, byte-order mark included, so an edit changes nothing else.
            self.before[relative] = None if loaded.missing else loaded.path.read_bytes().decode("utf-8")
        return self.before[relative]

    def text(self, relative: str) -> str:
        found = self.read(relative)
        assert found is not None  # read() refuses a missing file unless told otherwise
        return found

    def write(self, relative: str, text: str) -> None:
        self.read(relative, missing_ok=True)  # remember what was there before
        self.after[relative] = text


# ---------------------------------------------------------------- format 1 -> 2

SIGN_OFF_NOTE = "from roles.yaml (sign_off), moved here by sap upgrade"


def _from_1_to_2(files: Files) -> list[str]:
    """Format 2 keeps every agreement in signatures/; format 1 also allowed `sign_off` in roles.yaml.

    Each partner's `sign_off` becomes the first entry of signatures/<id>.yaml (or joins that file in
    date order), with any comment written beside it; roles.yaml loses only those lines.
    """
    roles_text = files.text("roles.yaml")
    roles = _round_trip(roles_text)
    partners = roles.get("partners") if isinstance(roles, dict) else None
    with_sign_off = [
        partner
        for partner in (partners if isinstance(partners, list) else [])
        if isinstance(partner, dict) and "sign_off" in partner
    ]
    if not with_sign_off:
        if _moved_before(files):
            return [
                "An earlier sap upgrade stopped part way: the sign-offs are already in signatures/ "
                "and roles.yaml no longer has them, so this finishes it by changing the format number."
            ]
        return ["No partner has a sign_off in roles.yaml, so only the format number changes."]
    moved = [partner for partner in with_sign_off if partner["sign_off"]]  # an empty one just goes
    for partner in moved:
        _check_movable(partner)
    new_roles = _without_sign_offs(roles_text, with_sign_off)
    expected = _plain(roles)
    for partner in expected["partners"]:
        if isinstance(partner, dict):
            partner.pop("sign_off", None)
    if _plain(_round_trip(new_roles)) != expected:
        raise CannotUpgrade(
            "sap could not take the sign_off lines out of roles.yaml without changing something "
            "else; nothing was changed.",
            hint="Do it by hand: note each sign_off's date, delete those lines from roles.yaml, set "
            "schema_version: 2 in project.yaml, then run `sap sign --partner ID --date YYYY-MM-DD` for "
            "each partner.",
        )
    files.write("roles.yaml", new_roles)
    already = []
    for partner in moved:
        sign_off = partner["sign_off"]
        entry = {"date": _as_date(sign_off.get("date")), "version": sign_off.get("version")}
        said = _comments_in(roles_text, partner)
        relative = f"signatures/{partner['id']}.yaml"
        before = files.read(relative, missing_ok=True)
        after = _with_signature(files, relative, partner, entry, said)
        if after == before:
            already.append(partner)
        files.write(relative, after)
    notes = [
        "Format 2 keeps every signature in signatures/, one file per partner, so that signing "
        "never touches roles.yaml and two partners signing at once cannot clash."
    ]
    if moved:
        notes += [
            f"Moves the sign_off of {_names(moved)} from roles.yaml into signatures/.",
            "These signatures have no fingerprint, so sap goes by their version number; a partner "
            "who runs `sap sign` again gets one, and later changes to the agreement are then noticed.",
        ]
    if already:
        notes.append(
            f"The sign_off of {_names(already)} is already in signatures/ (an earlier sap upgrade "
            "stopped part way); it is not added again, only taken out of roles.yaml."
        )
    empty = [partner for partner in with_sign_off if not partner["sign_off"]]
    if empty:
        notes.append(f"Takes out the empty sign_off of {_names(empty)}: there is no signature to keep.")
    return notes


def _moved_before(files: Files) -> bool:
    """True if signatures/ holds a sign-off an upgrade moved there (its note says so)."""
    folder = files.folder / "signatures"
    if not folder.is_dir() or folder.is_symlink():
        return False
    names = sorted(path.name for path in folder.glob("*.yaml"))
    return any(SIGN_OFF_NOTE in (files.read(f"signatures/{name}", missing_ok=True) or "") for name in names)


def _names(partners: list[Any]) -> str:
    return ", ".join(str(partner.get("name") or partner.get("id")) for partner in partners)


def _check_movable(partner: Any) -> None:
    """A sign_off must say when and which version, and its partner needs an id, to become a signature."""
    line, column = partner.lc.key("sign_off")
    sign_off = partner["sign_off"]
    date = _as_date(sign_off.get("date")) if isinstance(sign_off, dict) else None
    version = sign_off.get("version") if isinstance(sign_off, dict) else None
    partner_id = partner.get("id")
    if not (isinstance(date, dt.date) and isinstance(version, int) and isinstance(partner_id, str)):
        raise CannotUpgrade(
            f"roles.yaml:{line + 1}:{column + 1}: the sign_off of {_names([partner])} needs a date, "
            "a version and the partner's id before sap can move it into signatures/; nothing was changed.",
            hint="Complete it, like sign_off: {date: 2026-03-12, version: 1}, or delete the line if they "
            "never signed; then run sap upgrade again.",
        )


def _without_sign_offs(text: str, partners: list[Any]) -> str:
    """`text` with each partner's `sign_off` lines taken out, and every other line as it was.

    Comments on a sign_off that moves go with it; those on an empty one stay here as a comment.
    """
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()
    for partner in partners:
        said = [] if partner["sign_off"] else _comments_in(text, partner)
        line, column = partner.lc.key("sign_off")
        end = line + 1
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > column):
            end += 1
        while end - 1 > line and not lines[end - 1].strip():
            end -= 1  # blank lines after the block separate what follows; they stay
        lead = lines[line][:column]
        if lead.strip():  # `- sign_off:` opens the list item: hand the dash to the item's next key
            following = next((i for i in range(end, len(lines)) if lines[i].strip()), None)
            if following is None or _indent(lines[following]) != column:
                raise CannotUpgrade(
                    f"roles.yaml:{line + 1}:{column + 1}: a partner holds nothing but a sign_off",
                    hint="Give the partner an id and a name, then run sap upgrade again.",
                )
            lines[following] = lead + lines[following][column:]
        drop.update(range(line, end))
        if said:
            ending = lines[line][len(lines[line].rstrip("\r\n")) :] or "\n"
            lines[line] = f"{' ' * column}# sign_off, taken out by sap upgrade: {'; '.join(said)}{ending}"
            drop.discard(line)
    return "".join(line for i, line in enumerate(lines) if i not in drop)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_COMMENT = re.compile(r"(?:^|\s)#\s?(.*)$")


def _comments_in(text: str, partner: Any) -> list[str]:
    """Comments written on the partner's sign_off lines, so moving the lines loses none of them."""
    line, column = partner.lc.key("sign_off")
    lines = text.splitlines()
    said = []
    for index in range(line, len(lines)):
        if index > line and lines[index].strip() and _indent(lines[index]) <= column:
            break
        found = _COMMENT.search(lines[index]) if "#" in lines[index] else None
        if found and found.group(1).strip():
            said.append(found.group(1).strip())
    return said


def _with_signature(files: Files, relative: str, partner: Any, entry: dict[str, Any], said: list[str]) -> str:
    """The partner's signatures file with the moved sign-off in date order (added once only)."""
    from pydantic import ValidationError
    from ruamel.yaml.comments import CommentedMap

    existing = files.read(relative, missing_ok=True)
    note = "; ".join([SIGN_OFF_NOTE, *said])
    if existing is None:
        name = partner.get("name") or partner["id"]
        new = new_signature_file(files.folder, Path(relative), partner["id"], name, entry)
        editable = editable_from_text(new)
        editable.document["signatures"][0].yaml_add_eol_comment("# " + note, "version")
    else:
        editable = editable_from_text(existing)
        signatures = editable.document.get("signatures")
        if not isinstance(signatures, list):
            raise CannotUpgrade(
                f"{relative} has no list of signatures for sap to add {partner['id']}'s sign_off to.",
                hint="Run `sap validate` after the upgrade is possible, or fix the file by hand.",
            )
        if any(_same(old, entry) for old in signatures):
            return existing  # moved before, by an upgrade that was stopped part way
        place = sum(1 for old in signatures if _sortable(old.get("date")) <= _sortable(entry["date"]))
        item = CommentedMap(entry)
        item.yaml_add_eol_comment("# " + note, "version")
        signatures.insert(place, item)
    text = editable.text()
    try:
        SignatureFile.model_validate(_plain(editable_from_text(text).document))
    except ValidationError as exc:
        raise CannotUpgrade(
            f"{relative} would not be valid after adding {partner['id']}'s sign_off: "
            f"{exc.errors()[0]['msg']}; nothing was changed.",
            hint=f"Check the sign_off in roles.yaml and {relative} with sap validate after fixing "
            "schema_version by hand, or move the sign_off yourself.",
        ) from None
    return text


def _sortable(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _same(old: Any, entry: dict[str, Any]) -> bool:
    return bool(_as_date(old.get("date")) == entry["date"] and old.get("version") == entry["version"])


def _as_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


# ---------------------------------------------------------------- the chain of formats

Migration = Callable[[Files], list[str]]
# MIGRATIONS[n] turns format n into format n + 1; a folder several formats behind goes through each.
MIGRATIONS: dict[int, Migration] = {1: _from_1_to_2}


def _round_trip(text: str) -> Any:
    """The editable document of a text already read safely by `Files.read` (or made by sap)."""

    return editable_from_text(text).document


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
    project = editable_from_text(files.text("project.yaml"))
    project.document["schema_version"] = SCHEMA_VERSION
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


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


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
