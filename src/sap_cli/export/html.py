"""Markdown to safe HTML: one converter (markdown-it-py) and one allow-list (nh3) after it.

The Markdown is the one source of every document; this module only changes its form. Raw HTML
in the Markdown stays text (only `<br>`, which the table templates use, becomes a line break),
HTML comments such as the reflection answer markers vanish, and a mermaid block becomes a chart
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
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

# Given a mermaid block's index in the document and its source, the chart to show in its place:
# SVG markup sap drew itself (trusted, so it is put in after sanitising), or None for nothing.
ChartFor = Callable[[int, str], "str | None"]

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


def markdown_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
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
    """The Markdown as a safe HTML fragment; mermaid blocks become `chart_for`'s charts, or nothing."""
    md = markdown_parser()
    nonce = secrets.token_hex(8)  # placeholders partner text cannot guess
    charts: list[str] = []

    def fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        if is_space(token.info):
            return f"<p>sap-space-{nonce}</p>\n"
        if token.info.strip().split()[:1] == ["mermaid"]:
            charts.append(token.content)
            return f"<p>sap-chart-{nonce}-{len(charts) - 1}</p>\n"
        return str(self.fence(tokens, idx, options, env))

    def image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
        return html.escape(picture_words(alt), quote=False)  # its words, never the picture

    md.add_render_rule("fence", fence)
    md.add_render_rule("image", image)
    env: dict[str, Any] = {}
    tokens = md.parse(with_writing_spaces(markdown), env)
    # Dates are kept whole before the charts go in: a <span> inside an SVG's text would end the
    # SVG for the browser (HTML's rules for foreign content) and spill its words onto the page.
    body = keep_dates_whole(sanitize(md.renderer.render(tokens, md.options, env)))
    for index, source in enumerate(charts):
        chart = chart_for(index, source) if chart_for else None
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
