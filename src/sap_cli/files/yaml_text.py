"""How one value is written as YAML text, so that it reads back as exactly that value."""

from __future__ import annotations

import datetime as dt
import json
import re

_PLAIN = re.compile(r"^[A-Za-z0-9£$€(][^\x00-\x1f\x7f\x85\u2028\u2029]*$")

# Line breaks YAML knows besides a new line; written as escapes, since sap's reader refuses them raw.
_ODD_BREAKS = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


# Plain text that YAML would read as a number or a date instead of as text.
_NUMBER_OR_DATE = re.compile(
    r"^(?:[-+]?(?:\.inf|\.nan|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+)"
    r"|0x[0-9a-fA-F]+|0o[0-7]+|\d{4}-\d\d?-\d\d?(?:(?:[Tt]|\s+)\d.*)?)$",
    re.IGNORECASE,
)


_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def scalar(value: object) -> str:
    """A YAML scalar that reads back as exactly `value`; plain where that is safe, quoted otherwise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float, dt.date)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    text = str(value)
    risky = (
        ": " in text
        or " #" in text
        or text.endswith((":", " "))
        or text.lower() in _RESERVED
        or not _PLAIN.match(text)
        or _NUMBER_OR_DATE.match(text) is not None
    )
    if not risky:
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    for raw, escape in _ODD_BREAKS.items():
        quoted = quoted.replace(raw, escape)
    return quoted


def flow(value: object) -> str:
    """`value` on one line in YAML's own notation, as it would be typed into the file."""
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {flow(item)}" for key, item in value.items()) + "}"
    return scalar(value)
