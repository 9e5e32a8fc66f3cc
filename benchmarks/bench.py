"""How fast sap is, as whole-process runs: prints figures (medians and ratios), never pass or fail.

    .venv/bin/python benchmarks/bench.py [--repeat N] [--keep DIR]

It builds synthetic partnerships with sap's own schema and YAML writer (one with 200 meetings,
and a tree of 200 partnerships with 30 meetings each), then times each command as a new process
against `python -c "import typer"` timed in the same run, in turn with the commands; the CPU column
(the process's own user and system time) moves less than the wall clock on a busy machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sap_cli.model.commented import commented_yaml
from sap_cli.model.folder import FILE_MODELS
from sap_cli.model.records import CheckinFile

PARTNERS = [
    ("amira-haddad", "Amira Haddad", "student"),
    ("tomasz-nowak", "Tomasz Nowak", "student"),
    ("kiri-walker", "Kiri Walker", "student"),
    ("lee-chen", "Lee Chen", "faculty"),
    ("owen-price", "Owen Price", "staff"),
]
GOALS = ["shared-picture", "new-activities", "fair-assessment", "lasting-voice"]
STATUSES = ["not-started", "on-track", "at-risk", "on-track", "done"]


def partnership_files(title: str, start: dt.date, weeks: int) -> dict[str, dict[str, Any]]:
    """The five files of a plausible, valid partnership lasting `weeks` weeks."""
    end = start + dt.timedelta(weeks=weeks + 1)
    ids = [pid for pid, _, _ in PARTNERS]
    return {
        "project.yaml": {
            "title": title,
            "summary": "Students and staff redesign a second-year module together.",
            "areas": ["curriculum-design"],
            "why_partnership": "Students who took the module know where it loses people.",
            "values": ["respect", "reciprocity", "responsibility"],
            "start": start,
            "end": end,
            "cadence": "weekly",
            "recognition": {"pay_rate": "£13.50 an hour", "cv_lines": ["Student co-designer"]},
            "review_date": start + dt.timedelta(weeks=weeks // 2),
        },
        "roles.yaml": {
            "partners": [
                {
                    "id": pid,
                    "name": name,
                    "kind": kind,
                    "role": "Co-designer",
                    "responsibilities": ["Come to the weekly meeting", "Draft one activity"],
                    "time_commitment": "3 hours a week",
                }
                for pid, name, kind in PARTNERS
            ]
        },
        "goals.yaml": {
            "goals": [
                {"id": goal, "title": f"Goal {n}: {goal.replace('-', ' ')}", "owners": ids[n : n + 2]}
                for n, goal in enumerate(GOALS)
            ],
            "deliverables": [
                {
                    "id": f"deliverable-{n}",
                    "title": f"Deliverable {n}",
                    "owners": [ids[n]],
                    "goals": [GOALS[n]],
                    "due": start + dt.timedelta(weeks=(n + 1) * weeks // 4),
                }
                for n in range(3)
            ],
        },
        "timeline.yaml": {
            "milestones": [
                {
                    "id": f"milestone-{n}",
                    "title": f"Milestone {n}",
                    "due": start + dt.timedelta(weeks=(n + 1) * weeks // 9),
                    "deadline": "hard" if n % 3 == 0 else "soft",
                    "owners": [ids[n % 5]],
                    "goals": [GOALS[n % 4]],
                }
                for n in range(8)
            ]
        },
        "matrix.yaml": {
            "stages": [
                {
                    "id": f"stage-{n}",
                    "name": f"Stage {n}",
                    "involvements": [{"level": level, "who": "Student partners (n=3)"}],
                    "control": "shared" if n % 2 else "staff",
                }
                for n, level in enumerate(["consult", "participate", "partnership", "partnership", "inform"])
            ],
            "ladder": {"planned": 6},
        },
    }


def checkin(day: dt.date, n: int) -> tuple[str, dict[str, Any]]:
    """One meeting of about thirty lines, as `sap checkin` would write it."""
    checkin_id = f"{day.isoformat()}-week-{n}"
    ids = [pid for pid, _, _ in PARTNERS]
    return checkin_id, {
        "id": checkin_id,
        "date": day,
        "title": f"Week {n}",
        "attendees": ids[:4],
        "notes": "Went through the survey comments and agreed what to try next week.",
        "goals": {goal: STATUSES[(n + i) % 5] for i, goal in enumerate(GOALS)},
        "decisions": [{"text": f"Try version {n} of the activity", "by": ids[:2]}],
        "actions": [
            {
                "id": f"{checkin_id}-a{a}",
                "owner": ids[a],
                "text": f"Draft part {a} of the next activity",
                "due": day + dt.timedelta(days=7),
                **({"done": day + dt.timedelta(days=5)} if a == 1 else {}),
            }
            for a in (1, 2)
        ],
        "hours": {ids[0]: 3, ids[1]: 2.5},
        "pulse": {ids[0]: {"heard": 4, "workload": 3}, ids[3]: {"heard": 5, "workload": 2}},
        "reflection": {"prompt": "What did students shape today?", "notes": "The order of tasks."},
    }


def write_partnership(folder: Path, title: str, start: dt.date, meetings: int) -> int:
    """Write a partnership with `meetings` weekly check-ins; returns the number of YAML files."""
    folder.mkdir(parents=True)
    for name, data in partnership_files(title, start, meetings).items():
        FILE_MODELS[name].model_validate(data)
        (folder / name).write_text(commented_yaml(FILE_MODELS[name], data, [name]), encoding="utf-8")
    (folder / "checkins").mkdir()
    for n in range(1, meetings + 1):
        checkin_id, data = checkin(start + dt.timedelta(weeks=n - 1, days=1), n)
        CheckinFile.model_validate(data)
        text = commented_yaml(CheckinFile, data, [checkin_id], explain=False)
        (folder / "checkins" / f"{checkin_id}.yaml").write_text(text, encoding="utf-8")
    return len(FILE_MODELS) + meetings


def timed_run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run as a new process; CPU is the child's user and system time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# A typer app with nothing of sap's: three options, parsed and printed. Typer 0.29 checks each option's
# value with pydantic, so this is the least any typer command with options can take here.
BARE_TYPER_APP = """
import typer
app = typer.Typer()
@app.command()
def main(name: str = "x", count: int = 3, flag: bool = False) -> None:
    print(name, count, flag)
app()
"""

Figure = tuple[str, list[str], dict[str, str], Callable[[], object] | None]  # label, command, env, before


def medians(figures: list[Figure], repeat: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) milliseconds of each command, the commands taken in turn, round after round,
    so a machine that gets busier or quieter during the run weighs on every figure alike; `before`,
    when given, runs ahead of each of that command's runs (to empty the cache, say)."""
    for _, command, env, _ in figures:
        timed_run(command, env)  # warm the disk cache and write bytecode once
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label, *_ in figures}
    for _ in range(repeat):
        for label, command, env, before in figures:
            if before is not None:
                before()
            runs[label].append(timed_run(command, env))
    return {
        label: (
            statistics.median(w for w, _ in times) * 1000,
            statistics.median(c for _, c in times) * 1000,
        )
        for label, times in runs.items()
    }


def has_command(sap: str, name: str, env: dict[str, str]) -> bool:
    """Whether this sap has the command (a figure for a command still being written is left out)."""
    probe = subprocess.run(
        [sap, name, "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    return probe.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=9, help="runs per figure (the median is shown)")
    parser.add_argument("--keep", type=Path, help="build the data in this new folder and keep it")
    args = parser.parse_args()

    sap = shutil.which("sap", path=str(Path(sys.executable).parent)) or "sap"
    # Bytecode is written once, as a normal install does; some shells switch that off.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(NO_COLOR="1", COLUMNS="100")
    root = args.keep or Path(tempfile.mkdtemp(prefix="sap-bench-"))
    if args.keep:
        root.mkdir(parents=True)
    cache = root / "user-cache" / "sap" / "read"  # sap's read cache, kept away from the user's own
    env["XDG_CACHE_HOME"] = str(root / "user-cache")
    try:
        began = time.perf_counter()
        big = root / "one-partnership"
        write_partnership(big, "A long partnership", dt.date(2022, 1, 3), 200)
        tree = root / "tree"
        files = sum(
            write_partnership(tree / f"partnership-{n:03}", f"Partnership {n}", dt.date(2026, 1, 5), 30)
            for n in range(200)
        )
        built = time.perf_counter() - began
        print(f"Built one partnership of 200 meetings and 200 of 30 ({files} YAML files): {built:.1f} s")
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {args.repeat} runs each\n")

        yardstick = 'python -c "import typer"'
        one = [
            ('python -c "pass"', [sys.executable, "-c", "pass"], ""),
            (yardstick, [sys.executable, "-c", "import typer"], "the yardstick"),
            ("a bare typer app, 3 options", [sys.executable, "-c", BARE_TYPER_APP, "--count", "4"], "floor"),
            ("sap --help", [sap, "--help"], "target <= 1.2x"),
            ("sap --version", [sap, "--version"], ""),
            ("sap status (200 meetings)", [sap, "status", str(big)], "target <= 2.5x"),
            ("sap validate (200 meetings)", [sap, "validate", str(big)], "target <= 3.5x"),
            ("sap render (200 meetings)", [sap, "render", str(big)], "target <= 3.5x"),
            ("sap report -o - (200 meetings)", [sap, "report", str(big), "-o", "-"], "target <= 3.5x"),
        ]
        # The whole tree: each run takes seconds, so fewer runs, again taken in turn with the yardstick.
        empty_cache = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
        no_cache = {**env, "SAP_NO_CACHE": "1"}
        validate_all = [sap, "validate", "--all", str(tree)]
        whole: list[Figure] = [
            (yardstick, [sys.executable, "-c", "import typer"], env, None),
            ("sap validate --all (tree, cached)", validate_all, env, None),
            ("sap validate --all (tree, no cache yet)", validate_all, env, empty_cache),
            ("sap validate --all (tree, SAP_NO_CACHE=1)", validate_all, no_cache, None),
        ]
        if has_command(sap, "programme", env):
            programme = [sap, "programme", str(tree)]
            whole.append(("sap programme (tree, cached)", programme, env, None))
            whole.append(("sap programme (tree, SAP_NO_CACHE=1)", programme, no_cache, None))

        figures = medians([(label, command, env, None) for label, command, _ in one], args.repeat)
        tree_runs = max(3, args.repeat // 3)
        tree_figures = medians(whole, tree_runs)

        print(f"{'command':44} {'median':>10} {'x typer':>8} {'CPU x typer':>12}")
        base_wall, base_cpu = figures[yardstick]
        for label, _, note in one:
            wall, cpu = figures[label]
            print(f"{label:44} {wall:8.1f} ms {wall / base_wall:7.2f}x {cpu / base_cpu:11.2f}x  {note}")
        tree_wall, tree_cpu = tree_figures[yardstick]
        print(f"\nthe tree, {tree_runs} runs each (import typer took {tree_wall:.1f} ms in these runs):")
        for label, *_ in whole[1:]:
            wall, cpu = tree_figures[label]
            print(
                f"{label:44} {wall:8.1f} ms {wall / tree_wall:7.2f}x {cpu / tree_cpu:11.2f}x  "
                f"{wall / files:.3f} ms per file"
            )
        print(
            "targets: cached (nothing changed) <= 1000 ms; with nothing cached <= 0.5 ms per file; "
            "sap programme no slower than sap validate --all"
        )
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
