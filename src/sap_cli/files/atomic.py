"""Write files whole: atomic replace, exclusive create, and the places sap will not write."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from sap_cli.errors import WillNotWriteHere


def _new_file_mode() -> int:
    """Permissions a newly created file would get (mkstemp alone would make it private to one user)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_temp_beside(path: Path, data: str | bytes, sync: bool = True) -> str:
    """Write `data` to a synced temporary file in `path`'s folder, so a rename is atomic.

    `sync=False` skips waiting for the disk, for files sap can always remake (its own cache).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.chmod(tmp_name, path.stat().st_mode & 0o7777 if path.exists() else _new_file_mode())
    except BaseException:
        os.unlink(tmp_name)
        raise
    return tmp_name


def atomic_write(path: Path, data: str | bytes, sync: bool = True) -> None:
    """Replace `path` with `data` all at once: a reader sees the old file or the new, never half.

    A symbolic link is followed, so the file it points to is the one replaced.
    """
    path = path.resolve() if path.is_symlink() else path
    tmp_name = write_temp_beside(path, data, sync)
    try:
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def create_exclusive(path: Path, text: str | bytes) -> None:
    """Write a new file atomically, refusing if one already exists (no silent overwrite)."""
    tmp_name = write_temp_beside(path, text)
    try:
        try:
            os.link(tmp_name, path)  # fails with FileExistsError rather than replacing
        except FileExistsError:
            raise
        except OSError:
            # No hard links here (some network or FAT drives): reserve the name, then swap in.
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            os.replace(tmp_name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)


def unsafe_reason(folder: Path, relative: str) -> str | None:
    """Why sap must not write `relative` inside `folder`, or None if it may.

    A cloned folder could hold links in docs/ pointing anywhere on the computer; writing
    through them would let its author plant files outside the project.
    """
    here = folder
    parts = Path(relative).parts
    for depth, part in enumerate(parts):
        here = here / part
        last = depth == len(parts) - 1
        if here.is_symlink():
            link = here.relative_to(folder)
            return f"{relative} passes through a link ({link}); sap does not write through links"
        if not here.exists():
            return None
        if not last and not here.is_dir():
            return f"{here.relative_to(folder)} is a file where sap expects a folder"
        if last and here.is_dir():
            return f"{relative} is a folder, not a file"
        if last and not here.is_file():
            return f"{relative} is not an ordinary file (it is a pipe, a device or a socket)"
    return None


def odd_kind(path: Path) -> str | None:
    """What `path` is, in words, when it exists but is not an ordinary file (links followed); else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    return "a socket" if stat.S_ISSOCK(mode) else "not an ordinary file"


REPLACE_THE_LINK = "Replace the link or the odd file with a plain folder or file, then run the command again."


def refuse_unsafe(folder: Path, relatives: Sequence[str], hint: str = REPLACE_THE_LINK) -> None:
    """Raise WillNotWriteHere, naming every reason, if sap must not write any of `relatives`."""
    reasons = [reason for relative in relatives if (reason := unsafe_reason(folder, relative))]
    if reasons:
        raise WillNotWriteHere(reasons, hint)


@contextlib.contextmanager
def taking_turns(folder: Path) -> Iterator[None]:
    """Hold `folder`'s edit lock, so two sap runs changing the same record take turns.

    Read the record inside the block, after the lock is held: the second run then sees the first
    run's change and adds its own, instead of writing back what it read before. The lock is on the
    folder itself, which an atomic replace of a file inside it leaves in place. Where the system
    has no such locks (Windows), runs are not made to wait.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing it lets the next run in
