"""`sap validate`: check partnerships and list every problem, for people, tools or GitHub Actions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sap_cli.cli.options import ProblemFormat
from sap_cli.cli.output import (
    console,
    count,
    print_github,
    print_json,
    print_problem_lines,
    print_problems_text,
)
from sap_cli.cli.partnerships import partnership_folders
from sap_cli.cli.state import state


def validate(
    folders: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FOLDER",
            help="Partnership folders (default: the one you are in); with --all, folders to search.",
            show_default=False,
        ),
    ] = None,
    all_below: Annotated[
        bool, typer.Option("--all", help="Check every partnership found below the folders given.")
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as failures too.")] = False,
    output_format: Annotated[
        ProblemFormat,
        typer.Option("--format", help="text for people, json for tools, github for GitHub Actions."),
    ] = ProblemFormat.text,
) -> None:
    """Check every file of a partnership and list all problems at once, with line and column.

    \f
    sap validate
    sap validate --all --strict ~/partnerships
    """
    from sap_cli.validation.check import check_folders

    projects = partnership_folders(folders, all_below)
    reports = check_folders(projects)
    problems = [problem for report in reports for problem in report.problems]
    if output_format is ProblemFormat.json:
        print_json([p.as_dict() for p in problems])
    elif output_format is ProblemFormat.github:
        print_github(problems)
    elif state().quiet:
        print_problem_lines([p for p in problems if p.severity == "error"], console(stderr=True))
    else:
        for report in reports:
            print_problems_text(report)
        if len(reports) > 1:
            failing = sum(1 for report in reports if report.errors)
            console().print(
                f"\nChecked {count(len(reports), 'partnership')}: {len(reports) - failing} valid, "
                f"{failing} with errors."
            )
    if strict and output_format is ProblemFormat.text and any(not r.errors and r.warnings for r in reports):
        console().print("Failing because of --strict, which counts warnings as problems.")
    if any(report.errors or (strict and report.warnings) for report in reports):
        raise typer.Exit(1)
