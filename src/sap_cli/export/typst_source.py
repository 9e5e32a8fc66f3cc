"""Markdown to Typst source, for the PDF: the same markdown-it-py tokens the HTML page is made from.

Every piece of text, partner text or sap's own, reaches the Typst source through `_lit` only: a
Typst string literal (`"..."`, with `\\` and `"` escaped) shown with `#`. Text in a string
literal is never markup or code, so `#read(...)`, `$x$`, `<label>`, `@ref`, `]` or a line that
starts with `=` or `-` print as typed, and the source sap writes around the literals is fixed.
There are no images but sap's own charts, no links and no imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sap_cli.export.answers import (
    LINE_MM,
    LINES,
    asks_for_space,
    is_space,
    picture_words,
    with_writing_spaces,
)
from sap_cli.export.html import ChartFor, chart_name, first_heading, markdown_parser

if TYPE_CHECKING:
    from markdown_it.token import Token

# In every PDF sap makes (the document's keywords): a later export may replace such a file.
SAP_KEYWORD = "made-by-sap-export"
PAPERS = {"a4": "a4", "letter": "us-letter"}
# Faces tried in order for each character: common sans faces, then the ones carrying Chinese,
# Japanese, Korean, Arabic and Devanagari where the computer has them, then Typst's own.
FONTS = (
    "Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica",
    "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
    "Noto Sans Arabic", "Noto Sans Devanagari", "Libertinus Serif", "New Computer Modern",
)  # fmt: skip
_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


@dataclass
class TypstSource:
    """A whole document as Typst source, and the title its first heading gives it."""

    source: str
    title: str


def _lit(text: str) -> str:
    """`text` as a Typst string literal: the one way any text enters the source."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0:
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def text(words: str) -> str:
    """Text in markup; each date in a box so a line never breaks it at a hyphen."""
    parts = []
    last = 0
    for match in _DATE.finditer(words):
        if match.start() > last:
            parts.append(f"#{_lit(words[last : match.start()])}")
        parts.append(f"#box({_lit(match.group(0))})")
        last = match.end()
    if last < len(words):
        parts.append(f"#{_lit(words[last:])}")
    return "".join(parts)


_INLINE_OPEN = {"strong_open": "#strong[", "em_open": "#emph[", "s_open": "#strike["}
_INLINE_CLOSE = {"strong_close", "em_close", "s_close"}


def _inline(children: Sequence[Token]) -> str:
    """A line of text: words, bold, italic, struck, code, breaks; links keep their words only."""
    out = []
    for child in children:
        kind = child.type
        if kind == "text":
            out.append(text(child.content))
        elif kind == "code_inline":
            out.append(f"#raw({_lit(child.content)})")
        elif kind == "softbreak":
            out.append('#" "')
        elif kind == "hardbreak":
            out.append("#linebreak()")
        elif kind in _INLINE_OPEN:
            out.append(_INLINE_OPEN[kind])
        elif kind in _INLINE_CLOSE:
            out.append("]")
        elif kind == "image":  # never a picture from the Markdown: its words only
            alt = "".join(grand.content for grand in child.children or [] if grand.type != "softbreak")
            out.append(text(picture_words(alt)))
        # link_open/close, html_inline: nothing (html is off, so no html_inline is made)
    return "".join(out)


def _align(token: Token) -> str:
    style = str(token.attrs.get("style", ""))
    for side in ("left", "right", "center"):
        if side in style:
            return side
    return "left"


def _table(tokens: Sequence[Token], start: int) -> tuple[str, int]:
    """The table from tokens[start] (table_open): header cells repeat on each page."""
    header: list[str] = []
    body: list[str] = []
    aligns: list[str] = []
    in_head = False
    index = start + 1
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type in ("th_open", "td_open"):
            cell = f"[{_inline(tokens[index + 1].children or [])}]"
            (header if in_head else body).append(cell)
            if in_head:
                aligns.append(_align(token))
        index += 1
    columns = max(len(header), 1)
    cells = "".join(f"{cell}, " for cell in body)
    source = (
        f"#table(columns: {columns}, align: ({''.join(f'{a}, ' for a in aligns)}), "
        f"table.header({''.join(f'{cell}, ' for cell in header)}), {cells})\n\n"
    )
    return source, index


# Tokens that always give the same Typst, whatever they hold.
_FIXED = {
    "heading_close": "]\n\n",
    "bullet_list_open": "#list(tight: true, ",
    "bullet_list_close": ")\n\n",
    "ordered_list_close": ")\n\n",
    "list_item_open": "[",
    "list_item_close": "], ",
    "blockquote_open": "#quote(block: true)[",
    "blockquote_close": "]\n\n",
    "hr": "#line(length: 100%, stroke: 0.5pt + gray)\n\n",
}


def chart_image(chart: str, full_width: bool = True) -> str:
    """sap's own SVG chart as an image, given as bytes (data to Typst too, never a file): as wide
    as the page's text, or at its own size."""
    width = ", width: 100%" if full_width else ""
    return f'#align(center, image(bytes({_lit(chart)}), format: "svg"{width}))\n\n'


# A ruled box to write an answer in by hand, kept whole on one page.
ANSWER_SPACE = (
    "#block(breakable: false, width: 100%, stroke: 0.6pt + luma(140), radius: 2pt, inset: (x: 4mm), "
    f"above: 0.5em, below: 1.4em, stack(..range({LINES}).map(i => block(width: 100%, height: {LINE_MM}mm, "
    f"stroke: if i < {LINES - 1} {{ (bottom: 0.4pt + luma(200)) }} else {{ none }}))))\n\n"
)


def _code(token: Token) -> str:
    """A fenced block that is not a chart: a space to write an answer becomes a ruled box; any other
    block shows its text as code."""
    if is_space(token.info):
        return ANSWER_SPACE
    return f"#raw(block: true, {_lit(token.content.rstrip(chr(10)))})\n\n"


def _blocks(tokens: Sequence[Token], chart_for: ChartFor | None) -> Iterator[str]:
    index = 0
    held = False  # inside the block that keeps a question with its space to write
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if asks_for_space(tokens, index):
            yield "#block(breakable: false, width: 100%)["  # the question and its space together
            held = True
        name = chart_name(token)
        if name is not None:  # a mermaid block or a chart marker: sap's own chart, or nothing
            chart = chart_for(name) if chart_for and name else None
            yield chart_image(chart) if chart else ""
        elif kind in _FIXED:
            yield _FIXED[kind]
        elif kind == "heading_open":
            yield f"#heading(level: {int(token.tag[1:])})["
        elif kind == "inline":
            yield _inline(token.children or [])
        elif kind == "paragraph_close" and not token.hidden:
            yield "\n\n"
        elif kind == "ordered_list_open":
            yield f"#enum(start: {int(token.attrGet('start') or 1)}, "
        elif kind == "table_open":
            source, index = _table(tokens, index)
            yield source
        elif kind in ("fence", "code_block"):
            yield _code(token) + ("]\n\n" if held else "")
            held = False
        index += 1


def typst_language(tag: str) -> str:
    """A BCP 47 tag as Typst's text settings: `en-AU` -> lang "en", region "AU"; `zh-Hans` -> lang "zh"."""
    subtags = tag.split("-")
    settings = f"lang: {_lit(subtags[0].lower())}"
    region = next((sub for sub in subtags[1:] if len(sub) == 2 and sub.isalpha()), None)
    return settings + (f", region: {_lit(region.upper())}" if region else "")


def _preamble(title: str, paper: str, footer: str, lang: str, description: str) -> str:
    fonts = ", ".join(_lit(font) for font in FONTS)
    about = f"description: {_lit(description)}, " if description else ""
    return (
        f"#set document(title: {_lit(title)}, {about}keywords: ({_lit(SAP_KEYWORD)},), date: none)\n"
        f"#set page(paper: {_lit(PAPERS[paper])}, margin: (x: 16mm, top: 18mm, bottom: 20mm), "
        "footer: context text(size: 8.5pt, fill: luma(80))["
        f"#{_lit(footer)} #h(1fr) "
        '#"Page " #counter(page).display() #" of " #counter(page).final().first()])\n'
        f"#set text(font: ({fonts}), size: 10.5pt, fallback: true, {typst_language(lang)})\n"
        "#set par(justify: false)\n"
        "#show heading: set block(above: 1.4em, below: 0.7em)\n"
        "#show heading.where(level: 2): it => block(width: 100%, stroke: (bottom: 0.5pt + luma(180)), "
        "inset: (bottom: 3pt), it)\n"
        "#set table(stroke: 0.5pt + luma(160), inset: 5pt)\n"
        '#show table.cell.where(y: 0): set text(weight: "bold")\n'
        '#show raw: set text(font: "DejaVu Sans Mono")\n\n'
    )


def markdown_to_typst(
    markdown: str,
    chart_for: ChartFor | None = None,
    paper: str = "a4",
    footer: str = "",
    title: str = "",
    lang: str = "en",
    description: str = "",
) -> TypstSource:
    """The Markdown as a whole Typst document; mermaid blocks become `chart_for`'s charts, or nothing."""
    tokens = markdown_parser().parse(with_writing_spaces(markdown))
    shown = first_heading(tokens) or title
    body = "".join(_blocks(tokens, chart_for))
    return TypstSource(source=_preamble(shown, paper, footer, lang, description) + body, title=shown)
