"""`sap report`: the end-of-project review as Markdown, or its figures as JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from sap_cli.cli.options import PartnershipFolder, ReportFormat, folder_or_here, parse_date
from sap_cli.cli.output import as_json, console, escape
from sap_cli.cli.replaced import print_replaced
from sap_cli.cli.state import state
from sap_cli.cli.terminal import visible


def report(
    folder: PartnershipFolder = None,
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
    """
    from sap_cli.partnership.layout import find_project
    from sap_cli.review.report import report_project, save_review
    from sap_cli.words import display_path

    project_folder = find_project(folder_or_here(folder))
    figures, markdown, replaced = report_project(
        project_folder, anonymize, parse_date(as_of, "--date"), include_private, min_group
    )
    as_data = output_format is ReportFormat.json
    text = as_json(figures, indent=2, ensure_ascii=False) + "\n" if as_data else markdown
    saved = save_review(project_folder, text, output, as_data, anonymize, include_private, force)
    if saved is None:
        # A review on the terminal: its text may quote files, so control characters are shown, not obeyed
        # (JSON escapes them itself).
        typer.echo(text if as_data else visible(text), nl=False)
        if replaced is not None and not state().quiet:  # on standard error: a pipe gets the review alone
            print_replaced(replaced, console(stderr=True))
        return
    for backup in saved.backups:
        console().print(f"saved your edited copy as {escape(display_path(backup))}")
    if saved.changed:
        console().print(f"wrote {escape(display_path(saved.path))}")
    else:
        console().print(f"{escape(display_path(saved.path))} is already up to date.")
    if replaced is not None:
        print_replaced(replaced, console())
    if min_group is not None and output is None:
        console().print(
            f"[dim]No figure in this review is about fewer than {min_group} people. `sap render` "
            "remakes this file with the size written in project.yaml (anonymize: min_group, 3 if not "
            f"there): set it there to keep {min_group}.[/]"
        )
