"""A whole partnership as validated models, the file format number, and which model reads which file."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from sap_cli.errors import AmbiguousPartner, UnknownPartner
from sap_cli.ids import _HONORIFICS, slugify
from sap_cli.model.base import Record
from sap_cli.model.people import Partner, RolesFile
from sap_cli.model.plan import GoalsFile, MatrixFile, ProjectFile, TimelineFile
from sap_cli.model.records import CheckinFile, SignatureFile
from sap_cli.words import did_you_mean, fold

# The file format this sap writes; `schema_version` in project.yaml. `sap upgrade` brings older
# folders up to it (upgrade.py says what changed between formats).
SCHEMA_VERSION = 2


FormatState = Literal["current", "older", "newer", "unreadable"]


def format_state(project: object) -> tuple[FormatState, object]:
    """Where project.yaml's `schema_version` stands against this sap, and the value found.

    A missing number counts as this sap's own format, as does a file that is not a mapping
    (the schema check reports that on its own).
    """
    if not isinstance(project, dict) or "schema_version" not in project:
        return "current", SCHEMA_VERSION
    found = project["schema_version"]
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        return "unreadable", found
    if found == SCHEMA_VERSION:
        return "current", found
    return ("older" if found < SCHEMA_VERSION else "newer"), found


FILE_MODELS: dict[str, type[Record]] = {
    "project.yaml": ProjectFile,
    "roles.yaml": RolesFile,
    "goals.yaml": GoalsFile,
    "timeline.yaml": TimelineFile,
    "matrix.yaml": MatrixFile,
}


@dataclass(frozen=True)
class Partnership:
    """A whole, valid partnership folder as typed records."""

    folder: Path
    project: ProjectFile
    roles: RolesFile
    goals: GoalsFile
    timeline: TimelineFile
    matrix: MatrixFile
    checkins: tuple[CheckinFile, ...] = ()
    signatures: tuple[SignatureFile, ...] = ()

    def up_to(self, day: dt.date) -> Partnership:
        """The record as it stood at the end of `day`: only the meetings held on or before it.

        Every figure seen "as of" a day (status, the programme table, the review, the documents)
        reads this, so a meeting, action, goal status, pulse or decision from later is never counted.
        A thing done after `day` was still open on it: `meetings.standing.timing` says so.
        """
        kept = tuple(c for c in self.checkins if c.date <= day)
        return self if len(kept) == len(self.checkins) else replace(self, checkins=kept)

    def latest_recorded_day(self) -> dt.date:
        """The day documents are "as of" unless told otherwise: the latest of the start, a meeting,
        and a milestone or deliverable done. Taken from the record, never the clock, so two runs on
        the same folder give the same page."""
        days = [self.project.start, *(c.date for c in self.checkins)]
        days += [m.done for m in self.timeline.milestones if m.done is not None]
        days += [d.done for d in self.goals.deliverables if d.done is not None]
        return max(days)

    def find_partner(self, word: str) -> Partner:
        """The partner a person means: their id, full name or an alias, else a first name or a surname
        (a family name of several words too) that only they have; any case, accents optional.

        Raises AmbiguousPartner listing those it could be, or UnknownPartner with the closest.
        """
        wanted = fold(" ".join(word.split()))
        as_id = slugify(word)  # 'Wang Fang' for 王芳, whose id was made from the name that way
        partners = self.roles.partners
        for partner in partners:
            if wanted in _whole_forms(partner) or as_id == partner.id:
                return partner
        matches = [p for p in partners if wanted in _part_forms(p.name)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise AmbiguousPartner(
                word.strip(), [_label(p) for p in matches], (matches[0].name, matches[0].id)
            )
        raise UnknownPartner(word.strip(), [_label(p) for p in partners], _closest(wanted, partners))

    def partner_called(self, word: str) -> Partner | None:
        """`find_partner`, or None for a word that names no partner (AmbiguousPartner still raised)."""
        try:
            return self.find_partner(word)
        except UnknownPartner:
            return None

    def partner(self, partner_id: str) -> Partner:
        """The partner with this id (or name: see `find_partner`), or UnknownPartner naming the closest."""
        return self.find_partner(partner_id)


def _label(partner: Partner) -> str:
    """A partner as a message names them: 'Sam Lee (sam-lee)'."""
    return f"{partner.name} ({partner.id})"


def _closest(wanted: str, partners: Sequence[Partner]) -> str | None:
    """The partner a misspelt word most likely means, as 'Name (id)'; forms two partners share
    ('sam') never decide it."""
    owners: dict[str, set[str]] = {}
    for p in partners:
        for form in (*_whole_forms(p), *_part_forms(p.name)):
            owners.setdefault(form, set()).add(p.id)
    unique = [form for form, ids in owners.items() if len(ids) == 1]
    close = difflib.get_close_matches(wanted, unique, n=1, cutoff=0.75)
    guess = close[0] if close else did_you_mean(wanted, unique)
    return next(_label(p) for p in partners if p.id in owners[guess]) if guess else None


def _words(name: str) -> list[str]:
    """A name's words, folded, without a title before it ('Dr', 'Prof.')."""
    words = fold(name).split()
    while len(words) > 1 and words[0].rstrip(".") in _HONORIFICS:
        words = words[1:]
    return words


def _whole_forms(partner: Partner) -> set[str]:
    """What names exactly this partner: the id, the full name (with or without a title), an alias."""
    others = [*partner.aliases, *([partner.preferred_name] if partner.preferred_name else [])]
    return {partner.id, fold(" ".join(partner.name.split())), " ".join(_words(partner.name))} | {
        fold(" ".join(alias.split())) for alias in others
    }


def _part_forms(name: str) -> set[str]:
    """The parts of a name a person may go by: the first name, the family name whole or from any
    word on ('Ní Bhriain', 'Bhriain'), and each half of a double-barrelled word ('Smith-Jones')."""
    words = _words(name)
    forms = {words[0]} if words else set()
    forms |= {" ".join(words[start:]) for start in range(1, len(words))}
    forms |= {half for w in words if "-" in w for half in w.split("-") if half}
    return forms
