"""sap sign: record a partner's agreement, raising the agreement's version when it changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.agreement.fingerprint import (
    Fingerprint,
    covered_words,
    editorial_since,
    fingerprint,
    latest_signature,
)
from sap_cli.agreement.signature_file import new_signature_file
from sap_cli.errors import SapError, UsageProblem
from sap_cli.files.atomic import atomic_write, create_exclusive, refuse_unsafe, taking_turns
from sap_cli.files.yaml_splice import YamlText
from sap_cli.model.records import SignatureFile
from sap_cli.partnership.load import load_valid

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership
    from sap_cli.model.people import Partner


@dataclass(frozen=True)
class Signed:
    """What `sap sign` did."""

    path: Path
    name: str
    version: int
    fingerprint: str
    already: bool = False  # they had signed this very content before; nothing was written
    new_version_from: int | None = None  # the agreement moved to a new version with this signature
    finished_from: int | None = None  # a stopped `sap sign` had left agreement_version here; now raised
    covered: str = ""  # "signed version 2; version 3 was an editorial change: ...": nothing to sign


class SignUnfinished(SapError):
    """The signature was written but project.yaml could not take the new agreement_version."""


class SignedAnotherText(SapError):
    """The copy a partner signed (on paper, say) shows a fingerprint the agreement no longer has."""


def _check_copy(p: Partnership, partner: Partner, printed: str, current: Fingerprint) -> None:
    """Refuse a signature given on a copy of the agreement that is not what it says now."""
    given = printed.strip().strip("`").lower()
    if len(given) >= 6 and current.whole.startswith(given):
        return
    signed_before = [
        signature.version
        for record in p.signatures
        for signature in record.signatures
        if signature.fingerprint and signature.fingerprint.startswith(given) and len(given) >= 6
    ]
    if signed_before:
        problem = (
            f"the copy {partner.called} signed has fingerprint {printed.strip()}, the text of version "
            f"{signed_before[0]}, but the agreement has changed since (fingerprint now {current.whole}), "
            "so sap cannot record this signature for the agreement as it stands; nothing was written"
        )
    else:
        problem = (
            f"the fingerprint {printed.strip()!r} is not this agreement's ({current.whole}) nor one sap "
            f"has recorded, so sap cannot tell what {partner.called} signed; nothing was written"
        )
    raise SignedAnotherText(
        problem,
        hint="Check the code was copied exactly from the sign-off of the copy they signed. If it was, "
        "the agreement changed after that copy was made: `sap agreement diff` shows what changed; give "
        "them the agreement as it is now (`sap export`) to read and sign.",
    )


def recorded_version(p: Partnership) -> int:
    """The newest version of the agreement: project.yaml's, or one a stopped `sap sign` signed."""
    signed = [signature.version for record in p.signatures for signature in record.signatures]
    return max([p.project.agreement_version, *signed])


def _signing_version(p: Partnership, current: Fingerprint) -> int:
    """The version this signature is for: a new one if the content changed since this version was signed."""
    version = recorded_version(p)
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


def sign_partner(
    folder: Path,
    partner_id: str,
    on: dt.date,
    how: str | None = None,
    printed_fingerprint: str | None = None,
) -> Signed:
    """Record that a partner agrees to the agreement as it stands, with its fingerprint.

    `how` says how they agreed when someone records it for them (paper, e-signature...);
    `printed_fingerprint`, the fingerprint on the copy they signed, must be the agreement's now.

    Two files change when the agreement moves to a new version: the signature is written first,
    project.yaml's agreement_version second. Stopped in between, the folder still validates (a
    warning says so) and running the same command again raises the version without signing twice.
    """
    today = dt.date.today()
    if on > today:
        raise UsageProblem(
            f"--date {on.isoformat()} is after today ({today.isoformat()}): a partner signs on the day "
            "they agree, so sap cannot record a signature ahead of time; nothing was written",
            hint="Leave out --date to sign today, or give the day they agreed, YYYY-MM-DD.",
        )
    p = load_valid(folder)
    partner = p.find_partner(partner_id)
    if not partner.partner_on(on):
        raise UsageProblem(
            f"{partner.called} left the partnership on {partner.left}, so sap does not ask them to sign "
            f"an agreement on {on.isoformat()}; nothing was written",
            hint=f"If {partner.called} has come back, take `left:` out of their entry in roles.yaml; "
            "if they agreed before they left, give that day with --date YYYY-MM-DD.",
        )
    current = fingerprint(p)
    if printed_fingerprint is not None:
        _check_copy(p, partner, printed_fingerprint, current)
    version = _signing_version(p, current)
    path = folder / "signatures" / f"{partner.id}.yaml"
    recorded = p.project.agreement_version
    found = latest_signature(p, partner.id)
    if found is not None and found[1].fingerprint == current.whole and found[1].version == version:
        if version > recorded:  # signed by a `sap sign` that stopped before raising the version
            refuse_unsafe(folder, ["project.yaml"])
            set_agreement_version(folder, version)
            return Signed(path, partner.called, version, current.whole, already=True, finished_from=recorded)
        return Signed(path, partner.called, version, current.whole, already=True)
    if found is not None and (editorial := editorial_since(p, found[1], current)):
        covered = covered_words(found[1].version, editorial)
        return Signed(path, partner.called, found[1].version, current.whole, already=True, covered=covered)
    if found is not None and on < found[1].date:
        raise SapError(
            f"{partner.called} last signed on {found[1].date}, after {on}.",
            hint="Give the date they agreed to the agreement as it is now, with --date YYYY-MM-DD.",
        )
    entry = {
        "date": on,
        "version": version,
        "fingerprint": current.whole,
        "parts": dict(current.parts),
        "terms": current.terms,
        **({"how": how} if how else {}),
    }
    # Both files are checked before either is written: no link on the way, in or out.
    refuse_unsafe(
        folder,
        [
            path.relative_to(folder).as_posix(),
            *(["project.yaml"] if version > recorded else []),
        ],
    )
    append_signature(path, partner, entry)
    if version > recorded:
        try:
            set_agreement_version(folder, version)
        except OSError as exc:
            raise SignUnfinished(
                f"{partner.called}'s signature for version {version} was written to "
                f"signatures/{partner.id}.yaml, but project.yaml could not be changed to "
                f"agreement_version: {version} ({(exc.strerror or str(exc)).lower()}); nothing else was "
                "changed.",
                hint="Fix that (make room on the disk, or check you may write project.yaml), then run "
                f"`sap sign --partner {partner.id}` again: it finishes the change and does not sign twice.",
            ) from exc
    return Signed(
        path,
        partner.called,
        version,
        current.whole,
        new_version_from=recorded if version > recorded else None,
    )


def set_agreement_version(folder: Path, version: int) -> None:
    """Raise agreement_version in project.yaml, keeping every other byte of the file."""

    path = folder / "project.yaml"
    project = YamlText.from_path(path)
    project.set(["agreement_version"], version)
    atomic_write(path, project.text())


def append_signature(path: Path, partner: Partner, entry: dict[str, Any]) -> None:
    """Add one signature at the end of the partner's file (made on first signing), atomically."""

    if not path.exists():
        folder = path.parent.parent
        create_exclusive(
            path, new_signature_file(folder, path.relative_to(folder), partner.id, partner.name, entry)
        )
        return

    with taking_turns(path.parent):  # read inside the lock, so a second signing adds, never replaces
        signatures = YamlText.from_path(path)
        signatures.append(["signatures"], entry)
        SignatureFile.model_validate(signatures.data)  # never save a file that no longer validates
        atomic_write(path, signatures.text())
