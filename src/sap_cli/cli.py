"""The `sap` command line: each command parses options, calls one domain function, prints the result."""

import datetime as dt
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from sap_cli import __version__
from sap_cli.errors import SapError, UsageProblem

if TYPE_CHECKING:
    from rich.console import Console

    from sap_cli.meetings.checkin import CheckinRequest, Recorded
    from sap_cli.partnership.problems import Problem, Report
    from sap_cli.scaffold import Created, InitRequest

CADENCES = ("weekly", "fortnightly", "monthly")

PartnershipFolder = Annotated[
    Path | None,
    typer.Argument(help="The partnership folder (default: the one you are in).", show_default=False),
]
FORMATS = ("text", "json", "github")


def _completes(*values: str) -> Any:
    """Tab completion (after `sap --install-completion`) offering `values` that start as typed."""

    def complete(incomplete: str) -> list[str]:
        return [value for value in values if value.startswith(incomplete)]

    return complete


def _complete_template(incomplete: str) -> list[str]:
    from sap_cli.scaffold import list_templates

    return [info.name for info in list_templates() if info.name.startswith(incomplete)]


def _complete_document(incomplete: str) -> list[str]:
    from sap_cli.documents.pages import DOCUMENTS

    return [name for name in DOCUMENTS if name.startswith(incomplete)]


def _complete_folder_or_document(incomplete: str) -> list[str]:
    """Inside a partnership, `sap render ag<Tab>` means a document; elsewhere the shell offers folders."""
    if not Path("project.yaml").is_file():
        return []  # nothing offered: the shell falls back to file and folder names
    return _complete_document(incomplete)


def _complete_topic(incomplete: str) -> list[str]:
    from sap_cli.explain import topic_names

    return [name for name, _ in topic_names() if name.startswith(incomplete)]


class SapGroup(TyperGroup):
    """The one error boundary: expected failures become a message and an exit code, not a traceback."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:
            # typer turns this into exit 130 silently; say so, as for a stop at any other moment.
            _console(stderr=True).print("\nStopped.")
            raise

    def invoke(self, ctx: Any) -> Any:  # typer.Context; its base class lives in typer._click
        try:
            return super().invoke(ctx)
        except SapError as exc:
            if _debug_requested(ctx):
                raise
            _print_failure(exc)
            raise typer.Exit(2 if isinstance(exc, UsageProblem) else 1) from None
        except KeyboardInterrupt:
            if _debug_requested(ctx):
                raise
            _console(stderr=True).print("\nStopped.")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # The reader went away (`sap ... | head`): what it wanted it has; stop without a word.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except OSError as exc:
            if _debug_requested(ctx):
                raise
            # The disk, the system or a path said no: say which file and why, not a traceback.
            import errno

            where = f" {exc.filename}" if exc.filename else ""
            why = exc.strerror or str(exc)
            if exc.errno in (errno.EEXIST, errno.ENOTDIR):
                why = "a file is in the way where sap needs a folder"
            _print_failure(
                SapError(
                    f"sap could not use{where}: {why}",
                    hint="Check the path, that its folders exist and are folders, and that the disk has "
                    "space; nothing else was changed.",
                )
            )
            raise typer.Exit(1) from None


def _debug_requested(ctx: typer.Context) -> bool:
    return bool(ctx.obj and ctx.obj.get("debug")) or os.environ.get("SAP_DEBUG") == "1"


def _print_failure(exc: SapError) -> None:
    from sap_cli.errors import InvalidProject

    err = _console(stderr=True)
    if isinstance(exc, InvalidProject):
        _print_problem_lines([p for p in exc.report.problems if p.severity == "error"], err)
    err.print(f"[bold red]error:[/] {escape(exc.message)}")
    if exc.hint:
        err.print(f"[dim]hint:[/] {escape(exc.hint)}")


_consoles: dict[bool, "Console"] = {}
_quiet = False  # `sap --quiet`: nothing on standard output but the data asked for (JSON, -o -)


def escape(text: str) -> str:
    """Show the user's text as typed: '[red]' in a title is text, not a colour."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _console(stderr: bool = False) -> "Console":
    if stderr not in _consoles:
        from rich.console import Console

        # Soft wrap: a `path:line:col` line must never be split, or editors cannot follow it.
        # NO_COLOR (no-color.org) means no styling at all, not only no colours: plain text.
        _consoles[stderr] = Console(
            stderr=stderr,
            soft_wrap=True,
            highlight=False,
            color_system=None if os.environ.get("NO_COLOR") else "auto",
            quiet=_quiet and not stderr,
        )
    return _consoles[stderr]


app = typer.Typer(
    name="sap",
    cls=SapGroup,
    help="Keep a Students as Partners project as plain files: start it, check it, document it.",
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
    global _quiet
    ctx.obj = {"debug": debug}
    _quiet = quiet
    # Drop cached consoles so a test run sees its own streams.
    _consoles.clear()


# ---------------------------------------------------------------- helpers


def can_prompt(no_input: bool) -> bool:
    """Ask questions only when a person is at a terminal and nobody said not to."""
    if no_input or _quiet or os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        shaped_right = re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()) is not None
        reason = "is not a day in the calendar" if shaped_right else "is not a date; write it as YYYY-MM-DD"
        raise typer.BadParameter(f"'{value}' {reason}, e.g. 2026-03-04", param_hint=option) from None


def _as_json(data: Any, indent: int = 2, ensure_ascii: bool = False) -> str:
    import json  # only commands that print JSON pay for the import

    return json.dumps(data, indent=indent, ensure_ascii=ensure_ascii)


def _folder_argument(folder: Path | None) -> Path:
    return folder if folder is not None else Path.cwd()


# ---------------------------------------------------------------- sap init


def _names(answer: str) -> list[str]:
    """Names from a comma-separated answer to a wizard question."""
    return [part.strip() for part in answer.split(",") if part.strip()]


def _ask_init(request: "InitRequest", asked_folder: bool, asked_git: bool) -> None:
    """The interactive wizard: fill in whatever the flags left out, with sensible defaults."""
    from rich.prompt import Confirm, Prompt

    from sap_cli.ids import slugify
    from sap_cli.scaffold import list_templates, load_template

    console = _console()
    console.print("[bold]Let's set up your partnership.[/] Press Enter to keep the suggestion in brackets.\n")
    if not request.title:
        request.title = Prompt.ask("What is the partnership called?", console=console).strip()
        while not request.title:
            request.title = Prompt.ask("Please give it a short name", console=console).strip()
    if request.template == "":
        templates = list_templates()
        console.print("\nWhat kind of partnership is it?")
        for number, info in enumerate(templates, start=1):
            console.print(f"  {number}. [bold]{escape(info.label)}[/] - {escape(info.description)}")
        choice = Prompt.ask(
            "Number",
            console=console,
            choices=[str(n) for n in range(1, len(templates) + 1)],
            default="1",
            show_choices=False,
        )
        request.template = templates[int(choice) - 1].name
    template = load_template(request.template)
    weeks = int(template["weeks"])
    if not (request.students or request.faculty or request.staff):
        console.print("\nWho are the partners? Separate names with commas; leave blank for none.")
        request.students = _ask_names("Student partners")
        request.faculty = _ask_names("Faculty partners (teaching staff)")
        request.staff = _ask_names("Other staff partners")
    if request.start is None:
        request.start = _ask_date("\nFirst day of the partnership", dt.date.today())
    while request.end is None or request.end < request.start:
        if request.end is not None:
            console.print(f"[red]The last day must not be before the first day ({request.start}).[/]")
        request.end = _ask_date("Last day", request.start + dt.timedelta(weeks=weeks))
    if request.cadence is None:
        request.cadence = Prompt.ask(
            "How often will you meet?", console=console, choices=list(CADENCES), default=template["cadence"]
        )
    if asked_folder:
        from sap_cli.scaffold import holds_partnership

        suggestion = slugify(request.title) or "partnership"
        request.folder = Path(Prompt.ask("Folder to create", console=console, default=suggestion))
        while holds_partnership(request.folder):
            console.print(f"[red]{escape(str(request.folder))} already holds a partnership.[/]")
            request.folder = Path(Prompt.ask("Another folder name", console=console))
    if asked_git and not request.git:
        request.git = Confirm.ask("Keep it in git and make the first commit?", console=console, default=False)


def _ask_names(question: str) -> list[str]:
    from rich.prompt import Prompt

    return _names(Prompt.ask(question, console=_console(), default="", show_default=False))


def _ask_date(question: str, default: dt.date) -> dt.date:
    from rich.prompt import Prompt

    while True:
        answer = Prompt.ask(question, console=_console(), default=default.isoformat())
        try:
            return dt.date.fromisoformat(answer.strip())
        except ValueError:
            _console().print("[red]Please write the date as YYYY-MM-DD, for example 2026-03-04.[/]")


def _print_created(created: "Created") -> None:
    from sap_cli.words import display_path

    console = _console()
    console.print(f"\nCreated the partnership in [bold]{escape(display_path(created.folder))}[/]:")
    for path in created.files:
        console.print(f"  {escape(display_path(path))}")
    if created.schemas:
        schema_folder = display_path(created.schemas[0].parent)
        console.print(f"  {escape(schema_folder)}/ (so an editor can complete and check the YAML files)")
    if created.committed:
        console.print("Made the first git commit.")
    where = display_path(created.folder)
    console.print("\nNext, read and fill in the files together (the # notes explain each field), then:")
    console.print(f"  cd {escape(where)}")
    for command, why in (
        ("sap validate", "checks the files"),
        ("sap render", "the agreement, reflection worksheets and progress page, in docs/"),
        ("sap sign --partner ID", "each partner, once you have agreed"),
        ("sap reflect --phase start --partner ID", "your own answers to the start questions"),
        ("sap checkin", "after each meeting"),
    ):
        console.print(f"  {command:40} {why}")


@app.command()
def init(
    folder: Annotated[
        Path | None,
        typer.Argument(help="Folder to create (default: a name made from the title).", show_default=False),
    ] = None,
    title: Annotated[str, typer.Option(help='Name of the partnership, e.g. "Co-designing BIOL 201".')] = "",
    template: Annotated[
        str,
        typer.Option(
            help="Kind of partnership to start from (see `sap init --list-templates`).",
            autocompletion=_complete_template,
        ),
    ] = "",
    student: Annotated[list[str], typer.Option(help="A student partner's name; repeat for each.")] = [],  # noqa: B006
    faculty: Annotated[list[str], typer.Option(help="A faculty partner's name; repeat for each.")] = [],  # noqa: B006
    staff: Annotated[list[str], typer.Option(help="A staff partner's name; repeat for each.")] = [],  # noqa: B006
    start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD (default: today).")] = None,
    end: Annotated[
        str | None,
        typer.Option(help="Last day, YYYY-MM-DD (default: the template's usual length)."),
    ] = None,
    cadence: Annotated[
        str | None,
        typer.Option(
            help="How often partners meet: weekly, fortnightly or monthly.",
            autocompletion=_completes(*CADENCES),
        ),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never ask questions; use flags and defaults.")
    ] = False,
    git: Annotated[
        bool, typer.Option("--git", help="Create a git repository and make the first commit.")
    ] = False,
    list_templates_: Annotated[
        bool, typer.Option("--list-templates", help="List the partnership templates and stop.")
    ] = False,
) -> None:
    """Start a partnership: create a folder of commented YAML files to fill in together."""
    from sap_cli.ids import slugify
    from sap_cli.scaffold import InitRequest, create_partnership, list_templates

    if list_templates_:
        for info in list_templates():
            _console().print(f"[bold]{info.name:24}[/] {info.description}")
        return
    if cadence is not None and cadence not in CADENCES:
        raise typer.BadParameter(f"'{cadence}' is not one of: {', '.join(CADENCES)}", param_hint="--cadence")
    request = InitRequest(
        folder=folder or Path(),
        title=title,
        template=template,
        students=[name.strip() for name in student if name.strip()],
        faculty=[name.strip() for name in faculty if name.strip()],
        staff=[name.strip() for name in staff if name.strip()],
        start=parse_date(start, "--start"),
        end=parse_date(end, "--end"),
        cadence=cadence,
        git=git,
    )
    if can_prompt(no_input):
        _ask_init(request, asked_folder=folder is None, asked_git=not git)
    elif not request.title.strip():
        raise UsageProblem(
            "a title is needed: sap cannot ask for one here (--no-input, CI or no terminal)",
            hint='Add --title "Your partnership name".',
        )
    request.template = request.template or "blank"
    if folder is None and request.folder == Path():
        request.folder = Path(slugify(request.title) or "partnership")
    _print_created(create_partnership(request))


# ---------------------------------------------------------------- sap validate


def _github_escape(text: str, is_property: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if is_property else text


def _print_problem_lines(problems: Sequence["Problem"], console: "Console | None" = None) -> None:
    console = console or _console()
    for p in problems:
        colour = "red" if p.severity == "error" else "yellow"
        console.print(
            f"{escape(p.file)}:{p.line}:{p.column}: [{colour}]{p.severity}[/]: {escape(p.message)} "
            f"[dim]\\[{p.code}][/]"
        )
        if p.hint:
            console.print(
                f"    [dim]hint:[/] {escape(p.hint)}"
                + (f" [dim]Source: {escape(p.source)}.[/]" if p.source else "")
            )


def _print_problems_text(report: "Report") -> None:
    from sap_cli.words import display_path

    console = _console()
    _print_problem_lines(report.problems)
    where = display_path(report.folder)
    errors, warnings = len(report.errors), len(report.warnings)
    if report.partnership is not None and not errors:
        ok = report.partnership
        summary = (
            f"{where} is valid: {_count(len(ok.roles.partners), 'partner')}, "
            f"{_count(len(ok.goals.goals), 'goal')}, {_count(len(ok.timeline.milestones), 'milestone')}, "
            f"{_count(len(ok.matrix.stages), 'stage')}"
        )
        console.print(
            escape(summary) + (f"; {_count(warnings, 'warning')} worth a look." if warnings else ".")
        )
    else:
        console.print(f"{escape(where)}: {_count(errors, 'error')}, {_count(warnings, 'warning')}.")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _print_github(problems: Sequence["Problem"]) -> None:
    for p in problems:
        props = f"file={_github_escape(p.file, True)},line={p.line},col={p.column},title={p.code}"
        message = p.message + (f" Hint: {p.hint}" if p.hint else "")
        typer.echo(f"::{p.severity} {props}::{_github_escape(message)}")


def _failed(report: "Report", strict: bool) -> bool:
    return bool(report.errors or (strict and report.warnings))


@app.command()
def validate(
    folders: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Partnership folders (default: the one you are in); with --all, folders to search.",
            show_default=False,
        ),
    ] = None,
    all_below: Annotated[
        bool, typer.Option("--all", help="Check every partnership found below the folders given.")
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as failures too.")] = False,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="text for people, json for tools, github for GitHub Actions.",
            autocompletion=_completes(*FORMATS),
        ),
    ] = "text",
) -> None:
    """Check every file of a partnership and list all problems at once, with line and column."""
    from sap_cli.partnership.layout import find_project, find_projects_below
    from sap_cli.validation.check import check_folder

    if output_format not in FORMATS:
        raise typer.BadParameter(
            f"'{output_format}' is not one of: {', '.join(FORMATS)}", param_hint="--format"
        )
    starts = list(folders or [Path.cwd()])
    projects = find_projects_below(starts) if all_below else [find_project(start) for start in starts]
    reports = [check_folder(project) for project in projects]
    problems = [problem for report in reports for problem in report.problems]
    if output_format == "json":
        typer.echo(_as_json([p.as_dict() for p in problems]))
    elif output_format == "github":
        _print_github(problems)
    elif _quiet:
        _print_problem_lines([p for p in problems if p.severity == "error"], _console(stderr=True))
    else:
        for report in reports:
            _print_problems_text(report)
        if len(reports) > 1:
            failing = sum(1 for report in reports if report.errors)
            _console().print(
                f"\nChecked {_count(len(reports), 'partnership')}: {len(reports) - failing} valid, "
                f"{failing} with errors."
            )
    failed = [_failed(report, strict) for report in reports]
    if strict and output_format == "text" and any(not r.errors and r.warnings for r in reports):
        _console().print("Failing because of --strict, which counts warnings as problems.")
    if any(failed):
        raise typer.Exit(1)


# ---------------------------------------------------------------- sap render


@app.command()
def render(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="The partnership folder (default: the one you are in).",
            show_default=False,
            autocompletion=_complete_folder_or_document,
        ),
    ] = None,
    what: Annotated[
        list[str] | None,
        typer.Argument(
            help="Which documents: agreement, worksheets, progress (default: all).",
            show_default=False,
            autocompletion=_complete_document,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; fail if docs/ differs from a fresh render.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--date", help="Measure progress at this date, YYYY-MM-DD (default: latest date in the data)."
        ),
    ] = None,
    private: Annotated[
        str | None,
        typer.Option(
            "--private", metavar="ID", help="Write this partner's own worksheets into private/ instead."
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
    """Write the agreement, reflection worksheets and progress summary as Markdown in docs/."""
    from sap_cli.documents.pages import DOCUMENTS
    from sap_cli.partnership.layout import find_project, find_projects_below
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
    if all_below:
        projects = find_projects_below([_folder_argument(folder)])
    else:
        projects = [find_project(_folder_argument(folder))]
    failed = False
    for project_folder in projects:
        if len(projects) > 1:
            _console().print(f"[bold]{escape(display_path(project_folder))}[/]")
        failed |= not _render_one(project_folder, names or DOCUMENTS, as_of, check, private, force)
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
    from sap_cli.documents.render import render_project
    from sap_cli.words import command_path, display_path

    result = render_project(
        project_folder,
        list(names),
        parse_date(as_of, "--date"),
        check=check,
        private_for=private,
        force=force,
    )
    console = _console()
    again = (
        f"sap render{command_path(project_folder)}"
        + (f" --date {as_of}" if as_of else "")
        + (f" --private {private}" if private else "")
    )
    if check:
        if result.stale:
            console.print("These files do not match what the partnership files say now:")
            for relative, why in result.stale:
                console.print(f"  {escape(display_path(project_folder / relative))} ({why})")
            if any(why != "edited by hand" for _, why in result.stale):
                console.print(f"Run `{escape(again)}` to bring them up to date.")
            if any(why == "edited by hand" for _, why in result.stale):
                console.print(_KEPT_HINT)
            return False
        console.print("The documents are up to date.")
        return True
    for edited, backup in result.backups:
        console.print(
            f"saved your edited {escape(display_path(project_folder / edited))} "
            f"as {escape(display_path(project_folder / backup))}"
        )
    for written in result.written:
        console.print(f"wrote {escape(display_path(written))}")
    for relative in result.removed:
        console.print(f"removed {escape(display_path(project_folder / relative))} (no longer needed)")
    if result.unchanged:
        console.print(f"{_count(len(result.unchanged), 'file')} already up to date.")
    if not (result.written or result.unchanged or result.kept):
        console.print("Nothing to write: worksheets are made once partners are listed in roles.yaml.")
    if result.kept:
        err = _console(stderr=True)
        err.print("[bold red]error:[/] these files were edited by hand, so sap left them as they are:")
        for relative in result.kept:
            err.print(f"  {escape(display_path(project_folder / relative))}")
        err.print(_KEPT_HINT)
        err.print(
            f"To replace them with fresh copies, keeping yours as .backup.md files: {escape(again)} --force"
        )
        return False
    return True


_KEPT_HINT = (
    "[dim]hint:[/] sap never overwrites your edits, but docs/ is rebuilt from the partnership files. "
    "Your own answers to the reflection questions belong in reflections/ (`sap reflect`); changes to "
    "the agreement or the plan belong in the YAML files, or in a template in the partnership's "
    "templates/ folder."
)


# ---------------------------------------------------------------- sap checkin, actions, status


def _pairs(values: Sequence[str], option: str, convert: Any = str) -> dict[str, Any]:
    """'ID=VALUE' flags into a mapping, with a usage error naming the flag when one is malformed."""
    pairs: dict[str, Any] = {}
    for value in values:
        key, sep, raw = value.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError
            pairs[key.strip()] = convert(raw.strip())
        except ValueError:
            raise typer.BadParameter(f"'{value}' should look like ID=VALUE", param_hint=option) from None
    return pairs


def _pulse(raw: str) -> dict[str, int]:
    heard, _, workload = raw.partition("/")
    scores = {"heard": int(heard), "workload": int(workload)} if workload else {"heard": int(heard)}
    if not all(1 <= v <= 5 for v in scores.values()):
        raise ValueError
    return scores


def _ask_checkin(request: "CheckinRequest", folder: Path, date_given: bool) -> None:
    """The interactive check-in: what the flags left out, each question skippable with Enter.

    Every answer is checked as it is given, so a typo is asked again rather than losing the rest.
    """
    from rich.prompt import Prompt

    from sap_cli.meetings.ledger import meeting_prompt, parse_action
    from sap_cli.model.vocab import GOAL_STATUSES
    from sap_cli.partnership.load import load_valid
    from sap_cli.words import did_you_mean

    partnership = load_valid(folder)
    console = _console()
    partner_ids = [p.id for p in partnership.roles.partners]

    def ask(question: str, check: Any = None, default: str = "") -> str:
        while True:
            answer = Prompt.ask(
                question, console=console, default=default, show_default=bool(default)
            ).strip()
            problem = check(answer) if (check and answer) else None
            if problem is None:
                return answer
            console.print(f"[red]{escape(problem)}[/]")

    def known_ids(answer: str) -> str | None:
        wrong = [i for i in _names(answer) if i not in partner_ids]
        if not wrong:
            return None
        guess = did_you_mean(wrong[0], partner_ids)
        return f"'{wrong[0]}' is not a partner id" + (f"; did you mean '{guess}'?" if guess else "")

    def known_status(answer: str) -> str | None:
        return None if answer in GOAL_STATUSES else f"Choose one of: {', '.join(GOAL_STATUSES)}"

    def readable_action(answer: str) -> str | None:
        try:
            owner = parse_action(answer)["owner"]
        except SapError as exc:
            return exc.message + (f". {exc.hint}" if exc.hint else "")
        return known_ids(owner)

    def real_date(answer: str) -> str | None:
        try:
            dt.date.fromisoformat(answer)
        except ValueError:
            return "Please write the date as YYYY-MM-DD, for example 2026-03-04."
        return None

    def number(answer: str) -> str | None:
        try:
            return None if float(answer) >= 0 else "Please give a number of hours, like 3 or 2.5."
        except ValueError:
            return "Please give a number of hours, like 3 or 2.5."

    def score(answer: str) -> str | None:
        return None if answer in ("1", "2", "3", "4", "5") else "Please answer 1, 2, 3, 4 or 5."

    console.print("[bold]Log a meeting.[/] Press Enter to skip any question.\n")
    if not date_given:
        request.date = dt.date.fromisoformat(ask("Date of the meeting", real_date, request.date.isoformat()))
    request.title = ask("Meeting title", default=request.title)
    if not request.attendees:
        console.print(
            "Partners: " + ", ".join(f"{p.id} ({escape(p.name)})" for p in partnership.roles.partners)
        )
        request.attendees = _names(ask("Who came? (ids, separated by commas)", known_ids))
    if not request.notes:
        request.notes = ask("Notes worth keeping") or None
    if not request.goals:
        console.print(f"Where does each goal stand? ({', '.join(GOAL_STATUSES)})")
        for goal in partnership.goals.goals:
            answer = ask(f"  {escape(goal.title)}", known_status)
            if answer:
                request.goals[goal.id] = answer
    if not request.decisions:
        request.decisions = _ask_lines("Decisions made (one per line, empty line to finish)", ask)
    if not request.actions:
        request.actions = _ask_lines(
            'Actions, as "OWNER: TEXT by YYYY-MM-DD" (empty line to finish)', ask, readable_action
        )
    if not request.feedback:
        request.feedback = _ask_lines("Feedback exchanged (one per line, empty line to finish)", ask)
    names = {p.id: p.name for p in partnership.roles.partners}
    if not request.hours and request.attendees:
        console.print("Hours each partner spent since the last meeting (optional)")
        for partner_id in request.attendees:
            answer = ask(f"  {escape(names[partner_id])}", number)
            if answer:
                request.hours[partner_id] = float(answer)
    if not request.pulse and request.attendees:
        console.print(
            "Partnership pulse, 1 to 5 (optional): how heard each felt, and how their workload felt"
        )
        for partner_id in request.attendees:
            heard = ask(f"  {escape(names[partner_id])}, felt heard", score)
            workload = ask(f"  {escape(names[partner_id])}, workload (1 far too much, 5 just right)", score)
            pulse = {k: int(v) for k, v in (("heard", heard), ("workload", workload)) if v}
            if pulse:
                request.pulse[partner_id] = pulse
    if request.reflection_notes is None:
        console.print(
            f"\nThis meeting's reflection question: [italic]{escape(meeting_prompt(partnership))}[/]"
        )
        request.reflection_notes = ask("What did you say?") or None


def _ask_lines(question: str, ask: Any, check: Any = None) -> list[str]:
    _console().print(question)
    lines = []
    while answer := ask("  >", check):
        lines.append(answer)
    return lines


@app.command()
def checkin(
    folder: PartnershipFolder = None,
    date: Annotated[str | None, typer.Option(help="Day of the meeting, YYYY-MM-DD (default: today).")] = None,
    title: Annotated[str, typer.Option(help='A short name for the meeting, e.g. "Week 6".')] = "Check-in",
    attendee: Annotated[list[str], typer.Option(help="Id of a partner who came; repeat for each.")] = [],  # noqa: B006
    note: Annotated[str | None, typer.Option(help="Notes worth keeping.")] = None,
    decision: Annotated[list[str], typer.Option(help="A decision made; repeat for each.")] = [],  # noqa: B006
    action: Annotated[
        list[str], typer.Option(help='An action, "OWNER: TEXT [by YYYY-MM-DD]"; repeat for each.')
    ] = [],  # noqa: B006
    goal: Annotated[
        list[str],
        typer.Option(
            metavar="ID=STATUS", help="A goal's status: not-started, on-track, at-risk, blocked or done."
        ),
    ] = [],  # noqa: B006
    hours: Annotated[
        list[str], typer.Option(metavar="ID=HOURS", help="Hours a partner spent since the last meeting.")
    ] = [],  # noqa: B006
    pulse: Annotated[
        list[str],
        typer.Option(
            metavar="ID=HEARD/WORKLOAD", help="How heard a partner felt and how their workload felt, 1-5."
        ),
    ] = [],  # noqa: B006
    feedback: Annotated[list[str], typer.Option(help="Feedback partners gave each other.")] = [],  # noqa: B006
    reflection: Annotated[
        str | None, typer.Option(help="What partners said to this meeting's reflection question.")
    ] = None,
    done: Annotated[list[str], typer.Option(metavar="ACTION_ID", help="Mark an action done; repeat.")] = [],  # noqa: B006
    no_input: Annotated[bool, typer.Option("--no-input", help="Never ask questions; use the flags.")] = False,
    edit: Annotated[
        bool,
        typer.Option("--edit", help="Finish the record in your editor ($VISUAL or $EDITOR) before saving."),
    ] = False,
    commit: Annotated[
        bool, typer.Option("--commit", help="Commit the new or changed meeting files to git.")
    ] = False,
) -> None:
    """Log a meeting as a new file in checkins/, and close actions that are done."""
    from sap_cli.meetings.checkin import CheckinRequest, record_checkin
    from sap_cli.partnership.layout import find_project
    from sap_cli.words import display_path

    project_folder = find_project(_folder_argument(folder))
    request = CheckinRequest(
        date=parse_date(date, "--date") or dt.date.today(),
        title=title,
        attendees=attendee,
        notes=note,
        decisions=decision,
        actions=action,
        goals=_pairs(goal, "--goal"),
        hours=_pairs(hours, "--hours", float),
        pulse=_pairs(pulse, "--pulse", _pulse),
        feedback=feedback,
        reflection_notes=reflection,
        done=done,
    )
    flags_given = any((attendee, note, decision, action, goal, hours, pulse, feedback, reflection, done))
    if edit:
        recorded = _edit_checkin(project_folder, request, commit, no_input)
    else:
        if can_prompt(no_input) and not flags_given:
            _ask_checkin(request, project_folder, date_given=date is not None)
        recorded = record_checkin(project_folder, request, commit=commit)
    console = _console()
    if recorded.path is not None:
        console.print(f"wrote {escape(display_path(recorded.path))}")
    for action_id in recorded.closed:
        console.print(f"closed action {escape(action_id)}")
    if recorded.committed:
        console.print("committed to git")


def _edit_checkin(folder: Path, request: "CheckinRequest", commit: bool, no_input: bool) -> "Recorded":
    """Open the pre-filled record in the user's editor until it is valid; never discard their text."""
    from rich.prompt import Confirm

    from sap_cli.meetings.checkin import draft_problems, save_draft, start_draft
    from sap_cli.words import display_path

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise UsageProblem(
            "--edit needs to know your editor", hint="Set it once, for example: export EDITOR=nano"
        )
    draft = start_draft(folder, request)
    kept = f"your text is kept in {display_path(draft.path)}"
    while True:
        try:
            finished = _run_editor(editor, draft.path)
        except SapError as exc:
            raise SapError(f"{exc.message[:-1]}; {kept}.") from exc
        if not finished:
            raise SapError(f"the editor stopped with an error, so nothing was saved; {kept}.")
        problems = draft_problems(folder, draft)
        if not problems:
            return save_draft(folder, draft, request, commit)
        _print_problem_lines(problems)
        if not (can_prompt(no_input) and Confirm.ask("Edit it again?", console=_console(), default=True)):
            raise SapError(
                f"The meeting was not saved; {kept}.",
                hint="Fix it, then run the same command again: sap reopens your draft.",
            )


def _today_or(value: str | None) -> dt.date:
    return parse_date(value, "--date") or dt.date.today()


@app.command()
def actions(
    folder: PartnershipFolder = None,
    all_: Annotated[bool, typer.Option("--all", help="Include actions already done.")] = False,
    output_format: Annotated[
        str,
        typer.Option(
            "--format", help="text for people, json for tools.", autocompletion=_completes("text", "json")
        ),
    ] = "text",
    today: Annotated[
        str | None, typer.Option("--date", help="Count overdue from this day (default: today).")
    ] = None,
) -> None:
    """List the actions from all meetings: overdue first, then due soon, then the rest."""
    from sap_cli.meetings.status import read_ledger
    from sap_cli.partnership.layout import find_project

    _check_format(output_format, ("text", "json"))
    entries = read_ledger(find_project(_folder_argument(folder)), _today_or(today), all_)
    if output_format == "json":
        typer.echo(_as_json([e.as_dict() for e in entries], indent=2, ensure_ascii=False))
        return
    if not entries:
        _console().print("No open actions." if not all_ else "No actions recorded yet.")
        return
    from rich.table import Table

    table = Table("Action", "Who", "Due", "State", "What", box=None, pad_edge=False)
    styles = {"overdue": "bold red", "due-soon": "yellow", "open": "", "done": "dim"}
    for e in entries:
        table.add_row(
            escape(e.id), escape(e.owner_name), e.due.isoformat() if e.due else "-",
            f"[{styles[e.state]}]{e.state}[/]" if styles[e.state] else e.state, escape(e.text),
        )  # fmt: skip
    _console().print(table)


def _check_format(value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise typer.BadParameter(f"'{value}' is not one of: {', '.join(allowed)}", param_hint="--format")


@app.command()
def status(
    folder: PartnershipFolder = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format", help="text for people, json for tools.", autocompletion=_completes("text", "json")
        ),
    ] = "text",
    today: Annotated[str | None, typer.Option("--date", help="Look from this day (default: today).")] = None,
) -> None:
    """What needs attention: meetings, overdue actions, next milestones, goals and how partners feel."""
    from sap_cli.meetings.status import read_status
    from sap_cli.partnership.layout import find_project

    _check_format(output_format, ("text", "json"))
    data = read_status(find_project(_folder_argument(folder)), _today_or(today))
    if output_format == "json":
        typer.echo(_as_json(data, indent=2, ensure_ascii=False))
        return
    _print_status(data)


def _print_status(data: dict[str, Any]) -> None:
    console = _console()
    console.print(f"[bold]{escape(data['title'])}[/] · {data['phase']} · as of {data['as_of']}")
    last = data["last_checkin"]
    if last is None:
        console.print("[yellow]No meeting logged yet.[/] Log one with: sap checkin")
    else:
        drift = " [bold red](more than the agreed gap: time to meet)[/]" if data["checkin_overdue"] else ""
        days = data["days_since_last_checkin"]
        when = (
            "today"
            if days == 0
            else f"{_count(days, 'day')} ago"
            if days > 0
            else f"{_count(-days, 'day')} from now (dated ahead)"
        )
        console.print(
            f"Last meeting: {escape(last['title'])} on {last['date']}, {when}"
            + (f"; you agreed to meet {data['cadence']}" if data["cadence"] else "")
            + drift
        )
    console.print(
        f"\n[bold]Actions[/]: {len(data['open_actions'])} open, "
        f"{len(data['overdue_actions'])} overdue, {len(data['due_soon_actions'])} due within a week"
    )
    for entry in data["overdue_actions"] + data["due_soon_actions"]:
        colour = "red" if entry["state"] == "overdue" else "yellow"
        console.print(
            f"  [{colour}]{entry['state']}[/] {escape(entry['owner_name'])}: {escape(entry['text'])}"
            f" (due {entry['due']}) [dim]{escape(entry['id'])}[/]"
        )
    console.print("\n[bold]Next milestones[/]")
    for m in data["next_milestones"]:
        hard = " [bold]hard deadline[/]" if m["deadline"] == "hard" else ""
        late = " [red]overdue[/]" if m["overdue"] else ""
        console.print(f"  {m['due']} {escape(m['title'])}{hard}{late}")
    if not data["next_milestones"]:
        console.print("  none left")
    console.print("\n[bold]Goals[/] (from the last meeting)")
    for g in data["goals"]:
        console.print(f"  {g['status'] or 'no status yet':14} {escape(g['title'])}")
    _print_signing(data["agreement"])
    if data["pulse"]:
        console.print("\n[bold]How partners feel[/] (heard / workload, 1-5, meeting by meeting)")
        for kind, points in data["pulse"].items():
            trail = "  ".join(f"{p['heard'] or '-'}/{p['workload'] or '-'}" for p in points[-5:])
            console.print(f"  {kind:8} {trail}")


def _print_signing(agreement: dict[str, Any]) -> None:
    console = _console()
    partners = agreement["partners"]
    console.print(f"\n[bold]Agreement[/] (version {agreement['version']})")
    if partners and all(p["state"] == "signed" for p in partners):
        console.print(f"  signed by all {_count(len(partners), 'partner')}")
    for p in partners:
        if p["state"] == "sign-again":
            console.print(f"  [yellow]sign again[/] {escape(p['name'])}: {escape(p['reason'])}")
    unsigned = [p["name"] for p in partners if p["state"] == "not-signed"]
    if unsigned:
        console.print(f"  not signed yet: {escape(', '.join(unsigned))}")
    if any(p["state"] != "signed" for p in partners):
        console.print("  [dim]Each partner signs with: sap sign --partner ID[/]")


# ---------------------------------------------------------------- sap report


@app.command()
def report(
    folder: PartnershipFolder = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH|-",
            help="Where to write it (default: docs/review.md); - prints it instead.",
        ),
    ] = None,
    anonymize: Annotated[
        bool,
        typer.Option(
            "--anonymize",
            help="Replace every partner's name and id with 'Student A', 'Faculty B'... for sharing.",
        ),
    ] = False,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="markdown for people, json for the figures as data.",
            autocompletion=_completes("markdown", "json"),
        ),
    ] = "markdown",
    as_of: Annotated[
        str | None,
        typer.Option("--date", help="Review the record up to this day (default: its latest date)."),
    ] = None,
    include_private: Annotated[
        bool,
        typer.Option(
            "--include-private",
            help="Also use the private reflections on this computer; the review then goes to private/.",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace a review edited by hand, saving it first as a .backup.md copy."
        ),
    ] = False,
) -> None:
    """Write the end-of-project review: goals, timeline, how the partnership ran, power, outcomes."""
    from sap_cli.documents.files import Document, write_documents
    from sap_cli.partnership.layout import find_project
    from sap_cli.review.report import report_project
    from sap_cli.words import display_path

    _check_format(output_format, ("markdown", "json"))
    project_folder = find_project(_folder_argument(folder))
    figures, markdown = report_project(
        project_folder, anonymize, parse_date(as_of, "--date"), include_private=include_private
    )
    if output_format == "json":
        _write_json_report(_as_json(figures, indent=2, ensure_ascii=False) + "\n", output)
        return
    if output == "-":
        typer.echo(markdown, nl=False)
        return
    suffix = "-anonymized" if anonymize else ""
    home = "private" if include_private else "docs"
    target = project_folder / home / f"review{suffix}.md" if output is None else Path(output)
    if include_private and output is None:
        from sap_cli.files.git import keep_private_out_of_git

        keep_private_out_of_git(project_folder)
    result = write_documents(target.parent, [Document(target.name, markdown)], force=force)
    if result.kept:
        raise SapError(
            f"{display_path(target)} was edited by hand or not made by sap, so it was left as it is.",
            hint="Rename it to keep it, choose another file with -o, or use --force to replace it "
            "after saving yours as a .backup.md copy.",
        )
    for _, backup in result.backups:
        _console().print(f"saved your edited copy as {escape(display_path(target.parent / backup))}")
    if result.written:
        _console().print(f"wrote {escape(display_path(target))}")
    else:
        _console().print(f"{escape(display_path(target))} is already up to date.")


def _write_json_report(text: str, output: str | None) -> None:
    """The review's figures to the screen, or to a new file (never over a different one)."""
    from sap_cli.files.atomic import create_exclusive
    from sap_cli.words import display_path

    if output in (None, "-"):
        typer.echo(text, nl=False)
        return
    target = Path(str(output))
    if target.exists():
        if target.is_file() and target.read_bytes() == text.encode("utf-8"):
            _console().print(f"{escape(display_path(target))} is already up to date.")
            return
        raise SapError(
            f"{display_path(target)} already exists; nothing was written.", hint="Choose a new name."
        )
    create_exclusive(target, text)
    _console().print(f"wrote {escape(display_path(target))}")


# ---------------------------------------------------------------- sap reflect

PHASE_NAMES = ("start", "during", "end")


@app.command()
def reflect(
    folder: PartnershipFolder = None,
    phase: Annotated[
        str,
        typer.Option(
            "--phase",
            metavar="start|during|end",
            help="Which one: start, during or end.",
            autocompletion=_completes("start", "during", "end"),
        ),
    ] = "",
    partner: Annotated[
        str, typer.Option("--partner", metavar="ID", help="Whose reflection (their id from roles.yaml).")
    ] = "",
    private: Annotated[
        bool, typer.Option("--private", help="Keep it in private/, which git leaves out, for your eyes only.")
    ] = False,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Do not open an editor; just make the file and print its path.")
    ] = False,
) -> None:
    """Answer the reflection questions in your own file, which sap makes once and never changes."""
    from sap_cli.partnership.layout import find_project
    from sap_cli.reflections.reflect import open_reflection
    from sap_cli.words import display_path

    if not phase or not partner:
        missing = " and ".join(f for f, v in (("--phase", phase), ("--partner", partner)) if not v)
        raise UsageProblem(
            f"say which reflection with {missing}",
            hint="For example: sap reflect --phase start --partner amira-haddad",
        )
    opened = open_reflection(find_project(_folder_argument(folder)), phase.lower(), partner, private)
    shown = escape(display_path(opened.path))
    console = _console()
    console.print(f"{'made' if opened.created else 'already there, kept as it is:'} {shown}")
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if can_prompt(no_input) and editor:
        if _run_editor(editor, opened.path):
            console.print(
                f"Your answers are saved in {shown}."
                + (" It stays on this computer." if private else " Commit it to share it with your partners.")
            )
        return
    console.print(
        "Open it in any text editor and write your answers between the marker lines under each question."
        + (
            ""
            if editor or not can_prompt(no_input)
            else " Set EDITOR (e.g. export EDITOR=nano) and sap opens it."
        )
    )


def _run_editor(editor: str, path: Path) -> bool:
    """Open `path` in the user's editor; True if the editor closed normally."""
    import shlex
    import subprocess

    try:
        return subprocess.run([*shlex.split(editor), str(path)], check=False).returncode == 0
    except OSError as exc:
        raise SapError(f"could not start the editor '{editor}': {exc.strerror}.") from exc


# ---------------------------------------------------------------- sap sign


@app.command()
def sign(
    folder: PartnershipFolder = None,
    partner: Annotated[
        str, typer.Option("--partner", metavar="ID", help="Id of the partner who agrees (from roles.yaml).")
    ] = "",
    on: Annotated[
        str | None, typer.Option("--date", help="The day they agreed, YYYY-MM-DD (default: today).")
    ] = None,
) -> None:
    """Record that a partner agrees to the agreement as it stands now."""
    from sap_cli.agreement.sign import sign_partner
    from sap_cli.partnership.layout import find_project
    from sap_cli.words import command_path, display_path

    if not partner:
        raise UsageProblem(
            "say who is signing with --partner ID", hint="The ids are in roles.yaml: --partner amira-haddad"
        )
    project_folder = find_project(_folder_argument(folder))
    signed = sign_partner(project_folder, partner, _today_or(on))
    console = _console()
    if signed.already:
        console.print(
            f"{escape(signed.name)} has already signed version {signed.version} of the agreement "
            "as it stands; nothing was written."
        )
        return
    if signed.new_version_from is not None:
        console.print(
            f"The agreement has changed since version {signed.new_version_from} was signed, "
            f"so this is version {signed.version} (project.yaml updated)."
        )
    console.print(
        f"{escape(signed.name)} signed version {signed.version} "
        f"(fingerprint {signed.fingerprint}): wrote {escape(display_path(signed.path))}"
    )
    console.print(f"Run `sap render{escape(command_path(project_folder))}` to show it in docs/agreement.md.")


# ---------------------------------------------------------------- sap calendar


@app.command()
def calendar(
    folder: PartnershipFolder = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FILE|-",
            help="Where to write it (default: docs/calendar.ics in the partnership); - prints it instead.",
        ),
    ] = None,
) -> None:  # fmt: skip
    """Write the dates as a calendar file (.ics): milestones, open actions and the meeting series."""
    from sap_cli.calendar.file import build_calendar, write_calendar
    from sap_cli.partnership.layout import find_project
    from sap_cli.words import display_path

    project_folder = find_project(_folder_argument(folder))
    if output == "-":
        sys.stdout.buffer.write(build_calendar(project_folder))
        sys.stdout.flush()
        return
    written = write_calendar(project_folder, None if output is None else Path(output))
    where = escape(display_path(written.path))
    if written.changed:
        _console().print(f"wrote {where} ({_count(written.events, 'event')})")
    else:
        _console().print(f"{where} is already up to date.")
    _console().print("Import it into your calendar; import it again after changes and events update.")


# ---------------------------------------------------------------- sap schema


@app.command()
def schema(
    folder: PartnershipFolder = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="DIR",
            help="Only write the schema files into DIR; no partnership needed, no file touched.",
        ),
    ] = None,
) -> None:  # fmt: skip
    """Help your editor: JSON Schemas so it completes and checks the YAML files as you type."""
    from sap_cli.words import display_path

    console = _console()
    if output is not None:
        from sap_cli.editor.schemas import write_schemas

        written = write_schemas(output)
        console.print(f"Wrote {len(written)} JSON Schemas in {escape(display_path(output))}:")
        for path in written:
            console.print(f"  {escape(path.name)}")
        return
    from sap_cli.editor.setup import set_up_editor_support
    from sap_cli.partnership.layout import find_project

    setup = set_up_editor_support(find_project(_folder_argument(folder)))
    console.print(f"Wrote {len(setup.schemas)} JSON Schemas in {escape(display_path(setup.schema_folder))}/.")
    if setup.marked:
        console.print("Added a first line pointing at its schema to:")
        for path in setup.marked:
            console.print(f"  {escape(display_path(path))}")
    else:
        console.print("Every YAML file already points at its schema.")
    console.print(
        "Editors with YAML support (VS Code with the Red Hat YAML extension, and others) now suggest "
        "fields and underline mistakes, offline."
    )


# ---------------------------------------------------------------- sap explain


@app.command()
def explain(
    topic: Annotated[
        str | None,
        typer.Argument(
            help="What to explain: bovill, ladder, values, propositions, areas or power. "
            "Leave it out to list the topics.",
            show_default=False,
            autocompletion=_complete_topic,
        ),
    ] = None,
) -> None:
    """Explain a Students as Partners framework, who proposed it, and where sap records it."""
    from sap_cli.explain import explain as explain_topic
    from sap_cli.explain import topic_names

    console = _console()
    if topic is None:
        for name, summary in topic_names():
            console.print(f"[bold]{name:13}[/] {escape(summary)}")
        console.print("\nRead one with: sap explain TOPIC")
        return
    text = explain_topic(topic)
    if console.is_terminal and not console.no_color:
        from rich.markdown import Markdown

        console.print(Markdown(text), soft_wrap=False)  # prose wraps at the window edge; no cut words
    else:
        typer.echo(text, nl=False)


# ---------------------------------------------------------------- sap upgrade


@app.command()
def upgrade(
    folder: PartnershipFolder = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only show what would change; write nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Make the changes without asking.")] = False,
) -> None:
    """Bring a folder written by an older sap up to this sap's file format, showing each change first."""
    from sap_cli.partnership.layout import find_project
    from sap_cli.upgrade import apply_upgrade, plan_upgrade
    from sap_cli.words import command_path, display_path

    project_folder = find_project(_folder_argument(folder))
    plan = plan_upgrade(project_folder)
    console = _console()
    where = display_path(project_folder)
    if not plan.needed:
        console.print(f"{escape(where)} is already in file format {plan.to_version}; nothing to do.")
        return
    console.print(
        f"{escape(where)} is in file format {plan.from_version}; this sap uses format {plan.to_version}."
    )
    for note in plan.notes:
        console.print(f"  - {escape(note)}")
    console.print()
    for change in plan.changes:
        _print_diff(change.diff())
    if dry_run:
        console.print("Nothing was changed (--dry-run). Run `sap upgrade` to make these changes.")
        return
    if not yes:
        if not can_prompt(no_input=False):
            raise UsageProblem(
                "sap upgrade changes files, so with no one at a terminal to say yes it needs --yes; "
                "nothing was changed",
                hint="Look first with `sap upgrade --dry-run`, then run `sap upgrade --yes`.",
            )
        from rich.prompt import Confirm

        if not Confirm.ask("Make these changes?", console=console, default=True):
            console.print("Nothing was changed.")
            return
    written = apply_upgrade(plan)
    console.print(f"Upgraded to file format {plan.to_version}; wrote:")
    for change in plan.changes:
        console.print(f"  {escape(display_path(project_folder / change.relative))}")
    if len(written) > len(plan.changes):
        console.print("  and brought the editor schemas in .sap/schema/ up to date")
    console.print(f"Check the result with: sap validate{escape(command_path(project_folder))}")
    from sap_cli.partnership.modeline import SCHEMA_FOLDER

    if not (project_folder / SCHEMA_FOLDER).is_dir():
        console.print(
            f"Tip: `sap schema{escape(command_path(project_folder))}` lets editors suggest fields and "
            "spot mistakes as you type."
        )


def _print_diff(diff: str) -> None:
    console = _console()
    styles = {"+": "green", "-": "red", "@": "cyan"}
    for line in diff.splitlines():
        style = "bold" if line.startswith(("+++", "---")) else styles.get(line[:1], "")
        console.print(f"[{style}]{escape(line)}[/]" if style else escape(line), highlight=False)


agreement_app = typer.Typer(
    name="agreement", help="Look at the partnership agreement's history.", no_args_is_help=True
)
app.add_typer(agreement_app)


@agreement_app.command("diff")
def agreement_diff(
    folder: PartnershipFolder = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="VERSION|DATE",
            help="Compare with this signed version, or the agreement on this day (default: the last signed).",
        ),
    ] = None,
) -> None:
    """Say in plain words what changed in the agreement since it was signed."""
    from sap_cli.agreement.diff import agreement_changes
    from sap_cli.partnership.layout import find_project

    found = agreement_changes(find_project(_folder_argument(folder)), since)
    console = _console()
    if not found.changes:
        console.print(f"Nothing in the agreement has changed since {escape(found.since)}.")
        return
    console.print(f"Changed since {escape(found.since)}:")
    for part, sentences in found.changes.items():
        console.print(f"\n[bold]{escape(part.capitalize())}[/]")
        for sentence in sentences:
            console.print(f"  - {escape(sentence)}")
    if not found.detailed:
        console.print(
            "\n[dim]The folder's git history does not hold the signed text, so sap can name the parts "
            "that changed but not what changed in them.[/]"
        )


def main() -> None:
    """Entry point of the `sap` console script."""
    app(prog_name="sap")
