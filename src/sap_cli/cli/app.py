"""The Typer app: the root options, an AppState for the run, and the explicit list of commands."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sap_cli import __version__
from sap_cli.cli.boundary import SapCommand, SapGroup
from sap_cli.cli.helptext import PlainHelpGroup
from sap_cli.cli.lazy import Entry, LazyCommands
from sap_cli.cli.state import AppState

# Every command, in the order `sap --help` lists them, each with the summary its docstring opens with
# (tests/test_help_for_people.py keeps the two the same); each module is imported when it is used.
ENTRIES = {
    entry.name: entry
    for entry in (
        Entry("init", "Start a partnership: create a folder of commented YAML files to fill in together."),
        Entry(
            "validate",
            "Check every file of a partnership and list all problems at once, with line and column.",
        ),
        Entry(
            "render", "Write the agreement, reflection worksheets and progress summary as Markdown in docs/."
        ),
        Entry(
            "export", "Make the documents into pages for people who do not use git: open, print or send them."
        ),
        Entry("checkin", "Log a meeting as a new file in checkins/, and close actions that are done."),
        Entry("actions", "List the actions from all meetings: overdue first, then due soon, then the rest."),
        Entry(
            "status",
            "What needs attention: meetings, overdue actions, next milestones, goals and how partners feel.",
        ),
        Entry(
            "report",
            "Write the end-of-project review: goals, timeline, how the partnership ran, power, outcomes.",
        ),
        Entry("programme", "A table of every partnership in a programme, with figures over them all."),
        Entry(
            "reflect",
            "Answer the reflection questions in your own file, which sap makes once and never changes.",
        ),
        Entry("sign", "Record that a partner agrees to the agreement as it stands now."),
        Entry(
            "calendar",
            "Write the dates as a calendar file (.ics): milestones, open actions and the meeting series.",
        ),
        Entry(
            "schema", "Help your editor: JSON Schemas so it completes and checks the YAML files as you type."
        ),
        Entry(
            "explain", "Explain a Students as Partners framework, who proposed it, and where sap records it."
        ),
        Entry(
            "upgrade",
            "Bring a folder written by an older sap up to this sap's file format, showing each change first.",
        ),
        # The one group of commands: `sap agreement diff` and `sap agreement editorial`.
        Entry("agreement", "Look at the partnership agreement's history."),
    )
}


class RootGroup(SapGroup):
    """The `sap` group: its commands are built one at a time, when a command line names one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(self.commands, ENTRIES, _build)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # typer's own reads every command, which would build them all

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        commands = self.commands
        if not isinstance(commands, LazyCommands):
            return super().format_commands(ctx, formatter)
        rows = [(name, commands.summary(name) or "") for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="sap",
    cls=RootGroup,
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


def _build(entry: Entry) -> Any:
    """The click command of one entry, made as typer makes it (`app.command(cls=SapCommand)`)."""
    from typer.main import get_command_from_info, get_group_from_info
    from typer.models import CommandInfo, TyperInfo

    if entry.name == "agreement":
        return get_group_from_info(
            TyperInfo(agreement_app()),
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
            suggest_commands=app.suggest_commands,
        )
    return get_command_from_info(
        CommandInfo(cls=SapCommand, callback=entry.callback()),
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
    )


def agreement_app() -> typer.Typer:
    """`sap agreement`, a group of its own."""
    from sap_cli.cli.commands import agreement

    group = typer.Typer(
        name="agreement",
        cls=PlainHelpGroup,
        help="Look at the partnership agreement's history.\f\nsap agreement diff",
        no_args_is_help=True,
    )
    group.command("diff", cls=SapCommand)(agreement.diff)
    group.command("editorial", cls=SapCommand)(agreement.editorial)
    return group


def command_functions() -> dict[str, Any]:
    """Every command's function by its name (`agreement diff` for the group's), each module imported."""
    found = {name: entry.callback() for name, entry in ENTRIES.items() if name != "agreement"}
    for info in agreement_app().registered_commands:
        if info.callback is not None:
            found[f"agreement {info.name}"] = info.callback
    return found


def main() -> None:
    """Entry point of the `sap` console script."""
    app(prog_name="sap")
