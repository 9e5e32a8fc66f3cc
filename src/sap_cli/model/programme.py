"""programme.yaml, at the root of a folder of many partnerships, and the `custom:` values a
project.yaml may hold for the fields an institution needs that sap does not know (round, stream,
budget code, faculty).

A custom value is text, a number, a date or a list of text, nothing nested deeper; programme.yaml
declares which fields there are, of what type, and which are required (validation/custom_fields.py
checks one against the other).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from sap_cli.model.base import TEXT_LIMIT, Email, Record, Slug, Text
from sap_cli.model.terms import YesOrNo

# What a custom field may hold, as the JSON Schema says it (null: written but not filled in yet).
_CUSTOM_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "maxLength": TEXT_LIMIT},
        {"type": "number"},
        {"type": "string", "format": "date"},
        {"type": "array", "items": {"type": ["string", "number"]}},
        {"type": "null"},
    ]
}

_ONE_VALUE = "a custom field holds text, a number, a date or a list of text, nothing nested deeper"


def _refuse(what: str) -> PydanticCustomError:
    return PydanticCustomError("custom_value", "it is {what}; {rule}", {"what": what, "rule": _ONE_VALUE})


def _text(value: str) -> str | None:
    text = value.strip()
    if len(text) > TEXT_LIMIT:
        raise PydanticCustomError(
            "custom_value",
            "it is {n} characters long; sap takes up to {limit}",
            {"n": len(text), "limit": TEXT_LIMIT},
        )
    return text or None


def _list_item(item: Any) -> str:
    if isinstance(item, str):
        text = _text(item)
        if text is not None:
            return text
        raise _refuse("a list with an empty item")
    if isinstance(item, (int, float)) and not isinstance(item, bool) and math.isfinite(item):
        return str(item)  # a list of text: 2026 in a list of years is the text '2026'
    raise _refuse("a list holding something other than text")


def _custom_value(value: Any) -> Any:
    """One custom value as sap keeps it: stripped text, an int or float, a date, a list of text, or None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _refuse("a yes/no value (write it in quotes, such as 'yes', to keep it as text)")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise _refuse("not a real number")
        return value
    if isinstance(value, dt.datetime):
        raise _refuse("a date with a time (write the day only, YYYY-MM-DD)")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, list):
        return [_list_item(item) for item in value]
    if isinstance(value, dict):
        raise _refuse("a set of 'name: value' lines")
    raise _refuse(f"a {type(value).__name__}")


CustomValue = Annotated[Any, PlainValidator(_custom_value), WithJsonSchema(_CUSTOM_SCHEMA)]

CUSTOM_DESCRIPTION = (
    "Fields your institution needs that sap does not know (round, stream, budget code, faculty), "
    "each holding text, a number, a date (YYYY-MM-DD) or a list of text. Not part of the agreement "
    "partners sign; the programme's programme.yaml says which fields there are."
)


def custom_field() -> Any:
    """project.yaml's `custom:` mapping (a Field, so model/plan.py adds it in one line)."""
    return Field(
        default_factory=dict,
        description=CUSTOM_DESCRIPTION,
        examples=[{"round": "2026-1", "budget_code": "TL-4410", "faculties": ["Science", "Arts"]}],
    )


CustomType = Literal["text", "number", "date", "list"]


class CustomField(Record):
    """One custom field as programme.yaml declares it."""

    type: CustomType = Field(
        description="What the field holds: text, number, date (YYYY-MM-DD) or list (of text).",
        examples=["text"],
    )
    required: YesOrNo = Field(
        default=False,
        description="true if every partnership must fill it in; `sap validate` reports one that does not.",
    )
    description: Text | None = Field(
        default=None,
        description="What the field means, in a sentence for the partners who fill it in.",
        examples=["The funding round, as the centre names it."],
    )
    choices: list[Text] = Field(
        default_factory=list,
        description="For text (or each item of a list): the only values allowed. Leave out for free text.",
        examples=[["Science", "Arts", "Health"]],
    )

    @model_validator(mode="after")
    def _choices_for_text(self) -> CustomField:
        if self.choices and self.type not in ("text", "list"):
            raise PydanticCustomError(
                "custom_choices",
                "choices are for text or list fields; this one is a {type}",
                {"type": self.type},
            )
        return self


class Period(Record):
    """A round, term or cohort of the programme."""

    id: Slug = Field(description="A short id for the round.", examples=["2026-round-1"])
    title: Text = Field(description="Its name, as the centre says it.", examples=["Round 1, 2026"])
    start: dt.date | None = Field(
        default=None, description="First day (YYYY-MM-DD).", examples=["2026-02-23"]
    )
    end: dt.date | None = Field(default=None, description="Last day (YYYY-MM-DD).", examples=["2026-11-27"])

    @model_validator(mode="after")
    def _in_order(self) -> Period:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise PydanticCustomError(
                "period_order",
                "ends on {end}, before it starts on {start}",
                {"end": self.end, "start": self.start},
            )
        return self


class Stream(Record):
    id: Slug = Field(description="A short id for the stream.", examples=["assessment"])
    title: Text = Field(description="Its name.", examples=["Assessment and feedback"])


class CentreContact(Record):
    name: Text = Field(
        description="Who at the centre supports these partnerships.", examples=["Dr Ruth Okafor"]
    )
    email: Email | None = Field(
        default=None, description="Their e-mail address.", examples=["r.okafor@example.ac.uk"]
    )


class ProgrammeFile(Record):
    """programme.yaml: a programme of many partnerships, kept in the folder above them."""

    schema_version: Literal[1] = Field(
        default=1, description="Version of the programme.yaml format. Leave it."
    )
    name: Text = Field(description="The programme's name.", examples=["Students as Partners 2026"])
    contact: CentreContact | None = Field(default=None, description="The teaching centre's contact.")
    rounds: list[Period] = Field(
        default_factory=list, description="The programme's rounds, terms or cohorts, with their dates."
    )
    streams: list[Stream] = Field(default_factory=list, description="The programme's streams or themes.")
    min_group: int = Field(
        default=3,
        ge=1,
        description="In anonymised programme reports, no figure describes fewer than this many people.",
        examples=[5],
    )
    show_titles: YesOrNo = Field(
        default=False,
        description="true if an anonymised programme report may show each partnership's title; "
        "otherwise rows are labelled Partnership A, B...",
    )
    custom: dict[Text, CustomField] = Field(
        default_factory=dict,
        description="The custom fields partnerships fill in under `custom:` in project.yaml, by name.",
        examples=[{"round": {"type": "text", "required": True, "choices": ["2026-1", "2026-2"]}}],
    )
