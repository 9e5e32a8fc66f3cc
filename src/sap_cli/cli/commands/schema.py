"""`sap schema`: JSON Schemas so editors complete and check the YAML files as you type."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sap_cli.cli.options import PartnershipFolder, folder_or_here
from sap_cli.cli.output import console, escape


def schema(
    folder: PartnershipFolder = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FOLDER",
            help="Only write the schema files into FOLDER; no partnership needed, no file touched.",
        ),
    ] = None,
    programme: Annotated[
        Path | None,
        typer.Option(
            "--programme", metavar="DIR",
            help="Write programme.yaml's schema in DIR/.sap/schema/ (DIR: the programme's top folder).",
        ),
    ] = None,
) -> None:  # fmt: skip
    """Help your editor: JSON Schemas so it completes and checks the YAML files as you type.

    \f
    sap schema
    sap schema -o schemas
    sap schema --programme ~/partnerships
    """
    from sap_cli.words import display_path

    out = console()
    if programme is not None:
        from sap_cli.editor.schemas import PROGRAMME_MODELINE, write_programme_schema

        path = write_programme_schema(programme)
        out.print(f"Wrote programme.yaml's JSON Schema: {escape(display_path(path))}")
        out.print("To have your editor use it, make this the first line of programme.yaml:")
        out.print(f"  {escape(PROGRAMME_MODELINE)}", soft_wrap=True)
        return
    if output is not None:
        from sap_cli.editor.schemas import write_schemas

        written = write_schemas(output)
        out.print(f"Wrote {len(written)} JSON Schemas in {escape(display_path(output))}:")
        for path in written:
            out.print(f"  {escape(path.name)}")
        return
    from sap_cli.editor.setup import set_up_editor_support
    from sap_cli.partnership.layout import find_project

    setup = set_up_editor_support(find_project(folder_or_here(folder)))
    out.print(f"Wrote {len(setup.schemas)} JSON Schemas in {escape(display_path(setup.schema_folder))}/.")
    if setup.marked:
        out.print("Added a first line pointing at its schema to:")
        for path in setup.marked:
            out.print(f"  {escape(display_path(path))}")
    else:
        out.print("Every YAML file already points at its schema.")
    out.print(
        "Editors with YAML support (VS Code with the Red Hat YAML extension, and others) now suggest "
        "fields and underline mistakes, offline."
    )
