"""What scripts and shells rely on: documented JSON shapes, --quiet, NO_COLOR and tab completion."""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, in_a_terminal

ROOT = Path(__file__).resolve().parents[1]
SAP = str(Path(sys.executable).with_name("sap"))
EXAMPLE = EXAMPLES / "course-redesign"
ON = "2026-03-17"  # a day with open, overdue, due-soon and done actions in the example


def sap(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SAP, *args], capture_output=True, text=True, env={**os.environ, **(env or {})})


def as_json(*args: str) -> Any:
    result = sap(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def documented_keys() -> dict[str, list[str]]:
    """The 'output | shape | keys' table of the README, row label to its keys."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Output for scripts", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2].startswith("`"):
            rows[cells[0]] = re.findall(r"`([^`]+)`", cells[2])
    return rows


def status() -> Any:
    return as_json("status", str(EXAMPLE), "--date", ON)


ACTUAL: dict[str, Callable[[], Any]] = {
    "`sap validate --format json`": lambda: _a_problem(),
    "`sap actions --format json`": lambda: as_json("actions", str(EXAMPLE), "--done", "--date", ON)[0],
    "`sap status --format json`": status,
    "status `last_checkin`": lambda: status()["last_checkin"],
    "status `open_actions`, `overdue_actions`, `due_soon_actions`": lambda: status()["open_actions"][0],
    "status `goals`": lambda: status()["goals"][0],
    "status `next_milestones`": lambda: status()["next_milestones"][0],
    "status `pulse`": lambda: next(iter(status()["pulse"].values()))[0],
    "status `agreement`": lambda: status()["agreement"],
    "status `agreement.partners`": lambda: status()["agreement"]["partners"][0],
    "`sap report --format json`": lambda: as_json("report", str(EXAMPLE), "-o", "-"),
    "report `small_groups` (with `--anonymize`; otherwise `null`)": lambda: as_json(
        "report", str(EXAMPLE), "--anonymize", "-o", "-"
    )["small_groups"],
    "`sap status --all --format json`": lambda: as_json("status", "--all", str(EXAMPLES), "--date", ON)[0],
    "`sap actions --all --format json`": lambda: as_json("actions", "--all", str(EXAMPLES), "--date", ON)[0],
    "`sap report --all --format json`": lambda: as_json("report", "--all", str(EXAMPLES), "--format", "json")[
        0
    ],
    "`sap programme --format json`": lambda: programme(),
    "programme `partnerships`": lambda: programme()["partnerships"][0],
    "programme `rollup`": lambda: programme()["rollup"],
    "programme `problems`": lambda: json.loads(
        sap("programme", str(with_problems()), "--format", "json").stdout
    )["problems"][0],
}


def programme() -> Any:
    return as_json("programme", str(EXAMPLES), "--date", ON)


_WITH_PROBLEMS: list[Path] = []


@pytest.fixture(scope="module", autouse=True)
def _folder_with_problems(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A copy of the example with one error and one warning, made once for this file's tests."""
    folder = tmp_path_factory.mktemp("scripting") / "with-problems"
    shutil.copytree(EXAMPLE, folder)
    for name, old, new in (("roles.yaml", "kind: staff", "kind: stuff"), ("project.yaml", "cadence:", "#")):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    _WITH_PROBLEMS[:] = [folder]


def with_problems() -> Path:
    return _WITH_PROBLEMS[0]


def _a_problem() -> Any:
    result = sap("validate", str(with_problems()), "--format", "json")
    return json.loads(result.stdout)[0]


def test_the_readme_documents_every_json_shape_there_is() -> None:
    assert set(documented_keys()) == set(ACTUAL)


def test_every_command_that_prints_json_has_a_row_in_the_readme() -> None:
    from sap_cli.cli.app import command_functions

    speaks_json = []
    for name, callback in command_functions().items():
        source = inspect.getsource(callback)
        if re.search(r'typer\.Option\(\s*"--format"', source) and "json" in source:
            speaks_json.append(name)
    assert sorted(speaks_json) == ["actions", "programme", "report", "status", "validate"]
    for name in speaks_json:
        assert f"`sap {name} --format json`" in documented_keys(), name


@pytest.mark.slow
@pytest.mark.parametrize("row", sorted(ACTUAL))
def test_each_documented_json_shape_has_exactly_its_keys(row: str) -> None:
    assert list(ACTUAL[row]()) == documented_keys()[row]


@pytest.mark.slow
def test_the_lists_of_actions_in_status_share_one_shape() -> None:
    data = status()
    keys = ("open_actions", "overdue_actions", "due_soon_actions")
    assert all(data[key] for key in keys), "the day chosen should have actions in every list"
    shapes = {tuple(action) for key in keys for action in data[key]}
    assert len(shapes) == 1, shapes


@pytest.mark.slow
def test_quiet_prints_nothing_when_all_is_well() -> None:
    result = sap("--quiet", "validate", str(EXAMPLE))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.slow
def test_quiet_prints_only_the_errors_on_standard_error() -> None:
    result = sap("-q", "validate", str(with_problems()))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0].endswith("error: 'stuff' is not one of the choices for 'kind' "
                                                  "(did you mean 'staff'?) [bad-choice]")  # fmt: skip
    assert "warning" not in result.stderr


@pytest.mark.slow
def test_quiet_still_gives_the_data_asked_for() -> None:
    result = sap("-q", "status", str(EXAMPLE), "--date", ON, "--format", "json")
    assert json.loads(result.stdout)["title"]


@pytest.mark.slow
def test_no_color_gives_plain_text_even_in_a_terminal() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm-256color", COLUMNS="100")
    folder = str(with_problems())  # errors and warnings are shown in colour
    coloured = in_a_terminal([SAP, "validate", folder], env=env)
    plain = in_a_terminal([SAP, "validate", folder], env={**env, "NO_COLOR": "1"})
    assert b"\x1b[" in coloured
    assert b"\x1b[" not in plain
    assert b"warning" in plain


def _complete(words: str, cwd: Path | None = None) -> list[str]:
    """What bash offers on Tab after `words`, using the script `sap --show-completion bash` prints."""
    script = (
        'eval "$(sap --show-completion bash)"\n'
        f"read -ra COMP_WORDS <<< {json.dumps(words)}\n"
        + ('COMP_WORDS+=("")\n' if words.endswith(" ") else "")
        + "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
        "_sap_completion sap\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    path = os.pathsep.join([str(Path(SAP).parent), os.environ.get("PATH", "")])
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script],
        cwd=cwd,
        capture_output=True, text=True, env={**os.environ, "PATH": path},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("sap up", ["upgrade"]),
        ("sap validate --fo", ["--format"]),
        ("sap validate --format ", ["text", "json", "github"]),
        ("sap explain p", ["propositions", "power"]),
        ("sap init --template c", ["course-redesign"]),
        ("sap render . ag", ["agreement"]),
        ("sap reflect --phase ", ["start", "during", "end"]),
    ],
)
def test_tab_completion_in_bash_offers_what_fits(typed: str, offered: list[str]) -> None:
    assert _complete(typed) == offered


@pytest.mark.slow
def test_explain_in_a_narrow_terminal_wraps_every_word_into_view() -> None:
    from sap_cli.explain import explain

    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm-256color", COLUMNS="60", LINES="200")
    shown = re.sub(r"\x1b\[[0-9;]*m", "", in_a_terminal([SAP, "explain", "areas"], env=env).decode("utf-8"))
    assert max(len(line) for line in shown.splitlines()) <= 60
    words = set(re.findall(r"[A-Za-z][A-Za-z'-]+", shown))
    missing = [word for word in re.findall(r"[A-Za-z][A-Za-z'-]+", explain("areas")) if word not in words]
    assert missing == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_inside_a_partnership_render_completes_a_document_name(tmp_path: Path) -> None:
    assert _complete("sap render ag", cwd=EXAMPLE) == ["agreement"]
    assert _complete("sap render ag", cwd=tmp_path) == []  # not a partnership: the shell offers files
