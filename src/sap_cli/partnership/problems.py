"""What a check found, placed at a file, line and column, and the report that gathers them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sap_cli.files.yaml_places import Locator
from sap_cli.files.yaml_read import LoadedFile, LoadedFolder
from sap_cli.model.base import Loc

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


# A note says what could not be checked, and why; it is neither an error nor a warning.
Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong or worth a look, placed at a file, line and column (all 1-based).

    `file` is relative to the partnership `folder` (as data should be, wherever sap runs); only
    the command line turns it into a path relative to where the user stands.
    """

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    hint: str | None = None
    source: str | None = None
    folder: Path | None = None

    @property
    def path(self) -> Path:
        """Where the file is: inside the partnership folder, or as given for a file outside it."""
        return Path(self.file) if self.folder is None else self.folder / self.file

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        folder = data.pop("folder")
        return {"partnership": None if folder is None else str(folder.resolve()), **data}


def in_folder(path: Path, folder: Path) -> str:
    """`path` relative to the partnership `folder` (with / between parts), or in full if outside it."""
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


@dataclass
class Report:
    """Everything `sap validate` found, plus the loaded partnership when it is error-free."""

    folder: Path
    problems: list[Problem] = field(default_factory=list)
    partnership: Partnership | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def notes(self) -> list[Problem]:
        """What could not be checked, and why (checks skipped because a file could not be read)."""
        return [p for p in self.problems if p.severity == "note"]


@dataclass(frozen=True)
class Finding:
    """What a domain noticed about a valid-enough partnership, before it is placed on a line.

    `file` is relative to the partnership folder; `loc` is the path of keys and list positions.
    """

    file: str
    loc: Loc
    code: str
    message: str
    hint: str
    source: str | None = None
    severity: Severity = "warning"
    at_key: bool = False


class Placer:
    """Turns a location in a loaded file into a Problem with its line and column."""

    def __init__(self, loaded: LoadedFolder) -> None:
        self.loaded = loaded
        self.problems: list[Problem] = []
        self._locators: dict[str, Locator] = {}  # one a file: a file may hold thousands of problems

    def placed(
        self,
        name: str,
        loc: Loc,
        severity: Severity,
        code: str,
        message: str,
        hint: str | None = None,
        source: str | None = None,
        at_key: bool = False,
    ) -> Problem:
        loaded = self.loaded.files.get(name)
        if loaded is None:  # a file sap does not read as YAML, such as an editor schema: its first line
            path, (line, column) = self.loaded.folder / name, (1, 1)
        else:
            path = loaded.path
            line, column = self._locator(name, loaded).position(loc, at_key) if loaded.readable else (1, 1)
        folder = self.loaded.folder
        return Problem(in_folder(path, folder), line, column, severity, code, message, hint, source, folder)

    def _locator(self, name: str, loaded: LoadedFile) -> Locator:
        locator = self._locators.get(name)
        if locator is None or locator.source is not loaded.node:
            locator = self._locators[name] = Locator(loaded.node)
        return locator

    def place(self, finding: Finding) -> Problem:
        f = finding
        return self.placed(f.file, f.loc, f.severity, f.code, f.message, f.hint, f.source, f.at_key)

    def error(self, name: str, loc: Loc, code: str, message: str, hint: str | None = None) -> None:
        self.problems.append(self.placed(name, loc, "error", code, message, hint))

    def warn(self, name: str, loc: Loc, code: str, message: str, hint: str, source: str) -> None:
        self.problems.append(self.placed(name, loc, "warning", code, message, hint, source))

    def note(self, name: str, code: str, message: str, hint: str) -> None:
        self.problems.append(self.placed(name, (), "note", code, message, hint))
