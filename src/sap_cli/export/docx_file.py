"""Word files on disk: the same bytes from the same data, and a mark that tells sap's file from an edited one.

python-docx stamps the time of saving in the document's properties and on every entry of the zip.
sap fixes both to the partnership's latest recorded day, so two runs give identical bytes. The
properties carry `sap:<digest>` of every other part of the file: Word rewrites those parts when
someone saves an edit, so a later export can tell an untouched file (replaced) from an edited one
(kept, or saved as a .backup copy with --force), as with the Markdown and HTML pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sap_cli.documents.files import RenderResult
from sap_cli.export.binary_files import write_binary

_CORE = "docProps/core.xml"
_PLACEHOLDER = "sap:" + "0" * 16
_MARK = re.compile(rb"<dc:identifier>sap:([0-9a-f]{16})</dc:identifier>")
_LARGEST_PART = 64 * 1024 * 1024  # a part bigger than this is not one sap wrote


def _digest(parts: Sequence[tuple[str, bytes]]) -> str:
    hashed = hashlib.sha256()
    for name, data in parts:
        if name != _CORE:
            hashed.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return hashed.hexdigest()[:16]


def docx_bytes(document: Any, title: str, day: dt.date, comments: str = "") -> bytes:
    """The document saved, with its dates fixed to `day` and sap's mark in its properties
    (`comments`: where it came from and how to make it again)."""
    stamp = dt.datetime(day.year, day.month, day.day, 12, 0, 0, tzinfo=dt.timezone.utc)
    properties = document.core_properties
    properties.title = title
    properties.author = "sap"
    properties.last_modified_by = "sap"
    properties.created = stamp
    properties.modified = stamp
    properties.last_printed = stamp
    properties.revision = 1
    properties.identifier = _PLACEHOLDER
    if comments:
        properties.comments = comments
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as original:
        parts = [(info.filename, original.read(info)) for info in original.infolist()]
    digest = _digest(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as rewritten:
        for name, data in parts:
            if name == _CORE:
                data = data.replace(_PLACEHOLDER.encode(), f"sap:{digest}".encode(), 1)
            info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            rewritten.writestr(info, data)
    return out.getvalue()


def made_by_sap_untouched(data: bytes) -> bool:
    """True when `data` is a Word file sap wrote and nobody has saved over since."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if any(info.file_size > _LARGEST_PART for info in infos):
                return False
            parts = [(info.filename, archive.read(info)) for info in infos]
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
        return False
    core = dict(parts).get(_CORE, b"")
    match = _MARK.search(core)
    return match is not None and match.group(1).decode() == _digest(parts)


def write_files(base: Path, files: Sequence[tuple[str, bytes]], force: bool = False) -> RenderResult:
    """Write every Word file that changed (see export/binary_files.py)."""
    return write_binary(base, files, made_by_sap_untouched, force)
