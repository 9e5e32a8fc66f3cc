"""Markdown to a Word document: the same markdown-it-py tokens as the HTML page, walked into python-docx.

Nothing here is a second template: headings, paragraphs, lists and tables come from the Markdown
sap renders, so the Word file holds the same words and figures as every other format. Text goes
into runs as text (python-docx escapes it for XML; the characters XML cannot hold at all are
dropped first), so partner text can never become Word markup, a field, a link or a picture.
HTML comments vanish, as in the HTML page. python-docx cannot hold SVG, so each chart goes in as
a PNG drawn by export/raster.py, with the chart's title and description as its alternative text;
without the `typst` wheel to draw it, a one-line note points to the HTML page, which has it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.errors import SapError
from sap_cli.export.answers import asks_for_space, is_space, picture_words, with_writing_spaces
from sap_cli.export.docx_parts import add_answer_space, set_language
from sap_cli.export.html import ChartFor, chart_name, markdown_parser
from sap_cli.export.raster import Picture, svg_to_png

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from markdown_it.token import Token

INSTALL_HINT = (
    "Install it with: pip install 'sap-cli[docx]' (or pipx inject sap-cli python-docx), then run "
    "`sap export --format docx` again; or open the HTML page (`sap export`) in a browser instead."
)
CHART_NOTE = (
    "The chart that goes here is in the HTML page (sap export --format html). To have it in the Word "
    "file too, install the pictures with: pip install 'sap-cli[docx]' (or pipx inject sap-cli typst)."
)
_WIDEST_CHART = 170  # millimetres: about a chart's own size (680 pixels), and inside an A4 page's text
# XML 1.0 has no place for these at all; python-docx would refuse the whole document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ALIGN = re.compile(r"text-align:\s*(left|right|center)")
_MONOSPACE = "Consolas"
# The hyphens of a YYYY-MM-DD date: Word would break a narrow table cell there.
_DATE_HYPHEN = re.compile(r"(?<=\b\d{4})-(?=\d{2}-\d{2}\b)|(?<=\b\d{4}-\d{2})-(?=\d{2}\b)")
_TEMPLATE = b"wordprocessingml.template.main+xml"
_DOCUMENT = b"wordprocessingml.document.main+xml"


def require_python_docx() -> None:
    """Refuse in plain words when the optional extra is not installed."""
    try:
        import docx  # noqa: F401
    except ImportError:
        raise SapError(
            "sap needs the python-docx package to make Word files, and it is not installed; "
            "nothing was written.",
            hint=INSTALL_HINT,
        ) from None


def xml_safe(text: str) -> str:
    """The text without the control characters XML 1.0 forbids (tabs and line ends stay)."""
    return _NOT_XML.sub("", text)


def open_reference(reference: Path | None) -> WordDocument:
    """A new Word document: python-docx's own, or the centre's file with its styles and its body emptied."""
    import docx

    if reference is None:
        return docx.Document()
    problem = None
    if not reference.is_file():
        problem = "is not there" if not reference.exists() else "is not an ordinary file"
    else:
        try:
            document = docx.Document(io.BytesIO(_as_document(reference.read_bytes())))
        except Exception:  # a zip, XML or python-docx error: an odd file, not a bug in sap
            problem = "is not a Word document sap can read"
    if problem is not None:
        raise SapError(
            f"The reference file {reference} {problem}; nothing was written.",
            hint="Give a .docx saved by Word or LibreOffice (File > Save As > Word Document), or leave "
            "--reference out to use plain styles.",
        )
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)  # its styles, headers and page size stay; its words do not
    return document


def _text_run(paragraph: Paragraph, text: str) -> Any:
    """A run holding `text`, each date's hyphens made ones Word does not break a line at."""
    from docx.oxml import OxmlElement

    pieces = _DATE_HYPHEN.split(text)
    if len(pieces) == 1:
        return paragraph.add_run(text)
    run = paragraph.add_run()
    for number, piece in enumerate(pieces):
        if number:
            run._r.append(OxmlElement("w:noBreakHyphen"))
        if piece:
            run.add_text(piece)
    return run


def _page_numbers(paragraph: Paragraph) -> None:
    """`page N of M`, as Word fields each reader's program fills in."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for words, field in ((" · page ", "PAGE"), (" of ", "NUMPAGES")):
        paragraph.add_run(words)
        simple = OxmlElement("w:fldSimple")
        simple.set(qn("w:instr"), field)
        number = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        number.append(text)
        simple.append(number)
        paragraph._p.append(simple)


def _as_document(data: bytes) -> bytes:
    """A Word template (.dotx) read as a document: only its declared type differs."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    types = source.read("[Content_Types].xml")
    if _TEMPLATE not in types:
        return data
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "[Content_Types].xml":
                part = part.replace(_TEMPLATE, _DOCUMENT)
            target.writestr(info, part)
    return out.getvalue()


class _Writer:
    """Walk the block tokens of one Markdown document into a python-docx Document."""

    def __init__(self, document: WordDocument, chart_for: ChartFor | None) -> None:
        self.document = document
        self.chart_for = chart_for  # the document's charts, by name (None: it has none)
        self.styles = {style.name for style in document.styles}
        self.lists: list[str] = []  # "bullet" or "number", innermost last
        self.numbering: int | None = None  # the Word list of the outermost numbered list, if its own
        self.quote = 0

    def style(self, *names: str) -> str | None:
        return next((name for name in names if name in self.styles), None)

    def paragraph(self, *styles: str) -> Paragraph:
        return self.document.add_paragraph(style=self.style(*styles))

    def walk(self, tokens: Sequence[Token]) -> None:
        index = 0
        while index < len(tokens):
            index = self.block(tokens, index)

    def block(self, tokens: Sequence[Token], index: int) -> int:
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            level = min(int(token.tag[1:]), 4)
            self.inline(self.paragraph(f"Heading {level}", "Heading 3", "Heading 1"), tokens[index + 1])
            return index + 3
        if kind == "paragraph_open":
            inline = tokens[index + 1]
            if inline.children and any(child.type != "softbreak" for child in inline.children):
                paragraph = self._block_paragraph()
                self.inline(paragraph, inline)
                if asks_for_space(tokens, index):
                    paragraph.paragraph_format.keep_with_next = True  # the question stays with its space
            return index + 3
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.lists.append("bullet" if kind == "bullet_list_open" else "number")
            if kind == "ordered_list_open" and len(self.lists) == 1:
                self.numbering = self._new_numbering(int(str(token.attrGet("start") or 1)))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "blockquote_open":
            self.quote += 1
        elif kind == "blockquote_close":
            self.quote -= 1
        elif kind == "table_open":
            return self.table(tokens, index)
        elif (name := chart_name(token)) is not None:
            self.chart(name)
        elif kind in ("fence", "code_block"):
            self.code(token)
        elif kind == "hr":
            self.paragraph()
        return index + 1

    def _block_paragraph(self) -> Paragraph:
        if self.lists:
            depth = len(self.lists)
            name = "List Bullet" if self.lists[-1] == "bullet" else "List Number"
            deeper = f"{name} {depth}" if depth > 1 else name
            paragraph = self.paragraph(deeper, name, "List Paragraph")
            if depth == 1 and self.lists[0] == "number" and self.numbering is not None:
                properties = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                properties.get_or_add_ilvl().val = 0
                properties.get_or_add_numId().val = self.numbering
            return paragraph
        if self.quote:
            return self.paragraph("Quote")
        return self.paragraph()

    def _new_numbering(self, start: int) -> int | None:
        """A Word list of its own for a numbered list, counting from `start` (not on from the last list)."""
        style = self.style("List Number")
        if style is None:
            return None
        properties = self.document.styles[style].element.pPr
        num_pr = properties.numPr if properties is not None else None
        if num_pr is None or num_pr.numId is None:
            return None
        numbering = self.document.part.numbering_part.element
        try:
            existing = numbering.num_having_numId(num_pr.numId.val)
        except KeyError:
            return None
        fresh = numbering.add_num(existing.abstractNumId.val)
        fresh.add_lvlOverride(ilvl=0).add_startOverride(start)
        return int(fresh.numId)

    def chart(self, name: str) -> None:
        """The chart as a picture on a paragraph of its own, or a note when it cannot be drawn."""
        svg = self.chart_for(name) if self.chart_for and name else None
        if svg is None:
            return
        picture = svg_to_png(svg)
        if picture is None:
            self.paragraph().add_run(CHART_NOTE).italic = True
            return
        self._picture(picture)

    def _picture(self, picture: Picture) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        section = self.document.sections[-1]
        room = (section.page_width or Mm(210)) - (section.left_margin or 0) - (section.right_margin or 0)
        width = min(int(room), int(Mm(_WIDEST_CHART)))
        height = int(width * picture.height / picture.width)
        paragraph = self.paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        shape = run.add_picture(io.BytesIO(picture.png), width=width, height=height)
        properties = shape._inline.docPr
        properties.set("descr", xml_safe(picture.alt))  # what a screen reader says for it
        properties.set("title", xml_safe(picture.alt.split(". ", 1)[0]))

    def code(self, token: Token) -> None:
        if is_space(token.info):
            add_answer_space(self.document)
            self.paragraph()  # a gap before the next question, and no table running into the next box
            return
        paragraph = self.paragraph("No Spacing")
        for number, line in enumerate(token.content.rstrip("\n").split("\n")):
            if number:
                paragraph.add_run().add_break()
            run = paragraph.add_run(xml_safe(line))
            run.font.name = _MONOSPACE

    def inline(self, paragraph: Paragraph, token: Token, bold: bool = False) -> None:
        """The inline tokens as runs: bold, italic, struck through, code; links and images as their words."""
        marks = {"strong": bold, "em": False, "s": False}
        for child in token.children or []:
            kind = child.type
            name = kind.removesuffix("_open").removesuffix("_close")
            if name in marks:
                marks[name] = kind.endswith("_open") or (name == "strong" and bold)
            elif kind in ("text", "code_inline") and child.content:
                run = _text_run(paragraph, xml_safe(child.content))
                run.bold = marks["strong"] or None
                run.italic = marks["em"] or None
                run.font.strike = marks["s"] or None
                if kind == "code_inline":
                    run.font.name = _MONOSPACE
            elif kind == "image":  # its words, never the picture
                alt = "".join(grand.content for grand in child.children or [] if grand.type != "softbreak")
                run = paragraph.add_run(xml_safe(picture_words(alt)))
                run.bold = marks["strong"] or None
            elif kind == "softbreak":
                paragraph.add_run(" ")
            elif kind == "hardbreak":
                paragraph.add_run().add_break()

    def table(self, tokens: Sequence[Token], index: int) -> int:
        """A real Word table; its header row repeats at the top of every page it runs onto."""
        rows: list[list[Token]] = []
        header_rows = 0
        aligns: list[str | None] = []
        while tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                rows.append([])
            elif token.type in ("th_open", "td_open"):
                rows[-1].append(tokens[index + 1])
                if token.type == "th_open":
                    style = str(token.attrGet("style") or "")
                    match = _ALIGN.search(style)
                    aligns.append(match.group(1) if match else None)
            elif token.type == "thead_close":
                header_rows = len(rows)
            index += 1
        columns = max((len(row) for row in rows), default=0)
        if columns:
            table = self.document.add_table(rows=0, cols=columns)
            grid = self.style("Table Grid")
            if grid:
                table.style = grid
            for number, cells in enumerate(rows):
                self._row(table, cells, aligns, header=number < header_rows)
        return index + 1

    def _row(self, table: Table, cells: list[Token], aligns: list[str | None], header: bool) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        row = table.add_row()  # type: ignore[no-untyped-call]
        if header:
            row_properties = row._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            row_properties.append(repeat)
        where = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}
        for column, inline in enumerate(cells):
            paragraph = row.cells[column].paragraphs[0]
            align = aligns[column] if column < len(aligns) else None
            if align in where:
                paragraph.alignment = where[align]
            self.inline(paragraph, inline, bold=header)


def markdown_to_docx(
    markdown: str,
    reference: Path | None = None,
    footer: str = "",
    chart_for: ChartFor | None = None,
    paper: str = "a4",
    lang: str = "en",
) -> Any:
    """The Markdown as a python-docx Document (not yet saved), on the reference file's styles if given.

    A mermaid block or chart marker becomes `chart_for`'s chart as a picture, or nothing.
    The page is `paper` (a4 or letter) unless the reference file sets its own.
    """
    document = open_reference(reference)
    if reference is None:
        from docx.shared import Inches, Mm

        width, height = (Mm(210), Mm(297)) if paper == "a4" else (Inches(8.5), Inches(11))
        for section in document.sections:
            section.page_width, section.page_height = width, height
    set_language(document, lang)
    _Writer(document, chart_for).walk(markdown_parser().parse(with_writing_spaces(markdown)))
    if footer:
        section_footer = document.sections[-1].footer
        if not any(paragraph.text.strip() for paragraph in section_footer.paragraphs):
            section_footer.paragraphs[0].text = xml_safe(footer)
            _page_numbers(section_footer.paragraphs[0])
    return document
