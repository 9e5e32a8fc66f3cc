"""`sap export --format docx`: Word files walked from the same Markdown, read back with python-docx."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, assert_handled
from sap_cli import cli
from sap_cli.export.documents import markdown_documents
from sap_cli.partnership.load import load_valid

docx = pytest.importorskip("docx")
pypdf = pytest.importorskip("pypdf")

REPEAT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
DOCUMENTS = ("agreement", "progress", "review")


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "course-redesign"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    monkeypatch.chdir(tmp_path)
    return folder


def _export(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(cli.app, ["export", *args])
    assert_handled(result)
    assert result.exit_code == code, result.output
    return result.output


def _all_text(document: Any) -> str:
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(paragraphs + cells)


def _repeats(table: Any) -> bool:
    first = table.rows[0]._tr
    return first.trPr is not None and first.trPr.find(REPEAT) is not None


def test_every_section_heading_and_the_participation_matrix_are_in_the_word_files(
    runner: CliRunner, example: Path
) -> None:
    output = _export(runner, str(example), *DOCUMENTS, "--format", "docx")
    partnership = load_valid(example)
    names = [partner.name for partner in partnership.roles.partners]
    matrices = 0
    for markdown in markdown_documents(partnership, list(DOCUMENTS), None):
        stem = Path(markdown.path).stem
        assert f"export/{stem}.docx" in output
        word = docx.Document(str(example / "export" / f"{stem}.docx"))
        headings = [p.text for p in word.paragraphs if p.style.name == "Heading 2"]
        expected = [line[3:] for line in markdown.text.splitlines() if line.startswith("## ")]
        assert headings == expected and expected
        assert word.paragraphs[0].style.name == "Heading 1"
        assert word.tables and all(_repeats(table) for table in word.tables)
        assert all(not _repeats_row(table) for table in word.tables)  # only the header row repeats
        text = _all_text(word)
        assert "<!--" not in text and "```" not in text and "| --- |" not in text and "gantt" not in text
        if stem in ("agreement", "review"):
            assert all(name in text for name in names)
        for table in word.tables:
            header = [cell.text for cell in table.rows[0].cells]
            if header[0] == "Stage" and ("Partnership" in header or "Control enacted" in header):
                matrices += 1
                assert len(table.rows) > 2
                assert all(run.bold for run in table.rows[0].cells[0].paragraphs[0].runs)
    assert matrices == 2  # the agreement's section 6 and the review's section 4


def _repeats_row(table: Any) -> bool:
    rows = table.rows[1:]
    return any(row._tr.trPr is not None and row._tr.trPr.find(REPEAT) is not None for row in rows)


def test_line_breaks_in_cells(runner: CliRunner, example: Path) -> None:
    _export(runner, str(example), "review", "--format", "docx")
    word = docx.Document(str(example / "export" / "review.docx"))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert any("\n" in cell and "<br>" not in cell for cell in cells)
    assert not any("<br>" in cell for cell in cells)


def test_two_runs_give_identical_bytes_and_the_second_writes_nothing(
    runner: CliRunner, example: Path, tmp_path: Path
) -> None:
    _export(runner, str(example), "agreement", "--format", "docx", "-o", str(tmp_path / "one"))
    _export(runner, str(example), "agreement", "--format", "docx", "-o", str(tmp_path / "two"))
    one = (tmp_path / "one" / "agreement.docx").read_bytes()
    assert one == (tmp_path / "two" / "agreement.docx").read_bytes()
    with zipfile.ZipFile(tmp_path / "one" / "agreement.docx") as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {(2026, 3, 6)}
    word = docx.Document(str(tmp_path / "one" / "agreement.docx"))
    assert word.core_properties.modified.date().isoformat() == "2026-03-06"
    again = _export(runner, str(example), "agreement", "--format", "docx", "-o", str(tmp_path / "one"))
    assert "already up to date" in again and "wrote" not in again


HOSTILE = "<w:p><w:r><w:t>injected</w:t></w:r></w:p> Tom & Jerry ]]> <?xml?> " + "x" * 3000 + " end"


def test_hostile_partner_text_stays_text_in_word(runner: CliRunner, demo: Path) -> None:
    roles = (demo / "roles.yaml").read_text(encoding="utf-8")
    (demo / "roles.yaml").write_text(roles.replace("Run the focus group", f'"{HOSTILE}"'), encoding="utf-8")
    _export(runner, "demo", "agreement", "--format", "docx")
    path = demo / "export" / "agreement.docx"
    assert HOSTILE in _all_text(docx.Document(str(path)))
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "&lt;w:p&gt;" in body and "Tom &amp; Jerry" in body
    assert "<w:t>injected</w:t>" not in body


def test_characters_xml_cannot_hold_are_dropped_not_fatal(tmp_path: Path) -> None:
    from sap_cli.export.docx import markdown_to_docx

    markdown = "# T\n\nBell\x07 nul\x00 esc\x1b \ufffe end\n\n| a |\n| --- |\n| cell\x0b\x1f |\n"
    markdown_to_docx(markdown).save(str(tmp_path / "t.docx"))
    word = docx.Document(str(tmp_path / "t.docx"))
    assert word.paragraphs[1].text == "Bell nul\ufffd esc  end"  # markdown-it itself makes NUL U+FFFD
    assert word.tables[0].rows[1].cells[0].text == "cell"


def test_hostile_markdown_links_and_images_become_words_only(tmp_path: Path) -> None:
    from sap_cli.export.docx import markdown_to_docx

    word = markdown_to_docx(
        "# T\n\n![x](/etc/passwd) [p](file:///etc/passwd) <file:///etc/passwd> [j](javascript:alert(1))\n"
    )
    word.save(str(tmp_path / "t.docx"))
    with zipfile.ZipFile(tmp_path / "t.docx") as archive:
        names = archive.namelist()
        rels = archive.read("word/_rels/document.xml.rels").decode("utf-8")
    assert not any(name.startswith("word/media") for name in names)
    assert "passwd" not in rels and "javascript" not in rels and 'TargetMode="External"' not in rels
    text = docx.Document(str(tmp_path / "t.docx")).paragraphs[1].text
    assert text.startswith("[picture: x] [p](file:///etc/passwd)")  # the image's words; links as typed


def _reference(path: Path) -> Path:
    reference = docx.Document()
    heading = reference.styles["Heading 2"]
    heading.font.name = "Comic Sans MS"
    reference.add_paragraph("Letterhead text that must not stay in the body")
    reference.sections[0].header.paragraphs[0].text = "University of Northmoor"
    reference.save(str(path))
    return path


def test_a_reference_file_gives_its_styles_but_not_its_words(
    runner: CliRunner, example: Path, tmp_path: Path
) -> None:
    reference = _reference(tmp_path / "centre.docx")
    _export(runner, str(example), "progress", "--format", "docx", "--reference", str(reference))
    word = docx.Document(str(example / "export" / "progress.docx"))
    assert word.styles["Heading 2"].font.name == "Comic Sans MS"
    assert "Letterhead text" not in _all_text(word)
    assert word.sections[0].header.paragraphs[0].text == "University of Northmoor"
    assert word.paragraphs[0].text.startswith("Progress: ")


def test_a_reference_without_list_or_table_styles_still_works(
    runner: CliRunner, example: Path, tmp_path: Path
) -> None:
    reference = docx.Document()
    for name in ("List Bullet", "List Bullet 2", "Table Grid", "Heading 3"):
        element = reference.styles[name].element
        element.getparent().remove(element)
    reference.save(str(tmp_path / "bare.docx"))
    _export(runner, str(example), "review", "--format", "docx", "--reference", str(tmp_path / "bare.docx"))
    assert "Sofia Martins" in _all_text(docx.Document(str(example / "export" / "review.docx")))


@pytest.mark.parametrize("content", [None, b"not a word file", b"PK\x03\x04 broken zip"])
def test_a_reference_that_is_not_a_word_file_is_refused_plainly(
    runner: CliRunner, example: Path, tmp_path: Path, content: bytes | None
) -> None:
    reference = tmp_path / "styles.docx"
    if content is not None:
        reference.write_bytes(content)
    output = _export(runner, str(example), "--format", "docx", "--reference", str(reference), code=1)
    words = " ".join(output.split())
    assert "nothing was written" in words and "Save As" in words
    assert ("is not there" if content is None else "is not a Word document sap can read") in words
    assert not (example / "export").exists()


def test_reference_goes_only_with_docx(runner: CliRunner, example: Path, tmp_path: Path) -> None:
    output = _export(runner, str(example), "--reference", str(_reference(tmp_path / "c.docx")), code=2)
    assert "only goes with --format docx" in " ".join(output.split())
    assert not (example / "export").exists()


def test_without_python_docx_sap_says_how_to_install_it(
    runner: CliRunner, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)  # import docx now raises ImportError
    output = _export(runner, str(example), "--format", "docx", code=1)
    words = " ".join(output.split())
    assert "pip install 'sap-cli[docx]'" in words and "open the HTML page" in words
    assert "Traceback" not in output and not (example / "export").exists()


def test_a_word_file_edited_by_hand_is_kept_unless_forced(runner: CliRunner, example: Path) -> None:
    _export(runner, str(example), "agreement", "--format", "docx")
    path = example / "export" / "agreement.docx"
    edited = docx.Document(str(path))
    edited.add_paragraph("My own notes from the meeting")
    edited.save(str(path))  # as Word would: the properties stay, the body changes
    mine = path.read_bytes()
    kept = _export(runner, str(example), "agreement", "--format", "docx", code=1)
    assert "edited by hand" in kept and path.read_bytes() == mine
    forced = _export(runner, str(example), "agreement", "--format", "docx", "--force")
    assert "saved your edited" in forced
    assert (example / "export" / "agreement.backup.docx").read_bytes() == mine
    assert "My own notes" not in _all_text(docx.Document(str(path)))


def test_an_untouched_older_word_file_is_replaced(runner: CliRunner, example: Path) -> None:
    _export(runner, str(example), "progress", "--format", "docx")
    path = example / "export" / "progress.docx"
    older = path.read_bytes()
    _export(runner, str(example), "progress", "--format", "docx", "--date", "2026-02-01")
    assert path.read_bytes() != older and not (example / "export" / "progress.backup.docx").exists()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_the_word_files(runner: CliRunner, example: Path, tmp_path: Path) -> None:
    _export(runner, str(example), *DOCUMENTS, "--format", "docx")
    profile = tmp_path / "profile"
    done = subprocess.run(  # one LibreOffice for all the files (it starts in some 1.5 s)
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *(str(example / "export" / f"{stem}.docx") for stem in DOCUMENTS),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == sorted(f"{s}.pdf" for s in DOCUMENTS)
    for stem in DOCUMENTS:
        pdf = pypdf.PdfReader(tmp_path / "pdf" / f"{stem}.pdf")
        text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
        word = docx.Document(str(example / "export" / f"{stem}.docx"))
        headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
        assert len(headings) > 3
        for heading in headings:  # LibreOffice laid out every heading the Word file holds
            assert " ".join(heading.split()) in text, (stem, heading)


def test_the_anonymised_review_has_no_chart_note_and_no_names(runner: CliRunner, example: Path) -> None:
    assert runner.invoke(cli.app, ["report", str(example), "--anonymize"]).exit_code == 0
    _export(runner, str(example), "review-anonymized", "--format", "docx")
    text = _all_text(docx.Document(str(example / "export" / "review-anonymized.docx")))
    assert "Sofia Martins" not in text and "gantt" not in text and "The chart that goes here" not in text


def test_dates_do_not_break_and_the_footer_counts_pages(runner: CliRunner, example: Path) -> None:
    _export(runner, str(example), "progress", "--format", "docx")
    path = example / "export" / "progress.docx"
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
        footers = [archive.read(n).decode("utf-8") for n in archive.namelist() if "footer" in n]
    assert ">2026-03-06<" not in body and "2026</w:t><w:noBreakHyphen/><w:t>03</w:t>" in body
    word = docx.Document(str(path))
    assert "2026-03-06" in _all_text(word)  # still reads as the date
    assert any('w:instr="PAGE"' in f and 'w:instr="NUMPAGES"' in f for f in footers)
    assert word.sections[0].footer.paragraphs[0].text.startswith("Redesigning GEOG 210")


def test_a_word_template_dotx_works_as_the_reference(
    runner: CliRunner, example: Path, tmp_path: Path
) -> None:
    document = _reference(tmp_path / "centre.docx")
    template = tmp_path / "centre.dotx"
    with zipfile.ZipFile(document) as source, zipfile.ZipFile(template, "w") as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "[Content_Types].xml":
                part = part.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(info, part)
    _export(runner, str(example), "agreement", "--format", "docx", "--reference", str(template))
    word = docx.Document(str(example / "export" / "agreement.docx"))
    assert word.styles["Heading 2"].font.name == "Comic Sans MS"


@pytest.mark.parametrize(("paper", "width_mm"), [("a4", 210), ("letter", 216)])
def test_the_page_size_follows_paper(runner: CliRunner, example: Path, paper: str, width_mm: int) -> None:
    _export(runner, str(example), "agreement", "--format", "docx", "--paper", paper)
    section = docx.Document(str(example / "export" / "agreement.docx")).sections[0]
    assert round(section.page_width.mm) == width_mm


def test_each_numbered_list_counts_from_its_own_start(tmp_path: Path) -> None:
    from sap_cli.export.docx import markdown_to_docx

    markdown_to_docx("# T\n\n1. a\n2. b\n\nBetween.\n\n1. c\n\nAgain.\n\n3. d\n4. e\n").save(
        str(tmp_path / "n.docx")
    )
    word = docx.Document(str(tmp_path / "n.docx"))
    items = [p for p in word.paragraphs if p.style.name == "List Number"]
    ids = [p._p.pPr.numPr.numId.val for p in items]
    assert [p.text for p in items] == ["a", "b", "c", "d", "e"]
    assert ids[0] == ids[1] and len({ids[0], ids[2], ids[3]}) == 3 and ids[3] == ids[4]
    starts = {
        num.numId: num.xpath("./w:lvlOverride/w:startOverride/@w:val")
        for num in word.part.numbering_part.element.num_lst
    }
    assert [starts[i] for i in (ids[0], ids[2], ids[3])] == [["1"], ["1"], ["3"]]
