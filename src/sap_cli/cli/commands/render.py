"""`sap render`: write (or --check) the documents in docs/, a review `sap report` left there included."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from sap_cli.cli.options import (
    complete_document,
    complete_folder_or_document,
    folder_or_here,
    parse_date,
)
from sap_cli.cli.output import console, count, escape
from sap_cli.cli.partnerships import partnership_folders, say_not_shown, stop_if_broken
from sap_cli.errors import InvalidProject, UsageProblem

_KEPT_HINT = (
    "[dim]hint:[/] sap never overwrites your edits, but docs/ is rebuilt from the partnership files. "
    "Your own answers to the reflection questions belong in reflections/ (`sap reflect`); changes to "
    "the agreement or the plan belong in the YAML files, or in a template in the partnership's "
    "templates/ folder."
)


def render(
    folder: Annotated[
        Path | None,
        typer.Argument(
            metavar="FOLDER",
            help="The partnership folder (default: the one you are in).",
            show_default=False,
            autocompletion=complete_folder_or_document,
        ),
    ] = None,
    what: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="DOCUMENT",
            help="Which documents: agreement, worksheets, progress (default: all).",
            show_default=False,
            autocompletion=complete_document,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; fail if docs/ differs from a fresh render.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="Measure progress at this date (default: the latest in the data).",
        ),
    ] = None,
    private: Annotated[
        str | None,
        typer.Option(
            "--private",
            metavar="PARTNER",
            help="Write this partner's own worksheets (name or id) into private/ instead.",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace documents edited by hand too, after saving each as a .backup.md copy."
        ),
    ] = False,
    all_below: Annotated[
        bool, typer.Option("--all", help="Do this for every partnership found below the folder.")
    ] = False,
) -> None:
    """Write the agreement, reflection worksheets and progress summary as Markdown in docs/.

    \f
    sap render
    sap render agreement --check
    """
    from sap_cli.documents.pages import DOCUMENTS
    from sap_cli.words import display_path

    names = list(what or [])
    if folder is not None and not folder.exists():
        from sap_cli.words import did_you_mean

        # `sap render agreement` inside the folder: the word names a document, not a folder.
        meant = str(folder) if str(folder) in DOCUMENTS else did_you_mean(str(folder).lower(), DOCUMENTS)
        if meant is not None and not folder.parent.name:
            names.insert(0, str(folder))
            folder = None
    unknown = [name for name in names if name not in DOCUMENTS]
    if unknown:
        from sap_cli.words import did_you_mean

        guess = did_you_mean(unknown[0].lower(), DOCUMENTS)
        raise typer.BadParameter(
            f"'{unknown[0]}' is not a document sap makes"
            + (f" (did you mean '{guess}'?)" if guess else "")
            + f"; choose from {', '.join(DOCUMENTS)}",
            param_hint="WHAT",
        )
    if private is not None and any(name != "worksheets" for name in names):
        raise UsageProblem(
            "--private makes a partner's own worksheets only",
            hint="Leave out the document names, or name just: worksheets.",
        )
    if all_below and private is not None:
        raise UsageProblem("--private is for one partner of one partnership, not for --all")
    projects = partnership_folders([folder_or_here(folder)], all_below)
    failed = False
    broken = []
    for project_folder in projects:
        if len(projects) > 1:
            console().print(f"[bold]{escape(display_path(project_folder))}[/]")
        try:
            failed |= not _render_one(project_folder, names or DOCUMENTS, as_of, check, private, force)
        except InvalidProject as exc:
            if not all_below:
                raise
            broken.append(project_folder)
            say_not_shown(project_folder, exc)
    stop_if_broken(broken, len(projects))
    if failed:
        raise typer.Exit(1)


def _render_one(
    project_folder: Path,
    names: Sequence[str],
    as_of: str | None,
    check: bool,
    private: str | None,
    force: bool,
) -> bool:
    """Render (or check) one partnership's documents and say what happened; False if it failed."""
    import shlex

    from sap_cli.render import render_project
    from sap_cli.words import command_path, display_path

    result = render_project(
        project_folder,
        list(names),
        parse_date(as_of, "--date"),
        check=check,
        private_for=private,
        force=force,
    )
    out = console()
    again = (
        f"sap render{command_path(project_folder)}"
        + (f" --date {as_of}" if as_of else "")
        + (f" --private {shlex.quote(private)}" if private else "")
    )
    if check:
        if result.stale:
            out.print("These files do not match what the partnership files say now:")
            for relative, why in result.stale:
                out.print(f"  {escape(display_path(project_folder / relative))} ({why})")
            reviews = [relative for relative, why in result.stale if relative.startswith("docs/review")]
            if any(why != "edited by hand" and relative not in reviews for relative, why in result.stale):
                out.print(f"Run `{escape(again)}` to bring them up to date.")
            for relative in reviews:
                anonymized = " --anonymize" if "anonymized" in relative else ""
                out.print(
                    f"Run `sap report{escape(command_path(project_folder))}{anonymized}` for {relative}."
                )
            if any(why == "edited by hand" for _, why in result.stale):
                out.print(_KEPT_HINT)
            return False
        out.print("The documents are up to date.")
        return True
    for edited, backup in result.backups:
        out.print(
            f"saved your edited {escape(display_path(project_folder / edited))} "
            f"as {escape(display_path(project_folder / backup))}"
        )
    for written in result.written:
        out.print(f"wrote {escape(display_path(written))}")
    for relative in result.removed:
        out.print(f"removed {escape(display_path(project_folder / relative))} (no longer needed)")
    if result.unchanged:
        out.print(f"{count(len(result.unchanged), 'file')} already up to date.")
    if not (result.written or result.unchanged or result.kept):
        out.print("Nothing to write: worksheets are made once partners are listed in roles.yaml.")
    if result.kept:
        err = console(stderr=True)
        err.print("[bold red]error:[/] these files were edited by hand, so sap left them as they are:")
        for relative in result.kept:
            err.print(f"  {escape(display_path(project_folder / relative))}")
        err.print(_KEPT_HINT)
        err.print(
            f"To replace them with fresh copies, keeping yours as .backup.md files: {escape(again)} --force"
        )
        return False
    return True
