"""Tables as spreadsheets (issue 20): CSV that Excel opens with its accents and never runs a formula
from partner text, and XLSX with a sheet per table, real dates and numbers, the same bytes each run."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

import pytest

from sap_cli.files.spreadsheet import (
    Table,
    XlsxExtraMissing,
    csv_bytes,
    csv_paths,
    sheet_names,
    write_csv,
    write_xlsx,
    xlsx_bytes,
)

HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://x.example","click")']

TABLE = Table(
    "Partnerships",
    ["title", "round", "students", "hours", "start", "signed", "note"],
    [
        ["Søren's lab — Ní Bhriain", "round-1", 3, 40.5, dt.date(2026, 2, 23), True, None],
        ['=HYPERLINK("http://x.example","click")', "round-2", 0, 0.0, dt.date(2026, 3, 2), False, "-5"],
    ],
)


def _read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_a_bom_one_header_row_and_crlf_rows() -> None:
    data = csv_bytes(TABLE)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 3 and b"\n" not in data.replace(b"\r\n", b"")
    rows = _read_csv(data)
    assert rows[0] == ["title", "round", "students", "hours", "start", "signed", "note"]
    assert rows[1] == ["Søren's lab — Ní Bhriain", "round-1", "3", "40.5", "2026-02-23", "true", ""]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_that_starts_like_a_formula_comes_back_as_text_with_the_quote(text: str) -> None:
    [_, [cell]] = _read_csv(csv_bytes(Table("t", ["c"], [[text]])))
    assert cell == "'" + text


@pytest.mark.parametrize("text", ["-5", "-2.5", "plain", "a=b", "", "5"])
def test_a_plain_negative_number_and_ordinary_text_are_left_as_written(text: str) -> None:
    [_, [cell]] = _read_csv(csv_bytes(Table("t", ["c"], [[text]])))
    assert cell == text


def test_a_number_cell_is_written_as_a_number_even_when_negative() -> None:
    [_, cells] = _read_csv(csv_bytes(Table("t", ["a", "b", "c"], [[-5, -0.5, float("nan")]])))
    assert cells == ["-5", "-0.5", ""]


def test_a_header_that_looks_like_a_formula_is_protected_too() -> None:
    [header] = _read_csv(csv_bytes(Table("t", ["=cmd", "ok"], [])))
    assert header == ["'=cmd", "ok"]


def test_several_tables_go_to_one_csv_file_each_beside_the_first(tmp_path: Path) -> None:
    tables = [TABLE, Table("By stream", ["stream", "n"], [["assessment", 4]]), Table("By stream", ["x"], [])]
    target = tmp_path / "programme.csv"
    assert csv_paths(target, tables) == [
        target,
        tmp_path / "programme-by-stream.csv",
        tmp_path / "programme-by-stream-2.csv",
    ]
    written = write_csv(target, tables)
    assert [p.read_bytes() for p in written] == [csv_bytes(t) for t in tables]
    assert [p.name for p in sorted(tmp_path.iterdir())] == sorted(
        p.name for p in written
    )  # no temp files left


# ---------------------------------------------------------------- XLSX


def _sheet_xml(data: bytes, number: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode("utf-8")


def _shared_strings(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/sharedStrings.xml").decode("utf-8")
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<si>(.*?)</si>", xml)]


def test_a_formula_looking_title_is_a_string_cell_not_a_formula() -> None:
    data = xlsx_bytes([TABLE])
    sheet = _sheet_xml(data)
    assert "<f>" not in sheet and "<f " not in sheet
    [a3] = re.findall(r'<c r="A3"[^>]*>.*?</c>', sheet)
    assert 't="s"' in a3  # a shared string
    index = int(re.search(r"<v>(\d+)</v>", a3).group(1))  # type: ignore[union-attr]
    assert _shared_strings(data)[index] == '=HYPERLINK("http://x.example","click")'


def test_numbers_dates_and_yes_no_keep_their_types_and_the_header_is_bold_and_frozen() -> None:
    data = xlsx_bytes([TABLE])
    sheet = _sheet_xml(data)
    cells = dict(re.findall(r'<c r="([A-Z]+2)"([^>]*>.*?)</c>', sheet))
    assert "<v>3</v>" in cells["C2"] and 't="' not in cells["C2"]  # a number
    assert "<v>40.5</v>" in cells["D2"]
    assert (
        "<v>46076</v>" in cells["E2"] and 's="' in cells["E2"]
    )  # 2026-02-23 as Excel's day number, formatted
    assert 't="b"' in cells["F2"] and "<v>1</v>" in cells["F2"]
    assert "G2" not in cells  # None: no cell at all
    assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in sheet
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("xl/styles.xml").decode("utf-8")
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
    assert "<b/>" in styles and 'formatCode="yyyy-mm-dd"' in styles
    assert 'name="Partnerships"' in workbook


def test_a_sheet_per_table_with_names_excel_accepts() -> None:
    long = "Partnerships by area: planned / enacted [2026]"
    tables = [TABLE, Table(long, ["a"], [[1]]), Table("partnerships", ["a"], []), Table("", ["a"], [])]
    assert sheet_names(tables) == [
        "Partnerships",
        "Partnerships by area- planned -",
        "partnerships (2)",
        "Sheet 4",
    ]
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(tables))) as archive:
        assert len([n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]) == 4


def test_two_runs_give_the_same_bytes_and_the_creation_date_is_fixed(tmp_path: Path) -> None:
    first, second = xlsx_bytes([TABLE]), xlsx_bytes([TABLE])
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "2000-01-01T00:00:00Z" in core
    dated = xlsx_bytes([TABLE], created=dt.date(2026, 6, 30))
    assert dated != first and dated == xlsx_bytes([TABLE], created=dt.date(2026, 6, 30))
    path = write_xlsx(tmp_path / "programme.xlsx", [TABLE])
    assert path.read_bytes() == first


def test_without_xlsxwriter_the_error_says_how_to_install_it_and_nothing_is_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "xlsxwriter", None)  # as if the extra were not installed
    with pytest.raises(XlsxExtraMissing) as caught:
        write_xlsx(tmp_path / "programme.xlsx", [TABLE])
    assert "pip install 'sap-cli[xlsx]'" in (caught.value.hint or "")
    assert "nothing was written" in caught.value.message
    assert list(tmp_path.iterdir()) == []
