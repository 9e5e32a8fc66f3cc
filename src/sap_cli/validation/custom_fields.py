"""project.yaml's `custom:` fields checked against the programme.yaml above the partnership.

Without a programme.yaml nothing is checked beyond the shape the model allows (text, a number, a
date or a list of text). With one: a field it declares required and the partnership leaves out is
an error, as is a value of the wrong type or not among the declared choices; a field it does not
declare is a warning, with the closest declared name.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

from sap_cli.model.programme import CustomField, ProgrammeFile
from sap_cli.partnership.problems import Finding
from sap_cli.partnership.programme_file import ProgrammeFileInvalid, find_programme_file, read_programme
from sap_cli.words import did_you_mean, suggest

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership

PROJECT = "project.yaml"

# custom fields with a meaning by convention: the partnership's round and stream, checked against
# the ids programme.yaml lists under rounds: and streams: (when it lists any).
CONVENTION = ("round", "stream")

_TYPE_WORDS = {"text": "text", "number": "a number", "date": "a date", "list": "a list of text"}


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"'{value}'"


def _fits(declared: CustomField, value: Any) -> bool:
    if declared.type == "text":  # YAML reads 4410 as a number; as text it is '4410'
        return isinstance(value, (str, int, float))
    if declared.type == "number":
        return isinstance(value, (int, float))
    if declared.type == "date":
        return isinstance(value, dt.date)
    return isinstance(value, list)


_HOLDS = {
    "text": "It holds text.",
    "number": "It holds a number, such as 12.",
    "date": "It holds a date, such as 2026-03-04.",
    "list": "It holds a list of text, such as [first, second].",
}


def _about(declared: CustomField) -> str:
    """The hint: what the field is for, then its choices or what it holds."""
    parts = [declared.description] if declared.description else []
    if declared.choices:
        parts.append("Choose one of: " + ", ".join(declared.choices) + ".")
    else:
        parts.append(_HOLDS[declared.type])
    return " ".join(parts)


def check_custom(
    custom: dict[str, Any],
    declared: dict[str, CustomField],
    shown: str,
    has_custom_key: bool,
    listed: tuple[str, ...] = (),
) -> list[Finding]:
    """Findings on project.yaml for `custom` against the `declared` fields.

    `shown` is programme.yaml's path as messages give it; `has_custom_key` whether project.yaml
    has a `custom:` mapping to point at; `listed` the conventional fields (round, stream) that
    programme.yaml knows through its lists, so never undeclared.
    """
    found: list[Finding] = []
    for name, field in declared.items():
        if field.required and custom.get(name) is None:
            loc: tuple[str, ...] = (
                ("custom", name) if name in custom else ("custom",) if has_custom_key else ()
            )
            found.append(
                Finding(
                    PROJECT,
                    loc,
                    "custom-missing",
                    f"custom field '{name}' is required by {shown} but "
                    + ("empty" if name in custom else "missing"),
                    f"Add it under custom: in project.yaml. {_about(field)}",
                    severity="error",
                    at_key=loc == ("custom",),
                )
            )
    for name, value in custom.items():
        known = declared.get(name)
        if known is None and name in listed:
            continue
        if known is None:
            guess = did_you_mean(name, declared)
            hint = (
                f"Rename it to '{guess}' if that is what you meant."
                if guess
                else "Declare it under custom: in programme.yaml, or ask the programme's contact which "
                "fields to use."
                if not declared
                else "The fields it declares: " + ", ".join(declared) + "."
            )
            found.append(
                Finding(
                    PROJECT,
                    ("custom", name),
                    "custom-undeclared",
                    f"custom field '{name}' is not declared in {shown}{suggest(name, declared)}",
                    hint,
                    at_key=True,
                )
            )
            continue
        if value is None:
            continue
        field = known
        if not _fits(field, value):
            found.append(
                Finding(
                    PROJECT,
                    ("custom", name),
                    "custom-wrong-type",
                    f"custom field '{name}' should be {_TYPE_WORDS[field.type]} ({shown} says so), "
                    f"but it is {_shown(value)}",
                    _about(field),
                    severity="error",
                )
            )
            continue
        found += _choices(name, field, value, shown)
    return found


def _choices(name: str, field: CustomField, value: Any, shown: str) -> list[Finding]:
    if not field.choices:
        return []
    items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    found = []
    for index, item in items:
        if str(item) in field.choices:
            continue
        loc = ("custom", name) if index is None else ("custom", name, index)
        found.append(
            Finding(
                PROJECT,
                loc,
                "custom-bad-choice",
                f"'{item}' is not one of the choices {shown} gives for custom field '{name}'"
                + suggest(str(item), field.choices),
                "Choose one of: " + ", ".join(field.choices) + ".",
                severity="error",
            )
        )
    return found


def findings(partnership: Partnership) -> list[Finding]:
    """The custom fields of project.yaml against the programme.yaml above, if there is one.

    A programme.yaml that cannot be read is a note (what was not checked, and why), so one broken
    file at the top does not make every partnership of the programme fail to validate.
    """
    path = find_programme_file(partnership.folder)
    if path is None:
        return []
    shown = os.path.relpath(path, partnership.folder)
    custom = partnership.project.custom
    loc: tuple[str, ...] = ("custom",) if custom else ()
    try:
        programme = read_programme(path)
    except ProgrammeFileInvalid as exc:
        first = exc.problems[0]
        more = len(exc.problems) - 1
        return [
            Finding(
                PROJECT,
                loc,
                "programme-unreadable",
                f"custom fields were not checked against {shown}: {shown}:{first.line}:{first.column}: "
                f"{first.message}" + (f" (and {more} more)" if more else ""),
                f"Fix {shown} (`sap validate` checks the custom fields again once it reads).",
                severity="note",
                at_key=bool(custom),
            )
        ]
    listed = tuple(key for key in CONVENTION if getattr(programme, f"{key}s"))
    found = check_custom(custom, programme.custom, shown, has_custom_key=bool(custom), listed=listed)
    return found + check_periods(custom, programme, shown)


def check_periods(custom: dict[str, Any], programme: ProgrammeFile, shown: str) -> list[Finding]:
    """custom.round and custom.stream against the ids programme.yaml lists (only when it lists some)."""
    found = []
    for key in CONVENTION:
        listed = getattr(programme, f"{key}s")
        value = custom.get(key)
        if not listed or value is None:
            continue
        ids = [item.id for item in listed]
        if not isinstance(value, list) and str(value) in ids:
            continue
        written = "a list" if isinstance(value, list) else f"'{value}'"
        found.append(
            Finding(
                PROJECT,
                ("custom", key),
                f"unknown-{key}",
                f"custom field '{key}' is {written}, which is not one of the {key}s {shown} lists"
                + ("" if isinstance(value, list) else suggest(str(value), ids)),
                f"Write the id of one {key}: "
                + ", ".join(f"{item.id} ({item.title})" for item in listed)
                + ".",
                severity="error",
            )
        )
    return found
