"""Everything sap validate reports: structural errors plus the findings of every domain, gathered here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from sap_cli.agreement import fingerprint
from sap_cli.editor import schemas
from sap_cli.model.folder import Partnership
from sap_cli.partnership.load import check_structure, in_reading_order
from sap_cli.partnership.problems import Finding, Report
from sap_cli.partnership.structure import raw_ids
from sap_cli.partnership.warm import check_side_by_side
from sap_cli.reflections.answers import reflection_problems
from sap_cli.validation import custom_fields, practice

# Each domain offers what it notices about a partnership that loads; the list is explicit, so a
# reader sees every source of warnings here and no module registers itself by being imported.
FINDINGS: tuple[Callable[[Partnership], list[Finding]], ...] = (
    practice.findings,
    fingerprint.findings,
    schemas.findings,
    practice.future_meetings,
    practice.after_leaving,
    custom_fields.findings,
)


def check_folders(folders: Sequence[Path]) -> list[Report]:
    """`check_folder` for each folder, in order; many new ones are first checked side by side."""
    check_side_by_side(folders)
    return [check_folder(folder) for folder in folders]


def check_folder(folder: Path, draft: tuple[str, Path] | None = None) -> Report:
    """Every problem in the folder in one pass; the partnership itself when there are no errors.

    `draft` is (name, path): a meeting record still open in an editor, checked as if saved as `name`.
    """
    checked = check_structure(folder, draft)
    if checked.foreign_format:
        return checked.report
    problems = list(checked.report.problems)
    # A built partnership's roles were valid, so its ids are the file's; otherwise read the raw ones.
    built = checked.built
    partner_ids = (
        {partner.id for partner in built.roles.partners}
        if built is not None
        else raw_ids(checked.placer.loaded, "roles.yaml", "partners")
    )
    problems += reflection_problems(folder, partner_ids)
    if checked.built is not None:
        problems += [checked.placer.place(found) for gather in FINDINGS for found in gather(checked.built)]
    return Report(folder, in_reading_order(folder, problems), checked.report.partnership)
