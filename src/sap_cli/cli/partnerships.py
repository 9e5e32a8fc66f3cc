"""Which partnerships a command works on, and `--all`: each partnership below, broken ones reported.

`validate`, `render`, `status`, `actions` and `report` share these. With `--all` a command shows a
heading per partnership (its title and folder) and then its usual output; a partnership that does not
validate is reported in its place (how many errors, and the `sap validate` line that lists them) and
the others are still shown. As JSON the whole run is one document: a list with one object per
partnership, `{"partnership", "title", "errors", <command>}`, where `<command>` holds what the command
prints for a single partnership (null for one with errors).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from sap_cli.cli.output import console, count, escape, print_failure, print_json
from sap_cli.errors import InvalidProject, SapError, UsageProblem

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership

# What a command does for one partnership: print it (text) or return its JSON data.
ForOne = Callable[[Path, "Partnership"], Any]


def partnership_folders(folders: Sequence[Path] | None, all_below: bool) -> list[Path]:
    """The partnership folders a command works on: every one below the folders given with `--all`,
    else the partnership each folder is in (default: the folder the user is in)."""
    from sap_cli.partnership.layout import find_project, find_projects_below

    starts = list(folders or [Path.cwd()])
    return find_projects_below(starts) if all_below else [find_project(start) for start in starts]


def one_folder(folders: Sequence[Path] | None, command: str) -> Path | None:
    """The single FOLDER a command takes without `--all`; a usage error when several were given."""
    if folders and len(folders) > 1:
        raise UsageProblem(
            f"sap {command} works on one partnership folder, and {len(folders)} were given",
            hint=f"Give one folder, or add --all to go through every partnership below them: "
            f"sap {command} --all FOLDER...",
        )
    return folders[0] if folders else None


def each_partnership(folders: Sequence[Path] | None, key: str, as_json: bool, for_one: ForOne) -> None:
    """Run `for_one` on every partnership below `folders`, under a heading each (text) or gathered into
    one JSON list; a partnership with errors is reported, the rest still shown, and the run exits 1."""
    from sap_cli.partnership.load import load_valid
    from sap_cli.partnership.warm import check_side_by_side
    from sap_cli.words import display_path

    projects = partnership_folders(folders, all_below=True)
    check_side_by_side(projects)
    out = console()
    gathered: list[dict[str, Any]] = []
    broken: list[Path] = []
    failed = False  # something else went wrong for one (a review edited by hand), said in its place
    for number, folder in enumerate(projects):
        where = display_path(folder)
        entry: dict[str, Any] = {"partnership": str(folder), "title": None, "errors": 0, key: None}
        try:
            partnership = load_valid(folder)
            entry["title"] = partnership.project.title
            if not as_json:
                out.print(
                    ("\n" if number else "")
                    + f"[bold]== {escape(partnership.project.title, one_line=True)}[/] ({escape(where)})"
                )
            entry[key] = for_one(folder, partnership)
        except UsageProblem:
            raise  # about the command line, so the same for every partnership: stop at once
        except InvalidProject as exc:
            broken.append(folder)
            entry["errors"] = len(exc.report.errors)
            if not as_json:
                out.print(("\n" if number else "") + f"[bold]== {escape(where)}[/]")
                say_not_shown(folder, exc)
        except SapError as exc:
            if as_json:
                raise
            failed = True
            print_failure(exc, out)
        gathered.append(entry)
    if as_json:
        print_json(gathered)
    stop_if_broken(broken, len(projects))
    if failed:
        raise typer.Exit(1)


def say_not_shown(folder: Path, exc: InvalidProject) -> None:
    """In place of a partnership with errors: how many, and the command that lists them."""
    from sap_cli.words import command_path

    console().print(
        f"[red]This partnership has {count(len(exc.report.errors), 'error')}, so sap skipped it.[/] "
        f"See what to fix with: sap validate{escape(command_path(folder))}"
    )


def stop_if_broken(broken: Sequence[Path], total: int) -> None:
    """After going through `total` partnerships: name those that could not be read, and exit 1."""
    from sap_cli.words import command_path, display_path

    if not broken:
        return
    err = console(stderr=True)
    err.print(
        f"[bold red]error:[/] {len(broken)} of {count(total, 'partnership')} could not be "
        f"read: {escape(', '.join(display_path(folder) for folder in broken))}"
    )
    err.print(
        f"[dim]hint:[/] `sap validate{escape(command_path(broken[0]))}` lists what to fix; sap did "
        "nothing for it and went on with the others."
    )
    raise typer.Exit(1)
