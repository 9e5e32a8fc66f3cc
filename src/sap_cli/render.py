"""Turn a valid partnership into Markdown documents through Jinja, built-in or overridden per project."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.errors import SapError
from sap_cli.resources import templates_root

if TYPE_CHECKING:
    from jinja2 import Environment

    from sap_cli.model import Partnership

DOCUMENTS = ("agreement", "worksheets", "progress")
PHASES = ("start", "during", "end")
WORKSHEET_KINDS = {"student": "student partners", "faculty": "faculty and staff partners"}
MARKER = "<!-- Made by `sap render` from the partnership files: edit those, not this page. sap:{digest} -->"
_MARKER_RE = re.compile(r"\n?<!-- Made by `sap render`.* sap:(?P<digest>[0-9a-f]{16}) -->\n?\Z")


class TemplateFailed(SapError):
    """A template could not be rendered; names the template, its line and what went wrong."""

    def __init__(self, template: str, line: int | None, problem: str, hint: str) -> None:
        where = f"{template}:{line}" if line else template
        super().__init__(f"{where}: {problem}", hint=hint)
        self.template = template
        self.line = line


class HandEdited(SapError):
    """Files in docs/ that someone changed by hand (or that sap did not make); sap will not replace them."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__(
            "These files were changed by hand or were not made by sap: "
            + ", ".join(paths)
            + ". Nothing was written.",
            hint="Put lasting changes in the YAML files (or a template in the project's templates/ "
            "folder), then move or delete these files and run `sap render` again.",
        )
        self.paths = paths


class UnknownPartner(SapError):
    def __init__(self, partner_id: str, known: list[str], suggestion: str | None) -> None:
        guess = f" Did you mean '{suggestion}'?" if suggestion else ""
        super().__init__(
            f"There is no partner with id '{partner_id}'.{guess}", hint="Partners: " + ", ".join(known)
        )


@dataclass(frozen=True)
class Document:
    """One rendered file, its path relative to the partnership folder."""

    path: str
    text: str


@dataclass
class RenderResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


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


def _gantt_text(value: object) -> str:
    """A Mermaid gantt task name: its syntax gives ':', ';' and '#' meanings of their own."""
    return re.sub(r"[:;#]", " ", str(value)).strip() or "untitled"


def _number(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def make_environment(project_folder: Path | None) -> Environment:
    """Built-in templates, overridden by same-named files in <project>/templates/, always sandboxed.

    The sandbox matters because a partnership folder may be cloned from someone else: its
    templates must not be able to reach Python objects, run code or read files.
    """
    from jinja2 import ChoiceLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loaders = []
    if project_folder is not None and (project_folder / "templates").is_dir():
        loaders.append(_contained_loader(project_folder / "templates"))
    loaders.append(_contained_loader(Path(str(templates_root()))))
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["cell"] = _cell
    env.filters["gantt"] = _gantt_text
    env.filters["number"] = _number
    return env


def _template_line(exc: BaseException, template: str) -> int | None:
    """The line in the template where rendering stopped, from Jinja's rewritten traceback."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.endswith(".py"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_template(env: Environment, name: str, context: dict[str, Any]) -> str:
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    try:
        return env.get_template(name).render(context)
    except TemplateNotFound as exc:
        raise TemplateFailed(name, None, f"template '{exc.name}' was not found", "Check the name.") from exc
    except SecurityError as exc:
        raise TemplateFailed(
            getattr(exc, "filename", None) or name,
            _template_line(exc, name),
            f"refused: {exc}",
            "Templates may only show the partnership's data; this one tries to reach Python itself.",
        ) from exc
    except UndefinedError as exc:
        raise TemplateFailed(
            name,
            _template_line(exc, name),
            f"{exc.message} (a value the template uses is not there)",
            "Check the spelling of the value, or test for it with {% if ... is defined %}.",
        ) from exc
    except TemplateSyntaxError as exc:
        raise TemplateFailed(
            exc.filename or exc.name or name, exc.lineno, exc.message or "syntax error", "Fix the template."
        ) from exc
    except TemplateError as exc:
        raise TemplateFailed(name, _template_line(exc, name), str(exc), "Fix the template.") from exc
    except Exception as exc:  # a project template can fail in any way Python can
        raise TemplateFailed(
            name, _template_line(exc, name), f"{type(exc).__name__}: {exc}", "Fix the template."
        ) from exc


# ---------------------------------------------------------------- what the templates see


def default_as_of(partnership: Partnership) -> dt.date:
    """The date progress is measured at when none is given: the latest date the data records."""
    dates = [partnership.project.start]
    dates += [m.done for m in partnership.timeline.milestones if m.done]
    dates += [d.done for d in partnership.goals.deliverables if d.done]
    return max(dates)


def _due_status(due: dt.date | None, done: dt.date | None, as_of: dt.date) -> dict[str, Any]:
    if done is not None:
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

    goals = []
    for goal in p.goals.goals:
        linked = [d for d in p.goals.deliverables if goal.id in d.goals]
        goals.append(
            {
                **goal.model_dump(),
                "owner_names": who(goal.owners),
                "deliverables_done": sum(1 for d in linked if d.done),
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
        "as_of": as_of,
    }


def _worksheet_prompts() -> dict[str, Any]:
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


def render_documents(
    partnership: Partnership,
    which: Sequence[str] = DOCUMENTS,
    as_of: dt.date | None = None,
    private_for: str | None = None,
) -> list[Document]:
    """The documents named in `which`, rendered in memory; nothing is written."""
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
    prompts = _worksheet_prompts()
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


def stale_documents(folder: Path, documents: Sequence[Document]) -> list[str]:
    """Paths whose file is missing or differs from a fresh render."""
    stale = []
    for doc in documents:
        path = folder / doc.path
        try:
            current = path.read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            current = None
        if current != doc.text:
            stale.append(doc.path)
    return stale


def write_documents(folder: Path, documents: Sequence[Document]) -> RenderResult:
    """Write what changed, atomically; refuse (writing nothing) if any target was edited by hand."""
    from sap_cli.store import atomic_write

    result = RenderResult()
    edited = []
    for doc in documents:
        path = folder / doc.path
        if path.exists():
            try:
                current = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                current = ""
            if current != doc.text and not _made_by_sap_untouched(current):
                edited.append(doc.path)
    if edited:
        raise HandEdited(edited)
    for doc in documents:
        path = folder / doc.path
        if path.exists() and path.read_text(encoding="utf-8") == doc.text:
            result.unchanged.append(path)
            continue
        atomic_write(path, doc.text)
        result.written.append(path)
    return result


def render_project(
    folder: Path,
    which: Sequence[str] = DOCUMENTS,
    as_of: dt.date | None = None,
    check: bool = False,
    private_for: str | None = None,
) -> RenderResult:
    """`sap render`: check the folder, render the documents, then write them or compare them."""
    from sap_cli.checks import check_folder
    from sap_cli.errors import InvalidProject

    report = check_folder(folder)
    if report.partnership is None:
        raise InvalidProject(folder, report)
    documents = render_documents(report.partnership, which, as_of, private_for)
    if check:
        return RenderResult(stale=stale_documents(folder, documents))
    return write_documents(folder, documents)
