"""Pseudonyms for partners, and replacing their names, ids and e-mail addresses in a review."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sap_cli.ids import _HONORIFICS

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


KIND_LETTER_LABELS = {"student": "Student", "faculty": "Faculty", "staff": "Staff", "other": "Partner"}

# Words that join a family name (Ní Bhriain, van Dijk, de la Cruz): replaced with the name they
# belong to, never on their own, since alone they are ordinary words in many languages.
PARTICLES = {
    "ni", "nic", "o", "mac", "mc", "van", "von", "der", "den", "de", "del", "della", "la", "le",
    "da", "das", "do", "dos", "di", "du", "bin", "binti", "al", "el", "ap", "ter", "ten", "y",
}  # fmt: skip

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LETTER = r"[^\W\d_]"


def pseudonyms(partnership: Partnership) -> dict[str, str]:
    """Partner id -> 'Student A', 'Faculty B', ...: letters in the order partners are listed."""
    return {
        partner.id: f"{KIND_LETTER_LABELS[partner.kind]} {chr(ord('A') + index)}"
        for index, partner in enumerate(partnership.roles.partners)
    }


def fold(text: str) -> str:
    """Text compared without case or accents: 'NÍ BHRIAIN', 'Ni Bhriain' and NFD forms alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _folded_with_places(text: str) -> tuple[str, list[int]]:
    """`fold(text)`, and for each folded character the index of the character it came from."""
    folded: list[str] = []
    places: list[int] = []
    for index, char in enumerate(text):
        for piece in fold(char):
            folded.append(piece)
            places.append(index)
    return "".join(folded), places


@dataclass(frozen=True)
class Replacements:
    """What to replace in anonymised output: exact ids first, then names matched after folding."""

    ids: tuple[tuple[str, str], ...]  # made from text (meeting and action ids): neutral ones instead
    names: re.Pattern[str] | None  # every folded form of every name, longest first, as one pattern
    alias_of: dict[str, str]  # folded form -> pseudonym


def _name_forms(name: str) -> list[str]:
    """The ways a name is written in running text: whole, family name as one unit, each part, joined."""
    words = [w for w in re.findall(r"[\w'\u2019-]+", name) if w.casefold().rstrip(".") not in _HONORIFICS]
    forms = [name, " ".join(words)]
    if len(words) >= 2:
        forms += [" ".join(words[1:]), "".join(words), "".join(words[:1] + words[-1:])]
        forms.append("-".join(words[1:]))
    forms += [w for w in words if len(w) >= 3 and fold(w) not in PARTICLES]
    for word in words:  # a double-barrelled part ("Smith-Jones") is also written one half at a time
        forms += [half for half in word.split("-") if len(half) >= 3 and fold(half) not in PARTICLES]
    return forms


def replacements(partnership: Partnership) -> Replacements:
    aliases = pseudonyms(partnership)
    by_form: dict[str, str] = {}
    for partner in partnership.roles.partners:
        alias = aliases[partner.id]
        preferred = _name_forms(partner.preferred_name) if partner.preferred_name else []
        for form in [partner.id, *_name_forms(partner.name), *preferred, *partner.aliases]:
            folded = fold(form).strip()
            if folded:
                by_form.setdefault(folded, alias)
    ordered = sorted(by_form, key=len, reverse=True)
    forms = "|".join(re.escape(form) for form in ordered)
    names = re.compile(rf"(?<!{_LETTER})(?:{forms})(?!{_LETTER})") if ordered else None
    ids = [(checkin.id, f"meeting-{number}") for number, checkin in enumerate(partnership.checkins, start=1)]
    return Replacements(tuple(sorted(ids, key=lambda pair: len(pair[0]), reverse=True)), names, by_form)


def _replace_text(text: str, found: Replacements) -> str:
    for made_from_text, neutral in found.ids:
        text = text.replace(made_from_text, neutral)
    text = _EMAIL.sub("[e-mail address]", text)
    if found.names is None:
        return text
    # Matched once on the folded text; each match is mapped back to the characters it came from.
    folded, places = _folded_with_places(text)
    for match in reversed(list(found.names.finditer(folded))):
        start, end = places[match.start()], places[match.end() - 1] + 1
        text = text[:start] + found.alias_of[match.group()] + text[end:]
    return text


def anonymize(value: Any, found: Replacements) -> Any:
    """The same data with every partner's id, name and e-mail, in any text, replaced."""
    if isinstance(value, str):
        return _replace_text(value, found)
    if isinstance(value, dict):
        return {anonymize(k, found): anonymize(v, found) for k, v in value.items()}
    if isinstance(value, list):
        return [anonymize(item, found) for item in value]
    return value
