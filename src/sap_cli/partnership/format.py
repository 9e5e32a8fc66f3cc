"""The file format number of a folder, and what to say when it is not this sap's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sap_cli.model.folder import SCHEMA_VERSION, format_state
from sap_cli.partnership.problems import Placer

if TYPE_CHECKING:
    pass


UPDATE_SAP = "Update sap on this computer, the way you installed it."


# The same advice wherever the format number is unreadable: 1 is safe, as upgrading a current
# folder changes only that number.
UNSURE_OF_FORMAT = (
    "Put back the number that was there. If you are not sure, write 1 and run `sap upgrade`, "
    "which changes no more than it must."
)


def format_is_foreign(checker: Placer) -> bool:
    """Report a schema_version other than this sap's own (older, newer, or not a version) on its own."""

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
