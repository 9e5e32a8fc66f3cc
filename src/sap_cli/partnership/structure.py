"""Rules across files: unique ids, references that resolve, dates inside the project."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.files.yaml_read import LoadedFolder
from sap_cli.ids import WINDOWS_RESERVED
from sap_cli.model.base import Loc
from sap_cli.partnership.problems import Placer
from sap_cli.words import suggest

if TYPE_CHECKING:
    pass


def raw_ids(loaded: LoadedFolder, name: str, key: str) -> set[str] | None:
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


def check_signatures(
    checker: Placer, project: Any, signatures: dict[str, Any], partner_ids: set[str] | None
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
                if signature.version <= _unfinished_up_to(project.agreement_version, signatures):
                    checker.warn(
                        name,
                        ("signatures", i, "version"),
                        "sign-unfinished",
                        f"this signature is for version {signature.version}, but project.yaml still says "
                        f"agreement_version: {project.agreement_version}: a `sap sign` stopped before it "
                        "finished",
                        f"Run `sap sign --partner {record.partner}` again to finish it: it sets "
                        f"agreement_version: {signature.version} in project.yaml and does not sign twice.",
                        "partnership agreement practice",
                    )
                    continue
                checker.error(
                    name,
                    ("signatures", i, "version"),
                    "unknown-version",
                    f"this signature is for version {signature.version}, but the agreement is at "
                    f"version {project.agreement_version}",
                    "Check agreement_version in project.yaml; `sap sign` keeps the two in step.",
                )


def _unfinished_up_to(agreement_version: int, signatures: dict[str, Any]) -> int:
    """The highest version a stopped `sap sign` could have left ahead of project.yaml.

    `sap sign` writes the signature first and raises agreement_version second, one version at a
    time; stopped in between, the signature is one ahead. Versions ahead with no gap are that; a
    gap (version 3 when the agreement is at 1 and nobody signed 2) is a mistake, not a stop.
    """
    signed = {signature.version for record in signatures.values() for signature in record.signatures}
    version = agreement_version
    while version + 1 in signed:
        version += 1
    return version


def check_checkins(
    checker: Placer,
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
            if not isinstance(decision.by, str):  # a group (students, staff, joint) names no one
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
    checker: Placer,
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
                f"there is no {noun} with id '{ref}'{suggest(ref, known)}",
                f"{noun.capitalize()} ids are listed in {where}"
                + (": " + ", ".join(sorted(known)) if known else " (none yet)"),
            )


def check_unique_ids(checker: Placer, roles: Any, goals: Any, timeline: Any, matrix: Any) -> None:
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


def check_references(
    checker: Placer,
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
        deliverable_ids = {d.id for d in goals.deliverables} if goals else None
        for i, milestone in enumerate(timeline.milestones):
            partners("timeline.yaml", ("milestones", i, "owners"), milestone.owners)
            goal_refs("timeline.yaml", ("milestones", i, "goals"), milestone.goals)
            _unknown_ids(
                checker,
                "timeline.yaml",
                ("milestones", i, "completes"),
                milestone.completes,
                deliverable_ids,
                "deliverable",
                "goals.yaml",
            )


def check_dates(checker: Placer, project: Any, roles: Any, goals: Any, timeline: Any) -> None:
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


def _files_phrase(names: Sequence[str], checkins: int, signatures: int) -> str:
    parts = list(names)
    if checkins:
        parts.append(
            "the meeting record in checkins/" if checkins == 1 else f"the {checkins} meeting records"
        )
    if signatures:
        parts.append("the signature" if signatures == 1 else f"the {signatures} signatures")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def skipped_checks(
    checker: Placer, parsed: dict[str, Any], checkin_names: Sequence[str], signature_names: Sequence[str]
) -> None:
    """A note for each check across files that could not be made, naming the file that stopped it.

    A syntax error in roles.yaml would otherwise hide a partner-id typo in goals.yaml with nothing
    saying so: the note tells the reader those ids were not checked, and why.
    """
    loaded = checker.loaded.files

    def readable(name: str) -> bool:
        return name in loaded and loaded[name].readable

    checkins = sum(1 for name in checkin_names if readable(name))
    signatures = sum(1 for name in signature_names if readable(name))
    plan = [name for name in ("project.yaml", "goals.yaml", "timeline.yaml") if readable(name)]
    why = {
        name: "could not be read" if not readable(name) else "has errors"
        for name in ("project.yaml", "roles.yaml", "goals.yaml")
    }
    hint = "Fix the errors in {file} first; then `sap validate` checks these too."
    if raw_ids(checker.loaded, "roles.yaml", "partners") is None:
        used = [name for name in plan]
        if used or checkins or signatures:
            checker.note(
                "roles.yaml",
                "checks-skipped",
                f"partner ids in {_files_phrase(used, checkins, signatures)} were not checked, because "
                f"roles.yaml {why['roles.yaml']}",
                hint.format(file="roles.yaml"),
            )
    if raw_ids(checker.loaded, "goals.yaml", "goals") is None:
        used = [name for name in plan if name != "project.yaml"]
        if used or checkins:
            checker.note(
                "goals.yaml",
                "checks-skipped",
                f"goal ids in {_files_phrase(used, checkins, 0)} were not checked, because "
                f"goals.yaml {why['goals.yaml']}",
                hint.format(file="goals.yaml"),
            )
    if parsed["project.yaml"] is None:
        used = [name for name in plan if name != "project.yaml"]
        if used or checkins or signatures:
            checker.note(
                "project.yaml",
                "checks-skipped",
                f"the dates in {_files_phrase(used, checkins, 0)} were not checked against the project's "
                f"start and end, because project.yaml {why['project.yaml']}",
                hint.format(file="project.yaml"),
            )
