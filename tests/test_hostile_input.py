"""A corpus of broken files: every command that reads them fails calmly, says where, and changes nothing."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, assert_handled
from sap_cli import cli

CHECKIN = """\
id: 2026-03-04-week-6
date: 2026-03-04
title: Week 6
attendees: [amira-haddad, lee-chen]
actions:
  - id: 2026-03-04-week-6-a1
    owner: amira-haddad
    text: Pilot the rubric
    due: 2026-03-11
"""


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, 10):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return "title: Bomb\nstart: 2026-01-12\nend: 2026-05-29\n" + "\n".join(lines) + "\n"


def _deep(depth: int) -> str:
    return "title: Deep\nstart: 2026-01-12\nend: 2026-05-29\nsummary: " + "[" * depth + "]" * depth + "\n"


# (case name, file, new content as text or bytes; a callable gets the minimal text and returns it)
Content = str | bytes | Callable[[str], str | bytes]
CASES: list[tuple[str, str, Content]] = [
    # YAML syntax
    (
        "colon-in-text",
        "project.yaml",
        lambda t: t.replace("title: Co-designing BIOL 201", "title: Note: a title"),
    ),
    ("tab-indent", "roles.yaml", lambda t: t.replace("    name: Amira Haddad", "\tname: Amira Haddad")),
    ("duplicate-key", "project.yaml", lambda t: t + "title: Again\n"),
    ("bad-indent", "roles.yaml", lambda t: t.replace("    kind: student", "      kind: student")),
    ("second-document", "goals.yaml", lambda t: t + "---\ngoals: []\n"),
    (
        "unclosed-quote",
        "project.yaml",
        lambda t: t.replace("title: Co-designing BIOL 201", 'title: "Co-designing'),
    ),
    ("unclosed-flow", "timeline.yaml", lambda t: t.replace("owners: [lee-chen]", "owners: [lee-chen")),
    ("unclosed-mapping", "matrix.yaml", lambda t: t.replace("control: shared", "control: {shared")),
    ("stray-dash", "roles.yaml", lambda t: t.replace("    kind: faculty", "    kind: faculty\n -")),
    (
        "bom-and-error",
        "project.yaml",
        lambda t: "\ufeff" + t.replace("cadence: fortnightly", "cadence: daily"),
    ),
    (
        "crlf-and-error",
        "roles.yaml",
        lambda t: t.replace("kind: faculty", "kind: teacher").replace("\n", "\r\n"),
    ),
    ("merge-conflict", "goals.yaml", lambda t: "<<<<<<< HEAD\n" + t + "=======\ngoals: []\n>>>>>>> theirs\n"),
    ("anchor-undefined", "roles.yaml", lambda t: t.replace("kind: faculty", "kind: *nothing")),
    ("only-a-scalar", "matrix.yaml", "just some words\n"),
    ("a-list-at-top", "project.yaml", "- title: A list\n- start: 2026-01-12\n"),
    # Wrong types and values
    ("title-is-a-list", "project.yaml", lambda t: t.replace("title: Co-designing BIOL 201", "title: [a, b]")),
    ("start-is-words", "project.yaml", lambda t: t.replace("start: 2026-01-12", "start: soon")),
    ("impossible-date", "project.yaml", lambda t: t.replace("end: 2026-05-29", "end: 2026-02-30")),
    ("end-before-start", "project.yaml", lambda t: t.replace("end: 2026-05-29", "end: 2025-05-29")),
    ("partners-is-text", "roles.yaml", "partners: everyone\n"),
    ("kind-unknown", "roles.yaml", lambda t: t.replace("kind: faculty", "kind: teacher")),
    ("id-not-a-slug", "roles.yaml", lambda t: t.replace("id: lee-chen", "id: Lee Chen")),
    ("id-in-arabic", "roles.yaml", lambda t: t.replace("id: amira-haddad", "id: أميرة")),
    ("version-negative", "project.yaml", lambda t: t + "agreement_version: -1\n"),
    ("ladder-too-high", "matrix.yaml", lambda t: t + "ladder:\n  planned: 9\n"),
    ("level-unknown", "matrix.yaml", lambda t: t.replace("level: partnership", "level: co-create")),
    ("deadline-unknown", "timeline.yaml", lambda t: t.replace("deadline: hard", "deadline: firm")),
    ("number-as-key", "goals.yaml", lambda t: t.replace("  amira-haddad:\n", "  42:\n")),
    ("boolean-title", "project.yaml", lambda t: t.replace("title: Co-designing BIOL 201", "title: true")),
    # Unknown keys and missing pieces
    ("misspelt-key", "project.yaml", lambda t: t.replace("title:", "titel:")),
    ("unknown-nested-key", "project.yaml", lambda t: t.replace("  pay_rate:", "  payrate:")),
    ("required-missing", "roles.yaml", lambda t: t.replace("    kind: student\n", "")),
    ("empty-project", "project.yaml", ""),
    ("comments-only", "project.yaml", "# nothing here yet\n"),
    ("missing-file", "timeline.yaml", None),  # type: ignore[list-item]
    ("unknown-partner", "goals.yaml", lambda t: t.replace("- lee-chen", "- lee")),
    ("duplicate-ids", "roles.yaml", lambda t: t.replace("id: lee-chen", "id: amira-haddad")),
    # Bytes that are not text
    ("binary-garbage", "roles.yaml", bytes(range(256)) * 4),
    (
        "latin-1",
        "project.yaml",
        "title: Co-designing BIOL 201 caf\xe9\nstart: 2026-01-12\nend: 2026-05-29\n".encode("latin-1"),
    ),
    ("nul-byte", "project.yaml", lambda t: t.replace("BIOL", "BI\x00OL")),
    ("utf-16", "goals.yaml", lambda t: t.encode("utf-16")),
    # Size and shape attacks
    ("very-long-value", "project.yaml", lambda t: t.replace("Co-designing BIOL 201", "x" * 300_000)),
    ("very-long-line-of-keys", "project.yaml", lambda t: t + "".join(f"k{n}: {n}\n" for n in range(5_000))),
    ("deep-nesting", "project.yaml", _deep(5_000)),
    ("alias-bomb", "project.yaml", _alias_bomb()),
    (
        "python-object-tag",
        "project.yaml",
        lambda t: t + "summary: !!python/object/apply:os.system ['echo hi']\n",
    ),
    ("local-tag", "project.yaml", lambda t: t.replace("title: Co-designing", "title: !secret Co-designing")),
    ("binary-tag", "project.yaml", lambda t: t + "summary: !!binary aGVsbG8=\n"),
    ("set-tag", "roles.yaml", "partners: !!set {a, b}\n"),
    # Meeting records
    (
        "checkin-syntax",
        "checkins/2026-03-04-week-6.yaml",
        lambda t: CHECKIN.replace("title: Week 6", "title: Week: 6"),
    ),
    (
        "checkin-wrong-id",
        "checkins/2026-03-04-week-6.yaml",
        lambda t: CHECKIN.replace("id: 2026", "id: 2025", 1),
    ),
    (
        "checkin-outside-project",
        "checkins/2026-03-04-week-6.yaml",
        lambda t: CHECKIN.replace("date: 2026", "date: 2027"),
    ),
    (
        "checkin-unknown-owner",
        "checkins/2026-03-04-week-6.yaml",
        lambda t: CHECKIN.replace("owner: amira", "owner: ami"),
    ),
    ("checkin-binary", "checkins/2026-03-04-week-6.yaml", b"\x89PNG\r\n\x1a\n\x00\x00"),
    ("signature-broken", "signatures/lee-chen.yaml", "partner: lee-chen\nsignatures:\n  - date: soon\n"),
]

COMMANDS: list[list[str]] = [
    ["validate"],
    ["status"],
    ["render"],
    ["report"],
    ["checkin", "--no-input", "--date", "2026-03-05", "--title", "Week 7", "--note", "Met"],
]

POSITION = re.compile(
    r"^(?P<file>[^\s:][^:]*\.(?:yaml|md)):(?P<line>\d+):(?P<col>\d+): error: ", re.MULTILINE
)


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    found: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        found[key] = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    return found


def _broken_folder(tmp_path: Path, name: str, content: Content | None) -> Path:
    folder = tmp_path / "demo"
    folder.mkdir()
    for file_name, text in MINIMAL.items():
        (folder / file_name).write_text(text, encoding="utf-8")
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        target.unlink()
        return folder
    value = content(MINIMAL.get(name, "")) if callable(content) else content
    if isinstance(value, str):
        target.write_bytes(value.encode("utf-8"))
    else:
        target.write_bytes(value)
    return folder


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize(("case", "name", "content"), CASES, ids=[c[0] for c in CASES])
def test_every_command_fails_calmly_on_broken_input(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    name: str,
    content: Content | None,
    command: list[str],
) -> None:
    folder = _broken_folder(tmp_path, name, content)
    monkeypatch.chdir(tmp_path)
    before = _snapshot(folder)
    result = runner.invoke(cli.app, [command[0], "demo", *command[1:]])
    assert result.exit_code == 1, result.output
    assert_handled(result)
    located = [m for m in POSITION.finditer(result.output) if m["file"].startswith("demo/")]
    assert located or f"demo/{name}" in result.output, result.output
    assert "hint:" in result.output
    assert _snapshot(folder) == before


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 50


def test_a_link_to_a_file_outside_the_partnership_is_not_followed(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _broken_folder(tmp_path, "goals.yaml", "goals: []\n")
    secret = tmp_path / "secret.yaml"
    secret.write_text("goals:\n  - id: password-hunter2\n    title: hunter2\n", encoding="utf-8")
    (folder / "goals.yaml").unlink()
    os.symlink(secret, folder / "goals.yaml")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, ["validate", "demo"])
    assert result.exit_code == 1
    assert (
        "demo/goals.yaml:1:1: error: goals.yaml is a link to a file outside the partnership" in result.output
    )
    assert "hunter2" not in result.output


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("3", "error: this partnership uses file format 3, written by a newer sap; this sap reads format 2"),
        ("1", "error: this partnership uses file format 1, from an older sap; this sap reads format 2"),
        ("latest", "error: schema_version should be a file format number from 1 to 2, not 'latest'"),
        ("0", "error: schema_version should be a file format number from 1 to 2, not 0"),
    ],
)
def test_a_format_this_sap_does_not_read_is_named_alone(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, expected: str
) -> None:
    _broken_folder(
        tmp_path,
        "project.yaml",
        lambda t: f"schema_version: {written}\n" + t + "new_field_from_the_future: 1\n",
    )
    monkeypatch.chdir(tmp_path)
    for command in (["validate"], ["status"], ["render"]):
        result = runner.invoke(cli.app, [*command, "demo"])
        assert result.exit_code == 1
        assert f"demo/project.yaml:1:17: {expected}" in result.output
        assert "new_field_from_the_future" not in result.output  # the one real cause, not a cascade


def test_git_conflict_markers_are_named_as_such(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _broken_folder(
        tmp_path, "goals.yaml", "goals:\n<<<<<<< HEAD\n  - id: a\n=======\n  - id: b\n>>>>>>> theirs\n"
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, ["validate", "demo"])
    assert "demo/goals.yaml:2:1: error: this file still has the marker lines git adds" in result.output
