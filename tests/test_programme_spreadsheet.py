"""Issue 20: `sap programme --format csv|xlsx`, programme.yaml in the programme view, rounds and
streams checked by validate, and `sap schema --programme`. Text, JSON, CSV and XLSX agree."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, MINIMAL, assert_handled
from sap_cli.cli.app import app

AS_OF = "2026-03-04"
FORMULA = '=HYPERLINK("x")'
ACCENTED = "Écoute étudiante"

PROGRAMME_YAML = """\
name: Partners in Learning 2026
contact: {name: Dr Ruth Okafor, email: r.okafor@example.ac.uk}
rounds:
  - {id: 2026-1, title: "Round 1, 2026"}
  - {id: 2026-2, title: "Round 2, 2026"}
streams:
  - {id: assessment, title: Assessment and feedback}
  - {id: belonging, title: Belonging}
custom:
  stream: {type: text}
  budget_code: {type: text}
  round: {type: text}
  kick_off: {type: date}
"""

WITHDRAWN_ROLES = """\
partners:
  - id: amira-haddad
    name: Amira Haddad
    kind: student
    responsibilities:
      - Run the focus group
  - id: kiri-walker
    name: Kiri Walker
    kind: student
    responsibilities:
      - Test the materials
    left: 2026-02-01
  - id: lee-chen
    name: Dr Lee Chen
    kind: faculty
"""


def _minimal(folder: Path, title: str, custom: str = "", **replacements: str) -> Path:
    folder.mkdir(parents=True)
    for name, text in MINIMAL.items():
        (folder / name).write_text(replacements.get(name.removesuffix(".yaml"), text), encoding="utf-8")
    project = replacements.get("project", MINIMAL["project.yaml"]).replace(
        "title: Co-designing BIOL 201", f"title: {json.dumps(title, ensure_ascii=False)}"
    )
    (folder / "project.yaml").write_text(project + custom, encoding="utf-8")
    return folder


@pytest.fixture
def programme(tmp_path: Path) -> Path:
    """Seven partnerships at depths one to three, with programme.yaml at the top."""
    root = tmp_path / "programme"
    root.mkdir()
    (root / "programme.yaml").write_text(PROGRAMME_YAML, encoding="utf-8")
    shutil.copytree(EXAMPLES / "course-redesign", root / "geography" / "course-redesign")
    broken = root / "2026" / "broken"
    shutil.copytree(EXAMPLES / "micro-credential", broken)
    with (broken / "project.yaml").open("a", encoding="utf-8") as f:
        f.write("title: [not closed\n")
    _minimal(
        root / "2026" / "round-1" / "ecoute",
        ACCENTED,
        "custom:\n  round: 2026-1\n  stream: belonging\n  budget_code: TL-4410\n  kick_off: 2026-01-20\n"
        "  faculties: [Science, Arts]\n",
    )
    _minimal(root / "2026" / "formula", FORMULA, "custom:\n  round: 2026-2\n  stream: assessment\n")
    finished = MINIMAL["project.yaml"].replace("2026-01-12", "2025-09-01").replace("2026-05-29", "2026-02-20")
    _minimal(
        root / "2025" / "finished",
        "Finished pilot",
        "custom:\n  round: 2026-1\n  zone: north\n",
        project=finished,
        timeline=MINIMAL["timeline.yaml"].replace("2026-03-20", "2026-01-20"),
    )
    _minimal(root / "2026" / "withdrawn", "With a leaver", roles=WITHDRAWN_ROLES)
    return root


PATHS = [
    "2025/finished",
    "2026/broken",
    "2026/formula",
    "2026/round-1/ecoute",
    "2026/withdrawn",
    "geography/course-redesign",
]
CUSTOM_COLUMNS = [  # programme.yaml's order, then the undeclared ones by name
    "custom.stream", "custom.budget_code", "custom.round", "custom.kick_off",
    "custom.faculties", "custom.zone",
]  # fmt: skip


def _run(runner: CliRunner, *args: str) -> Any:
    result = runner.invoke(app, [*args], env={"COLUMNS": "200"})
    assert_handled(result)
    return result


def _json(runner: CliRunner, root: Path) -> Any:
    result = _run(runner, "programme", str(root), "--date", AS_OF, "--format", "json")
    assert result.exit_code == 1  # the broken partnership
    return json.loads(result.stdout)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _xlsx(path: Path, sheet: int = 1) -> list[list[Any]]:
    """A sheet read back from its XML: shared strings as text, numbers as floats, booleans as bool."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as archive:
        strings = [
            "".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t"))
            for si in ElementTree.fromstring(archive.read("xl/sharedStrings.xml")).findall("m:si", ns)
        ]
        xml = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{sheet}.xml"))
    grid: list[list[Any]] = []
    for row in xml.iter(f"{{{ns['m']}}}row"):
        cells: list[Any] = []
        for cell in row.findall("m:c", ns):
            letters = re.match(r"[A-Z]+", cell.get("r", "")).group(0)  # type: ignore[union-attr]
            column = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(letters))) - 1
            assert cell.find("m:f", ns) is None  # never a formula
            value = cell.find("m:v", ns)
            cells += [None] * (column - len(cells))
            kind = cell.get("t")
            text = value.text if value is not None else None
            cells.append(
                strings[int(text)]
                if kind == "s" and text
                else (text == "1")
                if kind == "b"
                else float(text or 0)
            )
        grid.append(cells)
    width = len(grid[0])
    return [cells + [None] * (width - len(cells)) for cells in grid]


def _expected(row: dict[str, Any]) -> dict[str, Any]:
    """What each documented column should hold, flattened from the JSON row by hand."""
    if not row["valid"]:
        return {"path": row["path"], "valid": False, "errors": row["errors"], "title": None, "phase": None}
    join = "; ".join
    return {
        "path": row["path"],
        "valid": True,
        "errors": row["errors"],
        "title": row["title"],
        "areas": join(row["areas"]) or None,
        "round": row["round"],
        "stream": row["stream"],
        "phase": row["phase"],
        "start": row["start"],
        "end": row["end"],
        "finished": row["finished"],
        "students": row["partners"]["student"]["current"],
        "staff": row["partners"]["staff"]["current"],
        "students_left": row["partners"]["student"]["left"],
        "last_meeting_days": row["meetings"]["days_since_last"],
        "meeting_overdue": row["meetings"]["overdue"],
        "overdue_actions": row["overdue_actions"],
        "goals_done": row["goals"]["done"],
        "goals_total": row["goals"]["total"],
        "signed_by_all": row["agreement"]["signed_by_all"],
        "to_sign": join(row["agreement"]["must_sign"]) or None,
        "power_transfer": row["power_transfer"],
        "stages": len(row["stages"]),
        "ethics": row["ethics"],
        "student_hours_logged": row["hours"]["logged"],
        "student_hours_agreed": row["hours"]["agreed"],
        "health": row["health"]["flag"],
        "health_reasons": join(row["health"]["reasons"]) or None,
        **{
            f"custom.{key}": join(value) if isinstance(value, list) else value
            for key, value in row["custom"].items()
        },
    }


def _as_csv(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith("=") else text


def _as_xlsx(value: Any, column: str) -> Any:
    if value is None or isinstance(value, bool) or column == "path":
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if column in ("start", "end", "custom.kick_off"):  # a date cell: days since 1899-12-30
        return float((dt.date.fromisoformat(value) - dt.date(1899, 12, 30)).days)
    return value


def test_json_csv_and_xlsx_hold_the_same_partnerships_and_figures(
    programme: Path, runner: CliRunner, tmp_path: Path
) -> None:
    from sap_cli.programme.table import COLUMNS

    data = _json(runner, programme)
    rows = {row["path"]: row for row in data["partnerships"]}
    assert list(rows) == PATHS  # the broken one is a row, not dropped
    out = tmp_path / "out"
    out.mkdir()
    assert _run(runner, "programme", str(programme), "--date", AS_OF, "--format", "csv", "-o",
                str(out / "p.csv")).exit_code == 1  # fmt: skip
    assert _run(runner, "programme", str(programme), "--date", AS_OF, "--format", "xlsx", "-o",
                str(out / "p.xlsx")).exit_code == 1  # fmt: skip
    table = _csv(out / "p.csv")
    sheet = _xlsx(out / "p.xlsx")
    header = [name for name, _ in COLUMNS] + CUSTOM_COLUMNS
    assert list(table[0]) == header == sheet[0]
    assert [line["path"] for line in table] == PATHS == [cells[0] for cells in sheet[1:]]
    checked = 0
    for line, cells in zip(table, sheet[1:], strict=True):
        by_name = dict(zip(header, cells, strict=True))
        for column, value in _expected(rows[line["path"]]).items():
            assert line[column] == _as_csv(value), (line["path"], column)
            assert by_name[column] == _as_xlsx(value, column), (line["path"], column)
            checked += 1
    assert checked > 150
    assert rows["2026/round-1/ecoute"]["custom"]["kick_off"] == "2026-01-20"


def test_the_text_table_shows_the_same_rows_and_figures(programme: Path, runner: CliRunner) -> None:
    data = _json(runner, programme)
    text = _run(runner, "programme", str(programme), "--date", AS_OF).stdout
    assert text.splitlines()[0] == "Partners in Learning 2026"
    lines = text.splitlines()
    for row in data["partnerships"]:
        (line,) = [line for line in lines if line.startswith(row["path"] + " ")] or [
            line for line in lines if line.strip() == row["path"]
        ]
        if row["valid"]:
            assert row["phase"].split()[0] in line  # fixed widths: a second word wraps
            assert f"{row['goals']['done']}/{row['goals']['total']}" in line
            assert row["power_transfer"].split()[0] in line
    assert "does not validate" in text
    assert "By round: Round 1, 2026 2, Round 2, 2026 1, not given 2" in text
    assert "By stream: Assessment and feedback 1, Belonging 1, not given 3" in text


def test_csv_opens_with_accents_intact_and_the_formula_title_quoted(
    programme: Path, runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "programme.csv"
    result = _run(runner, "programme", str(programme), "--date", AS_OF, "--format", "csv", "-o", str(target))
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert ACCENTED.encode("utf-8") in raw
    assert b'"\'=HYPERLINK(""x"")"' in raw  # protected by the apostrophe, and quoted
    titles = {line["path"]: line["title"] for line in _csv(target)}
    assert titles["2026/round-1/ecoute"] == ACCENTED
    assert titles["2026/formula"] == "'" + FORMULA
    names = sorted(path.name for path in tmp_path.glob("programme*.csv"))
    assert names == ["programme-counts.csv", "programme-levels.csv", "programme-stages.csv", "programme.csv"]
    assert "programme-stages.csv" in result.stdout


def test_xlsx_keeps_the_formula_title_a_string_and_the_same_bytes_each_run(
    programme: Path, runner: CliRunner, tmp_path: Path
) -> None:
    made = []
    for name in ("a.xlsx", "b.xlsx"):
        _run(
            runner,
            "programme",
            str(programme),
            "--date",
            AS_OF,
            "--format",
            "xlsx",
            "-o",
            str(tmp_path / name),
        )
        made.append((tmp_path / name).read_bytes())
    assert made[0] == made[1]
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert "2026-03-04T00:00:00Z" in archive.read("docProps/core.xml").decode()
        assert len([n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]) == 4
    titles = {cells[0]: cells[5] for cells in _xlsx(tmp_path / "a.xlsx")[1:]}
    assert titles["2026/formula"] == FORMULA  # the text itself, in a string cell
    assert titles["2026/round-1/ecoute"] == ACCENTED


def test_csv_without_o_prints_the_partnerships_table_only(
    programme: Path, runner: CliRunner, tmp_path: Path
) -> None:
    printed = _run(runner, "programme", str(programme), "--date", AS_OF, "--format", "csv")
    _run(
        runner, "programme", str(programme), "--date", AS_OF, "--format", "csv", "-o", str(tmp_path / "p.csv")
    )
    assert printed.stdout_bytes == (tmp_path / "p.csv").read_bytes()
    help_text = _run(runner, "programme", "--help").stdout
    assert "only the partnerships" in " ".join(help_text.split())


def test_xlsx_needs_a_file_and_the_extra(
    programme: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(runner, "programme", str(programme), "--format", "xlsx")
    assert result.exit_code == 2
    assert "nothing was written" in result.output
    result = _run(runner, "programme", str(programme), "--format", "xlsx", "-o", str(tmp_path))
    assert result.exit_code == 2 and "is a folder" in result.output
    monkeypatch.setitem(sys.modules, "xlsxwriter", None)  # as if the extra were not installed
    target = tmp_path / "p.xlsx"
    result = _run(runner, "programme", str(programme), "--date", AS_OF, "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 1
    assert "xlsx extra" in result.output and "pip install" in result.output
    assert not target.exists() and list(tmp_path.iterdir()) == [programme]


def test_stages_counts_and_levels_tables_come_from_the_json(
    programme: Path, runner: CliRunner, tmp_path: Path
) -> None:
    data = _json(runner, programme)
    _run(
        runner, "programme", str(programme), "--date", AS_OF, "--format", "csv", "-o", str(tmp_path / "p.csv")
    )
    stages = _csv(tmp_path / "p-stages.csv")
    assert [(s["path"], s["stage_id"], s["planned"], s["enacted"]) for s in stages] == [
        (row["path"], s["id"], s["planned"] or "", s["enacted"] or "")
        for row in data["partnerships"]
        for s in row["stages"]
    ]
    counts = {(c["figure"], c["value"]): c for c in _csv(tmp_path / "p-counts.csv")}
    rollup = data["rollup"]
    assert counts[("partnerships", "not_valid")]["partnerships"] == "1"
    assert counts[("round", "2026-1")]["title"] == "Round 1, 2026"
    assert (
        counts[("round", "2026-1")]["partnerships"]
        == str(rollup["by_round"]["2026-1"]["partnerships"])
        == "2"
    )
    assert counts[("custom.zone", "north")]["partnerships"] == "1"
    levels = {line["level"]: line for line in _csv(tmp_path / "p-levels.csv")}
    for level, share in rollup["levels"]["enacted"]["share"].items():
        assert levels[level]["enacted_share"] == str(share)
        assert levels[level]["enacted_stages"] == str(rollup["levels"]["enacted"]["counts"][level])


def test_programme_yaml_heads_the_json_and_rounds_are_rolled_up(programme: Path, runner: CliRunner) -> None:
    data = _json(runner, programme)
    assert list(data) == ["as_of", "programme", "partnerships", "rollup", "problems"]
    assert data["programme"]["name"] == "Partners in Learning 2026"
    assert list(data["programme"]) == ["name", "contact", "rounds", "streams", "min_group", "show_titles"]
    assert [r["id"] for r in data["programme"]["rounds"]] == ["2026-1", "2026-2"]
    assert data["rollup"]["by_round"] == {
        "2026-1": {"title": "Round 1, 2026", "partnerships": 2},
        "2026-2": {"title": "Round 2, 2026", "partnerships": 1},
        "not given": {"title": None, "partnerships": 2},
    }
    assert list(data["rollup"]["by_custom"]) == [c.removeprefix("custom.") for c in CUSTOM_COLUMNS]
    ecoute = next(row for row in data["partnerships"] if row["path"] == "2026/round-1/ecoute")
    assert (ecoute["round"], ecoute["stream"]) == ("2026-1", "belonging")
    assert ecoute["custom"]["faculties"] == ["Science", "Arts"]


def test_a_broken_programme_yaml_is_reported_and_the_table_still_made(
    programme: Path, runner: CliRunner
) -> None:
    (programme / "programme.yaml").write_text(
        PROGRAMME_YAML.replace("  - {id: 2026-2", "  - {id: 2026-1"), encoding="utf-8"
    )
    data = _json(runner, programme)
    assert data["programme"] is None
    (problem,) = [p for p in data["problems"] if p["file"] == "programme.yaml"]
    assert (problem["path"], problem["line"], problem["code"]) == (".", 5, "duplicate-id")
    assert [row["path"] for row in data["partnerships"]] == PATHS
    text = _run(runner, "programme", str(programme), "--date", AS_OF)
    assert "programme.yaml:5:" in text.stdout and "sap did not use" in text.stdout
    assert "6 partnerships: 5 valid" in text.stdout


def test_a_round_the_programme_does_not_list_is_a_validate_error_at_its_line(
    programme: Path, runner: CliRunner
) -> None:
    folder = programme / "2026" / "formula"
    project = folder / "project.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("2026-2", "2026-3"), encoding="utf-8")
    result = _run(runner, "validate", str(folder), "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    (error,) = [p for p in found if p["code"] == "unknown-round"]
    line = project.read_text(encoding="utf-8").splitlines().index("  round: 2026-3") + 1
    assert (error["severity"], error["line"]) == ("error", line)
    assert "did you mean '2026-2'" in error["message"] or "did you mean '2026-1'" in error["message"]
    assert "Round 1, 2026" in error["hint"]
    assert not [p for p in found if p["code"] == "unknown-stream"]
    good = _run(runner, "validate", str(programme / "2026" / "round-1" / "ecoute"), "--format", "json")
    assert good.exit_code == 0
    assert not [p for p in json.loads(good.stdout) if p["code"].startswith("unknown-")]
    # Without rounds listed in programme.yaml, any round is accepted:
    text = PROGRAMME_YAML.split("rounds:")[0] + "custom:\n  round: {type: text}\n"
    (programme / "programme.yaml").write_text(text, encoding="utf-8")
    result = _run(runner, "validate", str(folder), "--format", "json")
    assert not [p for p in json.loads(result.stdout) if p["code"] == "unknown-round"]


def test_schema_programme_writes_programme_yamls_schema(programme: Path, runner: CliRunner) -> None:
    result = _run(runner, "schema", "--programme", str(programme))
    assert result.exit_code == 0
    written = programme / ".sap" / "schema" / "programme.schema.json"
    schema = json.loads(written.read_text(encoding="utf-8"))
    assert "rounds" in schema["properties"] and "name" in schema["required"]
    assert "# yaml-language-server: $schema=.sap/schema/programme.schema.json" in result.stdout
    assert not (
        programme / "geography" / "course-redesign" / ".sap" / "schema" / "programme.schema.json"
    ).exists()


def test_o_without_a_spreadsheet_format_is_refused(
    programme: Path, runner: CliRunner, tmp_path: Path
) -> None:
    result = _run(runner, "programme", str(programme), "-o", str(tmp_path / "x.json"), "--format", "json")
    assert result.exit_code == 2
    assert "-o is for a spreadsheet" in result.output
    assert not (tmp_path / "x.json").exists()


def test_csv_text_cells_read_back_by_the_csv_module(programme: Path, runner: CliRunner) -> None:
    printed = _run(runner, "programme", str(programme), "--date", AS_OF, "--format", "csv").stdout_bytes
    lines = list(csv.reader(io.StringIO(printed.decode("utf-8-sig"))))
    assert len(lines) == 1 + len(PATHS)


def test_rounds_and_streams_show_once_by_their_titles_in_the_table_and_the_review(
    programme: Path, runner: CliRunner
) -> None:
    text = _run(runner, "programme", str(programme), "--date", "2026-06-01")
    by_round = [line for line in text.output.splitlines() if line.startswith("By round")]
    assert by_round == ["By round: Round 1, 2026 2, Round 2, 2026 1, not given 2"]
    review = _run(runner, "programme", str(programme), "--report", "-o", "-", "--date", "2026-06-01")
    assert "| Round 1, 2026 | 2 |" in review.output and "| Belonging |" in review.output
    assert "{'title'" not in review.output
    assert review.output.count("| By round |") == 1 and review.output.count("| By stream |") == 1
