"""The pages sap makes from a partnership: what each document shows, as of a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.agreement.fingerprint import fingerprint, signing_states
from sap_cli.agreement.history import version_history
from sap_cli.documents.files import MARKER, Document, finish_page
from sap_cli.documents.jinja import make_environment, render_template, time_limit
from sap_cli.meetings.ledger import ledger
from sap_cli.meetings.standing import deliverable_done, goal_standings, timing
from sap_cli.model.vocab import (
    AREA_LABELS,
    CONTROL_LABELS,
    ETHICS_LABELS,
    LADDER_RUNGS,
    LEVEL_LABELS,
    PHASES,
    PROPOSITION_LABELS,
    SIGNING_WAY_LABELS,
)
from sap_cli.resources import worksheet_prompts

if TYPE_CHECKING:
    from jinja2 import Environment

    from sap_cli.model.folder import Partnership
    from sap_cli.model.people import Partner


DOCUMENTS = ("agreement", "worksheets", "progress")


WORKSHEET_KINDS = {"student": "student partners", "faculty": "faculty and staff partners"}


def _days(n: int) -> str:
    return f"{n} day" + ("" if n == 1 else "s")


def _due_status(due: dt.date | None, done: dt.date | None, as_of: dt.date) -> dict[str, Any]:
    """The page's words for `timing`: done (and how late), overdue by, due in, or no date set."""
    state = timing(due, done, as_of)
    if state in ("on time", "late"):
        assert done is not None
        late = f", {_days((done - due).days)} late" if state == "late" and due else ""
        return {"state": "done", "label": f"done {done.isoformat()}{late}"}
    if due is None:
        return {"state": "open", "label": "no date set"}
    days = (due - as_of).days
    if state == "overdue":
        return {"state": "overdue", "label": f"overdue by {_days(-days)}"}
    return {"state": "due", "label": "due today" if days == 0 else f"due in {_days(days)}"}


def build_context(partnership: Partnership, as_of: dt.date) -> dict[str, Any]:
    """Plain data for the templates: the files as dictionaries plus a few derived views."""

    p = partnership.up_to(as_of)  # nothing recorded after the day the documents look from
    names = {partner.id: partner.called for partner in p.roles.partners}

    def who(ids: Sequence[str]) -> str:
        return ", ".join(names.get(i, i) for i in ids)

    meetings = list(p.checkins)
    finished_on = {d.id: deliverable_done(p, d) for d in p.goals.deliverables}
    goals = []
    for goal, standing in zip(p.goals.goals, goal_standings(p, as_of), strict=True):
        linked = [d for d in p.goals.deliverables if goal.id in d.goals]
        goals.append(
            {
                **goal.model_dump(),
                "owner_names": who(goal.owners),
                "status": standing.label(),
                "deliverables_done": sum(1 for d in linked if (day := finished_on[d.id]) and day <= as_of),
                "deliverables_total": len(linked),
            }
        )
    goal_number = {goal.id: str(n) for n, goal in enumerate(p.goals.goals, start=1)}
    deliverables = [
        {
            **d.model_dump(),
            "owner_names": who(d.owners),
            "goal_numbers": ", ".join(goal_number[g] for g in d.goals if g in goal_number),
            **_due_status(d.due, finished_on[d.id], as_of),
        }
        for d in p.goals.deliverables
    ]
    milestones = [
        {**m.model_dump(), "owner_names": who(m.owners), **_due_status(m.due, m.done, as_of)}
        for m in sorted(p.timeline.milestones, key=lambda m: m.due)
    ]
    stages = []
    for stage in p.matrix.stages:
        cells = {
            level: [i.model_dump() for i in stage.involvements if i.level == level] for level in LEVEL_LABELS
        }
        enacted = stage.enacted.model_dump() if stage.enacted else None
        stages.append({**stage.model_dump(), "cells": cells, "enacted": enacted})
    ladder = None
    if p.matrix.ladder is not None:
        ladder = {
            "planned": p.matrix.ladder.planned,
            "planned_label": LADDER_RUNGS.get(p.matrix.ladder.planned or 0),
            "enacted": p.matrix.ladder.enacted,
            "enacted_label": LADDER_RUNGS.get(p.matrix.ladder.enacted or 0),
        }
    partners = [
        {
            **partner.model_dump(),
            "called": partner.called,
            "label": _label(partner),
            "objectives": p.goals.own_objectives.get(partner.id, []),
            "worksheet_kind": "student" if partner.kind == "student" else "faculty",
        }
        for partner in p.roles.partners
    ]
    return {
        "project": p.project.model_dump(),
        "areas": [AREA_LABELS[a] for a in p.project.areas],
        "partners": partners,
        "names": names,
        "goals": goals,
        "deliverables": deliverables,
        "milestones": milestones,
        "milestone_counts": {
            state: sum(1 for m in milestones if m["state"] == state)
            for state in ("done", "overdue", "due", "open")
        },
        "stages": stages,
        "levels": LEVEL_LABELS,
        "control_labels": CONTROL_LABELS,
        "proposition_labels": PROPOSITION_LABELS,
        "ethics_labels": ETHICS_LABELS,
        "ladder": ladder,
        "authorship": who(p.project.recognition.authorship_order),
        "meetings": [
            {
                "id": c.id,
                "date": c.date,
                "title": c.title,
                "attendees": who(c.attendees),
                "decisions": [d.text for d in c.decisions],
            }
            for c in reversed(meetings[-3:])
        ],
        "open_actions": [e.as_dict() for e in ledger(p, as_of)],  # done after as_of: still open then
        "as_of": as_of,
        "fingerprint": fingerprint(p).whole,
        "signing": [
            {
                **state.as_dict(),
                "reason": state.reason,
                "covered": state.covered,
                "how_words": SIGNING_WAY_LABELS.get(state.how or "", ""),
                "label": _label(partner),
                "left": partner.left,
            }
            for state, partner in zip(signing_states(p), p.roles.partners, strict=True)
        ],
        "history": [entry.as_dict() for entry in version_history(p)],
        "pronouns_given": any(partner.pronouns for partner in p.roles.partners),
    }


def _label(partner: Partner) -> str:
    """How the agreement names a partner: 'Kiri (Kiri Walker)' when they go by a name of their own."""
    if partner.preferred_name and partner.preferred_name != partner.name:
        return f"{partner.preferred_name} ({partner.name})"
    return partner.name


def render_documents(
    partnership: Partnership,
    which: Sequence[str] = DOCUMENTS,
    as_of: dt.date | None = None,
    private_for: str | None = None,
) -> list[Document]:
    """The documents named in `which`, rendered in memory; nothing is written."""
    with time_limit():
        return _render_all(partnership, which, as_of, private_for)


def _render_all(
    partnership: Partnership, which: Sequence[str], as_of: dt.date | None, private_for: str | None
) -> list[Document]:
    env = make_environment(partnership.folder)
    context = build_context(partnership, as_of or partnership.latest_recorded_day())
    documents: list[Document] = []
    if "agreement" in which and private_for is None:
        documents.append(
            Document("docs/agreement.md", finish_page(render_template(env, "docs/agreement.md.j2", context)))
        )
    if "worksheets" in which:
        documents.extend(_worksheets(env, context, partnership, private_for))
    if "progress" in which and private_for is None:
        documents.append(
            Document("docs/progress.md", finish_page(render_template(env, "docs/progress.md.j2", context)))
        )
    return documents


def _worksheets(
    env: Environment, context: dict[str, Any], partnership: Partnership, private_for: str | None
) -> list[Document]:
    prompts = worksheet_prompts()
    readers: list[dict[str, Any] | None]
    if private_for is not None:
        reader_id = partnership.find_partner(private_for).id  # a name or an id; raises for neither
        readers = [p for p in context["partners"] if p["id"] == reader_id]
    else:
        readers = [None]
    present = [
        kind for kind in WORKSHEET_KINDS if any(p["worksheet_kind"] == kind for p in context["partners"])
    ]
    documents = []
    for reader in readers:
        kinds = [reader["worksheet_kind"]] if reader else present
        for kind in kinds:
            for phase in PHASES:
                others = [p for p in context["partners"] if reader is None or p["id"] != reader["id"]]
                page = render_template(
                    env,
                    "docs/worksheet.md.j2",
                    {
                        **context,
                        "phase": {**prompts[phase], "id": phase},
                        "kind": kind,
                        "kind_label": WORKSHEET_KINDS[kind],
                        "reader": reader,
                        "others": others,
                        "themes": [
                            {"id": t["id"], "title": t["title"], "prompts": t[kind]}
                            for t in prompts[phase]["themes"]
                        ],
                    },
                )
                path = (
                    f"private/worksheets/{phase}-{reader['id']}.md"
                    if reader
                    else f"docs/worksheets/{phase}-{kind}.md"
                )
                documents.append(Document(path, finish_page(page)))
    return documents


def render_page(project_folder: Path, template: str, context: dict[str, Any], marker: str = MARKER) -> str:
    """One page from one template, with the same sandbox, time limit and marker as every document."""
    with time_limit():
        return finish_page(render_template(make_environment(project_folder), template, context), marker)
