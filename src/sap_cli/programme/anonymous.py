"""The anonymised programme review: every partner's name replaced across all partnerships, and the
people figures of the roll-up shown only for groups of at least N people.

The rules are those of one partnership's anonymised review (review/anonymize.py for names,
review/small_groups.py for groups), applied to the whole programme: each side (student partners;
faculty and staff partners) is shown when it has N people or more; when neither has, everyone
together; never one side beside everyone, since the difference would give the other away. Inside a
group shown, a count below N is "fewer than N", and when that leaves one count hidden beside the
group's size, a second one is hidden too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sap_cli.programme.rows import Row
from sap_cli.review.anonymize import Form, Replacements, replacements
from sap_cli.review.small_groups import EVERYONE, SIDE_NAMES, STAFF, STUDENTS, Groups, groups

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership

_LETTER = r"[^\W\d_]"
NAME_WITHHELD = "[name withheld]"

# The roll-up's kinds of partner (programme/rollup.py) on each side of small_groups.py.
SIDE_KINDS = {STUDENTS: ("student",), STAFF: ("staff", "other"), EVERYONE: ("student", "staff", "other")}


def programme_replacements(partnerships: Iterable[Partnership]) -> Replacements:
    """Every name form, id, alias and e-mail of every partner of every partnership (and each
    partnership's `anonymize: also` words), all replaced by one neutral word: a programme review
    has no pseudonyms, since 'Student A' would mean someone else in each partnership."""
    forms: dict[str, Form] = {}
    for partnership in partnerships:
        for folded, form in replacements(partnership).forms.items():
            withheld = form.owner.startswith("also:")
            forms.setdefault(folded, Form("[withheld]" if withheld else NAME_WITHHELD, form.owner, form.part))
    ordered = sorted(forms, key=len, reverse=True)
    pattern = "|".join(re.escape(form) for form in ordered)
    names = re.compile(rf"(?<!{_LETTER})(?:{pattern})(?!{_LETTER})") if ordered else None
    owners = tuple(dict.fromkeys((f.owner, f.replacement, f.owner) for f in forms.values()))
    return Replacements((), names, forms, owners, {})


def neutral_label(index: int) -> str:
    """'Partnership A', 'B', ... 'Z', then 'AA', 'AB': in the programme's path order."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"Partnership {letters}"


def people_groups(rows: Sequence[Row], min_group: int) -> Groups:
    """The sides shown, decided as small_groups.groups decides them for one partnership, from the
    same people the roll-up counts (matched across folders)."""
    kinds: dict[str, str] = {}
    for row in rows:
        if row.valid:
            for person in row.people:
                kinds.setdefault(person.key, person.kind)
    return groups(kinds, min_group)


def _hidden(values: dict[str, int], min_group: int) -> dict[str, int | str]:
    """Counts below `min_group` as 'fewer than N'; if only one is hidden, the next smallest too."""
    small = [key for key, n in values.items() if n < min_group]
    if len(small) == 1 and len(values) > 1:
        small.append(min((k for k in values if k not in small), key=lambda k: values[k]))
    return {key: f"fewer than {min_group}" if key in small else n for key, n in values.items()}


def _summed(figures: dict[str, dict[str, int]], kinds: Sequence[str], keys: Sequence[str]) -> dict[str, int]:
    """A group's figures: the roll-up's figures of its kinds of partner, added together."""
    return {key: sum(figures.get(kind, {}).get(key, 0) for kind in kinds) for key in keys}


def people_tables(figures: dict[str, Any], found: Groups, min_group: int) -> list[dict[str, Any]]:
    """One row per group shown: its size, completions and returning partners, from the roll-up."""
    shown = []
    for side in found.members:
        kinds = SIDE_KINDS[side]
        people = _summed(figures["people"]["by_kind"], kinds, ("unique", "returning"))
        ends = _summed(figures["partners"], kinds, ("completed", "withdrew", "continuing"))
        returning = _hidden(
            {"returning": people["returning"], "first": people["unique"] - people["returning"]}, min_group
        )
        shown.append(
            {
                "group": SIDE_NAMES[side],
                "unique": people["unique"],
                "returning": returning["returning"],
                **_hidden(ends, min_group),
            }
        )
    return shown


def people_notes(found: Groups, min_group: int) -> list[str]:
    """What was merged or left out, in words for the page."""
    said = []
    if EVERYONE in found.members:
        said.append(
            f"Neither the student partners nor the faculty and staff partners are {min_group} or more "
            "across the programme, so people are counted for all partners together."
        )
    for side in found.withheld:
        said.append(
            f"There are fewer than {min_group} {SIDE_NAMES[side]}, so figures about them are left out."
        )
    if not found.members:
        said.append(f"The programme has fewer than {min_group} partners, so no figure about people is given.")
    return said


def hours_shown(found: Groups) -> bool:
    """Student hours are shown only when the student partners are a group shown on their own."""
    return STUDENTS in found.members
