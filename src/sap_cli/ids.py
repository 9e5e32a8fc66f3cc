"""Ids for partners, goals and stages: short readable slugs that survive git merges."""

from __future__ import annotations

import re
import unicodedata

_HONORIFICS = {"dr", "prof", "professor", "mr", "mrs", "ms", "mx", "miss", "sir", "dame"}


def slugify(text: str) -> str:
    """A readable id from a name: 'Dr Lee Chen' -> 'lee-chen', 'Zoë Ó Briain' -> 'zoe-o-briain'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    while len(words) > 1 and words[0] in _HONORIFICS:
        words = words[1:]
    return "-".join(words)
