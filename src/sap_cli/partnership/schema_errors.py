"""Schema errors from pydantic, told in a partner's words at the line they concern."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sap_cli.ids import slugify
from sap_cli.model.base import EMAIL_PATTERN, Loc, model_at
from sap_cli.model.plan import LANGUAGE_PATTERN
from sap_cli.model.vocab import FACULTY_WORDS
from sap_cli.partnership.layout import PARTNERSHIP_FILES
from sap_cli.partnership.problems import Placer, Problem, in_folder
from sap_cli.words import did_you_mean, display_path, suggest

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic_core import ErrorDetails


def _field_help(root: type[BaseModel], loc: Loc) -> str | None:
    """The field's own description (and example) from the schema: the hint for a missing value."""
    owner = model_at(root, loc[:-1])
    name = loc[-1] if loc else None
    if owner is None or not isinstance(name, str) or name not in owner.model_fields:
        return None
    info = owner.model_fields[name]
    text = info.description or ""
    if info.examples:
        example = info.examples[0]
        text += f" Example: {name}: {example}"
    return text or None


def _choices(err: ErrorDetails) -> list[str]:
    expected = str(err.get("ctx", {}).get("expected", ""))
    return [part.strip("' ") for part in expected.replace(" or ", ", ").split(",") if part.strip()]


def _describe_input(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a set of 'name: value' lines"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"'{value}'"


def _not_a_choice(name: str, value: object, choices: list[str]) -> str:
    """A value outside a closed list; the words people use for an academic teacher point to faculty."""
    if name == "kind" and isinstance(value, str) and value.strip().casefold() in FACULTY_WORDS:
        return (
            f"kind '{value}' is not one sap knows; did you mean faculty? "
            "(In sap, faculty means an academic teacher, not a unit of the university)"
        )
    return f"{_describe_input(value)} is not one of the choices for '{name}'{suggest(value, choices)}"


def _not_matching(err: ErrorDetails, value: object, loc: Loc) -> tuple[str, str, str | None, bool]:
    """An e-mail address, or an id, not written the way sap reads it."""
    if (err.get("ctx") or {}).get("pattern") == EMAIL_PATTERN:
        return (
            "bad-email",
            f"{_describe_input(value)} is not an e-mail address",
            "Write one address, such as amira.haddad@uni.example; put other forms of the name under "
            "'aliases'.",
            False,
        )
    if (err.get("ctx") or {}).get("pattern") == LANGUAGE_PATTERN:
        return (
            "bad-language",
            f"{_describe_input(value)} is not a language tag",
            "Write the language as a short tag, such as en, en-AU, ga, vi or zh-Hans, or leave "
            "'language' out for English.",
            False,
        )
    as_id = slugify(str(value))
    guess = f" (as an id it would be '{as_id}')" if as_id and as_id != value else ""
    return (
        "bad-id",
        f"{_describe_input(value)} is not a valid id{guess}",
        "Ids use lowercase letters, digits and single hyphens, for example amira-haddad; "
        "partners are named by their id from roles.yaml, not their full name.",
        "[key]" in loc,
    )


def explain_schema_error(err: ErrorDetails, root: type[BaseModel]) -> tuple[str, str, str | None, bool]:
    """(code, message, hint, at_key) for one pydantic error, in words a partner understands."""
    kind = err["type"]
    loc = err["loc"]
    name = next((p for p in reversed(loc) if isinstance(p, str) and p != "[key]"), "value")
    value = err.get("input")
    if value is None and kind not in ("missing", "extra_forbidden"):
        choices = _choices(err)
        hint = "Choose one of: " + ", ".join(choices) if choices else _field_help(root, loc)
        return "empty-value", f"'{name}' is empty", hint, False
    if kind == "missing":
        return "missing-field", f"'{name}' is required here but missing", _field_help(root, loc), False
    if kind == "extra_forbidden":
        owner = model_at(root, loc[:-1])
        allowed = list(owner.model_fields) if owner else []
        guess = suggest(name, allowed)
        hint = "Fields allowed here: " + ", ".join(allowed) if allowed else None
        return "unknown-field", f"unknown field '{name}'{guess}", hint, True
    if kind in ("literal_error", "enum"):
        choices = _choices(err)
        return (
            "bad-choice",
            _not_a_choice(name, value, choices),
            "Choose one of: " + ", ".join(choices),
            False,
        )
    if kind.startswith("date") or kind.startswith("datetime"):
        return (
            "bad-date",
            f"'{name}' should be a date, but it is {_describe_input(value)}",
            "Write dates as YYYY-MM-DD, for example 2026-03-04.",
            False,
        )
    if kind == "string_pattern_mismatch":
        return _not_matching(err, value, loc)
    if kind == "string_too_short":
        return "empty-value", f"'{name}' is empty", _field_help(root, loc), False
    if kind == "string_too_long":
        limit = (err.get("ctx") or {}).get("max_length", 0)
        return (
            "too-long",
            f"'{name}' is {len(str(value)):,} characters long; sap takes up to {limit:,}",
            "Something may have been pasted twice or by mistake; keep long documents in a file of "
            "their own and link to it here.",
            False,
        )
    if kind == "string_type":
        return (
            "wrong-type",
            f"'{name}' should be text, but it is {_describe_input(value)}",
            "Write a single line of text; put it in quotes if it starts with a symbol.",
            False,
        )
    if kind == "list_type":
        return (
            "wrong-type",
            f"'{name}' should be a list, but it is {_describe_input(value)}",
            "Put each item on its own line, starting with '- ', indented under the name.",
            False,
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return (
            "wrong-type",
            f"'{name}' should hold 'name: value' lines, but it is {_describe_input(value)}",
            _field_help(root, loc),
            False,
        )
    if kind.startswith(("int_", "float_", "bool_")):
        return (
            "wrong-type",
            f"'{name}' should be a number, but it is {_describe_input(value)}",
            _field_help(root, loc),
            False,
        )
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return "out-of-range", f"'{name}' {err['msg'].lower()}", _field_help(root, loc), False
    return "invalid", f"'{name}': {err['msg']}", _field_help(root, loc), False


def validate_file(checker: Placer, name: str, model: type[BaseModel]) -> BaseModel | None:
    from pydantic import ValidationError

    loaded = checker.loaded.files[name]
    if loaded.missing:
        checker.error(
            name,
            (),
            "missing-file",
            f"{name} is missing",
            "Each partnership keeps five files: "
            + ", ".join(PARTNERSHIP_FILES)
            + f". If it was deleted and the folder is in git, `git checkout -- {display_path(loaded.path)}`"
            " brings it back; otherwise copy it from a folder made by `sap init`.",
        )
        return None
    if loaded.syntax is not None:
        syntax = loaded.syntax
        message = f"not valid YAML: {syntax.message}" if syntax.code == "yaml-syntax" else syntax.message
        checker.problems.append(
            Problem(
                in_folder(loaded.path, checker.loaded.folder),
                syntax.line,
                syntax.column,
                "error",
                syntax.code,
                message,
                syntax.hint,
                folder=checker.loaded.folder,
            )
        )
        return None
    document = {} if loaded.data is None else loaded.data
    if not isinstance(document, dict):
        checker.error(
            name,
            (),
            "wrong-type",
            f"{name} should hold 'name: value' lines at the top level",
            "Compare it with the same file made by `sap init`.",
        )
        return None
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        errors = exc.errors()
        misspelt = _misspelt_keys(errors, model)
        for err in errors:
            if err["type"] == "missing" and tuple(err["loc"]) in misspelt:
                continue  # the 'unknown field ... did you mean' error already says it
            code, message, hint, at_key = explain_schema_error(err, model)
            checker.problems.append(
                checker.placed(name, err["loc"], "error", code, message, hint, at_key=at_key)
            )
        return None


def _misspelt_keys(errors: Sequence[ErrorDetails], model: type[BaseModel]) -> set[tuple[str | int, ...]]:
    """Locations of required fields that an unknown, similar key was probably meant to be."""
    found = set()
    for err in errors:
        if err["type"] == "extra_forbidden" and isinstance(err["loc"][-1], str):
            owner = model_at(model, err["loc"][:-1])
            guess = did_you_mean(err["loc"][-1], owner.model_fields) if owner else None
            if guess:
                found.add((*err["loc"][:-1], guess))
    return found
