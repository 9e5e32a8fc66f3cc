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
import os
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sap_cli.documents.files import RenderResult
from sap_cli.errors import SapError
from sap_cli.files.atomic import create_exclusive, write_temp_beside

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


def docx_bytes(document: Any, title: str, day: dt.date) -> bytes:
    """The document saved, with its dates fixed to `day` and sap's mark in its properties."""
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


def _state(path: Path, data: bytes) -> str:
    if not path.exists():
        return "missing"
    try:
        current = path.read_bytes()
    except OSError as exc:
        raise SapError(f"sap cannot read {path}: {exc.strerror}; nothing was written.") from exc
    if current == data:
        return "current"
    return "outdated" if made_by_sap_untouched(current) else "edited"


def _back_up(path: Path) -> Path:
    data = path.read_bytes()
    for n in range(1, 1000):
        backup = path.with_name(f"{path.stem}.backup{'' if n == 1 else f'-{n}'}{path.suffix}")
        try:
            create_exclusive(backup, data)
        except FileExistsError:
            continue
        return backup
    raise SapError(f"sap found no free name for a backup of {path}; nothing was replaced.")


def write_files(base: Path, files: Sequence[tuple[str, bytes]], force: bool = False) -> RenderResult:
    """Write every Word file that changed, all at once; one edited by hand is kept (or backed up with force).

    Paths are relative to `base` and already checked by the caller (no links, no odd files).
    """
    result = RenderResult()
    pending: list[tuple[str, Path]] = []
    try:
        for relative, data in files:
            path = base / relative
            state = _state(path, data)
            if state == "current":
                result.unchanged.append(path)
            elif state == "edited" and not force:
                result.kept.append(relative)
            else:
                if state == "edited":
                    backup = _back_up(path)
                    result.backups.append((relative, str(backup.relative_to(base))))
                pending.append((write_temp_beside(path, data), path))
    except BaseException:
        for tmp_name, _ in pending:
            os.unlink(tmp_name)
        raise
    for tmp_name, path in pending:
        os.replace(tmp_name, path)
        result.written.append(path)
    return result
