"""Shared fixtures: a small partnership written line by line, so tests can name exact positions."""

from __future__ import annotations

import datetime as dt
import os
import pty
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

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


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


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
