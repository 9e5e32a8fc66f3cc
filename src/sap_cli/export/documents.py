"""`sap export`: the documents sap renders as Markdown, made into pages for people outside git."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sap_cli.documents.files import EXPORT_MARKER, Document, RenderResult, finish_page, write_documents
from sap_cli.documents.pages import render_documents
from sap_cli.export.html import ChartFor, markdown_to_html
from sap_cli.export.page import html_page
from sap_cli.files.atomic import refuse_unsafe
from sap_cli.files.git import keep_export_out_of_git
from sap_cli.files.paths import first_link
from sap_cli.partnership.load import load_valid
from sap_cli.review.page import render_review, review_and_page

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership

DEFAULT_FOLDER = "export"
_ANONYMIZED_REVIEW = "docs/review-anonymized.md"


@dataclass
class ExportResult:
    """What `sap export` wrote, left as it was, or kept because someone edited it."""

    folder: Path  # where the pages went
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    backups: list[tuple[Path, Path]] = field(default_factory=list)
    gitignore: Path | None = None  # .gitignore, when this run added export/ to it


def default_exports(folder: Path) -> list[str]:
    """Every document, and the anonymised review when `sap report --anonymize` made one.

    Partners' reflections are theirs: they are exported only when asked for by name
    (`sap export . reflections`), so a folder of handouts never carries them by surprise.
    """
    names = ["agreement", "worksheets", "progress", "review"]
    if first_link(folder, _ANONYMIZED_REVIEW) is None and (folder / _ANONYMIZED_REVIEW).is_file():
        names.append("review-anonymized")
    return names


def shared_reflections(folder: Path) -> list[str]:
    """The partners' own reflection files in reflections/ (never private/), as relative paths."""
    from sap_cli.reflections.answers import reflection_files

    return reflection_files(folder, include_private=False)


def charts_for(partnership: Partnership, markdown_path: str, as_of: dt.date | None) -> ChartFor | None:
    """The charts of a document, by name, drawn from the same figures as its tables: the matrix in
    the agreement; the timeline in the progress page and the review; the matrix and the pulse in
    the review, from the review's own figures.

    The anonymised review draws its matrix and pulse from its anonymised figures (stage names and
    groups as its tables give them) and has no timeline: that would show milestone titles from
    before anonymising, so its mermaid block is left out of the page instead.
    """
    from sap_cli.documents import charts

    day = as_of or partnership.latest_recorded_day()
    drawn: dict[str, Callable[[], str]] = {}
    if markdown_path == "docs/agreement.md":
        drawn["matrix"] = lambda: charts.matrix_svg(partnership)
    if markdown_path in ("docs/progress.md", "docs/review.md"):
        drawn["timeline"] = lambda: charts.timeline_svg(partnership, day)
    if markdown_path in ("docs/review.md", _ANONYMIZED_REVIEW):
        figures = review_and_page(partnership, markdown_path == _ANONYMIZED_REVIEW, as_of)[0]
        drawn["matrix"] = lambda: charts.matrix_svg_from_rows(figures["power"]["stages"])
        if figures["pulse"]:  # no pulse, no picture (the page says none was recorded)
            drawn["pulse"] = lambda: charts.pulse_svg_from_rows(figures["pulse"])
    if not drawn:
        return None
    return lambda name: drawn[name]() if name in drawn else None


def markdown_documents(
    partnership: Partnership, which: Sequence[str], as_of: dt.date | None
) -> list[Document]:
    """The Markdown `sap render` and `sap report` make, in memory: the one source of every export."""
    documents = render_documents(
        partnership, [name for name in which if name in ("agreement", "worksheets", "progress")], as_of
    )
    for anonymized, name in ((False, "review"), (True, "review-anonymized")):
        if name in which:
            path = _ANONYMIZED_REVIEW if anonymized else "docs/review.md"
            documents.append(Document(path, render_review(partnership, anonymized, as_of)))
    if "reflections" in which:
        # Each partner's answers as they wrote them; a question still unanswered gets a space to write.
        for relative in shared_reflections(partnership.folder):
            data = (partnership.folder / relative).read_bytes()
            documents.append(Document(relative, data.decode("utf-8-sig", errors="replace")))
    return documents


# What each exported file says about where it came from, and how to make it again.
REMAKE = "Made by sap export from the partnership files: change those, then run sap export again."


def _footer(partnership: Partnership) -> str:
    return f"{partnership.project.title}: made by sap export from the partnership files."


def export_path(markdown_path: str, extension: str = "html") -> str:
    """docs/worksheets/start-student.md -> worksheets/start-student.html, inside the export folder
    (reflections/start-kiri-walker.md -> reflections/start-kiri-walker.html)."""
    relative = PurePosixPath(markdown_path)
    if relative.parts[0] == "docs":
        relative = relative.relative_to("docs")
    return str(relative.with_suffix(f".{extension}"))


def as_html(
    partnership: Partnership, document: Document, paper: str = "a4", as_of: dt.date | None = None
) -> Document:
    """One Markdown document as one self-contained HTML page, with sap's marker after it."""
    converted = markdown_to_html(document.text, charts_for(partnership, document.path, as_of))
    title = converted.title or partnership.project.title
    footer = _footer(partnership)
    page = html_page(converted.body, title, paper=paper, lang=partnership.project.language, footer=footer)
    return Document(export_path(document.path), finish_page(page, EXPORT_MARKER))


def as_pdf(
    partnership: Partnership, document: Document, paper: str = "a4", as_of: dt.date | None = None
) -> tuple[str, bytes]:
    """One Markdown document as one PDF, from the same tokens as the HTML page."""
    from sap_cli.export.pdf import compile_pdf
    from sap_cli.export.typst_source import markdown_to_typst

    footer = _footer(partnership)
    source = markdown_to_typst(
        document.text,
        charts_for(partnership, document.path, as_of),
        paper=paper,
        footer=footer,
        title=partnership.project.title,
        lang=partnership.project.language,
        description=REMAKE,
    )
    return export_path(document.path, "pdf"), compile_pdf(source)


# --- DOCX (issue 19): the same Markdown walked into a Word file by export/docx.py ---
def as_docx(
    partnership: Partnership,
    document: Document,
    reference: Path | None,
    as_of: dt.date | None,
    paper: str = "a4",
) -> tuple[str, bytes]:
    """One Markdown document as one Word file (its relative path and bytes), the same bytes each run."""
    from sap_cli.export.docx import markdown_to_docx
    from sap_cli.export.docx_file import docx_bytes

    footer = _footer(partnership)
    charts = charts_for(partnership, document.path, as_of)
    word = markdown_to_docx(document.text, reference, footer, charts, paper, partnership.project.language)
    title = _markdown_title(document.text) or partnership.project.title
    day = as_of or partnership.latest_recorded_day()
    return export_path(document.path, "docx"), docx_bytes(word, title, day, REMAKE)


def _markdown_title(markdown: str) -> str:
    return markdown_to_html(markdown.split("\n\n", 1)[0]).title


def export_project(
    folder: Path,
    which: Sequence[str] | None = None,
    output: Path | None = None,
    paper: str = "a4",
    as_of: dt.date | None = None,
    force: bool = False,
    output_format: str = "html",
    reference: Path | None = None,
) -> ExportResult:
    """`sap export`: write the pages, PDFs or Word files into export/ (or `output`), changed ones only."""
    if output_format == "pdf":
        from sap_cli.export.pdf import typst_available

        typst_available()  # before anything is read or written
    if output_format == "docx":
        from sap_cli.export.docx import require_python_docx

        require_python_docx()
    partnership = load_valid(folder)
    names = list(which) if which else default_exports(folder)
    documents = markdown_documents(partnership, names, as_of)
    files: list[tuple[str, str | bytes]]
    if output_format == "pdf":
        files = [as_pdf(partnership, doc, paper, as_of) for doc in documents]
    elif output_format == "docx":
        files = [as_docx(partnership, doc, reference, as_of, paper) for doc in documents]
    else:
        pages = [as_html(partnership, doc, paper, as_of) for doc in documents]
        files = [(page.path, page.text) for page in pages]
    return _write(folder, output, files, force, output_format)


def _write(
    folder: Path,
    output: Path | None,
    files: Sequence[tuple[str, str | bytes]],
    force: bool,
    output_format: str = "html",
) -> ExportResult:
    """Write the files into export/ (kept out of git) or into `output`: pages as text, PDFs and Word
    files as bytes, each kind with its own way of telling a file sap made from one edited by hand."""
    in_partnership = output is None
    base = folder if in_partnership else output
    assert base is not None
    prefix = f"{DEFAULT_FOLDER}/" if in_partnership else ""
    files = [(prefix + relative, data) for relative, data in files]
    refuse_unsafe(
        base,
        [relative for relative, _ in files],
        "Replace the link or the odd file with a plain folder or file, or choose another folder "
        "with -o, then run `sap export` again.",
    )
    result = ExportResult(folder=base / DEFAULT_FOLDER if in_partnership else base)
    # .gitignore first: these pages are for handing out, not for diffing.
    if in_partnership and keep_export_out_of_git(folder):
        result.gitignore = folder / ".gitignore"
    written: RenderResult
    binary = [(rel, data) for rel, data in files if isinstance(data, bytes)]
    if output_format == "pdf":
        from sap_cli.export.pdf import write_files as write_pdfs

        written = write_pdfs(base, binary, force)
    elif output_format == "docx":
        from sap_cli.export.docx_file import write_files as write_word

        written = write_word(base, binary, force=force)
    else:
        pages = [Document(relative, str(data)) for relative, data in files]
        written = write_documents(base, pages, force=force)
    result.written = written.written
    result.unchanged = written.unchanged
    result.kept = [base / relative for relative in written.kept]
    result.backups = [(base / edited, base / backup) for edited, backup in written.backups]
    return result
