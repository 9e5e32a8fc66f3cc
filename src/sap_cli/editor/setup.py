"""sap schema: put the JSON Schemas in a folder and name them at the top of each file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sap_cli.editor.schemas import schema_paths, write_schemas
from sap_cli.errors import SapError
from sap_cli.files.atomic import refuse_unsafe
from sap_cli.files.paths import refuse_reading, write_inside
from sap_cli.files.yaml_read import load_file
from sap_cli.model.folder import SCHEMA_VERSION, format_state
from sap_cli.partnership.format import UPDATE_SAP
from sap_cli.partnership.modeline import (
    FOLDER_KINDS,
    SCHEMA_FOLDER,
    has_modeline,
    partnership_yaml_files,
    with_modeline,
)


@dataclass
class EditorSetup:
    """What `sap schema` wrote: the schema files, and the YAML files that now point at them."""

    schema_folder: Path
    schemas: list[Path] = field(default_factory=list)
    marked: list[Path] = field(default_factory=list)


def _require_current_format(folder: Path) -> None:
    """Schemas describe this sap's format; pointing an older or newer folder at them would mislead."""

    state, found = format_state(load_file(folder / "project.yaml", inside=folder).data)
    if state == "older":
        raise SapError(
            f"this partnership uses file format {found}, from an older sap, and the schemas describe "
            f"format {SCHEMA_VERSION}; nothing was changed.",
            hint="Run `sap upgrade` first, then `sap schema`.",
        )
    if state == "newer":
        raise SapError(
            f"this partnership uses file format {found}, newer than this sap ({SCHEMA_VERSION}); "
            "nothing was changed.",
            hint=UPDATE_SAP + " Then run `sap schema`.",
        )


def set_up_editor_support(folder: Path) -> EditorSetup:
    """Put the schemas in the partnership's .sap/schema/ and point each YAML file at its schema.

    Only a first comment line is added to a file that lacks one; every other byte stays as it was.
    """

    _require_current_format(folder)
    setup = EditorSetup(folder / SCHEMA_FOLDER)
    # Every file is checked before the first is written: a linked roles.yaml, checkins/ or
    # .sap/schema/ would otherwise have sap add lines to, or replace, files elsewhere.
    candidates = [path.relative_to(folder).as_posix() for path in partnership_yaml_files(folder)]
    refuse_reading(folder, [*candidates, *FOLDER_KINDS])
    to_mark: list[tuple[Path, str]] = []
    for relative in candidates:
        path = folder / relative
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # sap validate reports it; the comment can wait until the file is readable
        if not has_modeline(text):
            to_mark.append((path, text))
    refuse_unsafe(folder, [*schema_paths(), *(path.relative_to(folder).as_posix() for path, _ in to_mark)])
    setup.schemas = write_schemas(setup.schema_folder, inside=folder)
    for path, text in to_mark:
        write_inside(folder, path.relative_to(folder), with_modeline(text, path.relative_to(folder)))
        setup.marked.append(path)
    return setup
