"""The base of every partnership record: strict fields, text limits, and finding the model at a path."""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

Loc = Sequence[str | int]  # a path into a document: keys and list positions


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]


# The longest text a partner could mean to write in one field (about 3,000 words); more is a paste gone wrong.
TEXT_LIMIT = 20_000


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_LIMIT)]


# One e-mail address, by its shape only (something@somewhere.tld): sap never sends mail to it.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$"


Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=320, pattern=EMAIL_PATTERN)]


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


Score = Annotated[int, Field(ge=1, le=5)]
Hours = Annotated[float, Field(ge=0, allow_inf_nan=False)]  # a real number of hours: not -1, nan or inf


Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{6,64}$")]
