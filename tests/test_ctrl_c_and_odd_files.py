"""Ctrl-C at fixed moments, and plain words for files that are not what their names say."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_handled, replace_once
from sap_cli import cli

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "course-redesign"
SAP = [sys.executable, "-m", "sap_cli"]


def _ordinary_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _before_sap_started(stderr: str) -> bool:
    """Python's own traceback for a Ctrl-C before sap took Ctrl-C over (the limit README's promise
    names): Python's default handler raised it, so no frame is sap's handler (`_on_ctrl_c`)."""
    return stderr.rstrip().endswith("KeyboardInterrupt") and "in _on_ctrl_c" not in stderr


@pytest.mark.slow
def test_ctrl_c_at_fixed_moments_stops_calmly_or_lets_the_command_finish(tmp_path: Path) -> None:
    """From sap's first line on: "Stopped." and 130, or the finished command's own result."""
    began = time.perf_counter()
    subprocess.run([*SAP, "--version"], check=True, capture_output=True)
    start_up = time.perf_counter() - began  # Python's own start, before any line of sap runs
    commands = [
        ["validate"],
        ["render"],
        ["checkin", "--done", "2026-03-03-redesign-plan-a1", "--date", "2026-03-17", "--no-input"],
    ]
    delays = [d for d in (0.02, 0.04, 0.08, 0.15, 0.25, 0.4, 0.6) if d > 1.5 * start_up] + [2 * start_up]
    outcomes: dict[str, int] = {"stopped": 0, "finished": 0, "before sap started": 0}
    for run, (command, delay) in enumerate((c, d) for c in commands for d in delays):
        folder = tmp_path / f"run-{run}"
        shutil.copytree(EXAMPLE, folder)
        before = _snapshot(folder)
        process = subprocess.Popen(
            [*SAP, command[0], str(folder), *command[1:]],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=_ordinary_ctrl_c,  # not ignored, even when the tests run as a background job
        )
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        stderr = err.decode("utf-8", "replace")
        if _before_sap_started(stderr):
            outcomes["before sap started"] += 1  # Python's own start-up, on a busy machine
            assert _snapshot(folder) == before, (command, delay)
            continue
        assert "Traceback" not in stderr, (command, delay, stderr)
        if process.returncode == 130:
            assert stderr.strip().endswith("Stopped."), (command, delay, stderr)
            outcomes["stopped"] += 1
        else:
            assert process.returncode == 0, (command, delay, process.returncode, stderr)
            outcomes["finished"] += 1
        for name, data in _snapshot(folder).items():  # each file whole: as before, or as sap writes it
            assert not name.endswith(".tmp"), (command, delay, name)
            if name.endswith(".yaml") and data != before.get(name):
                assert name == "checkins/2026-03-03-redesign-plan.yaml", name
                assert b"done: 2026-03-17" in data or b"done: true" in data or b"done:" in data
    print(f"ctrl-c at {len(delays)} moments x {len(commands)} commands: {outcomes}")
    assert outcomes["before sap started"] <= 2 * len(commands), outcomes  # only the earliest moments
    assert outcomes["stopped"] > 0


def test_a_ctrl_c_pydantic_wrapped_while_building_the_models_stops_calmly(
    runner: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen in CI: Ctrl-C while pydantic-core built a validator came out as a SchemaError traceback."""
    from pydantic_core import SchemaError

    from sap_cli.validation import check

    def interrupted(*args: object, **kwargs: object) -> None:
        raise SchemaError('Error building "literal" validator:\n  KeyboardInterrupt: ')

    monkeypatch.setattr(check, "check_folder", interrupted)
    result = runner.invoke(cli.app, ["validate", str(demo)])
    assert_handled(result)
    assert result.exit_code == 130
    assert "Stopped." in result.output and "SchemaError" not in result.output


def test_a_stopped_command_leaves_with_130_itself_never_by_pythons_own_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Python ends a process by the signal (exit -2, after "Stopped.") when a compiled module saw the
    Ctrl-C first; seen in the fixed-moments test. A stopped run leaves with os._exit(130) instead."""
    from sap_cli import cli as command_line
    from sap_cli import entry, interrupts

    left: list[int] = []

    class Left(Exception):
        pass

    def leave(code: int) -> None:
        left.append(code)
        raise Left

    def stopped() -> None:
        raise SystemExit(interrupts.STOPPED)

    monkeypatch.setattr(command_line, "main", stopped)
    monkeypatch.setattr(entry.os, "_exit", leave)
    monkeypatch.setattr(entry.sys, "argv", ["sap", "status"])
    monkeypatch.setattr(entry.signal, "signal", lambda *args: None)  # leave pytest's Ctrl-C alone
    with pytest.raises(Left):
        entry.main()
    assert left == [130]

    def failed() -> None:
        raise SystemExit(1)

    monkeypatch.setattr(command_line, "main", failed)
    with pytest.raises(SystemExit) as ended:  # any other exit is Python's usual one
        entry.main()
    assert ended.value.code == 1 and left == [130]


# ------------------------------------------------------------ files that are not what they say


def test_a_pipe_or_folder_named_project_yaml_is_named_as_such(
    runner: CliRunner, make_partnership, tmp_path: Path
) -> None:
    folder = make_partnership()
    (folder / "project.yaml").unlink()
    os.mkfifo(folder / "project.yaml")
    for command in (["validate"], ["status"], ["render"], ["report"], ["sign", "--partner", "x"]):
        result = runner.invoke(cli.app, [command[0], str(folder), *command[1:]])
        assert_handled(result)
        assert result.exit_code == 1
        message = " ".join(result.output.split())
        assert "project.yaml is a pipe, not an ordinary file, so sap cannot read this partnership" in message
        assert "No partnership found" not in message and "a folder" not in message.split("hint:")[0]
        assert "replace it with a plain project.yaml file" in message
    (folder / "project.yaml").unlink()
    (folder / "project.yaml").mkdir()
    result = runner.invoke(cli.app, ["validate", str(folder)])
    assert "project.yaml is a folder, not an ordinary file" in " ".join(result.output.split())


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
@pytest.mark.parametrize("extra", [[], ["--format", "json"]], ids=["markdown", "json"])
def test_report_to_dev_null_says_it_is_a_device(runner: CliRunner, demo: Path, extra: list[str]) -> None:
    result = runner.invoke(cli.app, ["report", str(demo), "-o", "/dev/null", *extra])
    assert_handled(result)
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "-o /dev/null is a device, not a file sap can write the" in message
    assert "nothing was written" in message and "use -o - to print it" in message
    assert "folder" not in message and "link" not in message


def test_report_to_a_folder_says_to_name_a_file_in_it(runner: CliRunner, demo: Path, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    result = runner.invoke(cli.app, ["report", str(demo), "-o", str(tmp_path / "out")])
    assert_handled(result)
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "out is a folder; sap writes the review into a file, so nothing was written" in message
    assert "out/review.md" in message and list((tmp_path / "out").iterdir()) == []


# ------------------------------------------------------------ line breaks that are not new lines


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u2028", "a line separator character (U+2028)"),
        ("\u2029", "a paragraph separator character (U+2029)"),
        ("\u0085", "a next-line character (NEL, U+0085)"),
    ],
)
def test_a_pasted_line_separator_in_a_block_of_text_is_named_where_it_is(
    runner: CliRunner, make_partnership, char: str, name: str
) -> None:
    folder = make_partnership()
    text = (folder / "project.yaml").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    at = len(lines) + 1
    block = f"why_partnership: |\n  Students know the module.\n  Where it loses{char} people.\n"
    (folder / "project.yaml").write_text(
        "".join(line for line in lines if not line.startswith("why_partnership")) + block, encoding="utf-8"
    )
    line = at - sum(1 for ln in lines if ln.startswith("why_partnership")) + 2
    for command in ("validate", "status"):
        result = runner.invoke(cli.app, [command, str(folder)])
        assert_handled(result)
        assert result.exit_code == 1
        message = " ".join(result.output.split())
        assert (
            f"project.yaml:{line}:17: error: this line holds {name}, which YAML reads as a line break"
            in message
        )
        assert "pasted from a web page or a PDF" in message and "retype the line" in message
        assert "indentation" not in message


def test_a_line_separator_in_a_title_is_refused_not_quietly_split(
    runner: CliRunner, make_partnership
) -> None:
    folder = make_partnership()
    text = (folder / "project.yaml").read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    replace_once(folder / "project.yaml", title, title + "\u2028 and more")
    result = runner.invoke(cli.app, ["validate", str(folder)])
    assert_handled(result)
    assert result.exit_code == 1
    assert "line separator character (U+2028)" in result.output


def test_sap_writes_a_pasted_line_separator_as_an_escape_it_can_read_back(
    runner: CliRunner, demo: Path
) -> None:
    result = runner.invoke(
        cli.app,
        ["checkin", str(demo), "--no-input", "--date", "2026-02-02", "--title", "Week\u2028 2",
         "--note", "one\u2029two"],
    )  # fmt: skip
    assert_handled(result)
    assert result.exit_code == 0, result.output
    written = next((demo / "checkins").glob("*.yaml")).read_text(encoding="utf-8")
    assert "\u2028" not in written and "\u2029" not in written
    assert '"Week\\L 2"' in written and '"one\\Ptwo"' in written
    check = runner.invoke(cli.app, ["validate", str(demo)])
    assert check.exit_code == 0, check.output


_SWALLOWED = """
import sys
import time
from sap_cli import interrupts

interrupts.install()
interrupts.command_started()


class Finaliser:
    def __del__(self):
        raise KeyboardInterrupt  # where Python cannot raise it: it reaches sys.unraisablehook


try:
    Finaliser()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the command going on: the Ctrl-C must still reach it
        pass
    print("carried on")
except KeyboardInterrupt:
    print("stopped")
"""


@pytest.mark.slow
def test_a_ctrl_c_python_cannot_raise_where_it_lands_still_stops_the_command() -> None:
    """Seen at 0.4 s into `checkin --done` on a busy machine: the signal arrived while pydantic
    built a model, Python printed "Exception ignored ... KeyboardInterrupt" and the command went on."""
    result = subprocess.run(
        [sys.executable, "-c", _SWALLOWED], capture_output=True, text=True, timeout=60,
        preexec_fn=_ordinary_ctrl_c,
    )  # fmt: skip
    assert result.stdout.strip() == "stopped", result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


def test_installing_twice_keeps_other_unraisable_errors_reported() -> None:
    """entry.py installs at import and again in main(): the hook must not end up calling itself."""
    import sys

    from sap_cli import interrupts

    before_hook, before_saved = sys.unraisablehook, interrupts._Run.unraisable
    seen: list[object] = []
    sys.unraisablehook = seen.append
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(signal, "signal", lambda *args: None)
            patch.setattr(signal, "getsignal", lambda *args: None)
            interrupts.install()
            interrupts.install()

            class Args:
                exc_type = ValueError

            sys.unraisablehook(Args())  # type: ignore[arg-type]
        assert len(seen) == 1
    finally:
        sys.unraisablehook, interrupts._Run.unraisable = before_hook, before_saved
