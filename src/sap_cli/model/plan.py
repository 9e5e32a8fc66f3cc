"""The five plan files of a partnership: project, roles, goals, timeline and matrix."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from sap_cli.model import terms as setting
from sap_cli.model.base import Record, Slug, Text
from sap_cli.model.programme import CustomValue, custom_field
from sap_cli.model.terms import Contact, Funding, Meetings, Terms
from sap_cli.model.vocab import (
    Area,
    Cadence,
    Control,
    Deadline,
    EthicsStatus,
    Level,
    Proposition,
    Value,
)

# A BCP 47 language tag as people write it: en, en-AU, ga, vi, zh-Hans.
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$"
LanguageTag = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN, max_length=35)]


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
        description="Hours each student partner is expected to give in a typical week "
        "(for one student, not the team's total).",
        examples=[3],
    )
    total_hours: float | None = Field(
        default=None,
        ge=0,
        description="Hours each student partner is expected to give over the whole project "
        "(for one student, not the team's total).",
        examples=[40],
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


class Anonymize(Record):
    also: list[Text] = Field(
        default_factory=list,
        description="Other words `sap report --anonymize` replaces, besides the partners' names: "
        "people outside the partnership (a supervisor), course codes, the school or the town. Each is "
        "matched as written, whatever its capitals or accents, and becomes [withheld 1], [withheld 2]... "
        "in the order listed. List a surname on its own too if it is used alone.",
        examples=[["Prof. Mary Byrne", "Byrne", "BIOL 201", "Northfield Academy"]],
    )
    min_group: int | None = Field(
        default=None,
        ge=1,
        description="In anonymised output, no figure describes fewer than this many people; smaller "
        "groups are merged or left out. 3 when not given; `sap report --min-group N` overrides it "
        "for one run.",
        examples=[5],
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
    # Where the work sits, funding, an outside contact, meeting times and further terms (model/terms.py).
    institution: Text | None = setting.INSTITUTION
    school: Text | None = setting.SCHOOL
    course_codes: list[Text] = setting.COURSE_CODES
    funding: Funding = setting.FUNDING
    outside_contact: Contact | None = setting.OUTSIDE_CONTACT
    meetings: Meetings = setting.MEETINGS
    terms: Terms = setting.TERMS
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
    anonymize: Anonymize = Field(
        default_factory=Anonymize,
        description="What else to withhold when the review is anonymised for sharing (not part of the "
        "agreement partners sign).",
    )
    language: LanguageTag = Field(
        default="en",
        description="The language the documents are written in, as a language tag such as en, en-AU, "
        "ga, vi or zh-Hans: exported pages, PDFs and Word files tell screen readers, spelling checkers "
        "and hyphenation which it is (not part of the agreement partners sign).",
        examples=["en-AU"],
    )
    custom: dict[Text, CustomValue] = custom_field()  # not part of the agreement (agreement/fingerprint.py)

    @property
    def weeks(self) -> int:
        """The project's length in whole weeks, from its first day to its last."""
        return (self.end - self.start).days // 7


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
    completes: list[Slug] = Field(
        default_factory=list,
        description="Deliverable ids (from goals.yaml) that are finished when this milestone is done, "
        "so the work is not kept twice.",
        examples=[["ethics-application"]],
    )
    done: dt.date | None = Field(default=None, description="When it was reached (YYYY-MM-DD).")


class TimelineFile(Record):
    """timeline.yaml: milestones with their dates."""

    milestones: list[Milestone] = Field(default_factory=list, description="Milestones in date order.")


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
