"""Ctrl-C at a random moment in a command's first seconds: prints figures, never pass or fail.

    .venv/bin/python benchmarks/interrupts.py [--runs 1000] [--seed 15] [--window 2.0] [--jobs 2]

Each run copies examples/course-redesign, starts one `sap` command on it as a new process
(the installed console script next to this Python, else `python -m sap_cli`), waits a random
time in [0, window) seconds (seeded), and sends it SIGINT, as Ctrl-C in a terminal does. It then
sorts what happened:

- stopped:  "Stopped." on standard error, exit 130, no traceback (what sap promises);
- finished: the command was done before the signal (exit 0, or 1 for a problem it reports), no
  traceback; these are fine and counted apart;
- anything else (a traceback, death by the signal, another exit code), each with its stderr tail.

It also checks every file of the partnership after each run: each is byte for byte either what
it was before or what an uninterrupted run writes (never half-written), and no temporary file
is left behind.
"""

from __future__ import annotations

import argparse
import collections
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "course-redesign"
ACTION = "2026-03-03-redesign-plan-a1"
# The mix: reading commands, and the ones that write documents or edit a record.
COMMANDS: dict[str, list[str]] = {
    "status": ["status"],
    "validate": ["validate"],
    "actions": ["actions"],
    "render": ["render"],
    "report": ["report"],
    "calendar": ["calendar"],
    "checkin --done": ["checkin", "--done", ACTION, "--date", "2026-03-17", "--no-input"],
    "checkin (new)": ["checkin", "--date", "2026-03-10", "--title", "Week 7", "--no-input"],
    "--help": ["--help"],
}


def sap_command() -> list[str]:
    script = Path(sys.executable).parent / "sap"
    return [str(script)] if script.exists() else [sys.executable, "-m", "sap_cli"]


def _ordinary_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class Outcome:
    command: str
    delay: float
    signalled: bool
    code: int
    stderr: str
    torn: list[str]  # files neither as before nor as a whole run leaves them
    leftovers: list[str]  # temporary files left behind

    @property
    def kind(self) -> str:
        if "Traceback" in self.stderr or self.torn or self.leftovers:
            return "other"
        if self.code == 130 and "Stopped." in self.stderr:
            return "stopped"
        if self.code in (0, 1):
            return "finished"
        return "other"


def one_run(
    sap: list[str], work: Path, index: int, name: str, delay: float, expected: dict[str, dict[str, bytes]]
) -> Outcome:
    folder = work / f"run-{index}"
    shutil.copytree(EXAMPLE, folder)
    before = snapshot(folder)
    args = COMMANDS[name]
    argv = [*sap, *args] if args == ["--help"] else [*sap, args[0], str(folder), *args[1:]]
    # A shell starts a background job with Ctrl-C ignored, and sap (like Python) keeps it so; each
    # run gets the ordinary Ctrl-C of a command typed at a terminal, wherever this script runs.
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_ordinary_ctrl_c
    )
    # Read standard error as it comes, so a chatty process never blocks on a full pipe.
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.append(process.stderr.read()))  # type: ignore[union-attr]
    reader.start()
    signalled = False
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
        signalled = True
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        code = process.wait()
    reader.join()
    after = snapshot(folder)
    torn = sorted(
        path
        for path, data in after.items()
        if (path in before or path in expected[name])
        and data != before.get(path)
        and data != expected[name].get(path)
    )
    leftovers = sorted(path for path in after if path not in before and path not in expected[name])
    shutil.rmtree(folder, ignore_errors=True)
    stderr = b"".join(chunks).decode("utf-8", "replace")
    return Outcome(name, delay, signalled, code, stderr, torn, leftovers)


def _where(outcome: Outcome) -> str:
    """Roughly where a run that went wrong was when the signal came."""
    if outcome.torn or outcome.leftovers:
        return "a file was left half-written or a temporary file stayed"
    if outcome.code == -signal.SIGINT and not outcome.stderr.strip():
        return "killed by the signal with no word (before Python set up its Ctrl-C handling)"
    if "Traceback" in outcome.stderr and "sap_cli" not in outcome.stderr.replace("from sap_cli.entry", ""):
        return "a traceback from Python's start-up, before the first line of sap's code"
    return "inside sap's code"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--window", type=float, default=2.0, help="the signal comes in [0, window) s")
    parser.add_argument("--jobs", type=int, default=2, help="runs at the same time")
    parser.add_argument("--sap", help="the command to run, e.g. 'python -m sap_cli' (default: .venv/bin/sap)")
    options = parser.parse_args()
    sap = options.sap.split() if options.sap else sap_command()
    chooser = random.Random(options.seed)
    plan = [(chooser.choice(list(COMMANDS)), chooser.uniform(0, options.window)) for _ in range(options.runs)]
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sap-interrupts-") as temporary:
        work = Path(temporary)
        # What each command leaves when nobody stops it: the other state a file may be in.
        expected: dict[str, dict[str, bytes]] = {}
        for name, args in COMMANDS.items():
            folder = work / "clean"
            shutil.copytree(EXAMPLE, folder)
            argv = [*sap, *args] if args == ["--help"] else [*sap, args[0], str(folder), *args[1:]]
            subprocess.run(argv, capture_output=True, check=False)
            expected[name] = snapshot(folder)
            shutil.rmtree(folder)
        with ThreadPoolExecutor(max_workers=options.jobs) as pool:
            outcomes = list(
                pool.map(lambda job: one_run(sap, work, job[0], *job[1], expected), enumerate(plan))
            )
    kinds = collections.Counter(outcome.kind for outcome in outcomes)
    print(f"sap: {' '.join(sap)}")
    print(f"runs: {len(outcomes)} (seed {options.seed}, SIGINT at a moment in [0, {options.window}) s)")
    print(f'  stopped ("Stopped.", exit 130):        {kinds["stopped"]}')
    print(f"  finished before the signal (exit 0/1): {kinds['finished']}")
    print(f"  anything else:                         {kinds['other']}")
    signalled = [o for o in outcomes if o.signalled]
    earliest = min((o.delay for o in signalled), default=0.0)
    print(f"signal sent while the process ran: {len(signalled)}; the earliest {earliest * 1000:.1f} ms in")
    per_command: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for outcome in outcomes:
        per_command[outcome.command][outcome.kind] += 1
    for name in COMMANDS:
        counts = per_command[name]
        print(
            f"  {name:16} stopped {counts['stopped']:4}  finished {counts['finished']:4}"
            f"  other {counts['other']:3}"
        )
    torn = sum(len(o.torn) for o in outcomes)
    left = sum(len(o.leftovers) for o in outcomes)
    print(f"files half-written: {torn}; temporary files left: {left}")
    others = [o for o in outcomes if o.kind == "other"]
    where = collections.Counter(_where(o) for o in others)
    for place, count in where.most_common():
        print(f"  other, {place}: {count}")
    for outcome in others:
        tail = "\n    ".join(outcome.stderr.strip().splitlines()[-6:])
        torn_note = f" torn {','.join(outcome.torn)}" if outcome.torn else ""
        left_note = f" leftover {','.join(outcome.leftovers)}" if outcome.leftovers else ""
        print(
            f"- {outcome.command} at {outcome.delay * 1000:.1f} ms: exit {outcome.code}{torn_note}{left_note}"
        )
        print(f"    {tail}")
    print(f"took {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
