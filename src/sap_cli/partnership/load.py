"""A folder to a valid Partnership, or every structural error on its line (warnings are validation's)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sap_cli.errors import InvalidProject
from sap_cli.files.yaml_read import LoadedFolder, load_file, load_folder
from sap_cli.model.folder import FILE_MODELS, Partnership
from sap_cli.model.people import RolesFile
from sap_cli.model.plan import GoalsFile, MatrixFile, ProjectFile, TimelineFile
from sap_cli.model.records import CheckinFile, SignatureFile
from sap_cli.partnership import checked_cache
from sap_cli.partnership.format import format_is_foreign
from sap_cli.partnership.layout import PARTNERSHIP_FILES, yaml_files
from sap_cli.partnership.problems import Placer, Problem, Report
from sap_cli.partnership.schema_errors import validate_file
from sap_cli.partnership.structure import (
    check_checkins,
    check_dates,
    check_references,
    check_signatures,
    check_unique_ids,
    raw_ids,
    skipped_checks,
)

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


@dataclass
class Checked:
    """What the structural check found, with what later checks need to place their own findings."""

    report: Report
    placer: Placer
    built: Partnership | None  # the partnership when all five plan files parse, even with other errors
    foreign_format: bool = False


def check_structure(folder: Path, draft: tuple[str, Path] | None = None) -> Checked:
    """Every structural error in the folder in one pass: schema, ids, references, dates.

    `draft` is (name, path): a file checked as if it were already saved under `name`, such as
    a meeting record still open in an editor.
    """
    checkin_names = yaml_files(folder, "checkins")
    signature_names = yaml_files(folder, "signatures")
    names = (*PARTNERSHIP_FILES, *checkin_names, *signature_names)
    if draft is not None:
        return _check_afresh(folder, names, checkin_names, signature_names, draft)
    # Taken before anything is read: a file that changes while the check reads it changes the stamp.
    now = checked_cache.stamp(folder, names)
    kept = checked_cache.load(folder, now)
    if kept is not None:
        problems, built, foreign_format = kept
        report = Report(folder, problems)
        if built is not None and not any(p.severity == "error" for p in problems):
            report.partnership = built
        return Checked(report, Placer(LoadedFolder.when_needed(folder, names)), built, foreign_format)
    checked = _check_afresh(folder, names, checkin_names, signature_names, None)
    checked_cache.save(folder, now, (checked.report.problems, checked.built, checked.foreign_format))
    return checked


def _check_afresh(
    folder: Path,
    names: tuple[str, ...],
    checkin_names: list[str],
    signature_names: list[str],
    draft: tuple[str, Path] | None,
) -> Checked:
    loaded = load_folder(folder, names)
    if draft is not None:
        draft_name, draft_path = draft
        checkin_names = [*checkin_names, draft_name]
        loaded.files[draft_name] = load_file(draft_path, inside=folder)
    checker = Placer(loaded)
    if format_is_foreign(checker):  # other errors would only follow from the format
        return Checked(Report(folder, checker.problems), checker, None, foreign_format=True)
    parsed = {name: validate_file(checker, name, model) for name, model in FILE_MODELS.items()}
    checkins = {name: validate_file(checker, name, CheckinFile) for name in checkin_names}
    signatures = {name: validate_file(checker, name, SignatureFile) for name in signature_names}
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

    check_unique_ids(checker, roles, goals, timeline, matrix)
    check_references(
        checker,
        project,
        goals,
        timeline,
        partner_ids=raw_ids(checker.loaded, "roles.yaml", "partners"),
        goal_ids=raw_ids(checker.loaded, "goals.yaml", "goals"),
    )
    check_dates(checker, project, roles, goals, timeline)
    check_checkins(
        checker,
        project,
        {name: c for name, c in checkins.items() if isinstance(c, CheckinFile)},
        partner_ids=raw_ids(checker.loaded, "roles.yaml", "partners"),
        goal_ids=raw_ids(checker.loaded, "goals.yaml", "goals"),
    )

    valid_signatures = {name: s for name, s in signatures.items() if isinstance(s, SignatureFile)}
    check_signatures(
        checker, project, valid_signatures, partner_ids=raw_ids(checker.loaded, "roles.yaml", "partners")
    )

    skipped_checks(
        checker,
        {"project.yaml": project, "roles.yaml": roles, "goals.yaml": goals, "timeline.yaml": timeline},
        [*checkin_names],
        [*signature_names],
    )

    report = Report(folder)
    built = None
    if project and roles and goals and timeline and matrix:
        valid_checkins = sorted(
            (c for c in checkins.values() if isinstance(c, CheckinFile)), key=lambda c: (c.date, c.id)
        )
        built = Partnership(
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
            report.partnership = built
    report.problems = in_reading_order(folder, checker.problems)
    return Checked(report, checker, built)


def in_reading_order(folder: Path, problems: list[Problem]) -> list[Problem]:
    """The five plan files first, in the order partners read them, then the rest by name and line."""
    order = {name: i for i, name in enumerate(PARTNERSHIP_FILES)}
    # Notes (what was not checked, and why) come after everything found.
    return sorted(
        problems, key=lambda p: (p.severity == "note", order.get(p.file, 99), p.file, p.line, p.column)
    )


def load_valid(folder: Path) -> Partnership:
    """The partnership in `folder`, or InvalidProject carrying every structural error it has."""

    report = check_structure(folder).report
    if report.partnership is None:
        raise InvalidProject(folder, report)
    return report.partnership
