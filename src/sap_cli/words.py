"""Words for sentences: did-you-mean suggestions, names compared as people type them, and paths."""

from __future__ import annotations

import difflib
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path

# Latin letters that are not a plain letter with an accent, so no decomposition removes anything
# from them: 'Søren' is still written 'Soren', 'Łukasz' 'Lukasz'. (ß becomes ss through casefold.)
_UNACCENTED = str.maketrans(
    {"ø": "o", "\u0131": "i", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ħ": "h"}
)


def fold(text: str) -> str:
    """Text compared without case or accents: 'NÍ BHRIAIN', 'Ni Bhriain', 'Søren' and 'Soren' and NFD
    forms alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().translate(_UNACCENTED)


def did_you_mean(word: object, candidates: Iterable[str]) -> str | None:
    """The candidate the user most likely meant: same letters, a unique prefix, or a close spelling."""
    if not isinstance(word, str) or not word:
        return None
    options = list(candidates)
    lowered = word.lower()
    for option in options:
        if option.lower() == lowered:
            return option
    prefixed = [o for o in options if o.startswith(lowered) or lowered.startswith(o)]
    if len(prefixed) == 1:
        return prefixed[0]
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.75)
    return close[0] if close else None


def suggest(word: object, candidates: Iterable[str]) -> str:
    guess = did_you_mean(word, candidates)
    return f" (did you mean '{guess}'?)" if guess else ""


def command_path(path: Path) -> str:
    """A folder as it would be typed after a command: empty for the working folder itself."""
    import shlex

    rel = os.path.relpath(path) if path.is_absolute() or path.exists() else str(path)
    if rel.startswith("../../"):
        rel = str(path.resolve())  # far away: the full path is easier to follow than ../../..
    return "" if rel == "." else f" {shlex.quote(rel)}"  # quoted, so it can be pasted as it is


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when that is shorter."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    if rel == ".":
        return f"{Path.cwd().name} (this folder)"
    return rel if not rel.startswith("../../") else str(path)
