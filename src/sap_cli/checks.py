"""Check a partnership folder: schema errors placed on their YAML line, cross-file rules, health."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sap_cli.model import model_at
from sap_cli.store import PARTNERSHIP_FILES, LoadedFolder, display_path, load_file, load_folder, position

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic_core import ErrorDetails

    from sap_cli.model import Partnership

Severity = Literal["error", "warning"]
Loc = Sequence[str | int]


@dataclass(frozen=True)
class Problem:
    """One thing wrong or worth a look, placed at a file, line and column (all 1-based)."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    hint: str | None = None
    source: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    """Everything `sap validate` found, plus the loaded partnership when it is error-free."""

    folder: Path
    problems: list[Problem] = field(default_factory=list)
    partnership: Partnership | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def did_you_mean(word: object, candidates: Iterable[str]) -> str | None:
    """The candidate the user most likely meant: same letters, a unique prefix, or a close spelling."""
    if not isinstance(word, str) or not word:
        return None
    options = list(candidates)
    lowered = word.lower()
    for option in options:
        if option.lower() == lowered:
            return option
    prefixed = [o for o in options if o.startswith(lowered) or lowered.startswith(o)]
    if len(prefixed) == 1:
        return prefixed[0]
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.75)
    return close[0] if close else None


def _suggest(word: object, candidates: Iterable[str]) -> str:
    guess = did_you_mean(word, candidates)
    return f" (did you mean '{guess}'?)" if guess else ""


# ------------------------------------------------------------ schema errors, in plain words


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
        guess = _suggest(name, allowed)
        hint = "Fields allowed here: " + ", ".join(allowed) if allowed else None
        return "unknown-field", f"unknown field '{name}'{guess}", hint, True
    if kind in ("literal_error", "enum"):
        choices = _choices(err)
        return (
            "bad-choice",
            f"{_describe_input(value)} is not one of the choices for '{name}'{_suggest(value, choices)}",
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
        from sap_cli.ids import slugify

        as_id = slugify(str(value))
        guess = f" (as an id it would be '{as_id}')" if as_id and as_id != value else ""
        return (
            "bad-id",
            f"{_describe_input(value)} is not a valid id{guess}",
            "Ids use lowercase letters, digits and single hyphens, for example amira-haddad; "
            "partners are named by their id from roles.yaml, not their full name.",
            "[key]" in loc,
        )
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


# ------------------------------------------------------------ the checker


class _Checker:
    def __init__(self, loaded: LoadedFolder) -> None:
        self.loaded = loaded
        self.problems: list[Problem] = []

    def add(
        self,
        name: str,
        loc: Loc,
        severity: Severity,
        code: str,
        message: str,
        hint: str | None = None,
        source: str | None = None,
        at_key: bool = False,
    ) -> None:
        loaded = self.loaded.files[name]
        line, column = position(loaded.document, loc, at_key=at_key) if loaded.readable else (1, 1)
        self.problems.append(
            Problem(display_path(loaded.path), line, column, severity, code, message, hint, source)
        )

    def error(self, name: str, loc: Loc, code: str, message: str, hint: str | None = None) -> None:
        self.add(name, loc, "error", code, message, hint)

    def warn(self, name: str, loc: Loc, code: str, message: str, hint: str, source: str) -> None:
        self.add(name, loc, "warning", code, message, hint, source)


def _validate_file(checker: _Checker, name: str, model: type[BaseModel]) -> BaseModel | None:
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
                display_path(loaded.path),
                syntax.line,
                syntax.column,
                "error",
                syntax.code,
                message,
                syntax.hint,
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
            checker.add(name, err["loc"], "error", code, message, hint, at_key=at_key)
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


def _raw_ids(loaded: LoadedFolder, name: str, key: str) -> set[str] | None:
    """Ids listed in a file even if the file has other errors; None if it cannot be read."""
    document = loaded.files[name].data
    if not loaded.files[name].readable:
        return None
    if document is None:
        return set()  # an empty file lists no ids, so every reference to one is dangling
    if not isinstance(document, dict):
        return None
    items = document.get(key)
    if not isinstance(items, list):
        return set()
    return {str(item["id"]) for item in items if isinstance(item, dict) and "id" in item}


def check_folder(folder: Path, draft: tuple[str, Path] | None = None) -> Report:
    """Every problem in the folder in one pass; the partnership itself when there are no errors.

    `draft` is (name, path): a file checked as if it were already saved under `name`, such as
    a meeting record still open in an editor.
    """
    from sap_cli.model import (
        FILE_MODELS,
        CheckinFile,
        GoalsFile,
        MatrixFile,
        Partnership,
        ProjectFile,
        RolesFile,
        SignatureFile,
        TimelineFile,
    )

    checkin_names = yaml_files(folder, "checkins")
    signature_names = yaml_files(folder, "signatures")
    loaded = load_folder(folder, (*PARTNERSHIP_FILES, *checkin_names, *signature_names))
    if draft is not None:
        draft_name, draft_path = draft
        checkin_names = [*checkin_names, draft_name]
        loaded.files[draft_name] = load_file(draft_path)
    checker = _Checker(loaded)
    if _format_is_foreign(checker):
        return Report(folder, checker.problems)  # other errors would only follow from the format
    parsed = {name: _validate_file(checker, name, model) for name, model in FILE_MODELS.items()}
    checkins = {name: _validate_file(checker, name, CheckinFile) for name in checkin_names}
    signatures = {name: _validate_file(checker, name, SignatureFile) for name in signature_names}
    project, roles, goals, timeline, matrix = (
        parsed["project.yaml"],
        parsed["roles.yaml"],
        parsed["goals.yaml"],
        parsed["timeline.yaml"],
        parsed["matrix.yaml"],
    )
    assert project is None or isinstance(project, ProjectFile)
    assert roles is None or isinstance(roles, RolesFile)
    assert goals is None or isinstance(goals, GoalsFile)
    assert timeline is None or isinstance(timeline, TimelineFile)
    assert matrix is None or isinstance(matrix, MatrixFile)

    _check_unique_ids(checker, roles, goals, timeline, matrix)
    _check_references(
        checker,
        project,
        goals,
        timeline,
        partner_ids=_raw_ids(checker.loaded, "roles.yaml", "partners"),
        goal_ids=_raw_ids(checker.loaded, "goals.yaml", "goals"),
    )
    _check_dates(checker, project, roles, goals, timeline)
    _check_checkins(
        checker,
        project,
        {name: c for name, c in checkins.items() if isinstance(c, CheckinFile)},
        partner_ids=_raw_ids(checker.loaded, "roles.yaml", "partners"),
        goal_ids=_raw_ids(checker.loaded, "goals.yaml", "goals"),
    )
    from sap_cli.reflections import reflection_problems

    checker.problems.extend(reflection_problems(folder, _raw_ids(checker.loaded, "roles.yaml", "partners")))
    valid_signatures = {name: s for name, s in signatures.items() if isinstance(s, SignatureFile)}
    _check_signatures(
        checker, project, valid_signatures, partner_ids=_raw_ids(checker.loaded, "roles.yaml", "partners")
    )

    report = Report(folder)
    if project and roles and goals and timeline and matrix:
        valid_checkins = sorted(
            (c for c in checkins.values() if isinstance(c, CheckinFile)), key=lambda c: (c.date, c.id)
        )
        partnership = Partnership(
            folder,
            project,
            roles,
            goals,
            timeline,
            matrix,
            tuple(valid_checkins),
            tuple(valid_signatures.values()),
        )
        if not any(p.severity == "error" for p in checker.problems):
            report.partnership = partnership
        checker.problems.extend(health_warnings(partnership, checker))
    order = {display_path(folder / name): i for i, name in enumerate(PARTNERSHIP_FILES)}
    report.problems = sorted(
        checker.problems, key=lambda p: (order.get(p.file, 99), p.file, p.line, p.column)
    )
    return report


UPDATE_SAP = "Update sap on this computer, the way you installed it."
# The same advice wherever the format number is unreadable: 1 is safe, as upgrading a current
# folder changes only that number.
UNSURE_OF_FORMAT = (
    "Put back the number that was there. If you are not sure, write 1 and run `sap upgrade`, "
    "which changes no more than it must."
)


def _format_is_foreign(checker: _Checker) -> bool:
    """Report a schema_version other than this sap's own (older, newer, or not a version) on its own."""
    from sap_cli.model import SCHEMA_VERSION, format_state

    project = checker.loaded.files["project.yaml"]
    state, found = format_state(project.data if project.readable else None)
    if state == "current":
        return False
    if state == "older":
        message = (
            f"this partnership uses file format {found}, from an older sap; this sap reads format "
            f"{SCHEMA_VERSION}"
        )
        hint = (
            "Run `sap upgrade` in the folder: it shows each change before making it and keeps your "
            "comments (`sap upgrade --dry-run` only shows). Nothing was changed."
        )
    elif state == "newer":
        message = (
            f"this partnership uses file format {found}, written by a newer sap; this sap reads format "
            f"{SCHEMA_VERSION}"
        )
        hint = UPDATE_SAP + " Nothing was changed."
    else:
        message = (
            f"schema_version should be a file format number from 1 to {SCHEMA_VERSION}, {shown_format(found)}"
        )
        hint = UNSURE_OF_FORMAT
    code = {"older": "older-format", "newer": "newer-format"}.get(state, "unknown-format")
    checker.error("project.yaml", ("schema_version",), code, message, hint)
    return True


def shown_format(found: object) -> str:
    """The value found, in words: an empty one is named as such, not shown as None."""
    return "it is empty" if found is None else f"not {found!r}"


def load_valid(folder: Path) -> Partnership:
    """The partnership in `folder`, or InvalidProject carrying every problem if it has errors."""
    from sap_cli.errors import InvalidProject

    report = check_folder(folder)
    if report.partnership is None:
        raise InvalidProject(folder, report)
    return report.partnership


def yaml_files(folder: Path, subfolder: str) -> list[str]:
    """The records in one of a partnership's subfolders, as relative paths, in name order."""
    where = folder / subfolder
    if not where.is_dir():
        return []
    return [f"{subfolder}/{path.name}" for path in sorted(where.glob("*.yaml"))]


def _check_signatures(
    checker: _Checker, project: Any, signatures: dict[str, Any], partner_ids: set[str] | None
) -> None:
    """Each signature file belongs to one real partner, under their id, for a version that exists."""
    for name, record in signatures.items():
        stem = Path(name).stem
        if record.partner != stem:
            checker.error(
                name,
                ("partner",),
                "signature-not-file-name",
                f"this file holds the signatures of '{record.partner}', but it is named after '{stem}'",
                f"Rename the file to signatures/{record.partner}.yaml, or correct 'partner'.",
            )
        if partner_ids is not None and record.partner not in partner_ids:
            checker.warn(
                name,
                ("partner",),
                "signature-of-unknown-partner",
                f"'{record.partner}' signed the agreement but is no longer in roles.yaml",
                "If they have left the partnership, keep this file as the record of what they agreed to; "
                "if their id changed, rename the file and the 'partner' line to match.",
                "partnership agreement practice",
            )
        for i, signature in enumerate(record.signatures):
            if project and signature.version > project.agreement_version:
                checker.error(
                    name,
                    ("signatures", i, "version"),
                    "unknown-version",
                    f"this signature is for version {signature.version}, but the agreement is at "
                    f"version {project.agreement_version}",
                    "Check agreement_version in project.yaml; `sap sign` keeps the two in step.",
                )


def _check_checkins(
    checker: _Checker,
    project: Any,
    checkins: dict[str, Any],
    partner_ids: set[str] | None,
    goal_ids: set[str] | None,
) -> None:
    """Each meeting record names real partners and goals, sits inside the project, has unique action ids."""
    action_first_seen: dict[str, str] = {}
    for name, checkin in checkins.items():
        stem = Path(name).stem
        if checkin.id != stem:
            checker.error(
                name,
                ("id",),
                "id-not-file-name",
                f"the meeting's id '{checkin.id}' differs from its file name '{stem}'",
                f"Write id: {stem}, so the meeting and its actions can be found by name.",
            )
        if project and not project.start <= checkin.date <= project.end:
            checker.error(
                name,
                ("date",),
                "outside-project",
                f"the meeting on {checkin.date} falls outside the project ({project.start} to {project.end})",
                "Correct the date, or change the project's start or end in project.yaml.",
            )

        def partners(loc: Loc, ids: Sequence[str], at_key: bool = False, name: str = name) -> None:
            _unknown_ids(checker, name, loc, ids, partner_ids, "partner", "roles.yaml", at_key)

        partners(("attendees",), checkin.attendees)
        for i, decision in enumerate(checkin.decisions):
            partners(("decisions", i, "by"), decision.by)
        for i, action in enumerate(checkin.actions):
            partners(("actions", i, "owner"), [action.owner])
            if action.id in action_first_seen:
                checker.error(
                    name,
                    ("actions", i, "id"),
                    "duplicate-id",
                    f"action id '{action.id}' is already used in {action_first_seen[action.id]}",
                    "Each action needs its own id; `sap checkin` makes them from the meeting's id.",
                )
            else:
                action_first_seen[action.id] = name
        partners(("hours",), list(checkin.hours), at_key=True)
        partners(("pulse",), list(checkin.pulse), at_key=True)
        _unknown_ids(checker, name, ("goals",), list(checkin.goals), goal_ids, "goal", "goals.yaml", True)


def _unknown_ids(
    checker: _Checker,
    name: str,
    loc: Loc,
    ids: Sequence[str],
    known: set[str] | None,
    noun: str,
    where: str,
    at_key: bool = False,
) -> None:
    """An error for each id in `ids` that is not among `known` (skipped when `known` is unreadable)."""
    if known is None:
        return
    for index, ref in enumerate(ids):
        if ref not in known:
            # For a single id (an action's owner) the index finds no list, so the field itself is shown.
            item_loc = (*loc, ref, "[key]") if at_key else (*loc, index)
            checker.error(
                name,
                item_loc,
                f"unknown-{noun}",
                f"there is no {noun} with id '{ref}'{_suggest(ref, known)}",
                f"{noun.capitalize()} ids are listed in {where}"
                + (": " + ", ".join(sorted(known)) if known else " (none yet)"),
            )


def _check_unique_ids(checker: _Checker, roles: Any, goals: Any, timeline: Any, matrix: Any) -> None:
    groups: list[tuple[str, str, str, Sequence[Any]]] = []
    if roles:
        groups.append(("roles.yaml", "partners", "partner", roles.partners))
    if goals:
        groups.append(("goals.yaml", "goals", "goal", goals.goals))
        groups.append(("goals.yaml", "deliverables", "deliverable", goals.deliverables))
    if timeline:
        groups.append(("timeline.yaml", "milestones", "milestone", timeline.milestones))
    if matrix:
        groups.append(("matrix.yaml", "stages", "stage", matrix.stages))
    for name, key, noun, items in groups:
        first_seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.id in first_seen:
                checker.error(
                    name,
                    (key, index, "id"),
                    "duplicate-id",
                    f"{noun} id '{item.id}' is used twice (first as {noun} {first_seen[item.id] + 1})",
                    "Ids must be unique; give this one a different id.",
                )
            else:
                first_seen[item.id] = index
    from sap_cli.ids import WINDOWS_RESERVED

    for index, partner in enumerate(roles.partners if roles else []):
        if partner.id in WINDOWS_RESERVED:
            checker.error(
                "roles.yaml",
                ("partners", index, "id"),
                "reserved-id",
                f"'{partner.id}' cannot be a partner's id: Windows keeps that name for a device, so "
                f"signatures/{partner.id}.yaml could not be made on a Windows computer",
                f"Choose another id, such as {partner.id}-1 or one made from their full name.",
            )


def _check_references(
    checker: _Checker,
    project: Any,
    goals: Any,
    timeline: Any,
    partner_ids: set[str] | None,
    goal_ids: set[str] | None,
) -> None:
    """Every partner and goal id used resolves; skipped for a list that cannot be read at all."""

    def partners(name: str, loc: Loc, ids: Sequence[str], at_key: bool = False) -> None:
        _unknown_ids(checker, name, loc, ids, partner_ids, "partner", "roles.yaml", at_key)

    def goal_refs(name: str, loc: Loc, ids: Sequence[str]) -> None:
        _unknown_ids(checker, name, loc, ids, goal_ids, "goal", "goals.yaml")

    if project:
        partners("project.yaml", ("recognition", "authorship_order"), project.recognition.authorship_order)
    if goals:
        for i, goal in enumerate(goals.goals):
            partners("goals.yaml", ("goals", i, "owners"), goal.owners)
        partners("goals.yaml", ("own_objectives",), list(goals.own_objectives), at_key=True)
        for i, item in enumerate(goals.deliverables):
            partners("goals.yaml", ("deliverables", i, "owners"), item.owners)
            goal_refs("goals.yaml", ("deliverables", i, "goals"), item.goals)
    if timeline:
        for i, milestone in enumerate(timeline.milestones):
            partners("timeline.yaml", ("milestones", i, "owners"), milestone.owners)
            goal_refs("timeline.yaml", ("milestones", i, "goals"), milestone.goals)


def _check_dates(checker: _Checker, project: Any, roles: Any, goals: Any, timeline: Any) -> None:
    if not project:
        return
    start: dt.date = project.start
    end: dt.date = project.end
    if end < start:
        checker.error(
            "project.yaml",
            ("end",),
            "dates-out-of-order",
            f"the project ends ({end}) before it starts ({start})",
            "Swap the dates, or correct the year.",
        )
        return
    window = f"{start} to {end}"

    def inside(name: str, loc: Loc, when: dt.date | None, what: str) -> None:
        if when is not None and not start <= when <= end:
            checker.error(
                name,
                loc,
                "outside-project",
                f"{what} on {when}, outside the project ({window})",
                "Move the date, or change the project's start or end in project.yaml.",
            )

    if timeline:
        for i, milestone in enumerate(timeline.milestones):
            inside(
                "timeline.yaml", ("milestones", i, "due"), milestone.due, f"milestone '{milestone.id}' is due"
            )
    if goals:
        for i, item in enumerate(goals.deliverables):
            inside("goals.yaml", ("deliverables", i, "due"), item.due, f"deliverable '{item.id}' is due")
    if project.review_date is not None and not start <= project.review_date <= end:
        checker.warn(
            "project.yaml",
            ("review_date",),
            "review-outside-project",
            f"the review date {project.review_date} is outside the project ({window})",
            "Pick a date while the partnership is running, so there is time to change course.",
            "partnership agreement practice",
        )


# ------------------------------------------------------------ partnership health


Finding = tuple[tuple[str | int, ...], str]  # where in the file, and the message


@dataclass(frozen=True)
class HealthRule:
    """A partnership-health warning: what to look for, why it matters and where the idea comes from."""

    code: str
    file: str
    hint: str
    source: str
    find: Callable[[Partnership], list[Finding]]


def _students(p: Partnership) -> list[Any]:
    return [partner for partner in p.roles.partners if partner.kind == "student"]


def _no_student(p: Partnership) -> list[Finding]:
    return [] if _students(p) else [(("partners",), "no partner is a student")]


def _no_stage_above_consult(p: Partnership) -> list[Finding]:
    shared_levels = {"participate", "partnership"}
    if not p.matrix.stages:
        return [
            (("stages",), "the matrix has no stages yet, so no stage gives students a share of decisions")
        ]
    if any(inv.level in shared_levels for stage in p.matrix.stages for inv in stage.involvements):
        return []
    return [(("stages",), "no stage involves students above Consult, so students never share a decision")]


def _students_without_responsibilities(p: Partnership) -> list[Finding]:
    return [
        (("partners", i), f"student partner {partner.name} has no responsibilities written down")
        for i, partner in enumerate(p.roles.partners)
        if partner.kind == "student" and not partner.responsibilities
    ]


def _no_recognition(p: Partnership) -> list[Finding]:
    r = p.project.recognition
    if any((r.hours_per_week, r.total_hours, r.pay_rate, r.credit, r.cv_lines, r.notes)):
        return []
    return [(("recognition",), "no recognition for students is recorded (hours, pay, credit or CV lines)")]


def _no_cadence(p: Partnership) -> list[Finding]:
    return [(("cadence",), "no meeting cadence is set")] if p.project.cadence is None else []


def _staff_hold_all_control(p: Partnership) -> list[Finding]:
    from sap_cli.model import STAFF_CONTROL

    holders = [stage.control for stage in p.matrix.stages if stage.control is not None]
    if holders and all(holder in STAFF_CONTROL for holder in holders):
        return [(("stages",), "staff or the institution hold control of every stage")]
    return []


HEALTH_RULES: tuple[HealthRule, ...] = (
    HealthRule(
        "no-student-partner",
        "roles.yaml",
        "A partnership works with students, not only for them: add at least one partner with kind: student.",
        "Cook-Sather, Bovill & Felten (2014)",
        _no_student,
    ),
    HealthRule(
        "no-stage-above-consult",
        "matrix.yaml",
        "Pick at least one stage where students participate or decide in partnership. "
        "A meaningful share of power is the test of a real partnership.",
        "NUS (2015); Bovill (2017)",
        _no_stage_above_consult,
    ),
    HealthRule(
        "student-without-responsibilities",
        "roles.yaml",
        "Agree what each student will do, so their part is visible and valued.",
        "Cook-Sather, Bovill & Felten (2014)",
        _students_without_responsibilities,
    ),
    HealthRule(
        "no-student-recognition",
        "project.yaml",
        "Student time is real work: agree pay, credit or at least how it will appear on a CV.",
        "Healey, Flint & Harrington (2014)",
        _no_recognition,
    ),
    HealthRule(
        "no-meeting-cadence",
        "project.yaml",
        "Agree how often you meet (weekly, fortnightly or monthly); regular check-ins keep "
        "everyone's voice in the work.",
        "SaP partnership toolkit: checking in",
        _no_cadence,
    ),
    HealthRule(
        "staff-hold-all-control",
        "matrix.yaml",
        "Consider one stage where control is shared or held by students.",
        "Bovill (2017); NUS (2015)",
        _staff_hold_all_control,
    ),
)


def health_warnings(partnership: Partnership, checker: _Checker) -> list[Problem]:
    before = len(checker.problems)
    for rule in HEALTH_RULES:
        for loc, message in rule.find(partnership):
            checker.warn(rule.file, loc, rule.code, message, rule.hint, rule.source)
    _signatures_to_renew(partnership, checker)
    _editor_schemas_current(partnership, checker)
    found = checker.problems[before:]
    del checker.problems[before:]
    return found


def _editor_schemas_current(partnership: Partnership, checker: _Checker) -> None:
    """After sap itself is updated, the editor schemas in .sap/schema/ may describe an older sap."""
    from sap_cli.schemas import SCHEMA_FOLDER, outdated_schemas, schema_file_name

    made_by = outdated_schemas(partnership.folder)
    if made_by is None:
        return
    from sap_cli import __version__

    path = partnership.folder / SCHEMA_FOLDER / schema_file_name("project")
    checker.problems.append(
        Problem(
            display_path(path),
            1,
            1,
            "warning",
            "editor-schemas-outdated",
            f"the editor schemas in {SCHEMA_FOLDER.as_posix()}/ were made by sap {made_by}; this is "
            f"sap {__version__}",
            "Run `sap schema` so your editor knows the fields this sap reads.",
        )
    )


def _signatures_to_renew(partnership: Partnership, checker: _Checker) -> None:
    """A warning for each partner whose signature no longer covers what the agreement says."""
    from sap_cli.agreement import latest_signature, signing_states

    for index, state in enumerate(signing_states(partnership)):
        if state.state != "sign-again":
            continue
        name, loc = "roles.yaml", ("partners", index, "id")
        found = latest_signature(partnership, state.partner_id)
        if found is not None and f"signatures/{state.partner_id}.yaml" in checker.loaded.files:
            name, loc = f"signatures/{state.partner_id}.yaml", ("signatures", found[0], "date")
        checker.warn(
            name,
            loc,
            "sign-again",
            f"{state.name} needs to sign the agreement again: {state.reason}",
            "Read docs/agreement.md together; if they agree, they run "
            f"`sap sign --partner {state.partner_id}`.",
            "partnership agreement practice",
        )
