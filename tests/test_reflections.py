"""Partners' reflections as records: `sap reflect`, the warnings in validate, and the review's answers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sap_cli import cli
from sap_cli.cli import interaction
from sap_cli.partnership.load import load_valid
from sap_cli.reflections.answers import looks_back, parse_reflection, phase_prompts, side_by_side
from sap_cli.validation.check import check_folder


def _reflect(runner: CliRunner, folder: Path, phase: str, partner: str, *extra: str) -> Path:
    result = runner.invoke(
        cli.app, ["reflect", str(folder), "--phase", phase, "--partner", partner, "--no-input", *extra]
    )
    assert result.exit_code == 0, result.output
    where = "private/reflections" if "--private" in extra else "reflections"
    return folder / where / f"{phase}-{partner}.md"


def _answer(path: Path, answers: dict[str, str]) -> bytes:
    text = path.read_text(encoding="utf-8")
    for prompt_id, answer in answers.items():
        marker = f"<!-- answer {prompt_id} -->\n"
        assert marker in text
        text = text.replace(marker, marker + answer + "\n")
    path.write_text(text, encoding="utf-8")
    return path.read_bytes()


def test_answers_survive_render_report_and_reflect_again_and_reach_the_review(
    runner: CliRunner, demo: Path
) -> None:
    """The issue's 'done when': fill, render, report, reflect again; the answers stay and are reported."""
    start = _reflect(runner, demo, "start", "amira-haddad")
    end = _reflect(runner, demo, "end", "amira-haddad")
    start_bytes = _answer(start, {"goals-1": "A rubric with my name on it.\nAnd a skill: | pipes too."})
    end_bytes = _answer(end, {"review-3": "The rubric; I drafted criteria 2 and 3."})
    assert runner.invoke(cli.app, ["render", str(demo)]).exit_code == 0
    assert runner.invoke(cli.app, ["report", str(demo)]).exit_code == 0
    again = runner.invoke(
        cli.app, ["reflect", str(demo), "--phase", "start", "--partner", "amira-haddad", "--no-input"]
    )
    assert again.exit_code == 0
    assert "already there, kept as it is" in again.output
    assert start.read_bytes() == start_bytes
    assert end.read_bytes() == end_bytes
    review = (demo / "docs/review.md").read_text(encoding="utf-8")
    row = next(line for line in review.splitlines() if "A rubric with my name on it." in line)
    # Side by side: the start answer and the end answer that looks back on it share one table row.
    assert "A rubric with my name on it.<br>And a skill: \\| pipes too." in row
    assert "The rubric; I drafted criteria 2 and 3." in row
    assert "### Amira Haddad" in review


def test_private_reflections_stay_out_of_the_shared_review(runner: CliRunner, demo: Path) -> None:
    private = _reflect(runner, demo, "end", "lee-chen", "--private")
    _answer(private, {"own-role-2": "I held on to the rubric weighting."})
    assert "private/" in (demo / ".gitignore").read_text(encoding="utf-8")
    assert runner.invoke(cli.app, ["report", str(demo)]).exit_code == 0
    assert "rubric weighting" not in (demo / "docs/review.md").read_text(encoding="utf-8")
    mine = runner.invoke(cli.app, ["report", str(demo), "--include-private"])
    assert mine.exit_code == 0, mine.output
    assert "private/review.md" in mine.output
    assert "I held on to the rubric weighting." in (demo / "private/review.md").read_text(encoding="utf-8")


def test_reflect_opens_the_editor_at_a_terminal(
    runner: CliRunner, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
        "mark = '<!-- answer power-1 -->\\n'\n"
        "p.write_text(p.read_text().replace(mark, mark + 'Because.\\n'))\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setattr(interaction, "can_prompt", lambda no_input: not no_input)
    result = runner.invoke(cli.app, ["reflect", str(demo), "--phase", "start", "--partner", "amira-haddad"])
    assert result.exit_code == 0, result.output
    parsed = parse_reflection((demo / "reflections/start-amira-haddad.md").read_text(encoding="utf-8"))
    assert parsed.answers["power-1"] == "Because."


def test_reflect_refuses_unknown_partner_and_phase(runner: CliRunner, demo: Path) -> None:
    who = runner.invoke(cli.app, ["reflect", str(demo), "--phase", "start", "--partner", "amria"])
    assert who.exit_code == 1
    assert "amira-haddad" in who.output
    when = runner.invoke(cli.app, ["reflect", str(demo), "--phase", "begin", "--partner", "amira-haddad"])
    assert when.exit_code == 2
    assert "'begin' is not a phase" in when.output
    assert not (demo / "reflections").exists()


def test_validate_warns_about_damaged_reflections_without_touching_them(
    runner: CliRunner, demo: Path
) -> None:
    path = _reflect(runner, demo, "end", "amira-haddad")
    text = path.read_text(encoding="utf-8")
    text = text.replace("<!-- answer review-2 -->\n\n<!-- end answer -->\n", "")  # a question deleted
    damaged = text.replace(
        "<!-- answer review-3 -->\n\n<!-- end answer -->", "<!-- answer review-3 -->\nMine"
    )
    path.write_text(damaged, encoding="utf-8")
    stray = _reflect(runner, demo, "start", "lee-chen")
    stray.write_text(
        stray.read_text(encoding="utf-8").replace("partner=lee-chen", "partner=zoe"), encoding="utf-8"
    )
    (demo / "reflections/notes-amira-haddad.md").write_text("my own notes\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (demo / "reflections").iterdir()}

    report = check_folder(demo)
    found = {
        (Path(p.file).name, p.code, p.line): p.message for p in report.problems if "reflection" in p.code
    }
    assert found == {
        ("end-amira-haddad.md", "reflection-marker", 1): (
            "question 2 under 'Looking back at the goals' was deleted, with its answer space"
        ),
        (
            "end-amira-haddad.md",
            "reflection-marker",
            damaged[: damaged.index("answer review-3")].count("\n") + 1,
        ): (
            "the answer to question 3 under 'Looking back at the goals' has no "
            "'<!-- end answer -->' line after it"
        ),
        ("start-lee-chen.md", "reflection-not-file-name", 1): (
            "the file is named after 'lee-chen' but holds the answers of 'zoe'"
        ),
        ("start-lee-chen.md", "reflection-of-unknown-partner", 1): (
            "this reflection belongs to 'zoe', who is no longer in roles.yaml"
        ),
    }
    assert report.errors == []
    assert {p: p.read_bytes() for p in (demo / "reflections").iterdir()} == before


def test_end_questions_look_back_on_real_start_questions() -> None:
    for kind in ("student", "faculty"):
        start = {prompt["id"] for prompt in phase_prompts("start", kind)}
        end = {prompt["id"] for prompt in phase_prompts("end", kind)}
        pairs = looks_back(kind)
        assert pairs and set(pairs) <= end and set(pairs.values()) <= start
        assert len(set(pairs.values())) == len(pairs)  # no start question is taken up twice


def test_unpaired_answers_get_a_row_of_their_own(runner: CliRunner, demo: Path) -> None:
    _answer(_reflect(runner, demo, "start", "lee-chen"), {"power-1": "The rubric.", "goals-2": "Weights."})
    _answer(_reflect(runner, demo, "end", "lee-chen"), {"own-role-2": "The weights.", "own-role-3": "Ask."})
    (person,) = side_by_side(load_valid(demo))
    rows = [
        (row["start"]["answer"] if row["start"] else None, row["end"]["answer"] if row["end"] else None)
        for row in person["rows"]
    ]
    assert rows == [("The rubric.", "The weights."), ("Weights.", None), (None, "Ask.")]
