"""The text of a partner's first signatures file, the same whether sap sign or sap upgrade makes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sap_cli.model.commented import commented_yaml
from sap_cli.model.records import SignatureFile
from sap_cli.partnership.modeline import for_new_file

SIGNATURE_HEADING = (
    "{name}'s agreement to this partnership, recorded by `sap sign`. Each entry is one signature:",
    "the date, the agreement_version and a fingerprint of what the agreement said that day, so sap",
    "can tell when the agreement changes afterwards. sap only ever adds entries at the end.",
)


def new_signature_file(
    folder: Path, relative: Path, partner_id: str, name: str, entry: dict[str, Any]
) -> str:
    """signatures/<id>.yaml holding one signature, headed by what the file is for."""
    heading = [line.format(name=name) for line in SIGNATURE_HEADING]
    text = commented_yaml(
        SignatureFile, {"partner": partner_id, "signatures": [entry]}, heading, explain=False
    )
    return for_new_file(folder, relative, text)
