"""Two parts of the Word file that are sap's own, not the Markdown's: a ruled space to write an
answer in by hand, and the document's language on Word's default run properties."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sap_cli.export.answers import LINE_MM, LINES

if TYPE_CHECKING:
    from docx.document import Document as WordDocument


def add_answer_space(document: WordDocument) -> None:
    """A ruled box to write an answer in by hand: a one-column table of fixed-height rows, kept
    on one page."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table = document.add_table(rows=LINES, cols=1)
    borders = OxmlElement("w:tblBorders")
    for edge, colour in (("top", "8A8A8A"), ("left", "8A8A8A"), ("bottom", "8A8A8A"), ("right", "8A8A8A"),
                         ("insideH", "C8C8C8")):  # fmt: skip
        line = OxmlElement(f"w:{edge}")
        for name, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", colour)):
            line.set(qn(f"w:{name}"), value)
        borders.append(line)
    properties = table._tbl.tblPr
    look = properties.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(borders)  # the schema's order: borders before tblLook
    else:
        properties.append(borders)
    for number, row in enumerate(table.rows):
        row.height = Mm(LINE_MM)
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        if number < LINES - 1:
            row.cells[0].paragraphs[0].paragraph_format.keep_with_next = True


_EAST_ASIAN = ("zh", "ja", "ko")
_RIGHT_TO_LEFT = ("ar", "he", "fa", "ur", "yi")


def set_language(document: WordDocument, tag: str) -> None:
    """The document's language (a BCP 47 tag) on Word's default run properties, for spelling and
    screen readers; East Asian and right-to-left languages also in their own slots."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_default = defaults.find(qn("w:rPrDefault"))
    if run_default is None:
        run_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_default)
    properties = run_default.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_default.append(properties)
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), tag)
    primary = tag.split("-")[0].lower()
    if primary in _EAST_ASIAN:
        language.set(qn("w:eastAsia"), tag)
    if primary in _RIGHT_TO_LEFT:
        language.set(qn("w:bidi"), tag)
