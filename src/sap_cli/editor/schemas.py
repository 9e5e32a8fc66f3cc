"""JSON Schemas made from the models, and whether a folder's copies are out of date."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sap_cli import __version__
from sap_cli.model.folder import FILE_MODELS
from sap_cli.model.records import CheckinFile, SignatureFile
from sap_cli.partnership.modeline import FIXED_KINDS, SCHEMA_FOLDER, schema_file_name


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


_MADE_BY = re.compile(r"Made by sap (\S+) from its own models")


def outdated_schemas(folder: Path) -> str | None:
    """The sap version that made the folder's editor schemas, if not this one (None if current or absent)."""

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
