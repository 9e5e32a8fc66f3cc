"""Locate the built-in templates: package data inside sap_cli, wherever it is installed."""

from __future__ import annotations

import copy
import functools
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importlib.resources.abc is new in Python 3.11
    from importlib.resources.abc import Traversable


def templates_root() -> Traversable:
    """`sap_cli/templates/`: in the wheel as installed, and src/sap_cli/templates/ in a checkout."""
    return files("sap_cli") / "templates"


def kinds_folder() -> Traversable:
    return templates_root() / "kinds"


@functools.cache
def _parsed(relative: str) -> Any:
    from ruamel.yaml import YAML  # only commands that read bundled data pay for the import

    return YAML(typ="safe").load((templates_root() / relative).read_text(encoding="utf-8"))


def bundled_yaml(relative: str) -> Any:
    """A YAML file that ships with sap (e.g. "prompts/worksheets.yaml"), read once per run.

    Each caller gets its own copy, so changing what it got cannot change what the next one reads.
    """
    return copy.deepcopy(_parsed(relative))


def worksheet_prompts() -> dict[str, Any]:
    """The reflection prompts, by phase, theme and kind of partner."""
    data: dict[str, Any] = bundled_yaml("prompts/worksheets.yaml")
    return data
