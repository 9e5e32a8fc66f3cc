"""The failures sap expects, each a SapError subclass carrying what its message needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class SapError(Exception):
    """A failure the user can act on; the CLI prints it without a traceback and exits 1."""

    hint: str | None = None

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint


class UsageProblem(SapError):
    """The command line itself is incomplete or contradictory (exit 2)."""


class ProjectNotFound(SapError):
    def __init__(self, start: Path, below: bool = False) -> None:
        where = "or any folder below it" if below else "or any folder above it"
        super().__init__(
            f"No partnership found in {start} {where} (no project.yaml).",
            hint="Run the command inside a partnership folder, give its path, or start one with `sap init`.",
        )
        self.start = start


class ProjectFileNotReadable(SapError):
    """project.yaml is there but is a folder, a pipe or a device: a partnership sap cannot read."""

    def __init__(self, path: Path, kind: str) -> None:
        fix = "move what is inside it elsewhere and make it" if kind == "a folder" else "replace it with"
        super().__init__(
            f"{path} is {kind}, not an ordinary file, so sap cannot read this partnership; "
            "nothing was changed.",
            hint=f"To use the folder, {fix} a plain project.yaml file, then run the command again.",
        )
        self.path = path


class FolderNotFound(SapError):
    def __init__(self, folder: Path) -> None:
        super().__init__(
            f"There is no folder called {folder}.",
            hint="Check the spelling, or leave the folder out to use the one you are in.",
        )
        self.folder = folder


class ProjectExists(SapError):
    def __init__(self, folder: Path, clashes: list[str]) -> None:
        names = ", ".join(clashes)
        super().__init__(
            f"{folder} already holds a partnership ({names}); nothing was changed.",
            hint="Choose a new folder name, or work on this one with `sap validate`.",
        )
        self.folder = folder
        self.clashes = clashes


class InsidePartnership(SapError):
    """`sap init` was asked for a folder inside another partnership."""

    def __init__(self, folder: Path, around: Path, title: str | None) -> None:
        named = f"the partnership '{title}' in {around}" if title else f"the partnership in {around}"
        super().__init__(
            f"{folder} is inside {named}, so sap will not start a second partnership in it; "
            "nothing was created.",
            hint=f"Start the new one outside it: `cd {around.parent}` first, or give a folder such as "
            f"{around.parent / 'new-partnership'}. To work on this one, use `sap status` or `sap validate`.",
        )
        self.folder = folder
        self.around = around


class UnknownName(SapError):
    """A name the user gave matches nothing sap knows; suggests the closest and lists them all."""

    def __init__(self, there_is_no: str, name: str, known: list[str], suggestion: str | None) -> None:
        guess = f" Did you mean '{suggestion}'?" if suggestion else ""
        super().__init__(
            f"There is no {there_is_no} '{name}'.{guess}", hint=f"Choose one of: {', '.join(known)}"
        )
        self.name = name


class UnknownTemplate(UnknownName, UsageProblem):
    def __init__(self, name: str, known: list[str], suggestion: str | None) -> None:
        super().__init__("partnership template called", name, known, suggestion)


class UnknownTopic(UnknownName, UsageProblem):
    """`sap explain` was asked about a topic it has no text for."""

    def __init__(self, name: str, known: list[str], suggestion: str | None) -> None:
        super().__init__("topic called", name, known, suggestion)


def _either(labels: list[str], word: str) -> str:
    """'A', 'A or B', 'A, B or C' ('and' for a list of all of them)."""
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} {word} {labels[-1]}"


class UnknownPartner(UnknownName):
    """No partner has this id, name, first name or surname; `known` and `suggestion` read 'Name (id)'."""

    def __init__(self, word: str, known: list[str], suggestion: str | None) -> None:
        guess = f" Did you mean {suggestion}?" if suggestion else ""
        SapError.__init__(
            self,
            f"There is no partner called '{word}'.{guess} Nothing was changed.",
            hint=f"The partners are {_either(known, 'and')}; give a name, a first name, a surname or an id."
            if known
            else "roles.yaml lists no partners yet: add each one under partners:, with an id and a name.",
        )
        self.name = word


class AmbiguousPartner(SapError):
    """A first name or surname that more than one partner has; `matches` read 'Name (id)'."""

    def __init__(self, word: str, matches: list[str], example: tuple[str, str]) -> None:
        super().__init__(
            f"'{word}' could be {_either(matches, 'or')}, so sap did not guess; nothing was changed.",
            hint=f"Use the full name or the id, e.g. '{example[0]}' or {example[1]}.",
        )
        self.name = word
        self.matches = matches


class TemplateFailed(SapError):
    """A document template could not be rendered; names the template, its line and what went wrong."""

    def __init__(self, template: str, line: int | None, problem: str, hint: str) -> None:
        where = f"{template}:{line}" if line else template
        super().__init__(f"{where}: {problem}", hint=hint)
        self.template = template
        self.line = line


class InvalidProject(SapError):
    """The folder has errors; the validation report travels with the exception to be shown."""

    def __init__(self, folder: Path, report: Any) -> None:
        count = len(report.errors)
        super().__init__(
            f"{folder} has {count} error{'' if count == 1 else 's'} to fix first, so sap stopped there.",
            hint="Fix the problems listed above, then run the command again.",
        )
        self.folder = folder
        self.report = report


class GitFailed(SapError):
    """git refused or failed; `then` says what sap did about it (what it took back, what is left)."""

    def __init__(self, action: str, output: str, hint: str | None = None, then: str | None = None) -> None:
        detail = output.strip().splitlines()[-1] if output.strip() else "no output"
        super().__init__(f"git could not {action}: {detail}" + (f"; {then}" if then else ""), hint=hint)
        self.action = action
        self.output = output


class WillNotWriteHere(SapError):
    """A path sap was to write passes through a link, or meets a file where a folder should be."""

    def __init__(self, reasons: list[str], hint: str) -> None:
        super().__init__(
            "sap will not write here: " + "; ".join(reasons) + ". Nothing was written.", hint=hint
        )
        self.reasons = reasons


class WillNotReplace(SapError):
    """`-o` named one of a partnership's own files, or a document sap makes; --force does not help."""

    def __init__(self, shown: str, what: str, product: str, default: str) -> None:
        super().__init__(
            f"{shown} is {what}, so sap will not write the {product} there, even with --force; "
            "nothing was written.",
            hint=f"Leave out -o to write {default}, or give a file name of your own, such as -o "
            f"my-{product.split()[-1]}{Path(default).suffix}, outside the partnership's own files.",
        )
        self.shown = shown


class CannotEdit(SapError):
    """A file sap must change reads as data but not in the form that keeps its comments."""

    def __init__(self, shown: str, reason: str) -> None:
        super().__init__(
            f"sap cannot change {shown} without losing what it holds ({reason}); nothing was changed.",
            hint="Run `sap validate` to see where the file is unusual, write that part plainly, then run "
            "the command again.",
        )
        self.reason = reason
