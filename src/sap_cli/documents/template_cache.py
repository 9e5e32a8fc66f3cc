"""Compiled templates kept in the user's cache, signed as the read cache is, so no run compiles them again.

Compiling the agreement, worksheet and review templates took about a third of `sap render`. Jinja
can keep what it compiled; here each compiled template is a file in `$XDG_CACHE_HOME/sap/templates`
(never inside a partnership), signed with the same per-user secret as the read cache, so a file
that was copied, damaged or written by anyone else is ignored and the template compiled afresh.
Jinja itself checks that the template's text is the text the code was compiled from, so an edited
template, even one changed within the same second, is always compiled again.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache

from sap_cli.files.read_cache import private_cache, read_signed, write_signed


@functools.cache
def _compiler_version() -> str:
    """sap's and Jinja's versions and the environment's own source: compiled code depends on all three."""
    import jinja2

    from sap_cli import __version__

    parts = [__version__, jinja2.__version__]
    for name in ("jinja.py", "template_cache.py"):
        info = (Path(__file__).parent / name).stat()
        parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    return "\0".join(parts)


class SignedTemplateCache(BytecodeCache):
    """Jinja's cache of compiled templates, one signed file a template."""

    def __init__(self, folder: Path, secret: bytes) -> None:
        self.folder, self.secret = folder, secret

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        where = f"{_compiler_version()}\0{name}\0{filename or ''}"
        return hashlib.sha256(where.encode()).hexdigest()[:40]

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.template"

    def load_bytecode(self, bucket: Bucket) -> None:
        payload = read_signed(self._path(bucket), self.secret)
        if payload is not None:
            bucket.bytecode_from_string(payload)  # Jinja drops it unless its source checksum matches

    def dump_bytecode(self, bucket: Bucket) -> None:
        write_signed(self._path(bucket), self.secret, bucket.bytecode_to_string())


def template_cache() -> Any:
    """The cache to give Jinja, or None when sap's cache is off (SAP_NO_CACHE=1) or has no safe folder."""
    found = private_cache("templates")
    return SignedTemplateCache(*found) if found is not None else None
