"""The agreement's version history, read from what the signatures record (no git needed).

Each signature keeps its version, its day and a fingerprint of every part, so the history is the same
on every computer: a fresh clone, a shallow one in CI, a copy without git. What changed between two
versions is named part by part, in the words `sap agreement diff` uses when it has no git history;
`sap agreement diff --since VERSION` says what changed inside each part.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sap_cli.agreement.fingerprint import EDITORIAL_WORDS, changed_parts, fingerprint

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership
    from sap_cli.model.records import Signature


@dataclass(frozen=True)
class VersionEntry:
    """One row of the history: a version, when it was first signed, what changed, who signed it."""

    version: int
    date: dt.date | None  # None: the agreement as it stands, not signed yet
    changed: str
    signed: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "date": self.date.isoformat() if self.date else None,
            "changed": self.changed,
            "signed": self.signed,
        }


def _changed_words(before: Signature | None, this: Signature) -> str:
    if before is None:
        return "First version." if this.version == 1 else "The earliest version with signatures here."
    if not before.parts or not this.parts:
        return "Not recorded: signed before sap kept a fingerprint of each part."
    if this.editorial:
        return (
            f"Editorial change, wording only ({EDITORIAL_WORDS}): {this.editorial}. Everyone who signed "
            f"version {before.version} counts as signed."
        )
    return _changed_sentence(changed_parts(before.parts, this.parts))


def _changed_sentence(changed: list[str]) -> str:
    return ("Changed: " + "; ".join(changed) + ".") if changed else "The agreement as a whole changed."


def version_history(p: Partnership) -> list[VersionEntry]:
    """Every signed version, oldest first, then the agreement as it stands if nobody has signed it yet."""
    names = {partner.id: partner.name for partner in p.roles.partners}
    by_version: dict[int, list[tuple[str, Signature]]] = {}
    for record in p.signatures:
        for signature in record.signatures:
            by_version.setdefault(signature.version, []).append((record.partner, signature))
    entries: list[VersionEntry] = []
    before: Signature | None = None
    for version in sorted(by_version):
        signers = sorted(by_version[version], key=lambda pair: (pair[1].date, names.get(pair[0], pair[0])))
        # What the version says: the editorial mark if there is one, else its first fingerprinted signature.
        this = next(
            (s for _, s in signers if s.editorial),
            next((s for _, s in signers if s.fingerprint), signers[0][1]),
        )
        who = "; ".join(
            f"{names.get(partner, partner)}, {s.date.isoformat()}"
            + (" (marked it editorial)" if s.editorial else "")
            for partner, s in signers
        )
        entries.append(VersionEntry(version, signers[0][1].date, _changed_words(before, this), who))
        before = this
    current = fingerprint(p)
    if before is not None and before.parts:
        signed_now = any(s.fingerprint == current.whole for pairs in by_version.values() for _, s in pairs)
        if not signed_now:
            words = _changed_sentence(changed_parts(before.parts, current.parts))
            entries.append(VersionEntry(before.version + 1, None, words, "Nobody yet."))
    return entries
