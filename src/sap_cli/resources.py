"""Locate the built-in templates, inside the installed wheel or beside the source checkout."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def templates_root() -> Traversable:
    """`templates/` as shipped in the wheel; in a source checkout, the top-level folder."""
    packaged = files("sap_cli") / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def kinds_folder() -> Traversable:
    return templates_root() / "kinds"
