"""Pseudonyms for partners, and replacing their names, ids, e-mail addresses and file names in a review.

One pass over each text does every replacement and counts them (`ReplacementTally`), so the person
sharing the review can see what was replaced and check the matches that may be ordinary words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sap_cli.ids import _HONORIFICS
from sap_cli.model.vocab import PHASES
from sap_cli.partnership.layout import PARTNERSHIP_FILES
from sap_cli.words import fold

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

# A file name or path as people type it in notes and answers: words, dots and hyphens, maybe in
# folders, ending in an extension a document, data or media file has.
_EXTENSIONS = (
    "md|markdown|txt|rtf|yaml|yml|json|csv|tsv|xml|html?|pdf|docx?|odt|xlsx?|ods|pptx?|odp|key|pages"
    "|numbers|tex|bib|ipynb|py|png|jpe?g|gif|svg|heic|mp3|mp4|m4a|wav|mov|avi|zip|ics"
)
_FILE = re.compile(rf"(?<![\w@/.-])(?:[\w.-]+/)*[\w-][\w.-]*\.(?:{_EXTENSIONS})(?![\w-])", re.IGNORECASE)

# Names every partnership has, which say nothing about who is in it: left as they are.
_SAP_FILE_NAMES = {
    *PARTNERSHIP_FILES,
    *("agreement.md", "progress.md", "calendar.ics", "review.md", "review-anonymized.md"),
    *(f"{phase}-{kind}.md" for phase in PHASES for kind in ("student", "faculty")),
}
_NEUTRAL_FILE = re.compile(
    r"meeting-\d+\.yaml|(?:[a-z]+-)?(?:student|faculty|staff|partner)-[a-z]+\.(?:yaml|md)"
)


def pseudonyms(partnership: Partnership) -> dict[str, str]:
    """Partner id -> 'Student A', 'Faculty B', ...: letters in the order partners are listed."""
    return {
        partner.id: f"{KIND_LETTER_LABELS[partner.kind]} {chr(ord('A') + index)}"
        for index, partner in enumerate(partnership.roles.partners)
    }


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
class Form:
    """What one folded form of a name (or a withheld word) becomes, and whose it is."""

    replacement: str  # 'Student A', or '[withheld 2]' for an entry of `anonymize: also`
    owner: str  # the partner's id, or 'also:2' (never an id: ids have no colon)
    part: bool  # only one part of a name ('Raman'): may be an ordinary word, so listed for checking


@dataclass(frozen=True)
class Replacements:
    """What to replace in anonymised output: exact ids first, then names matched after folding."""

    ids: tuple[tuple[str, str], ...]  # made from text (meeting and action ids): neutral ones instead
    names: re.Pattern[str] | None  # every folded form of every name, longest first, as one pattern
    forms: dict[str, Form]  # folded form -> what it becomes
    owners: tuple[tuple[str, str, str], ...]  # (owner, replacement, real name or entry), in order
    files: dict[str, str]  # file names made from a partner's id -> the same made from their pseudonym


@dataclass
class Replaced:
    """Everything replaced for one partner or one withheld entry: each form as it was written."""

    replacement: str
    real: str
    forms: Counter[str] = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return sum(self.forms.values())


@dataclass
class ReplacementTally:
    """What one anonymising pass replaced, for the person sharing the review to check."""

    people: list[Replaced]  # every partner, in the order of roles.yaml
    withheld: list[Replaced]  # every entry of `anonymize: also` in project.yaml
    emails: int = 0
    files: int = 0
    # Matches of one part of a name only: (as written, the word after it, its pseudonym) -> how often.
    to_check: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    by_owner: dict[str, Replaced] = field(default_factory=dict, repr=False)
    file_numbers: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def empty(cls, found: Replacements) -> ReplacementTally:
        by_owner = {owner: Replaced(replacement, real) for owner, replacement, real in found.owners}
        people = [by_owner[owner] for owner, _, _ in found.owners if not owner.startswith("also:")]
        withheld = [by_owner[owner] for owner, _, _ in found.owners if owner.startswith("also:")]
        return cls(people, withheld, by_owner=by_owner)


def _name_forms(name: str) -> list[tuple[str, bool]]:
    """The ways a name is written in running text, each with whether it is only part of the name:
    whole, family name as one unit, each part, joined."""
    words = [w for w in re.findall(r"[\w'\u2019-]+", name) if w.casefold().rstrip(".") not in _HONORIFICS]
    forms = [(name, False), (" ".join(words), False)]
    if len(words) >= 2:
        forms += [("".join(words), False), ("".join(words[:1] + words[-1:]), False)]
        forms += [(" ".join(words[1:]), True), ("-".join(words[1:]), True)]
    forms += [(w, True) for w in words if len(w) >= 3 and fold(w) not in PARTICLES]
    for word in words:  # a double-barrelled part ("Smith-Jones") is also written one half at a time
        forms += [(half, True) for half in word.split("-") if len(half) >= 3 and fold(half) not in PARTICLES]
    return forms


def _address_forms(address: str) -> list[tuple[str, bool]]:
    """An e-mail address, and the part before the @ on its own ('lee.chen at uni dot example')."""
    local = address.partition("@")[0]
    return [(address, False), *([(local, False)] if "@" in address and len(local) >= 3 else [])]


def _pseudonym_slug(pseudonym: str) -> str:
    return pseudonym.casefold().replace(" ", "-")


def replacements(partnership: Partnership) -> Replacements:
    aliases = pseudonyms(partnership)
    forms: dict[str, Form] = {}
    owners: list[tuple[str, str, str]] = []
    files: dict[str, str] = {}
    for partner in partnership.roles.partners:
        alias = aliases[partner.id]
        owners.append((partner.id, alias, partner.name))
        written = [(partner.id, False), *_name_forms(partner.name)]
        if partner.preferred_name:
            written += _name_forms(partner.preferred_name)
        for other in [*partner.aliases, *([partner.email] if partner.email else [])]:
            written += _address_forms(other)
        for form, part in written:
            folded = fold(form).strip()
            if folded:
                forms.setdefault(folded, Form(alias, partner.id, part))
        neutral = _pseudonym_slug(alias)
        files[f"{partner.id}.yaml"] = f"{neutral}.yaml"  # signatures/<id>.yaml
        files |= {f"{phase}-{partner.id}.md": f"{phase}-{neutral}.md" for phase in PHASES}
    for number, entry in enumerate(partnership.project.anonymize.also, start=1):
        owners.append((f"also:{number}", f"[withheld {number}]", entry))
        folded = fold(entry).strip()
        if folded:
            forms.setdefault(folded, Form(f"[withheld {number}]", f"also:{number}", False))
    ordered = sorted(forms, key=len, reverse=True)
    pattern = "|".join(re.escape(form) for form in ordered)
    names = re.compile(rf"(?<!{_LETTER})(?:{pattern})(?!{_LETTER})") if ordered else None
    ids = [(checkin.id, f"meeting-{number}") for number, checkin in enumerate(partnership.checkins, start=1)]
    by_length = tuple(sorted(ids, key=lambda pair: len(pair[0]), reverse=True))
    return Replacements(by_length, names, forms, tuple(owners), files)


_NEXT_WORD = re.compile(r"[ \t]+([^\W_][\w'\u2019-]*)")


def _neutral_file(match: re.Match[str], found: Replacements, tally: ReplacementTally) -> str:
    """A file name or path made neutral: a partner's own file by their pseudonym, sap's names kept,
    any other one numbered ('[file 2]'), the same file always the same number."""
    path = match.group()
    folder, _, name = path.rpartition("/")
    if name in _SAP_FILE_NAMES or _NEUTRAL_FILE.fullmatch(name):
        return path
    tally.files += 1
    if name in found.files:
        return f"{folder}/{found.files[name]}" if folder else found.files[name]
    number = tally.file_numbers.setdefault(fold(path), len(tally.file_numbers) + 1)
    return f"[file {number}]"


def _masked_email(match: re.Match[str], found: Replacements, tally: ReplacementTally) -> str:
    tally.emails += 1
    form = found.forms.get(fold(match.group()))
    if form is not None:
        tally.by_owner[form.owner].forms[match.group()] += 1
    return "[e-mail address]"


def _replace_text(text: str, found: Replacements, tally: ReplacementTally) -> str:
    for made_from_text, neutral in found.ids:
        text = text.replace(made_from_text, neutral)
    text = _EMAIL.sub(lambda m: _masked_email(m, found, tally), text)
    text = _FILE.sub(lambda m: _neutral_file(m, found, tally), text)
    if found.names is None:
        return text
    # Matched once on the folded text; each match is mapped back to the characters it came from.
    folded, places = _folded_with_places(text)
    spans = []
    for match in found.names.finditer(folded):  # counted in reading order, replaced from the end
        start, end = places[match.start()], places[match.end() - 1] + 1
        form = found.forms[match.group()]
        written = text[start:end]
        tally.by_owner[form.owner].forms[written] += 1
        if form.part:
            after = _NEXT_WORD.match(text, end)
            tally.to_check[(written, after.group(1) if after else "", form.replacement)] += 1
        spans.append((start, end, form.replacement))
    for start, end, replacement in reversed(spans):
        text = text[:start] + replacement + text[end:]
    return text


def _walk(value: Any, found: Replacements, tally: ReplacementTally) -> Any:
    if isinstance(value, str):
        return _replace_text(value, found, tally)
    if isinstance(value, dict):
        return {_walk(k, found, tally): _walk(v, found, tally) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(item, found, tally) for item in value]
    return value


def anonymize_and_count(value: Any, found: Replacements) -> tuple[Any, ReplacementTally]:
    """The same data with every partner's id, name, e-mail and file, every withheld word and every
    file name, in any text, replaced; and what was replaced, counted in the same pass."""
    tally = ReplacementTally.empty(found)
    return _walk(value, found, tally), tally


def anonymize(value: Any, found: Replacements) -> Any:
    """`anonymize_and_count` without the tally: the data only."""
    return anonymize_and_count(value, found)[0]
