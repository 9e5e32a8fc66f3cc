"""Pseudonyms for partners, and replacing their names in a review."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sap_cli.ids import _HONORIFICS

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


KIND_LETTER_LABELS = {"student": "Student", "faculty": "Faculty", "staff": "Staff", "other": "Partner"}


def pseudonyms(partnership: Partnership) -> dict[str, str]:
    """Partner id -> 'Student A', 'Faculty B', ...: letters in the order partners are listed."""
    return {
        partner.id: f"{KIND_LETTER_LABELS[partner.kind]} {chr(ord('A') + index)}"
        for index, partner in enumerate(partnership.roles.partners)
    }


def _name_patterns(partnership: Partnership) -> list[tuple[re.Pattern[str], str]]:
    """Whole-word patterns for every id, full name and name part, longest first."""

    aliases = pseudonyms(partnership)
    replacements: dict[str, str] = {}
    for partner in partnership.roles.partners:
        alias = aliases[partner.id]
        replacements[partner.id] = alias
        replacements[partner.name] = alias
        for part in re.findall(r"[\w'-]+", partner.name):
            if len(part) >= 2 and part.lower().rstrip(".") not in _HONORIFICS:
                replacements.setdefault(part, alias)
    ordered = sorted(replacements, key=len, reverse=True)
    return [(re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])"), replacements[text]) for text in ordered]


def anonymize(value: Any, patterns: Sequence[tuple[re.Pattern[str], str]]) -> Any:
    """The same data with every partner's id and name, in any text, replaced by their pseudonym."""
    if isinstance(value, str):
        for pattern, alias in patterns:
            value = pattern.sub(alias, value)
        return value
    if isinstance(value, dict):
        return {anonymize(k, patterns): anonymize(v, patterns) for k, v in value.items()}
    if isinstance(value, list):
        return [anonymize(item, patterns) for item in value]
    return value
