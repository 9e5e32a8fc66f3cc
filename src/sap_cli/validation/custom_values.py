"""`sap init --custom NAME=VALUE`: values typed by programme.yaml's declarations, and the `custom:`
block a new project.yaml gets inside a programme (each declared field, filled in or left empty
under a note saying what it holds).

The values are judged by validation/custom_fields.py, as `sap validate` judges them, so a value
init accepts is one validate accepts; a required field left empty is reported there as missing.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from sap_cli.dates import parse_day
from sap_cli.errors import UsageProblem
from sap_cli.files.yaml_text import scalar
from sap_cli.model.commented import comment_lines
from sap_cli.model.plan import ProjectFile
from sap_cli.model.programme import CustomField, CustomValue, ProgrammeFile
from sap_cli.partnership.programme_file import find_programme_file, read_programme
from sap_cli.validation.custom_fields import CONVENTION, check_custom, check_periods
from sap_cli.words import did_you_mean, display_path

LIST_SEPARATOR = ";"
_ONE: TypeAdapter[Any] = TypeAdapter(CustomValue)
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)


@dataclass(frozen=True)
class ProgrammeFields:
    """The programme.yaml above a new partnership and what it asks for."""

    path: Path
    programme: ProgrammeFile

    @property
    def declared(self) -> dict[str, CustomField]:
        return dict(self.programme.custom)

    @property
    def listed(self) -> tuple[str, ...]:
        """round and stream when programme.yaml lists rounds or streams (known without a declaration)."""
        return tuple(key for key in CONVENTION if getattr(self.programme, f"{key}s"))

    @property
    def names(self) -> list[str]:
        return [*self.declared, *(key for key in self.listed if key not in self.declared)]


def programme_fields(folder: Path, needed: bool) -> ProgrammeFields | None:
    """The programme around `folder` (which may not exist yet), or None if there is none.

    A programme.yaml that cannot be read raises ProgrammeFileInvalid when `needed` (values were
    given for it); otherwise the partnership is started without a `custom:` block, and validate
    says why its custom fields were not checked.
    """
    from sap_cli.partnership.programme_file import ProgrammeFileInvalid

    path = find_programme_file(folder)
    if path is None:
        return None
    try:
        return ProgrammeFields(path, read_programme(path))
    except ProgrammeFileInvalid:
        if needed:
            raise
        return None


def _typed(text: str, declared: CustomField | None) -> Any:
    """`text` as the declared type when it fits; as given otherwise, for the checks to refuse."""
    value = text.strip()
    kind = "text" if declared is None else declared.type
    if kind == "number":
        try:
            number = int(value) if _INTEGER.fullmatch(value) else float(value)
        except ValueError:
            return value
        return number if math.isfinite(number) else value
    if kind == "date":
        try:
            return parse_day(value)
        except ValueError:
            return value
    if kind == "list":
        return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]
    return value


def parse_custom(pairs: Sequence[str], fields: ProgrammeFields | None) -> dict[str, Any]:
    """The --custom NAME=VALUE pairs as typed values; UsageProblem for any `sap validate` would refuse.

    A list field takes items separated by ";" or by giving its name again; any other field once.
    """
    if not pairs:
        return {}
    if fields is None:
        raise UsageProblem(
            "--custom was given, but there is no programme.yaml in this folder or above it, so no "
            "custom fields are declared; nothing was written",
            hint="Leave out --custom, or start the partnership inside the programme's folder.",
        )
    shown = display_path(fields.path)
    declared, names = fields.declared, fields.names
    values: dict[str, Any] = {}
    for pair in pairs:
        name, equals, text = pair.partition("=")
        name = name.strip()
        if equals and name and not text.strip():
            raise UsageProblem(
                f"--custom {name}= has no value; nothing was written",
                hint=f"Leave out --custom {name}= to fill it in later, or give a value after the =.",
            )
        if not equals or not name:
            raise UsageProblem(
                f"--custom {pair!r} is not NAME=VALUE; nothing was written",
                hint="Write it as --custom round=2026-1, one --custom for each field.",
            )
        if name not in names:
            guess = did_you_mean(name, names)
            raise UsageProblem(
                f"{shown} declares no custom field '{name}'"
                + (f" (did you mean '{guess}'?)" if guess else "")
                + "; nothing was written",
                hint=("The fields it declares: " + ", ".join(names) + ".")
                if names
                else f"{shown} declares no custom fields; leave out --custom.",
            )
        value = _typed(text, declared.get(name))
        if name in values:
            if not isinstance(value, list):
                raise UsageProblem(
                    f"--custom {name}= was given twice; nothing was written",
                    hint="Give each field once (a list field takes items separated by ';').",
                )
            value = [*values[name], *value]
        values[name] = value
    for name, value in values.items():
        try:
            _ONE.validate_python(value)
        except ValidationError as exc:
            reason = exc.errors()[0]["msg"]
            raise UsageProblem(
                f"--custom {name}= cannot be used: {reason}; nothing was written",
                hint="Give a shorter value (sap validate would refuse this one in project.yaml too).",
            ) from None
    problems = check_custom(values, declared, shown, has_custom_key=True, listed=fields.listed)
    problems += check_periods(values, fields.programme, shown)
    for problem in problems:
        if problem.code != "custom-missing":
            raise UsageProblem(f"--custom: {problem.message}; nothing was written", hint=problem.hint)
    return values


@dataclass(frozen=True)
class CustomPlan:
    """What a new project.yaml holds under `custom:`: the programme's fields and the values given."""

    fields: ProgrammeFields
    values: dict[str, Any]
    folder: Path

    @property
    def missing(self) -> list[str]:
        """The fields programme.yaml requires that were not given, in its order."""
        declared = self.fields.declared
        return [name for name, field in declared.items() if field.required and self.values.get(name) is None]

    def block(self) -> str:
        return custom_block(self.fields, self.values, self.folder) if self.fields.names else ""


def plan_custom(folder: Path, pairs: Sequence[str]) -> CustomPlan | None:
    """The `custom:` block for a partnership started at `folder`; None outside a programme.

    Raises UsageProblem for a --custom pair `sap validate` would refuse, before anything is written.
    """
    fields = programme_fields(folder, needed=bool(pairs))
    values = parse_custom(pairs, fields)
    return None if fields is None else CustomPlan(fields, values, folder)


def note(fields: ProgrammeFields, name: str) -> str:
    """What a field holds, as its comment in project.yaml and the wizard's question say it."""
    field = fields.declared.get(name)
    listed = getattr(fields.programme, f"{name}s") if name in fields.listed else []
    ids = (
        ("Write the id of one: " + ", ".join(f"{item.id} ({item.title})" for item in listed) + ".")
        if listed
        else ""
    )
    if field is None:
        return f"The {name} this partnership belongs to. {ids}".strip()
    kind = {"text": "Text", "number": "A number", "date": "A date (YYYY-MM-DD)", "list": "A list of text"}
    parts = [kind[field.type] + (", required" if field.required else ", optional") + "."]
    if field.description:
        parts.append(field.description.strip())
    if field.choices:
        parts.append("Choose one of: " + ", ".join(field.choices) + ".")
    if field.type == "list":
        parts.append("For example: [first, second].")
    return " ".join([*parts, ids]).strip()


def custom_block(fields: ProgrammeFields, values: dict[str, Any], folder: Path) -> str:
    """project.yaml's last field: `custom:`, each field the programme asks for under its note."""
    where = os.path.relpath(os.path.abspath(fields.path), os.path.abspath(folder))
    lines = ["", *comment_lines(ProjectFile.model_fields["custom"].description or "", 0)]
    lines += comment_lines(f"{where} asks every partnership for these fields; fill in the empty ones.", 0)
    lines.append("custom:")
    declared = fields.declared
    for name in [*fields.names, *(name for name in values if name not in fields.names)]:
        if name not in declared and name not in values:
            continue  # round or stream known from programme.yaml's lists but not asked for
        lines += comment_lines(note(fields, name), 2)
        value = values.get(name)
        shown = (
            "[" + ", ".join(scalar(item) for item in value) + "]"
            if isinstance(value, list)
            else scalar(value)
        )
        lines.append(f"  {scalar(name)}: {shown}".rstrip())
    return "\n".join(lines) + "\n"
