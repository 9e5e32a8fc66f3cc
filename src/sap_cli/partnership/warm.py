"""Many partnerships read for the first time: worker processes check them side by side, then sap reads on.

Reading and checking a partnership that nothing is kept for is almost all parsing, and each
partnership is separate, so on a computer with more than one core `sap validate --all` and
`sap programme` first check the partnerships with no kept check in worker processes, one per core,
which keep what they find (partnership/checked_cache.py). The command itself then goes through
every partnership in order as always, now finding each check kept: what it prints, and in which
order, is exactly what it would print without them. A worker that fails just leaves that
partnership for the command to check (and report) itself.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from sap_cli.files.read_cache import disabled
from sap_cli.partnership import checked_cache
from sap_cli.partnership.layout import PARTNERSHIP_FILES, yaml_files
from sap_cli.partnership.load import check_structure

# Below this many unchecked partnerships, starting the workers costs more than it saves.
FEWEST = 12


def _unchecked(folder: Path) -> bool:
    """A folder whose check could be kept but is not kept yet."""
    try:
        names = (*PARTNERSHIP_FILES, *yaml_files(folder, "checkins"), *yaml_files(folder, "signatures"))
        now = checked_cache.stamp(folder, names)
    except OSError:
        return False  # the command itself will say what is wrong with it
    # A folder with a file changed in the last seconds is never kept, so a worker would check it for nothing.
    return now is not None and not checked_cache.is_kept(folder, now)


def workers() -> int:
    """How many worker processes would be used here: one per core, or none."""
    if disabled() or sys.platform != "linux":  # elsewhere a new process starts too slowly to pay
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, 8) if cores > 1 else 0


def check_side_by_side(folders: Sequence[Path]) -> int:
    """Check, in worker processes, each of `folders` that has no kept check; returns how many were."""
    count = workers()
    if count == 0 or len(folders) < FEWEST:
        return 0
    unchecked = [folder for folder in folders if _unchecked(folder)]
    if len(unchecked) < FEWEST:
        return 0
    import multiprocessing

    # fork: a worker starts with sap already loaded, in a few milliseconds.
    with multiprocessing.get_context("fork").Pool(count, initializer=_worker_start) as pool:
        for _ in pool.imap_unordered(_check_one, unchecked, chunksize=2):
            pass
    return len(unchecked)


def _worker_start() -> None:
    # A Ctrl-C reaches every process of the terminal: the command stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_one(folder: Path) -> None:
    try:
        check_structure(folder)
    except Exception:  # the command checks it again, and reports it in its own words
        return
