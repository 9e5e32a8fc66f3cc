"""`sap export --format pdf`: the same Markdown tokens as the HTML page, compiled by the typst wheel."""

from __future__ import annotations

import importlib
import io
import re
import shutil
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, assert_handled
from export_checks import chinese_fonts, rename_partners
from sap_cli import cli
from sap_cli.export import pdf as pdf_module
from sap_cli.export.typst_source import markdown_to_typst
from sap_cli.partnership.load import load_valid

HOSTILE = [
    '#read("/etc/passwd")',
    '#import "@preview/cetz:0.3.0": *',
    '#image("/etc/passwd")',
    "] #strong[x",
    '" + read("/etc/passwd") + "',
    'back\\slash \\" quote',
    "$x^2$ maths",
    "<label> and @ref",
    "= not a heading",
    "- not a list",
    "*not bold* _not emph_ `code` ~tilde~ // not a comment /* nor this */",
    "\\u{41} stays as typed",
]


def _text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _compile(markdown: str) -> bytes:
    pytest.importorskip("typst")
    return pdf_module.compile_pdf(markdown_to_typst(markdown, title="T"))


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "course-redesign"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    monkeypatch.chdir(tmp_path)
    return folder


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_prints_as_typed_and_reads_no_file(hostile: str) -> None:
    text = _flat(_text(_compile(f"# Title\n\nBefore {_md_escape(hostile)} after\n")))
    assert f"Before {hostile} after" in text
    assert "root:" not in text


def _md_escape(text: str) -> str:
    """As the templates escape partner text: every ASCII punctuation mark with a backslash."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def test_headings_lists_tables_and_code_come_through() -> None:
    markdown = (
        "# Agreement\n\n## 1. Purpose\n\nSome **bold** and *italic* and `code`.<br>Next line\n\n"
        "- one\n- two\n\n3. three\n4. four\n\n"
        "| Who | When |\n| --- | ---: |\n| Aoife Ní Bhriain | 2026-03-20 |\n\n"
        "<!-- answer q1 -->\n\n```mermaid\ngantt\n```\n"
    )
    source = markdown_to_typst(markdown).source
    assert "table.header(" in source and '#box("2026-03-20")' in source
    text = _text(_compile(markdown))
    for words in (
        "Agreement",
        "1. Purpose",
        "bold",
        "italic",
        "code",
        "one",
        "two",
        "three",
        "Aoife Ní Bhriain",
    ):
        assert words in text, words
    assert "answer q1" not in text and "gantt" not in text and "Page 1 of 1" in _flat(text)


def test_the_agreement_pdf_holds_every_partner_heading_and_signature_line(
    runner: CliRunner, example: Path
) -> None:
    pytest.importorskip("typst")
    result = runner.invoke(cli.app, ["export", str(example), "agreement", "--format", "pdf"])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    assert "wrote course-redesign/export/agreement.pdf" in result.output
    text = _flat(_text((example / "export" / "agreement.pdf").read_bytes()))
    partnership = load_valid(example)
    markdown = (example / "docs" / "agreement.md").read_text(encoding="utf-8")
    names = [partner.name for partner in partnership.roles.partners]
    assert len(names) == 5
    for name in names:
        assert f"Printed name: {name}" in text, name
    headings = [line[3:].strip() for line in markdown.splitlines() if line.startswith("## ")]
    assert len(headings) > 10
    for heading in headings:
        assert _flat(heading.replace("\\", "")) in text, heading
    assert text.count("Signature: ____") == len(names) and text.count("Date: ____") >= len(names)


def _embedded_fonts(data: bytes) -> set[str]:
    pypdf = pytest.importorskip("pypdf")
    fonts = set()
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


@pytest.mark.skipif(
    not chinese_fonts(), reason="no font with Chinese glyphs (apt-get install fonts-noto-cjk)"
)
def test_names_in_three_scripts_are_in_the_pdf_in_a_font_that_has_them(
    runner: CliRunner, example: Path
) -> None:
    pytest.importorskip("typst")
    names = rename_partners(example)
    result = runner.invoke(cli.app, ["export", str(example), "agreement", "--format", "pdf"])
    assert_handled(result)
    data = (example / "export" / "agreement.pdf").read_bytes()
    text = _flat(_text(data))
    for name in names:
        assert f"Printed name: {name}" in text, name
    # Typst looks at the system's fonts too (the document itself still reads no file).
    squeezed = {family.replace(" ", "").lower() for family in chinese_fonts()}
    embedded = {font.split("+")[-1].lower() for font in _embedded_fonts(data)}
    assert any(font.startswith(family) for font in embedded for family in squeezed), embedded


def test_two_runs_give_identical_bytes_and_the_second_writes_nothing(
    runner: CliRunner, example: Path
) -> None:
    pytest.importorskip("typst")
    first = runner.invoke(cli.app, ["export", str(example), "progress", "-o", "one", "--format", "pdf"])
    second = runner.invoke(cli.app, ["export", str(example), "progress", "-o", "two", "--format", "pdf"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    one = (example.parent / "one" / "progress.pdf").read_bytes()
    assert one.startswith(b"%PDF") and one == (example.parent / "two" / "progress.pdf").read_bytes()
    again = runner.invoke(cli.app, ["export", str(example), "progress", "-o", "one", "--format", "pdf"])
    assert again.output == "1 file in one already up to date.\n"
    assert "Timeline" in _text(one)  # sap's own SVG chart, in place of the mermaid block


def test_letter_paper(runner: CliRunner, example: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("typst")
    result = runner.invoke(cli.app, ["export", str(example), "agreement", "-o", "out", "--format", "pdf"])
    letter = runner.invoke(
        cli.app, ["export", str(example), "agreement", "-o", "us", "--format", "pdf", "--paper", "letter"]
    )
    assert result.exit_code == 0 and letter.exit_code == 0
    a4 = pypdf.PdfReader(example.parent / "out" / "agreement.pdf").pages[0].mediabox
    us = pypdf.PdfReader(example.parent / "us" / "agreement.pdf").pages[0].mediabox
    assert round(float(a4.width)) == 595 and round(float(us.width)) == 612


def test_a_pdf_sap_did_not_make_is_kept_unless_forced(runner: CliRunner, example: Path) -> None:
    pytest.importorskip("typst")
    target = example.parent / "out" / "agreement.pdf"
    target.parent.mkdir()
    target.write_bytes(b"%PDF-1.7 someone's own file")
    kept = runner.invoke(cli.app, ["export", str(example), "agreement", "-o", "out", "--format", "pdf"])
    assert_handled(kept)
    assert kept.exit_code == 1 and "edited by hand" in kept.output
    assert target.read_bytes() == b"%PDF-1.7 someone's own file"
    forced = runner.invoke(
        cli.app, ["export", str(example), "agreement", "-o", "out", "--format", "pdf", "--force"]
    )
    assert forced.exit_code == 0, forced.output
    assert (target.parent / "agreement.backup.pdf").read_bytes() == b"%PDF-1.7 someone's own file"
    assert target.read_bytes().startswith(b"%PDF")


def test_without_the_extra_the_message_says_how_to_install_it_or_print_the_html(
    runner: CliRunner, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.import_module

    def no_typst(name: str, package: str | None = None) -> ModuleType:
        if name == "typst":
            raise ImportError("No module named 'typst'")
        return real(name, package)

    monkeypatch.setattr(pdf_module.importlib, "import_module", no_typst)
    result = runner.invoke(cli.app, ["export", str(example), "--format", "pdf"])
    assert_handled(result)
    assert result.exit_code == 1
    words = _flat(result.output)
    assert "pip install 'sap-cli[pdf]'" in words and "nothing was written" in words
    assert "--format html" in words and "browser" in words and "Traceback" not in words
    assert not (example / "export").exists()


def test_hostile_partner_text_through_the_whole_command(runner: CliRunner, demo: Path) -> None:
    pytest.importorskip("typst")
    hostile = '#read("/etc/passwd") ] $x$ <label> @ref \\ " #import "@preview/x:0.1.0"'
    goals = (demo / "goals.yaml").read_text(encoding="utf-8")
    quoted = "'" + hostile.replace("'", "''") + "'"
    (demo / "goals.yaml").write_text(
        goals.replace("A lab rubric students understand", quoted), encoding="utf-8"
    )
    result = runner.invoke(cli.app, ["export", "demo", "agreement", "--format", "pdf"])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    text = _flat(_text((demo / "export" / "agreement.pdf").read_bytes()))
    assert hostile in text and "root:" not in text
