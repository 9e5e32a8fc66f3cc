"""Everything sap validate reports: structural errors plus the findings of every domain, gathered here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sap_cli import __version__
from sap_cli.agreement.fingerprint import latest_signature, signing_states
from sap_cli.editor.schemas import outdated_schemas
from sap_cli.partnership.modeline import SCHEMA_FOLDER, schema_file_name
from sap_cli.partnership.problems import Problem, _Checker
from sap_cli.validation.practice import HEALTH_RULES
from sap_cli.words import display_path

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


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

    made_by = outdated_schemas(partnership.folder)
    if made_by is None:
        return

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
