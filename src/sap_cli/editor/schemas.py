"""JSON Schemas made from the models, and whether a folder's copies are out of date."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli import __version__
from sap_cli.errors import SapError, UsageProblem
from sap_cli.files.atomic import atomic_write, refuse_unsafe
from sap_cli.files.paths import read_refusal
from sap_cli.model.folder import FILE_MODELS
from sap_cli.model.programme import ProgrammeFile
from sap_cli.model.records import CheckinFile, SignatureFile
from sap_cli.partnership.modeline import FIXED_KINDS, SCHEMA_FOLDER, schema_file_name
from sap_cli.partnership.problems import Finding
from sap_cli.words import display_path

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


def _models() -> dict[str, Any]:

    by_kind: dict[str, Any] = {kind: FILE_MODELS[name] for name, kind in FIXED_KINDS.items()}
    by_kind["checkin"] = CheckinFile
    by_kind["signature"] = SignatureFile
    return by_kind


def json_schemas() -> dict[str, str]:
    """File name -> the JSON Schema text for each kind of file, derived from its pydantic model."""

    texts = {}
    for kind, model in _models().items():
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **model.model_json_schema(),
            "$comment": f"Made by sap {__version__} from its own models; `sap schema` writes it again.",
        }
        texts[schema_file_name(kind)] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return texts


def programme_json_schema() -> str:
    """The JSON Schema of programme.yaml (kept at a programme's top, not in each partnership)."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **ProgrammeFile.model_json_schema(),
        "$comment": f"Made by sap {__version__} from its own models.",
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


PROGRAMME_SCHEMA = SCHEMA_FOLDER / schema_file_name("programme")
PROGRAMME_MODELINE = f"# yaml-language-server: $schema={PROGRAMME_SCHEMA.as_posix()}"


def write_programme_schema(folder: Path) -> Path:
    """Write programme.yaml's schema in `folder`/.sap/schema/ (the programme's top); its path.

    A linked .sap/ or schema file is refused before anything is written; a copy already up to date
    is left alone.
    """
    if not folder.is_dir():
        raise SapError(
            f"{display_path(folder)} is not a folder, so sap cannot put programme.yaml's schema in it.",
            hint="Give the programme's folder, the one that holds (or will hold) programme.yaml.",
        )
    refuse_unsafe(folder, [PROGRAMME_SCHEMA.as_posix()])
    path = folder / PROGRAMME_SCHEMA
    text = programme_json_schema()
    if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
        atomic_write(path, text)
    return path


_MADE_BY = re.compile(r"Made by sap (\S+) from its own models")


def outdated_schemas(folder: Path) -> str | None:
    """The sap version that made the folder's editor schemas, if not this one (None if current or absent)."""

    relative = SCHEMA_FOLDER / schema_file_name("project")
    path = folder / relative
    if read_refusal(folder, relative) is not None or not path.is_file():
        return None
    try:
        found = _MADE_BY.search(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    if found is None or found.group(1) == __version__:
        return None
    return found.group(1)


def findings(partnership: Partnership) -> list[Finding]:
    """After sap itself is updated, the editor schemas in .sap/schema/ may describe an older sap."""
    made_by = outdated_schemas(partnership.folder)
    if made_by is None:
        return []
    return [
        Finding(
            (SCHEMA_FOLDER / schema_file_name("project")).as_posix(),
            (),
            "editor-schemas-outdated",
            f"the editor schemas in {SCHEMA_FOLDER.as_posix()}/ were made by sap {made_by}; this is "
            f"sap {__version__}",
            "Run `sap schema` so your editor knows the fields this sap reads.",
        )
    ]


def schema_paths() -> list[str]:
    """The schema files of a partnership, relative to its folder."""
    return [(SCHEMA_FOLDER / name).as_posix() for name in json_schemas()]


def write_schemas(output: Path, inside: Path | None = None) -> list[Path]:
    """Write every schema into `output` (made if missing), each file replaced atomically.

    With `inside` (the partnership `output` belongs to), every path is first checked from that
    folder down: a linked .sap/ or .sap/schema/, or a linked schema file, is refused before
    anything is written.
    """

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
    texts = json_schemas()
    if inside is not None:
        refuse_unsafe(inside, [(output / name).relative_to(inside).as_posix() for name in texts])
    written = []
    for name, text in texts.items():
        path = output / name
        # Bytes, not text: a damaged copy (not UTF-8) is simply replaced, never a crash.
        if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
            atomic_write(path, text)
        written.append(path)
    return written
