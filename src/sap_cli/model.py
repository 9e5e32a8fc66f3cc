"""The partnership schema: one pydantic model per YAML file, the single source of truth; no I/O."""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

Loc = Sequence[str | int]  # a path into a document: keys and list positions

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
# The longest text a partner could mean to write in one field (about 3,000 words); more is a paste gone wrong.
TEXT_LIMIT = 20_000
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_LIMIT)]

Area = Literal["learning-teaching-assessment", "subject-research", "curriculum-design", "sotl"]
Value = Literal[
    "respect",
    "reciprocity",
    "responsibility",
    "authenticity",
    "inclusivity",
    "empowerment",
    "trust",
    "challenge",
    "community",
]
Proposition = Literal["inclusive", "power-sharing", "uncertain-outcomes", "ethical", "transformative"]
Cadence = Literal["weekly", "fortnightly", "monthly"]
PartnerKind = Literal["student", "faculty", "staff", "other"]
Level = Literal["inform", "consult", "participate", "partnership"]
Control = Literal["institution", "staff", "students", "shared"]
EthicsStatus = Literal["not-needed", "not-yet-applied", "submitted", "approved", "unsure"]
Deadline = Literal["soft", "hard"]

AREA_LABELS: dict[str, str] = {
    "learning-teaching-assessment": "Learning, teaching and assessment",
    "subject-research": "Subject-based research and inquiry",
    "curriculum-design": "Curriculum design and pedagogic consultancy",
    "sotl": "Scholarship of teaching and learning (SoTL)",
}

LEVEL_LABELS: dict[str, str] = {
    "inform": "Inform",
    "consult": "Consult",
    "participate": "Participate",
    "partnership": "Partnership",
}

CONTROL_LABELS: dict[str, str] = {
    "institution": "Institution",
    "staff": "Staff",
    "students": "Students",
    "shared": "Shared (co-led)",
}

PROPOSITION_LABELS: dict[str, str] = {
    "inclusive": "Inclusive: open to students beyond the usual few",
    "power-sharing": "Power is shared, through dialogue and reflection",
    "uncertain-outcomes": "A process whose outcome is not fixed in advance",
    "ethical": "Ethical in how partners and participants are treated",
    "transformative": "Aims to change how teaching and learning happen",
}

ETHICS_LABELS: dict[str, str] = {
    "not-needed": "Not needed",
    "not-yet-applied": "Not yet applied for",
    "submitted": "Submitted, waiting for a decision",
    "approved": "Approved",
    "unsure": "Not sure yet",
}

# Bovill & Bulley (2011), after Arnstein (1969); rung 1 is the bottom of the ladder.
LADDER_RUNGS: dict[int, str] = {
    1: "The tutor decides the whole curriculum; students have no say",
    2: "Students are said to take part, but the tutor keeps control",
    3: "Students pick from a narrow set of options the tutor sets",
    4: "Students pick from a wide set of options the tutor sets",
    5: "Students decide within areas the tutor has marked out",
    6: "Students decide some areas themselves",
    7: "Students and tutors build the curriculum together",
    8: "Students are in charge of the curriculum",
}

STAFF_CONTROL: frozenset[str] = frozenset({"institution", "staff"})


def _empty_is_allowed(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """In the JSON Schema too, a list or mapping left empty is fine (see `_empty_means_none_yet`)."""
    properties = schema.get("properties", {})
    for name, info in model.model_fields.items():
        if info.default_factory in (list, dict) and name in properties:
            shape = properties[name]
            if isinstance(shape.get("type"), str):
                # One shape with two types keeps an editor's message short ("not of type array").
                shape["type"] = [shape["type"], "null"]
                continue
            notes = {key: shape.pop(key) for key in ("title", "description", "examples") if key in shape}
            properties[name] = {"anyOf": [shape, {"type": "null"}], **notes}


class Record(BaseModel):
    """Every record refuses unknown keys, so a typo is reported rather than ignored."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, json_schema_extra=_empty_is_allowed)

    @field_validator("*", mode="before")
    @classmethod
    def _empty_means_none_yet(cls, value: Any, info: ValidationInfo) -> Any:
        """A list or mapping left empty (`partners:` with nothing under it) means there are none yet."""
        if value is None and info.field_name is not None:
            factory = cls.model_fields[info.field_name].default_factory
            if factory in (list, dict):
                return factory()
        return value


# ---------------------------------------------------------------- project.yaml

# The file format this sap writes; `schema_version` in project.yaml. `sap upgrade` brings older
# folders up to it (upgrade.py says what changed between formats).
SCHEMA_VERSION = 2

FormatState = Literal["current", "older", "newer", "unreadable"]


def format_state(project: object) -> tuple[FormatState, object]:
    """Where project.yaml's `schema_version` stands against this sap, and the value found.

    A missing number counts as this sap's own format, as does a file that is not a mapping
    (the schema check reports that on its own).
    """
    if not isinstance(project, dict) or "schema_version" not in project:
        return "current", SCHEMA_VERSION
    found = project["schema_version"]
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        return "unreadable", found
    if found == SCHEMA_VERSION:
        return "current", found
    return ("older" if found < SCHEMA_VERSION else "newer"), found


class Communication(Record):
    channels: list[Text] = Field(
        default_factory=list,
        description="Where partners talk between meetings.",
        examples=[["Teams channel", "email"]],
    )
    response_time: Text | None = Field(
        default=None,
        description="How quickly partners agree to answer messages.",
        examples=["within two working days"],
    )
    notes: Text | None = Field(default=None, description="Anything else about keeping in touch.")


class Recognition(Record):
    hours_per_week: float | None = Field(
        default=None,
        ge=0,
        description="Hours a student partner is expected to give in a typical week.",
        examples=[3],
    )
    total_hours: float | None = Field(
        default=None, ge=0, description="Hours expected over the whole project.", examples=[40]
    )
    pay_rate: Text | None = Field(
        default=None,
        description="What student partners are paid, with the currency.",
        examples=["£13.50 an hour"],
    )
    credit: Text | None = Field(
        default=None,
        description="Academic credit or awards students receive, if any.",
        examples=["Counts towards the Faculty Leadership Award"],
    )
    cv_lines: list[Text] = Field(
        default_factory=list,
        description="How partners may describe this work on a CV.",
        examples=[["Student co-designer, BIOL 201 course redesign (2026)"]],
    )
    authorship_order: list[Slug] = Field(
        default_factory=list,
        description="Partner ids in the order they appear as authors of papers or talks.",
        examples=[["amira-haddad", "lee-chen"]],
    )
    notes: Text | None = Field(default=None, description="Other thanks or recognition agreed.")


class DataTerms(Record):
    storage: Text | None = Field(
        default=None,
        description="Where project files and any data about people are kept.",
        examples=["Shared university OneDrive folder; no copies on personal devices"],
    )
    ip: Text | None = Field(
        default=None,
        description="Who owns what the partnership makes (materials, data, writing).",
        examples=["Course materials belong to the university; partners are credited by name"],
    )
    confidentiality: Text | None = Field(
        default=None,
        description="What stays inside the partnership.",
        examples=["Meeting notes name nobody outside the team"],
    )


class Ethics(Record):
    status: EthicsStatus | None = Field(
        default=None,
        description="Research ethics approval: not-needed, not-yet-applied, submitted, "
        "approved or unsure. Needed before publishing anything about people.",
        examples=["not-yet-applied"],
    )
    reference: Text | None = Field(
        default=None, description="The approval number, once you have one.", examples=["HREC-2026-118"]
    )
    notes: Text | None = Field(default=None, description="Anything the ethics board asked for.")


class Dissemination(Record):
    plan: Text | None = Field(
        default=None,
        description="How you will share what you learn, and who presents it.",
        examples=["A joint talk at the spring teaching day, given by a student and a lecturer"],
    )
    venues: list[Text] = Field(
        default_factory=list,
        description="Events, journals or blogs you have in mind.",
        examples=[["Teaching and Learning Day", "International Journal for Students as Partners"]],
    )


class ProjectFile(Record):
    """project.yaml: what this partnership is, why, when, and the terms partners agree to."""

    schema_version: Literal[2] = Field(
        default=2,
        description="Version of the sap file format. Leave it as it is.",
    )
    title: Text = Field(description="A short name for the partnership.", examples=["Co-designing BIOL 201"])
    summary: Text | None = Field(
        default=None,
        description="Two or three sentences on what you will do together.",
        examples=["Students and teaching staff rebuild the lab assessments of BIOL 201."],
    )
    areas: list[Area] = Field(
        default_factory=list,
        description="Which of the four areas of partnership this work sits in "
        "(Healey, Flint & Harrington 2014): learning-teaching-assessment, "
        "subject-research, curriculum-design, sotl.",
        examples=[["curriculum-design"]],
    )
    why_partnership: Text | None = Field(
        default=None,
        description="Why this work is better done with students than for them.",
        examples=["Students know where the current labs lose them; we do not."],
    )
    values: list[Value] = Field(
        default_factory=list,
        description="Values you commit to. Respect, reciprocity, responsibility come from "
        "Cook-Sather, Bovill & Felten (2014); authenticity, inclusivity, empowerment, "
        "trust, challenge, community from Healey, Flint & Harrington (2014).",
        examples=[["respect", "reciprocity", "responsibility"]],
    )
    own_values: list[Text] = Field(
        default_factory=list,
        description="Values of your own, in your own words.",
        examples=[["Nobody works unpaid"]],
    )
    propositions: list[Proposition] = Field(
        default_factory=list,
        description="Which of Matthews' (2017) propositions you aim for: inclusive, "
        "power-sharing, uncertain-outcomes, ethical, transformative.",
        examples=[["inclusive", "power-sharing"]],
    )
    start: dt.date = Field(description="First day of the partnership (YYYY-MM-DD).", examples=["2026-01-12"])
    end: dt.date = Field(description="Last day of the partnership (YYYY-MM-DD).", examples=["2026-05-29"])
    cadence: Cadence | None = Field(
        default=None,
        description="How often partners meet: weekly, fortnightly or monthly.",
        examples=["fortnightly"],
    )
    communication: Communication = Field(
        default_factory=Communication, description="How partners keep in touch between meetings."
    )
    recognition: Recognition = Field(
        default_factory=Recognition,
        description="Time, pay, credit and authorship: how student partners are recognised.",
    )
    data: DataTerms = Field(
        default_factory=DataTerms, description="Data, intellectual property and confidentiality."
    )
    ethics: Ethics = Field(default_factory=Ethics, description="Research ethics approval.")
    dissemination: Dissemination = Field(
        default_factory=Dissemination, description="Sharing the work beyond the partnership."
    )
    if_expectations_not_met: Text | None = Field(
        default=None,
        description="What partners will do when someone cannot keep to the agreement.",
        examples=["Raise it at the next check-in; if that does not settle it, ask the programme lead."],
    )
    review_date: dt.date | None = Field(
        default=None,
        description="When you will look at this agreement again together (YYYY-MM-DD).",
        examples=["2026-03-09"],
    )
    agreement_version: int = Field(
        default=1,
        ge=1,
        description="Goes up by one each time partners change the agreement and sign again.",
    )


# ---------------------------------------------------------------- roles.yaml


class Partner(Record):
    id: Slug = Field(
        description="A short id used everywhere else: lowercase letters, digits and hyphens.",
        examples=["amira-haddad"],
    )
    name: Text = Field(description="The partner's name as they want it written.", examples=["Amira Haddad"])
    kind: PartnerKind = Field(description="student, faculty, staff or other.", examples=["student"])
    role: Text | None = Field(
        default=None,
        description="Their role in this project, in a few words.",
        examples=["Student co-designer"],
    )
    responsibilities: list[Text] = Field(
        default_factory=list,
        description="What they have agreed to do.",
        examples=[["Run the student focus group", "Draft the new lab rubric"]],
    )
    strengths: list[Text] = Field(
        default_factory=list,
        description="What they bring to the team.",
        examples=[["Took BIOL 201 last year"]],
    )
    time_commitment: Text | None = Field(
        default=None, description="Time they can give.", examples=["3 hours a week in term time"]
    )
    feedback_preference: Text | None = Field(
        default=None,
        description="How they like to receive feedback.",
        examples=["Written comments first, then a chat"],
    )


class RolesFile(Record):
    """roles.yaml: who the partners are and what each has agreed to do."""

    partners: list[Partner] = Field(
        default_factory=list, description="Everyone in the partnership, students and staff alike."
    )


# ---------------------------------------------------------------- goals.yaml


class Goal(Record):
    id: Slug = Field(description="A short id for the goal.", examples=["new-rubric"])
    title: Text = Field(description="The goal in one line.", examples=["A lab rubric students understand"])
    description: Text | None = Field(default=None, description="More detail, if it helps.")
    owners: list[Slug] = Field(
        default_factory=list,
        description="Ids of the partners who look after this goal (from roles.yaml).",
        examples=[["amira-haddad", "lee-chen"]],
    )
    success: Text | None = Field(
        default=None,
        description="How you will judge whether the goal was met.",
        examples=["Most students in the pilot say the rubric told them what to do"],
    )


class Deliverable(Record):
    id: Slug = Field(description="A short id for the deliverable.", examples=["rubric-draft"])
    title: Text = Field(description="The thing you will hand over.", examples=["Draft rubric for lab 3"])
    owners: list[Slug] = Field(default_factory=list, description="Partner ids responsible for it.")
    goals: list[Slug] = Field(default_factory=list, description="Goal ids it serves.")
    due: dt.date | None = Field(default=None, description="When it is due (YYYY-MM-DD).")
    done: dt.date | None = Field(default=None, description="When it was finished (YYYY-MM-DD).")


class GoalsFile(Record):
    """goals.yaml: the shared goals, each partner's own objectives, and the deliverables."""

    goals: list[Goal] = Field(default_factory=list, description="Goals the partners share.")
    own_objectives: dict[Slug, list[Text]] = Field(
        default_factory=dict,
        description="What each partner personally hopes to get out of the project, by partner id.",
        examples=[{"amira-haddad": ["Learn how assessment is designed"]}],
    )
    deliverables: list[Deliverable] = Field(
        default_factory=list, description="Concrete things the project will produce."
    )


# ---------------------------------------------------------------- timeline.yaml


class Milestone(Record):
    id: Slug = Field(description="A short id for the milestone.", examples=["pilot-done"])
    title: Text = Field(description="What will have happened.", examples=["Pilot of the new lab finished"])
    due: dt.date = Field(description="When it is due (YYYY-MM-DD).", examples=["2026-03-20"])
    deadline: Deadline = Field(
        default="soft",
        description="hard if the date cannot move (term dates, committees); soft if it can.",
    )
    owners: list[Slug] = Field(default_factory=list, description="Partner ids responsible.")
    goals: list[Slug] = Field(default_factory=list, description="Goal ids this milestone moves forward.")
    done: dt.date | None = Field(default=None, description="When it was reached (YYYY-MM-DD).")


class TimelineFile(Record):
    """timeline.yaml: milestones with their dates."""

    milestones: list[Milestone] = Field(default_factory=list, description="Milestones in date order.")


# ---------------------------------------------------------------- matrix.yaml


class Involvement(Record):
    level: Level = Field(
        description="inform (told what is happening), consult (asked for views), "
        "participate (work alongside staff, staff decide) or partnership (decide together).",
        examples=["consult"],
    )
    who: Text = Field(description="Which students take part and how many.", examples=["Focus group (n=6)"])
    how: Text | None = Field(default=None, description="How they take part, if `who` does not say.")


class Enacted(Record):
    involvements: list[Involvement] = Field(
        default_factory=list, description="Who actually took part, and at which level."
    )
    control: Control | None = Field(default=None, description="Who actually held control.")
    note: Text | None = Field(default=None, description="What changed from the plan, and why.")


class Stage(Record):
    id: Slug = Field(description="A short id for the stage.", examples=["curriculum-design"])
    name: Text = Field(description="The stage of the project.", examples=["Curriculum design"])
    involvements: list[Involvement] = Field(
        default_factory=list,
        description="Planned student involvement; one stage can involve several groups at different levels.",
        examples=[[{"level": "consult", "who": "Focus group (n=6)"}]],
    )
    control: Control | None = Field(
        default=None,
        description="Who holds control of this stage: institution, staff, students or shared.",
        examples=["shared"],
    )
    enacted: Enacted | None = Field(
        default=None,
        description="Fill in as you go: what really happened at this stage, written like the plan "
        "(involvements and control) plus a note on what changed and why.",
    )


class Ladder(Record):
    planned: int | None = Field(
        default=None,
        ge=1,
        le=8,
        description="The rung you aim for, 1 (tutor decides everything) to 8 (students in charge).",
        examples=[7],
    )
    enacted: int | None = Field(default=None, ge=1, le=8, description="The rung you actually reached.")


class MatrixFile(Record):
    """matrix.yaml: Bovill's (2017) participation matrix, stage by stage."""

    stages: list[Stage] = Field(
        default_factory=list,
        description="The stages of the project and how students take part in each (Bovill 2017).",
    )
    ladder: Ladder | None = Field(
        default=None,
        description="Optional, for curriculum work: the rung of Bovill & Bulley's (2011) "
        "ladder of participation you aim for.",
    )


def _unwrap(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        members = [a for a in get_args(annotation) if a is not type(None)]
        return _unwrap(members[0]) if len(members) == 1 else annotation
    if origin is not None and hasattr(annotation, "__metadata__"):  # Annotated[...]
        return _unwrap(get_args(annotation)[0])
    return annotation


def model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that owns the mapping at `loc` (list items and dict values followed)."""
    annotation: Any = root
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if not isinstance(part, str) or part not in annotation.model_fields:
                return None
            annotation = annotation.model_fields[part].annotation
        elif get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        else:
            return None
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


# ---------------------------------------------------------------- checkins/*.yaml

GoalStatus = Literal["not-started", "on-track", "at-risk", "blocked", "done"]
Score = Annotated[int, Field(ge=1, le=5)]


class Decision(Record):
    text: Text = Field(description="What was decided.", examples=["Students pick two readings for week 8"])
    by: list[Slug] = Field(
        default_factory=list,
        description="Ids of the partners who made the decision.",
        examples=[["amira-haddad", "lee-chen"]],
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
        description="Where each goal stands: not-started, on-track, at-risk, blocked or done.",
        examples=[{"new-rubric": "on-track"}],
    )
    decisions: list[Decision] = Field(default_factory=list, description="Decisions made, and by whom.")
    actions: list[Action] = Field(default_factory=list, description="Who will do what, by when.")
    hours: dict[Slug, float] = Field(
        default_factory=dict,
        description="Hours each partner spent since the last meeting (optional).",
        examples=[{"amira-haddad": 3}],
    )
    feedback: list[Text] = Field(default_factory=list, description="Feedback partners gave each other.")
    pulse: dict[Slug, Pulse] = Field(
        default_factory=dict, description="How each attendee felt: heard and workload, 1 to 5 (optional)."
    )
    reflection: Reflection | None = Field(default=None, description="This meeting's reflection question.")


# ---------------------------------------------------------------- signatures/<partner>.yaml

Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{6,64}$")]


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


class SignatureFile(Record):
    """signatures/<partner>.yaml: each time one partner agreed to the agreement, added by `sap sign`."""

    partner: Slug = Field(description="Id of the partner who signed (roles.yaml).", examples=["amira-haddad"])
    signatures: list[Signature] = Field(
        default_factory=list, description="Every signature, oldest first; `sap sign` adds to the end."
    )


FILE_MODELS: dict[str, type[Record]] = {
    "project.yaml": ProjectFile,
    "roles.yaml": RolesFile,
    "goals.yaml": GoalsFile,
    "timeline.yaml": TimelineFile,
    "matrix.yaml": MatrixFile,
}


@dataclass(frozen=True)
class Partnership:
    """A whole, valid partnership folder as typed records."""

    folder: Path
    project: ProjectFile
    roles: RolesFile
    goals: GoalsFile
    timeline: TimelineFile
    matrix: MatrixFile
    checkins: tuple[CheckinFile, ...] = ()
    signatures: tuple[SignatureFile, ...] = ()
