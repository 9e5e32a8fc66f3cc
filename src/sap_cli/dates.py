"""Days as sap reads them from people: YYYY-MM-DD and nothing else, with a reason when it is not."""

from __future__ import annotations

import datetime as dt
import re

FORM = "YYYY-MM-DD"
EXAMPLE = "2026-03-04"

# ASCII digits only: Python 3.11's date.fromisoformat also takes 20260304 and 2026-W10-3,
# which a reader of the file or a partner on Python 3.10 would not recognise as a day.
_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def parse_day(text: str) -> dt.date:
    """`text` as a YYYY-MM-DD day; ValueError, with a reason to show, for anything else."""
    value = text.strip()
    if _SHAPE.fullmatch(value) is None:
        raise ValueError(f"is not a date; write it as {FORM}, e.g. {EXAMPLE}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"is not a day in the calendar; write it as {FORM}, e.g. {EXAMPLE}") from None


def is_day(text: str) -> bool:
    """Whether `text` is a YYYY-MM-DD day that exists."""
    try:
        parse_day(text)
    except ValueError:
        return False
    return True
