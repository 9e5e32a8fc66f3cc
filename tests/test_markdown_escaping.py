"""Partner text is data, never markup: hostile text in any field reads as typed in every document."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from conftest import EXAMPLES
from sap_cli.documents.jinja import make_environment, render_template
from sap_cli.documents.markdown import escape_markdown
from sap_cli.documents.pages import render_documents
from sap_cli.review.page import render_review
from sap_cli.validation.check import check_folder

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<iframe src=file:///etc/passwd>",
    "[x](file:///etc/passwd)",
    "![x](/etc/passwd)",
    "[a](javascript:alert(1))",
    "<a rel=attachment href=file:///etc/passwd>",
    "<http://example.com>",
    "# heading",
    "- list",
    "+ list",
    "1. list",
    "**bold**",
    "Lab 1: *the* rubric",
    "`code`",
    "~~strike~~",
    "<!-- comment -->",
    "> quote",
    "_under_ and snake_case",
    "AT&amp;T &#60;b&#62;",
    "back\\slash \\*",
]


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "course-redesign"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    shutil.rmtree(folder / "docs")
    return folder


def _replace(folder: Path, file: str, old: str, value: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    key = old.split(":", 1)[0]
    assert old in text, (file, old)
    path.write_text(text.replace(old, f"{key}: {json.dumps(value)}", 1), encoding="utf-8")


def _replace_block(folder: Path, file: str, key: str, value: str) -> None:
    """A folded `key: >-` block (indented lines under it) replaced by `value`."""
    path = folder / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}: >-")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and len(lines[end]) - len(lines[end].lstrip()) > indent:
        end += 1
    lines[start:end] = [" " * indent + f"{key}: {json.dumps(value)}\n"]
    path.write_text("".join(lines), encoding="utf-8")


def _hostile_folder(tmp_path: Path, payload: str) -> tuple[Path, dict[str, str]]:
    """The example with the payload (and a marker saying where) in each kind of partner text."""
    folder = _folder(tmp_path)
    values = {}

    def value(field: str) -> str:
        values[field] = f"{payload} zq{len(values)}q"
        return values[field]

    _replace(
        folder, "project.yaml", "title: Redesigning GEOG 210 Fieldwork and Research Methods", value("title")
    )
    _replace(folder, "goals.yaml", "title: A shared picture of where GEOG 210 loses students", value("goal"))
    _replace(folder, "goals.yaml", "title: New field report brief and rubric", value("deliverable"))
    _replace(folder, "roles.yaml", "name: Sofia Martins", value("partner"))
    _replace(
        folder,
        "project.yaml",
        "notes: Meeting notes are written by a different partner each time.",
        value("notes"),
    )
    _replace_block(folder, "project.yaml", "plan", value("plan"))
    _replace(
        folder,
        "checkins/2026-03-03-redesign-plan.yaml",
        "text: The field report gets a one-page brief and a six-line rubric",
        value("decision"),
    )
    _replace(folder, "matrix.yaml", "note: Went to plan.", value("stage-note"))
    _replace(folder, "matrix.yaml", "name: Reviewing the current module", value("stage"))
    answer = "The week 6 practical and the new report brief both change in September"
    reflection = folder / "reflections/end-helen-brooks.md"
    text = reflection.read_text(encoding="utf-8")
    start = text.index(answer)
    end = text.index("\n", start)
    reflection.write_text(text[:start] + value("answer") + text[end:], encoding="utf-8")
    return folder, values


def _pages(folder: Path) -> dict[str, str]:
    checked = check_folder(folder)
    assert checked.partnership is not None, [p.message for p in checked.problems]
    pages = {doc.path: doc.text for doc in render_documents(checked.partnership)}
    pages["docs/review.md"] = render_review(checked.partnership)
    return pages


def _parse(text: str) -> list[Any]:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # pandoc and others link file: too
    return md.parse(text)


def _walk(tokens: list[Any]) -> Iterator[Any]:
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


def _inline_text(token: Any) -> str:
    """What a reader sees of one inline run: its text, with markup left out."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


SAP_HTML = re.compile(r"<br>|<!-- Made by `sap render`|<!-- sap:chart [a-z]+ -->$|<!-- (end )?answer -->")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_in_every_field_reads_as_typed_in_every_document(tmp_path: Path, payload: str) -> None:
    folder, values = _hostile_folder(tmp_path, payload)
    pages = _pages(folder)
    seen: set[str] = set()
    for path, text in pages.items():
        tokens = _parse(text)
        for token in _walk(tokens):
            assert token.type not in ("link_open", "image", "s_open"), (path, token)
            if token.type in ("html_inline", "html_block"):
                assert SAP_HTML.match(token.content), (path, token.content)
            if token.type != "inline":
                continue
            shown = _inline_text(token)
            for field, value in values.items():
                marker = value.rsplit(" ", 1)[1]
                if marker in shown:
                    # the whole text, as typed, in one run: not a heading, list, link, code or bold
                    assert value in shown, (path, field, shown)
                    seen.add(field)
    assert seen == set(values), f"not shown anywhere: {set(values) - seen}"


def test_a_title_with_asterisks_shows_them_as_typed(tmp_path: Path) -> None:
    folder, _ = _hostile_folder(tmp_path, "Lab 1: *the* rubric")
    agreement = _pages(folder)["docs/agreement.md"]
    assert "# Partnership agreement: Lab 1: \\*the\\* rubric zq0q\n" in agreement
    heading = _parse(agreement)[1]
    assert _inline_text(heading) == "Partnership agreement: Lab 1: *the* rubric zq0q"


def test_several_lines_of_partner_text_make_no_heading_list_or_quote(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    plan = "We will share it.\n# heading\n- list\n2) list\n> quote\n===\n<div>\n| a | b |\n| --- | --- |\nend"
    _replace_block(folder, "project.yaml", "plan", plan)
    agreement = _pages(folder)["docs/agreement.md"]
    tokens = _parse(agreement)
    section = next(
        i for i, t in enumerate(tokens) if t.type == "inline" and t.content == "11. Sharing the work"
    )
    assert [t.type for t in tokens[section + 2 : section + 5]] == [
        "paragraph_open",
        "inline",
        "paragraph_close",
    ]
    assert _inline_text(tokens[section + 3]) == plan


def test_ordinary_prose_is_left_alone() -> None:
    for text in (
        "Dr O'Neill's co-designed rubric, 3.5 hours (about 40%) - maybe more!",
        "snake_case",
        "#hashtag",
        "R&D",
    ):
        assert escape_markdown(text) == text


def test_a_projects_own_template_escapes_partner_text_too(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "templates/docs").mkdir(parents=True)
    (folder / "templates/docs/progress.md.j2").write_text(
        "# {{ project.title }}\n\n{{ project.summary }}\n"
        "{% set x %}**{{ project.title }}**{% endset %}{{ x }}\n",
        encoding="utf-8",
    )
    env = make_environment(folder)
    page = render_template(
        env,
        "docs/progress.md.j2",
        {"project": {"title": "<script>x</script>", "summary": "![x](/etc/passwd)"}},
    )
    assert page == "# \\<script>x\\</script>\n\n\\!\\[x\\](/etc/passwd)\n**\\<script>x\\</script>**\n"
