"""Where a partnership sits and the terms university agreements hold beyond the plan: project.yaml's
institution, school, courses, funding, outside contact and meeting times, and its `terms:` mapping
(assessment and conflict of interest, leaving, claiming hours, training, support, IP assignment).

Every field is optional: a folder without them validates, renders its fingerprint and calendar as before.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from sap_cli.model.base import Record, Text
from sap_cli.model.vocab import Weekday

CLOCK_PATTERN = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"


def _clock_time(value: Any) -> Any:
    """A time on the 24-hour clock, such as 14:00 or 9:30 (YAML reads 14:00 as text: no quotes needed)."""
    if isinstance(value, str) and re.match(CLOCK_PATTERN, value.strip()):
        return value.strip()
    raise PydanticCustomError(
        "clock_time",
        "{value} is not a time on the 24-hour clock (HH:MM, such as 14:00)",
        {"value": repr(value)},
    )


def _yes_or_no(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError(
            "yes_or_no", "{value} is neither true nor false", {"value": repr(value)}
        ) from None


ClockTime = Annotated[
    str, BeforeValidator(_clock_time), WithJsonSchema({"type": "string", "pattern": CLOCK_PATTERN})
]
YesOrNo = Annotated[bool, WrapValidator(_yes_or_no)]


class Contact(Record):
    name: Text = Field(description="Their name.", examples=["Dr Ruth Okafor"])
    role: Text | None = Field(
        default=None,
        description="What they do, so partners know why to ask them.",
        examples=["Programme lead"],
    )
    email: Text | None = Field(
        default=None, description="How to reach them.", examples=["r.okafor@example.ac.uk"]
    )


class Funding(Record):
    source: Text | None = Field(
        default=None,
        description="Who pays for the partnership (a grant, a scheme, a department's budget).",
        examples=["Student Partners scheme, Teaching Innovation Fund"],
    )
    amount: Text | None = Field(
        default=None,
        description="How much, with the currency, if you want it written down.",
        examples=["£2,400"],
    )


class Meetings(Record):
    day: Weekday | None = Field(
        default=None, description="The day of the week partners meet, such as tuesday.", examples=["tuesday"]
    )
    time: ClockTime | None = Field(
        default=None,
        description="When meetings start, on the 24-hour clock (HH:MM), in the local time where you meet. "
        "With a time, `sap calendar` shows timed meetings instead of all-day reminders.",
        examples=["14:00"],
    )
    length_minutes: int | None = Field(
        default=None, ge=5, le=600, description="How long a meeting lasts, in minutes.", examples=[60]
    )
    place: Text | None = Field(
        default=None,
        description="Where you meet: a room, or a link for online meetings.",
        examples=["Room 2.14"],
    )


class Assessment(Record):
    staff_teach_students: YesOrNo | None = Field(
        default=None,
        description="true if a staff partner teaches, marks or supervises any student partner; false if not.",
    )
    marks: Text | None = Field(
        default=None,
        description="How the partnership is kept apart from marks: taking part, speaking up or leaving never "
        "raises or lowers any student's grade.",
        examples=["Nothing in this partnership counts towards any partner's marks."],
    )
    marked_by: Text | None = Field(
        default=None,
        description="Who marks the student partners' work instead, where a staff partner would have.",
        examples=["Dr Sam Patel second-marks their CHEM 2001 coursework"],
    )


class HoursClaims(Record):
    how: Text | None = Field(
        default=None,
        description="How student partners record and claim their hours.",
        examples=["A timesheet in the casual staff portal by the 5th of each month"],
    )
    approved_by: Text | None = Field(
        default=None, description="Who approves the claims.", examples=["The course lead"]
    )
    paid: Text | None = Field(
        default=None,
        description="When the pay arrives after a claim.",
        examples=["With the next monthly pay run, about three weeks later"],
    )


class IpAssignment(Record):
    required: YesOrNo | None = Field(
        default=None,
        description="true if the institution asks partners to sign their intellectual property over "
        "(for example in a deed poll); false if it does not.",
    )
    how: Text | None = Field(
        default=None,
        description="What has to be signed, and where.",
        examples=["The university's IP deed poll"],
    )
    done: YesOrNo | None = Field(
        default=None,
        description="true once everyone who must sign it has; false until then.",
    )


class Terms(Record):
    assessment: Assessment = Field(
        default_factory=Assessment,
        description="Conflict of interest, when a lecturer teaches or marks the student partners.",
    )
    leaving: Text | None = Field(
        default=None,
        description="How a partner can leave the partnership, and that leaving costs no student any marks "
        "or standing.",
        examples=["Anyone may leave at any time by telling a partner they trust; it never affects marks."],
    )
    hours: HoursClaims = Field(
        default_factory=HoursClaims,
        description="How hours are claimed, who approves them and when pay arrives.",
    )
    training: list[Text] = Field(
        default_factory=list,
        description="Induction and training partners get before they start, such as research ethics "
        "training for students who run focus groups.",
        examples=[["Welcome session with the Student Partners scheme", "Research ethics training"]],
    )
    support: list[Contact] = Field(
        default_factory=list,
        description="Who partners can turn to for support or adjustments (wellbeing, disability and "
        "accessibility services).",
    )
    ip_assignment: IpAssignment = Field(
        default_factory=IpAssignment,
        description="Whether the institution requires partners to assign their intellectual property, "
        "and whether that is done.",
    )


# The project.yaml fields about where the work sits, who funds it, whom to call and when partners meet,
# declared by ProjectFile (model/plan.py) in one group as `institution: Text | None = INSTITUTION` etc.
INSTITUTION = Field(
    default=None, description="The university or college.", examples=["University of Northmoor"]
)
SCHOOL = Field(
    default=None,
    description="The faculty, school or department the work belongs to.",
    examples=["School of Chemistry"],
)
COURSE_CODES: Any = Field(
    default_factory=list, description="Codes of the courses or modules involved.", examples=[["CHEM 2001"]]
)
FUNDING = Field(default_factory=Funding, description="Where the money for the partnership comes from.")
OUTSIDE_CONTACT = Field(
    default=None, description="Someone outside the team that any partner can talk to when things go wrong."
)
MEETINGS = Field(default_factory=Meetings, description="The day, time, length and place of regular meetings.")
TERMS = Field(
    default_factory=Terms,
    description="Further sections of the agreement: assessment, leaving, hours, training, support "
    "and IP assignment.",
)
