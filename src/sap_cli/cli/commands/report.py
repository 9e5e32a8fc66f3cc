"""`sap report`: the end-of-project review as Markdown, or its figures as JSON."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sap_cli.cli.options import PartnershipFolders, ReportFormat, folder_or_here, parse_date
from sap_cli.cli.output import as_json, console, escape
from sap_cli.cli.partnerships import each_partnership, one_folder
from sap_cli.cli.replaced import print_replaced
from sap_cli.cli.state import state
from sap_cli.cli.terminal import visible
from sap_cli.errors import UsageProblem

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


def report(
    folders: PartnershipFolders = None,
    all_below: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every partnership found below the folders given (default: below this one): each review "
            "goes to its own docs/, or with -o - all are printed, each under a heading; as JSON, one "
            "list with an entry per partnership.",
        ),
    ] = False,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE|-",
            help="Where to write it (default: docs/review.md); - prints it instead.",
        ),
    ] = None,
    anonymize: Annotated[
        bool,
        typer.Option(
            "--anonymize",
            help="Replace every partner's name and id with 'Student A', 'Faculty B'... for sharing.",
        ),
    ] = False,
    min_group: Annotated[
        int | None,
        typer.Option(
            "--min-group",
            metavar="N",
            help="With --anonymize: no figure about fewer than N people; smaller groups are merged or "
            "left out (default: anonymize.min_group in project.yaml, else 3).",
        ),
    ] = None,
    output_format: Annotated[
        ReportFormat,
        typer.Option("--format", help="markdown for people, json for the figures as data."),
    ] = ReportFormat.markdown,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="Review the record up to this day (default: its latest date).",
        ),
    ] = None,
    include_private: Annotated[
        bool,
        typer.Option(
            "--include-private",
            help="Also use the private reflections on this computer; the review then goes to private/.",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace a review edited by hand, saving it first as a .backup.md copy."
        ),
    ] = False,
) -> None:
    """Write the end-of-project review: goals, timeline, how the partnership ran, power, outcomes.

    \f
    sap report
    sap report --anonymize -o review-to-share.md
    sap report --all --anonymize ~/partnerships
    """
    from sap_cli.partnership.layout import find_project
    from sap_cli.partnership.load import load_valid
    from sap_cli.review.report import check_review_options

    check_review_options(anonymize, min_group)
    day = parse_date(as_of, "--date")
    as_data = output_format is ReportFormat.json
    options = _Options(output, anonymize, min_group, day, include_private, force, as_data)
    if all_below:
        if output not in (None, "-"):
            raise UsageProblem(
                f"-o {output} names one file, and --all makes a review for each partnership",
                hint="Leave out -o to write each review into its own partnership's docs/, or use -o - "
                "to print them all (redirect with > to keep them in one file).",
            )
        each_partnership(
            folders,
            "report",
            as_data and output in (None, "-"),
            lambda folder, partnership: _report_one(folder, partnership, options, in_a_list=True),
        )
    else:
        project_folder = find_project(folder_or_here(one_folder(folders, "report")))
        _report_one(project_folder, load_valid(project_folder), options, in_a_list=False)
    if min_group is not None and output is None and not as_data:
        these, file, there = (
            ("these reviews", "each file", "in each project.yaml")
            if all_below
            else ("this review", "this file", "there")
        )
        console().print(
            f"[dim]No figure in {these} is about fewer than {min_group} people. `sap render` "
            f"remakes {file} with the size written in project.yaml (anonymize: min_group, 3 if not "
            f"there): set it {there} to keep {min_group}.[/]"
        )


@dataclass(frozen=True)
class _Options:
    output: str | None
    anonymize: bool
    min_group: int | None
    as_of: dt.date | None
    include_private: bool
    force: bool
    as_data: bool


def _report_one(
    project_folder: Path, partnership: Partnership, o: _Options, in_a_list: bool
) -> dict[str, Any] | None:
    """One partnership's review, written or printed; its figures instead when they go into --all's list."""
    from sap_cli.review.page import review_and_page
    from sap_cli.review.report import save_review
    from sap_cli.words import display_path

    figures, markdown, replaced = review_and_page(
        partnership, o.anonymize, o.as_of, o.include_private, o.min_group
    )
    if in_a_list and o.as_data:
        if replaced is not None and not state().quiet:
            print_replaced(replaced, console(stderr=True))
        return figures
    text = as_json(figures, indent=2, ensure_ascii=False) + "\n" if o.as_data else markdown
    saved = save_review(project_folder, text, o.output, o.as_data, o.anonymize, o.include_private, o.force)
    if saved is None:
        # A review on the terminal: its text may quote files, so control characters are shown, not obeyed
        # (JSON escapes them itself).
        typer.echo(text if o.as_data else visible(text), nl=False)
        if replaced is not None and not state().quiet:  # on standard error: a pipe gets the review alone
            print_replaced(replaced, console(stderr=True))
        return None
    for backup in saved.backups:
        console().print(f"saved your edited copy as {escape(display_path(backup))}")
    if saved.changed:
        console().print(f"wrote {escape(display_path(saved.path))}")
    else:
        console().print(f"{escape(display_path(saved.path))} is already up to date.")
    if replaced is not None:
        print_replaced(replaced, console())
    return None
