"""The first line of each YAML file that names its JSON Schema, for editors."""

from __future__ import annotations

import re
from pathlib import Path

from sap_cli.partnership.layout import PARTNERSHIP_FILES

SCHEMA_FOLDER = Path(".sap") / "schema"


MODELINE_PREFIX = "# yaml-language-server: $schema="


_MODELINE = re.compile(r"^\ufeff?#\s*yaml-language-server:\s*\$schema=", re.MULTILINE)


# Which schema each file of a partnership follows: the five fixed files, then one per folder.
FIXED_KINDS = {name: name.removesuffix(".yaml") for name in PARTNERSHIP_FILES}  # project.yaml -> project


FOLDER_KINDS = {"checkins": "checkin", "signatures": "signature"}


def schema_file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def kind_of(relative: Path) -> str | None:
    """The kind of a partnership file from its place in the folder, or None for other files."""
    parts = relative.parts
    if len(parts) == 1:
        return FIXED_KINDS.get(parts[0])
    if len(parts) == 2 and parts[1].endswith(".yaml"):
        return FOLDER_KINDS.get(parts[0])
    return None


def modeline(relative: Path) -> str:
    """The comment that tells an editor's YAML support which schema `relative` follows."""
    kind = kind_of(relative)
    if kind is None:
        raise ValueError(f"{relative} is not a partnership file")
    up = "../" * (len(relative.parts) - 1)  # editors read the path from the file's own folder
    return f"{MODELINE_PREFIX}{up}{SCHEMA_FOLDER.as_posix()}/{schema_file_name(kind)}"


def has_modeline(text: str) -> bool:
    return _MODELINE.search(text) is not None


def with_modeline(text: str, relative: Path) -> str:
    """`text` with the schema comment as its first line, keeping a byte-order mark and line ends."""
    if has_modeline(text):
        return text
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    return f"{bom}{modeline(relative)}{newline}{text[len(bom) :]}"


def for_new_file(folder: Path, relative: Path, text: str) -> str:
    """A file sap is about to create, with the schema comment when the folder has the schemas."""
    kind = kind_of(relative)
    if kind is None or not (folder / SCHEMA_FOLDER / schema_file_name(kind)).is_file():
        return text
    return with_modeline(text, relative)


def partnership_yaml_files(folder: Path) -> list[Path]:
    """Every file of the partnership that has a schema, in a stable order."""
    found = [folder / name for name in FIXED_KINDS if (folder / name).is_file()]
    for sub in FOLDER_KINDS:
        if (folder / sub).is_symlink():
            continue  # sap reads no folder of records through a link (the callers say so)
        found += sorted(p for p in (folder / sub).glob("*.yaml") if p.is_file() and not p.is_symlink())
    return found
