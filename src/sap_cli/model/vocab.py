"""Closed vocabularies of a partnership (areas, values, levels, control...) and their labels."""

from __future__ import annotations

from typing import Literal, get_args

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
# What people write for a faculty partner; sap keeps `faculty` (in Australia and the UK a Faculty
# is a unit of the university, so these words get a did-you-mean rather than a bare refusal).
FACULTY_WORDS: frozenset[str] = frozenset(
    {"academic", "academics", "lecturer", "lecturers", "teacher", "teachers", "tutor", "tutors"}
)


Level = Literal["inform", "consult", "participate", "partnership"]


Control = Literal["institution", "staff", "students", "shared"]


EthicsStatus = Literal["not-needed", "not-yet-applied", "submitted", "approved", "unsure"]


Deadline = Literal["soft", "hard"]


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


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


GoalStatus = Literal["not-started", "on-track", "at-risk", "blocked", "partly-done", "done"]
GOAL_STATUSES: tuple[str, ...] = get_args(GoalStatus)

Phase = Literal["start", "during", "end"]  # of a partnership, for reflections and worksheets
PHASES: tuple[str, ...] = get_args(Phase)


# How a partner gave a signature that someone else recorded with `sap sign --how`.
SigningWay = Literal["paper", "e-signature", "e-mail", "in-person"]
SIGNING_WAYS: tuple[str, ...] = get_args(SigningWay)
SIGNING_WAY_LABELS: dict[str, str] = {
    "paper": "on paper",
    "e-signature": "by e-signature",
    "e-mail": "by e-mail",
    "in-person": "in person",
}


# Who made a decision, when the record says so as a group rather than by naming partners.
DecidedBy = Literal["students", "staff", "joint"]
DECIDED_BY: tuple[str, ...] = get_args(DecidedBy)
# What a lecturer may type for each group in `--decision "WHO: TEXT"` and the wizard.
DECIDED_BY_WORDS: dict[str, str] = {
    "students": "students", "student": "students",
    "staff": "staff", "faculty": "staff",
    "joint": "joint", "jointly": "joint", "together": "joint", "everyone": "joint",
}  # fmt: skip
