"""What each YAML file read to last time, kept in the user's cache so an unchanged file is not parsed again.

The cache lives outside every partnership (`$XDG_CACHE_HOME/sap/read`, else `~/.cache/sap/read`), one
file per partnership folder, so it can never be committed, shipped with a folder or taken for
partnership data. Each cache file is signed with a secret kept beside it (HMAC-SHA256): a file copied
from another user or another computer, damaged, or written by another version of sap or of its
reader is ignored, and the file is read afresh. An entry is used only when the file's size,
modification and change times (ns), inode and device are all as they were; a file changed in the two
seconds before it was read is not kept at all, since a coarse clock could give its next edit the same
times. Nothing here ever stops a command: a folder sap may not write in just means no cache.
`SAP_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import marshal
import os
import secrets
import stat
import time
from pathlib import Path
from typing import Any

from sap_cli.files.atomic import atomic_write

FORMAT = 1
MAGIC = b"sap-read-cache\n"
SIGNATURE_SIZE = 32
LARGEST_CACHE = 64 * 1024 * 1024  # a cache file larger than this is not read
RACY_NS = 2_000_000_000  # a file changed this recently is not kept (coarse clocks, same-second edits)
Key = tuple[int, int, int, int, int]


class NotPlain(Exception):
    """A value the cache does not keep (only YAML's plain values are kept); the file is simply not cached."""


def disabled() -> bool:
    return os.environ.get("SAP_NO_CACHE", "").strip() not in ("", "0")


def cache_root() -> Path | None:
    """The folder the cache lives in, or None when no home or cache folder is known."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base and os.path.isabs(base):
        return Path(base) / "sap" / "read"
    home = os.environ.get("HOME") or os.environ.get("USERPROFILE")
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "sap" / "cache" / "read"
    return Path(home) / ".cache" / "sap" / "read" if home and os.path.isabs(home) else None


@functools.cache
def _reader_version() -> str:
    """sap's version, the YAML library's, and the reader's own source files (so an edit to them counts).

    The YAML library is known by its installed files (their sizes and times), not by importing it:
    a run that finds every file unchanged need not load the parser at all.
    """
    from sap_cli import __version__

    here = Path(__file__).parent
    parts = [str(FORMAT), __version__, *_installed("ruamel.yaml"), *_installed("_ruamel_yaml")]
    for name in (
        "yaml_read.py",
        "yaml_guard.py",
        "yaml_syntax.py",
        "yaml_places.py",
        "paths.py",
        "read_cache.py",
    ):
        with contextlib.suppress(OSError):
            info = (here / name).stat()
            parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _installed(module: str) -> list[str]:
    """Where a module is installed, with its file's size and time; nothing when it is not installed."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return []
    origin = spec.origin if spec is not None else None
    if not origin or not os.path.isfile(origin):
        return [f"{module}:none"]
    info = os.stat(origin)
    return [f"{module}:{origin}:{info.st_size}:{info.st_mtime_ns}"]


def _private_folder(root: Path) -> bool:
    """Make `root` (owner only) if needed; False if it is not a plain folder of this user's."""
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(root)
    except OSError:
        return False
    owner = getattr(os, "getuid", None)
    if not stat.S_ISDIR(info.st_mode) or (owner is not None and info.st_uid != owner()):
        return False
    if info.st_mode & 0o077:  # it holds partners' words: for this user's eyes only
        try:
            os.chmod(root, 0o700)
        except OSError:
            return False
    return True


def _read_small(path: Path, largest: int) -> bytes | None:
    """A regular file's bytes, never through a link and never more than `largest`; None otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > largest:
            return None
        data = handle.read(largest + 1)
    return data if len(data) <= largest else None


@functools.cache
def _secret(root: Path) -> bytes | None:
    """This user's signing secret, made on first use (readable by the owner only)."""
    path = root / "secret"
    found = _read_small(path, 64)
    if found is not None:
        return found if len(found) == 32 else None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:  # another sap made it at the same moment
        found = _read_small(path, 64)
        return found if found is not None and len(found) == 32 else None
    except OSError:
        return None
    made = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as handle:
        handle.write(made)
    return made


def private_cache(kind: str) -> tuple[Path, bytes] | None:
    """A folder of this user's sap cache beside the read cache (`templates`, say) and the secret its
    files are signed with; None when the cache is off or no private folder can be had."""
    if disabled():
        return None
    root = cache_root()
    if root is None or not _private_folder(root):
        return None
    secret = _secret(root)
    folder = root.parent / kind
    if secret is None or not _private_folder(folder):
        return None
    return folder, secret


def read_signed(path: Path, secret: bytes) -> bytes | None:
    """What `write_signed` wrote at `path`, or None when missing, damaged, too large or not signed by us."""
    raw = _read_small(path, LARGEST_CACHE)
    if raw is None or not raw.startswith(MAGIC):
        return None
    signature, payload = raw[len(MAGIC) : len(MAGIC) + SIGNATURE_SIZE], raw[len(MAGIC) + SIGNATURE_SIZE :]
    if not hmac.compare_digest(signature, hmac.new(secret, payload, hashlib.sha256).digest()):
        return None
    return payload


def write_signed(path: Path, secret: bytes, payload: bytes) -> None:
    """Keep `payload` at `path`, signed, replaced whole; a cache that cannot be written is no cache."""
    with contextlib.suppress(OSError):
        atomic_write(path, MAGIC + hmac.new(secret, payload, hashlib.sha256).digest() + payload, sync=False)


def key_of(info: os.stat_result) -> Key:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def settled(info: os.stat_result) -> bool:
    """A file not changed in the last two seconds, so its next edit cannot share its times."""
    return max(info.st_mtime_ns, info.st_ctime_ns) < time.time_ns() - RACY_NS


class FolderCache:
    """The cached readings of one partnership folder's files: looked up by name and key, saved once."""

    def __init__(self, path: Path, secret: bytes, folder: str, entries: dict[str, Any]) -> None:
        self.path, self.secret, self.folder = path, secret, folder
        self.entries = entries
        self.changed = False

    @classmethod
    def open(cls, folder: Path) -> FolderCache | None:
        """The cache for `folder` (empty if there is none yet, or it cannot be trusted); None when off."""
        found = private_cache("read")
        if found is None:
            return None
        root, secret = found
        where = os.path.realpath(folder)
        name = hashlib.sha256(f"{where}\0{_reader_version()}".encode()).hexdigest()[:40]
        cache = cls(root / f"{name}.cache", secret, where, {})
        cache.entries = cache._load()
        return cache

    def _load(self) -> dict[str, Any]:
        payload = read_signed(self.path, self.secret)
        if payload is None:
            return {}
        try:
            header, entries = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return {}
        if header != (FORMAT, _reader_version(), self.folder) or type(entries) is not dict:
            return {}
        return entries

    def get(self, name: str, key: Key) -> Any:
        """What `name` read to when it had this key, as plain values; None when not kept or not the same."""
        entry = self.entries.get(name)
        if type(entry) is not tuple or len(entry) != 2 or entry[0] != key:
            return None
        try:
            return decode(entry[1])
        except (NotPlain, RecursionError):
            return None

    def put(self, name: str, key: Key, record: Any) -> None:
        try:
            self.entries[name] = (key, encode(record))
        except (NotPlain, RecursionError):
            self.entries.pop(name, None)
        self.changed = True

    def save(self) -> None:
        """Write the cache whole (last writer wins); a folder sap may not write in just means no cache."""
        if not self.changed:
            return
        try:
            payload = marshal.dumps(((FORMAT, _reader_version(), self.folder), self.entries))
        except ValueError:
            return
        write_signed(self.path, self.secret, payload)
        self.changed = False


_DATE, _TIME = 0, 1


def encode(record: Any) -> Any:
    """A reader's record with its dates taken out, for marshal: (record without dates, where they were).

    Only plain YAML values are kept (text, numbers, yes/no, nothing, lists, maps with plain keys and
    dates as values); anything else raises NotPlain and the file is simply not cached.
    """
    dates: list[tuple[tuple[Any, ...], int, str]] = []

    def plain(value: Any, at: tuple[Any, ...]) -> Any:
        kind = type(value)
        if value is None or kind in (str, int, float, bool):
            return value
        if kind is dict:
            if any(type(k) not in (str, int, float, bool) and k is not None for k in value):
                raise NotPlain("key")
            return {k: plain(v, (*at, k)) for k, v in value.items()}
        if kind is list:
            return [plain(v, (*at, i)) for i, v in enumerate(value)]
        if kind is dt.date:
            dates.append((at, _DATE, value.isoformat()))
            return None
        if kind is dt.datetime and (value.tzinfo is None or type(value.tzinfo) is dt.timezone):
            dates.append((at, _TIME, value.isoformat()))
            return None
        raise NotPlain(kind.__name__)

    if type(record) is tuple and record and record[0] == "d":
        return (*record[:1], plain(record[1], ()), *record[2:], tuple(dates))
    return record


def decode(kept: Any) -> Any:
    """The record `encode` was given: its dates put back where they were."""
    if type(kept) is not tuple or not kept or kept[0] != "d":
        return kept
    if len(kept) != 4 or type(kept[3]) is not tuple:
        raise NotPlain("record")
    data = kept[1]
    for at, kind, text in kept[3]:
        try:
            value: Any = dt.date.fromisoformat(text) if kind == _DATE else dt.datetime.fromisoformat(text)
            if not at:
                data = value
                continue
            parent = data
            for part in at[:-1]:
                parent = parent[part]
            parent[at[-1]] = value
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise NotPlain("date") from exc
    return (kept[0], data, kept[2])
