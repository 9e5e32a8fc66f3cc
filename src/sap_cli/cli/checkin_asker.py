"""Asking one check-in question at a time, with the draft's earlier answer as the default."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.cli.output import console, escape
from sap_cli.cli.wizards import prompt

if TYPE_CHECKING:
    from sap_cli.meetings.wizard_draft import WizardDraft
    from sap_cli.model.folder import Partnership
    from sap_cli.model.people import Partner

Check = Callable[[str], str | None]  # None when an answer is fine, else what to say about it

CLEAR = "-"  # typed over an earlier answer offered from the draft: leave it out this time


def partner_from_word(partnership: Partnership, word: str) -> Partner | None:
    """The partner a wizard answer names: a number from the shown list (roles.yaml's order), or a
    name, first name, surname or id as `Partnership.find_partner` reads it; None when it names no one
    partner. The one place the wizard reads a partner."""
    from sap_cli.errors import AmbiguousPartner, UnknownPartner

    partners = partnership.roles.partners
    if re.fullmatch(r"[0-9]{1,4}", word.strip()):
        number = int(word)
        return partners[number - 1] if 1 <= number <= len(partners) else None
    try:
        return partnership.find_partner(word)
    except (UnknownPartner, AmbiguousPartner):
        return None


class Asker:
    """One question at a time; the draft's earlier answer is the default, and every answer is saved."""

    def __init__(self, folder: Path, draft: WizardDraft, earlier: dict[str, Any]) -> None:
        self.folder, self.draft, self.earlier = folder, draft, earlier

    def before(self, *where: str | int) -> Any:
        """The answer the draft holds at `where` (a key, then keys or list positions), or None."""
        value: Any = self.earlier
        for step in where:
            if isinstance(step, int) and isinstance(value, list) and step < len(value):
                value = value[step]
                continue
            if not (isinstance(step, str) and isinstance(value, dict) and step in value):
                return None
            value = value[step]
        return value

    def ask(self, question: str, check: Check | None = None, default: str = "", earlier: Any = None) -> str:
        offered = earlier if isinstance(earlier, str) and earlier else default
        while True:
            answer = prompt(question, offered, show_default=bool(offered)).strip()
            if answer == CLEAR and offered:
                return ""
            problem = check(answer) if (check and answer) else None
            if problem is None:
                return answer
            console().print(f"[red]{escape(problem)}[/]")

    def keep(self, value: Any, key: str, within: str | None = None) -> None:
        """Put an answer into the draft (at `key`, or at `within` in the mapping at `key`) and write it."""
        from sap_cli.meetings.wizard_draft import write_draft

        if within is None:
            self.draft.answers[key] = value
        else:
            mapping = self.draft.answers.get(key)
            if not isinstance(mapping, dict):  # a draft edited by hand may hold anything here
                mapping = self.draft.answers[key] = {}
            mapping[within] = value
        write_draft(self.folder, self.draft)

    def lines(
        self, label: str, key: str, check: Check | None = None, tidy: Callable[[str], str] = str.strip
    ) -> list[str]:
        """Answers one per line until an empty one; each earlier line is offered first, `-` drops it.

        `tidy` turns an answer into the line kept (a partner's number into their id, say), so a
        draft read after roles.yaml changed still means the same people.
        """
        earlier = self.before(key) if isinstance(self.before(key), list) else []
        kept: list[str] = []
        for position in range(10_000):
            offered = earlier[position] if position < len(earlier) else None
            answer = self.ask(
                f"  {label} {len(kept) + 1}", check, earlier=offered if isinstance(offered, str) else None
            )
            if not answer and not offered:
                break
            if answer:  # else an earlier line left out
                kept.append(tidy(answer))
            self.keep([*kept, *earlier[position + 1 :]], key)  # the earlier lines not asked yet stay
        self.keep(kept, key)
        return kept


def when_started(started: str) -> str:
    """'today at 14:05', 'yesterday at 09:30' or '2026-03-01 at 14:05', from the draft's time."""
    try:
        moment = dt.datetime.strptime(started, "%Y-%m-%d %H:%M")
    except ValueError:
        return "earlier"
    days = (dt.date.today() - moment.date()).days
    day = {0: "today", 1: "yesterday"}.get(days, moment.date().isoformat())
    return f"{day} at {moment:%H:%M}"
