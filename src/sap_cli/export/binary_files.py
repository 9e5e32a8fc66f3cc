"""Writing PDFs and Word files: only those that changed, all at once, never over one edited by hand."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from sap_cli.documents.files import RenderResult
from sap_cli.errors import SapError
from sap_cli.files.atomic import create_exclusive, write_temp_beside


def _state(path: Path, data: bytes, made_by_sap: Callable[[bytes], bool]) -> str:
    """missing, current, outdated (a file sap made) or edited (anything else in its place)."""
    if not path.exists():
        return "missing"
    try:
        current = path.read_bytes()
    except OSError as exc:
        raise SapError(f"sap cannot read {path}: {exc.strerror}; nothing was written.") from exc
    if current == data:
        return "current"
    return "outdated" if made_by_sap(current) else "edited"


def _back_up(path: Path) -> Path:
    """Copy a file sap did not make to the first free name like agreement.backup.pdf."""
    data = path.read_bytes()
    for n in range(1, 1000):
        backup = path.with_name(f"{path.stem}.backup{'' if n == 1 else f'-{n}'}{path.suffix}")
        try:
            create_exclusive(backup, data)
        except FileExistsError:
            continue
        return backup
    raise SapError(f"sap found no free name for a backup of {path}; nothing was replaced.")


def write_binary(
    base: Path,
    files: Sequence[tuple[str, bytes]],
    made_by_sap: Callable[[bytes], bool],
    force: bool = False,
) -> RenderResult:
    """Write each file that changed, all at once; one sap did not make (as `made_by_sap` tells) is
    kept, or with `force` saved as a .backup copy first. Paths are relative to `base`, already
    checked by the caller (no links, no odd files)."""
    result = RenderResult()
    pending: list[tuple[str, Path]] = []
    try:
        for relative, data in files:
            path = base / relative
            state = _state(path, data, made_by_sap)
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
