"""What `sap report --anonymize` replaced, told on the terminal so a person can check it before sharing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sap_cli.cli.output import count, escape

if TYPE_CHECKING:
    from rich.console import Console

    from sap_cli.review.anonymize import Replaced, ReplacementTally


FORMS_SHOWN = 6  # forms of one name, most frequent first
CHECKS_SHOWN = 10  # matches to check, most frequent first


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _more(left: int) -> str:
    return f", and {left} more" if left > 0 else ""


def _line(replaced: Replaced) -> str:
    head = f"  {escape(replaced.replacement)} ({escape(replaced.real, one_line=True)}): "
    if not replaced.count:
        return head + "not found"
    forms = replaced.forms.most_common()
    shown = ", ".join(f'"{escape(form, one_line=True)}" {n}' for form, n in forms[:FORMS_SHOWN])
    return head + f"{count(replaced.count, 'time')}: {shown}{_more(len(forms) - FORMS_SHOWN)}"


def print_replaced(tally: ReplacementTally, out: Console) -> None:
    """Each partner's and withheld entry's count with the forms matched, then the matches to check."""
    out.print("What the anonymised review replaces (listed here only, not in the review):")
    for replaced in [*tally.people, *tally.withheld]:
        out.print(_line(replaced))
    emails = _plural(tally.emails, "e-mail address", "e-mail addresses")
    out.print(f"  {emails} masked; {count(tally.files, 'file name')} made neutral.")
    if not tally.withheld:
        out.print(
            "  To withhold other words too (a supervisor's name, a course code, the school), list them in "
            "project.yaml, in an 'also:' list under 'anonymize:'."
        )
    if not tally.to_check:
        return
    checks = tally.to_check.most_common()
    total = _plural(sum(tally.to_check.values()), "replacement", "replacements")
    out.print(
        f"Check {total} where only part of a name was found; it may be an ordinary word that should stay:"
    )
    for (written, after, replacement), n in checks[:CHECKS_SHOWN]:
        before = f"{written} {after}".rstrip()
        became = f"{replacement} {after}".rstrip()
        times = f" ({count(n, 'time')})" if n > 1 else ""
        out.print(f'  "{escape(before, one_line=True)}" became "{escape(became, one_line=True)}"{times}')
    if len(checks) > CHECKS_SHOWN:
        out.print(f"  and {len(checks) - CHECKS_SHOWN} more.")
    out.print(
        "  Where a word should have stayed, put it back by hand in the anonymised copy before sharing it."
    )
