"""sap checkin: write a meeting record, from flags or a draft, and close the actions it settles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from sap_cli.errors import GitFailed, SapError, UnknownName, UsageProblem
from sap_cli.files import git as gitops
from sap_cli.files import git_commit
from sap_cli.files.atomic import atomic_write, refuse_unsafe, taking_turns
from sap_cli.files.paths import create_inside, refuse_reading
from sap_cli.files.yaml_splice import YamlText
from sap_cli.ids import slugify
from sap_cli.meetings.ledger import meeting_prompt, parse_action, parse_decision
from sap_cli.meetings.named import attendee_ids, by_id, example_partner, refuse_owners_who_left
from sap_cli.model.base import TEXT_LIMIT
from sap_cli.model.commented import commented_yaml
from sap_cli.model.records import CheckinFile
from sap_cli.model.vocab import GOAL_STATUSES
from sap_cli.partnership.load import load_valid
from sap_cli.partnership.modeline import for_new_file
from sap_cli.validation.check import check_folder
from sap_cli.words import did_you_mean

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership
    from sap_cli.model.records import Action, CheckinFile
    from sap_cli.partnership.problems import Problem


class UnknownAction(UnknownName):
    def __init__(self, action_id: str, known: list[str], suggestion: str | None) -> None:
        super().__init__("action with the id", action_id, known, suggestion)


@dataclass
class CheckinRequest:
    """What `sap checkin` was asked to record; every field has a flag."""

    date: dt.date
    title: str = "Check-in"
    attendees: Sequence[str] = ()
    notes: str | None = None
    decisions: Sequence[str] = ()
    actions: Sequence[str] = ()
    goals: dict[str, str] = field(default_factory=dict)
    hours: dict[str, float] = field(default_factory=dict)
    pulse: dict[str, dict[str, int]] = field(default_factory=dict)
    feedback: Sequence[str] = ()
    reflection_notes: str | None = None
    done: Sequence[str] = ()


@dataclass
class Recorded:
    path: Path | None
    closed: list[str] = field(default_factory=list)
    already_done: dict[str, str] = field(default_factory=dict)  # named in --done, closed before: on which day
    changed: list[Path] = field(default_factory=list)  # earlier meeting files where actions were closed
    committed: bool = False


@dataclass(frozen=True)
class Draft:
    """A meeting record being written in an editor, kept beside its final name until it is valid."""

    checkin_id: str
    name: str  # checkins/<id>.yaml, the name it will be saved under
    path: Path  # checkins/<id>.yaml.draft, never read as a meeting by sap validate


def _require_goals(partnership: Partnership, statuses: dict[str, str]) -> None:

    known = [g.id for g in partnership.goals.goals]
    for goal_id, status in statuses.items():
        if goal_id not in known:
            raise UnknownName("goal with the id", goal_id, known, did_you_mean(goal_id, known))
        if status not in GOAL_STATUSES:
            raise UnknownName("goal status", status, list(GOAL_STATUSES), did_you_mean(status, GOAL_STATUSES))


def _all_actions(partnership: Partnership) -> dict[str, tuple[CheckinFile, Action]]:
    return {action.id: (checkin, action) for checkin in partnership.checkins for action in checkin.actions}


def _free_path(folder: Path, date: dt.date, title: str) -> tuple[str, Path]:
    base = f"{date.isoformat()}-{slugify(title) or 'meeting'}"
    checkin_id, n = base, 2
    while (folder / "checkins" / f"{checkin_id}.yaml").exists():
        checkin_id, n = f"{base}-{n}", n + 1
    return checkin_id, folder / "checkins" / f"{checkin_id}.yaml"


# Which command-line option (and wizard question) gave each field of a new meeting record.
OPTION_OF = {
    "title": "--title", "notes": "--note", "decisions": "--decision", "actions": "--action",
    "hours": "--hours", "feedback": "--feedback", "pulse": "--pulse", "reflection": "--reflection",
    "attendees": "--attendee", "goals": "--goal",
}  # fmt: skip


def _unusable_option(exc: ValidationError, example_id: str) -> UsageProblem:
    """What was typed cannot make a meeting record: name the option and why, never echo the text."""
    err = exc.errors()[0]
    option = OPTION_OF.get(str(err["loc"][0]), str(err["loc"][0]))
    kind = err["type"]
    if kind == "string_too_short":
        return UsageProblem(
            f"{option} was given but is empty", hint="Write something after it, or leave it out."
        )
    if kind == "string_too_long":
        return UsageProblem(
            f"{option} is longer than {TEXT_LIMIT:,} characters, the most sap keeps in one entry",
            hint="Shorten it; a long text belongs in a document of its own, named in the meeting's notes.",
        )
    if option == "--hours":
        return UsageProblem(
            "--hours needs a number of hours, 0 or more (such as 3 or 2.5)",
            hint=f"Write it as ID=HOURS, for example --hours {example_id}=3.",
        )
    return UsageProblem(
        f"{option}: {err['msg']}", hint=f"Run `sap checkin --help` to see what {option} takes."
    )


def _checkin_text(request: CheckinRequest, checkin_id: str, partnership: Partnership, folder: Path) -> str:

    example_id = example_partner(partnership)
    actions = []
    for number, raw in enumerate(request.actions, start=1):
        parsed = parse_action(raw, example_id)
        parsed["owner"] = partnership.find_partner(parsed["owner"]).id  # a name, written as the id
        actions.append({"id": f"{checkin_id}-a{number}", **parsed})
    attendees = attendee_ids(partnership, request.attendees, request.date)
    hours, pulse = by_id(partnership, request.hours), by_id(partnership, request.pulse)
    refuse_owners_who_left(partnership, request.date, [a["owner"] for a in actions])
    _require_goals(partnership, request.goals)
    data: dict[str, Any] = {
        "id": checkin_id,
        "date": request.date,
        "title": request.title.strip(),
        "attendees": attendees,
        "notes": request.notes,
        "goals": dict(request.goals),
        "decisions": [parse_decision(text, partnership) for text in request.decisions],
        "actions": actions,
        "hours": hours,
        "feedback": list(request.feedback),
        "pulse": pulse,
        "reflection": {"prompt": meeting_prompt(partnership), "notes": request.reflection_notes},
    }
    try:
        record = CheckinFile.model_validate(data)
    except ValidationError as exc:
        raise _unusable_option(exc, example_id) from None
    dumped = record.model_dump(mode="python", exclude_defaults=True)
    dumped["reflection"] = {k: v for k, v in dumped["reflection"].items() if v is not None}
    heading = [
        f"The meeting of {request.date.isoformat()}, recorded by `sap checkin` on "
        f"{dt.date.today().isoformat()}. Edit it freely;",
        "`sap validate` checks it. Close an action with: sap checkin --done ACTION_ID",
    ]
    text = commented_yaml(CheckinFile, dumped, heading, explain=False)
    return for_new_file(folder, Path("checkins") / f"{checkin_id}.yaml", text)


def record_checkin(folder: Path, request: CheckinRequest, commit: bool = False) -> Recorded:
    """Write one new meeting file (never replacing one) and close the actions named in `done`."""
    partnership = _prepare(folder, request, commit)
    closing = _closable(partnership, request.done)
    _refuse_links(folder, closing)
    if commit:
        gitops.require_committed(folder, _files_to_close(folder, closing))
    recorded = Recorded(path=None)
    written = git_commit.Written()
    if _has_meeting_content(request):
        if not (folder / "checkins").exists():
            written.folders.append(folder / "checkins")  # taken back with the file if the commit fails
        while True:
            checkin_id, path = _free_path(folder, request.date, request.title)
            try:
                create_inside(
                    folder, path.relative_to(folder), _checkin_text(request, checkin_id, partnership, folder)
                )
                break
            except FileExistsError:
                continue  # someone saved a meeting with this name a moment ago; take the next one
        recorded.path = path
    return _finish(folder, request, recorded, closing, commit, written)


def _prepare(folder: Path, request: CheckinRequest, commit: bool) -> Partnership:
    """Everything that can fail before a file is written: a valid folder, a date inside it, git."""
    partnership = load_valid(folder)
    project = partnership.project
    if not (project.start <= request.date <= project.end):
        raise UsageProblem(
            f"{request.date} is outside the project ({project.start} to {project.end})",
            hint="Give the meeting's date with --date YYYY-MM-DD.",
        )
    if commit:
        gitops.require_repository(folder)
    return partnership


def _finish(
    folder: Path,
    request: CheckinRequest,
    recorded: Recorded,
    closing: dict[str, str],
    commit: bool,
    written: git_commit.Written,
) -> Recorded:
    recorded.closed, edits, recorded.already_done = _close(folder, closing, request.date)
    recorded.changed = list(edits)
    if commit:
        written.created = [recorded.path] if recorded.path else []
        written.replaced = edits
        if written.paths:
            # A refused commit takes back the new file and the closed actions, and says what is left.
            git_commit.commit_written(folder, written, _commit_message(request, recorded), "--commit")
            recorded.committed = True
    return recorded


def _files_to_close(folder: Path, closing: dict[str, str]) -> list[Path]:
    return [folder / "checkins" / f"{checkin_id}.yaml" for checkin_id in sorted(set(closing.values()))]


def _check_commit(folder: Path, partnership: Partnership, request: CheckinRequest) -> None:
    """Before anything is written: a meeting file sap will close actions in holds no edit of the user's."""
    gitops.require_committed(folder, _files_to_close(folder, _closable(partnership, request.done)))


def _commit_message(request: CheckinRequest, recorded: Recorded) -> str:
    parts = []
    if recorded.path is not None:
        parts.append(f"Meeting on {request.date.isoformat()}: {request.title.strip()}")
    if recorded.closed:
        parts.append(f"close {len(recorded.closed)} action" + ("" if len(recorded.closed) == 1 else "s"))
    message = "; ".join(parts)
    return message[0].upper() + message[1:]


def start_draft(folder: Path, request: CheckinRequest, commit: bool = False) -> Draft:
    """Write a pre-filled meeting record for the user to finish in their editor."""
    partnership = load_valid(folder)
    if commit:  # a commit that cannot happen is refused before the user writes a word
        _prepare(folder, request, commit)
        _check_commit(folder, partnership, request)
    checkin_id, path = _free_path(folder, request.date, request.title)
    draft = Draft(checkin_id, f"checkins/{checkin_id}.yaml", path.with_name(path.name + ".draft"))
    if not draft.path.exists():  # an unfinished draft of the same meeting is reopened, not replaced
        create_inside(
            folder, draft.path.relative_to(folder), _checkin_text(request, checkin_id, partnership, folder)
        )
    return draft


def draft_problems(folder: Path, draft: Draft) -> list[Problem]:
    """What is wrong with the draft, placed on its own lines; empty when it can be saved."""

    report = check_folder(folder, draft=(draft.name, draft.path))
    own = {p for p in report.problems if Path(p.file).name == draft.path.name}
    return [p for p in report.problems if p in own and p.severity == "error"]


def save_draft(folder: Path, draft: Draft, request: CheckinRequest, commit: bool = False) -> Recorded:
    """Save a valid draft under its final name, exactly as the user wrote it, then remove the draft.

    With `commit`, the draft goes only once the commit is made: a commit git refuses leaves it.
    """
    partnership = _prepare(folder, request, commit)
    _refuse_links(folder, _closable(partnership, request.done))
    if commit:
        _check_commit(folder, partnership, request)
    if draft_problems(folder, draft):
        raise SapError(f"{draft.path} still has problems; it was kept.")
    final = folder / draft.name
    refuse_reading(folder, [draft.path.relative_to(folder)])
    create_inside(folder, draft.name, draft.path.read_text(encoding="utf-8"))
    if not commit:
        draft.path.unlink()
    try:
        partnership = load_valid(folder)
        closing = _closable(partnership, request.done)
        _refuse_links(folder, closing)
        recorded = _finish(
            folder, request, Recorded(path=final), closing, commit, git_commit.Written(kept=draft.path)
        )
    except GitFailed:
        raise  # the commit was refused: the saved file was taken back, the draft is still there
    except BaseException:
        draft.path.unlink(missing_ok=True)  # the meeting is saved under its final name
        raise
    draft.path.unlink(missing_ok=True)
    return recorded


def _has_meeting_content(request: CheckinRequest) -> bool:
    """A bare `sap checkin --done ID` closes actions without logging a meeting."""
    meeting = (
        request.attendees, request.notes, request.decisions, request.actions, request.goals,
        request.hours, request.pulse, request.feedback, request.reflection_notes,
    )  # fmt: skip
    return any(meeting) or not request.done or request.title != "Check-in"


def _closable(partnership: Partnership, ids: Sequence[str]) -> dict[str, str]:
    """Action id -> check-in id for each action to close; unknown ids fail before anything is written."""

    actions = _all_actions(partnership)
    closing = {}
    for action_id in ids:
        if action_id not in actions:
            known = sorted(actions)
            raise UnknownAction(action_id, known, did_you_mean(action_id, known))
        closing[action_id] = actions[action_id][0].id
    return closing


def _refuse_links(folder: Path, closing: dict[str, str]) -> None:
    """Before anything is written: no meeting file to close an action in may be reached through a link."""
    refuse_unsafe(folder, sorted({f"checkins/{checkin_id}.yaml" for checkin_id in closing.values()}))


def _close(
    folder: Path, closing: dict[str, str], on: dt.date
) -> tuple[list[str], dict[Path, tuple[bytes, bytes]], dict[str, str]]:
    """Set `done` on each action in its own file, keeping every comment and the key order.

    Returns the actions closed, each file changed with its bytes before and after, and the
    actions that were done already, with the day they were closed (left as they are).
    """

    closed: list[str] = []
    already: dict[str, str] = {}
    changed: dict[Path, tuple[bytes, bytes]] = {}
    by_file: dict[str, list[str]] = {}
    for action_id, checkin_id in closing.items():
        by_file.setdefault(checkin_id, []).append(action_id)
    _refuse_links(folder, closing)
    for checkin_id, action_ids in by_file.items():
        path = folder / "checkins" / f"{checkin_id}.yaml"
        with taking_turns(path.parent):  # another run may be closing another action of this meeting
            before = path.read_bytes()
            meeting = YamlText.from_path(path)
            for index, action in enumerate(meeting.get(["actions"])):
                if action["id"] not in action_ids:
                    continue
                if action.get("done") is None:
                    meeting.set(["actions", index, "done"], on)
                    closed.append(action["id"])
                else:
                    already[action["id"]] = str(action["done"])
            CheckinFile.model_validate(meeting.data)  # never save a file that no longer validates
            after = meeting.text().encode("utf-8")
            if after != before:  # every action named was closed already: nothing to write or commit
                atomic_write(path, after)
                changed[path] = (before, after)
    return closed, changed, already
