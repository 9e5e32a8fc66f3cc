"""Markdown to safe HTML: one converter (markdown-it-py) and one allow-list (nh3) after it.

The Markdown is the one source of every document; this module only changes its form. Raw HTML
in the Markdown stays text (only `<br>`, which the table templates use, becomes a line break),
HTML comments such as the reflection answer markers vanish, and a mermaid block or a chart marker
(`<!-- sap:chart matrix -->` on a line of its own, which Markdown viewers hide) becomes a chart
when one is given for it, or nothing. The sanitiser is the second wall behind the templates'
escaping: whatever the Markdown holds, no script, event handler, frame, image or link to a file
or another site survives it.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sap_cli.export.answers import LINES, is_space, picture_words, with_writing_spaces

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

# Given a chart's name ("timeline" for a mermaid gantt block, or a chart marker's name), the chart
# to show in its place: SVG markup sap drew itself (trusted, so it is put in after sanitising), or
# None for nothing. Every format (HTML, PDF, Word) asks for its charts through one of these.
ChartFor = Callable[[str], "str | None"]
# A chart marker the templates write on a line of their own; partner text can never make one,
# since the templates escape every `<` of it.
CHART_MARKER = re.compile(r"<!-- sap:chart ([a-z]+) -->")

ALLOWED_TAGS = frozenset(
    {
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code",
        "ul", "ol", "li", "strong", "em", "s", "del", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
# A link may only start an e-mail; anything else (another site, a file, a script) loses its target.
ALLOWED_SCHEMES = frozenset({"mailto"})
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")
_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
_TAG = re.compile(r"(<[^>]*>)")
# A ruled box to write an answer in by hand (sap's own markup, put in after sanitising).
ANSWER_SPACE = (
    '<div class="answer-space" role="img" aria-label="Space to write your answer by hand">'
    + '<div class="rule"></div>' * LINES
    + "</div>"
)


@dataclass
class Converted:
    """A document's body as safe HTML, and the title its first heading gives it."""

    body: str
    title: str
    charts: list[str] = field(default_factory=list)  # the mermaid sources, in order


def _br_tag(state: StateInline, silent: bool) -> bool:
    """`<br>` as the tables write it is a line break; every other tag stays text (html is off)."""
    match = _BR.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        state.push("hardbreak", "br", 0)
    state.pos = match.end()
    return True


def _comment(state: StateInline, silent: bool) -> bool:
    """An HTML comment (sap's markers, reflection answer markers) shows as nothing at all."""
    if not state.src.startswith("<!--", state.pos):
        return False
    end = state.src.find("-->", state.pos + 4)
    if end < 0:
        return False
    state.pos = end + 3
    return True


def _chart_marker(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A line that is exactly a chart marker becomes a `sap_chart` token named after the chart."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    line = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    match = CHART_MARKER.fullmatch(line.rstrip())
    if match is None:
        return False
    if not silent:
        token = state.push("sap_chart", "", 0)
        token.info = match.group(1)
        token.map = [start, start + 1]
        token.block = True
    state.line = start + 1
    return True


def chart_name(token: Token) -> str | None:
    """The chart a block token stands for: a chart marker's name, "timeline" for a mermaid gantt
    block; None for any other token (another mermaid block is shown as nothing)."""
    if token.type == "sap_chart":
        return token.info
    if token.type == "fence" and token.info.strip().split()[:1] == ["mermaid"]:
        return "timeline" if "gantt" in token.content else ""
    return None


def markdown_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.block.ruler.before("paragraph", "sap_chart", _chart_marker)
    md.inline.ruler.before("html_inline", "sap_comment", _comment)
    md.inline.ruler.before("html_inline", "sap_br", _br_tag)
    return md


def first_heading(tokens: Sequence[Token]) -> str:
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and index + 1 < len(tokens):
            inline = tokens[index + 1]
            words = (
                child.content for child in inline.children or [] if child.type in ("text", "code_inline")
            )
            return "".join(words).strip()
    return ""


def markdown_to_html(markdown: str, chart_for: ChartFor | None = None) -> Converted:
    """The Markdown as a safe HTML fragment; mermaid blocks and chart markers become `chart_for`'s
    charts, or nothing."""
    md = markdown_parser()
    nonce = secrets.token_hex(8)  # placeholders partner text cannot guess
    charts: list[str] = []  # the mermaid sources, in order
    names: list[str] = []  # the chart each placeholder stands for, in order

    def placeholder(name: str) -> str:
        names.append(name)
        return f"<p>sap-chart-{nonce}-{len(names) - 1}</p>\n"

    def fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        if is_space(token.info):
            return f"<p>sap-space-{nonce}</p>\n"
        name = chart_name(token)
        if name is not None:
            charts.append(token.content)
            return placeholder(name)
        return str(self.fence(tokens, idx, options, env))

    def marker(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return placeholder(tokens[idx].info)

    def image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
        return html.escape(picture_words(alt), quote=False)  # its words, never the picture

    md.add_render_rule("fence", fence)
    md.add_render_rule("sap_chart", marker)
    md.add_render_rule("image", image)
    env: dict[str, Any] = {}
    tokens = md.parse(with_writing_spaces(markdown), env)
    # Dates are kept whole before the charts go in: a <span> inside an SVG's text would end the
    # SVG for the browser (HTML's rules for foreign content) and spill its words onto the page.
    body = keep_dates_whole(sanitize(md.renderer.render(tokens, md.options, env)))
    for index, name in enumerate(names):
        chart = chart_for(name) if chart_for and name else None
        body = body.replace(f"<p>sap-chart-{nonce}-{index}</p>", chart or "")
    body = body.replace(f"<p>sap-space-{nonce}</p>", ANSWER_SPACE)
    return Converted(body=body, title=first_heading(tokens), charts=charts)


def _keep_link(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if value.lower().startswith("mailto:") else None
    if attribute == "style":
        return value if re.fullmatch(r"text-align:\s*(left|right|center)", value.strip()) else None
    return value


def sanitize(html: str) -> str:
    """Keep only the tags and attributes a document needs; drop scripts, frames, images and comments."""
    import nh3

    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "textarea"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_link,
        url_schemes=set(ALLOWED_SCHEMES),
        url_relative="deny",
        strip_comments=True,
        link_rel=None,
    )
    return _EMPTY_PARAGRAPH.sub("", clean)


def keep_dates_whole(html: str) -> str:
    """Wrap each YYYY-MM-DD in the text (never in a tag) so the print never breaks it at a hyphen."""
    parts = _TAG.split(html)
    for index in range(0, len(parts), 2):
        parts[index] = _DATE.sub(lambda m: f'<span class="date">{m.group(0)}</span>', parts[index])
    return "".join(parts)
