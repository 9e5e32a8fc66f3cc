"""`sap programme`: one row per partnership below some folders, and figures over them all."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sap_cli.cli.options import ListFormat, today_or
from sap_cli.cli.output import console, count, escape, print_json

if TYPE_CHECKING:
    from sap_cli.programme.rows import Row


def programme(
    folders: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FOLDER",
            help="Folders to search for partnerships, at any depth (default: the one you are in).",
            show_default=False,
        ),
    ] = None,
    today: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="Look from this day (default: today).")
    ] = None,
    output_format: Annotated[
        ListFormat, typer.Option("--format", help="text for people, json for tools.")
    ] = ListFormat.text,
    report: Annotated[
        bool,
        typer.Option(
            "--report",
            help="Write the programme review (default: programme-review.md in the folder); with -o, "
            "a name ending .html or .pdf makes a page or a PDF, with the pictures.",
        ),
    ] = False,
    anonymize: Annotated[
        bool,
        typer.Option(
            "--anonymize",
            help="With --report: no partner names or folders, partnerships by letter, and no figure "
            "about fewer than N people (to programme-review-anonymized.md).",
        ),
    ] = False,
    min_group: Annotated[
        int | None,
        typer.Option(
            "--min-group",
            metavar="N",
            help="With --anonymize: the smallest group a figure may describe (default: min_group in "
            "programme.yaml, else 3).",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FILE|-", help="With --report: where to write it; - prints it."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="With --report: replace a review edited by hand, saving a copy.")
    ] = False,
) -> None:
    """A table of every partnership in a programme, with figures over them all.

    \f
    sap programme
    sap programme ~/partnerships --format json
    sap programme ~/partnerships --report --anonymize -o review.html
    """
    from sap_cli.programme.report import check_report_options
    from sap_cli.programme.rollup import rollup
    from sap_cli.programme.rows import programme_rows

    check_report_options(report, anonymize, min_group, output, output_format is not ListFormat.text)
    as_of = today_or(today)
    starts = list(folders or [Path.cwd()])
    rows = programme_rows(starts, as_of)
    figures = rollup(rows)
    if report:
        from sap_cli.cli.programme_report import write_report

        write_report(starts, rows, figures, as_of, output, anonymize, min_group, force)
    elif output_format is ListFormat.json:
        print_json(
            {
                "as_of": as_of.isoformat(),
                "partnerships": [row.data for row in rows],
                "rollup": figures,
                "problems": [problem for row in rows for problem in row.problems],
            }
        )
    else:
        _print_table(rows, as_of.isoformat())
        _print_rollup(figures)
    if any(not row.valid for row in rows):
        raise typer.Exit(1)


def _meeting(data: dict[str, Any]) -> str:
    meetings = data["meetings"]
    days = meetings["days_since_last"]
    shown = "none yet" if days is None else f"{days} d"
    return f"[red]{shown}[/]" if meetings["overdue"] else shown


def _print_table(rows: list[Row], as_of: str) -> None:
    from rich.table import Table

    table = Table(
        title=f"Partnerships as of {as_of}",
        title_justify="left",
        box=None,
        pad_edge=False,
        padding=(0, 1),
        header_style="bold underline",
    )
    # The figures have fixed widths (longer words wrap: "not shown / yet"), the path takes the rest,
    # so the table fits 80 columns.
    table.add_column("Partnership", overflow="fold", ratio=1)
    for header, width in (
        ("Phase", 8), ("Met", 8), ("Late", 4), ("Goals", 5), ("Signed", 7), ("Power", 9), ("Health", 7)
    ):  # fmt: skip
        table.add_column(header, width=width, overflow="fold")
    for row in rows:
        data = row.data
        if not row.valid:
            table.add_row(f"{escape(data['path'])}\n[red]{escape(data['problem'])}[/]")
            continue
        must = data["agreement"]["must_sign"]
        reasons = len(data["health"]["reasons"])
        table.add_row(
            escape(data["path"]),
            data["phase"],
            _meeting(data),
            str(data["overdue_actions"]),
            f"{data['goals']['done']}/{data['goals']['total']}",
            "all" if data["agreement"]["signed_by_all"] else f"{len(must)} to go",
            data["power_transfer"],
            "ok" if not reasons else f"[yellow]{count(reasons, 'note')}[/]",
        )
    console().print(table)
    console().print(
        "\n[dim]Met: days since the last meeting (red: longer than agreed). Late: overdue actions. "
        "Signed: who still has to sign the current agreement. Health: notes from sap status and "
        "sap validate (all of them with --format json).[/]"
    )


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{escape(name)} {n}" for name, n in counts.items()) or "none"


def _print_rollup(figures: dict[str, Any]) -> None:
    out = console()
    whole = figures["partnerships"]
    out.print(
        f"\n[bold]{count(whole['total'], 'partnership')}[/]: {whole['valid']} valid, "
        f"{whole['not_valid']} not valid (sap validate FOLDER shows what to fix)"
    )
    out.print(f"By area: {_counts(figures['by_area'])}")
    out.print(f"By phase: {_counts(figures['by_phase'])}")
    for key, counts in figures["by_custom"].items():
        out.print(f"By {escape(key)}: {_counts(counts)}")
    for side in ("planned", "enacted"):
        levels = figures["levels"][side]
        shares = (
            ", ".join(f"{level} {share:.0%}" for level, share in levels["share"].items()) or "none recorded"
        )
        out.print(
            f"Stages at each level, {side} ({levels['recorded']} of {levels['stages']} stages): {shares}"
        )
    out.print(f"Power transfer: {_counts(figures['power_transfer'])}")
    meetings = figures["meetings"]
    out.print(
        f"Meetings: {meetings['on_rhythm']} on rhythm, {meetings['overdue']} overdue, "
        f"{meetings['no_cadence']} with no agreed cadence"
    )
    hours = figures["student_hours"]
    agreed = (
        f"; {hours['logged_where_agreed']:g} of {hours['agreed']:g} agreed where hours were agreed"
        if hours["agreed"] is not None
        else "; no partnership agreed a number of hours"
    )
    out.print(f"Student hours logged: {hours['logged']:g}{agreed}")
    for kind, counts in figures["partners"].items():
        out.print(
            f"{kind.capitalize()} partners: {counts['completed']} completed, {counts['withdrew']} withdrew, "
            f"{counts['continuing']} continuing"
        )
    people = figures["people"]
    out.print(f"People: {people['unique']} unique, {people['returning']} in more than one partnership")
