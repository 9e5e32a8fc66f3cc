"""What the agreement says, as a fingerprint per part, and who has signed the current one."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from sap_cli.partnership.problems import Finding

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership
    from sap_cli.model.plan import Partner
    from sap_cli.model.records import Signature


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


# What a partner's entry says about the person, not a term of the agreement, so adding it (or their
# leaving) sends nobody back to sign: other forms of the name (for anonymising), what to call them,
# their pronouns, and the day they left and why.
NOT_TERMS = frozenset({"aliases", "preferred_name", "pronouns", "left", "left_reason"})


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
        "roles": [partner.model_dump(mode="json", exclude=set(NOT_TERMS)) for partner in p.roles.partners],
        # `completes` only links a milestone to the deliverable it finishes: record-keeping, not a term.
        "timeline": [m.model_dump(mode="json", exclude={"done", "completes"}) for m in p.timeline.milestones],
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


SignState = Literal["signed", "sign-again", "not-signed", "left"]


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

    left: dt.date | None = None  # the last day they were a partner, if they have left

    @property
    def reason(self) -> str:
        """Why they must sign again, or are not asked to, as the end of a sentence ('' if signed)."""
        if self.state == "left":
            return f"they left the partnership on {self.left}, so they are not asked to sign"
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
    """Where they stand; one who left is 'left' unless they had signed what the agreement says now."""
    state = _signature_state(p, partner, current)
    if partner.left is not None and state.state != "signed":
        return replace(state, state="left", changed=[], left=partner.left)
    return replace(state, left=partner.left)


def _signature_state(p: Partnership, partner: Partner, current: Fingerprint) -> PartnerSignature:
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
            partner.called,
            "sign-again" if outdated else "signed",
            signature.date,
            signature.version,
            signature.fingerprint,
            changed,
        )
    return PartnerSignature(partner.id, partner.called, "not-signed")


def signing_states(p: Partnership) -> list[PartnerSignature]:
    """Every partner in roles.yaml, in order, with where they stand with the current agreement."""
    current = fingerprint(p)
    return [partner_signature(p, partner, current) for partner in p.roles.partners]


def findings(partnership: Partnership) -> list[Finding]:
    """A warning for each partner whose signature no longer covers what the agreement says."""
    found = []
    for index, state in enumerate(signing_states(partnership)):
        if state.state != "sign-again":
            continue
        name, loc = "roles.yaml", ("partners", index, "id")
        latest = latest_signature(partnership, state.partner_id)
        if latest is not None:
            name, loc = f"signatures/{state.partner_id}.yaml", ("signatures", latest[0], "date")
        found.append(
            Finding(
                name,
                loc,
                "sign-again",
                f"{state.name} needs to sign the agreement again: {state.reason}",
                "Read docs/agreement.md together; if they agree, they run "
                f"`sap sign --partner {state.partner_id}`.",
                "partnership agreement practice",
            )
        )
    return found
