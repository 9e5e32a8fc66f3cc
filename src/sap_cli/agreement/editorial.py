"""sap agreement editorial: partners record that a change of wording does not need new signatures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sap_cli.agreement.fingerprint import EDITORIAL_WORDS, changed_parts, fingerprint
from sap_cli.agreement.sign import append_signature, recorded_version, set_agreement_version
from sap_cli.errors import SapError, UsageProblem
from sap_cli.files.atomic import refuse_unsafe
from sap_cli.partnership.load import load_valid


@dataclass(frozen=True)
class Marked:
    """What `sap agreement editorial` did."""

    path: Path
    name: str
    version: int  # the new version, an editorial change of the one before
    note: str


_SIGN_AGAIN_HINT = (
    "Run `sap agreement diff` to see what changed, read the agreement together, and each partner who "
    "agrees runs `sap sign --partner ID`."
)


def mark_editorial(folder: Path, partner_id: str, note: str, on: dt.date) -> Marked:
    """Record, in the marking partner's signatures file, that the agreement as it stands only rewords
    the version signed last; sap refuses unless every term (everything but EDITORIAL_WORDS) is the same.
    """
    note = " ".join(note.split())
    if not note:
        raise UsageProblem(
            "say what the change was with --note, in a few words; nothing was written",
            hint='For example: --note "Fixed a typo in the summary".',
        )
    if on > dt.date.today():
        raise UsageProblem(
            f"--date {on.isoformat()} is after today; nothing was written",
            hint="Leave out --date to use today, or give the day, YYYY-MM-DD.",
        )
    p = load_valid(folder)
    partner = p.partner(partner_id)
    current = fingerprint(p)
    version = recorded_version(p)
    signed = sorted(
        (s for record in p.signatures for s in record.signatures if s.version == version and s.fingerprint),
        key=lambda s: s.date,
    )
    if not signed:
        raise SapError(
            f"nobody has signed version {version} of the agreement with `sap sign`, so there is no signed "
            "version for this change to correct; nothing was written.",
            hint="Partners sign the agreement as it stands with `sap sign --partner ID`.",
        )
    if any(s.fingerprint == current.whole for s in signed):
        raise SapError(
            f"the agreement has not changed since version {version} was signed, so there is no change to "
            "mark as editorial; nothing was written.",
            hint=f"Correct the wording first ({EDITORIAL_WORDS}), then run this again.",
        )
    base = signed[0]
    if base.terms is None:
        raise SapError(
            f"version {version} was signed before sap could tell a change of wording from a change of "
            "terms, so this change needs every partner to sign again; nothing was written.",
            hint=_SIGN_AGAIN_HINT + " After that, corrections of wording can be marked editorial.",
        )
    if base.terms != current.terms:
        changed = changed_parts(base.parts, current.parts)
        where = "; ".join(changed) if changed else "the agreement"
        raise SapError(
            f"sap did not mark this change as editorial, and nothing was written: since version {version} "
            f"was signed, more than wording changed (in: {where}). A change there can affect what a partner "
            "does, gets or risks, so every partner is asked to read it and sign again. Only "
            f"{EDITORIAL_WORDS} can be corrected as an editorial change.",
            hint=_SIGN_AGAIN_HINT,
        )
    path = folder / "signatures" / f"{partner.id}.yaml"
    refuse_unsafe(folder, [path.relative_to(folder).as_posix(), "project.yaml"])
    entry = {
        "date": on,
        "version": version + 1,
        "fingerprint": current.whole,
        "parts": dict(current.parts),
        "terms": current.terms,
        "editorial": note,
    }
    append_signature(path, partner, entry)
    set_agreement_version(folder, version + 1)
    return Marked(path, partner.name, version + 1, note)
