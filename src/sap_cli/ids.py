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


_GREEK_OU = re.compile("[\u03bf\u039f][\u03c5\u03cd\u03a5\u038e]")  # omicron, then upsilon


def _latin(char: str) -> str:
    """One character in Latin letters: its accents dropped, else transliterated ('ø' -> 'o', '王' -> 'Wang').

    Dropping accents comes first, as sap always did, so an id made before transliteration (from
    'Zoë', 'Ó Briain') is made the same today. A syllable of a script without capitals (Chinese,
    Korean) comes back capitalised ('Wang'); it is kept apart as a word of its own, so '王芳' gives
    'wang-fang' rather than 'wangfang'.
    """
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    if plain or char.isascii():
        return plain
    if unicodedata.category(char)[0] not in "LN":
        return " "  # a symbol or emoji is no part of a name: '😀' gives no 'grinning'
    from anyascii import anyascii  # imported here: only a name outside plain Latin letters needs it

    latin = anyascii(char)
    if latin[:1].isupper() and not char.isupper():
        return f" {latin} "
    return latin


def slugify(text: str, limit: int = SLUG_LIMIT, transliterate: bool = True) -> str:
    """A readable id from a name in any script: 'Dr Lee Chen' -> 'lee-chen', '王芳' -> 'wang-fang'.

    Only a-z, 0-9 and single hyphens survive, so an id used in a file name can never climb out of
    its folder ('..', '/', a drive letter); a long text is cut at a word, to at most `limit`; a
    name Windows keeps for itself gets '-1' added ('Con' -> 'con-1'). With `transliterate=False`,
    letters that do not reduce to a-z are dropped, as sap 0.1 did: for keys that must never
    change once given out, such as calendar UIDs.
    """
    if not transliterate:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    elif not text.isascii():
        text = _GREEK_OU.sub("ou", text)  # Greek omicron-upsilon is 'ou' (ELOT 743), not 'oy'
    ascii_text = text if text.isascii() else "".join(_latin(char) for char in text)
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    while len(words) > 1 and words[0] in _HONORIFICS:
        words = words[1:]
    slug = "-".join(words)
    if len(slug) > limit:
        cut = slug[: limit + 1].rfind("-")
        slug = slug[:cut] if cut > 0 else slug[:limit]
    return f"{slug}-1" if slug in WINDOWS_RESERVED else slug
