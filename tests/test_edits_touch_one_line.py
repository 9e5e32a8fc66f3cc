"""Edits sap makes to a partner's file (closing an action, signing) change only the lines they mean to."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_handled
from sap_cli.cli.app import app

MEETING = "2026-03-04-week-6"
ACTION = f"{MEETING}-a1"

# One meeting as a partner might have written it, with one open action to close.
PLAIN = f"""\
# Week 6, written by hand
id: {MEETING}
date: 2026-03-04
title: Week 6
attendees:
  - amira-haddad
  - lee-chen
notes: We met.
actions:
  - id: {ACTION}
    owner: amira-haddad
    text: Draft the rubric
    due: 2026-03-20
"""

Variant = Callable[[str], str]

# Ways of writing the same meeting that a re-dumping editor would rewrite; each name says what must stay.
VARIANTS: dict[str, Variant] = {
    "comment above ---": lambda t: "# kept above the start\n---\n" + t,
    "%YAML directive": lambda t: "%YAML 1.2\n# after the directive\n---\n" + t,
    "trailing ...": lambda t: t + "...\n# after the end\n",
    "line over 4,096 characters": lambda t: t.replace("notes: We met.", "notes: " + "long words " * 500),
    "multi-line plain text": lambda t: t.replace("notes: We met.", "notes: We met\n  in room 4\n  at noon."),
    "\\u escape in quotes": lambda t: t.replace(
        "text: Draft the rubric", 'text: "Draft the caf\\u00e9 rubric"'
    ),
    "single quotes": lambda t: t.replace("title: Week 6", "title: 'Week 6'"),
    "zero-offset list": lambda t: t.replace("  - amira-haddad\n  - lee-chen", "- amira-haddad\n- lee-chen"),
    "mixed indentation": lambda t: t.replace("  - amira", "      - amira").replace("  - lee", "      - lee"),
    "literal block with odd indent": lambda t: t.replace(
        "notes: We met.", "notes: |\n      We met.\n        Indented more.\n"
    ),
    "literal block last in the action": lambda t: t.replace(
        "    text: Draft the rubric\n    due: 2026-03-20\n",
        "    due: 2026-03-20\n    text: |\n      Draft the rubric\n\n",
    ),
    "mixed line ends": lambda t: t.replace("\n", "\r\n", 3),
    "all CRLF": lambda t: t.replace("\n", "\r\n"),
    "old Mac CR": lambda t: t.replace("\n", "\r"),
    "key : value": lambda t: t.replace("title: Week 6", "title : Week 6"),
    "trailing spaces": lambda t: t.replace("notes: We met.", "notes: We met.   ").replace(
        "attendees:", "attendees:  "
    ),
    "no final newline": lambda t: t.rstrip("\n"),
    "tab after colon": lambda t: t.replace("title: Week 6", "title:\tWeek 6"),
    "line separator escaped in quotes": lambda t: t.replace("notes: We met.", 'notes: "We\\u2028met."'),
    "blank lines with spaces inside a block": lambda t: t.replace(
        "notes: We met.", "notes: |\n  We met.\n    \n  Then left.\n"
    ),
    "comment between key and value": lambda t: t.replace("attendees:\n", "attendees:\n  # who came\n"),
    "comment after the last field": lambda t: t.replace("due: 2026-03-20", "due: 2026-03-20  # Friday"),
    "comment lines after the action": lambda t: t + "  # more to come\n\n# end\n",
    "byte-order mark": lambda t: "\ufeff" + t,
    "action in flow style": lambda t: t.replace(
        f"  - id: {ACTION}\n    owner: amira-haddad\n    text: Draft the rubric\n    due: 2026-03-20\n",
        f"  - {{id: {ACTION}, owner: amira-haddad, text: Draft the rubric, due: 2026-03-20}}\n",
    ),
    "done written empty": lambda t: t.replace("    due: 2026-03-20\n", "    done:\n    due: 2026-03-20\n"),
    "done written null": lambda t: t + "    done: null  # not yet\n",
    "done written ~": lambda t: t + "    done: ~\n",
    "due repeats an anchor": lambda t: t.replace("date: 2026-03-04", "date: &day 2026-03-04").replace(
        "due: 2026-03-20", "due: *day"
    ),
}

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _lines(text: str) -> list[str]:
    return [line for line in _LINES.findall(text) if line]


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines taken out of `before` and the lines put into `after`, each with its own line end."""
    old, new = _lines(before), _lines(after)
    removed: list[str] = []
    added: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += old[i1:i2]
            added += new[j1:j2]
    if removed and added and added[0].rstrip("\r\n") == removed[-1] and removed[-1] == old[-1]:
        # A last line with no line end gains one when a line is added after it; its text is the same.
        removed.pop()
        added.pop(0)
    return removed, added


@pytest.fixture
def meeting(demo: Path) -> Path:
    (demo / "checkins").mkdir()
    return demo / "checkins" / f"{MEETING}.yaml"


def _close(demo: Path) -> str:
    result = CliRunner().invoke(app, ["checkin", str(demo), "--done", ACTION, "--date", "2026-03-10"])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name", list(VARIANTS))
def test_closing_an_action_changes_only_its_done_line(name: str, demo: Path, meeting: Path) -> None:
    before = VARIANTS[name](PLAIN)
    meeting.write_bytes(before.encode("utf-8"))
    _close(demo)
    after = meeting.read_bytes().decode("utf-8")
    removed, added = changed_lines(before, after)
    today = "2026-03-10"
    if name == "action in flow style":
        assert [line.replace(f", done: {today}}}", "}") for line in added] == removed
        return
    assert len(added) == 1, (removed, added)
    assert re.fullmatch(rf" *done: {today}( +#.*)?(\r\n|\r|\n)?", added[0]), added
    if removed:  # a `done:` the partner had left empty keeps its place, its comment and its line end
        assert [re.sub(r"done:( null| ~)?", f"done: {today}", line) for line in removed] == added
    assert after.startswith("\ufeff") == before.startswith("\ufeff")


def test_every_variant_is_a_valid_meeting_with_one_open_action(demo: Path, meeting: Path) -> None:
    """The variants test the editor only if each is a meeting sap accepts as it stands."""
    for name, variant in VARIANTS.items():
        meeting.write_bytes(variant(PLAIN).encode("utf-8"))
        result = CliRunner().invoke(app, ["actions", str(demo)])
        assert_handled(result)
        assert result.exit_code == 0, (name, result.output)
        assert "Draft the" in result.output, name


def test_an_edit_sap_cannot_make_exactly_changes_nothing(demo: Path, meeting: Path) -> None:
    """The action's last field repeats a value (`*day`) on a line of its own: sap refuses, the file stays."""
    before = PLAIN.replace("date: 2026-03-04", "date: &day 2026-03-04").replace(
        "    due: 2026-03-20\n", "    due:\n      *day\n"
    )
    meeting.write_bytes(before.encode("utf-8"))
    result = CliRunner().invoke(app, ["checkin", str(demo), "--done", ACTION, "--date", "2026-03-10"])
    assert_handled(result)
    assert result.exit_code == 1, result.output
    assert "nothing was changed" in result.output
    assert meeting.read_bytes().decode("utf-8") == before


SIGNED_PROJECT_VARIANTS: dict[str, Variant] = {
    "comment above ---": lambda t: "# the project\n---\n" + t,
    "CRLF and no final newline": lambda t: t.replace("\n", "\r\n").rstrip("\r\n"),
    "version with a comment": lambda t: t + "agreement_version: 1  # first draft\n",
    "long line": lambda t: t.replace("title: Co-designing BIOL 201", "title: " + "Co-designing " * 400),
}


@pytest.mark.parametrize("name", list(SIGNED_PROJECT_VARIANTS))
def test_signing_adds_one_signature_and_touches_no_other_line(name: str, demo: Path) -> None:
    project = demo / "project.yaml"
    project.write_bytes(SIGNED_PROJECT_VARIANTS[name](project.read_text(encoding="utf-8")).encode())
    runner = CliRunner()
    first = runner.invoke(app, ["sign", str(demo), "--partner", "amira-haddad", "--date", "2026-03-01"])
    assert_handled(first)
    assert first.exit_code == 0, first.output
    signatures = demo / "signatures" / "amira-haddad.yaml"
    project_before, signatures_before = project.read_text(encoding="utf-8"), signatures.read_text("utf-8")
    # A changed agreement, signed again: a new version in project.yaml and one more entry.
    (demo / "goals.yaml").write_text(
        (demo / "goals.yaml").read_text("utf-8").replace("title:", "title: Revised", 1), encoding="utf-8"
    )
    second = runner.invoke(app, ["sign", str(demo), "--partner", "amira-haddad", "--date", "2026-03-09"])
    assert_handled(second)
    assert second.exit_code == 0, second.output
    removed, added = changed_lines(project_before, project.read_text(encoding="utf-8"))
    assert [re.sub(r"\d+", "N", line.strip()) for line in added] == [
        re.sub(r"\d+", "N", line.strip()) for line in removed
    ] or (removed == [] and len(added) == 1), (removed, added)
    assert all("agreement_version" in line for line in removed + added)
    removed, added = changed_lines(signatures_before, signatures.read_text("utf-8"))
    assert removed == [] and added[0].startswith("  - date: 2026-03-09"), (removed, added)
