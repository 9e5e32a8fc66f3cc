"""A folder to a valid Partnership, or every structural error on its line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sap_cli.errors import InvalidProject
from sap_cli.files.yaml_read import load_file, load_folder
from sap_cli.model.folder import FILE_MODELS, Partnership
from sap_cli.model.plan import GoalsFile, MatrixFile, ProjectFile, RolesFile, TimelineFile
from sap_cli.model.records import CheckinFile, SignatureFile
from sap_cli.partnership.format import _format_is_foreign
from sap_cli.partnership.layout import PARTNERSHIP_FILES, yaml_files
from sap_cli.partnership.problems import Report, _Checker
from sap_cli.partnership.schema_errors import _validate_file
from sap_cli.partnership.structure import (
    _check_checkins,
    _check_dates,
    _check_references,
    _check_signatures,
    _check_unique_ids,
    _raw_ids,
)
from sap_cli.reflections.answers import reflection_problems
from sap_cli.validation.check import health_warnings
from sap_cli.words import display_path

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


def check_folder(folder: Path, draft: tuple[str, Path] | None = None) -> Report:
    """Every problem in the folder in one pass; the partnership itself when there are no errors.

    `draft` is (name, path): a file checked as if it were already saved under `name`, such as
    a meeting record still open in an editor.
    """

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


def load_valid(folder: Path) -> Partnership:
    """The partnership in `folder`, or InvalidProject carrying every problem if it has errors."""

    report = check_folder(folder)
    if report.partnership is None:
        raise InvalidProject(folder, report)
    return report.partnership
