"""How fast sap is, as whole-process runs: prints figures (medians and ratios), never pass or fail.

    .venv/bin/python benchmarks/bench.py [--repeat N] [--keep DIR]

It builds synthetic partnerships with sap's own schema and YAML writer (one with 200 meetings,
and a tree of 200 partnerships with 30 meetings each), then times each command as a new process
against `python -c "import typer"` timed in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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


def median_ms(
    command: list[str], repeat: int, env: dict[str, str], before: Callable[[], object] | None = None
) -> float:
    """The median time of `command`, after one run to warm the caches; `before` runs ahead of each run."""
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)  # warm caches
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        began = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


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

        baseline = median_ms([sys.executable, "-c", "import typer"], args.repeat, env)
        python = median_ms([sys.executable, "-c", "pass"], args.repeat, env)
        rows: list[tuple[str, float, str]] = [
            ('python -c "pass"', python, ""),
            ('python -c "import typer"', baseline, "the yardstick"),
        ]
        figures = [
            ("sap --help", [sap, "--help"], "target <= 1.2x"),
            ("sap --version", [sap, "--version"], ""),
            ("sap status (200 meetings)", [sap, "status", str(big)], "target <= 2.5x"),
            ("sap validate (200 meetings)", [sap, "validate", str(big)], ""),
            ("sap render (200 meetings)", [sap, "render", str(big)], ""),
            ("sap report -o - (200 meetings)", [sap, "report", str(big), "-o", "-"], ""),
        ]
        for label, command, note in figures:
            rows.append((label, median_ms(command, args.repeat, env), note))
        tree_runs = max(3, args.repeat // 3)
        whole = [sap, "validate", "--all", str(tree)]
        warm = median_ms(whole, tree_runs, env)
        rows.append((f"sap validate --all (tree, cached, {tree_runs} runs)", warm, "target <= 1000 ms"))
        cold = median_ms(whole, tree_runs, env, before=lambda: shutil.rmtree(cache, ignore_errors=True))
        rows.append((f"sap validate --all (tree, no cache yet, {tree_runs} runs)", cold, ""))
        uncached = median_ms(whole, tree_runs, {**env, "SAP_NO_CACHE": "1"})
        rows.append((f"sap validate --all (tree, SAP_NO_CACHE=1, {tree_runs} runs)", uncached, ""))
        programme = median_ms([sap, "programme", str(tree), "--format", "json"], tree_runs, env)
        rows.append((f"sap programme (tree, cached, {tree_runs} runs)", programme, "target <= validate"))

        print(f"{'command':44} {'median':>10} {'x typer':>8}")
        for label, ms, note in rows:
            print(f"{label:44} {ms:8.1f} ms {ms / baseline:7.2f}x  {note}")
        print(
            f"\nvalidating the tree, per file in total: {cold / files:.3f} ms with no cache yet "
            f"(target <= 0.5 ms), {uncached / files:.3f} ms with SAP_NO_CACHE=1, {warm / files:.3f} ms cached"
        )
        print(f"sap programme against validate --all on the tree: {programme / warm:.2f}x (target <= 1)")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
