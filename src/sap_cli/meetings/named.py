"""The partners a meeting names (attendees, owners, hours, pulse), read from names or ids."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sap_cli.errors import UsageProblem
from sap_cli.words import fold

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


def attendee_ids(partnership: Partnership, words: Sequence[str], day: dt.date) -> list[str]:
    """Each attendee's id, from a name or an id; `all` means every partner on `day` (not who had
    left). Each once, in order."""
    ids: list[str] = []
    for word in words:
        if fold(word.strip()) == "all":
            ids += [p.id for p in partnership.roles.partners if p.partner_on(day)]
        else:
            ids.append(partnership.find_partner(word).id)
    return list(dict.fromkeys(ids))


def by_id(partnership: Partnership, given: dict[str, Any]) -> dict[str, Any]:
    """`--hours` and `--pulse` pairs keyed by the partner's id, whichever way they were named."""
    return {partnership.find_partner(word).id: value for word, value in given.items()}


def refuse_owners_who_left(partnership: Partnership, date: dt.date, owners: list[str]) -> None:
    """A new action is for someone still in the partnership on the meeting's day."""
    for owner in owners:
        partner = partnership.partner(owner)
        if not partner.partner_on(date):
            staying = [p.id for p in partnership.roles.partners if p.partner_on(date)]
            raise UsageProblem(
                f"{partner.called} left the partnership on {partner.left}, so sap cannot give them an action "
                f"from the meeting on {date.isoformat()}; nothing was written",
                hint="Give it to someone still in the partnership"
                + (f" ({', '.join(staying)})" if staying else "")
                + f", or, if {partner.called} has come back, take `left:` out of their entry in roles.yaml.",
            )


def example_partner(partnership: Partnership) -> str:
    """A real partner id to show in an example, or ID in a partnership with no partners yet."""
    return partnership.roles.partners[0].id if partnership.roles.partners else "ID"
