"""What sap promises about files: edits keep every other byte, writes are whole, names stay inside."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, MINIMAL
from sap_cli.files.yaml_edit import load_round_trip
from sap_cli.meetings.checkin import CheckinRequest, _free_path, record_checkin
from sap_cli.validation.check import check_folder

SAP = [sys.executable, "-m", "sap_cli"]


def _write_minimal(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in MINIMAL.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# ---------------------------------------------------------------- round-trip fidelity


@pytest.mark.parametrize("path", sorted(EXAMPLES.rglob("*.yaml")), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_loading_and_saving_an_example_changes_no_byte(path: Path) -> None:
    assert load_round_trip(path).text().encode("utf-8") == path.read_bytes()


comment = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30)
words = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
).filter(str.strip)  # text that is only spaces counts as empty, which sap rightly refuses


@st.composite
def checkin_files(draw: st.DrawFn) -> tuple[str, str]:
    """A valid meeting record written in one of the styles people use, with comments anywhere."""
    mapping = draw(st.sampled_from([2, 4]))
    offset = draw(st.sampled_from([0, 2]))
    quote = draw(st.sampled_from(["single", "double"]))

    def text(value: str) -> str:
        if quote == "single":
            return "'" + value.replace("'", "''") + "'"
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def note() -> str:
        said = draw(comment).strip()
        return f"  # {said}" if said and draw(st.booleans()) else ""

    pad, dash = " " * mapping, " " * offset
    item = " " * (offset + 2)
    lines = [
        *(f"# {c}" for c in draw(st.lists(comment, max_size=2))),
        "id: 2026-03-04-week-6" + note(),
        "date: 2026-03-04" + note(),
        f"title: {text(draw(words))}" + note(),
        "attendees:" + note(),
        f"{dash}- amira-haddad" + note(),
        f"notes: {text(draw(words))}" + note(),
        "actions:" + note(),
    ]
    for n in (1, 2):
        lines += [
            f"{dash}- id: 2026-03-04-week-6-a{n}" + note(),
            f"{item}owner: {'amira-haddad' if n == 1 else 'lee-chen'}" + note(),
            f"{item}text: {text(draw(words))}" + note(),
            f"{item}due: 2026-03-1{n}" + note(),
        ]
    lines += ["hours:" + note(), f"{pad}amira-haddad: 3" + note()]
    return "\n".join(lines) + "\n", item


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=checkin_files(), crlf=st.booleans(), bom=st.booleans())
def test_closing_an_action_adds_one_line_and_keeps_every_other_byte(
    tmp_path_factory: pytest.TempPathFactory, record: tuple[str, str], crlf: bool, bom: bool
) -> None:
    text, item = record
    folder = _write_minimal(tmp_path_factory.mktemp("fidelity") / "demo")
    raw = ("\ufeff" if bom else "") + (text.replace("\n", "\r\n") if crlf else text)
    path = folder / "checkins" / "2026-03-04-week-6.yaml"
    path.parent.mkdir()
    path.write_bytes(raw.encode("utf-8"))
    assert check_folder(folder).errors == []

    record_checkin(folder, CheckinRequest(date=dt.date(2026, 3, 10), done=["2026-03-04-week-6-a2"]))
    after = path.read_bytes().decode("utf-8")
    before_lines, after_lines = raw.splitlines(keepends=True), after.splitlines(keepends=True)
    changes = [
        op
        for op in difflib.SequenceMatcher(None, before_lines, after_lines).get_opcodes()
        if op[0] != "equal"
    ]
    assert len(changes) == 1 and changes[0][0] == "insert", changes
    inserted = after_lines[changes[0][3] : changes[0][4]]
    assert inserted == [f"{item}done: 2026-03-10" + ("\r\n" if crlf else "\n")]


# ---------------------------------------------------------------- names made from what people type


@settings(max_examples=300, deadline=None)
@given(title=st.text(max_size=400))
def test_a_meeting_file_name_never_leaves_the_checkins_folder(title: str) -> None:
    folder = Path("/partnership")
    meeting_id, path = _free_path(folder, dt.date(2026, 3, 4), title)
    assert path.parent == folder / "checkins"
    assert path.name == f"{meeting_id}.yaml"
    assert len(path.name) <= 80
    assert meeting_id.startswith("2026-03-04-")
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in meeting_id)
    assert "--" not in meeting_id and not meeting_id.endswith("-")


# ---------------------------------------------------------------- many processes at once


@pytest.mark.slow
def test_many_checkins_at_once_each_leave_their_own_file(tmp_path: Path) -> None:
    folder = _write_minimal(tmp_path / "demo")
    command = [*SAP, "checkin", str(folder), "--no-input", "--date", "2026-03-04", "--title", "Week 6"]
    processes = [
        subprocess.Popen(
            [*command, "--note", f"written by process {n}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for n in range(12)
    ]
    outcomes = [p.wait(timeout=120) for p in processes]
    assert outcomes == [0] * 12, [p.stderr.read() for p in processes if p.stderr]
    files = sorted((folder / "checkins").iterdir())
    assert len(files) == 12
    notes = sorted(f.read_text(encoding="utf-8").split("notes: ")[1].splitlines()[0] for f in files)
    assert notes == sorted(f"written by process {n}" for n in range(12))
    report = check_folder(folder)
    assert report.errors == [] and report.partnership is not None
    assert len({c.id for c in report.partnership.checkins}) == 12


# ---------------------------------------------------------------- killed half-way


def _two_versions_of_docs(tmp_path: Path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A partnership whose docs/ is rendered for one title, and the documents it would get for another."""
    folder = _write_minimal(tmp_path / "demo")
    subprocess.run([*SAP, "render", str(folder)], check=True, capture_output=True)
    old = {p.name: p.read_bytes() for p in (folder / "docs").rglob("*.md")}
    project = folder / "project.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("BIOL 201", "BIOL 202"), encoding="utf-8")
    subprocess.run([*SAP, "render", str(folder)], check=True, capture_output=True)
    new = {p.name: p.read_bytes() for p in (folder / "docs").rglob("*.md")}
    for name, data in old.items():
        next(iter((folder / "docs").rglob(name))).write_bytes(data)
    assert all(old[name] != new[name] for name in old)
    return folder, old, new


@pytest.mark.slow
def test_killed_at_any_moment_every_document_is_whole_old_or_whole_new(tmp_path: Path) -> None:
    folder, old, new = _two_versions_of_docs(tmp_path)
    began = time.perf_counter()
    subprocess.run([*SAP, "render", str(folder), "--check"], capture_output=True)
    one_run = time.perf_counter() - began
    chooser = random.Random(20261125)
    seen = {"old": 0, "new": 0, "mixed": 0}
    for trial in range(40):
        for name, data in old.items():
            next(iter((folder / "docs").rglob(name))).write_bytes(data)
        process = subprocess.Popen(
            [*SAP, "render", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(chooser.uniform(0.5, 1.3) * one_run)
        process.send_signal(signal.SIGKILL)
        process.wait()
        states = set()
        for path in (folder / "docs").rglob("*.md"):
            data = path.read_bytes()
            assert data in (old[path.name], new[path.name]), f"trial {trial}: {path.name} is partly written"
            states.add("old" if data == old[path.name] else "new")
        seen["mixed" if len(states) > 1 else states.pop()] += 1
        for leftover in (folder / "docs").rglob(".*.tmp"):
            leftover.unlink()  # a killed process cannot tidy up; these are never read as documents
    print(f"kill trials: {seen}")
    assert seen["old"] and seen["new"], seen  # the kills landed before and after the writing


def _ordinary_ctrl_c() -> None:
    """A process started from a background job inherits Ctrl-C ignored, and sap keeps it so."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
def test_ctrl_c_while_rendering_exits_130_and_leaves_whole_files(tmp_path: Path) -> None:
    folder, old, new = _two_versions_of_docs(tmp_path)
    began = time.perf_counter()
    subprocess.run([*SAP, "render", str(folder), "--check"], capture_output=True)
    one_run = time.perf_counter() - began
    codes = set()
    # From mid-run to just after the end, where a Ctrl-C used to land while Python was shutting down.
    for share in (0.5, 0.7, 0.85, 0.95, 1.0, 1.05, 1.1):
        delay = share * one_run
        for name, data in old.items():
            next(iter((folder / "docs").rglob(name))).write_bytes(data)
        process = subprocess.Popen(
            [*SAP, "render", str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_ordinary_ctrl_c,  # not ignored, even when the tests run as a background job
        )
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        codes.add(process.returncode)
        assert b"Traceback" not in err
        if process.returncode == 130:
            assert b"Stopped." in err
        for path in (folder / "docs").rglob("*.md"):
            assert path.read_bytes() in (old[path.name], new[path.name])
    assert codes <= {0, 130} and 130 in codes


@pytest.mark.slow
def test_the_environment_cannot_make_sap_write_elsewhere(tmp_path: Path) -> None:
    """Where documents go depends on the partnership folder only, not on the working folder."""
    folder = _write_minimal(tmp_path / "demo")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    subprocess.run([*SAP, "render", str(folder)], check=True, capture_output=True, cwd=elsewhere)
    assert list(elsewhere.iterdir()) == []
    assert (folder / "docs" / "agreement.md").is_file()
    assert sorted(os.listdir(tmp_path)) == ["demo", "elsewhere"]
