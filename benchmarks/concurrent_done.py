"""Two partners close their own actions of one meeting at the same moment: are both closures kept?

Each trial records a meeting with two open actions, starts two `sap checkin --done` processes at
once (one per action) and then reads the meeting back. Prints how many trials kept both closures.

    .venv/bin/python benchmarks/concurrent_done.py --trials 100
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "course-redesign"


def _sap() -> list[str]:
    beside = Path(sys.executable).with_name("sap")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "sap_cli"]


def trial(folder: Path, number: int) -> bool:
    """One meeting, two simultaneous closures; True if the meeting file then holds both."""
    from sap_cli.partnership.load import load_valid

    sap = _sap()
    day = f"2026-04-{1 + number % 28:02d}"
    title = f"Trial {number}"
    subprocess.run(
        [*sap, "checkin", str(folder), "--no-input", "--date", day, "--title", title,
         "--attendee", "sofia-martins", "--attendee", "jamal-osei",
         "--action", "sofia-martins: Draft the brief", "--action", "jamal-osei: Book the room"],
        check=True, capture_output=True,
    )  # fmt: skip
    meeting = max((folder / "checkins").glob(f"{day}-trial-{number}*.yaml"), key=lambda p: p.stat().st_mtime)
    first, second = f"{meeting.stem}-a1", f"{meeting.stem}-a2"
    runs = [
        subprocess.Popen([*sap, "checkin", str(folder), "--done", action, "--date", day],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for action in (first, second)
    ]  # fmt: skip
    for run in runs:
        run.communicate()
    done = {
        action.id: action.done
        for checkin in load_valid(folder).checkins
        if checkin.id == meeting.stem
        for action in checkin.actions
    }
    return done.get(first) is not None and done.get(second) is not None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "course-redesign"
        shutil.copytree(EXAMPLE, folder)
        started = time.perf_counter()
        kept = sum(trial(folder, number) for number in range(args.trials))
        took = time.perf_counter() - started
    print(f"trials: {args.trials}; both closures kept: {kept}; one lost: {args.trials - kept}; {took:.1f} s")
    return 0 if kept == args.trials else 1


if __name__ == "__main__":
    raise SystemExit(main())
