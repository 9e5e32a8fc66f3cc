"""Turn a valid partnership into Markdown documents through Jinja, built-in or overridden per project."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
import re
import signal
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.errors import SapError, TemplateFailed, UnknownPartner
from sap_cli.resources import templates_root

if TYPE_CHECKING:
    from jinja2 import Environment

    from sap_cli.model import Partnership

DOCUMENTS = ("agreement", "worksheets", "progress")
PHASES = ("start", "during", "end")
WORKSHEET_KINDS = {"student": "student partners", "faculty": "faculty and staff partners"}
MARKER = "<!-- Made by `sap render` from the partnership files: edit those, not this page. sap:{digest} -->"
_MARKER_RE = re.compile(r"\n?<!-- Made by `sap render`.* sap:(?P<digest>[0-9a-f]{16}) -->\n?\Z")


@dataclass(frozen=True)
class Document:
    """One rendered file, its path relative to the partnership folder."""

    path: str
    text: str


@dataclass
class RenderResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited by hand, so left alone
    backups: list[tuple[str, str]] = field(default_factory=list)  # --force: edited file, where it was saved
    removed: list[str] = field(default_factory=list)  # worksheets no longer needed
    stale: list[tuple[str, str]] = field(default_factory=list)  # --check: path and why


# ---------------------------------------------------------------- the Jinja environment


def _contained_loader(folder: Path) -> Any:
    """A FileSystemLoader that also refuses files reached through links pointing outside `folder`."""
    from jinja2 import FileSystemLoader, TemplateNotFound

    root = os.path.realpath(folder)

    class ContainedLoader(FileSystemLoader):
        def get_source(self, environment: Any, template: str) -> Any:
            source, filename, uptodate = super().get_source(environment, template)
            if os.path.commonpath([root, os.path.realpath(filename)]) != root:
                raise TemplateNotFound(template)
            return source, filename, uptodate

    return ContainedLoader(str(folder))


def _cell(value: object) -> str:
    """Text safe inside a Markdown table cell: no pipes or line breaks to split the row."""
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


_GANTT_KEYWORDS = re.compile(
    r"^(?:gantt|section|title|click|call|excludes|includes|weekday|weekend|dateformat|axisformat|"
    r"tickinterval|todaymarker|inclusiveenddates|topaxis|displaymode|acctitle|accdescr)\b",
    re.IGNORECASE,
)


def _gantt_text(value: object) -> str:
    """A Mermaid gantt task name on one line, free of the characters and words its syntax claims."""
    text = re.sub(r"[:;#%\s]+", " ", str(value)).strip() or "untitled"
    return f"- {text}" if _GANTT_KEYWORDS.match(text) else text


def _gantt_title(value: object) -> str:
    return re.sub(r"[;#%\s]+", " ", str(value)).strip() or "Timeline"


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _number(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@functools.cache
def _limited_sandbox() -> Any:
    """Jinja's immutable sandbox, plus caps on '*' and '**' so a template cannot build huge values."""
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class LimitedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
                raise SecurityError("a power larger than 64 is not allowed in a template")
            if operator == "*":
                for value, times in ((left, right), (right, left)):
                    repeatable = isinstance(value, (str, list, tuple)) and isinstance(times, int)
                    if repeatable and len(value) * times > MAX_DOCUMENT_CHARS:
                        raise SecurityError("repeating text or a list that many times is not allowed")
            return super().call_binop(context, operator, left, right)

    return LimitedSandbox


def make_environment(project_folder: Path | None) -> Environment:
    """Built-in templates, overridden by same-named files in <project>/templates/, always sandboxed.

    The sandbox matters because a partnership folder may be cloned from someone else: its
    templates must not be able to reach Python objects, run code or read files.
    """
    from jinja2 import ChoiceLoader, StrictUndefined

    loaders = []
    if project_folder is not None and (project_folder / "templates").is_dir():
        loaders.append(_contained_loader(project_folder / "templates"))
    loaders.append(_contained_loader(Path(str(templates_root()))))
    env: Environment = _limited_sandbox()(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["cell"] = _cell
    env.filters["gantt"] = _gantt_text
    env.filters["gantt_title"] = _gantt_title
    env.filters["oneline"] = _one_line
    env.filters["number"] = _number
    return env


def _where(exc: BaseException, template: str) -> tuple[str, int | None]:
    """The template file and line where rendering stopped, from Jinja's rewritten traceback."""
    from sap_cli.store import display_path

    filename, line = template, getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        code_file = tb.tb_frame.f_code.co_filename
        if not code_file.endswith(".py") and not code_file.startswith("<"):
            filename, line = display_path(Path(code_file)), tb.tb_lineno
        tb = tb.tb_next
    return filename, line


class RenderTimeout(Exception):
    """Raised by the alarm when templates take longer than RENDER_SECONDS."""


RENDER_SECONDS = 20
MAX_DOCUMENT_CHARS = 2_000_000


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """Stop a template that loops for ever (where the platform has alarms; the main thread only)."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise RenderTimeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_template(env: Environment, name: str, context: dict[str, Any]) -> str:
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    fix = "Fix the template, or delete it to use the built-in one."
    try:
        text = env.get_template(name).render(context)
    except TemplateNotFound as exc:
        raise TemplateFailed(name, None, f"template '{exc.name}' was not found", fix) from exc
    except SecurityError as exc:
        raise TemplateFailed(
            *_where(exc, name),
            f"refused: {exc}",
            "Templates may only show the partnership's data; this one tries to reach Python itself.",
        ) from exc
    except UndefinedError as exc:
        raise TemplateFailed(
            *_where(exc, name),
            f"{exc.message} (a value the template uses is not there)",
            "Check the spelling of the value, or test for it with {% if ... is defined %}.",
        ) from exc
    except TemplateSyntaxError as exc:
        from sap_cli.store import display_path

        shown = display_path(Path(exc.filename)) if exc.filename else (exc.name or name)
        raise TemplateFailed(shown, exc.lineno, exc.message or "syntax error", fix) from exc
    except UnicodeDecodeError as exc:
        raise TemplateFailed(name, None, "the template is not UTF-8 text", "Save it as UTF-8.") from exc
    except RenderTimeout as exc:
        raise TemplateFailed(
            *_where(exc, name), f"took longer than {RENDER_SECONDS} seconds, so it was stopped", fix
        ) from exc
    except TemplateError as exc:
        raise TemplateFailed(*_where(exc, name), str(exc), fix) from exc
    except Exception as exc:  # a project template can fail in any way Python can
        raise TemplateFailed(*_where(exc, name), f"{type(exc).__name__}: {exc}", fix) from exc
    if len(text) > MAX_DOCUMENT_CHARS:
        raise TemplateFailed(
            name, None, f"made a document of more than {MAX_DOCUMENT_CHARS:,} characters", fix
        )
    return text


# ---------------------------------------------------------------- what the templates see


def default_as_of(partnership: Partnership) -> dt.date:
    """The date progress is measured at when none is given: the latest date the data records."""
    dates = [partnership.project.start]
    dates += [m.done for m in partnership.timeline.milestones if m.done]
    dates += [d.done for d in partnership.goals.deliverables if d.done]
    dates += [c.date for c in partnership.checkins]
    return max(dates)


def _due_status(due: dt.date | None, done: dt.date | None, as_of: dt.date) -> dict[str, Any]:
    if done is not None and done <= as_of:
        return {"state": "done", "label": f"done {done.isoformat()}"}
    if due is None:
        return {"state": "open", "label": "no date set"}
    days = (due - as_of).days
    if days < 0:
        return {"state": "overdue", "label": f"overdue by {-days} day" + ("" if days == -1 else "s")}
    if days == 0:
        return {"state": "due", "label": "due today"}
    return {"state": "due", "label": f"due in {days} day" + ("" if days == 1 else "s")}


def build_context(partnership: Partnership, as_of: dt.date) -> dict[str, Any]:
    """Plain data for the templates: the files as dictionaries plus a few derived views."""
    from sap_cli.model import (
        AREA_LABELS,
        CONTROL_LABELS,
        ETHICS_LABELS,
        LADDER_RUNGS,
        LEVEL_LABELS,
        PROPOSITION_LABELS,
    )

    p = partnership
    names = {partner.id: partner.name for partner in p.roles.partners}

    def who(ids: Sequence[str]) -> str:
        return ", ".join(names.get(i, i) for i in ids)

    from sap_cli.agreement import fingerprint, signing_states
    from sap_cli.meetings import ledger

    meetings = [c for c in p.checkins if c.date <= as_of]
    latest_status = dict(meetings[-1].goals) if meetings else {}
    goals = []
    for goal in p.goals.goals:
        linked = [d for d in p.goals.deliverables if goal.id in d.goals]
        goals.append(
            {
                **goal.model_dump(),
                "owner_names": who(goal.owners),
                "status": latest_status.get(goal.id),
                "deliverables_done": sum(1 for d in linked if d.done and d.done <= as_of),
                "deliverables_total": len(linked),
            }
        )
    goal_number = {goal.id: str(n) for n, goal in enumerate(p.goals.goals, start=1)}
    deliverables = [
        {
            **d.model_dump(),
            "owner_names": who(d.owners),
            "goal_numbers": ", ".join(goal_number[g] for g in d.goals if g in goal_number),
            **_due_status(d.due, d.done, as_of),
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
        "open_actions": [e.as_dict() for e in ledger(p, as_of) if e.done is None],
        "as_of": as_of,
        "fingerprint": fingerprint(p).whole,
        "signing": [{**state.as_dict(), "reason": state.reason} for state in signing_states(p)],
    }


def worksheet_prompts() -> dict[str, Any]:
    from ruamel.yaml import YAML

    path = templates_root() / "prompts" / "worksheets.yaml"
    data: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data


# ---------------------------------------------------------------- the documents


def _finish(text: str) -> str:
    """Normalise blank lines and add the marker that tells a later run the file is untouched."""
    body = re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n"
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
    return body + "\n" + MARKER.format(digest=digest) + "\n"


def render_page(project_folder: Path, template: str, context: dict[str, Any]) -> str:
    """One page from one template, with the same sandbox, time limit and marker as every document."""
    with _time_limit(RENDER_SECONDS):
        return _finish(render_template(make_environment(project_folder), template, context))


def render_documents(
    partnership: Partnership,
    which: Sequence[str] = DOCUMENTS,
    as_of: dt.date | None = None,
    private_for: str | None = None,
) -> list[Document]:
    """The documents named in `which`, rendered in memory; nothing is written."""
    with _time_limit(RENDER_SECONDS):
        return _render_all(partnership, which, as_of, private_for)


def _render_all(
    partnership: Partnership, which: Sequence[str], as_of: dt.date | None, private_for: str | None
) -> list[Document]:
    env = make_environment(partnership.folder)
    context = build_context(partnership, as_of or default_as_of(partnership))
    documents: list[Document] = []
    if "agreement" in which and private_for is None:
        documents.append(
            Document("docs/agreement.md", _finish(render_template(env, "docs/agreement.md.j2", context)))
        )
    if "worksheets" in which:
        documents.extend(_worksheets(env, context, partnership, private_for))
    if "progress" in which and private_for is None:
        documents.append(
            Document("docs/progress.md", _finish(render_template(env, "docs/progress.md.j2", context)))
        )
    return documents


def _worksheets(
    env: Environment, context: dict[str, Any], partnership: Partnership, private_for: str | None
) -> list[Document]:
    prompts = worksheet_prompts()
    readers: list[dict[str, Any] | None]
    if private_for is not None:
        reader = next((p for p in context["partners"] if p["id"] == private_for), None)
        if reader is None:
            from sap_cli.checks import did_you_mean

            known = list(context["names"])
            raise UnknownPartner(private_for, known, did_you_mean(private_for, known))
        readers = [reader]
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
                documents.append(Document(path, _finish(page)))
    return documents


# ---------------------------------------------------------------- writing and checking


def _made_by_sap_untouched(text: str) -> bool:
    match = _MARKER_RE.search(text)
    if match is None:
        return False
    body = text[: match.start()]
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16] == match["digest"]


def _state(folder: Path, doc: Document) -> str:
    """missing, current, outdated (made by sap, untouched) or edited (by hand, or not made by sap)."""
    path = folder / doc.path
    if not path.exists():
        return "missing"
    try:
        current = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return "edited"
    except OSError as exc:
        raise SapError(f"sap cannot read {doc.path}: {exc.strerror}.") from exc
    if current == doc.text:
        return "current"
    return "outdated" if _made_by_sap_untouched(current) else "edited"


def _refuse_unsafe(folder: Path, paths: Sequence[str]) -> None:
    from sap_cli.store import unsafe_reason

    reasons = [reason for path in paths if (reason := unsafe_reason(folder, path))]
    if reasons:
        raise SapError(
            "sap will not write here: " + "; ".join(reasons) + ". Nothing was written.",
            hint="Replace the link or the odd file with a plain folder or file, then run `sap render` again.",
        )


def _obsolete_worksheets(folder: Path, documents: Sequence[Document]) -> list[str]:
    """Shared worksheets sap made earlier that are no longer produced (say, a kind of partner left)."""
    produced = {doc.path for doc in documents}
    if not any(path.startswith("docs/worksheets/") for path in produced):
        return []
    folder_path = folder / "docs" / "worksheets"
    if not folder_path.is_dir() or folder_path.is_symlink():
        return []
    obsolete = []
    for path in sorted(folder_path.glob("*.md")):
        relative = f"docs/worksheets/{path.name}"
        if relative in produced or path.is_symlink() or not path.is_file():
            continue
        try:
            untouched = _made_by_sap_untouched(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            untouched = False
        if untouched:
            obsolete.append(relative)
    return obsolete


def check_documents(folder: Path, documents: Sequence[Document]) -> list[tuple[str, str]]:
    """(path, reason) for every file that does not match a fresh render; nothing is written."""
    _refuse_unsafe(folder, [doc.path for doc in documents])
    reasons = {"missing": "missing", "outdated": "out of date", "edited": "edited by hand"}
    stale = [(doc.path, reasons[state]) for doc in documents if (state := _state(folder, doc)) != "current"]
    stale += [(path, "no longer needed") for path in _obsolete_worksheets(folder, documents)]
    return stale


def write_documents(folder: Path, documents: Sequence[Document], force: bool = False) -> RenderResult:
    """Write every file that changed, all at once.

    A file edited by hand is kept exactly as it is, or with `force` first copied to a backup
    beside it (agreement.backup.md) and then replaced.
    """
    from sap_cli.store import write_temp_beside

    _refuse_unsafe(folder, [doc.path for doc in documents])
    result = RenderResult()
    pending: list[tuple[str, Path]] = []
    try:
        for doc in documents:
            state = _state(folder, doc)
            path = folder / doc.path
            if state == "current":
                result.unchanged.append(path)
            elif state == "edited" and not force:
                result.kept.append(doc.path)
            else:
                if state == "edited":
                    result.backups.append((doc.path, _back_up(folder, doc.path)))
                pending.append((write_temp_beside(path, doc.text), path))
    except BaseException:
        for tmp_name, _ in pending:
            os.unlink(tmp_name)
        raise  # an OSError names its own path; the command line says it in words
    # Every new file is complete on disk before the first one replaces an old one.
    for tmp_name, path in pending:
        os.replace(tmp_name, path)
        result.written.append(path)
    for relative in _obsolete_worksheets(folder, documents):
        (folder / relative).unlink()
        result.removed.append(relative)
    return result


def _back_up(folder: Path, relative: str) -> str:
    """Copy a hand-edited file to the first free name like agreement.backup.md; never over another file."""
    from sap_cli.store import create_exclusive

    original = Path(relative)
    data = (folder / original).read_bytes()
    for n in range(1, 1000):
        name = f"{original.stem}.backup{'' if n == 1 else f'-{n}'}{original.suffix}"
        try:
            create_exclusive(folder / original.parent / name, data)
        except FileExistsError:
            continue
        return str(original.parent / name)
    raise SapError(f"sap found no free name for a backup of {relative}; nothing was replaced.")


def render_project(
    folder: Path,
    which: Sequence[str] = DOCUMENTS,
    as_of: dt.date | None = None,
    check: bool = False,
    private_for: str | None = None,
    force: bool = False,
) -> RenderResult:
    """`sap render`: check the folder, render the documents, then write them or compare them."""
    from sap_cli.calendar_export import calendar_bytes, write_calendar  # icalendar loads only if used
    from sap_cli.checks import load_valid

    partnership = load_valid(folder)
    documents = render_documents(partnership, which, as_of, private_for)
    calendar = folder / "docs" / "calendar.ics"
    # A calendar kept in docs/ (made by `sap calendar`) is one of the documents: kept current too.
    keep_calendar = private_for is None and calendar.is_file() and not calendar.is_symlink()
    if check:
        stale = check_documents(folder, documents)
        if keep_calendar and calendar_bytes(partnership) != calendar.read_bytes():
            stale.append(("docs/calendar.ics", "the dates or names in it changed"))
        return RenderResult(stale=stale)
    result = write_documents(folder, documents, force=force)
    if keep_calendar:
        written = write_calendar(folder, partnership=partnership)
        (result.written if written.changed else result.unchanged).append(written.path)
    if private_for is not None:
        from sap_cli.gitops import gitignore_with_private
        from sap_cli.store import atomic_write

        # The promise that private/ stays out of git must hold even in a folder sap did not create.
        gitignore = gitignore_with_private(folder)
        if gitignore is not None:
            atomic_write(folder / ".gitignore", gitignore)
            result.written.append(folder / ".gitignore")
    return result
