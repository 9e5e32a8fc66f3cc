"""`sap programme`: one row per partnership below some folders, and figures over them all."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sap_cli.cli.options import today_or
from sap_cli.cli.output import console, count, escape, print_json

if TYPE_CHECKING:
    from sap_cli.programme.info import ProgrammeInfo
    from sap_cli.programme.rows import Row


class ProgrammeFormat(str, Enum):
    """`sap programme --format`."""

    text = "text"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


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
        ProgrammeFormat,
        typer.Option(
            "--format",
            help="text for people, json for tools, csv or xlsx for a spreadsheet. csv without -o prints "
            "only the partnerships table; with -o FILE every table is written, each beside FILE.",
        ),
    ] = ProgrammeFormat.text,
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
            "--output",
            "-o",
            metavar="FILE|-",
            help="Where to write the spreadsheet (needed for xlsx: one sheet per table) or, with --report, "
            "the review; - prints it.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="With --report: replace a review edited by hand, saving a copy.")
    ] = False,
) -> None:
    """A table of every partnership in a programme, with figures over them all.

    \f
    sap programme ~/partnerships
    sap programme ~/partnerships --format xlsx -o programme.xlsx
    sap programme ~/partnerships --report --anonymize -o review.html
    """
    from sap_cli.programme.info import find_programme, programme_json
    from sap_cli.programme.report import check_report_options
    from sap_cli.programme.rollup import rollup
    from sap_cli.programme.rows import programme_rows

    spreadsheet = output_format in (ProgrammeFormat.csv, ProgrammeFormat.xlsx)
    check_report_options(report, anonymize, min_group, output_format is not ProgrammeFormat.text)
    if not report:
        _check_spreadsheet_options(output_format, output)
    as_of = today_or(today)
    starts = list(folders or [Path.cwd()])
    info = find_programme(starts)
    rows = programme_rows(starts, as_of)
    figures = rollup(rows, info)
    problems = [*info.problems, *(problem for row in rows for problem in row.problems)]
    if report:
        from sap_cli.cli.programme_report import write_report

        write_report(starts, rows, figures, as_of, output, anonymize, min_group, force)
    elif spreadsheet:
        _write_spreadsheet(
            rows, figures, info, output_format, None if output is None else Path(output), as_of
        )
    elif output_format is ProgrammeFormat.json:
        print_json(
            {
                "as_of": as_of.isoformat(),
                "programme": programme_json(info),
                "partnerships": [row.data for row in rows],
                "rollup": figures,
                "problems": problems,
            }
        )
    else:
        _print_programme(info)
        _print_table(rows, as_of.isoformat())
        _print_rollup(figures)
    if info.problems or any(not row.valid for row in rows):
        raise typer.Exit(1)


def _check_spreadsheet_options(output_format: ProgrammeFormat, output: str | None) -> None:
    """UsageProblem for -o where no file can be written, before anything is read."""
    from sap_cli.errors import UsageProblem

    if output is not None and output_format not in (ProgrammeFormat.csv, ProgrammeFormat.xlsx):
        raise UsageProblem(
            "-o is for a spreadsheet or, with --report, the review; nothing was written",
            hint="Add --format csv or --format xlsx, or --report, or leave -o out to see the table here.",
        )
    if output_format is ProgrammeFormat.xlsx and (output is None or output == "-"):
        raise UsageProblem(
            "an Excel file cannot be printed on the screen, so sap needs to know where to write it; "
            "nothing was written",
            hint="Give a file name, such as: sap programme --format xlsx -o programme.xlsx",
        )
    if output is not None and output != "-" and Path(output).is_dir():
        raise UsageProblem(
            f"-o needs a file name, and {output} is a folder; nothing was written",
            hint=f"Name the file, such as: -o {Path(output) / ('programme.' + output_format.value)}",
        )


def _write_spreadsheet(
    rows: list[Row],
    figures: dict[str, Any],
    info: ProgrammeInfo,
    output_format: ProgrammeFormat,
    output: Path | None,
    as_of: Any,
) -> None:
    from sap_cli.files.spreadsheet import csv_bytes, write_csv, write_xlsx
    from sap_cli.programme.table import programme_tables
    from sap_cli.words import display_path

    tables = programme_tables(rows, figures, info)
    if output is None or str(output) == "-":
        sys.stdout.buffer.write(csv_bytes(tables[0]))  # the partnerships only: one table per CSV
        sys.stdout.flush()
        return
    if output_format is ProgrammeFormat.xlsx:
        written = [write_xlsx(output, tables, created=as_of)]
    else:
        written = write_csv(output, tables)
    out = console()
    out.print(f"Wrote {count(len(rows), 'partnership')} as of {as_of.isoformat()} in:")
    if output_format is ProgrammeFormat.xlsx:
        out.print(
            f"  {escape(display_path(written[0]))}: a sheet each for {', '.join(t.name for t in tables)}"
        )
    else:
        for path, table in zip(written, tables, strict=True):
            out.print(f"  {escape(display_path(path))} ({table.name})")
    if any(not row.valid for row in rows):
        out.print("[yellow]Some partnerships do not validate: their rows say so (sap validate FOLDER).[/]")


def _print_programme(info: ProgrammeInfo) -> None:
    from sap_cli.words import display_path

    out = console()
    if info.model is not None:
        out.print(f"[bold]{escape(info.model.name)}[/]")
    if info.problems and info.path is not None:
        shown = display_path(info.path)
        out.print(
            f"[red]{escape(shown)} has {count(len(info.problems), 'problem')}, so sap did not use its name, "
            "rounds and streams:[/]"
        )
        for p in info.problems:
            place = f"{shown}:{p['line']}:{p['column']}" if p["line"] else shown
            out.print(f"  {escape(place)}: {escape(p['message'])}")
        out.print("  [dim]Fix it and run sap programme again; the table below is made all the same.[/]\n")


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
    for key in ("round", "stream"):
        periods = figures[f"by_{key}"]
        if set(periods) - {"not given"} or figures["by_custom"].get(key):
            shown = ", ".join(
                f"{escape(one['title'] or name)} {one['partnerships']}" for name, one in periods.items()
            )
            out.print(f"By {key}: {shown}")
    out.print(f"By phase: {_counts(figures['by_phase'])}")
    for key, counts in figures["by_custom"].items():
        if key not in ("round", "stream"):  # shown above, by their titles
            out.print(f"By {escape(key)}: {_counts(counts)}")
    for side in ("planned", "enacted"):
        levels = figures["levels"][side]
        shares = (
            ", ".join(f"{level} {share:.0%}" for level, share in levels["share"].items()) or "none recorded"
        )
        out.print(
            f"Stages at each level, {side} ({levels['recorded']} of {levels['stages']} stages): {shares}"
        )
    ladder = figures["ladder"]
    out.print(
        f"Ladder rungs (Bovill and Bulley): aimed for {_counts(ladder['planned'])}; "
        f"reached {_counts(ladder['enacted'])}"
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
