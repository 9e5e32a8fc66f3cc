"""Anonymised output names no one: every way a partner's name, id or e-mail can be written is caught."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, assert_handled
from sap_cli import cli
from sap_cli.words import fold

ROLES = """\
partners:
  - id: aoife-ni-bhriain
    name: Aoife Ní Bhriain
    kind: student
  - id: jose-alvarez-smith
    name: José Álvarez-Smith
    kind: student
  - id: wei-zhang
    name: Wei Zhang
    kind: student
    aliases: ["张伟", "@weiz", "wz@uni.example"]
  - id: lee-chen
    name: Dr Lee Chen
    kind: faculty
"""

# How partners' names turn up in what people type: cases, accents dropped or decomposed, joined,
# hyphenated, handles, e-mails, another script, inside a meeting title (and so its id).
MENTIONS = [
    "aoife led it",
    "AOIFE NÍ BHRIAIN agreed",
    "Ni Bhriain's notes",
    unicodedata.normalize("NFD", "Ní Bhriain again"),
    "Bhriain-led session",
    "AoifeNiBhriain on the forum",
    "JOSÉ ÁLVAREZ-SMITH",
    "Jose Alvarez spoke",
    "Smith-style slides",
    "josé's draft",
    "张伟 wrote the summary",
    "ask @weiz",
    "mail wz@uni.example or jose.alvarez@uni.example",
    "WeiZhang and Zhang",
    "lee-chen and Dr Chen",
]

FORBIDDEN = [
    "aoife", "bhriain", "jose", "alvarez", "smith", "wei", "zhang", "张伟", "weiz", "chen",
    "aoife-ni-bhriain", "jose-alvarez-smith", "wei-zhang", "lee-chen", "@uni.example",
]  # fmt: skip


@pytest.fixture
def named(make_partnership: Callable[..., Path], runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Path:
    goals = MINIMAL["goals.yaml"].replace("amira-haddad", "aoife-ni-bhriain")
    timeline = MINIMAL["timeline.yaml"]
    folder = make_partnership(roles=ROLES, goals=goals, timeline=timeline)
    monkeypatch.chdir(folder.parent)
    for number, mention in enumerate(MENTIONS):
        result = runner.invoke(
            cli.app,
            ["checkin", "demo", "--no-input", "--date", f"2026-02-{number + 1:02d}",
             "--title", f"Aoife Ní Bhriain's debrief {number}", "--attendee", "wei-zhang",
             "--note", mention, "--decision", f"joint: {mention}", "--goal", "new-rubric=on-track",
             "--action", f"jose-alvarez-smith: Follow up with {mention}"],
        )  # fmt: skip
        assert_handled(result)
        assert result.exit_code == 0, result.output
    return folder


def _leaks(text: str) -> list[str]:
    folded = fold(text)
    return [word for word in FORBIDDEN if fold(word) in folded]


def test_the_anonymised_review_and_its_json_name_no_partner(named: Path, runner: CliRunner) -> None:
    page = runner.invoke(cli.app, ["report", "demo", "--anonymize", "-o", "-"])
    assert_handled(page)
    assert page.exit_code == 0, page.output
    figures = runner.invoke(cli.app, ["report", "demo", "--anonymize", "--format", "json"])
    assert_handled(figures)
    assert figures.exit_code == 0, figures.output
    assert _leaks(page.stdout) == []  # what was replaced is listed, with the real names, on stderr
    assert _leaks(figures.stdout) == []
    data = json.loads(figures.stdout)
    meetings = {h["meeting"] for g in data["goals"] for h in g["history"]}
    assert meetings and all(m.startswith("meeting-") for m in meetings)
    assert "Student A" in page.stdout  # the partners are still there, under their pseudonyms


def test_emails_are_masked_whoever_they_belong_to(named: Path) -> None:
    from sap_cli.partnership.load import load_valid
    from sap_cli.review.anonymize import anonymize, replacements

    found = replacements(load_valid(named))
    assert anonymize("write to office@school.example or wz@uni.example", found) == (
        "write to [e-mail address] or [e-mail address]"
    )


def test_particles_and_ordinary_words_are_left_alone_on_their_own(named: Path) -> None:
    from sap_cli.partnership.load import load_valid
    from sap_cli.review.anonymize import anonymize, replacements

    found = replacements(load_valid(named))
    text = anonymize("de la Cruz and van Dijk met O Connor; Ní Bhriain came", found)
    assert text.startswith("de la Cruz and van Dijk met O Connor; ")
    assert "Bhriain" not in text and " Ní " not in text


def test_reflections_and_the_plan_for_sharing_name_no_partner(named: Path, runner: CliRunner) -> None:
    """A shared reflection and the dissemination plan are partners' own words: caught the same way."""
    result = runner.invoke(cli.app, ["reflect", "demo", "--phase", "end", "--partner", "Wei Zhang"])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    reflection = named / "reflections" / "end-wei-zhang.md"
    text = reflection.read_text(encoding="utf-8")
    markers = [line for line in text.splitlines() if line.startswith("<!-- answer ")]
    assert len(markers) >= 3
    for marker, mention in zip(markers, MENTIONS, strict=False):
        text = text.replace(marker + "\n", f"{marker}\n{mention}, said with 张伟.\n", 1)
    reflection.write_text(text, encoding="utf-8")
    project = named / "project.yaml"
    plan = "; ".join(MENTIONS[:8]).replace('"', "'")
    project.write_text(
        project.read_text(encoding="utf-8") + f'dissemination:\n  plan: "{plan}"\n', encoding="utf-8"
    )
    page = runner.invoke(cli.app, ["report", "demo", "--anonymize", "-o", "-"])
    figures = runner.invoke(cli.app, ["report", "demo", "--anonymize", "--format", "json"])
    for result in (page, figures):
        assert_handled(result)
        assert result.exit_code == 0, result.output
    data = json.loads(figures.stdout)
    answers = json.dumps(data["reflections"], ensure_ascii=False)
    assert "said with" in answers and "Student" in answers  # the answers are there, names replaced
    assert "Student A" in data["dissemination"]["plan"]
    assert _leaks(page.stdout) == [] and _leaks(figures.stdout) == []
