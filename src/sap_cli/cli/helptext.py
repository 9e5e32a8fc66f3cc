"""How `--help` reads: argument names without type words, whole summaries, examples at the end.

A command's docstring is its help. What comes after a form feed (\\f) in it is not shown as text
but as the Examples at the end of the help, one command a line, never rewrapped:

    \"\"\"Check every file of a partnership and list all problems at once.

    \\f
    sap validate
    sap validate --all ~/partnerships
    \"\"\"
"""

from __future__ import annotations

import inspect
from typing import Any

from typer.core import TyperCommand, TyperGroup


def _summary(help_text: str | None) -> str:
    """The first paragraph of a help text, on one line, never cut."""
    text = inspect.cleandoc(help_text or "").partition("\f")[0]
    return " ".join(text.split("\n\n")[0].split())


def _examples(help_text: str | None) -> list[str]:
    """The example lines after the form feed of a help text."""
    after = inspect.cleandoc(help_text or "").partition("\f")[2]
    return [line.strip() for line in after.splitlines() if line.strip()]


def _write_examples(help_text: str | None, formatter: Any) -> None:
    examples = _examples(help_text)
    if examples:
        with formatter.section("Examples"):
            for line in examples:
                formatter.write(f"{'':>{formatter.current_indent}}{line}\n")


def _argument_name(param: Any) -> str:
    """An argument as the help names it: its metavar (FOLDER), or its name in capitals; '...' if repeated."""
    name = str(param.metavar or param.name.upper())
    return name if param.nargs == 1 or name.endswith("...") else f"{name}..."


class PlainHelpCommand(TyperCommand):
    """A command whose help names arguments by what they are, not by a Python type, then examples."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((_argument_name(param), record[1]))
            elif param.param_type_name == "option":
                options.append(record)
        for heading, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(heading):
                    formatter.write_dl(rows)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        super().format_epilog(ctx, formatter)
        _write_examples(self.help, formatter)


class PlainHelpGroup(TyperGroup):
    """A group whose command list shows each whole summary, wrapped, and which ends with examples."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.short_help or _summary(command.help)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        super().format_epilog(ctx, formatter)
        _write_examples(self.help, formatter)
