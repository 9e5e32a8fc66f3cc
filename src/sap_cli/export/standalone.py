"""A Markdown document sap made outside any one partnership (the programme review) written as
Markdown, as a self-contained HTML page or as a PDF, to one file: the export route `sap export`
takes, with the document's pictures given by name for its `<!-- sap:chart NAME -->` markers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sap_cli.documents.files import PROGRAMME_MARKER, Document, finish_page, write_documents
from sap_cli.errors import SapError
from sap_cli.export.html import ChartFor, markdown_to_html
from sap_cli.export.page import html_page
from sap_cli.files.atomic import odd_kind, refuse_unsafe
from sap_cli.words import display_path

KINDS = {".html": "html", ".htm": "html", ".pdf": "pdf"}  # any other name: Markdown


def kind_of(target: Path) -> str:
    """What a file name asks for: 'html', 'pdf' or 'markdown'."""
    return KINDS.get(target.suffix.casefold(), "markdown")


@dataclass(frozen=True)
class Saved:
    path: Path
    kind: str
    changed: bool  # False when the file already held exactly this
    backup: Path | None = None  # the user's edited copy, saved before it was replaced


def as_page(markdown: str, charts: ChartFor, footer: str, paper: str = "a4") -> str:
    converted = markdown_to_html(markdown, charts)
    return finish_page(
        html_page(converted.body, converted.title, paper=paper, footer=footer), PROGRAMME_MARKER
    )


def as_pdf(markdown: str, charts: ChartFor, footer: str, title: str, paper: str = "a4") -> bytes:
    from sap_cli.export.pdf import compile_pdf
    from sap_cli.export.typst_source import markdown_to_typst

    return compile_pdf(markdown_to_typst(markdown, charts, paper=paper, footer=footer, title=title))


def save_document(
    target: Path, markdown: str, charts: ChartFor, footer: str, title: str, force: bool = False
) -> Saved:
    """`markdown` into `target`, as its name asks; a file edited by hand (or not made by sap) is
    kept (SapError) unless `force`, which first saves it as a .backup copy beside it."""
    kind = kind_of(target)
    shown = display_path(target)
    odd = odd_kind(target)
    if odd is not None:
        raise SapError(
            f"{shown} is {odd}, not a file sap can write the review into; nothing was written.",
            hint="Name a file with -o, such as -o programme-review.md, or use -o - to print it.",
        )
    folder = target.parent
    refuse_unsafe(folder, [target.name])
    if kind == "pdf":
        from sap_cli.export.pdf import typst_available, write_files

        typst_available()
        result = write_files(folder, [(target.name, as_pdf(markdown, charts, footer, title))], force)
    else:
        text = as_page(markdown, charts, footer) if kind == "html" else markdown
        result = write_documents(folder, [Document(target.name, text)], force=force)
    if result.kept:
        raise SapError(
            f"{shown} was edited by hand or not made by sap, so it was left as it is.",
            hint="Rename it to keep it, choose another file with -o, or use --force to replace it "
            "after saving yours as a backup copy.",
        )
    backup = next((folder / saved for _, saved in result.backups), None)
    return Saved(target, kind, changed=bool(result.written), backup=backup)
