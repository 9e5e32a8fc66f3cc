"""`sap programme --report`: the programme review written (Markdown, HTML or PDF, by the name given
with -o) or printed with -o -."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from sap_cli.cli.output import console, escape
from sap_cli.cli.terminal import visible
from sap_cli.errors import UsageProblem

if TYPE_CHECKING:
    from sap_cli.programme.rows import Row

FOOTER = "Programme review: made by sap from the partnership records."


def write_report(
    starts: list[Path],
    rows: list[Row],
    figures: dict[str, Any],
    as_of: dt.date,
    output: str | None,
    anonymized: bool,
    min_group: int | None,
    force: bool,
) -> None:
    from sap_cli.export.standalone import save_document
    from sap_cli.programme.report import default_destination, programme_review
    from sap_cli.words import display_path

    if output is not None and not output.strip():
        raise UsageProblem(
            "-o was given an empty file name",
            hint="Name a file, such as -o programme-review.md (or .html, .pdf), or - to print.",
        )
    review = programme_review(rows, figures, as_of, starts, anonymized, min_group)
    if output == "-":
        typer.echo(visible(review.markdown), nl=False)
        return
    target = Path(output) if output is not None else default_destination(starts, anonymized)
    title = "Programme review" + (f": {review.context['name']}" if review.context["name"] else "")
    saved = save_document(target, review.markdown, review.chart_for(), FOOTER, title, force)
    if saved.backup is not None:
        console().print(f"saved your edited copy as {escape(display_path(saved.backup))}")
    shown = escape(display_path(saved.path))
    console().print(f"wrote {shown}" if saved.changed else f"{shown} is already up to date.")
    if anonymized:
        console().print(
            "[dim]Partner names are replaced by what sap knows of them (roles.yaml and each "
            "project.yaml's anonymize: also); read the review before sharing it.[/]"
        )
