"""Locate the built-in templates: package data inside sap_cli, wherever it is installed."""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importlib.resources.abc is new in Python 3.11
    from importlib.resources.abc import Traversable


def templates_root() -> Traversable:
    """`sap_cli/templates/`: in the wheel as installed, and src/sap_cli/templates/ in a checkout."""
    return files("sap_cli") / "templates"


def kinds_folder() -> Traversable:
    return templates_root() / "kinds"
