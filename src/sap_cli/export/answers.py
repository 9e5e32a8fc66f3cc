"""Where the Markdown marks an answer: a ruled space to write in by hand, or the answer written there.

A worksheet (docs/worksheets/) marks each question's place with `<!-- answer -->` ...
`<!-- end answer -->`: it is a blank form, so every such place becomes a space to write in. A
partner's reflection file (reflections/) marks its answers with `<!-- answer <id> -->`: an answer
already written shows as it is, an empty one becomes a space. The marker lines never show; the
HTML, PDF and Word writers draw the space where they meet a fenced block of `SPACE_INFO`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token

SPACE_INFO = "sap-answer-space"
# Ruled lines per question and the height of each: 7 lines of 8 mm (about 56 mm) is room for a
# short paragraph of handwriting, and four questions with their spaces fit on one A4 page.
LINES = 7
LINE_MM = 8
PICTURE = "[picture: {alt}]"  # what an image in the Markdown shows instead of itself
PICTURE_NO_ALT = "[picture]"

_REGION = re.compile(
    r"^<!--[ \t]*answer(?P<id>[ \t]+[a-z0-9-]+)?[ \t]*-->[ \t]*\n"
    r"(?P<body>.*?)"
    r"^<!--[ \t]*end answer[ \t]*-->[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


def picture_words(alt: str) -> str:
    """An image's alt text as words: the picture itself is never loaded."""
    alt = " ".join(alt.split())
    return PICTURE.format(alt=alt) if alt else PICTURE_NO_ALT


def _replace(match: re.Match[str]) -> str:
    body = match["body"]
    if match["id"] is None or not body.strip():
        return f"```{SPACE_INFO}\n```\n"
    return f"\n{body.strip(chr(10))}\n"


def with_writing_spaces(markdown: str) -> str:
    """The Markdown with each answer place as a space to write in (or its written answer), markers gone."""
    return _REGION.sub(_replace, markdown)


def is_space(info: str) -> bool:
    """True for the fenced block `with_writing_spaces` puts where a space to write goes."""
    return info.strip().split()[:1] == [SPACE_INFO]


def asks_for_space(tokens: Sequence[Token], index: int) -> bool:
    """True when tokens[index] opens the paragraph just above a space to write (its question),
    which a page must not leave at the foot of one page with its space on the next."""
    after = index + 3  # paragraph_open, inline, paragraph_close
    return (
        tokens[index].type == "paragraph_open"
        and after < len(tokens)
        and tokens[after].type == "fence"
        and is_space(tokens[after].info)
    )
