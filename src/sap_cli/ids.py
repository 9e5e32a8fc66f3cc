"""Ids for partners, goals and stages: short readable slugs that survive git merges."""

from __future__ import annotations

import re
import unicodedata

_HONORIFICS = {"dr", "prof", "professor", "mr", "mrs", "ms", "mx", "miss", "sir", "dame"}


SLUG_LIMIT = 60  # keeps file names made from ids well inside every file system's limit

# Names Windows keeps for devices, with any extension: a partner 'con' could never have a
# signatures/con.yaml there, and a folder 'con' could not be made at all.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))}
)


def slugify(text: str, limit: int = SLUG_LIMIT) -> str:
    """A readable id from a name: 'Dr Lee Chen' -> 'lee-chen', 'Zoë Ó Briain' -> 'zoe-o-briain'.

    Only a-z, 0-9 and single hyphens survive, so an id used in a file name can never climb out of
    its folder ('..', '/', a drive letter); a long text is cut at a word, to at most `limit`; a
    name Windows keeps for itself gets '-1' added ('Con' -> 'con-1').
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    while len(words) > 1 and words[0] in _HONORIFICS:
        words = words[1:]
    slug = "-".join(words)
    if len(slug) > limit:
        cut = slug[: limit + 1].rfind("-")
        slug = slug[:cut] if cut > 0 else slug[:limit]
    return f"{slug}-1" if slug in WINDOWS_RESERVED else slug
