"""A partnership's dates as iCalendar events with stable identities."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sap_cli.ids import slugify

if TYPE_CHECKING:
    from icalendar import Calendar, Event

    from sap_cli.model.folder import Partnership


PRODID = "-//sap//Students as Partners//EN"


# How each agreed cadence repeats, as iCalendar recurrence rules.
CADENCE_RULES: dict[str, dict[str, Any]] = {
    "weekly": {"freq": "weekly"},
    "fortnightly": {"freq": "weekly", "interval": 2},
    "monthly": {"freq": "monthly"},
}


CADENCE_WORDS = {"weekly": "every week", "fortnightly": "every two weeks", "monthly": "once a month"}


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in iCalendar text; tabs and newlines are


def calendar_bytes(partnership: Partnership) -> bytes:
    """The .ics file for a partnership already loaded and checked."""
    data: bytes = calendar_for(partnership).to_ical()
    return data


def calendar_for(partnership: Partnership) -> Calendar:
    """One all-day event per milestone and per action with a due date, and one meeting series."""
    from icalendar import Calendar, vText

    project = partnership.project
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # X- properties are not escaped by icalendar unless given as text; a comma or a line break
    # in the title would otherwise break the file.
    calendar.add("x-wr-calname", vText(_line(project.title)))
    if project.summary:
        calendar.add("x-wr-caldesc", vText(_clean(project.summary)))
    event = _Events(partnership)
    series = event.meeting_series()
    if series is not None:
        calendar.add_component(series)
    for component in event.milestones():
        calendar.add_component(component)
    for component in event.actions():
        calendar.add_component(component)
    return calendar


class _Events:
    """Makes the events of one partnership, all sharing its UID domain and DTSTAMP."""

    def __init__(self, partnership: Partnership) -> None:
        self.partnership = partnership
        self.project = partnership.project
        self.domain = f"{project_key(partnership)}.sap"
        self.stamp = last_recorded(partnership)
        self.names = {p.id: p.name for p in partnership.roles.partners}
        self.goal_titles = {g.id: g.title for g in partnership.goals.goals}
        self.footer = f"Partnership: {_line(self.project.title)}"

    def _event(
        self,
        kind: str,
        record_id: str,
        day: dt.date,
        summary: str,
        description: list[str],
        finished: bool = False,
    ) -> Event:
        from icalendar import Event

        event = Event()
        # A UID made from the partnership and the record's own id, never a random one: importing a
        # newer file then updates each event instead of adding a second copy of it.
        event.add("uid", f"{kind}-{record_id}@{self.domain}")
        event.add("dtstamp", self.stamp)
        # All-day: the data holds days, not times. DTEND is the next day, as the standard
        # says for a one-day event; some calendar apps show a zero-length event otherwise.
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", _line(summary))
        event.add("description", _clean("\n".join([*description, self.footer])))
        # An all-day reminder should not make partners look busy for the whole day.
        event.add("transp", "TRANSPARENT")
        # A record changes once in a way people must see: it gets done. A higher SEQUENCE tells a
        # calendar app that the imported copy is newer, so it replaces the reminder it holds.
        event.add("sequence", 1 if finished else 0)
        return event

    def milestones(self) -> Iterable[Event]:
        for milestone in self.partnership.timeline.milestones:
            hard = milestone.deadline == "hard"
            lines = [
                "Hard deadline: this date cannot move."
                if hard
                else "Soft deadline: partners can move this date if they need to.",
            ]
            if milestone.owners:
                lines.append(f"Looked after by: {self._people(milestone.owners)}.")
            if milestone.goals:
                goals = "; ".join(self.goal_titles.get(g, g) for g in milestone.goals)
                lines.append(f"Moves these goals forward: {goals}.")
            if milestone.done is not None:
                lines.append(f"Reached on {milestone.done.isoformat()}.")
            prefix = "Hard deadline" if hard else "Milestone"
            reached = " (reached)" if milestone.done is not None else ""
            event = self._event(
                "milestone",
                milestone.id,
                milestone.due,
                f"{prefix}: {milestone.title}{reached}",
                lines,
                finished=milestone.done is not None,
            )
            event.add("categories", ["Milestone", "Hard deadline"] if hard else ["Milestone"])
            yield event

    def actions(self) -> Iterable[Event]:
        # A VEVENT rather than a VTODO: Google Calendar and Outlook ignore or reject to-dos in an
        # imported file, while every calendar app shows an all-day event on the day it is due.
        # A done action stays in the file, marked done: left out, it would stay in people's
        # calendars as a reminder, since an import only adds and updates events.
        found = [
            (action.due, action.id, action, checkin)
            for checkin in self.partnership.checkins
            for action in checkin.actions
            if action.due is not None
        ]
        for due, action_id, action, checkin in sorted(found, key=lambda item: (item[0], item[1])):
            owner = self.names.get(action.owner, action.owner)
            lines = [
                f"Agreed at the meeting \u201c{_line(checkin.title)}\u201d on {checkin.date.isoformat()}; "
                f"{owner} said they would do it.",
                f"Done on {action.done.isoformat()}."
                if action.done is not None
                else f"Once it is done, record that with: sap checkin --done {action_id}",
            ]
            summary = f"Action for {owner}: {action.text}"
            if action.done is not None:
                summary = f"Done: {summary}"
            event = self._event("action", action_id, due, summary, lines, finished=action.done is not None)
            event.add("categories", ["Action", "Done"] if action.done is not None else ["Action"])
            yield event

    def meeting_series(self) -> Event | None:
        cadence = self.project.cadence
        if cadence is None:
            return None
        start, end = self.project.start, self.project.end
        rule = dict(CADENCE_RULES[cadence], until=end)
        if cadence == "monthly" and start.day > 28:
            # A plain monthly rule from the 31st skips every shorter month; this takes the
            # start's day of the month, or the month's last day when the month is shorter.
            rule.update(bymonthday=list(range(28, start.day + 1)), bysetpos=-1)
        meets = self.project.meetings
        first, when = start, CADENCE_WORDS[cadence]
        if meets.day is not None:  # the first agreed weekday on or after the start
            first = start + dt.timedelta(days=(WEEKDAYS.index(meets.day) - start.weekday()) % 7)
            when += f", on {meets.day.capitalize()}s"
            if (
                cadence == "monthly"
            ):  # the same weekday of the month as the first meeting: "the second Tuesday"
                week = -1 if first.day > 28 else (first.day - 1) // 7 + 1
                rule = dict(CADENCE_RULES[cadence], until=end, byday=f"{week}{meets.day[:2].upper()}")
                when = f"once a month, on the {ORDINALS[week]} {meets.day.capitalize()}"
        if first > end:
            return None  # the agreed weekday never comes round before the end
        lines = [f"Partners agreed to meet {when}, from {start.isoformat()} to {end.isoformat()}."]
        if meets.time is None:
            lines.append("This entry shows how often to meet; move it to the day and time you settle on.")
        else:
            length = f"{meets.length_minutes} minutes" if meets.length_minutes else "no agreed length"
            lines.append(f"Meetings start at {meets.time} local time where you meet ({length}).")
        lines.append("Record each meeting with: sap checkin")
        # One UID for the series whatever the cadence, so agreeing a new cadence updates it.
        event = self._event("meetings", "series", first, "Partnership meeting", lines)
        if meets.time is not None:
            _timed(event, dt.datetime.combine(first, _clock(meets.time)), meets.length_minutes)
            # With a start that has a time, the standard asks for an end of the series with a time too.
            rule["until"] = dt.datetime.combine(end, dt.time(23, 59, 59))
        if meets.place is not None:
            event.add("location", _line(meets.place))  # icalendar escapes commas, semicolons and backslashes
        event.add("rrule", rule)
        event.add("categories", ["Meeting"])
        return event

    def _people(self, ids: Iterable[str]) -> str:
        return ", ".join(self.names.get(i, i) for i in ids)


def _clock(text: str) -> dt.time:
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


def _timed(event: Event, begins: dt.datetime, minutes: int | None) -> None:
    """Turn an all-day event into one that starts at `begins`, in floating local time.

    Floating time (no time zone) means "14:00 on the clock where you are": right for partners who
    meet in one place, and it needs no time-zone database on anyone's computer. A partner abroad
    would see the meeting at 14:00 on their own clock, so the description says the time is local.
    """
    for name in ("dtstart", "dtend", "transp"):
        del event[name]
    event.add("dtstart", begins)
    # No agreed length: an hour, as most calendar apps assume; the description says none was agreed.
    event.add("duration", dt.timedelta(minutes=minutes or 60))
    # A meeting takes the time it takes: shown as busy, unlike the all-day reminders.
    event.add("transp", "OPAQUE")


def project_key(partnership: Partnership) -> str:
    """The partnership's part of every UID: its title as a slug.

    The title travels with the files, so every partner's copy of the folder gives the same UIDs
    (a folder name would differ between computers). A title with no letters a-z or digits, such
    as one written only in another script, gets a short fingerprint of the title instead.
    """

    title = partnership.project.title
    slug = slugify(title, transliterate=False)  # UIDs already given out must never change
    if slug:
        return slug
    return "partnership-" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:12]


def last_recorded(partnership: Partnership) -> dt.datetime:
    """DTSTAMP for every event: midnight (UTC) of the latest day the record says something happened.

    The standard asks for the time the information was last changed, but the clock would make
    two runs on the same folder differ, and a calendar kept in git would change on every run.
    The latest recorded day (start, meetings, actions and milestones done, signatures) comes
    from the data alone, and it moves forward as the partnership records what it does.
    """
    days = [partnership.latest_recorded_day()]
    days += [a.done for checkin in partnership.checkins for a in checkin.actions if a.done is not None]
    days += [s.date for signed in partnership.signatures for s in signed.signatures]
    latest = max(days)
    return dt.datetime(latest.year, latest.month, latest.day, tzinfo=dt.timezone.utc)


def _clean(text: str) -> str:
    """Text as iCalendar allows it: line breaks as \\n, no control characters."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _line(text: str) -> str:
    """Text for a one-line field (a title): line breaks become spaces."""
    return " ".join(_clean(text).split())
