"""The fuzz harness's short run: seeded mutants of the examples and a sample of PyYAML's corpus.

Every command that reads or edits (validate, status, actions, render, report, calendar,
checkin --done, sign, upgrade) must end with exit 0, 1 or 2, no traceback, no byte changed by
reading, only its own lines changed by an edit, and positions inside the file. tests/fuzzing.py
holds the mutations and checks; `benchmarks/fuzz.py --mutants 2000 --corpus` is the long run.

KNOWN lists causes found and not yet fixed: a failure with a known cause is counted and printed,
not failed; any other cause fails the test. It is empty now, so every failure fails.
"""

from __future__ import annotations

import json
import random
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fuzzing
from conftest import assert_handled, replace_once
from sap_cli import cli

SEED = 15
MUTANTS = 24  # x 9 commands: about 220 runs, some 12 s
CORPUS_SAMPLE = 24  # corpus cases (file x place) x 9 commands: about 220 runs

# cause (as tests/fuzzing.py names it) -> why it is still allowed. Empty: the one reader and the
# splicing editor of issue 15 fixed the 16 causes the first long run found (seed 15, 2,000 mutants
# and the whole corpus); a cause found later and not fixed at once is listed here with its input.
KNOWN: dict[str, str] = {}


def _judge(tally: fuzzing.Tally, what: str) -> None:
    known = [f for f in tally.failures if f.cause in KNOWN]
    new = [f for f in tally.failures if f.cause not in KNOWN]
    took, case, command = tally.slowest
    summary = (
        f"{what}: {tally.runs} runs, {len(known)} known failures "
        f"({len({f.cause for f in known})} known causes), slowest {took:.2f} s ({command}; {case})"
    )
    print(summary)
    if known:
        warnings.warn(summary, stacklevel=1)
    if new:
        shown = "\n\n".join(
            f"{f.cause}\n  {f.case}\n  $ sap {' '.join(f.command)}\n  {f.detail[-600:]}" for f in new[:10]
        )
        pytest.fail(f"{len(new)} failures of causes not in KNOWN:\n\n{shown}")


# Each run is taken in two halves, so that tests in parallel (pytest-xdist) share them out; the
# two halves together are the same MUTANTS mutants and CORPUS_SAMPLE corpus cases.
HALVES = [0, 1]


@pytest.mark.fuzz
@pytest.mark.parametrize("half", HALVES, ids=["first-half", "second-half"])
def test_mutants_of_the_examples_keep_every_promise(half: int) -> None:
    mutants = range(half * MUTANTS // 2, (half + 1) * MUTANTS // 2)
    tally = fuzzing.campaign(SEED, mutants)
    assert tally.runs == len(mutants) * len(fuzzing.COMMANDS)
    _judge(tally, f"mutants {mutants.start} to {mutants.stop - 1} of {MUTANTS}")


def test_the_halves_are_every_mutant_and_every_corpus_case_once() -> None:
    mutants = [n for half in HALVES for n in range(half * MUTANTS // 2, (half + 1) * MUTANTS // 2)]
    assert mutants == list(range(MUTANTS))
    cases = [n for half in HALVES for n in range(CORPUS_SAMPLE)[half::2]]
    assert sorted(cases) == list(range(CORPUS_SAMPLE))


@pytest.mark.fuzz
@pytest.mark.parametrize("half", HALVES, ids=["first-half", "second-half"])
def test_a_sample_of_the_yaml_corpus_keeps_every_promise(half: int) -> None:
    cases = list(fuzzing.corpus_cases())
    sample = random.Random(SEED).sample(cases, CORPUS_SAMPLE)[half::2]
    tally = fuzzing.campaign(SEED, 0, sample)
    assert tally.runs == len(sample) * len(fuzzing.COMMANDS)
    _judge(tally, f"{len(sample)} of {CORPUS_SAMPLE} corpus cases")


def test_the_corpus_is_there_with_its_licence() -> None:
    assert len(fuzzing.corpus_files()) == 394
    assert "Permission is hereby granted" in (fuzzing.CORPUS / "LICENSE").read_text(encoding="utf-8")
    assert "pyyaml-6.0.3.tar.gz" in (fuzzing.CORPUS / "README.md").read_text(encoding="utf-8")


def test_a_mutant_is_the_same_bytes_every_time() -> None:
    assert fuzzing.make_mutant(SEED, 7) == fuzzing.make_mutant(SEED, 7)
    assert fuzzing.make_mutant(SEED, 7) != fuzzing.make_mutant(SEED, 8)


def test_every_mutation_is_reached() -> None:
    used = {name for n in range(300) for name in fuzzing.make_mutant(SEED, n).name.split()[-1].split("+")}
    assert used == set(fuzzing.MUTATION_NAMES)


# The checks themselves: each catches what it is for, on a change made by hand.
CHECKIN = b"# mine\n---\nactions:\n  - id: a1\n    text: x\n...\n"


def test_an_edit_may_add_its_done_line_and_nothing_else() -> None:
    closed = CHECKIN.replace(b"text: x\n", b"text: x\n    done: " + fuzzing.ON.encode() + b"\n")
    assert fuzzing.foreign_changes("checkin --done", "checkins/m.yaml", CHECKIN, closed) == []
    lost = closed.replace(b"# mine\n", b"").replace(b"...\n", b"")
    assert fuzzing.foreign_changes("checkin --done", "checkins/m.yaml", CHECKIN, lost) == [
        "checkins/m.yaml:1 lost b'# mine\\n'",
        "checkins/m.yaml:6 lost b'...\\n'",
    ]
    crlf = closed.replace(b"\n", b"\r\n")
    assert len(fuzzing.foreign_changes("checkin --done", "checkins/m.yaml", CHECKIN, crlf)) > 1
    assert fuzzing.foreign_changes("checkin --done", "roles.yaml", b"a\n", b"b\n")


def test_a_position_past_the_end_of_a_line_or_file_is_caught() -> None:
    files = {"project.yaml": b"title: x\r\nend: y"}
    assert fuzzing.bad_positions([("project.yaml", 2, 7), ("project.yaml", 3, 1)], files) == []
    assert len(fuzzing.bad_positions([("project.yaml", 2, 8), ("project.yaml", 4, 1)], files)) == 2


def test_a_read_that_writes_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    harness = fuzzing.Harness(commands=["validate"])
    real = harness.runner.invoke

    def invoke_then_touch(app: object, args: list[str]) -> object:
        result = real(app, args)  # type: ignore[arg-type]
        Path(fuzzing.FOLDER_NAME, "goals.yaml").write_bytes(b"touched\n")
        return result

    monkeypatch.setattr(harness.runner, "invoke", invoke_then_touch)
    base = fuzzing.EXAMPLES / "micro-credential"
    harness.run_case(fuzzing.Case("by hand", base, "goals.yaml", (base / "goals.yaml").read_bytes()))
    assert [f.cause for f in harness.tally.failures] == ["changed by reading: validate"]


# Causes the harness found outside the YAML reader and editor, fixed with a test each.


def test_a_lone_surrogate_escape_is_an_error_at_its_place_in_json(runner: CliRunner, demo: Path) -> None:
    """`"x\\udfff"` in a file is half a character: a positioned problem, printable JSON, no crash."""
    replace_once(demo / "matrix.yaml", "control: shared", 'control: "x\\udfff y"')
    result = runner.invoke(cli.app, ["validate", "demo", "--format", "json"])
    assert_handled(result)
    assert result.exit_code == 1
    [problem] = json.loads(result.stdout)
    assert problem["file"] == "matrix.yaml"
    assert "not a character that can stand alone" in problem["message"]
    result.stdout.encode("utf-8")  # printable as UTF-8


def test_json_output_escapes_a_lone_surrogate_instead_of_crashing() -> None:
    """Text that holds half a character (from a reader that lets it through) still prints as JSON."""
    import io
    from contextlib import redirect_stdout

    from sap_cli.cli.output import print_json

    buffer = io.StringIO()
    with redirect_stdout(buffer):
        print_json({"message": "x\udfff y"})
    assert json.loads(buffer.getvalue()) == {"message": "x\udfff y"}
    assert "\\udfff" in buffer.getvalue()
