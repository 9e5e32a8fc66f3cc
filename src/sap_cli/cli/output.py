"""How sap prints: the consoles, escaping, problems as text, GitHub annotations or JSON, and failures."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import typer

from sap_cli.cli.state import state
from sap_cli.cli.terminal import visible
from sap_cli.errors import SapError

if TYPE_CHECKING:
    from rich.console import Console

    from sap_cli.partnership.problems import Problem, Report


def console(stderr: bool = False) -> Console:
    """The console of the running command (quiet on standard output with --quiet)."""
    return state().console(stderr)


def escape(text: str, one_line: bool = False) -> str:
    """Show the user's text as typed: '[red]' in a title is text, not a colour, and a control
    character (ESC, BEL, U+009B...) is a visible sign such as ␛, not an order to the terminal.

    `one_line` also shows a new line as ␤, for text inside a message sap prints on one line.
    """
    return _markup_escape(visible(text, one_line))


_MARKUP_LIKE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")


def _markup_escape(markup: str) -> str:
    """rich.markup.escape, letter for letter (a test compares them), without importing rich."""
    markup = _MARKUP_LIKE.sub(lambda m: f"{m.group(1)}{m.group(1)}\\{m.group(2)}", markup)
    if markup.endswith("\\") and not markup.endswith("\\\\"):
        return markup + "\\"
    return markup


def as_json(data: Any, indent: int = 2, ensure_ascii: bool = False) -> str:
    """JSON text that can always be written as UTF-8.

    A file may spell a lone surrogate as an escape (`"\\ud800"`), which no UTF-8 text can hold;
    echoed in a message it stays escaped, as JSON allows, instead of crashing the output.
    """
    import json  # only commands that print JSON pay for the import

    text = json.dumps(data, indent=indent, ensure_ascii=ensure_ascii)
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def print_failure(exc: SapError, err: Console | None = None) -> None:
    """`error:` and `hint:` on standard error, after the problems of an invalid partnership."""
    from sap_cli.errors import InvalidProject

    err = err or console(stderr=True)
    if isinstance(exc, InvalidProject):
        print_problem_lines([p for p in exc.report.problems if p.severity in ("error", "note")], err)
    err.print(f"[bold red]error:[/] {escape(exc.message, one_line=True)}")
    if exc.hint:
        err.print(f"[dim]hint:[/] {escape(exc.hint, one_line=True)}")


def shown_path(problem: Problem) -> str:
    """The problem's file as the user would type it from where they stand."""
    from sap_cli.words import display_path

    return display_path(problem.path)


def print_problem_lines(problems: Sequence[Problem], out: Console | None = None) -> None:
    """One `path:line:col: severity: message [code]` line per problem, with its hint below."""
    out = out or console()
    for p in problems:
        colour = {"error": "red", "warning": "yellow"}.get(p.severity, "cyan")
        out.print(
            f"{escape(shown_path(p), True)}:{p.line}:{p.column}: [{colour}]{p.severity}[/]: "
            f"{escape(p.message, True)} "
            f"[dim]\\[{p.code}][/]"
        )
        if p.hint:
            out.print(
                f"    [dim]hint:[/] {escape(p.hint, True)}"
                + (f" [dim]Source: {escape(p.source, True)}.[/]" if p.source else "")
            )


def print_problems_text(report: Report) -> None:
    """A partnership's problems for people, then a one-line summary."""
    from sap_cli.words import display_path

    out = console()
    print_problem_lines(report.problems)
    where = display_path(report.folder)
    errors, warnings = len(report.errors), len(report.warnings)
    if report.partnership is not None and not errors:
        ok = report.partnership
        summary = (
            f"{where} is valid: {count(len(ok.roles.partners), 'partner')}, "
            f"{count(len(ok.goals.goals), 'goal')}, {count(len(ok.timeline.milestones), 'milestone')}, "
            f"{count(len(ok.matrix.stages), 'stage')}"
        )
        out.print(escape(summary) + (f"; {count(warnings, 'warning')} worth a look." if warnings else "."))
    else:
        out.print(f"{escape(where)}: {count(errors, 'error')}, {count(warnings, 'warning')}.")


def _github_escape(text: str, is_property: bool = False) -> str:
    text = visible(text)  # the log is read in a browser, but also in terminals (`act`, a local run)
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if is_property else text


def print_github(problems: Sequence[Problem]) -> None:
    """Problems as GitHub Actions workflow commands, which annotate the files in a pull request."""
    for p in problems:
        props = f"file={_github_escape(shown_path(p), True)},line={p.line},col={p.column},title={p.code}"
        message = p.message + (f" Hint: {p.hint}" if p.hint else "")
        level = "notice" if p.severity == "note" else p.severity  # GitHub's word for a note
        typer.echo(f"::{level} {props}::{_github_escape(message)}")


def print_json(data: Any) -> None:
    """Data for tools on standard output, even with --quiet."""
    typer.echo(as_json(data, indent=2, ensure_ascii=False))


def print_diff(diff: str) -> None:
    """A unified diff, added lines green and removed lines red."""
    out = console()
    styles = {"+": "green", "-": "red", "@": "cyan"}
    for line in diff.splitlines():
        style = "bold" if line.startswith(("+++", "---")) else styles.get(line[:1], "")
        out.print(f"[{style}]{escape(line)}[/]" if style else escape(line), highlight=False)
