"""Documents on disk: the marker sap leaves, hand edits detected, backups, and safe writing."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sap_cli.errors import SapError
from sap_cli.files.atomic import create_exclusive, refuse_unsafe, write_temp_beside

if TYPE_CHECKING:
    pass


MARKER = "<!-- Made by `sap render` from the partnership files: edit those, not this page. sap:{digest} -->"
# The same mark on the pages `sap export` makes (which also reads the older pages' `sap render` mark).
EXPORT_MARKER = (
    "<!-- Made by `sap export` from the partnership files: edit those, not this page, then run "
    "`sap export` again to make it anew. sap:{digest} -->"
)


# The programme review, made from many partnerships by `sap programme --report`.
PROGRAMME_MARKER = (
    "<!-- Made by `sap programme --report` from the partnerships' files: edit those, not this page, "
    "then run it again to make it anew. sap:{digest} -->"
)


_MARKER_RE = re.compile(
    r"\n?<!-- Made by `sap (?:render|export|programme --report)`.* sap:(?P<digest>[0-9a-f]{16}) -->\n?\Z"
)


@dataclass(frozen=True)
class Document:
    """One rendered file, its path relative to the partnership folder."""

    path: str
    text: str


@dataclass
class RenderResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited by hand, so left alone
    backups: list[tuple[str, str]] = field(default_factory=list)  # --force: edited file, where it was saved
    removed: list[str] = field(default_factory=list)  # worksheets no longer needed
    stale: list[tuple[str, str]] = field(default_factory=list)  # --check: path and why


def _made_by_sap_untouched(text: str) -> bool:
    match = _MARKER_RE.search(text)
    if match is None:
        return False
    body = text[: match.start()]
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16] == match["digest"]


def _state(folder: Path, doc: Document) -> str:
    """missing, current, outdated (made by sap, untouched) or edited (by hand, or not made by sap)."""
    path = folder / doc.path
    if not path.exists():
        return "missing"
    try:
        current = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return "edited"
    except OSError as exc:
        raise SapError(f"sap cannot read {doc.path}: {exc.strerror}.") from exc
    if current == doc.text:
        return "current"
    return "outdated" if _made_by_sap_untouched(current) else "edited"


def _refuse_unsafe(folder: Path, paths: Sequence[str]) -> None:
    refuse_unsafe(
        folder,
        paths,
        "Replace the link or the odd file with a plain folder or file, then run `sap render` again.",
    )


def _obsolete_worksheets(folder: Path, documents: Sequence[Document]) -> list[str]:
    """Shared worksheets sap made earlier that are no longer produced (say, a kind of partner left)."""
    produced = {doc.path for doc in documents}
    if not any(path.startswith("docs/worksheets/") for path in produced):
        return []
    folder_path = folder / "docs" / "worksheets"
    if not folder_path.is_dir() or folder_path.is_symlink():
        return []
    obsolete = []
    for path in sorted(folder_path.glob("*.md")):
        relative = f"docs/worksheets/{path.name}"
        if relative in produced or path.is_symlink() or not path.is_file():
            continue
        try:
            untouched = _made_by_sap_untouched(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            untouched = False
        if untouched:
            obsolete.append(relative)
    return obsolete


def check_documents(folder: Path, documents: Sequence[Document]) -> list[tuple[str, str]]:
    """(path, reason) for every file that does not match a fresh render; nothing is written."""
    _refuse_unsafe(folder, [doc.path for doc in documents])
    reasons = {"missing": "missing", "outdated": "out of date", "edited": "edited by hand"}
    stale = [(doc.path, reasons[state]) for doc in documents if (state := _state(folder, doc)) != "current"]
    stale += [(path, "no longer needed") for path in _obsolete_worksheets(folder, documents)]
    return stale


def write_documents(folder: Path, documents: Sequence[Document], force: bool = False) -> RenderResult:
    """Write every file that changed, all at once.

    A file edited by hand is kept exactly as it is, or with `force` first copied to a backup
    beside it (agreement.backup.md) and then replaced.
    """

    _refuse_unsafe(folder, [doc.path for doc in documents])
    result = RenderResult()
    pending: list[tuple[str, Path]] = []
    try:
        for doc in documents:
            state = _state(folder, doc)
            path = folder / doc.path
            if state == "current":
                result.unchanged.append(path)
            elif state == "edited" and not force:
                result.kept.append(doc.path)
            else:
                if state == "edited":
                    result.backups.append((doc.path, _back_up(folder, doc.path)))
                pending.append((write_temp_beside(path, doc.text), path))
    except BaseException:
        for tmp_name, _ in pending:
            os.unlink(tmp_name)
        raise  # an OSError names its own path; the command line says it in words
    # Every new file is complete on disk before the first one replaces an old one.
    for tmp_name, path in pending:
        os.replace(tmp_name, path)
        result.written.append(path)
    for relative in _obsolete_worksheets(folder, documents):
        (folder / relative).unlink()
        result.removed.append(relative)
    return result


def _back_up(folder: Path, relative: str) -> str:
    """Copy a hand-edited file to the first free name like agreement.backup.md; never over another file."""

    original = Path(relative)
    data = (folder / original).read_bytes()
    for n in range(1, 1000):
        name = f"{original.stem}.backup{'' if n == 1 else f'-{n}'}{original.suffix}"
        try:
            create_exclusive(folder / original.parent / name, data)
        except FileExistsError:
            continue
        return str(original.parent / name)
    raise SapError(f"sap found no free name for a backup of {relative}; nothing was replaced.")


def finish_page(text: str, marker: str = MARKER) -> str:
    """Normalise blank lines and add the marker that tells a later run the file is untouched."""
    body = re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n"
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
    return body + "\n" + marker.format(digest=digest) + "\n"
