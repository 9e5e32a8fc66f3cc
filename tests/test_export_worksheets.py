"""Exported worksheets and reflections: a ruled space to write each answer by hand, written answers
shown instead, no marker ever visible; the page's language; sap export's own mark; pictures as words."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, assert_handled
from sap_cli import cli
from sap_cli.agreement.fingerprint import fingerprint
from sap_cli.export.documents import export_project
from sap_cli.partnership.load import load_valid

# Anything of a marker that must never reach a reader: comments, answer markers, Jinja comments.
MARKER_TEXT = re.compile(r"<!--|-->|\banswer [a-z]+-\d|end answer|\{#|#\}|&nbsp;|sap-answer-space")
WORKSHEET = "worksheets/start-student"
REFLECTION = "reflections/start-helen-brooks"
EXAMPLE_NAMES = sorted(path.name for path in EXAMPLES.iterdir() if (path / "project.yaml").is_file())


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "title")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.words.append(data)


def html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return "".join(parser.words)


def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def docx_document(data: bytes) -> Any:
    docx = pytest.importorskip("docx")
    return docx.Document(io.BytesIO(data))


def docx_text(data: bytes) -> str:
    document = docx_document(data)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def _copy(tmp_path: Path, name: str = "course-redesign") -> Path:
    folder = tmp_path / name
    shutil.copytree(EXAMPLES / name, folder)
    return folder


def _export(folder: Path, fmt: str, *which: str) -> Path:
    if fmt == "pdf":
        pytest.importorskip("typst")
    if fmt == "docx":
        pytest.importorskip("docx")
    export_project(folder, list(which) or None, output=folder / f"out-{fmt}", output_format=fmt)
    return folder / f"out-{fmt}"


def _read(path: Path, fmt: str) -> str:
    if fmt == "html":
        return html_text(path.read_text(encoding="utf-8"))
    return pdf_text(path.read_bytes()) if fmt == "pdf" else docx_text(path.read_bytes())


def test_a_worksheet_page_has_a_ruled_space_under_every_question(tmp_path: Path) -> None:
    out = _export(_copy(tmp_path), "html", "worksheets")
    page = (out / f"{WORKSHEET}.html").read_text(encoding="utf-8")
    questions = re.findall(r"<p><strong>[^<]+\?</strong></p>", page)
    spaces = re.findall(r'<div class="answer-space"[^>]*>((?:<div class="rule"></div>)+)</div>', page)
    assert len(questions) == 12 and len(spaces) == 12
    assert all(space.count('class="rule"') == 7 for space in spaces)
    assert "break-inside: avoid" in page and "height: 8mm" in page
    assert "Your answer:" not in page  # the Markdown's placeholder gives way to the space


def test_a_worksheet_pdf_and_word_file_have_a_ruled_space_under_every_question(tmp_path: Path) -> None:
    from sap_cli.export.typst_source import ANSWER_SPACE, markdown_to_typst

    folder = _copy(tmp_path)
    markdown = (folder / "docs" / f"{WORKSHEET}.md").read_text(encoding="utf-8")
    source = markdown_to_typst(markdown).source
    assert source.count(ANSWER_SPACE) == 12
    assert source.count("#block(breakable: false, width: 100%)[") == 12  # each question kept with it
    word = docx_document((_export(folder, "docx", "worksheets") / f"{WORKSHEET}.docx").read_bytes())
    spaces = [table for table in word.tables if len(table.rows) == 7 and len(table.columns) == 1]
    assert len(spaces) == 12
    heights = {round(row.height.mm) for table in spaces for row in table.rows}
    assert heights == {8}
    assert all("w:tblBorders" in table._tbl.xml for table in spaces)


def test_a_reflection_shows_written_answers_and_a_space_only_for_the_rest(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    page = (_export(folder, "html", "reflections") / f"{REFLECTION}.html").read_text(encoding="utf-8")
    assert page.count('<div class="answer-space"') == 10  # 12 questions, 2 answered
    assert "The order of the methods weeks and the report brief are genuinely open." in page
    assert not (folder / "out-html" / "reflections" / "start-kiri-walker.html").exists()
    word = docx_document((_export(folder, "docx", "reflections") / f"{REFLECTION}.docx").read_bytes())
    assert sum(1 for table in word.tables if len(table.rows) == 7) == 10
    assert "Students say the field report is confusing" in docx_text(
        (folder / "out-docx" / f"{REFLECTION}.docx").read_bytes()
    )


def test_private_reflections_are_never_exported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "private" / "reflections").mkdir(parents=True)
    shutil.copy(
        folder / "reflections" / "start-helen-brooks.md", folder / "private/reflections/end-kiri-walker.md"
    )
    out = _export(folder, "html", "reflections")
    assert (out / f"{REFLECTION}.html").is_file()
    assert not list(out.rglob("*kiri-walker*"))


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_marker_shows_in_any_export_of_any_example(tmp_path: Path, name: str, fmt: str) -> None:
    out = _export(_copy(tmp_path, name), fmt)
    files = sorted(out.rglob(f"*.{fmt}"))
    assert len(files) >= 9
    for path in files:
        shown = _read(path, fmt)
        found = MARKER_TEXT.findall(shown)
        assert found == [], (path.name, found)
        if path.parent.name == "worksheets":  # a space to write in, not the Markdown's placeholder
            assert "Your answer:" not in shown, path.name


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_no_marker_shows_from_a_partners_own_reflection(tmp_path: Path, fmt: str) -> None:
    folder = _copy(tmp_path)
    path = folder / "reflections" / "start-sofia-martins.md"
    text = path.read_text(encoding="utf-8").replace(
        "<!-- answer power-2 -->\n",
        "<!-- answer power-2 -->\nMy own note <!-- left for later --> and a second line.\n"
        "<!--   answer   goals-9   -->\n",
        1,
    )
    path.write_text(text, encoding="utf-8")
    out = _export(folder, fmt, "reflections")
    shown = _read(out / f"reflections/start-sofia-martins.{fmt}", fmt)
    assert "My own note" in shown and "left for later" not in shown
    assert MARKER_TEXT.findall(shown) == []


def test_images_keep_their_alt_text_as_words_in_all_three_formats(tmp_path: Path) -> None:
    from sap_cli.export.docx import markdown_to_docx
    from sap_cli.export.html import markdown_to_html
    from sap_cli.export.typst_source import markdown_to_typst

    markdown = "# T\n\nSee ![a map of the *field* site](/etc/passwd) and ![](x.png) here.\n"
    body = markdown_to_html(markdown).body
    assert "[picture: a map of the field site]" in html_text(body) and "[picture]" in body
    assert "<img" not in body and "passwd" not in body
    source = markdown_to_typst(markdown).source
    assert '"[picture: a map of the field site]"' in source and "passwd" not in source
    pytest.importorskip("docx")
    saved = io.BytesIO()
    markdown_to_docx(markdown).save(saved)
    assert "See [picture: a map of the field site] and [picture] here." in docx_text(saved.getvalue())
    with zipfile.ZipFile(saved) as archive:
        assert not any(name.startswith("word/media") for name in archive.namelist())
    pdf = pdf_text(_export_pdf(source))
    assert "[picture: a map of the field site]" in re.sub(r"\s+", " ", pdf)


def _export_pdf(source: str) -> bytes:
    pytest.importorskip("typst")
    from sap_cli.export.pdf import compile_pdf
    from sap_cli.export.typst_source import TypstSource

    return compile_pdf(TypstSource(source=source, title="T"))


def _set_language(folder: Path, tag: str) -> None:
    with (folder / "project.yaml").open("a", encoding="utf-8") as file:
        file.write(f"language: {tag}\n")


@pytest.mark.parametrize(("tag", "typst"), [("ga", 'lang: "ga")'), ("en-AU", 'lang: "en", region: "AU")'),
                                            ("zh-Hans", 'lang: "zh")'), ("vi", 'lang: "vi")')])  # fmt: skip
def test_the_project_language_reaches_html_pdf_and_word(tmp_path: Path, tag: str, typst: str) -> None:
    from sap_cli.export.documents import markdown_documents
    from sap_cli.export.typst_source import markdown_to_typst

    folder = _copy(tmp_path)
    _set_language(folder, tag)
    page = (_export(folder, "html", "agreement") / "agreement.html").read_text(encoding="utf-8")
    assert f'<html lang="{tag}">' in page
    partnership = load_valid(folder)
    document = markdown_documents(partnership, ["agreement"], None)[0]
    assert typst in markdown_to_typst(document.text, lang=partnership.project.language).source
    word = (_export(folder, "docx", "agreement") / "agreement.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(word)) as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
    defaults = styles.split("<w:rPrDefault>", 1)[1].split("</w:rPrDefault>", 1)[0]
    assert f'w:val="{tag}"' in defaults


def test_the_language_defaults_to_english_and_is_not_a_term_of_the_agreement(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    before = load_valid(folder)
    assert before.project.language == "en"
    _set_language(folder, "ga")
    assert fingerprint(load_valid(folder)).whole == fingerprint(before).whole


def test_a_language_that_is_not_a_tag_is_refused_by_validate(runner: CliRunner, tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "project.yaml").read_text(encoding="utf-8")
    _set_language(folder, "en-AU")
    fine = runner.invoke(cli.app, ["validate", str(folder)])
    assert_handled(fine)
    assert fine.exit_code == 0, fine.output
    (folder / "project.yaml").write_text(text, encoding="utf-8")
    _set_language(folder, '"English please"')
    result = runner.invoke(cli.app, ["validate", str(folder)])
    assert_handled(result)
    assert result.exit_code != 0 and "is not a language tag" in result.output and "en-AU" in result.output


def test_the_schema_lists_the_language() -> None:
    from sap_cli.editor.schemas import json_schemas

    schema = json_schemas()["project.schema.json"]
    assert '"language"' in schema and "en-AU" in schema


def test_exported_files_say_sap_export_made_them_and_how_to_make_them_again(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    page = (_export(folder, "html", "agreement") / "agreement.html").read_text(encoding="utf-8")
    assert "sap render" not in page
    assert "<!-- Made by `sap export` from the partnership files" in page
    assert "run `sap export` again" in page
    word = (_export(folder, "docx", "agreement") / "agreement.docx").read_bytes()
    comments = docx_document(word).core_properties.comments
    assert "sap export" in comments and "again" in comments
    pypdf = pytest.importorskip("pypdf")
    pdf = (_export(folder, "pdf", "agreement") / "agreement.pdf").read_bytes()
    subject = str(pypdf.PdfReader(io.BytesIO(pdf)).metadata.get("/Subject"))
    assert "sap export" in subject and "again" in subject
    assert "made by sap export" in pdf_text(pdf)


def test_a_page_with_the_older_sap_render_mark_is_still_replaced(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    out = _export(folder, "html", "agreement")
    page = out / "agreement.html"
    from sap_cli.documents.files import MARKER, finish_page

    body = page.read_text(encoding="utf-8").rsplit("<!-- Made by", 1)[0]
    page.write_text(finish_page(body, MARKER), encoding="utf-8")
    result = export_project(folder, ["agreement"], output=out)
    assert result.written == [page] and result.kept == []
