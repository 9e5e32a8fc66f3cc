"""What partners agree to: the agreement's parts, its fingerprint, signatures and who must sign again."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sap_cli.errors import SapError, UnknownPartner, UsageProblem

if TYPE_CHECKING:
    from sap_cli.model import Partner, Partnership, Signature

# The parts of the agreement a partner signs, in the order the agreement presents them. Progress
# (done dates, what was enacted, meetings) is not part of it: recording it never asks for a new signature.
PART_LABELS: dict[str, str] = {
    "purpose": "title, summary, areas and values",
    "dates": "dates and meeting rhythm",
    "goals": "goals and deliverables",
    "roles": "roles and responsibilities",
    "timeline": "milestones",
    "matrix": "participation matrix",
    "communication": "communication",
    "recognition": "recognition (time, pay, credit)",
    "data": "data and confidentiality",
    "ethics": "ethics approval",
    "dissemination": "sharing the work",
    "when-things-go-wrong": "what to do when expectations are not met",
}

FINGERPRINT_LENGTH = 12
PART_LENGTH = 8


def agreement_parts(p: Partnership) -> dict[str, Any]:
    """The content of the agreement, part by part, as plain data (what a signature covers)."""
    project = p.project.model_dump(mode="json")
    return {
        "purpose": {
            key: project[key]
            for key in (
                "title",
                "summary",
                "areas",
                "why_partnership",
                "values",
                "own_values",
                "propositions",
            )
        },
        "dates": {key: project[key] for key in ("start", "end", "cadence", "review_date")},
        "goals": {
            "goals": [goal.model_dump(mode="json") for goal in p.goals.goals],
            "own_objectives": p.goals.model_dump(mode="json")["own_objectives"],
            "deliverables": [d.model_dump(mode="json", exclude={"done"}) for d in p.goals.deliverables],
        },
        "roles": [partner.model_dump(mode="json") for partner in p.roles.partners],
        "timeline": [m.model_dump(mode="json", exclude={"done"}) for m in p.timeline.milestones],
        "matrix": {
            "stages": [stage.model_dump(mode="json", exclude={"enacted"}) for stage in p.matrix.stages],
            "ladder": p.matrix.ladder.planned if p.matrix.ladder else None,
        },
        "communication": project["communication"],
        "recognition": project["recognition"],
        "data": project["data"],
        "ethics": project["ethics"],
        "dissemination": project["dissemination"],
        "when-things-go-wrong": project["if_expectations_not_met"],
    }


def _digest(data: Any, length: int) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:length]


@dataclass(frozen=True)
class Fingerprint:
    """One short digest of the whole agreement, and one per part to tell which part changed."""

    whole: str
    parts: dict[str, str]

    def changed_since(self, signature: Signature) -> list[str]:
        """Labels of the parts that differ from what `signature` covered (all, if it kept no parts)."""
        if signature.fingerprint == self.whole:
            return []
        changed = [name for name, digest in self.parts.items() if signature.parts.get(name) != digest]
        return [PART_LABELS[name] for name in changed] or ["the agreement as a whole"]


def fingerprint(p: Partnership) -> Fingerprint:
    parts = agreement_parts(p)
    return Fingerprint(
        whole=_digest(parts, FINGERPRINT_LENGTH),
        parts={name: _digest(value, PART_LENGTH) for name, value in parts.items()},
    )


# ---------------------------------------------------------------- who has signed what

SignState = Literal["signed", "sign-again", "not-signed"]


@dataclass(frozen=True)
class PartnerSignature:
    """Where one partner stands with the current agreement."""

    partner_id: str
    name: str
    state: SignState
    date: dt.date | None = None
    version: int | None = None
    fingerprint: str | None = None  # None for a signature from before sap kept fingerprints
    changed: list[str] = field(default_factory=list)  # what changed since they signed, in plain words

    @property
    def reason(self) -> str:
        """Why this partner needs to sign again, as the end of a sentence ('' when they need not)."""
        if self.state != "sign-again":
            return ""
        if self.fingerprint is None:
            return f"they signed version {self.version} on {self.date}, and the agreement has a newer version"
        what = "this part has" if len(self.changed) == 1 else "these parts have"
        return (
            f"they signed version {self.version} on {self.date}, and since then {what} changed: "
            + "; ".join(self.changed)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "partner": self.partner_id,
            "name": self.name,
            "state": self.state,
            "date": self.date.isoformat() if self.date else None,
            "version": self.version,
            "fingerprint": self.fingerprint,
            "changed": self.changed,
        }


def latest_signature(p: Partnership, partner_id: str) -> tuple[int, Signature] | None:
    """(index in the file, signature) of the partner's most recent `sap sign` record, if any."""
    for record in p.signatures:
        if record.partner == partner_id and record.signatures:
            index, newest = max(enumerate(record.signatures), key=lambda pair: (pair[1].date, pair[0]))
            return index, newest
    return None


def partner_signature(p: Partnership, partner: Partner, current: Fingerprint) -> PartnerSignature:
    found = latest_signature(p, partner.id)
    if found is not None:
        signature = found[1]
        if signature.fingerprint is None:  # signed before sap kept fingerprints: the version tells
            changed: list[str] = []
            outdated = signature.version < p.project.agreement_version
        else:
            changed = current.changed_since(signature)
            outdated = bool(changed)
        return PartnerSignature(
            partner.id,
            partner.name,
            "sign-again" if outdated else "signed",
            signature.date,
            signature.version,
            signature.fingerprint,
            changed,
        )
    return PartnerSignature(partner.id, partner.name, "not-signed")


def signing_states(p: Partnership) -> list[PartnerSignature]:
    """Every partner in roles.yaml, in order, with where they stand with the current agreement."""
    current = fingerprint(p)
    return [partner_signature(p, partner, current) for partner in p.roles.partners]


# ---------------------------------------------------------------- sap sign


@dataclass(frozen=True)
class Signed:
    """What `sap sign` did."""

    path: Path
    name: str
    version: int
    fingerprint: str
    already: bool = False  # they had signed this very content before; nothing was written
    new_version_from: int | None = None  # the agreement moved to a new version with this signature


SIGNATURE_HEADING = (
    "{name}'s agreement to this partnership, recorded by `sap sign`. Each entry is one signature:",
    "the date, the agreement_version and a fingerprint of what the agreement said that day, so sap",
    "can tell when the agreement changes afterwards. sap only ever adds entries at the end.",
)


def _signing_version(p: Partnership, current: Fingerprint) -> int:
    """The version this signature is for: a new one if the content changed since this version was signed."""
    version = p.project.agreement_version
    this_version = [
        signature
        for record in p.signatures
        for signature in record.signatures
        if signature.version == version
    ]
    # A signature without a fingerprint cannot say what it covered, so it never starts a new version.
    fingerprinted = [signature.fingerprint for signature in this_version if signature.fingerprint]
    if fingerprinted and current.whole not in fingerprinted:
        return version + 1
    return version


def sign_partner(folder: Path, partner_id: str, on: dt.date) -> Signed:
    """Record that a partner agrees to the agreement as it stands, with its fingerprint."""
    from sap_cli.checks import did_you_mean, load_valid

    p = load_valid(folder)
    partner = next((x for x in p.roles.partners if x.id == partner_id), None)
    if partner is None:
        known = [x.id for x in p.roles.partners]
        raise UnknownPartner(partner_id, known, did_you_mean(partner_id, known))
    current = fingerprint(p)
    version = _signing_version(p, current)
    path = folder / "signatures" / f"{partner.id}.yaml"
    found = latest_signature(p, partner.id)
    if found is not None and found[1].fingerprint == current.whole and found[1].version == version:
        return Signed(path, partner.name, version, current.whole, already=True)
    if found is not None and on < found[1].date:
        raise SapError(
            f"{partner.name} last signed on {found[1].date}, after {on}.",
            hint="Give the date they agreed to the agreement as it is now, with --date YYYY-MM-DD.",
        )
    entry = {
        "date": on,
        "version": version,
        "fingerprint": current.whole,
        "parts": dict(current.parts),
    }
    if version != p.project.agreement_version:
        _set_agreement_version(folder, version)
    _append_signature(path, partner, entry)
    return Signed(
        path,
        partner.name,
        version,
        current.whole,
        new_version_from=p.project.agreement_version if version != p.project.agreement_version else None,
    )


def _set_agreement_version(folder: Path, version: int) -> None:
    """Raise agreement_version in project.yaml, keeping every other byte of the file."""
    from sap_cli.store import atomic_write, load_round_trip

    path = folder / "project.yaml"
    editable = load_round_trip(path)
    document = editable.document
    if "agreement_version" in document:
        document["agreement_version"] = version
    else:
        document.insert(len(document), "agreement_version", version)
    atomic_write(path, editable.text())


def _append_signature(path: Path, partner: Partner, entry: dict[str, Any]) -> None:
    """Add one signature at the end of the partner's file (made on first signing), atomically."""
    from sap_cli.store import atomic_write, create_exclusive, load_round_trip

    if not path.exists():
        from sap_cli.model import SignatureFile
        from sap_cli.schemas import for_new_file
        from sap_cli.yamlwrite import commented_yaml

        heading = [line.format(name=partner.name) for line in SIGNATURE_HEADING]
        data = {"partner": partner.id, "signatures": [entry]}
        text = commented_yaml(SignatureFile, data, heading, explain=False)
        folder = path.parent.parent
        create_exclusive(path, for_new_file(folder, path.relative_to(folder), text))
        return
    from sap_cli.model import SignatureFile

    editable = load_round_trip(path)
    document = editable.document
    signatures = document.get("signatures")
    if signatures is None:
        document["signatures"] = signatures = []
    signatures.append(_quoted_like_new_files(entry))
    SignatureFile.model_validate(document)  # never save a file that no longer validates
    atomic_write(path, editable.text())


def _quoted_like_new_files(value: Any) -> Any:
    """Quote text the way a new file does, so an appended entry looks like the first one."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from sap_cli.yamlwrite import scalar

    if isinstance(value, dict):
        return {key: _quoted_like_new_files(item) for key, item in value.items()}
    if isinstance(value, str) and scalar(value).startswith('"'):
        return DoubleQuotedScalarString(value)
    return value


# ---------------------------------------------------------------- sap agreement diff


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
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from sap_cli.gitops import file_at
    from sap_cli.model import FILE_MODELS, Partnership

    records: dict[str, Any] = {}
    for name, model in FILE_MODELS.items():
        text = file_at(folder, commit, name)
        if text is None:
            return None
        try:
            records[name] = model.model_validate(YAML(typ="safe").load(text) or {})
        except (YAMLError, ValidationError):
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
    from sap_cli.checks import load_valid
    from sap_cli.gitops import history
    from sap_cli.store import PARTNERSHIP_FILES

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
