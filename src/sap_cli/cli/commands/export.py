"""`sap export`: the documents as web pages, PDFs or Word files for people who do not use git."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from sap_cli.cli.options import PartnershipFolder, folder_or_here, parse_date
from sap_cli.cli.output import console, count, escape
from sap_cli.errors import UsageProblem
from sap_cli.export import EXPORTS


class ExportFormat(str, Enum):
    """`sap export --format`."""

    html = "html"
    pdf = "pdf"
    docx = "docx"


class Paper(str, Enum):
    """`sap export --paper`: the page size the print stylesheet asks for."""

    a4 = "a4"
    letter = "letter"


def _complete_export(incomplete: str) -> list[str]:
    return [name for name in EXPORTS if name.startswith(incomplete)]


def export(
    folder: PartnershipFolder = None,
    what: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="DOCUMENT",
            help="Which documents: agreement, worksheets, progress, review, review-anonymized, "
            "reflections (default: agreement, worksheets, progress and review, and the anonymised "
            "review once `sap report --anonymize` has made it; the partners' own reflections only "
            "when you name them).",
            show_default=False,
            autocompletion=_complete_export,
        ),
    ] = None,
    output_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="html: one page per document, to open, print or send. pdf: one PDF per document "
            "(needs pip install 'sap-cli[pdf]'). docx: one Word file per document (needs pip "
            "install 'sap-cli[docx]').",
        ),
    ] = ExportFormat.html,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FOLDER",
            help="Where to put the pages (default: export/ in the partnership, kept out of git).",
        ),
    ] = None,
    paper: Annotated[
        Paper, typer.Option("--paper", help="The paper size for printing: a4 or letter.")
    ] = Paper.a4,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="Measure progress at this date (default: the latest in the data).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace pages edited by hand too, after saving each as a .backup copy."
        ),
    ] = False,
    reference: Annotated[
        Path | None,
        typer.Option(
            "--reference",
            metavar="FILE",
            help="docx only: a Word file whose styles (fonts, headings, page size, letterhead) to use.",
        ),
    ] = None,
) -> None:
    """Make the documents into pages for people who do not use git: open, print or send them.

    Each page is one file with everything in it: no internet, no other files, no scripts. To get
    a PDF, use --format pdf (with the PDF extra installed), or open the page in a browser and
    print it (or save it as PDF).

    \f
    sap export
    sap export agreement --format pdf --paper letter
    sap export -o ~/Desktop/for-partners
    """
    from sap_cli.partnership.layout import find_project

    names = list(what or [])
    if folder is not None and not folder.exists() and str(folder) in EXPORTS:
        names.insert(0, str(folder))  # `sap export agreement` inside the partnership
        folder = None
    _check_names(names)
    if reference is not None and output_format is not ExportFormat.docx:  # issue 19
        raise UsageProblem(
            "--reference gives the styles of a Word file, so it only goes with --format docx; "
            "nothing was written",
            hint="Add --format docx, or leave --reference out.",
        )
    project_folder = find_project(folder_or_here(folder))
    kind = (output_format.value, reference.expanduser().absolute() if reference else None)
    if not _export_one(project_folder, names, output, paper.value, as_of, force, kind):
        raise typer.Exit(1)


def _check_names(names: list[str]) -> None:
    unknown = [name for name in names if name not in EXPORTS]
    if unknown:
        from sap_cli.words import did_you_mean

        guess = did_you_mean(unknown[0].lower(), EXPORTS)
        raise typer.BadParameter(
            f"'{unknown[0]}' is not a document sap exports"
            + (f" (did you mean '{guess}'?)" if guess else "")
            + f"; choose from {', '.join(EXPORTS)}",
            param_hint="DOCUMENT",
        )


def _export_one(
    project_folder: Path,
    names: list[str],
    output: Path | None,
    paper: str,
    as_of: str | None,
    force: bool,
    kind: tuple[str, Path | None] = ("html", None),
) -> bool:
    """Export one partnership's documents and say what happened; False if some were kept."""
    from sap_cli.export.documents import export_project
    from sap_cli.words import command_path, display_path

    result = export_project(
        project_folder,
        names or None,
        output=output.expanduser().absolute() if output is not None else None,
        paper=paper,
        as_of=parse_date(as_of, "--date"),
        force=force,
        output_format=kind[0],
        reference=kind[1],
    )
    out = console()
    if result.gitignore is not None:
        out.print(f"added export/ to {escape(display_path(result.gitignore))}, so git leaves these pages out")
    for edited, backup in result.backups:
        out.print(f"saved your edited {escape(display_path(edited))} as {escape(display_path(backup))}")
    for written in result.written:
        out.print(f"wrote {escape(display_path(written))}")
    if result.unchanged:
        listed = "" if result.written else f" in {escape(display_path(result.folder))}"
        out.print(f"{count(len(result.unchanged), 'file')}{listed} already up to date.")
    if result.kept:
        err = console(stderr=True)
        err.print("[bold red]error:[/] these pages were edited by hand, so sap left them as they are:")
        for path in result.kept:
            err.print(f"  {escape(display_path(path))}")
        err.print(
            "[dim]hint:[/] the pages are remade from the partnership files; change those instead. "
            "To replace the pages, keeping yours as .backup copies: "
            f"sap export{escape(command_path(project_folder))} --force"
        )
        return False
    return True
