"""The change from each file format to the next, made as edits of the files' own text."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sap_cli.agreement.signature_file import new_signature_file
from sap_cli.errors import SapError
from sap_cli.files.yaml_edit import editable_from_text
from sap_cli.files.yaml_read import load_file
from sap_cli.model.records import SignatureFile


class CannotUpgrade(SapError):
    """A file the upgrade must edit cannot be read, or the folder is newer than this sap."""


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


Migration = Callable[[Files], list[str]]


# MIGRATIONS[n] turns format n into format n + 1; a folder several formats behind goes through each.
MIGRATIONS: dict[int, Migration] = {1: _from_1_to_2}


def _round_trip(text: str) -> Any:
    """The editable document of a text already read safely by `Files.read` (or made by sap)."""

    return editable_from_text(text).document


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
