"""The Typer app: the root options, an AppState for the run, and the explicit list of commands."""

from __future__ import annotations

from typing import Annotated

import typer

from sap_cli import __version__
from sap_cli.cli.boundary import SapCommand, SapGroup
from sap_cli.cli.commands import (
    actions,
    agreement,
    calendar,
    checkin,
    explain,
    export,
    init,
    programme,
    reflect,
    render,
    report,
    schema,
    sign,
    status,
    upgrade,
    validate,
)
from sap_cli.cli.helptext import PlainHelpGroup
from sap_cli.cli.state import AppState

app = typer.Typer(
    name="sap",
    cls=SapGroup,
    # After the form feed: the examples at the end of `sap --help` (see cli/helptext.py).
    help="Keep a Students as Partners project as plain files: start it, check it, document it."
    "\f\nsap init\nsap status",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"sap {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and stop."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full technical detail (traceback) of a failure.")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="Print only errors, and never ask; for scripts that read the exit code."
        ),
    ] = False,
) -> None:
    """Keep a Students as Partners project as plain files: start it, check it, document it."""
    # One state per run, read by every command through the context: a test run sees its own streams.
    ctx.obj = AppState(debug=debug, quiet=quiet)


# Every command, in the order `sap --help` lists them; `sap agreement` has its own sub-app below.
COMMANDS = (
    init.init,
    validate.validate,
    render.render,
    export.export,
    checkin.checkin,
    actions.actions,
    status.status,
    report.report,
    programme.programme,
    reflect.reflect,
    sign.sign,
    calendar.calendar,
    schema.schema,
    explain.explain,
    upgrade.upgrade,
)
for command in COMMANDS:
    app.command(cls=SapCommand)(command)

agreement_app = typer.Typer(
    name="agreement",
    cls=PlainHelpGroup,
    help="Look at the partnership agreement's history.\f\nsap agreement diff",
    no_args_is_help=True,
)
agreement_app.command("diff", cls=SapCommand)(agreement.diff)
agreement_app.command("editorial", cls=SapCommand)(agreement.editorial)
app.add_typer(agreement_app)


def main() -> None:
    """Entry point of the `sap` console script."""
    app(prog_name="sap")
