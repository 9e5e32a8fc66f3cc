"""Issue 20: `sap programme --report`, the programme review, plain and anonymised, as Markdown and HTML."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, assert_handled
from sap_cli.cli.app import app
from sap_cli.words import fold

AS_OF = "2026-03-04"

FINISHED = {
    "project": MINIMAL["project.yaml"]
    .replace("Co-designing BIOL 201", "Quigley-Ashworth's rubric, redone")
    .replace("2026-01-12", "2025-09-01")
    .replace("2026-05-29", "2026-02-20"),
    "roles": """\
partners:
  - id: siobhan-ni-bhriain
    name: Siobhán Ní Bhriain
    kind: student
    email: siobhan.nibhriain@uni.example
    responsibilities: [Run the focus group]
  - id: tomasz-wojcik
    name: Tomasz Wójcik
    kind: student
    responsibilities: [Test the materials]
  - id: bart-qa
    name: Dr Bartholomew Quigley-Ashworth
    kind: faculty
    email: b.quigley-ashworth@uni.example
""",
    "goals": """\
goals:
  - id: new-rubric
    title: A rubric Siobhán can explain to first years
    owners: [siobhan-ni-bhriain, tomasz-wojcik]
""",
    "timeline": MINIMAL["timeline.yaml"]
    .replace("2026-03-20", "2026-01-20")
    .replace("lee-chen", "tomasz-wojcik"),
    "matrix": MINIMAL["matrix.yaml"].replace("Designing the rubric", "Tomasz and the rubric")
    + """\
    enacted:
      involvements:
        - level: consult
          who: Student partners (n=2)
      control: shared
""",
}

WITHDRAWN_ROLES = """\
partners:
  - id: lan-nguyen
    name: Nguyễn Thị Lan
    kind: student
    responsibilities: [Run the focus group]
  - id: rafael-ol
    name: Rafael Okonkwo-Lindqvist
    kind: student
    responsibilities: [Test the materials]
    left: 2026-02-01
  - id: bart-qa
    name: Dr Bartholomew Quigley-Ashworth
    kind: faculty
    email: b.quigley-ashworth@uni.example
"""

DEEP_ROLES = """\
partners:
  - id: siobhan-ni-bhriain
    name: Siobhán Ní Bhriain
    kind: student
    email: siobhan.nibhriain@uni.example
    responsibilities: [Run the focus group]
  - id: mererangi-tawhiri
    name: Mererangi Tāwhiri
    kind: student
    responsibilities: [Test the materials]
  - id: ingeborg-f
    name: Prof. Ingeborg Faßbender
    kind: faculty
"""

GOALS = """\
goals:
  - id: new-rubric
    title: A lab rubric students understand
    owners: [{owner}]
"""

TIMELINE = MINIMAL["timeline.yaml"].replace("owners: [lee-chen]", "owners: [{owner}]")

# Every partner's id and name, and the parts of names a reader would recognise.
NAMES = [
    "Siobhán Ní Bhriain", "Bhriain", "siobhan-ni-bhriain", "siobhan.nibhriain", "Tomasz", "Wójcik",
    "tomasz-wojcik", "Bartholomew", "Quigley-Ashworth", "Quigley", "Ashworth", "bart-qa", "Nguyễn",
    "lan-nguyen", "Rafael", "Okonkwo-Lindqvist", "Lindqvist", "rafael-ol", "Mererangi", "Tāwhiri",
    "mererangi-tawhiri", "Ingeborg", "Faßbender", "ingeborg-f",
]  # fmt: skip
FOLDERS = ["alder", "birch", "cedar", "oakleaf", "elmleaf", "yewleaf", "firleaf"]


def _write(folder: Path, **files: str) -> None:
    folder.mkdir(parents=True)
    for name, text in MINIMAL.items():
        key = name.removesuffix(".yaml")
        (folder / name).write_text(files.get(key, text), encoding="utf-8")


def make_programme(root: Path, deep_roles: str = DEEP_ROLES, programme_yaml: str | None = None) -> Path:
    """Four partnerships at depths two and three: finished, with a withdrawn student, deep, broken."""
    _write(root / "alder" / "oakleaf", **FINISHED)
    _write(
        root / "birch" / "yewleaf",
        roles=WITHDRAWN_ROLES,
        goals=GOALS.format(owner="lan-nguyen"),
        timeline=TIMELINE.format(owner="lan-nguyen"),
    )
    _write(
        root / "cedar" / "assessment" / "firleaf",
        roles=deep_roles,
        goals=GOALS.format(owner="mererangi-tawhiri"),
        timeline=TIMELINE.format(owner="mererangi-tawhiri"),
    )
    _write(root / "birch" / "elmleaf", project="title: [not closed\n")
    if programme_yaml is not None:
        (root / "programme.yaml").write_text(programme_yaml, encoding="utf-8")
    return root


@pytest.fixture
def programme(tmp_path: Path) -> Path:
    return make_programme(tmp_path / "programme")


def _report(runner: CliRunner, root: Path, *more: str) -> str:
    result = runner.invoke(app, ["programme", str(root), "--date", AS_OF, "--report", "-o", "-", *more])
    assert_handled(result)
    assert result.exit_code == 1, result.output  # a partnership does not validate, as with the table
    return result.stdout


def _rollup(runner: CliRunner, root: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["programme", str(root), "--date", AS_OF, "--format", "json"])
    assert_handled(result)
    return dict(json.loads(result.stdout)["rollup"])


def _cells(markdown: str, first: str) -> list[str]:
    """The cells of the table row whose first cell is `first`."""
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == first:
            return cells[1:]
    raise AssertionError(f"no row {first!r} in:\n{markdown}")


def test_the_report_holds_the_json_rollup_figures(programme: Path, runner: CliRunner) -> None:
    figures = _rollup(runner, programme)
    text = _report(runner, programme)
    whole = figures["partnerships"]
    assert (
        f"The programme has **{whole['total']}** partnerships: {whole['valid']} can be read and 1 does not"
        in text
    )
    for area, n in figures["by_area"].items():
        assert _cells(text, area) == [str(n)]
    for phase, n in figures["by_phase"].items():
        assert _cells(text, phase) == [str(n)]
    for verdict, n in figures["power_transfer"].items():
        assert _cells(text, verdict) == [str(n)]
    levels = figures["levels"]
    for level, label in (("partnership", "Partnership"), ("consult", "Consult"), ("inform", "Inform")):
        planned, enacted = (levels[side]["share"].get(level, 0) for side in ("planned", "enacted"))
        assert _cells(text, label) == [f"{planned:.0%}", f"{enacted:.0%}"]
    m = figures["meetings"]
    assert (
        f"agreed rhythm: **{m['on_rhythm']}**; overdue: **{m['overdue']}**; "
        f"with no agreed cadence: **{m['no_cadence']}**" in text
    )
    hours = figures["student_hours"]
    assert f"logged across the programme: **{hours['logged']:g}**" in text
    assert hours["agreed"] is None
    assert "No partnership agreed a number of hours, so the hours logged cannot be set against" in text
    people = figures["people"]
    student = figures["partners"]["student"]
    assert _cells(text, "student partners") == [
        str(people["by_kind"]["student"]["unique"]),
        str(people["by_kind"]["student"]["returning"]),
        *(str(student[key]) for key in ("completed", "withdrew", "continuing")),
    ]
    assert student == {"completed": 2, "withdrew": 1, "continuing": 3}
    assert _cells(text, "all partners")[:2] == [str(people["unique"]), str(people["returning"])]


def test_the_broken_partnership_is_listed_not_dropped(programme: Path, runner: CliRunner) -> None:
    for extra in ((), ("--anonymize",)):
        text = _report(runner, programme, *extra)
        label = "Partnership B" if extra else "birch/elmleaf"  # path order: alder/oakleaf, birch/elmleaf...
        cells = _cells(text, label)
        assert cells[0].startswith("does not validate: 1 error")
        assert set(cells[1:]) == {"unknown"}


def _leaks(text: str) -> list[str]:
    folded = fold(text)
    return [name for name in NAMES if re.search(rf"(?<!\w){re.escape(fold(name))}(?!\w)", folded)]


def test_the_plain_report_names_partners_where_they_wrote_them(programme: Path, runner: CliRunner) -> None:
    text = _report(runner, programme)
    assert "Quigley-Ashworth" in _leaks(text)  # the title: the check below can find a leak
    assert "cedar/assessment/firleaf" in text


def test_the_anonymised_report_has_no_partner_name_id_or_folder(programme: Path, runner: CliRunner) -> None:
    text = _report(runner, programme, "--anonymize")
    assert _leaks(text) == []
    assert not [word for word in FOLDERS if word in text.casefold()]
    labels = [f"Partnership {letter}" for letter in "ABCD"]
    assert re.findall(r"^\| (Partnership [A-Z]+) \|", text, re.MULTILINE) == labels
    assert "rubric, redone" not in text  # no titles unless programme.yaml says so


def test_titles_only_with_show_titles_and_still_without_names(tmp_path: Path, runner: CliRunner) -> None:
    root = make_programme(tmp_path / "p", programme_yaml="name: SaP 2026\nshow_titles: true\n")
    text = _report(runner, root, "--anonymize")
    assert r"| Partnership A: \[name withheld\]'s rubric, redone |" in text
    assert _leaks(text) == []
    assert "# Programme review: SaP 2026 (anonymised)" in text


def _people_figures(text: str) -> list[list[str]]:
    section = text.split("## 5. People", 1)[1].split("## 6.", 1)[0]
    return [
        line.split("|")[2:-1] for line in section.splitlines() if line.startswith("| ") and "---" not in line
    ][1:]


def test_no_figure_about_fewer_than_three_people(programme: Path, runner: CliRunner) -> None:
    text = _report(runner, programme, "--anonymize")
    rows = _people_figures(text)
    assert rows, text
    for cells in rows:
        for cell in (c.strip() for c in cells):
            assert cell == "fewer than 3" or int(cell) >= 3, rows
    # Students: 5 people, 1 returning, 2 completed, 1 withdrew, 3 continuing: the two small counts hidden.
    assert _cells(text, "student partners") == ["5", "fewer than 3", "fewer than 3", "fewer than 3", "3"]
    assert "fewer than 3 faculty and staff partners" in text  # two of them: left out, not beside a total
    assert "| all partners |" not in text
    # --min-group 6: not even the students are enough, nor all seven together.
    text = _report(runner, programme, "--anonymize", "--min-group", "6")
    assert "| student partners |" not in text and "Student hours are not given" in text


def test_the_two_staff_partners_data_does_not_change_the_anonymised_report(
    tmp_path: Path, runner: CliRunner
) -> None:
    before = _report(runner, make_programme(tmp_path / "a"), "--anonymize")
    left = DEEP_ROLES.replace("    kind: faculty\n", "    kind: staff\n    left: 2026-02-15\n")
    after = _report(runner, make_programme(tmp_path / "b", deep_roles=left), "--anonymize")
    assert after == before
    # Not anonymised, the same change shows: the check can see a difference.
    assert _report(runner, tmp_path / "a") != _report(runner, tmp_path / "b")


def test_the_default_file_and_the_html_page_with_pictures(programme: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["programme", str(programme), "--date", AS_OF, "--report", "--anonymize"])
    assert_handled(result)
    written = programme / "programme-review-anonymized.md"
    assert written.is_file() and "programme-review-anonymized.md" in result.stdout
    page = programme / "out" / "review.html"
    page.parent.mkdir()
    args = ["programme", str(programme), "--date", AS_OF, "--report", "--anonymize", "-o", str(page)]
    result = runner.invoke(app, args)
    assert_handled(result)
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 2
    assert 'id="sap-matrix-title">Participation matrix' in html and "Partnerships over time" in html
    assert html.count('class="partnership"') == 4 and ">Partnership B<" in html
    assert "<!-- sap:chart" not in html and _leaks(html) == []
    again = runner.invoke(app, args)
    assert "already up to date" in again.stdout


def test_partner_text_is_escaped(tmp_path: Path, runner: CliRunner) -> None:
    root = make_programme(tmp_path / "p")
    project = root / "birch" / "yewleaf" / "project.yaml"
    project.write_text(
        project.read_text(encoding="utf-8").replace("Co-designing BIOL 201", "'<img src=x> *bold* | pipe'"),
        encoding="utf-8",
    )
    text = _report(runner, root)
    assert r"\<img src=x> \*bold\* \| pipe" in text


def test_options_that_do_not_go_together(programme: Path, runner: CliRunner) -> None:
    for args, words in (
        (["--anonymize"], "--report was not given"),
        (["--report", "--min-group", "2"], "--anonymize was not given"),
        (["--report", "--format", "json"], "--format is for the table"),
    ):
        result = runner.invoke(app, ["programme", str(programme), *args])
        assert_handled(result)
        assert result.exit_code == 2 and words in result.output


def test_neutral_labels_go_on_after_z() -> None:
    from sap_cli.programme.anonymous import neutral_label

    assert [neutral_label(i) for i in (0, 1, 25, 26, 27, 51, 52)] == [
        f"Partnership {x}" for x in ("A", "B", "Z", "AA", "AB", "AZ", "BA")
    ]


def test_a_review_edited_by_hand_is_kept_unless_force(programme: Path, runner: CliRunner) -> None:
    args = ["programme", str(programme), "--date", AS_OF, "--report"]
    assert_handled(runner.invoke(app, args))
    written = programme / "programme-review.md"
    written.write_text(written.read_text(encoding="utf-8") + "\nMy own note.\n", encoding="utf-8")
    kept = runner.invoke(app, args)
    assert_handled(kept)
    assert "edited by hand" in kept.output and "My own note." in written.read_text(encoding="utf-8")
    forced = runner.invoke(app, [*args, "--force"])
    assert_handled(forced)
    assert "saved your edited copy" in forced.stdout
    assert "My own note." not in written.read_text(encoding="utf-8")


def test_min_group_from_programme_yaml_and_from_the_command_line(tmp_path: Path, runner: CliRunner) -> None:
    root = make_programme(tmp_path / "p", programme_yaml="name: SaP\nmin_group: 2\n")
    text = _report(runner, root, "--anonymize")
    assert "no figure describes fewer than 2 people" in text
    assert _cells(text, "faculty and staff partners")[0] == "2"  # two of them: shown at 2
    text = _report(runner, root, "--anonymize", "--min-group", "3")
    assert "fewer than 3 faculty and staff partners" in text


def test_no_round_or_stream_table_when_the_programme_has_none(programme: Path, runner: CliRunner) -> None:
    text = _report(runner, programme)
    assert "| By round |" not in text and "| By stream |" not in text
    assert "| By phase |" in text


def test_the_as_of_label_stays_inside_the_picture_at_its_right_edge() -> None:
    from sap_cli.documents.svg import WIDTH
    from sap_cli.programme.pictures import partnerships_svg

    bars = [{"label": "Partnership A", "start": "2026-01-05", "end": "2026-06-30", "finished": True}]
    svg = partnerships_svg(bars, dt.date(2026, 6, 30))
    label = next(line for line in svg.splitlines() if "as of 2026-06-30" in line)
    assert 'text-anchor="end"' in label
    x = float(label.split('x="', 1)[1].split('"', 1)[0])
    assert x <= WIDTH


def test_the_review_says_which_command_made_it(programme: Path, runner: CliRunner) -> None:
    text = _report(runner, programme)
    assert text.rstrip().splitlines()[-1].startswith("<!-- Made by `sap programme --report`")
    assert "sap render" not in text
