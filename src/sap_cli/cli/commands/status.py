"""`sap status`: what needs attention now, for people or as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sap_cli.cli.options import AllBelow, ListFormat, PartnershipFolders, folder_or_here, today_or
from sap_cli.cli.output import console, count, escape, print_json
from sap_cli.cli.partnerships import each_partnership, one_folder

if TYPE_CHECKING:
    from sap_cli.meetings.status import Status
    from sap_cli.model.folder import Partnership


def status(
    folders: PartnershipFolders = None,
    all_below: AllBelow = False,
    output_format: Annotated[
        ListFormat, typer.Option("--format", help="text for people, json for tools.")
    ] = ListFormat.text,
    today: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="Look from this day (default: today).")
    ] = None,
) -> None:
    """What needs attention: meetings, overdue actions, next milestones, goals and how partners feel.

    \f
    sap status
    sap status --date 2026-03-04
    sap status --all ~/partnerships
    """
    from sap_cli.meetings.status import read_status
    from sap_cli.meetings.status import status as status_of
    from sap_cli.partnership.layout import find_project

    as_json = output_format is ListFormat.json
    day = today_or(today)
    if all_below:

        def for_one(_: Path, partnership: Partnership) -> dict[str, Any] | None:
            data = status_of(partnership, day)
            if as_json:
                return data.as_dict()
            _print_status(data)
            return None

        each_partnership(folders, "status", as_json, for_one)
        return
    data = read_status(find_project(folder_or_here(one_folder(folders, "status"))), day)
    if as_json:
        print_json(data.as_dict())
        return
    _print_status(data)


def _print_status(data: Status) -> None:
    out = console()
    out.print(f"[bold]{escape(data.title)}[/] · {data.phase} · as of {data.as_of}")
    last = data.last_checkin
    days = data.days_since_last_checkin
    if last is None or days is None:
        out.print("[yellow]No meeting logged yet.[/] Log one with: sap checkin")
    else:
        drift = " [bold red](more than the agreed gap: time to meet)[/]" if data.checkin_overdue else ""
        when = "today" if days == 0 else f"{count(days, 'day')} ago"
        out.print(
            f"Last meeting: {escape(last.title)} on {last.date}, {when}"
            + (f"; you agreed to meet {data.cadence}" if data.cadence else "")
            + drift
        )
    if data.later:
        first = data.later[0]
        out.print(
            f"[dim]Not counted: {count(len(data.later), 'meeting')} dated after {data.as_of} "
            f"(the next: {escape(first.title)} on {first.date}). To see it, give a later --date.[/]"
        )
    out.print(
        f"\n[bold]Actions[/]: {len(data.open_actions)} open, "
        f"{len(data.overdue_actions)} overdue, {len(data.due_soon_actions)} due within a week"
    )
    for entry in data.overdue_actions + data.due_soon_actions:
        colour = "red" if entry.state == "overdue" else "yellow"
        out.print(
            f"  [{colour}]{entry.state}[/] {escape(entry.owner_name)}: {escape(entry.text)}"
            f" (due {entry.due}) [dim]{escape(entry.id)}[/]"
        )
    out.print("\n[bold]Next milestones[/]")
    for m in data.next_milestones:
        hard = " [bold]hard deadline[/]" if m.deadline == "hard" else ""
        late = " [red]overdue[/]" if m.overdue else ""
        out.print(f"  {m.due} {escape(m.title)}{hard}{late}")
    if not data.next_milestones:
        out.print("  none left")
    out.print("\n[bold]Goals[/] (the latest status a meeting recorded)")
    for g in data.goals:
        out.print(f"  {g.label():28} {escape(g.title)}")
    _print_signing(data)
    _print_people(data)


def _print_people(data: Status) -> None:
    """Who decided, each student's hours, and how partners feel, naming every low score."""
    out = console()
    split = data.decisions
    if split.get("total"):
        out.print(
            f"\n[bold]Decisions[/]: {split['total']} recorded: {split['students']} by students, "
            f"{split['staff']} by staff, {split['jointly']} jointly, "
            f"{split['not recorded']} where who decided was not recorded"
        )
    if any(row["logged"] or row["expected"] is not None for row in data.hours):
        out.print("\n[bold]Hours[/] (each student against their own agreement)")
        for row in data.hours:
            expected = (
                f"{row['expected']:g} expected by now"
                if row["expected"] is not None
                else "no weekly hours agreed"
            )
            agreed = f", {row['agreed']:g} agreed in all" if row["agreed"] is not None else ""
            out.print(f"  {escape(row['name'])}: {row['logged']:g} logged, {expected}{agreed}")
    if data.pulse:
        out.print(
            "\n[bold]How partners feel[/] (averages by kind, meeting by meeting: felt heard 1 not at all "
            "to 5 fully / workload 1 far too much to 5 just right)"
        )
        for kind, points in data.pulse.items():
            trail = "  ".join(f"{p['heard'] or '-'}/{p['workload'] or '-'}" for p in points[-5:])
            out.print(f"  {kind:8} {trail}")
    if data.low_scores:
        out.print("  [yellow]Low scores to talk about[/] (an average can hide them):")
        for low in data.low_scores:
            question = "felt heard" if low["question"] == "heard" else "workload (1 is far too much)"
            out.print(
                f"  [yellow]{low['score']} of 5[/] {escape(low['name'])}, {question}, "
                f"at {escape(low['title'])} on {low['date']}"
            )


def _print_signing(data: Status) -> None:
    out = console()
    gone = [p for p in data.signing if p.state == "left"]
    partners = [p for p in data.signing if p.state != "left"]
    out.print(f"\n[bold]Agreement[/] (version {data.agreement_version})")
    if partners and all(p.state == "signed" for p in partners):
        still = " still in the partnership" if gone else ""
        out.print(f"  signed by all {count(len(partners), 'partner')}{still}")
    for p in gone:
        out.print(f"  {escape(p.name)} left on {p.left}, so is not asked to sign")
    for p in partners:
        if p.covered:
            out.print(f"  {escape(p.name)}: {escape(p.covered)}")
        if p.state == "sign-again":
            out.print(f"  [yellow]sign again[/] {escape(p.name)}: {escape(p.reason)}")
    unsigned = [p.name for p in partners if p.state == "not-signed"]
    if unsigned:
        out.print(f"  not signed yet: {escape(', '.join(unsigned))}")
    if any(p.state != "signed" for p in partners):
        out.print("  [dim]Each partner signs with: sap sign --partner ID[/]")
