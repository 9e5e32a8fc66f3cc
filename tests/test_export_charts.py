"""The matrix and pulse pictures in every exported format, and the timeline as a picture in Word."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, assert_handled
from sap_cli import cli
from sap_cli.export.documents import as_pdf, markdown_documents
from sap_cli.export.html import markdown_to_html
from sap_cli.partnership.load import load_valid

PNG = b"\x89PNG\r\n\x1a\n"
# The stage name the anonymised review must never draw: a partner's name inside it.
NAMED_STAGE = "Review with Sofia Martins"  # short enough for the picture not to clip it


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "course-redesign"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    monkeypatch.chdir(tmp_path)
    return folder


def _export(runner: CliRunner, *args: str) -> None:
    result = runner.invoke(cli.app, ["export", *args])
    assert_handled(result)
    assert result.exit_code == 0, result.output


class _Pictures(HTMLParser):
    """Each <svg> element of a page: the chart its title names, and all the text inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[str] = []
        self.words: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self.depth += 1
            label = dict(attrs).get("aria-labelledby") or ""
            self.charts.append(label.split("-")[1] if label.startswith("sap-") else "?")
            self.words.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.words[-1] += data


def _pictures(page: Path) -> _Pictures:
    parser = _Pictures()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _name_a_partner_in_a_stage(folder: Path) -> None:
    matrix = folder / "matrix.yaml"
    text = matrix.read_text(encoding="utf-8")
    assert "name: Reviewing the current module\n" in text
    matrix.write_text(text.replace("name: Reviewing the current module\n", f"name: {NAMED_STAGE}\n"), "utf-8")


def test_the_pages_show_the_matrix_and_the_pulse_where_their_tables_are(
    runner: CliRunner, example: Path
) -> None:
    _export(runner, str(example), "agreement", "progress", "review")
    assert _pictures(example / "export" / "agreement.html").charts == ["matrix"]
    assert _pictures(example / "export" / "progress.html").charts == ["timeline"]  # no matrix, no pulse
    review = example / "export" / "review.html"
    assert _pictures(review).charts == ["timeline", "pulse", "matrix"]
    page = review.read_text(encoding="utf-8")
    # In addition to the tables, never in place of them, and each after its own table.
    assert page.index("<th>Felt heard</th>") < page.index('aria-labelledby="sap-pulse-title')
    assert page.index("<th>Control enacted</th>") < page.index('aria-labelledby="sap-matrix-title')
    assert "sap:chart" not in page


def test_no_pulse_recorded_no_pulse_picture(runner: CliRunner, example: Path) -> None:
    for check_in in (example / "checkins").glob("*.yaml"):
        text = check_in.read_text(encoding="utf-8")
        check_in.write_text(re.sub(r"(?m)^pulse:\n(?:  .*\n)*", "", text), "utf-8")
    _export(runner, str(example), "review")
    page = (example / "export" / "review.html").read_text(encoding="utf-8")
    assert "No pulse scores were recorded" in page
    assert _pictures(example / "export" / "review.html").charts == ["timeline", "matrix"]


def test_a_chart_marker_is_a_chart_only_on_a_line_of_its_own_and_never_from_escaped_text() -> None:
    drawn = markdown_to_html(
        "Before\n\n<!-- sap:chart matrix -->\n\n\\<!-- sap:chart pulse -->\n\n`<!-- sap:chart pulse -->`\n",
        lambda name: f'<svg role="img"><title>{name}</title></svg>',
    ).body
    assert drawn.count("<svg") == 1 and "<title>matrix</title>" in drawn
    assert markdown_to_html("<!-- sap:chart matrix -->\n").body.strip() == ""  # no chart given: nothing shows


def test_the_pdf_holds_the_matrix_and_the_pulse(example: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("typst")
    partnership = load_valid(example)
    [review] = markdown_documents(partnership, ["review"], None)
    _, pdf = as_pdf(partnership, review)
    text = re.sub(
        r"\s+", " ", "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    )
    assert "How students take part at each stage" in text  # the matrix's own words
    assert "How partners felt, meeting by meeting" in text  # the pulse's
    assert "Milestones: planned and reached" in text


def test_word_files_hold_each_chart_as_a_picture_with_alt_text_the_same_bytes_each_run(
    runner: CliRunner, example: Path
) -> None:
    docx = pytest.importorskip("docx")
    pytest.importorskip("typst")
    for out in ("one", "two"):
        _export(runner, str(example), "agreement", "progress", "review", "--format", "docx", "-o", out)
    expected = {
        "agreement": ["Participation matrix"],
        "progress": ["Timeline"],
        "review": ["Timeline", "Pulse", "Participation matrix"],
    }
    for name, titles in expected.items():
        one = (example.parent / "one" / f"{name}.docx").read_bytes()
        assert one == (example.parent / "two" / f"{name}.docx").read_bytes(), name
        word = docx.Document(io.BytesIO(one))
        shapes = list(word.inline_shapes)
        assert [shape._inline.docPr.get("title").split(":")[0] for shape in shapes] == titles, name
        for shape in shapes:
            descr = shape._inline.docPr.get("descr")
            assert len(descr) > 60 and descr.endswith("."), descr  # the SVG's title and description
            blob = word.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
            assert blob.startswith(PNG) and len(blob) > 5000
            assert 0 < shape.width <= word.sections[0].page_width - word.sections[0].left_margin
        assert "Word cannot show it" not in "\n".join(p.text for p in word.paragraphs)


def test_without_the_typst_wheel_word_gets_a_note_saying_how_to_have_the_picture(
    runner: CliRunner, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docx = pytest.importorskip("docx")
    monkeypatch.setitem(sys.modules, "typst", None)  # `import typst` now fails, as when not installed
    _export(runner, str(example), "agreement", "--format", "docx")
    word = docx.Document(str(example / "export" / "agreement.docx"))
    assert len(word.inline_shapes) == 0
    notes = [p.text for p in word.paragraphs if "The chart that goes here" in p.text]
    assert len(notes) == 1 and "pip install 'sap-cli[docx]'" in notes[0]


def test_the_anonymised_review_draws_no_picture_from_real_names(runner: CliRunner, example: Path) -> None:
    docx = pytest.importorskip("docx")
    _name_a_partner_in_a_stage(example)
    assert runner.invoke(cli.app, ["report", str(example), "--anonymize"]).exit_code == 0
    _export(runner, str(example), "review", "review-anonymized")
    _export(runner, str(example), "review", "review-anonymized", "--format", "docx")
    names = [partner.name for partner in load_valid(example).roles.partners]
    # The plain review draws the stage with the name (so the check below can fail) ...
    assert "Sofia Martins" in " ".join(_pictures(example / "export" / "review.html").words)
    anonymized = _pictures(example / "export" / "review-anonymized.html")
    assert anonymized.charts == ["pulse", "matrix"]  # drawn from the anonymised figures
    drawn = " ".join(anonymized.words)
    assert "1. Review with Student A" in drawn  # the stage is there, named as its table names it
    word = docx.Document(str(example / "export" / "review-anonymized.docx"))
    alt = " ".join(shape._inline.docPr.get("descr") or "" for shape in word.inline_shapes)
    assert len(word.inline_shapes) == 2
    for name in names:
        for part in name.split():
            if len(part) > 3:
                assert part not in drawn and part not in alt, part


def test_the_png_is_the_svg_drawn(example: Path) -> None:
    pytest.importorskip("typst")
    from sap_cli.documents.charts import matrix_svg
    from sap_cli.export.raster import svg_to_png

    svg = matrix_svg(load_valid(example))
    picture = svg_to_png(svg)
    assert picture is not None and picture.png.startswith(PNG)
    width, height = int.from_bytes(picture.png[16:20], "big"), int.from_bytes(picture.png[20:24], "big")
    assert (width, height) == (round(picture.width * 2), round(picture.height * 2))  # 192 ppi
    again = svg_to_png(svg)
    assert again is not None and hashlib.sha256(again.png).digest() == hashlib.sha256(picture.png).digest()
    assert picture.alt.startswith("Participation matrix: planned and what happened. 5 stages")
