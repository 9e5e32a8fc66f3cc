"""A folder from a stranger cannot steer the terminal or exhaust the computer (issue 14).

Terminal: control characters from a folder (ESC, BEL, C1) are refused in YAML values even when
written as escapes, and shown as visible signs wherever sap prints text; JSON keeps them exact.
Limits: a YAML file over 2 MB and a template over 1 MB are refused before parsing, and every
template payload that builds huge text is refused before it allocates.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, assert_handled
from sap_cli import cli
from sap_cli.errors import TemplateFailed

RAW = ("\x1b", "\x07", "\x9b")

CHECKIN = """\
id: 2026-03-04-week-6
date: 2026-03-04
title: Week 6
attendees: [amira-haddad, lee-chen]
actions:
  - id: 2026-03-04-week-6-a1
    owner: amira-haddad
    text: {text}
    due: 2026-03-11
"""


def no_raw_controls(text: str) -> None:
    for char in RAW:
        assert char not in text, f"raw U+{ord(char):04X} reached the terminal: {text!r}"


# (what is written in YAML, the character it becomes once parsed)
ESCAPES = [
    (r'"\e]0;pwned\a"', "U+001B"),  # set the window title
    (r'"\x1b[2J\x1b[32mAll partners have signed"', "U+001B"),  # clear, then a fake green line
    (r'"\u009b31mred"', "U+009B"),  # the one-byte C1 CSI
    (r'"\e]8;;https://evil.example\e\\link\e]8;;\e\\"', "U+001B"),  # an OSC 8 link
    (r'"ring\x07"', "U+0007"),
]


@pytest.mark.parametrize(("written", "code"), ESCAPES)
def test_escaped_control_characters_are_refused_after_parsing(
    runner: CliRunner, make_partnership: Callable[..., Path], written: str, code: str
) -> None:
    folder = make_partnership(project=f"title: {written}\nstart: 2026-01-12\nend: 2026-05-29\n")
    result = runner.invoke(cli.app, ["validate", str(folder)])
    assert_handled(result)
    assert result.exit_code == 1
    assert "project.yaml:1:8: error:" in result.output
    assert f"({code}), written as a backslash escape" in result.output
    assert "[not-text]" in result.output
    no_raw_controls(result.output)


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["status"],
        ["actions", "--done"],
        ["render"],
        ["report", "-o", "-"],
        ["calendar", "-o", "-"],
    ],
)
def test_no_command_prints_a_title_or_action_with_escapes(
    runner: CliRunner, make_partnership: Callable[..., Path], command: list[str]
) -> None:
    folder = make_partnership(
        project='title: "\\e]0;pwned\\a\\e[2J\\e[32mAll partners have signed"\n'
        "start: 2026-01-12\nend: 2026-05-29\n"
    )
    (folder / "checkins").mkdir()
    (folder / "checkins/2026-03-04-week-6.yaml").write_text(
        CHECKIN.format(text='"Pilot\\u009b2J the rubric"'), encoding="utf-8"
    )
    result = runner.invoke(cli.app, [command[0], str(folder), *command[1:]])
    assert_handled(result)
    assert result.exit_code == 1  # the folder is refused: nothing of it is shown
    assert "not text and could change what a terminal shows" in result.output
    no_raw_controls(result.output)


def test_a_file_name_with_escapes_is_shown_visibly_and_kept_exact_in_json(
    runner: CliRunner, make_partnership: Callable[..., Path]
) -> None:
    folder = make_partnership()
    (folder / "checkins").mkdir()
    name = "checkins/\x1b]0;pwned\x07\x9b2J.yaml"
    (folder / name).write_text("id: x\n", encoding="utf-8")
    for output in ("text", "github"):
        result = runner.invoke(cli.app, ["validate", str(folder), "--format", output])
        assert_handled(result)
        assert result.exit_code == 1
        no_raw_controls(result.output)
        assert "checkins/␛]0;pwned␇\\x9b2J.yaml" in result.output
    result = runner.invoke(cli.app, ["validate", str(folder), "--format", "json"])
    assert {problem["file"] for problem in json.loads(result.stdout)} == {name}


def test_a_template_error_quoting_escapes_shows_them_visibly(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "course-redesign"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    (folder / "templates/docs").mkdir(parents=True)
    template = '{% include "\x1b]0;pwned\x07\x1b[2J" %}'  # raw ESC and BEL in the template file
    (folder / "templates/docs/progress.md.j2").write_text(template, encoding="utf-8")
    result = runner.invoke(cli.app, ["render", str(folder), "progress"])
    assert_handled(result)
    assert result.exit_code == 1
    assert "␛]0;pwned␇␛[2J" in result.output
    no_raw_controls(result.output)


def test_one_line_messages_show_new_lines_and_controls_as_signs() -> None:
    from rich.console import Console

    from sap_cli.cli.output import print_problem_lines
    from sap_cli.partnership.problems import Problem

    problem = Problem(
        "goals.yaml", 3, 5, "error", "bad-value", "'Rubric\nAll partners have signed\x1b[32m' is not allowed",
        hint="Choose\x07 another.",
    )  # fmt: skip
    out = io.StringIO()
    print_problem_lines([problem], Console(file=out, soft_wrap=True, color_system=None))
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "goals.yaml:3:5: error: 'Rubric␤All partners have signed␛[32m' is not allowed [bad-value]"
    )
    assert lines[1] == "    hint: Choose␇ another."
    assert len(lines) == 2


def test_every_console_print_shows_controls_even_unescaped(capsys: pytest.CaptureFixture[str]) -> None:
    from sap_cli.cli.state import AppState

    AppState().console().print("plain \x1b]0;pwned\x07 and \x9b31m", markup=False)
    printed = capsys.readouterr().out
    no_raw_controls(printed)
    assert "plain ␛]0;pwned" in printed  # rich itself drops a raw BEL
    assert "and \\x9b31m" in printed


# Limits


def test_a_yaml_file_over_the_size_limit_is_refused_before_parsing(
    runner: CliRunner, make_partnership: Callable[..., Path]
) -> None:
    folder = make_partnership()
    big = "title: Big\nstart: 2026-01-12\nend: 2026-05-29\nsummary: " + "x" * (3 * 1024 * 1024) + "\n"
    (folder / "project.yaml").write_text(big, encoding="utf-8")
    result = runner.invoke(cli.app, ["validate", str(folder)])
    assert_handled(result)
    assert result.exit_code == 1
    assert "project.yaml:1:1: error: this file is larger than 2 MB, the most sap reads" in result.output
    assert "[too-large]" in result.output


def test_a_template_over_the_size_limit_is_refused_before_reading(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "course-redesign"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    (folder / "templates/docs").mkdir(parents=True)
    (folder / "templates/docs/progress.md.j2").write_text("x" * (3 * 1024 * 1024), encoding="utf-8")
    before = (folder / "docs/progress.md").read_bytes()
    result = runner.invoke(cli.app, ["render", str(folder), "progress"])
    assert_handled(result)
    assert result.exit_code == 1
    assert "progress.md.j2:1: this template is larger than 1 MB" in result.output
    assert (folder / "docs/progress.md").read_bytes() == before


# Each is at most a few hundred bytes and asked, on the old sandbox, for up to gigabytes.
PAYLOADS = [
    '{{ "x"|center(10**9) }}',
    '{{ "x".center(10**9) }}',
    '{{ "x".ljust(10**9) }}',
    '{{ "x".rjust(10**9) }}',
    '{{ "1".zfill(10**9) }}',
    '{{ "x"|indent(10**9) }}',
    '{{ ("\t"*99).expandtabs(10**8) }}',
    '{{ "%0999999999d"|format(1) }}',
    '{{ "%0999999999d" % 1 }}',
    '{{ "%*d" % (10**9, 1) }}',
    '{{ "%.999999999f" % 1 }}',
    '{{ "{:>999999999}".format(1) }}',
    '{{ "{:{}}".format(1, 10**9) }}',
    '{{ "{a:>999999999}".format_map({"a": 1}) }}',
    '{{ ("x"*99999)|replace("x", "x"*99999) }}',
    '{{ ("x"*99999).replace("x", "x"*99999) }}',
    '{{ range(99999)|join("x"*99999) }}',
    '{{ ("x"*99999).join(range(99999)|map("string")) }}',
    '{{ ("x"*99999)|wordwrap(1, wrapstring="y"*99999) }}',
    '{{ (1).to_bytes(10**9, "big") }}',
    '{{ "x".encode().center(10**9) }}',
    '{{ ("a"*999).translate({97: "x"*99999}) }}',
    '{% set ns = namespace(s="x"*1000000) %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}',
    '{% set ns = namespace(s="x"*1000000) %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}',
    '{% set ns = namespace(s=["x"]*99999) %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}{% endfor %}',
    '{% set a = ["x"*1999999]*10 %}{% set b = [a,a,a,a,a,a,a,a,a,a] %}{{ [b,b,b,b,b,b,b,b,b,b] }}',
    '{% set a = ["x"*1999999]*10 %}{% set b = [a,a,a,a,a,a,a,a,a,a] %}{{ b|tojson }}',
    '{% set a = ["x"*1999999]*10 %}{% set b = [a,a,a,a,a,a,a,a,a,a] %}{{ b|pprint }}',
    '{% set a = ["x"*1999999]*10 %}{% set b = [a,a,a,a,a,a,a,a,a,a] %}{{ b|string }}',
    '{% macro m() %}{% for i in range(99999) %}{{ "x"|center(1999999) }}{% endfor %}{% endmacro %}{{ m() }}',
    '{% for i in range(99999) %}{{ "x"*1999999 }}{% endfor %}',
    "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    "{{ [1, 2]|slice(10**9)|list }}",
    "{{ [1]|batch(10**9, 0)|list }}",
    "{% set x = (10**64)**64 %}{{ ((x**64)**64)**64 }}",
    "{% set ns = namespace(n=10**60) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}",
    '{{ ([["x"]*1000000]*1000)|sum(start=[]) }}',
]


@pytest.mark.parametrize("template", PAYLOADS)
def test_text_building_payloads_are_refused_before_they_allocate(template: str) -> None:
    from jinja2 import ChoiceLoader, DictLoader

    from sap_cli.documents.jinja import make_environment, render_template

    env = make_environment(None)
    env.loader = ChoiceLoader([DictLoader({"payload.j2": template}), env.loader])  # type: ignore[list-item]
    with pytest.raises(TemplateFailed) as refused:
        render_template(env, "payload.j2", {})
    message = refused.value.message
    assert message.startswith("payload.j2")
    assert "refused: " in message
    assert "characters" in message or "a number that large is not allowed" in message


def test_lipsum_is_not_offered_to_templates() -> None:
    from jinja2 import ChoiceLoader, DictLoader

    from sap_cli.documents.jinja import make_environment, render_template

    env = make_environment(None)
    env.loader = ChoiceLoader([DictLoader({"payload.j2": "{{ lipsum(10**6) }}"}), env.loader])  # type: ignore[list-item]
    with pytest.raises(TemplateFailed, match="'lipsum' is undefined"):
        render_template(env, "payload.j2", {})
