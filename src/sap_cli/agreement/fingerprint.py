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
    from sap_cli.model.people import Partner
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
    # The parts below count only once they hold something (see `_filled`), so a folder that has
    # none of them keeps the fingerprint its partners signed.
    "setting": "institution, school, courses and funding",
    "outside-contact": "the contact outside the team",
    "assessment": "assessment and conflict of interest",
    "leaving": "leaving the partnership",
    "hours": "claiming hours and pay",
    "training": "induction and training",
    "support": "support and accessibility contacts",
    "ip-assignment": "IP assignment",
}


def _filled(value: Any) -> bool:
    """True when a value says something: not None, an empty list or mapping, or a mapping of those."""
    if isinstance(value, dict):
        return any(_filled(item) for item in value.values())
    if isinstance(value, list):
        return bool(value)
    return value is not None


FINGERPRINT_LENGTH = 12


# What a partner's entry says about the person, not a term of the agreement, so adding it (or their
# leaving) sends nobody back to sign: other forms of the name (for anonymising), what to call them,
# their pronouns, and the day they left and why.
NOT_TERMS = frozenset({"aliases", "email", "preferred_name", "pronouns", "left", "left_reason"})


PART_LENGTH = 8


# The only wording partners may correct as an editorial change, without asking everyone to sign again:
# none of it says what a partner does, gets, owns or risks. Every other part (and any part added later)
# counts as terms, so a change there always asks every partner to read and sign again.
EDITORIAL_WORDING: dict[str, tuple[str, ...]] = {"purpose": ("title", "summary", "why_partnership")}
EDITORIAL_WORDS = "the title, the summary and why you work as partners"


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
        "dates": {
            **{key: project[key] for key in ("start", "end", "cadence", "review_date")},
            **({"meetings": project["meetings"]} if _filled(project["meetings"]) else {}),
        },
        "goals": {
            "goals": [goal.model_dump(mode="json") for goal in p.goals.goals],
            "own_objectives": p.goals.model_dump(mode="json")["own_objectives"],
            "deliverables": [d.model_dump(mode="json", exclude={"done"}) for d in p.goals.deliverables],
        },
        # Other forms of a name, an e-mail address, pronouns and the day someone left are about the
        # people, not terms of the agreement (one student leaving must not send everyone back to sign).
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
        **_added_parts(project),
    }


def _added_parts(project: dict[str, Any]) -> dict[str, Any]:
    """The parts of the agreement that are there only when filled in (project.yaml's ProjectSetting)."""
    terms = project["terms"]
    parts = {
        "setting": {key: project[key] for key in ("institution", "school", "course_codes", "funding")},
        "outside-contact": project["outside_contact"],
        "assessment": terms["assessment"],
        "leaving": terms["leaving"],
        "hours": terms["hours"],
        "training": terms["training"],
        "support": terms["support"],
        "ip-assignment": terms["ip_assignment"],
    }
    return {name: value for name, value in parts.items() if _filled(value)}


def _digest(data: Any, length: int) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:length]


@dataclass(frozen=True)
class Fingerprint:
    """One short digest of the whole agreement, and one per part to tell which part changed."""

    whole: str
    parts: dict[str, str]
    terms: str = ""  # the whole without EDITORIAL_WORDING: equal terms, only wording changed

    def changed_since(self, signature: Signature) -> list[str]:
        """Labels of the parts that differ from what `signature` covered (all, if it kept no parts)."""
        if signature.fingerprint == self.whole:
            return []
        return changed_parts(signature.parts, self.parts) or ["the agreement as a whole"]


def changed_parts(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Labels of the parts whose fingerprints differ, in order: the words `sap agreement diff` uses."""
    return [label for name, label in PART_LABELS.items() if name in new and old.get(name) != new[name]]


# The last few fingerprints, by the plan records they were taken from: `sap programme` asks for each
# partnership's four times (status, signing, review, findings), and a record is never changed in place.
_RECENT: dict[tuple[int, ...], tuple[tuple[object, ...], Fingerprint]] = {}
_RECENT_SIZE = 64


def fingerprint(p: Partnership) -> Fingerprint:
    plan = (p.project, p.roles, p.goals, p.timeline, p.matrix)  # all that agreement_parts reads
    key = tuple(map(id, plan))
    kept = _RECENT.get(key)
    # The records are held below, so their ids cannot be another record's while they are kept.
    if kept is not None and all(a is b for a, b in zip(kept[0], plan, strict=True)):
        return kept[1]
    found = _fingerprint(p)
    if len(_RECENT) >= _RECENT_SIZE:
        _RECENT.pop(next(iter(_RECENT)))
    _RECENT[key] = (plan, found)
    return found


def _fingerprint(p: Partnership) -> Fingerprint:
    parts = agreement_parts(p)
    terms = {
        name: {k: v for k, v in value.items() if k not in EDITORIAL_WORDING[name]}
        if name in EDITORIAL_WORDING
        else value
        for name, value in parts.items()
    }
    return Fingerprint(
        whole=_digest(parts, FINGERPRINT_LENGTH),
        parts={name: _digest(value, PART_LENGTH) for name, value in parts.items()},
        terms=_digest(terms, PART_LENGTH),
    )


def covered_words(version: int, editorial: list[tuple[int, str]]) -> str:
    """'signed version 2; version 3 was an editorial change: <note>': why a partner need not sign again."""
    return f"signed version {version}; " + "; ".join(
        f"version {number} was an editorial change: {note}" for number, note in editorial
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
    editorial: list[tuple[int, str]] = field(default_factory=list)  # (version, note) they count as signed for
    how: str | None = None  # paper, e-signature, e-mail or in-person, when someone else recorded it

    @property
    def covered(self) -> str:
        """'signed version 2; version 3 was an editorial change: <note>' ('' without editorial changes)."""
        if self.state != "signed" or not self.editorial or self.version is None:
            return ""
        return covered_words(self.version, self.editorial)

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
            "how": self.how,
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
        editorial = editorial_since(p, signature, current) if outdated else []
        return PartnerSignature(
            partner.id,
            partner.called,
            "sign-again" if outdated and not editorial else "signed",
            signature.date,
            signature.version,
            signature.fingerprint,
            [] if editorial else changed,
            editorial,
            signature.how,
        )
    return PartnerSignature(partner.id, partner.called, "not-signed")


def editorial_since(p: Partnership, signature: Signature, current: Fingerprint) -> list[tuple[int, str]]:
    """(version, note) of the editorial changes that carry `signature` to the agreement as it is now.

    Only when the text now was marked editorial and its terms are the very terms `signature` covered:
    a change of anything but wording, even one marked editorial in between, asks the partner again.
    """
    marks = [s for record in p.signatures for s in record.signatures if s.editorial and s.terms]
    if signature.terms is None or signature.terms != current.terms:
        return []
    if not any(mark.fingerprint == current.whole for mark in marks):
        return []
    found = {
        mark.version: mark.editorial or ""
        for mark in sorted(marks, key=lambda mark: mark.date)
        if mark.version > signature.version and mark.terms == signature.terms
    }
    return sorted(found.items())


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
