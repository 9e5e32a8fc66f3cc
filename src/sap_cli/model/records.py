"""Records added as the partnership runs: one file per meeting, one per partner's signatures."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from sap_cli.model.base import Hex, Hours, Record, Score, Slug, Text
from sap_cli.model.vocab import DecidedBy, GoalStatus, SigningWay


class Decision(Record):
    text: Text = Field(description="What was decided.", examples=["Students pick two readings for week 8"])
    by: DecidedBy | list[Slug] = Field(
        default_factory=list,
        description="Who made the decision: students, staff or joint, or the ids of the partners who made "
        "it. Leave it out when no one said; sap then counts the decision as 'not recorded', never as joint.",
        examples=["students", ["amira-haddad", "lee-chen"]],
    )


class Action(Record):
    id: Slug = Field(
        description="Made by sap from the meeting's id; use it with `sap checkin --done`.",
        examples=["2026-03-04-week-6-a1"],
    )
    owner: Slug = Field(description="Id of the partner who will do it.", examples=["amira-haddad"])
    text: Text = Field(description="What will be done.", examples=["Pilot the revised rubric"])
    due: dt.date | None = Field(default=None, description="By when (YYYY-MM-DD).", examples=["2026-03-11"])
    done: dt.date | None = Field(default=None, description="When it was done (YYYY-MM-DD).")


class Pulse(Record):
    heard: Score | None = Field(
        default=None,
        description="How much this partner felt heard, 1 (not at all) to 5 (fully).",
        examples=[4],
    )
    workload: Score | None = Field(
        default=None,
        description="How manageable their workload felt, 1 (far too much) to 5 (just right).",
        examples=[3],
    )


class Reflection(Record):
    prompt: Text = Field(description="The reflection question for this meeting.")
    notes: Text | None = Field(default=None, description="What partners said in answer.")


class CheckinFile(Record):
    """checkins/<date>-<title>.yaml: one meeting: who came, what was decided, who does what."""

    id: Slug = Field(description="The meeting's id, the same as the file name without .yaml.")
    date: dt.date = Field(description="The day of the meeting (YYYY-MM-DD).", examples=["2026-03-04"])
    title: Text = Field(description="A short name for the meeting.", examples=["Week 6"])
    attendees: list[Slug] = Field(default_factory=list, description="Ids of the partners who came.")
    notes: Text | None = Field(default=None, description="Anything worth remembering from the meeting.")
    goals: dict[Slug, GoalStatus] = Field(
        default_factory=dict,
        description="Where each goal stands: not-started, on-track, at-risk, blocked, partly-done "
        "(what the partners agree is part of it) or done.",
        examples=[{"new-rubric": "on-track"}],
    )
    decisions: list[Decision] = Field(default_factory=list, description="Decisions made, and by whom.")
    actions: list[Action] = Field(default_factory=list, description="Who will do what, by when.")
    hours: dict[Slug, Hours] = Field(
        default_factory=dict,
        description="Hours each partner spent since the last meeting (optional), 0 or more.",
        examples=[{"amira-haddad": 3}],
    )
    feedback: list[Text] = Field(default_factory=list, description="Feedback partners gave each other.")
    pulse: dict[Slug, Pulse] = Field(
        default_factory=dict, description="How each attendee felt: heard and workload, 1 to 5 (optional)."
    )
    reflection: Reflection | None = Field(default=None, description="This meeting's reflection question.")


class Signature(Record):
    date: dt.date = Field(description="When the partner agreed (YYYY-MM-DD).", examples=["2026-01-12"])
    version: int = Field(ge=1, description="The agreement_version they agreed to.", examples=[1])
    fingerprint: Hex | None = Field(
        default=None,
        description="Made by `sap sign` from the agreement's content, so a later change is noticed. "
        "Missing for a signature recorded before sap kept fingerprints; sap then goes by the version.",
        examples=["3f9a2c41d0b7"],
    )
    parts: dict[str, Hex] = Field(
        default_factory=dict,
        description="A fingerprint of each part of the agreement, so sap can say which part changed.",
    )
    terms: Hex | None = Field(
        default=None,
        description="Made by `sap sign`: a fingerprint of the agreement without the wording partners may "
        "correct as an editorial change (the title, the summary and why you work as partners).",
    )
    how: SigningWay | None = Field(
        default=None,
        description="How they agreed when someone else recorded it (`sap sign --how`): paper, e-signature, "
        "e-mail or in-person. Empty when the partner ran `sap sign` themselves.",
        examples=["paper"],
    )
    editorial: Text | None = Field(
        default=None,
        description="Set by `sap agreement editorial`: this entry marks a change of wording only, with the "
        "partners' note on it; everyone who signed the version before counts as signed.",
        examples=["Fixed a typo in the summary"],
    )


class SignatureFile(Record):
    """signatures/<partner>.yaml: each time one partner agreed to the agreement, added by `sap sign`."""

    partner: Slug = Field(description="Id of the partner who signed (roles.yaml).", examples=["amira-haddad"])
    signatures: list[Signature] = Field(
        default_factory=list, description="Every signature, oldest first; `sap sign` adds to the end."
    )
