"""sap render: make or check the documents in docs/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sap_cli.calendar.events import calendar_bytes
from sap_cli.calendar.file import DEFAULT_OUTPUT, write_calendar
from sap_cli.documents.files import Document, RenderResult, check_documents, write_documents
from sap_cli.documents.pages import DOCUMENTS, render_documents
from sap_cli.files.git import keep_private_out_of_git
from sap_cli.files.paths import first_link
from sap_cli.partnership.load import load_valid
from sap_cli.review.page import render_review

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


def _reviews_kept_in_docs(folder: Path, partnership: Partnership) -> list[Document]:
    """The reviews `sap report` wrote in docs/, made afresh: kept current like the other documents."""
    kept = []
    for anonymized in (False, True):
        relative = "docs/review-anonymized.md" if anonymized else "docs/review.md"
        if first_link(folder, relative) is None and (folder / relative).is_file():
            kept.append(Document(relative, render_review(partnership, anonymized)))
    return kept


def render_project(
    folder: Path,
    which: Sequence[str] = DOCUMENTS,
    as_of: dt.date | None = None,
    check: bool = False,
    private_for: str | None = None,
    force: bool = False,
) -> RenderResult:
    """`sap render`: check the folder, render the documents, then write them or compare them."""

    partnership = load_valid(folder)
    documents = render_documents(partnership, which, as_of, private_for)
    calendar = folder / DEFAULT_OUTPUT
    # A calendar kept in docs/ (made by `sap calendar`) is one of the documents: kept current too.
    keep_calendar = private_for is None and first_link(folder, DEFAULT_OUTPUT) is None and calendar.is_file()
    if private_for is None:
        documents = [*documents, *_reviews_kept_in_docs(folder, partnership)]
    if check:
        stale = check_documents(folder, documents)
        if keep_calendar and calendar_bytes(partnership) != calendar.read_bytes():
            stale.append(("docs/calendar.ics", "the dates or names in it changed"))
        return RenderResult(stale=stale)
    # The promise that private/ stays out of git must hold even in a folder sap did not create;
    # .gitignore comes first, so a refusal (a linked .gitignore) leaves nothing written.
    gitignore_written = private_for is not None and keep_private_out_of_git(folder)
    result = write_documents(folder, documents, force=force)
    if keep_calendar:
        written = write_calendar(folder, partnership=partnership)
        (result.written if written.changed else result.unchanged).append(written.path)
    if gitignore_written:
        result.written.append(folder / ".gitignore")
    return result
