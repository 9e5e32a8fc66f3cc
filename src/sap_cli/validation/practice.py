"""Warnings about partnership practice: student voice, shared power, recognition, meetings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sap_cli.model.vocab import STAFF_CONTROL
from sap_cli.partnership.problems import Finding

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership


Spotted = tuple[tuple[str | int, ...], str]  # where in the file, and the message


@dataclass(frozen=True)
class HealthRule:
    """A partnership-health warning: what to look for, why it matters and where the idea comes from."""

    code: str
    file: str
    hint: str
    source: str
    find: Callable[[Partnership], list[Spotted]]


def _students(p: Partnership) -> list[Any]:
    return [partner for partner in p.roles.partners if partner.kind == "student"]


def _no_student(p: Partnership) -> list[Spotted]:
    return [] if _students(p) else [(("partners",), "no partner is a student")]


def _no_stage_above_consult(p: Partnership) -> list[Spotted]:
    shared_levels = {"participate", "partnership"}
    if not p.matrix.stages:
        return [
            (("stages",), "the matrix has no stages yet, so no stage gives students a share of decisions")
        ]
    if any(inv.level in shared_levels for stage in p.matrix.stages for inv in stage.involvements):
        return []
    return [(("stages",), "no stage involves students above Consult, so students never share a decision")]


def _students_without_responsibilities(p: Partnership) -> list[Spotted]:
    return [
        (("partners", i), f"student partner {partner.name} has no responsibilities written down")
        for i, partner in enumerate(p.roles.partners)
        if partner.kind == "student" and not partner.responsibilities
    ]


def _no_recognition(p: Partnership) -> list[Spotted]:
    r = p.project.recognition
    if any((r.hours_per_week, r.total_hours, r.pay_rate, r.credit, r.cv_lines, r.notes)):
        return []
    return [(("recognition",), "no recognition for students is recorded (hours, pay, credit or CV lines)")]


def _hours_disagree(p: Partnership) -> list[Spotted]:
    """hours_per_week for every week of the project and total_hours, more than a week's worth apart."""
    r, weeks = p.project.recognition, p.project.weeks
    if r.hours_per_week is None or r.total_hours is None or not weeks:
        return []
    made = r.hours_per_week * weeks
    if abs(made - r.total_hours) <= r.hours_per_week:
        return []
    return [
        (
            ("recognition", "total_hours"),
            f"total_hours says {r.total_hours:g} hours for each student, but {r.hours_per_week:g} hours a "
            f"week over the project's {weeks} weeks ({p.project.start} to {p.project.end}) make "
            f"{made:g}: more than a week's worth ({r.hours_per_week:g} hours) apart",
        )
    ]


def _no_cadence(p: Partnership) -> list[Spotted]:
    return [(("cadence",), "no meeting cadence is set")] if p.project.cadence is None else []


def _staff_hold_all_control(p: Partnership) -> list[Spotted]:

    holders = [stage.control for stage in p.matrix.stages if stage.control is not None]
    if holders and all(holder in STAFF_CONTROL for holder in holders):
        return [(("stages",), "staff or the institution hold control of every stage")]
    return []


# Words in the plan that say the project gathers what people think or say: research that needs ethics.
_PEOPLE_DATA_WORDS = ("interview", "focus group", "questionnaire", "survey", "participants", "consent")


def _collects_from_people(p: Partnership) -> str | None:
    """Why sap thinks the project collects data from people (for the message), or None."""
    if "sotl" in p.project.areas:
        return "it is scholarship of teaching and learning (areas: sotl)"
    planned = [
        *((f"goal '{g.title}'", f"{g.title} {g.description or ''} {g.success or ''}") for g in p.goals.goals),
        *((f"deliverable '{d.title}'", d.title) for d in p.goals.deliverables),
        *((f"milestone '{m.title}'", m.title) for m in p.timeline.milestones),
        *(
            (
                f"matrix stage '{s.name}'",
                " ".join([s.name, *(f"{i.who} {i.how or ''}" for i in s.involvements)]),
            )
            for s in p.matrix.stages
        ),
    ]
    for where, text in planned:
        word = next((w for w in _PEOPLE_DATA_WORDS if w in text.lower()), None)
        if word is not None:
            return f"the {where} mentions '{word}'"
    return None


def _ethics_empty(p: Partnership) -> list[Spotted]:
    if p.project.ethics.status is not None:
        return []
    why = _collects_from_people(p)
    if why is None:
        return []
    return [
        (
            ("ethics",),
            f"the ethics status is empty, and the project seems to collect data from people: {why}",
        )
    ]


_DATA_TERMS = {
    "storage": "where things are kept",
    "ip": "who owns what the partnership makes",
    "confidentiality": "what stays between partners",
}


def _data_terms_to_agree(p: Partnership) -> list[Spotted]:
    names = {partner.id: partner.name for partner in p.roles.partners}
    signers = [names.get(r.partner, r.partner) for r in p.signatures if r.signatures]
    if not signers:
        return []
    who = ", ".join(signers[:3]) + (f" and {len(signers) - 3} more" if len(signers) > 3 else "")
    data = p.project.data
    return [
        (
            ("data",),
            f"data: {key} ({words}) is still 'to agree' in the agreement, yet {who} "
            f"{'has' if len(signers) == 1 else 'have'} signed it",
        )
        for key, words in _DATA_TERMS.items()
        if getattr(data, key) is None
    ]


HEALTH_RULES: tuple[HealthRule, ...] = (
    HealthRule(
        "no-student-partner",
        "roles.yaml",
        "A partnership works with students, not only for them: add at least one partner with kind: student.",
        "Cook-Sather, Bovill & Felten (2014)",
        _no_student,
    ),
    HealthRule(
        "no-stage-above-consult",
        "matrix.yaml",
        "Pick at least one stage where students participate or decide in partnership. "
        "A meaningful share of power is the test of a real partnership.",
        "NUS (2015); Bovill (2017)",
        _no_stage_above_consult,
    ),
    HealthRule(
        "student-without-responsibilities",
        "roles.yaml",
        "Agree what each student will do, so their part is visible and valued.",
        "Cook-Sather, Bovill & Felten (2014)",
        _students_without_responsibilities,
    ),
    HealthRule(
        "no-student-recognition",
        "project.yaml",
        "Student time is real work: agree pay, credit or at least how it will appear on a CV.",
        "Healey, Flint & Harrington (2014)",
        _no_recognition,
    ),
    HealthRule(
        "hours-disagree",
        "project.yaml",
        "Both figures are for each student partner. Change hours_per_week or total_hours in project.yaml "
        "so they agree; up to a week's worth apart is fine, for weeks off.",
        "Healey, Flint & Harrington (2014)",
        _hours_disagree,
    ),
    HealthRule(
        "no-meeting-cadence",
        "project.yaml",
        "Agree how often you meet (weekly, fortnightly or monthly); regular check-ins keep "
        "everyone's voice in the work.",
        "SaP partnership toolkit: checking in",
        _no_cadence,
    ),
    HealthRule(
        "staff-hold-all-control",
        "matrix.yaml",
        "Consider one stage where control is shared or held by students.",
        "Bovill (2017); NUS (2015)",
        _staff_hold_all_control,
    ),
    HealthRule(
        "ethics-status-empty",
        "project.yaml",
        "Research that gathers people's views or data usually needs approval before anything is collected. "
        "Ask your ethics office, then set ethics: status in project.yaml (not-needed, not-yet-applied, "
        "submitted, approved or unsure).",
        "Healey, Flint & Harrington (2014); institutional research ethics policy",
        _ethics_empty,
    ),
    HealthRule(
        "data-terms-to-agree",
        "project.yaml",
        "A signature cannot agree to a term that is not written down. Agree it together, write it under "
        "data in project.yaml, and everyone signs again (`sap sign --partner ID`).",
        "UQ Student-Staff Partnerships plan; McMaster Student Partners Program",
        _data_terms_to_agree,
    ),
)


def findings(partnership: Partnership) -> list[Finding]:
    """Every practice warning the rules above find in the partnership."""
    return [
        Finding(rule.file, loc, rule.code, message, rule.hint, rule.source)
        for rule in HEALTH_RULES
        for loc, message in rule.find(partnership)
    ]


def future_meetings(partnership: Partnership) -> list[Finding]:
    """A warning for each meeting dated after today: a record of a meeting that has not happened yet."""
    today = dt.date.today()
    return [
        Finding(
            f"checkins/{checkin.id}.yaml",
            ("date",),
            "meeting-in-the-future",
            f"this meeting is dated {checkin.date.isoformat()}, after today ({today.isoformat()}), "
            "so it records a meeting that has not happened yet",
            "Correct the date if it is a typo; to plan a meeting, put it in timeline.yaml as a milestone "
            "and record it with `sap checkin` once it has taken place.",
            "meeting records",
        )
        for checkin in partnership.checkins
        if checkin.date > today
    ]


def after_leaving(partnership: Partnership) -> list[Finding]:
    """A warning where a meeting after a partner's `left` day still counts them in: they are not
    expected there, so a name kept by mistake (copied from the last meeting) would skew the figures."""
    found = []
    for index, partner in enumerate(partnership.roles.partners):
        if partner.left is None:
            if partner.left_reason is not None:
                found.append(_reason_without_day(index, partner.called))
            continue
        for checkin in partnership.checkins:
            if partner.partner_on(checkin.date):
                continue
            places: list[tuple[tuple[str | int, ...], str, bool]] = []
            if partner.id in checkin.attendees:
                places.append(
                    (("attendees", checkin.attendees.index(partner.id)), "lists them as attending", False)
                )
            for i, action in enumerate(checkin.actions):
                if action.owner == partner.id:
                    places.append((("actions", i, "owner"), f"gives them the action '{action.text}'", False))
            for key, what in (("hours", "logs hours for them"), ("pulse", "records how they felt")):
                if partner.id in getattr(checkin, key):
                    places.append(((key, partner.id), what, True))
            found += [
                Finding(
                    f"checkins/{checkin.id}.yaml",
                    loc,
                    "after-leaving",
                    f"this meeting on {checkin.date} {what}, but {partner.called} left the partnership on "
                    f"{partner.left}",
                    (
                        "Give the action to someone still in the partnership"
                        if loc[0] == "actions"
                        else f"Take {partner.id} out of this meeting if they were not there"
                    )
                    + f"; if {partner.called} came back, change or remove their `left:` in roles.yaml.",
                    "meeting records",
                    at_key=at_key,
                )
                for loc, what, at_key in places
            ]
    return found


def _reason_without_day(index: int, name: str) -> Finding:
    return Finding(
        "roles.yaml",
        ("partners", index, "left_reason"),
        "left-reason-without-day",
        f"{name} has a left_reason but no `left:` day, so sap still counts them as a partner",
        "Add `left: YYYY-MM-DD` with the last day they were a partner, or remove left_reason.",
        "meeting records",
    )
