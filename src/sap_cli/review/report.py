"""sap report: the end-of-project review as a page or as data."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sap_cli.documents.files import Document, write_documents
from sap_cli.errors import SapError, UsageProblem, WillNotReplace
from sap_cli.files.atomic import create_exclusive, odd_kind, refuse_unsafe
from sap_cli.files.git import keep_private_out_of_git
from sap_cli.partnership.layout import own_file_refusal
from sap_cli.review.small_groups import check_min_group
from sap_cli.words import display_path


def check_review_options(anonymized: bool, min_group: int | None) -> None:
    """UsageProblem when --min-group is given without --anonymize, or is not a number of people."""
    check_min_group(anonymized, min_group)


@dataclass(frozen=True)
class ReviewSaved:
    path: Path
    changed: bool  # False when the file already held exactly this text
    backups: tuple[Path, ...] = ()  # the user's edited copies, saved before they were replaced


def review_destination(
    folder: Path, output: str | None, as_json: bool, anonymized: bool, include_private: bool
) -> Path | None:
    """The file `sap report -o OUTPUT` writes, or None for standard output.

    `-o -` prints; so do the figures (JSON) unless -o names a file. The Markdown goes by default to
    docs/review.md (review-anonymized.md when anonymised), or to private/ when it holds private
    reflections.
    """
    if output is not None and not output.strip():
        raise UsageProblem(
            "-o was given an empty file name", hint="Name a file, such as -o review.md, or - to print."
        )
    if output == "-" or (as_json and output is None):
        return None
    if output is not None:
        return Path(output)
    suffix = "-anonymized" if anonymized else ""
    return folder / ("private" if include_private else "docs") / f"review{suffix}.md"


def save_review(
    folder: Path,
    text: str,
    output: str | None,
    as_json: bool = False,
    anonymized: bool = False,
    include_private: bool = False,
    force: bool = False,
) -> ReviewSaved | None:
    """Write the review where `review_destination` says; None when `text` is for standard output.

    The Markdown replaces a review sap made; one edited by hand is kept (SapError) unless `force`,
    which saves it first as a .backup.md copy. The figures go only to a new file, never over a
    different one. A private review in its default place keeps private/ out of git first.
    """
    target = review_destination(folder, output, as_json, anonymized, include_private)
    if target is None:
        return None
    default = review_destination(folder, None, False, anonymized, include_private)
    assert default is not None
    own = () if as_json else (default.relative_to(folder).as_posix(),)
    if output is not None:
        _refuse_odd_output(target, as_json)
        refused = own_file_refusal(folder, target, allowed=own)
        if refused is not None:
            product = "figures of the review" if as_json else "review"
            raise WillNotReplace(display_path(target), refused[1], product, display_path(default))
    # Checked from the partnership down (a linked docs/ or private/), or from -o's own folder.
    inside = folder if Path(os.path.abspath(target)).is_relative_to(folder) else target.parent
    relative = Path(os.path.abspath(target)).relative_to(os.path.abspath(inside)).as_posix()
    refuse_unsafe(inside, [relative])
    if as_json:
        return _save_figures(target, text)
    if include_private and output is None:
        keep_private_out_of_git(folder)
    result = write_documents(inside, [Document(relative, text)], force=force)
    if result.kept:
        raise SapError(
            f"{display_path(target)} was edited by hand or not made by sap, so it was left as it is.",
            hint="Rename it to keep it, choose another file with -o, or use --force to replace it "
            "after saving yours as a .backup.md copy.",
        )
    backups = tuple(inside / backup for _, backup in result.backups)
    return ReviewSaved(target, changed=bool(result.written), backups=backups)


def _refuse_odd_output(target: Path, as_json: bool) -> None:
    """-o names a folder, a device such as /dev/null, or a pipe: say what it is, not a rule about links."""
    kind = odd_kind(target)
    if kind is None:
        return
    shown = display_path(target)
    product, example = ("figures of the review", "review.json") if as_json else ("review", "review.md")
    if kind == "a folder":
        raise SapError(
            f"-o {shown} is a folder; sap writes the {product} into a file, so nothing was written.",
            hint=f"Name a file inside it, such as -o {Path(shown) / example}, or use -o - to print it.",
        )
    raise SapError(
        f"-o {shown} is {kind}, not a file sap can write the {product} into; nothing was written.",
        hint="Choose a file name with -o, or use -o - to print it (add > FILE to send it anywhere).",
    )


def _save_figures(target: Path, text: str) -> ReviewSaved:
    """The review's figures to a new file; the same figures already there are left alone."""
    if target.exists():
        if target.is_file() and target.read_bytes() == text.encode("utf-8"):
            return ReviewSaved(target, changed=False)
        raise SapError(
            f"{display_path(target)} already exists; nothing was written.", hint="Choose a new name."
        )
    create_exclusive(target, text)
    return ReviewSaved(target, changed=True)
