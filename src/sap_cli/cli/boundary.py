"""The one error boundary: every expected failure becomes sap's `error:`/`hint:` and an exit code."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from sap_cli import interrupts
from sap_cli.cli.helptext import PlainHelpCommand, PlainHelpGroup
from sap_cli.cli.output import print_failure
from sap_cli.cli.state import state
from sap_cli.errors import SapError, UsageProblem

try:  # recent typer (0.29 here) vendors its own copy of click as typer._click
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - older typer runs on click itself
    from click.exceptions import UsageError  # type: ignore[no-redef, assignment, import-not-found, unused-ignore]

# Exit codes: 1 a failure sap expected (the files, the disk), 2 the command line itself, 130 Ctrl-C.
FAILED, USAGE, STOPPED = 1, 2, interrupts.STOPPED


class SapGroup(PlainHelpGroup):
    """The root group; whatever a command raises passes through here on its way out.

    - SapError: `error:` and `hint:` on standard error, exit 1 (2 for a UsageProblem);
    - click's own usage errors (an unknown option or command, a missing or bad value,
      typer.BadParameter): the same `error:`/`hint:` lines instead of click's Usage box, exit 2;
    - OSError: which file and why, exit 1; a closed pipe (`sap ... | head`): silence, exit 0;
    - Ctrl-C: "Stopped.", exit 130.
    With --debug or SAP_DEBUG=1 failures keep their traceback; a usage error has none to show,
    so it is always printed in sap's style.
    """

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:
            # typer turns this into exit 130 silently; say so, as for a stop at any other moment.
            state().console(stderr=True).print("\nStopped.")
            raise
        except UsageError as exc:  # the root options themselves: `sap --bogus`
            raise _usage_failure(exc) from None

    def invoke(self, ctx: Any) -> Any:  # typer.Context; its base class lives in click
        interrupts.command_started()
        try:
            return self._invoke_and_translate(ctx)
        except KeyboardInterrupt:
            # Ctrl-C while the command ran, or while this boundary was printing its failure. The
            # outcome is decided from here (stopped), so a second Ctrl-C, or one a library caught
            # and sap asks for again a moment later (interrupts._swallowed), changes nothing.
            interrupts.command_finished()
            run = state(ctx)
            if run.debug_requested:
                raise
            run.console(stderr=True).print("\nStopped.")
            raise typer.Exit(STOPPED) from None
        finally:
            interrupts.command_finished()  # its result is decided; a later Ctrl-C changes nothing

    def _invoke_and_translate(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise _usage_failure(exc) from None
        except SapError as exc:
            run = state(ctx)  # made by the root callback, which has run by now
            if run.debug_requested:
                raise
            print_failure(exc, run.console(stderr=True))
            raise typer.Exit(USAGE if isinstance(exc, UsageProblem) else FAILED) from None
        except BrokenPipeError:
            # The reader went away (`sap ... | head`): what it wanted it has; stop without a word.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except OSError as exc:
            run = state(ctx)
            if run.debug_requested:
                raise
            print_failure(_disk_failure(exc), run.console(stderr=True))
            raise typer.Exit(FAILED) from None
        except Exception as exc:
            if _interrupt_in_disguise(exc):
                raise KeyboardInterrupt from None  # stopped like any other Ctrl-C, by invoke()
            raise


class SapCommand(PlainHelpCommand):
    """A command whose usage errors always know which command they are about, for the hint."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as exc:
            # click leaves some without a context (`sap sign --partner` with no value).
            if exc.ctx is None:
                exc.ctx = ctx
            raise


def _interrupt_in_disguise(exc: Exception) -> bool:
    """A Ctrl-C that a library caught and wrapped: pydantic-core reports one that lands while it
    builds a model's validator (the first time a command needs the models) as a SchemaError."""
    return type(exc).__name__ == "SchemaError" and "KeyboardInterrupt" in str(exc)


def _disk_failure(exc: OSError) -> SapError:
    """The disk, the system or a path said no: say which file and why, not a traceback."""
    where = f" {exc.filename}" if exc.filename else ""
    why = exc.strerror or str(exc)
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        why = "a file is in the way where sap needs a folder"
    return SapError(
        f"sap could not use{where}: {why}",
        hint="Check the path, that its folders exist and are folders, and that the disk has "
        "space; nothing else was changed.",
    )


def _usage_failure(exc: UsageError) -> BaseException:
    """Print a usage error of click's in sap's style; the exception to raise in its place."""
    if type(exc).__name__ == "NoArgsIsHelpError":
        return exc  # `sap` or `sap agreement` alone: click shows the help, as asked
    print_failure(usage_problem(exc), state(exc.ctx).console(stderr=True))
    return typer.Exit(USAGE)


def usage_problem(exc: UsageError) -> UsageProblem:
    """Click's message as a sentence, and where to read the command's options."""
    # recent typer (0.29 here) checks values with pydantic, whose messages start "Value error, ".
    message = exc.format_message().replace("Value error, ", "")
    ctx = exc.ctx
    command_path = ctx.command_path if ctx is not None else "sap"
    listing = "commands" if ctx is not None and isinstance(ctx.command, TyperGroup) else "options"
    return UsageProblem(message, hint=f"Run '{command_path} --help' to see the {listing}.")
