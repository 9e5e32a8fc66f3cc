"""JSON Schemas for editors, made from the models, and the comment line that points a YAML file at one."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sap_cli.errors import SapError, UsageProblem

SCHEMA_FOLDER = Path(".sap") / "schema"
MODELINE_PREFIX = "# yaml-language-server: $schema="
_MODELINE = re.compile(r"^\ufeff?#\s*yaml-language-server:\s*\$schema=", re.MULTILINE)
# Which schema each file of a partnership follows: the five fixed files, then one per folder.
FIXED_KINDS = {
    "project.yaml": "project",
    "roles.yaml": "roles",
    "goals.yaml": "goals",
    "timeline.yaml": "timeline",
    "matrix.yaml": "matrix",
}
FOLDER_KINDS = {"checkins": "checkin", "signatures": "signature"}


def _models() -> dict[str, Any]:
    from sap_cli.model import FILE_MODELS, CheckinFile, SignatureFile

    by_kind: dict[str, Any] = {kind: FILE_MODELS[name] for name, kind in FIXED_KINDS.items()}
    by_kind["checkin"] = CheckinFile
    by_kind["signature"] = SignatureFile
    return by_kind


def schema_file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def json_schemas() -> dict[str, str]:
    """File name -> the JSON Schema text for each kind of file, derived from its pydantic model."""
    from sap_cli import __version__

    texts = {}
    for kind, model in _models().items():
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **model.model_json_schema(),
            "$comment": f"Made by sap {__version__} from its own models; `sap schema` writes it again.",
        }
        texts[schema_file_name(kind)] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return texts


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


@dataclass
class EditorSetup:
    """What `sap schema` wrote: the schema files, and the YAML files that now point at them."""

    schema_folder: Path
    schemas: list[Path] = field(default_factory=list)
    marked: list[Path] = field(default_factory=list)


def write_schemas(output: Path) -> list[Path]:
    """Write every schema into `output` (made if missing), each file replaced atomically."""
    from sap_cli.store import atomic_write, display_path

    if str(output) == "-":
        raise UsageProblem(
            "--output needs a folder: sap schema writes seven files, one per kind of file",
            hint="Give a folder name, such as: sap schema --output schemas",
        )
    if output.exists() and not output.is_dir():
        raise SapError(
            f"{display_path(output)} is a file, so sap cannot put the schemas in it.",
            hint="Give a folder with --output.",
        )
    written = []
    for name, text in json_schemas().items():
        path = output / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            atomic_write(path, text)
        written.append(path)
    return written


def partnership_yaml_files(folder: Path) -> list[Path]:
    """Every file of the partnership that has a schema, in a stable order."""
    found = [folder / name for name in FIXED_KINDS if (folder / name).is_file()]
    for sub in FOLDER_KINDS:
        found += sorted(p for p in (folder / sub).glob("*.yaml") if p.is_file() and not p.is_symlink())
    return found


def _require_current_format(folder: Path) -> None:
    """Schemas describe this sap's format; pointing an older or newer folder at them would mislead."""
    from sap_cli.checks import UPDATE_SAP
    from sap_cli.model import SCHEMA_VERSION, format_state
    from sap_cli.store import load_file

    state, found = format_state(load_file(folder / "project.yaml").data)
    if state == "older":
        raise SapError(
            f"this partnership uses file format {found}, from an older sap, and the schemas describe "
            f"format {SCHEMA_VERSION}; nothing was changed.",
            hint="Run `sap upgrade` first, then `sap schema`.",
        )
    if state == "newer":
        raise SapError(
            f"this partnership uses file format {found}, newer than this sap ({SCHEMA_VERSION}); "
            "nothing was changed.",
            hint=UPDATE_SAP + " Then run `sap schema`.",
        )


def set_up_editor_support(folder: Path) -> EditorSetup:
    """Put the schemas in the partnership's .sap/schema/ and point each YAML file at its schema.

    Only a first comment line is added to a file that lacks one; every other byte stays as it was.
    """
    from sap_cli.store import atomic_write

    _require_current_format(folder)
    setup = EditorSetup(folder / SCHEMA_FOLDER)
    setup.schemas = write_schemas(setup.schema_folder)
    for path in partnership_yaml_files(folder):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue  # sap validate reports it; the comment can wait until the file is readable
        if has_modeline(text):
            continue
        atomic_write(path, with_modeline(text, path.relative_to(folder)).encode("utf-8"))
        setup.marked.append(path)
    return setup


_MADE_BY = re.compile(r"Made by sap (\S+) from its own models")


def outdated_schemas(folder: Path) -> str | None:
    """The sap version that made the folder's editor schemas, if not this one (None if current or absent)."""
    from sap_cli import __version__

    path = folder / SCHEMA_FOLDER / schema_file_name("project")
    if not path.is_file():
        return None
    try:
        found = _MADE_BY.search(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    if found is None or found.group(1) == __version__:
        return None
    return found.group(1)
