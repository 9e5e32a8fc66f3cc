"""A whole partnership as validated models, the file format number, and which model reads which file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sap_cli.errors import UnknownPartner
from sap_cli.model.base import Record
from sap_cli.model.plan import GoalsFile, MatrixFile, Partner, ProjectFile, RolesFile, TimelineFile
from sap_cli.model.records import CheckinFile, SignatureFile
from sap_cli.words import did_you_mean

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

    def latest_recorded_day(self) -> dt.date:
        """The day documents are "as of" unless told otherwise: the latest of the start, a meeting,
        and a milestone or deliverable done. Taken from the record, never the clock, so two runs on
        the same folder give the same page."""
        days = [self.project.start, *(c.date for c in self.checkins)]
        days += [m.done for m in self.timeline.milestones if m.done is not None]
        days += [d.done for d in self.goals.deliverables if d.done is not None]
        return max(days)

    def partner_called(self, word: str) -> Partner | None:
        """The partner with this id or this name (any case and spacing), or None."""
        wanted = " ".join(word.split()).casefold()
        for partner in self.roles.partners:
            if wanted in (partner.id, " ".join(partner.name.split()).casefold()):
                return partner
        return None

    def partner(self, partner_id: str) -> Partner:
        """The partner with this id, or UnknownPartner naming the closest id and listing them all."""
        for partner in self.roles.partners:
            if partner.id == partner_id:
                return partner
        known = [p.id for p in self.roles.partners]
        raise UnknownPartner(partner_id, known, did_you_mean(partner_id, known))
