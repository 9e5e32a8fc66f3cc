"""`sap render`: documents drawn from the data, valid Markdown, deterministic, safe overrides."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from conftest import EXAMPLES, assert_handled, freeze_today
from sap_cli import cli
from sap_cli.documents.files import Document
from sap_cli.documents.pages import render_documents
from sap_cli.validation.check import check_folder

SNAPSHOTS = Path(__file__).parent / "snapshots"
EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())


def documents(example: str, as_of: dt.date | None = None) -> list[Document]:
    partnership = check_folder(EXAMPLES / example).partnership
    assert partnership is not None
    return render_documents(partnership, as_of=as_of)


def copy_example(tmp_path: Path, example: str = "course-redesign") -> Path:
    folder = tmp_path / example
    shutil.copytree(EXAMPLES / example, folder)
    return folder


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_committed_docs_of_every_example_are_current(runner: CliRunner, example: str) -> None:
    result = runner.invoke(cli.app, ["render", str(EXAMPLES / example), "--check"])
    assert result.exit_code == 0, result.output


def _cells(line: str) -> int:
    return len(re.split(r"(?<!\\)\|", line.strip().strip("|")))


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_every_table_row_has_the_header_column_count(example: str) -> None:
    parser = MarkdownIt("commonmark").enable("table")
    tables = 0
    for doc in documents(example):
        lines = doc.text.splitlines()
        for token in parser.parse(doc.text):
            if token.type == "table_open" and token.map:
                tables += 1
                start, end = token.map
                header = _cells(lines[start])
                for number in range(start + 2, end):
                    assert _cells(lines[number]) == header, f"{doc.path}:{number + 1}: {lines[number]}"
    assert tables >= 4


GANTT_TASK = re.compile(
    r"^    [^:;#\n]+ : (?:milestone, )?(?:crit, )?(?:done, )?(?:[a-z]+, )?"
    r"(?P<start>\d{4}-\d{2}-\d{2}), (?:\d+d|(?P<end>\d{4}-\d{2}-\d{2}))$"
)


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_mermaid_gantt_is_well_formed(example: str) -> None:
    [progress] = [d for d in documents(example) if d.path == "docs/progress.md"]
    blocks = re.findall(r"```mermaid\n(.*?)```", progress.text, flags=re.S)
    assert len(blocks) == 1
    lines = blocks[0].splitlines()
    assert lines[0] == "gantt"
    assert "    dateFormat YYYY-MM-DD" in lines
    tasks = 0
    for line in lines[1:]:
        if line.startswith(
            ("    title ", "    dateFormat ", "    axisFormat ", "    tickInterval ", "    section ")
        ):
            continue
        match = GANTT_TASK.match(line)
        assert match, line
        dt.date.fromisoformat(match["start"])
        if match["end"]:
            assert dt.date.fromisoformat(match["end"]) >= dt.date.fromisoformat(match["start"])
        tasks += 1
    assert tasks >= 5


def test_micro_credential_agreement_shows_table_1() -> None:
    [agreement] = [d for d in documents("micro-credential") if d.path == "docs/agreement.md"]
    rows = [line for line in agreement.text.splitlines() if re.match(r"\| \d\. ", line)]
    assert rows[:5] == [
        "| 1. Needs assessment |  | Focus group (n=6) |  |  |  |",
        "| 2. Curriculum design |  |  |  | Member of design team (n=2) |  |",
        "| 3. Curriculum development |  |  | Pilot testers (n=2) |  |  |",
        "| 4. Marketing and promotion |  | Surveys (n=25) |  |  | Institution |",
        "| 5. Learning recognition |  | Focus group (n=6) |  |  |  |",
    ]
    alumni = rows[5].split("|")
    assert alumni[1].strip() == "6. Alumni community"
    assert alumni[2].strip() == "All learners"
    assert alumni[5].strip().startswith("Alumni and the institution")
    assert alumni[6].strip() == "Shared (co-led)"


def test_course_redesign_has_worksheets_for_students_and_faculty() -> None:
    paths = {d.path for d in documents("course-redesign")}
    for phase in ("start", "during", "end"):
        assert f"docs/worksheets/{phase}-student.md" in paths
        assert f"docs/worksheets/{phase}-faculty.md" in paths


def test_worksheet_names_the_project_goals_and_partners() -> None:
    [sheet] = [d for d in documents("course-redesign") if d.path == "docs/worksheets/start-student.md"]
    assert "Redesigning GEOG 210" in sheet.text
    assert "1. A shared picture of where GEOG 210 loses students" in sheet.text
    assert "Dr Helen Brooks (faculty)" in sheet.text
    assert sheet.text.count("> *Your answer:*") >= 9


# Days whose date is in the example's documents: checking that "today" was absent failed on them.
DAYS_IN_THE_DATA = ["2026-01-12", "2026-03-20", "2026-05-29"]


@pytest.mark.parametrize("today", [*DAYS_IN_THE_DATA, "2026-02-11"])
def test_rendering_is_deterministic_and_dated_from_the_data(
    monkeypatch: pytest.MonkeyPatch, today: str
) -> None:
    """Whatever day it is, the documents are the same: measured at the latest date the data records."""
    elsewhere, day = dt.date(2040, 2, 29), dt.date.fromisoformat(today)
    freeze_today(monkeypatch, elsewhere)  # a day no example mentions
    assert dt.date.today() == elsewhere
    first = documents("course-redesign")
    assert first == documents("course-redesign")
    assert all(elsewhere.isoformat() not in d.text for d in first)
    freeze_today(monkeypatch, day)
    assert dt.date.today() == day
    assert documents("course-redesign") == first
    [progress] = [d for d in first if d.path == "docs/progress.md"]
    assert "As of 2026-03-06" in progress.text  # the latest date examples/course-redesign records


def test_date_option_moves_the_progress_measure() -> None:
    [early] = [d for d in documents("course-redesign", dt.date(2026, 1, 13)) if d.path == "docs/progress.md"]
    [late] = [d for d in documents("course-redesign", dt.date(2026, 5, 28)) if d.path == "docs/progress.md"]
    assert "As of 2026-01-13" in early.text and "0 overdue" in early.text
    assert "As of 2026-05-28" in late.text and "overdue by" in late.text
    # Work finished after the chosen date is not yet done at that date.
    assert "done 2026-03-" in late.text and "done 2026-03-" not in early.text


def test_check_names_the_changed_file_then_render_fixes_it(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    goals = folder / "goals.yaml"
    goals.write_text(
        goals.read_text(encoding="utf-8").replace(
            "A field report brief and rubric students understand", "A field report brief everyone understands"
        ),
        encoding="utf-8",
    )
    stale = runner.invoke(cli.app, ["render", str(folder), "--check"])
    assert stale.exit_code == 1
    assert "course-redesign/docs/agreement.md" in stale.output
    assert "progress.md" in stale.output
    assert runner.invoke(cli.app, ["render", str(folder)]).exit_code == 0
    assert runner.invoke(cli.app, ["render", str(folder), "--check"]).exit_code == 0
    assert "A field report brief everyone understands" in (folder / "docs/agreement.md").read_text(
        encoding="utf-8"
    )


def test_render_only_the_named_document(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    shutil.rmtree(folder / "docs")
    result = runner.invoke(cli.app, ["render", str(folder), "progress"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (folder / "docs").iterdir()] == ["progress.md"]
    assert result.output.strip().endswith("docs/progress.md")


def test_hand_edited_document_is_kept_while_the_others_are_updated(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    agreement = folder / "docs/agreement.md"
    edited = agreement.read_text(encoding="utf-8").replace("## 3. Goals", "## 3. Goals (we changed this)")
    agreement.write_text(edited, encoding="utf-8")
    goals = folder / "goals.yaml"
    goals.write_text(
        goals.read_text(encoding="utf-8").replace(
            "A field report brief and rubric", "A field report guide and rubric"
        ),
        encoding="utf-8",
    )
    result = runner.invoke(cli.app, ["render", str(folder)])
    assert result.exit_code == 1
    assert "edited by hand, so sap left them as they are" in result.output
    assert "course-redesign/docs/agreement.md" in result.output
    assert agreement.read_text(encoding="utf-8") == edited
    assert "A field report guide and rubric" in (folder / "docs/progress.md").read_text(encoding="utf-8")
    check = runner.invoke(cli.app, ["render", str(folder), "--check"])
    assert "docs/agreement.md (edited by hand)" in check.output


def test_force_replaces_an_edited_document_after_backing_it_up(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    agreement = folder / "docs/agreement.md"
    fresh = agreement.read_bytes()
    edited = fresh.replace(b"## 3. Goals", b"## 3. Goals (our own note)")
    agreement.write_bytes(edited)
    refused = runner.invoke(cli.app, ["render", str(folder)])
    assert refused.exit_code == 1
    assert "belong in reflections/ (`sap reflect`)" in refused.output
    assert "--force" in refused.output
    assert agreement.read_bytes() == edited

    forced = runner.invoke(cli.app, ["render", str(folder), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "docs/agreement.backup.md" in forced.output
    assert (folder / "docs/agreement.backup.md").read_bytes() == edited
    assert agreement.read_bytes() == fresh

    # A second edit gets a second backup; the first is never overwritten.
    agreement.write_bytes(edited + b"more\n")
    assert runner.invoke(cli.app, ["render", str(folder), "--force"]).exit_code == 0
    assert (folder / "docs/agreement.backup.md").read_bytes() == edited
    assert (folder / "docs/agreement.backup-2.md").read_bytes() == edited + b"more\n"
    assert runner.invoke(cli.app, ["render", str(folder), "--check"]).exit_code == 0


def test_links_in_docs_are_never_written_through(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    outside = tmp_path / "outside" / "authorized_keys"
    (folder / "docs/progress.md").unlink()
    os.symlink(outside, folder / "docs/progress.md")
    (folder / "goals.yaml").write_text(
        (folder / "goals.yaml").read_text(encoding="utf-8").replace("rubric students", "rubric all students"),
        encoding="utf-8",
    )
    before = (folder / "docs/agreement.md").read_bytes()
    result = runner.invoke(cli.app, ["render", str(folder)])
    assert result.exit_code == 1
    assert "sap does not write through links" in result.output
    assert not outside.exists() and not outside.parent.exists()
    assert (folder / "docs/agreement.md").read_bytes() == before  # nothing at all was written


def test_odd_files_in_docs_are_explained_not_crashed(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    (folder / "docs/progress.md").unlink()
    (folder / "docs/progress.md").mkdir()
    for args in (["render", str(folder)], ["render", str(folder), "--check"]):
        result = runner.invoke(cli.app, args)
        assert result.exit_code == 1
        assert "docs/progress.md is a folder, not a file" in result.output
        assert_handled(result)


def test_worksheets_for_a_kind_no_longer_present_are_removed(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    roles = folder / "roles.yaml"
    roles.write_text(
        roles.read_text(encoding="utf-8").replace("kind: faculty", "kind: student"), encoding="utf-8"
    )
    roles.write_text(
        roles.read_text(encoding="utf-8").replace("kind: staff", "kind: student"), encoding="utf-8"
    )
    check = runner.invoke(cli.app, ["render", str(folder), "--check"])
    assert "docs/worksheets/start-faculty.md (no longer needed)" in check.output
    result = runner.invoke(cli.app, ["render", str(folder)])
    assert result.exit_code == 0, result.output
    assert not (folder / "docs/worksheets/start-faculty.md").exists()
    assert "removed" in result.output


def test_invalid_project_is_not_rendered(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    roles = folder / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("kind: staff", "kind: staf"), encoding="utf-8")
    before = (
        {p: p.read_bytes() for p in (folder / "docs").rglob("*") if p.is_file()}
        if (folder / "docs").exists()
        else {}
    )
    result = runner.invoke(cli.app, ["render", str(folder)])
    assert result.exit_code == 1
    assert "roles.yaml:" in result.output and "[bad-choice]" in result.output
    assert "has 1 error to fix first, so sap stopped there." in result.output
    after = (
        {p: p.read_bytes() for p in (folder / "docs").rglob("*") if p.is_file()}
        if (folder / "docs").exists()
        else {}
    )
    assert after == before


def test_private_worksheets_go_to_private_for_that_partner(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    result = runner.invoke(cli.app, ["render", str(folder), "--private", "kiri-walker"])
    assert result.exit_code == 0, result.output
    sheet = (folder / "private/worksheets/start-kiri-walker.md").read_text(encoding="utf-8")
    assert "reflection worksheet for Kiri Walker" in sheet
    assert "Kiri Walker (student)" not in sheet  # the reader is not listed among the others
    wrong = runner.invoke(cli.app, ["render", str(folder), "--private", "kiri-walkr"])
    assert wrong.exit_code == 1
    assert "Did you mean Kiri Walker (kiri-walker)?" in wrong.output


def test_project_template_overrides_the_built_in(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    (folder / "templates/docs").mkdir(parents=True)
    (folder / "templates/docs/progress.md.j2").write_text(
        "# Our own progress page for {{ project.title }}\n"
        "{% for m in milestones %}- {{ m.title }}\n{% endfor %}",
        encoding="utf-8",
    )
    [progress] = render_documents(check_folder(folder).partnership, ["progress"])  # type: ignore[arg-type]
    assert progress.text.startswith("# Our own progress page for Redesigning GEOG 210")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ ''.__class__.__mro__ }}", "docs/progress.md.j2:2: refused"),
        ("{{ project.__init__.__globals__ }}", "docs/progress.md.j2:2: refused"),
        ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "docs/progress.md.j2:2: refused"),
        ("{% include '/etc/passwd' %}", "was not found"),
        ("{% include '../../project.yaml' %}", "was not found"),
        (
            "{{ project.no_such_field }}",
            "docs/progress.md.j2:2: 'dict object' has no attribute 'no_such_field'",
        ),
    ],
)
def test_hostile_or_broken_override_is_refused_clearly(
    runner: CliRunner, tmp_path: Path, template: str, expected: str
) -> None:
    folder = copy_example(tmp_path)
    (folder / "templates/docs").mkdir(parents=True)
    (folder / "templates/docs/progress.md.j2").write_text("# Progress\n" + template + "\n", encoding="utf-8")
    before = (folder / "docs/progress.md").read_bytes()
    result = runner.invoke(cli.app, ["render", str(folder)])
    assert result.exit_code == 1
    assert expected in result.output
    assert_handled(result)
    assert (folder / "docs/progress.md").read_bytes() == before


def test_override_linked_to_a_file_outside_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("do not show", encoding="utf-8")
    (folder / "templates/docs").mkdir(parents=True)
    os.symlink(secret, folder / "templates/docs/progress.md.j2")
    result = runner.invoke(cli.app, ["render", str(folder), "progress"])
    # The link is ignored, so the built-in template is used instead of the outside file.
    assert result.exit_code == 0, result.output
    assert "do not show" not in (folder / "docs/progress.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [d.path for d in documents("course-redesign", dt.date(2026, 3, 1))])
def test_snapshot(path: str) -> None:
    """Pins each document of one example; set SAP_UPDATE_SNAPSHOTS=1 to accept a deliberate change."""
    [doc] = [d for d in documents("course-redesign", dt.date(2026, 3, 1)) if d.path == path]
    snapshot = SNAPSHOTS / "course-redesign" / path
    if os.environ.get("SAP_UPDATE_SNAPSHOTS") == "1":
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(doc.text, encoding="utf-8")
    assert doc.text == snapshot.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ 7 ** 9999999 ** 3 }}", "a power larger than 64 is not allowed"),
        ('{% set s = "a" * 1000 %}{{ s * 1000000 }}', "repeating text or a list that many times"),
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "was stopped"),
    ],
)
def test_runaway_override_is_stopped(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str, expected: str
) -> None:
    import sap_cli.documents.jinja

    monkeypatch.setattr(sap_cli.documents.jinja, "RENDER_SECONDS", 1)
    folder = copy_example(tmp_path)
    (folder / "templates/docs").mkdir(parents=True)
    (folder / "templates/docs/progress.md.j2").write_text(template, encoding="utf-8")
    result = runner.invoke(cli.app, ["render", str(folder), "progress"])
    assert result.exit_code == 1
    assert expected in result.output


def test_private_copy_makes_sure_git_ignores_private(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    assert not (folder / ".gitignore").exists()
    result = runner.invoke(cli.app, ["render", str(folder), "--private", "jamal-osei"])
    assert result.exit_code == 0, result.output
    assert "private/" in (folder / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_private_copy_with_other_documents_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    result = runner.invoke(cli.app, ["render", str(folder), "agreement", "--private", "jamal-osei"])
    assert result.exit_code == 2
    assert "--private makes a partner's own worksheets only" in result.output


def test_misspelt_document_name_is_explained(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_example(tmp_path)
    monkeypatch.chdir(folder)
    result = runner.invoke(cli.app, ["render", "agreements"])
    assert result.exit_code == 2
    assert "'agreements' is not a document sap makes (did you mean 'agreement'?)" in result.output
