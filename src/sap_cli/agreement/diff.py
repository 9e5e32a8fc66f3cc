"""What changed in the agreement since a version or a day, read from git history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.agreement.fingerprint import PART_LABELS, agreement_parts, fingerprint
from sap_cli.errors import SapError, UsageProblem
from sap_cli.files.git import file_at, history
from sap_cli.files.yaml_read import parse_bytes
from sap_cli.model.folder import FILE_MODELS, Partnership
from sap_cli.partnership.layout import PARTNERSHIP_FILES
from sap_cli.partnership.load import load_valid

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership
    from sap_cli.model.records import Signature


@dataclass(frozen=True)
class AgreementChanges:
    """What changed in the agreement since a signed version (or a day), part by part, in plain words."""

    since: str  # "version 1, signed 2026-01-12" or "2026-02-01"
    changes: dict[str, list[str]]  # part label -> sentences; only parts that changed
    detailed: bool  # False when only the fingerprints could be compared (no git history)
    commit: str | None = None


def _partnership_at(folder: Path, commit: str) -> Partnership | None:
    """The partnership as committed at `commit`, or None if it was incomplete or invalid then."""
    from pydantic import ValidationError

    # Through the same guarded reader as the files on disk: an old commit is as much a stranger's
    # text as the working tree (impossible dates, tags, alias bombs, links all stay harmless).
    records: dict[str, Any] = {}
    for name, model in FILE_MODELS.items():
        raw = file_at(folder, commit, name)
        if raw is None:
            return None
        loaded = parse_bytes(folder / name, raw)
        if not loaded.readable or (loaded.data is not None and not isinstance(loaded.data, dict)):
            return None
        try:
            records[name] = model.model_validate(loaded.data or {})
        except ValidationError:
            return None
    return Partnership(folder, *records.values())


def _signed_baseline(p: Partnership, since: str | None) -> tuple[str, Signature]:
    """The signature to compare with: the newest one, or the newest of the version asked for."""
    everyone = [s for record in p.signatures for s in record.signatures]
    if since is not None:
        everyone = [s for s in everyone if str(s.version) == since]
    if not everyone:
        signed = sorted({str(s.version) for record in p.signatures for s in record.signatures})
        raise SapError(
            f"nobody has signed version {since} with `sap sign`"
            if since is not None
            else "nobody has signed the agreement with `sap sign` yet, so there is no signed version "
            "to compare with",
            hint=(f"Signed versions: {', '.join(signed)}. " if signed else "")
            + "To compare with the agreement as it was on a given day, use --since YYYY-MM-DD (needs git).",
        )
    newest = max(everyone, key=lambda s: s.date)
    return f"version {newest.version}, signed {newest.date}", newest


def agreement_changes(folder: Path, since: str | None = None) -> AgreementChanges:
    """What changed in the agreement since a signed version (`since` = a number or nothing) or a day."""

    p = load_valid(folder)
    now = agreement_parts(p)
    names = list(PARTNERSHIP_FILES)
    day = _as_day(since)
    if day is not None:
        commits = history(folder, names, before=f"{day.isoformat()} 23:59:59")
        then = next((old for commit, _ in commits if (old := _partnership_at(folder, commit))), None)
        if then is None:
            raise SapError(
                f"sap found no committed agreement on or before {day}.",
                hint="This needs the folder to be in git, with the agreement committed by that day.",
            )
        return AgreementChanges(day.isoformat(), describe_changes(agreement_parts(then), now), True)
    label, signature = _signed_baseline(p, since)
    current = fingerprint(p)
    if signature.fingerprint == current.whole:
        return AgreementChanges(label, {}, True)
    for commit, _ in history(folder, names):
        old = _partnership_at(folder, commit)
        if old is not None and fingerprint(old).whole == signature.fingerprint:
            return AgreementChanges(label, describe_changes(agreement_parts(old), now), True, commit)
    # No history holds the signed text: say which parts changed, from the fingerprints alone.
    return AgreementChanges(label, {part: [] for part in current.changed_since(signature)}, False)


def _as_day(since: str | None) -> dt.date | None:
    if since is None or since.isdigit():
        return None
    try:
        return dt.date.fromisoformat(since)
    except ValueError:
        raise UsageProblem(
            f"'{since}' is neither a version number nor a date",
            hint="Write --since 2 for version 2, or --since 2026-03-01 for a day.",
        ) from None


def describe_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[str]]:
    """Part label -> plain sentences saying what was added, removed or changed."""
    changes = {}
    for name, label in PART_LABELS.items():
        sentences: list[str] = []
        _compare(old.get(name), new.get(name), [], sentences)
        if sentences:
            changes[label] = sentences
    return changes


def _words(key: str) -> str:
    return key.replace("_", " ")


def _shown(value: Any) -> str:
    if value is None or value == [] or value == {}:
        return "nothing"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, dict):
        return _item_name(value) or "; ".join(f"{_words(k)}: {_shown(v)}" for k, v in value.items() if v)
    return f"'{value}'"


def _item_name(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in ("title", "name", "who", "id"):
            if item.get(key):
                return f"'{item[key]}'"
    return None


def _compare(old: Any, new: Any, where: list[str], out: list[str]) -> None:
    prefix = (", ".join(where) + ": ") if where else ""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            _compare(old.get(key), new.get(key), [*where, _words(key)], out)
        return
    if isinstance(old, list) and isinstance(new, list):
        keyed = all(isinstance(i, dict) and ("id" in i or "name" in i) for i in [*old, *new])
        if keyed and (old or new):
            key = "id" if all("id" in i for i in [*old, *new]) else "name"
            before = {i[key]: i for i in old}
            after = {i[key]: i for i in new}
            for ident, item in after.items():
                if ident not in before:
                    out.append(f"{prefix}added {_item_name(item)}")
            for ident, item in before.items():
                if ident not in after:
                    out.append(f"{prefix}removed {_item_name(item)}")
                else:
                    _compare(item, after[ident], [*where, _item_name(item) or str(ident)], out)
            return
        added = [i for i in new if i not in old]
        removed = [i for i in old if i not in new]
        if added:
            out.append(f"{prefix}added {_shown(added)}")
        if removed:
            out.append(f"{prefix}removed {_shown(removed)}")
        if not added and not removed:
            out.append(f"{prefix}the order changed")
        return
    out.append(f"{prefix}changed from {_shown(old)} to {_shown(new)}")
