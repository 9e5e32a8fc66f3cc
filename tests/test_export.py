"""`sap export --format html`: safe, self-contained pages made from the Markdown sap renders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, assert_handled
from export_checks import dangers, parse
from sap_cli import cli
from sap_cli.export.html import markdown_to_html, sanitize
from sap_cli.export.page import html_page

KINDS = ("student", "faculty")
HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=/etc/passwd>",
    "![x](/etc/passwd)",
    "![x](file:///etc/passwd)",
    "<a href=file:///etc/passwd>passwords</a>",
    '<a rel="attachment" href="file:///etc/passwd">attach</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](file:///etc/passwd)",
    "[site](https://evil.example/track)",
    "<file:///etc/passwd>",
    "<https://evil.example/pixel>",
    "<javascript:alert(1)>",
    "<iframe src=file:///etc/passwd></iframe>",
    "<object data=file:///etc/passwd></object>",
    "<embed src=/etc/passwd>",
    "<svg onload=alert(1)><use href=file:///etc/passwd#x /></svg>",
    '<div style="background:url(file:///etc/passwd)">x</div>',
    '<meta http-equiv="refresh" content="0;url=file:///etc/passwd">',
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<form action=https://evil.example><input name=x></form>",
    "<base href=https://evil.example/>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "| a |\n| --- |\n| <img src=x onerror=alert(1)> |",
    "```html\n<script>alert(1)</script>\n```",
    "<!-- --><script>alert(1)</script>",
    "<br onmouseover=alert(1)>",
    "<a href='mailto:x@example.org' onclick=alert(1)>mail</a>",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_hostile_markdown_survives_the_converter(hostile: str) -> None:
    body = markdown_to_html(f"# Title\n\nBefore {hostile} after\n\n{hostile}\n").body
    page = html_page(body, "Title")
    assert dangers(page) == []
    assert "<script" not in page.lower() and "<iframe" not in page.lower()


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_sanitiser_alone_stops_hostile_html(hostile: str) -> None:
    """The second wall holds even if the converter let raw HTML through."""
    assert dangers(html_page(sanitize(hostile), "Title")) == []


def test_comments_and_mermaid_never_show_as_text() -> None:
    markdown = (
        "# Worksheet\n\n### A question\n\n<!-- answer q1 -->\n\nMy answer\n\n<!-- end answer -->\n\n"
        "```mermaid\ngantt\n    title Plan\n```\n\n"
        "<!-- Made by `sap render` from the partnership files: edit those, not this page. "
        "sap:0123456789abcdef -->\n"
    )
    converted = markdown_to_html(markdown)
    text = "".join(parse(converted.body).text)
    assert "answer q1" not in text and "-->" not in text and "gantt" not in text and "sap render" not in text
    assert "My answer" in text
    assert converted.charts == ["gantt\n    title Plan\n"]


def test_a_chart_given_for_a_mermaid_block_takes_its_place() -> None:
    svg = '<svg role="img" width="10" height="10"><title>Timeline</title></svg>'
    body = markdown_to_html("Before\n\n```mermaid\ngantt\n```\n\nAfter\n", lambda name: svg).body
    assert body.index("Before") < body.index(svg) < body.index("After")


def test_table_line_breaks_and_dates_but_no_other_tags() -> None:
    body = markdown_to_html("| a | when |\n| --- | --- |\n| x<br>y <b>z</b> | 2026-03-20 |\n").body
    assert "x<br>" in body and "&lt;b&gt;z&lt;/b&gt;" in body
    assert '<span class="date">2026-03-20</span>' in body
    assert "<thead>" in body


def test_an_escaped_tag_in_partner_text_stays_text() -> None:
    body = markdown_to_html("a \\<br> b \\<!-- not a comment -->\n").body
    assert "<br>" not in body and "&lt;br&gt;" in body and "not a comment" in body


def test_the_page_is_self_contained_with_a_print_stylesheet() -> None:
    page = html_page("<p>x</p>", "Agreement <&>", paper="letter")
    assert page.startswith("<!DOCTYPE html>\n<html lang=")
    assert "<title>Agreement &lt;&amp;&gt;</title>" in page
    assert "@page { size: letter;" in page and "counter(pages)" in page
    assert "thead { display: table-header-group; }" in page
    assert ".date { white-space: nowrap; }" in page and "system-ui" in page and "sans-serif" in page
    assert "@media print" in page
    assert "<script" not in page and "http:" not in page and "https:" not in page and "file:" not in page
    assert "size: A4" in html_page("", "t")


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "course-redesign"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    monkeypatch.chdir(tmp_path)
    return folder


def _pages(folder: Path) -> list[Path]:
    return sorted((folder / "export").rglob("*.html"))


def test_export_writes_each_page_prints_its_path_and_keeps_export_out_of_git(
    runner: CliRunner, example: Path
) -> None:
    (example / ".gitignore").write_text("private/\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["export", str(example)])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    names = [str(p.relative_to(example / "export")) for p in _pages(example)]
    worksheets = [f"worksheets/{phase}-{kind}.html" for phase in ("start", "during", "end") for kind in KINDS]
    # partners' reflections are theirs: only exported when asked for by name
    assert names == sorted(["agreement.html", "progress.html", "review.html", *worksheets])
    for name in names:
        assert f"wrote course-redesign/export/{name}" in result.output
    assert "added export/ to course-redesign/.gitignore" in result.output
    assert (example / ".gitignore").read_text(encoding="utf-8") == "private/\nexport/\n"
    for page in _pages(example):
        text = page.read_text(encoding="utf-8")
        assert dangers(text) == [], page
        assert "```" not in text and "gantt" not in text and "&lt;!--" not in text and "&lt;br" not in text
    agreement = (example / "export" / "agreement.html").read_text(encoding="utf-8")
    assert "<title>Partnership agreement: Redesigning GEOG 210" in agreement
    assert "Sofia Martins" in agreement and "<table>" in agreement

    again = runner.invoke(cli.app, ["export", str(example)])
    assert again.exit_code == 0
    assert again.output == "9 files in course-redesign/export already up to date.\n"


def test_export_one_document_into_another_folder_on_letter_paper(runner: CliRunner, example: Path) -> None:
    result = runner.invoke(cli.app, ["export", str(example), "agreement", "-o", "out", "--paper", "letter"])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    assert result.output == "wrote out/agreement.html\n"
    assert "size: letter" in (example.parent / "out" / "agreement.html").read_text(encoding="utf-8")
    assert not (example / "export").exists() and not (example / ".gitignore").exists()


def test_a_page_edited_by_hand_is_kept_unless_forced(runner: CliRunner, example: Path) -> None:
    assert runner.invoke(cli.app, ["export", str(example), "agreement"]).exit_code == 0
    page = example / "export" / "agreement.html"
    page.write_text("<p>my notes</p>\n", encoding="utf-8")
    kept = runner.invoke(cli.app, ["export", str(example), "agreement"])
    assert_handled(kept)
    assert kept.exit_code == 1 and "edited by hand" in kept.output
    assert page.read_text(encoding="utf-8") == "<p>my notes</p>\n"
    forced = runner.invoke(cli.app, ["export", str(example), "agreement", "--force"])
    assert forced.exit_code == 0
    assert (example / "export" / "agreement.backup.html").read_text(encoding="utf-8") == "<p>my notes</p>\n"


def test_export_refuses_a_linked_export_folder(runner: CliRunner, example: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (example / "export").symlink_to(elsewhere)
    result = runner.invoke(cli.app, ["export", str(example)])
    assert_handled(result)
    assert result.exit_code == 1 and "sap will not write here" in result.output
    assert list(elsewhere.iterdir()) == []


def test_an_unknown_document_is_a_usage_error(runner: CliRunner, example: Path) -> None:
    result = runner.invoke(cli.app, ["export", str(example), "agreemnt"])
    assert_handled(result)
    assert result.exit_code == 2 and "did you mean 'agreement'" in result.output


def test_hostile_partner_text_through_the_whole_command(runner: CliRunner, demo: Path) -> None:
    hostile = (
        '<img src=x onerror=alert(1)> <script>alert(1)</script> <iframe src="file:///etc/passwd"></iframe> '
        "[p](file:///etc/passwd) ![x](/etc/passwd) <a href=file:///etc/passwd>x</a> [j](javascript:alert(1))"
    )
    goals = (demo / "goals.yaml").read_text(encoding="utf-8")
    (demo / "goals.yaml").write_text(
        goals.replace("A lab rubric students understand", f"'{hostile}'"), encoding="utf-8"
    )
    roles = (demo / "roles.yaml").read_text(encoding="utf-8")
    (demo / "roles.yaml").write_text(roles.replace("Run the focus group", f"'{hostile}'"), encoding="utf-8")
    result = runner.invoke(cli.app, ["export", "demo"])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    pages = _pages(demo)
    assert pages
    seen = False
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert dangers(text) == [], page
        seen |= "onerror=alert(1)" in "".join(parse(text).text)  # shown as the words typed
    assert seen


def test_the_anonymised_review_comes_too_once_report_made_it(
    runner: CliRunner, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(cli.app, ["report", str(example), "--anonymize"]).exit_code == 0
    monkeypatch.chdir(example)
    result = runner.invoke(cli.app, ["export"])
    assert_handled(result)
    assert "wrote export/review-anonymized.html" in result.output
    page = (example / "export" / "review-anonymized.html").read_text(encoding="utf-8")
    assert "Sofia Martins" not in page and dangers(page) == []
    one = runner.invoke(cli.app, ["export", "agreement"])  # a document named inside the partnership
    assert one.exit_code == 0 and one.output == "1 file in export already up to date.\n"


def test_the_progress_and_review_pages_show_the_timeline_drawn(runner: CliRunner, example: Path) -> None:
    """The mermaid block becomes sap's own SVG timeline, from the same day as the page's figures;
    the anonymised review gets none (its milestone titles would come from before anonymising)."""
    assert runner.invoke(cli.app, ["report", str(example), "--anonymize"]).exit_code == 0
    result = runner.invoke(cli.app, ["export", str(example)])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    for name, pictures in (("progress.html", 1), ("review.html", 3)):  # the review: matrix, pulse too
        page = (example / "export" / name).read_text(encoding="utf-8")
        assert page.count("<svg") == pictures and 'role="img"' in page and "<title" in page, name
        assert 'class="milestone"' in page and dangers(page) == [], name
        drawn = page[page.index("<svg") : page.index("</svg>")]
        assert "<span" not in drawn and "<p>" not in drawn, name  # an HTML tag would end the SVG
    anonymized = (example / "export" / "review-anonymized.html").read_text(encoding="utf-8")
    assert 'class="milestone"' not in anonymized and "gantt" not in anonymized
