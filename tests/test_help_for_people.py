"""`--help` of every command, read at 80 columns as a lecturer or a student partner would read it."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest
import typer.main

from sap_cli import cli

ROOT = typer.main.get_command(cli.app)


def _walk(group: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command and sub-command of the app with the words that reach it, the groups too."""
    found = [(path, group)]
    for name, command in getattr(group, "commands", {}).items():
        found += _walk(command, (*path, name)) if hasattr(command, "commands") else [((*path, name), command)]
    return found


EVERY = _walk(ROOT)
IDS = [" ".join(path) or "sap" for path, _ in EVERY]
DATE_OPTIONS = ("--date", "--start", "--end", "--since")
# click's and typer's names for a value's type: words for programmers, not partners.
TYPE_NAMES = ("TEXT", "PATH", "INTEGER", "FLOAT", "FILENAME", "DIRECTORY", "BOOLEAN")


def _help(path: tuple[str, ...]) -> str:
    """The help as an 80-column terminal shows it (click leaves two columns free, so 78 wide)."""
    ctx = ROOT.make_context("sap", [], terminal_width=78, resilient_parsing=True)
    command = ROOT
    for name in path:
        command = command.commands[name]
        ctx = command.make_context(name, [], parent=ctx, resilient_parsing=True)
    return str(ctx.get_help()) + "\n"


def _entry(help_text: str, option: str) -> str:
    """The lines of the help that describe `option`: its own line and the lines of its text below."""
    lines = help_text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"\s+(-\w, )?{option}\b", line))
    end = start + 1
    while end < len(lines) and lines[end].startswith(" " * 8) and not lines[end].strip().startswith("-"):
        end += 1
    return " ".join(" ".join(lines[start:end]).split())


def _examples(help_text: str) -> list[str]:
    """The `sap ...` lines under the help's Examples heading."""
    _, heading, rest = help_text.partition("Examples:\n")
    assert heading, "the help shows no examples"
    return [line.strip() for line in rest.splitlines() if line.strip().startswith("sap ")]


@pytest.mark.parametrize(("path", "command"), EVERY, ids=IDS)
def test_the_help_speaks_plainly_and_ends_with_examples(path: tuple[str, ...], command: Any) -> None:
    shown = _help(path)
    for programmer in ("list[", "<str>", "<path>", "<int>", "<float>", "<bool>", "…"):
        assert programmer not in shown
    for param in command.params:
        for name in getattr(param, "opts", []):
            if name.startswith("--") and param.param_type_name == "option" and not param.is_flag:
                for word in TYPE_NAMES:
                    assert f"{name} {word}" not in shown, f"{name} shows the type name {word}"
                assert "\n" not in name
        choices = param.type_descriptor.choices if param.type_descriptor.is_choice else ()
        for choice in choices or ():
            assert str(getattr(choice, "value", choice)) in shown, f"{param.name} does not list {choice}"
        dated = [opt for opt in getattr(param, "opts", []) if opt in DATE_OPTIONS]
        if dated and param.param_type_name == "option":
            assert "YYYY-MM-DD" in _entry(shown, dated[0]), f"{dated[0]} does not say YYYY-MM-DD"
    examples = _examples(shown)
    assert 1 <= len(examples) <= 3
    # the examples come last: nothing but examples after the heading
    assert shown.rstrip().splitlines()[-1].strip().startswith("sap ")
    assert max(len(line) for line in shown.splitlines()) <= 80


@pytest.mark.parametrize(("path", "command"), EVERY, ids=IDS)
def test_every_example_is_a_command_sap_understands(path: tuple[str, ...], command: Any) -> None:
    """Each example parses: its command exists and its options and choices are real ones."""
    for example in _examples(_help(path)):
        words = shlex.split(example)[1:]
        target, name = ROOT, "sap"
        while words and hasattr(target, "commands") and words[0] in target.commands:
            name = words.pop(0)
            target = target.commands[name]
        assert not hasattr(target, "commands") or not words, f"{example!r}: no such command"
        target.make_context(name, [*words], resilient_parsing=False)  # raises on an unknown option


@pytest.mark.parametrize("path", [(), ("agreement",)], ids=["sap", "agreement"])
def test_the_command_list_keeps_each_summary_whole_at_80_columns(path: tuple[str, ...]) -> None:
    shown = _help(path)
    listing = shown.partition("Commands:\n")[2].partition("\n\n")[0]
    assert listing
    for line in listing.splitlines():
        assert not line.rstrip().endswith(("...", "…")), line
    group = ROOT
    for name in path:
        group = group.commands[name]
    flat = " ".join(listing.split())
    for name, command in group.commands.items():
        summary = " ".join((command.help or "").partition("\f")[0].split("\n\n")[0].split())
        assert f"{name} {summary}" in flat


def test_the_command_list_says_what_each_command_says_of_itself() -> None:
    """`sap --help` lists every command from a table (so it need not load them all): each summary
    there is the first paragraph of the command's own help, and every command module has a row."""
    import pkgutil

    from sap_cli.cli import commands
    from sap_cli.cli.app import ENTRIES
    from sap_cli.cli.helptext import _summary

    modules = {info.name for info in pkgutil.iter_modules(commands.__path__)}
    assert set(ENTRIES) == modules
    for name, entry in ENTRIES.items():
        own = ROOT.commands[name]
        assert entry.summary == (own.short_help or _summary(own.help)), name


def test_the_listing_from_the_table_is_the_listing_of_the_commands_themselves() -> None:
    """The root help before any command is loaded equals the help click writes from every command."""
    from sap_cli.cli.helptext import PlainHelpGroup

    fresh = typer.main.get_command(cli.app)
    ctx = fresh.make_context("sap", [], terminal_width=78, resilient_parsing=True)
    from_table = ctx.get_help()
    assert not any(fresh.commands.is_built(name) for name in fresh.commands)  # type: ignore[attr-defined]
    formatter = ctx.make_formatter()
    PlainHelpGroup.format_commands(fresh, ctx, formatter)  # builds each command, reads its own help
    assert formatter.getvalue().strip() in from_table
    assert all(fresh.commands.is_built(name) for name in fresh.commands)  # type: ignore[attr-defined]
