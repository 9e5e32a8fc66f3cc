"""The Markdown's mermaid gantt: an axis whose date labels do not overlap, for short and long projects."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINIMAL
from sap_cli.documents.pages import render_documents
from sap_cli.review.page import render_review
from sap_cli.validation.check import check_folder

# Mermaid's own patterns: a d3 time format, and a number with one of its units
AXIS_FORMAT = re.compile(r"^    axisFormat (%[a-zA-Z])([ /.-]%[a-zA-Z])*$")
TICK_INTERVAL = re.compile(r"^    tickInterval [1-9][0-9]*(millisecond|second|minute|hour|day|week|month)$")


def _gantts(folder: Path) -> list[list[str]]:
    partnership = check_folder(folder).partnership
    assert partnership is not None
    (progress,) = render_documents(partnership, which=("progress",))
    texts = [progress.text, render_review(partnership), render_review(partnership, anonymized=True)]
    blocks = [block for text in texts for block in re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)]
    assert len(blocks) == 3
    return [block.splitlines() for block in blocks]


@pytest.mark.parametrize(
    ("end", "ticks", "axis"),
    [("2026-03-20", "1week", "%d %b"), ("2026-05-12", "1week", "%d %b"), ("2026-12-18", "1month", "%b %Y")],
)
def test_the_gantt_axis_has_a_format_and_a_tick_interval_fit_for_the_length(
    make_partnership: Callable[..., Path], end: str, ticks: str, axis: str
) -> None:
    folder = make_partnership(project=MINIMAL["project.yaml"].replace("end: 2026-05-29", f"end: {end}"))
    for lines in _gantts(folder):
        assert lines[0] == "gantt"
        assert f"    axisFormat {axis}" in lines and f"    tickInterval {ticks}" in lines
        directives = [line for line in lines if line.startswith(("    axisFormat", "    tickInterval"))]
        assert len(directives) == 2
        assert AXIS_FORMAT.match(directives[0]) and TICK_INTERVAL.match(directives[1])
        # before the first section, where mermaid reads its settings
        first_section = next(i for i, line in enumerate(lines) if line.startswith("    section "))
        assert all(lines.index(line) < first_section for line in directives)
