"""The end-of-project review as a page: its figures and its Markdown, made once for every command."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sap_cli.documents.pages import render_page
from sap_cli.resources import worksheet_prompts
from sap_cli.review.anonymize import ReplacementTally, anonymize_and_count, replacements
from sap_cli.review.figures import build_review
from sap_cli.review.small_groups import DEFAULT_MIN_GROUP

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


def render_review(partnership: Partnership, anonymized: bool = False, as_of: dt.date | None = None) -> str:
    """The review as Markdown, the way `sap report` writes it."""
    return review_and_page(partnership, anonymized, as_of)[1]


def review_and_page(
    partnership: Partnership,
    anonymized: bool = False,
    as_of: dt.date | None = None,
    include_private: bool = False,
    min_group: int | None = None,
) -> tuple[dict[str, Any], str, ReplacementTally | None]:
    """The review's figures and its Markdown, computed once and anonymised once if asked, with
    what anonymising replaced (None when not anonymised).

    Anonymised, no figure describes fewer than `min_group` people: as given, else as project.yaml's
    `anonymize.min_group` says, else 3.
    """
    agreed = partnership.project.anonymize.min_group
    groups_of = (min_group or agreed or DEFAULT_MIN_GROUP) if anonymized else None
    context = {
        "review": build_review(partnership, as_of, include_private, groups_of),
        "end_prompts": worksheet_prompts()["end"],
    }
    tally = None
    if anonymized:
        context, tally = anonymize_and_count(context, replacements(partnership))
    return context["review"], render_page(partnership.folder, "docs/review.md.j2", context), tally
