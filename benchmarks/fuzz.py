"""Long fuzz runs: seeded mutants of the examples and PyYAML's test corpus through every command.

    .venv/bin/python benchmarks/fuzz.py --mutants 2000 --seed 15 --corpus --jobs 8

Prints the figures: mutants, corpus cases, runs per command and exit code, failures by cause (with
one example of each, to reproduce), the slowest run, and how many positions were checked. Exits 1 if
any run broke a promise. tests/fuzzing.py holds the mutations and the checks; tests/test_fuzz.py is
the short run CI makes.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import fuzzing


def _part(job: tuple[int, range, list[int]]) -> fuzzing.Tally:
    seed, mutants, corpus_numbers = job
    cases = list(fuzzing.corpus_cases())
    return fuzzing.campaign(seed, mutants, [cases[n] for n in corpus_numbers])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=2000, help="how many mutants (default 2000)")
    parser.add_argument("--seed", type=int, default=15, help="the seed; the same seed gives the same mutants")
    parser.add_argument("--corpus", action="store_true", help="also run every case of the YAML corpus")
    parser.add_argument("--jobs", type=int, default=1, help="processes to share the work (default 1)")
    parser.add_argument("--examples", type=int, default=1, help="examples shown per cause (default 1)")
    options = parser.parse_args()

    corpus_total = len(list(fuzzing.corpus_cases())) if options.corpus else 0
    jobs = max(1, options.jobs)
    work = [
        (options.seed, range(n, options.mutants, jobs), list(range(n, corpus_total, jobs)))
        for n in range(jobs)
    ]
    tally = fuzzing.Tally()
    with ProcessPoolExecutor(jobs) as pool:
        for part in pool.map(_part, work):
            tally.add(part)
    report(tally, options.examples)
    return 1 if tally.failures else 0


def report(tally: fuzzing.Tally, examples: int) -> None:
    files = len(fuzzing.corpus_files())
    print(f"mutants: {tally.mutants}; corpus cases: {tally.corpus_cases} ({files} files x 4 places)")
    print(f"runs: {tally.runs}; positions checked: {tally.positions_checked}")
    for command in fuzzing.COMMANDS:
        codes = sorted((code, n) for (name, code), n in tally.exits.items() if name == command)
        shown = ", ".join(f"exit {code}: {n}" for code, n in codes)
        wrote = f"; wrote in {tally.edits_that_wrote[command]}" if command in fuzzing.EDITS else ""
        print(f"  {command}: {tally.per_command[command]} runs ({shown}){wrote}")
    took, case, command = tally.slowest
    print(f"slowest run: {took:.2f} s ({command}; {case})")
    causes = tally.causes()
    failing_runs = len({(f.case, tuple(f.command)) for f in tally.failures})
    print(f"failures: {len(tally.failures)} in {failing_runs} runs, {len(causes)} causes")
    for cause, n in causes.most_common():
        print(f"\n{n:6}  {cause}")
        for failure in [f for f in tally.failures if f.cause == cause][:examples]:
            print(f"        {failure.case}\n        $ sap {' '.join(failure.command)}")
            print("        " + failure.detail.strip().replace("\n", "\n        ")[-700:])


if __name__ == "__main__":
    sys.exit(main())
