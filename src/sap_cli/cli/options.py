"""Shared option types and parsing: the folder argument, closed choices, dates, ID=VALUE pairs, completion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from sap_cli.dates import parse_day

PartnershipFolder = Annotated[
    Path | None,
    typer.Argument(
        metavar="FOLDER", help="The partnership folder (default: the one you are in).", show_default=False
    ),
]

PartnershipFolders = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="FOLDER",
        help="The partnership folder (default: the one you are in); with --all, the folders to search.",
        show_default=False,
    ),
]
AllBelow = Annotated[
    bool,
    typer.Option(
        "--all",
        help="Every partnership found below the folders given (default: below this one), each under "
        "a heading; as JSON, one list with an entry per partnership.",
    ),
]


# ---------------------------------------------------------------- closed sets
# typer shows an Enum's values in the help (`--format <text|json|github>`), completes them on
# Tab, and refuses any other value as a usage error, which the boundary prints in sap's style.


class ProblemFormat(str, Enum):
    """`sap validate --format`."""

    text = "text"
    json = "json"
    github = "github"


class ListFormat(str, Enum):
    """`--format` of the commands that print for people or for tools (actions, status)."""

    text = "text"
    json = "json"


class ReportFormat(str, Enum):
    """`sap report --format`."""

    markdown = "markdown"
    json = "json"


class Cadence(str, Enum):
    """How often partners meet (`sap init --cadence`)."""

    weekly = "weekly"
    fortnightly = "fortnightly"
    monthly = "monthly"


CADENCES = tuple(cadence.value for cadence in Cadence)


# ---------------------------------------------------------------- values


def folder_or_here(folder: Path | None) -> Path:
    """The folder argument, or the folder the user is in."""
    return folder if folder is not None else Path.cwd()


def parse_date(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD option, or a usage error naming the option and saying what is wrong."""
    if value is None or value == "":
        return None
    try:
        return parse_day(value)
    except ValueError as exc:
        raise typer.BadParameter(f"'{value}' {exc}", param_hint=option) from None


def today_or(value: str | None) -> dt.date:
    """A --date option, by default today."""
    return parse_date(value, "--date") or dt.date.today()


class OutOfRange(ValueError):
    """A value of the right shape but outside what the option takes; the message says which and why."""


def pairs(values: Sequence[str], option: str, convert: Callable[[str], Any] = str) -> dict[str, Any]:
    """'ID=VALUE' flags into a mapping, with a usage error naming the flag when one is malformed."""
    found: dict[str, Any] = {}
    for value in values:
        key, sep, raw = value.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError
            found[key.strip()] = convert(raw.strip())
        except OutOfRange as exc:
            raise typer.BadParameter(f"'{value}': {exc}", param_hint=option) from None
        except ValueError:
            raise typer.BadParameter(f"'{value}' should look like ID=VALUE", param_hint=option) from None
    return found


def parse_pulse(raw: str) -> dict[str, int]:
    """A --pulse value, HEARD or HEARD/WORKLOAD, each 1 to 5; ValueError otherwise (OutOfRange for 0 or 6)."""
    heard, _, workload = raw.partition("/")
    scores = {"heard": int(heard), "workload": int(workload)} if workload else {"heard": int(heard)}
    for name, score in scores.items():
        if not 1 <= score <= 5:
            side = "above 5" if score > 5 else "below 1"
            raise OutOfRange(
                f"the {name} score {score} is {side}; each score is 1 to 5, written HEARD or HEARD/WORKLOAD, "
                "e.g. ID=4/3"
            )
    return scores


def partner_ids_in(folder: Path | None) -> list[str]:
    """The partner ids of the partnership at or above `folder`, for a hint; [] when it cannot be read."""
    from sap_cli.errors import SapError
    from sap_cli.partnership.layout import find_project
    from sap_cli.partnership.load import load_valid

    try:
        return [partner.id for partner in load_valid(find_project(folder_or_here(folder))).roles.partners]
    except SapError:
        return []


def names(answer: str) -> list[str]:
    """Names from a comma-separated answer or flag."""
    return [part.strip() for part in answer.split(",") if part.strip()]


# ---------------------------------------------------------------- tab completion
# Offered after `sap --install-completion`; each reads the domain only when Tab is pressed.


def completes(*values: str) -> Any:
    """Tab completion offering `values` that start as typed."""

    def complete(incomplete: str) -> list[str]:
        return [value for value in values if value.startswith(incomplete)]

    return complete


def complete_template(incomplete: str) -> list[str]:
    from sap_cli.scaffold import list_templates

    return [info.name for info in list_templates() if info.name.startswith(incomplete)]


def complete_document(incomplete: str) -> list[str]:
    from sap_cli.documents.pages import DOCUMENTS

    return [name for name in DOCUMENTS if name.startswith(incomplete)]


def complete_folder_or_document(incomplete: str) -> list[str]:
    """Inside a partnership, `sap render ag<Tab>` means a document; elsewhere the shell offers folders."""
    if not Path("project.yaml").is_file():
        return []  # nothing offered: the shell falls back to file and folder names
    return complete_document(incomplete)


def complete_topic(incomplete: str) -> list[str]:
    from sap_cli.explain import topic_names

    return [name for name, _ in topic_names() if name.startswith(incomplete)]
