"""The command line's wiring: exit codes, exact output lines, no tracebacks for expected failures."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, MINIMAL, assert_handled
from sap_cli import __version__, cli
from sap_cli.cli import interaction
from sap_cli.errors import ProjectNotFound

DEMO_ARGS = [
    "init", "demo", "--no-input", "--title", "Co-designing BIOL 201", "--student", "Amira Haddad",
    "--faculty", "Dr Lee Chen", "--template", "course-redesign",
]  # fmt: skip


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"sap {__version__}"


def test_init_then_validate_the_issue_example(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    made = runner.invoke(cli.app, DEMO_ARGS)
    assert made.exit_code == 0, made.output
    lines = made.output.splitlines()
    for name in ("project.yaml", "roles.yaml", "goals.yaml", "timeline.yaml", "matrix.yaml", ".gitignore"):
        assert f"  demo/{name}" in lines
    assert "  cd demo\n  sap validate " in made.output
    checked = runner.invoke(cli.app, ["validate", "demo"])
    assert checked.exit_code == 0, checked.output
    assert "demo is valid: 2 partners" in checked.output


def test_init_refuses_an_existing_partnership(
    runner: CliRunner, make_partnership: Callable[..., Path]
) -> None:
    folder = make_partnership()
    before = (folder / "project.yaml").read_bytes()
    result = runner.invoke(cli.app, [*DEMO_ARGS[:1], str(folder), *DEMO_ARGS[2:]])
    assert result.exit_code == 1
    assert "already holds a partnership" in result.output
    assert_handled(result)
    assert (folder / "project.yaml").read_bytes() == before


def test_init_without_a_title_and_no_terminal_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["init", str(tmp_path / "x"), "--no-input"])
    assert result.exit_code == 2
    assert "a title is needed" in result.output
    assert not (tmp_path / "x").exists()


def test_init_unknown_template_is_explained(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["init", str(tmp_path / "x"), "--title", "T", "--template", "sotl2"])
    assert result.exit_code == 2
    assert "There is no partnership template called 'sotl2'. Did you mean 'sotl'?" in result.output


def test_init_bad_date_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["init", str(tmp_path / "x"), "--title", "T", "--start", "4/3/2026"])
    assert result.exit_code == 2
    assert "write it as YYYY-MM-DD" in result.output


def test_wizard_asks_for_what_the_flags_left_out(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(interaction, "can_prompt", lambda no_input: True)
    monkeypatch.chdir(tmp_path)
    answers = [
        "Co-designing BIOL 201",  # title
        "3",  # template number (sorted: blank, assessment-co-creation, course-redesign, ...)
        "Amira Haddad, Sam Okafor",  # students
        "Dr Lee Chen",  # faculty
        "",  # staff
        "2026-01-12",  # start
        "not a date",  # end: asked again
        "2026-05-01",
        "weekly",  # cadence
        "",  # folder: keep the suggestion
        "n",  # git
    ]
    result = runner.invoke(cli.app, ["init"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Please write the date as YYYY-MM-DD" in result.output
    roles = (tmp_path / "co-designing-biol-201" / "roles.yaml").read_text(encoding="utf-8")
    assert "id: sam-okafor" in roles
    project = (tmp_path / "co-designing-biol-201" / "project.yaml").read_text(encoding="utf-8")
    assert "cadence: weekly" in project
    assert "end: 2026-05-01" in project
    assert "curriculum-design" in project


def test_validate_lists_every_problem_with_position_and_hint(
    runner: CliRunner, make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_partnership(
        roles=MINIMAL["roles.yaml"].replace("kind: faculty", "kind: mentor"),
        goals=MINIMAL["goals.yaml"].replace("      - lee-chen", "      - lee"),
    )
    monkeypatch.chdir(folder.parent)
    result = runner.invoke(cli.app, ["validate", "demo"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "demo/roles.yaml:9:11: error: 'mentor' is not one of the choices for 'kind' [bad-choice]",
        "    hint: Choose one of: student, faculty, staff, other",
        "demo/goals.yaml:6:9: error: there is no partner with id 'lee' (did you mean 'lee-chen'?)"
        " [unknown-partner]",
        "    hint: Partner ids are listed in roles.yaml: amira-haddad, lee-chen",
        "demo: 2 errors, 0 warnings.",
    ]


def test_validate_finds_the_folder_from_inside_it(
    runner: CliRunner, make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_partnership()
    (folder / "checkins").mkdir()
    monkeypatch.chdir(folder / "checkins")
    result = runner.invoke(cli.app, ["validate"])
    assert result.exit_code == 0, result.output


def test_validate_outside_a_partnership(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "No partnership found" in result.output
    assert "sap init" in result.output
    assert_handled(result)


def test_debug_lets_the_traceback_through(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["--debug", "validate", str(tmp_path)])
    assert isinstance(result.exception, ProjectNotFound)


def test_validate_json_is_a_list_of_documented_objects(
    runner: CliRunner, make_partnership: Callable[..., Path]
) -> None:
    folder = make_partnership(project=MINIMAL["project.yaml"].replace("cadence: fortnightly\n", ""))
    result = runner.invoke(cli.app, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == 0
    [problem] = json.loads(result.output)
    assert set(problem) == {
        "partnership", "file", "line", "column", "severity", "code", "message", "hint", "source",
    }  # fmt: skip
    assert (problem["severity"], problem["code"]) == ("warning", "no-meeting-cadence")
    assert (problem["partnership"], problem["file"]) == (str(folder.resolve()), "project.yaml")


def test_validate_json_names_files_the_same_wherever_sap_runs(
    runner: CliRunner, make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data carries paths relative to the partnership; only text output follows the working folder."""
    folder = make_partnership(roles=MINIMAL["roles.yaml"].replace("kind: faculty", "kind: teacher"))
    seen = []
    for where in (folder, folder.parent, folder / "docs"):
        where.mkdir(exist_ok=True)
        monkeypatch.chdir(where)
        result = runner.invoke(cli.app, ["validate", str(folder), "--format", "json"])
        assert_handled(result)
        seen.append([(p["partnership"], p["file"], p["line"]) for p in json.loads(result.stdout)])
    assert seen[0] == seen[1] == seen[2] and seen[0][0][1] == "roles.yaml"
    monkeypatch.chdir(folder.parent)
    text = runner.invoke(cli.app, ["validate", folder.name])
    assert f"{folder.name}/roles.yaml:" in text.stderr + text.stdout


def test_strict_fails_on_warnings(runner: CliRunner, make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership(project=MINIMAL["project.yaml"].replace("cadence: fortnightly\n", ""))
    assert runner.invoke(cli.app, ["validate", str(folder)]).exit_code == 0
    assert runner.invoke(cli.app, ["validate", str(folder), "--strict"]).exit_code == 1


def test_github_format_annotates_lines(runner: CliRunner, make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership(roles=MINIMAL["roles.yaml"].replace("kind: faculty", "kind: mentor"))
    result = runner.invoke(cli.app, ["validate", str(folder), "--format", "github"])
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("::error file=")
    assert ",line=9,col=11,title=bad-choice::'mentor' is not one of the choices" in line


def test_unknown_format_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["validate", str(EXAMPLES / "micro-credential"), "--format", "xml"])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("argv", "error", "hint"),
    [
        (
            ["validate", str(EXAMPLES / "micro-credential"), "--format", "xml"],
            "error: Invalid value for '--format': 'xml' is not one of 'text', 'json', 'github'.",
            "hint: Run 'sap validate --help' to see the options.",
        ),
        (
            ["sign", str(EXAMPLES / "micro-credential"), "--partner"],
            "error: Option '--partner' requires an argument.",
            "hint: Run 'sap sign --help' to see the options.",
        ),
        (
            ["init", "--cadence", "daily"],
            "error: Invalid value for '--cadence': 'daily' is not one of 'weekly', 'fortnightly', 'monthly'.",
            "hint: Run 'sap init --help' to see the options.",
        ),
        (
            ["checkin", "--no-such-flag"],
            "error: No such option: --no-such-flag",
            "hint: Run 'sap checkin --help' to see the options.",
        ),
        (
            ["frobnicate"],
            "error: No such command 'frobnicate'.",
            "hint: Run 'sap --help' to see the commands.",
        ),
    ],
)
def test_click_usage_errors_come_out_in_sap_style(
    runner: CliRunner, argv: list[str], error: str, hint: str
) -> None:
    """A bad choice, an option missing its value, an unknown option or command: sap's lines, no Usage box."""
    result = runner.invoke(cli.app, argv)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [error, hint]
    assert "Usage:" not in result.output


def test_the_help_shows_the_closed_choices(runner: CliRunner) -> None:
    assert "--format <text|json|github>" in runner.invoke(cli.app, ["validate", "--help"]).output
    assert "--format <text|json>" in runner.invoke(cli.app, ["status", "--help"]).output
    assert "--format <markdown|json>" in runner.invoke(cli.app, ["report", "--help"]).output
    assert "<weekly|fortnightly|monthly>" in runner.invoke(cli.app, ["init", "--help"]).output


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["validate", "--help"], []])
def test_start_up_does_not_load_the_heavy_modules(argv: list[str]) -> None:
    """The modules a plain `sap --help` or `--version` imports, seen from a fresh process (not timed)."""
    probe = (
        "import sys\n"
        "from sap_cli.entry import main\n"
        f"sys.argv = ['sap', *{argv!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('jinja2', 'ruamel', 'rich', 'icalendar')\n"
        "         or m.startswith(('sap_cli.model', 'sap_cli.partnership', 'sap_cli.files'))]\n"
        "print('HEAVY', sorted(heavy))\n"
        "print('TYPER', 'typer' in sys.modules)\n"
        "print('PYDANTIC', 'pydantic' in sys.modules)\n"
        "print('COMMANDS', sorted(m for m in sys.modules if m.startswith('sap_cli.cli.commands.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out
    # Each command's module is imported when that command is used, and only then (cli/lazy.py).
    used = [f"sap_cli.cli.commands.{argv[0]}"] if argv[:1] == ["validate"] else []
    assert f"COMMANDS {used!r}" in out
    # typer itself brings pydantic in to read a command's options, but not for the top-level help.
    assert ("PYDANTIC True" in out) == (argv[:1] == ["validate"])
    # `sap --version` answers before even the command-line library is imported.
    assert ("TYPER False" in out) == (argv == ["--version"])


@pytest.mark.slow
@pytest.mark.parametrize("command", ["status", "validate"])
def test_reading_one_partnership_loads_neither_templates_nor_rich(command: str) -> None:
    """`sap status` and `sap validate` on a valid folder, printing to a pipe: no jinja2, and no rich,
    whose lines sap writes itself when nothing is styled (cli/plain.py). Seen from a fresh process."""
    probe = (
        "import sys\n"
        "from sap_cli.entry import main\n"
        f"sys.argv = ['sap', {command!r}, {str(EXAMPLES / 'course-redesign')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in sys.modules\n"
        "         if m.split('.')[0] in ('jinja2', 'rich', 'icalendar', 'markdown_it')]\n"
        "print('HEAVY', sorted(heavy), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "HEAVY []" in result.stderr, result.stderr


@pytest.mark.slow
def test_python_dash_m_runs_the_same_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sap_cli", "validate", str(EXAMPLES / "course-redesign")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stdout


def test_interrupt_exits_130_without_a_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, make_partnership: Callable[..., Path]
) -> None:
    import sap_cli.validation.check

    def interrupted(folder: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sap_cli.validation.check, "check_folder", interrupted)
    result = runner.invoke(cli.app, ["validate", str(make_partnership())])
    assert result.exit_code == 130
    assert_handled(result)


def test_assert_handled_catches_the_crash_that_no_traceback_in_the_output_hides(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, make_partnership: Callable[..., Path]
) -> None:
    """Why tests call assert_handled: CliRunner keeps an exception in result.exception, unprinted."""
    import sap_cli.validation.check

    def broken(folder: Path) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(sap_cli.validation.check, "check_folder", broken)
    result = runner.invoke(cli.app, ["validate", str(make_partnership())])
    assert result.exit_code == 1 and "Traceback" not in result.output  # the old check passed this crash
    with pytest.raises(pytest.fail.Exception, match=r"(?s)RuntimeError\('a bug'\).*Traceback.*in broken"):
        assert_handled(result)


def test_user_text_that_looks_like_markup_is_shown_as_typed(
    runner: CliRunner, make_partnership: Callable[..., Path]
) -> None:
    roles = MINIMAL["roles.yaml"].replace("kind: faculty", "kind: '[red]teacher[/]'")
    result = runner.invoke(cli.app, ["validate", str(make_partnership(roles=roles))])
    assert result.exit_code == 1
    assert "'[red]teacher[/]' is not one of the choices" in result.output


def test_a_mistyped_folder_is_not_silently_replaced_by_a_parent(
    runner: CliRunner, make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_partnership()
    monkeypatch.chdir(folder)
    result = runner.invoke(cli.app, ["validate", "typo-folder"])
    assert result.exit_code == 1
    assert "There is no folder called typo-folder." in result.output


def test_a_comma_in_a_flag_stays_in_the_name(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "x"
    result = runner.invoke(
        cli.app, ["init", str(folder), "--no-input", "--title", "T", "--student", "Haddad, Amira"]
    )
    assert result.exit_code == 0, result.output
    assert "name: Haddad, Amira" in (folder / "roles.yaml").read_text(encoding="utf-8")


def test_strict_says_why_it_failed(runner: CliRunner, make_partnership: Callable[..., Path]) -> None:
    folder = make_partnership(project=MINIMAL["project.yaml"].replace("cadence: fortnightly\n", ""))
    result = runner.invoke(cli.app, ["validate", str(folder), "--strict"])
    assert "Failing because of --strict" in result.output


def test_impossible_date_flag_names_the_option(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["init", str(tmp_path / "x"), "--title", "T", "--start", "2026-02-30"])
    assert result.exit_code == 2
    assert "--start" in result.output
    assert "is not a day in the calendar" in result.output


def test_validate_all_reports_each_partnership_below_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    for example in ("course-redesign", "micro-credential"):
        shutil.copytree(EXAMPLES / example, tmp_path / "programmes" / example)
    roles = tmp_path / "programmes/course-redesign/roles.yaml"
    roles.write_text(
        roles.read_text(encoding="utf-8").replace("kind: staff", "kind: stuff"), encoding="utf-8"
    )
    result = runner.invoke(cli.app, ["validate", "--all", str(tmp_path)])
    assert result.exit_code == 1
    assert "course-redesign/roles.yaml:54:11: error: 'stuff' is not one of the choices" in result.output
    assert "micro-credential is valid" in result.output
    assert result.output.rstrip().endswith("Checked 2 partnerships: 1 valid, 1 with errors.")
    both = runner.invoke(
        cli.app,
        [
            "validate",
            str(tmp_path / "programmes/micro-credential"),
            str(EXAMPLES / "student-recruitment-panel"),
        ],
    )
    assert both.exit_code == 0
    assert "Checked 2 partnerships: 2 valid, 0 with errors." in both.output
    nothing = runner.invoke(cli.app, ["validate", "--all", str(tmp_path / "programmes/course-redesign/docs")])
    assert nothing.exit_code == 1
    assert "No partnership found in" in nothing.output


def test_status_names_a_meeting_dated_ahead_and_one_held_today(runner: CliRunner) -> None:
    """A meeting after the day looked from is not the last meeting then, but status says it is there."""
    folder = str(EXAMPLES / "course-redesign")
    ahead = runner.invoke(cli.app, ["status", folder, "--date", "2026-03-01"])
    assert "Last meeting: Survey results on 2026-02-17, 12 days ago;" in ahead.output
    assert "from now" not in ahead.output
    assert (
        "Not counted: 1 meeting dated after 2026-03-01 (the next: Redesign plan on 2026-03-03)"
        in " ".join(ahead.output.split())
    )
    today = runner.invoke(cli.app, ["status", folder, "--date", "2026-03-03"])
    assert "Last meeting: Redesign plan on 2026-03-03, today;" in today.output


def test_a_suggested_command_can_be_pasted_for_a_folder_with_a_space(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(EXAMPLES / "micro-credential", tmp_path / "my folder")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, ["sign", "my folder", "--partner", "lee-chen"])
    assert result.exit_code == 0, result.output
    assert "Run `sap render 'my folder'` to show it in docs/agreement.md." in result.output
