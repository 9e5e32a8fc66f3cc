"""Commands that load when used: `sap --help` and each command import and build only what they need.

Typer turns every command of an app into a click command before it runs any one of them: it imports
each command's module and reads every option's annotations, about half of what `sap --help` took.
Here the root group holds a mapping that knows every command's name and one-line summary, and
builds a command (its module imported, typer's conversion run) the first time it is looked up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Entry:
    """One command of `sap --help`: its name (its module's and function's too) and its summary line.

    `summary` is the first paragraph of the function's docstring, as the help shows it; a test
    checks that they say the same, so the listing never differs from the command's own help.
    """

    name: str
    summary: str

    def callback(self) -> Callable[..., Any]:
        """The command's function: `name` in the module sap_cli.cli.commands.<name>."""
        module = importlib.import_module(f"sap_cli.cli.commands.{self.name}")
        found: Callable[..., Any] = getattr(module, self.name)
        return found


class LazyCommands(MutableMapping[str, Any]):
    """A group's commands by name, in listing order; each built from its Entry on first use."""

    def __init__(self, built: MutableMapping[str, Any], entries: dict[str, Entry], build: Callable[..., Any]):
        self._built = dict(built)
        self._entries = entries
        self._build = build
        self._order = [*entries, *(name for name in self._built if name not in entries)]

    def is_built(self, name: str) -> bool:
        return name in self._built

    def summary(self, name: str) -> str | None:
        entry = self._entries.get(name)
        return entry.summary if entry is not None else None

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            entry = self._entries.get(name)
            if entry is None:
                raise KeyError(name)
            self._built[name] = self._build(entry)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command
        if name not in self._order:
            self._order.append(name)

    def __delitem__(self, name: str) -> None:
        if name not in self._order:
            raise KeyError(name)
        self._order.remove(name)
        self._built.pop(name, None)
        self._entries = {key: entry for key, entry in self._entries.items() if key != name}

    def __contains__(self, name: object) -> bool:
        return name in self._order

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)
