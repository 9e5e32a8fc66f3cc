"""`sap programme --report`: the programme review an educational developer puts in an annual report.

Every figure is the roll-up's (programme/rollup.py) or a row's (programme/rows.py), printed as it is;
what the record cannot support is "unknown". Anonymised, partner names are replaced across every
partnership, people figures follow programme/anonymous.py, rows are labelled "Partnership A", "B"...
(titles only when programme.yaml says `show_titles: true`) and no folder path is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sap_cli.documents.files import PROGRAMME_MARKER
from sap_cli.documents.pages import render_page
from sap_cli.errors import UsageProblem
from sap_cli.model.programme import ProgrammeFile
from sap_cli.model.vocab import LADDER_RUNGS, LEVEL_LABELS
from sap_cli.partnership.load import load_valid
from sap_cli.partnership.programme_file import find_programme_file, read_programme
from sap_cli.programme import anonymous
from sap_cli.programme.pictures import levels_svg, partnerships_svg
from sap_cli.programme.rollup import NOT_GIVEN
from sap_cli.programme.rows import Row
from sap_cli.review.anonymize import anonymize
from sap_cli.review.small_groups import DEFAULT_MIN_GROUP, check_min_group

UNKNOWN = "unknown"
KIND_NAMES = {"student": "student partners", "staff": "faculty and staff partners", "other": "other partners"}
TEMPLATE = "docs/programme-review.md.j2"


@dataclass(frozen=True)
class ProgrammeReview:
    """The review's Markdown, the figures it was printed from, and its pictures by marker name."""

    markdown: str
    context: dict[str, Any]
    charts: dict[str, str]

    def chart_for(self) -> Callable[[str], str | None]:
        return self.charts.get


def programme_settings(starts: Sequence[Path]) -> tuple[ProgrammeFile | None, Path]:
    """programme.yaml for the first folder (searched upward), if any, and the folder it sits in
    (else the first folder): where the review goes by default and whose templates/ may override it."""
    found = find_programme_file(starts[0])
    if found is None:
        return None, starts[0]
    return read_programme(found), found.parent


def check_report_options(report: bool, anonymized: bool, min_group: int | None, table_format: bool) -> None:
    """UsageProblem for options that do not go together, before anything is read."""
    if report and table_format:
        raise UsageProblem(
            "--format is for the table, and --report writes the review",
            hint="Leave out --format; the name given with -o says what you get: .md, .html or .pdf.",
        )
    if (anonymized or min_group is not None) and not report:
        raise UsageProblem(
            "--anonymize and --min-group are for the programme review, and --report was not given",
            hint="Add --report, as in: sap programme --report --anonymize",
        )
    check_min_group(anonymized, min_group)


def _counts(counts: dict[str, Any]) -> list[dict[str, Any]]:
    """Each group's name and count; a round or stream ({title, partnerships}) by its title."""
    return [
        {"name": n["title"] or name, "count": n["partnerships"]}
        if isinstance(n, dict)
        else {"name": name, "count": n}
        for name, n in counts.items()
    ]


def _ladder(ladder: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """One row per rung any partnership aimed for or reached, with its words, then those not given."""
    rungs = sorted({rung for side in ladder.values() for rung in side}, key=lambda r: (not r.isdigit(), r))
    return [
        {
            "rung": f"{rung}. {LADDER_RUNGS[int(rung)]}" if rung.isdigit() else rung,
            "planned": ladder["planned"].get(rung, 0),
            "enacted": ladder["enacted"].get(rung, 0),
        }
        for rung in rungs
    ]


def _hours(hours: dict[str, Any]) -> dict[str, Any]:
    return {
        "logged": hours["logged"],
        "agreed": UNKNOWN if hours["agreed"] is None else hours["agreed"],
        "logged_where_agreed": UNKNOWN
        if hours["logged_where_agreed"] is None
        else hours["logged_where_agreed"],
        "without": hours["partnerships_without_agreed_hours"],
    }


def _levels(levels: dict[str, Any]) -> dict[str, Any]:
    def share(side: str, level: str) -> str:
        recorded = levels[side]
        if not recorded["recorded"]:
            return UNKNOWN
        return f"{recorded['share'].get(level, 0):.0%}"

    return {
        "rows": [
            {"level": label, "planned": share("planned", level), "enacted": share("enacted", level)}
            for level, label in LEVEL_LABELS.items()
        ],
        "planned": levels["planned"],
        "enacted": levels["enacted"],
    }


MEETINGS = {True: "overdue", False: "on rhythm", None: "no cadence"}  # rows' meetings.overdue


def _number(value: float | None) -> str:
    return UNKNOWN if value is None else f"{value:g}"


def _row(row: Row, label: str, anonymized: bool) -> dict[str, Any]:
    data = row.data
    shown = {"label": label, "valid": row.valid, "problem": data["problem"]}
    if not row.valid:
        return shown
    goals, students = data["goals"], data["partners"]["student"]
    hours = data["hours"]
    return shown | {
        "phase": data["phase"] or UNKNOWN,
        "dates": f"{data['start']} to {data['end']}",
        "goals": f"{goals['done']} of {goals['total']}",
        "power": data["power_transfer"] or UNKNOWN,
        "meetings": MEETINGS[data["meetings"]["overdue"]],
        "health": data["health"]["flag"],
        # Anonymised, people and hours are given for the programme only (programme/anonymous.py).
        "students": None if anonymized else students["current"] + students["left"],
        "left": None if anonymized else students["left"],
        "hours": None if anonymized else f"{hours['logged']:g} of {_number(hours['agreed'])}",
    }


def build_context(
    rows: Sequence[Row],
    figures: dict[str, Any],
    as_of: dt.date,
    settings: ProgrammeFile | None,
    anonymized: bool,
    min_group: int | None,
) -> dict[str, Any]:
    """What the template prints: the roll-up's figures as they are, and one entry per partnership."""
    n = (min_group or (settings.min_group if settings else None) or DEFAULT_MIN_GROUP) if anonymized else None
    titles = not anonymized or bool(settings and settings.show_titles)
    entries = []
    for index, row in enumerate(rows):
        label = anonymous.neutral_label(index) if anonymized else row.data["path"]
        entry = _row(row, label, anonymized)
        entry["title"] = row.data["title"] if titles and row.valid else None
        entry |= {"start": row.data["start"], "end": row.data["end"], "finished": row.data["finished"]}
        entries.append(entry)
    context: dict[str, Any] = {
        "name": settings.name if settings else None,
        "as_of": as_of.isoformat(),
        "anonymized": anonymized,
        "min_group": n,
        "partnerships": figures["partnerships"],
        # By area, then any other grouping the roll-up makes (round, stream), then each custom field.
        "by": [
            *(
                {"what": key.removeprefix("by_").replace("_", " "), "counts": _counts(counts)}
                for key, counts in figures.items()
                if key.startswith("by_")
                and key not in ("by_phase", "by_custom")
                # a programme without rounds or streams gets no table saying only "not given"
                and (key not in ("by_round", "by_stream") or set(counts) - {NOT_GIVEN})
            ),
            # round and stream are custom fields too: shown once, by their titles, above
            *(
                {"what": key, "counts": _counts(counts)}
                for key, counts in figures["by_custom"].items()
                if f"by_{key}" not in figures
            ),
        ],
        "by_phase": _counts(figures["by_phase"]),
        "levels": _levels(figures["levels"]),
        "power": _counts(figures["power_transfer"]),
        "ladder": _ladder(figures["ladder"]),
        "meetings": figures["meetings"],
        "health": _counts(figures["health"]),
        "hours": _hours(figures["student_hours"]),
        "rows": entries,
        "titles": titles,
        "stages": [{"stages": row.data["stages"]} for row in rows if row.valid],  # for the picture
    }
    if anonymized:
        assert n is not None
        found = anonymous.people_groups(rows, n)
        context["people"] = anonymous.people_tables(figures, found, n)
        context["people_notes"] = anonymous.people_notes(found, n)
        if not anonymous.hours_shown(found):
            context["hours"] = None
            context["people_notes"].append(
                f"Student hours are not given: there are fewer than {n} student partners."
            )
    else:
        context["people"] = _people(figures)
        context["people_notes"] = []
    return context


def _people(figures: dict[str, Any]) -> list[dict[str, Any]]:
    by_kind = figures["people"]["by_kind"]
    return [
        {
            "group": KIND_NAMES.get(kind, f"{kind} partners"),
            **by_kind.get(kind, {"unique": 0, "returning": 0}),
            **ends,
        }
        for kind, ends in figures["partners"].items()
    ] + [
        {
            "group": "all partners",
            "unique": figures["people"]["unique"],
            "returning": figures["people"]["returning"],
            **{
                key: sum(ends[key] for ends in figures["partners"].values())
                for key in ("completed", "withdrew", "continuing")
            },
        }
    ]


def programme_review(
    rows: Sequence[Row],
    figures: dict[str, Any],
    as_of: dt.date,
    starts: Sequence[Path],
    anonymized: bool = False,
    min_group: int | None = None,
) -> ProgrammeReview:
    """The review's Markdown and pictures; anonymised, every partner of every partnership replaced."""
    settings, root = programme_settings(starts)
    context = build_context(rows, figures, as_of, settings, anonymized, min_group)
    if anonymized:
        folders = [load_valid(Path(folder)) for folder in _valid_folders(rows, starts)]
        context = anonymize(context, anonymous.programme_replacements(folders))
    charts = {
        "levels": levels_svg(context["stages"]),  # stage names as anonymised, like the tables
        "partnerships": partnerships_svg(context["rows"], as_of),  # by label: a path or a letter
    }
    return ProgrammeReview(render_page(root, TEMPLATE, {"p": context}, PROGRAMME_MARKER), context, charts)


def _valid_folders(rows: Sequence[Row], starts: Sequence[Path]) -> list[Path]:
    from sap_cli.programme.rows import discover

    shown = {row.data["path"] for row in rows if row.valid}
    return [folder for folder, path in discover(starts) if path in shown]


def default_destination(starts: Sequence[Path], anonymized: bool) -> Path:
    """<DIR>/programme-review.md, or programme-review-anonymized.md, in the one folder given."""
    if len(starts) > 1:
        raise UsageProblem(
            "the programme review covers several folders, so sap does not know which one to write it in",
            hint="Name the file with -o, such as -o programme-review.md, or -o - to print it.",
        )
    return starts[0] / f"programme-review{'-anonymized' if anonymized else ''}.md"
