"""New YAML files written with a comment from the schema above each field, so partners know what to write."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from sap_cli.files.yaml_text import flow, scalar
from sap_cli.model.base import model_at

if TYPE_CHECKING:
    from pydantic import BaseModel


WIDTH = 88


def _comment(lines: list[str], indent: int, text: str) -> None:
    lines.extend(comment_lines(text, indent))


def comment_lines(text: str, indent: int) -> list[str]:
    """`text` as # comment lines at `indent`, wrapped as every note in a new file is."""
    pad = " " * indent
    return [f"{pad}# {line}" for line in textwrap.wrap(text, WIDTH - indent - 2)]


def _help_for(owner: type[BaseModel], key: str, value: object) -> str | None:
    info = owner.model_fields[key]
    text = info.description or ""
    if info.examples and value is None:
        text += f" For example: {flow(info.examples[0])}"
    return text or None


def _example_entry(owner: type[BaseModel]) -> dict[str, Any]:
    """One made-up entry for an empty list, from the examples in the schema."""
    entry: dict[str, Any] = {}
    for name, info in owner.model_fields.items():
        if info.examples:
            entry[name] = info.examples[0]
    return entry


def _empty_example(owner: type[BaseModel] | None, key: str, indent: int) -> list[str]:
    """Comment lines showing how to fill an empty list or mapping field, from the schema's examples."""
    if owner is None or key not in owner.model_fields:
        return []
    pad = " " * indent
    item_owner = model_at(owner, (key, 0))
    if item_owner is not None:
        entry = _example_entry(item_owner)
        if not entry:
            return []
        lines = [f"{pad}# For example (remove the # signs to use it):"]
        for position, (name, value) in enumerate(entry.items()):
            lead = "- " if position == 0 else "  "
            lines.append(f"{pad}# {lead}{name}: {flow(value)}")
        return lines
    examples = owner.model_fields[key].examples
    if not examples:
        return []
    lines = []
    _comment(lines, indent, f"For example: {flow(examples[0])}")
    return lines


def _mapping(
    lines: list[str],
    owner: type[BaseModel] | None,
    data: dict[str, Any],
    indent: int,
    explain: bool,
    first_prefix: str | None = None,
) -> None:
    pad = " " * indent
    for position, (key, value) in enumerate(data.items()):
        prefix = first_prefix if (position == 0 and first_prefix is not None) else pad
        if indent == 0 and position > 0 and explain:
            lines.append("")
        if explain and owner is not None and key in owner.model_fields:
            help_text = _help_for(owner, key, value)
            if help_text and not (position == 0 and first_prefix is not None):
                _comment(lines, indent, help_text)
        child_owner = model_at(owner, (key,)) if owner is not None else None
        if isinstance(value, (dict, list)) and not value:
            # An empty field is shown bare with a commented example beneath, when the schema has one.
            example = _empty_example(owner, key, indent + 2) if explain else []
            lines.append(
                f"{prefix}{key}:"
                if example
                else f"{prefix}{key}: {'{}' if isinstance(value, dict) else '[]'}"
            )
            lines.extend(example)
        elif isinstance(value, dict):
            lines.append(f"{prefix}{key}:")
            _mapping(lines, child_owner, value, indent + 2, explain)
        elif isinstance(value, list):
            lines.append(f"{prefix}{key}:")
            item_owner = model_at(owner, (key, 0)) if owner is not None else None
            _sequence(lines, item_owner, value, indent + 2, explain)
        else:
            lines.append(f"{prefix}{key}: {scalar(value)}".rstrip())


def _sequence(
    lines: list[str], owner: type[BaseModel] | None, items: list[Any], indent: int, explain: bool
) -> None:
    pad = " " * indent
    for position, item in enumerate(items):
        if isinstance(item, dict) and item:
            if explain and position == 0 and owner is not None:
                first_key = next(iter(item))
                help_text = _help_for(owner, first_key, item[first_key])
                if help_text:
                    _comment(lines, indent, help_text)
            # Only the first item is explained; the rest would repeat it.
            _mapping(lines, owner, item, indent + 2, explain and position == 0, first_prefix=f"{pad}- ")
        else:
            lines.append(f"{pad}- {scalar(item)}".rstrip())


def commented_yaml(
    model: type[BaseModel], data: dict[str, Any], heading: list[str], explain: bool = True
) -> str:
    """YAML for `data` (shaped like `model`), each field preceded by its schema description if `explain`."""
    lines = [f"# {line}" if line else "#" for line in heading]
    lines.append("")
    _mapping(lines, model, data, 0, explain=explain)
    return "\n".join(lines) + "\n"
