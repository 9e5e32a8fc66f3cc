"""What the structural check found in a folder, kept so an unchanged partnership is not read or checked again.

The read cache (files/read_cache.py) spares the parsing of an unchanged file; this spares the rest:
reading the cached values back, validating every file against its model, and the checks across
files. One signed file per partnership folder in `$XDG_CACHE_HOME/sap/checked` holds the problems
found and the partnership built, with a stamp of everything the check read: sap's own source, the
folder, its `checkins/` and `signatures/` folders, and every file's size, times, inode, device and
kind, as `os.lstat` gives them (a file swapped for a link has another kind and inode). A stamp that
differs in anything, a file changed in the last two seconds, or a cache file not signed with this
user's secret means the folder is checked afresh. `SAP_NO_CACHE=1` turns it off.

The record is a pickle, since it holds the models themselves; it is only ever read after its
signature is verified, and even then only sap's own model and problem classes, dates and paths
can come out of it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import stat
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sap_cli.files import read_cache
from sap_cli.files.read_cache import private_cache, read_signed, write_signed

FORMAT = 1
# Every class a record may hold; anything else in a record (which only a forger could put there) is refused.
ALLOWED = {
    "datetime": {"date", "datetime", "time", "timedelta", "timezone"},
    "pathlib": {"PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath"},
}
ALLOWED_MODULES = ("sap_cli.model.", "sap_cli.partnership.problems")
Stamp = tuple[Any, ...]


@functools.cache
def _sap_version() -> str:
    """sap's version, Python's, pydantic's, and every source file of sap's (an edit to one counts)."""
    import pydantic_core

    from sap_cli import __version__

    root = Path(__file__).resolve().parent.parent
    parts = [str(FORMAT), __version__, sys.version, pydantic_core.__version__]
    for path in sorted(root.rglob("*.py")):
        info = path.stat()
        parts.append(f"{path.relative_to(root).as_posix()}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def stamp(folder: Path, names: Sequence[str]) -> Stamp | None:
    """Everything the check of `folder` reads, as the disk describes it now; None when a file is too new.

    `names` are the files the check reads (the plan files, every meeting and signature), so a meeting
    added or removed changes the stamp as surely as one edited.
    """
    newest_allowed = time.time_ns() - read_cache.RACY_NS
    seen: list[tuple[Any, ...]] = []
    for name in ("", "checkins", "signatures", *names):
        try:
            info = os.lstat(os.path.join(folder, name) if name else folder)
        except OSError:
            seen.append((name, None))
            continue
        if stat.S_ISLNK(info.st_mode):  # a link inside the partnership: what it leads to counts too
            where = os.path.join(folder, name) if name else os.fspath(folder)
            seen.append((name, "link", os.path.realpath(where)))
            try:
                info = os.stat(where)
            except OSError:
                continue
        if name in names and max(info.st_mtime_ns, info.st_ctime_ns) >= newest_allowed:
            return None  # a coarse clock could give its next edit the same times: never kept
        seen.append(
            (name, info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
        )
    return (_sap_version(), os.fspath(folder), os.path.realpath(folder), tuple(seen))


class _OnlyRecords(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name in ALLOWED.get(module, ()) or module.startswith(ALLOWED_MODULES):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a check's record")


def _path(folder: Path, place: Path) -> Path:
    where = f"{os.path.realpath(folder)}\0{os.fspath(folder)}"
    return place / f"{hashlib.sha256(where.encode()).hexdigest()[:40]}.checked"


def _kept(folder: Path, now: Stamp | None) -> bytes | None:
    """The pickled record kept for `folder` under exactly this stamp, not yet unpickled; or None."""
    found = private_cache("checked")
    if found is None or now is None:
        return None
    place, secret = found
    payload = read_signed(_path(folder, place), secret)
    if payload is None:
        return None
    try:
        # The stamp and the record are kept apart, so a stamp can be compared without unpacking the record.
        kept_stamp, record = _OnlyRecords(io.BytesIO(payload)).load()
    except Exception:  # a damaged or foreign record is no record: the folder is simply checked again
        return None
    return record if kept_stamp == now and type(record) is bytes else None


def is_kept(folder: Path, now: Stamp | None) -> bool:
    """Whether a record for `folder` under this stamp is there to be used."""
    return _kept(folder, now) is not None


def load(folder: Path, now: Stamp | None) -> Any:
    """The record kept for `folder` under exactly this stamp, or None."""
    record = _kept(folder, now)
    if record is None:
        return None
    try:
        return _OnlyRecords(io.BytesIO(record)).load()
    except Exception:
        return None


def save(folder: Path, now: Stamp | None, record: Any) -> None:
    """Keep `record` for `folder` under the stamp taken before the check read anything."""
    found = private_cache("checked")
    if found is None or now is None:
        return
    place, secret = found
    try:
        inner = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        payload = pickle.dumps((now, inner), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return
    write_signed(_path(folder, place), secret, payload)
