"""`sap export --format pdf`: the Typst source of a document compiled by the `typst` wheel.

The wheel is an optional extra (`pip install 'sap-cli[pdf]'`): it carries its own compiler and
fonts, so no system package is needed; it also uses the fonts installed on the computer (Typst
reads them, not the document), so a name in Chinese prints where a Chinese font exists.
Each compile runs in a new empty folder as Typst's root, so the document can read no file, and
with a fixed timestamp, so two runs give the same bytes (on one computer: its fonts count).
"""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from sap_cli.documents.files import RenderResult
from sap_cli.errors import SapError
from sap_cli.export.binary_files import write_binary
from sap_cli.export.typst_source import SAP_KEYWORD, TypstSource

# 2000-01-01: the PDF's creation time, the same on every run (the document itself has no date).
_TIMESTAMP = 946684800


class PdfExtraMissing(SapError):
    """The `typst` wheel is not installed, so no PDF can be made."""

    def __init__(self) -> None:
        super().__init__(
            "sap needs the PDF extra to make PDF files, and it is not installed; nothing was written.",
            hint="Install it with: pip install 'sap-cli[pdf]' (or pipx inject sap-cli typst), then run "
            "the command again. Or run `sap export --format html`, open the page in a browser and print "
            "it to PDF.",
        )


class PdfFailed(SapError):
    """Typst could not compile a document: a fault in sap, not in the partnership's files."""


def _typst() -> ModuleType:
    try:
        return importlib.import_module("typst")
    except ImportError as exc:
        raise PdfExtraMissing() from exc


def typst_available() -> None:
    """Raise PdfExtraMissing now, before anything is written, when the extra is not installed."""
    _typst()


def compile_pdf(document: TypstSource) -> bytes:
    """The PDF's bytes; Typst sees only an empty folder and no package."""
    typst = _typst()
    with tempfile.TemporaryDirectory(prefix="sap-pdf-") as root:
        try:
            pdf = typst.compile(
                document.source.encode("utf-8"), root=root, format="pdf", timestamp=_TIMESTAMP
            )
        except typst.TypstError as exc:
            raise PdfFailed(
                f"sap could not make the PDF of '{document.title}': {exc.message}; nothing was written.",
                hint="This is a fault in sap. Run `sap export --format html` for now, and please report it.",
            ) from exc
    assert isinstance(pdf, bytes)
    return pdf


def made_by_sap(data: bytes) -> bool:
    """A PDF sap exported: it carries sap's keyword."""
    return data.startswith(b"%PDF") and SAP_KEYWORD.encode() in data


def write_files(folder: Path, files: Sequence[tuple[str, bytes]], force: bool = False) -> RenderResult:
    """Write each PDF that changed (see export/binary_files.py)."""
    return write_binary(folder, files, made_by_sap, force)
