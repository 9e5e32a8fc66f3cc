"""Shared fixtures: a small partnership written line by line, so tests can name exact positions."""

from __future__ import annotations

import datetime as dt
import os
import pty
import subprocess
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

MINIMAL = {
    "project.yaml": """\
title: Co-designing BIOL 201
start: 2026-01-12
end: 2026-05-29
cadence: fortnightly
recognition:
  pay_rate: £13.50 an hour
""",
    "roles.yaml": """\
partners:
  - id: amira-haddad
    name: Amira Haddad
    kind: student
    responsibilities:
      - Run the focus group
  - id: lee-chen
    name: Dr Lee Chen
    kind: faculty
""",
    "goals.yaml": """\
goals:
  - id: new-rubric
    title: A lab rubric students understand
    owners:
      - amira-haddad
      - lee-chen
own_objectives:
  amira-haddad:
    - Learn how assessment is designed
""",
    "timeline.yaml": """\
milestones:
  - id: pilot
    title: Pilot of the new lab finished
    due: 2026-03-20
    deadline: hard
    owners: [lee-chen]
    goals: [new-rubric]
""",
    "matrix.yaml": """\
stages:
  - id: design
    name: Designing the rubric
    involvements:
      - level: partnership
        who: Student partners (n=2)
    control: shared
""",
}

FIXED_TODAY = dt.date(2026, 1, 12)


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees a plain, fixed-width terminal and no CI flag, whatever machine runs it."""
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture(scope="session")
def read_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("user-cache")


@pytest.fixture(autouse=True)
def own_read_cache(read_cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sap's read cache is on, as for users, but in a folder of the test run's own, never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(read_cache_home))
    monkeypatch.delenv("SAP_NO_CACHE", raising=False)


# The programs a test marked `slow` may start; the fast layer (`pytest -m "not slow"`) starts none.
SLOW_PROGRAMS = {"sap", "pre-commit", "check-jsonschema"}


def _is_slow_process(args: Any) -> bool:
    """sap, pip, pre-commit or check-jsonschema, or a Python running sap's code, in a new process."""
    argv = [str(a) for a in args] if isinstance(args, Sequence) and not isinstance(args, str) else [str(args)]
    program = Path(argv[0]).name if argv else ""
    if program in SLOW_PROGRAMS:
        return True
    return program.startswith("python") and any("sap_cli" in a or a == "pip" for a in argv[1:3])


@pytest.fixture(autouse=True)
def slow_tests_are_marked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test not marked `slow` that starts sap (or pip, pre-commit, check-jsonschema) as a process fails."""
    if request.node.get_closest_marker("slow"):
        return

    class Guarded(subprocess.Popen):  # type: ignore[type-arg]
        def __init__(self, args: Any, *rest: Any, **options: Any) -> None:
            if _is_slow_process(args):
                pytest.fail(f"this test starts {args!r} as a process: mark it @pytest.mark.slow")
            super().__init__(args, *rest, **options)

    monkeypatch.setattr(subprocess, "Popen", Guarded)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def assert_handled(result: Result) -> None:
    """Fail if the command crashed: raised anything but SystemExit (exit codes, typer.Exit).

    CliRunner keeps an exception in `result.exception` and never prints its traceback, so
    `"Traceback" not in result.output` cannot fail; this can, and shows the traceback.
    """
    error = result.exception
    if error is None or isinstance(error, SystemExit):
        return
    assert result.exc_info is not None
    shown = "".join(traceback.format_exception(*result.exc_info))
    pytest.fail(f"the command crashed with {error!r}:\n{shown}\noutput:\n{result.output}")


_REAL_DATE, _REAL_DATETIME = dt.date, dt.datetime


class _StandsFor(type):
    """isinstance and issubclass see the frozen class as the real one, so real dates still count."""

    real: type

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, cls.real)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, cls.real)


def freeze_today(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """As faketime would: date.today(), datetime.today() and datetime.now() answer `day` (at noon)."""
    noon = _REAL_DATETIME(day.year, day.month, day.day, 12)

    class FrozenDate(_REAL_DATE, metaclass=_StandsFor):
        real = _REAL_DATE

        @classmethod
        def today(cls) -> dt.date:
            return _REAL_DATE(day.year, day.month, day.day)

    class FrozenDateTime(_REAL_DATETIME, metaclass=_StandsFor):
        real = _REAL_DATETIME

        @classmethod
        def today(cls) -> dt.datetime:
            return noon

        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:
            return noon if tz is None else noon.replace(tzinfo=tz)

    monkeypatch.setattr(dt, "date", FrozenDate)
    monkeypatch.setattr(dt, "datetime", FrozenDateTime)


@pytest.fixture
def make_partnership(tmp_path: Path) -> Callable[..., Path]:
    """Write the minimal partnership, with any file replaced by the given text."""

    def make(folder_name: str = "demo", **replacements: str) -> Path:
        folder = tmp_path / folder_name
        folder.mkdir()
        for name, text in MINIMAL.items():
            key = name.removesuffix(".yaml")
            (folder / name).write_text(replacements.get(key, text), encoding="utf-8")
        return folder

    return make


@pytest.fixture
def demo(make_partnership: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small partnership, with the working folder just above it (as a user would stand)."""
    folder = make_partnership()
    monkeypatch.chdir(folder.parent)
    return folder


def replace_once(path: Path, old: str, new: str) -> None:
    """Edit a file as a partner would by hand: `old` must be there; only its first use changes."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_git(folder: Path, *args: str) -> str:
    """Run git in `folder` as a fixed, made-up person, ignoring the machine's own git settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="A", GIT_AUTHOR_EMAIL="a@example.org", GIT_COMMITTER_NAME="A",
        GIT_COMMITTER_EMAIL="a@example.org", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
    )  # fmt: skip
    done = subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def terminal_run(command: list[str], env: dict[str, str], typed: bytes = b"") -> tuple[int, bytes]:
    """Run `command` in a pseudo-terminal, as when a person types it: exit code and what it printed.

    `typed` is sent as keystrokes, so a question the command should not have asked is answered
    rather than waited on for ever.
    """
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    if typed:
        os.write(leader, typed)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the command ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    code = process.wait(timeout=60)
    os.close(leader)
    return code, b"".join(chunks)


def in_a_terminal(command: list[str], env: dict[str, str]) -> bytes:
    """What `command` prints in a pseudo-terminal."""
    return terminal_run(command, env)[1]
