"""Start a partnership: fill the five commented YAML files from a template, write them, optionally commit."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sap_cli.editor.schemas import json_schemas, schema_paths
from sap_cli.errors import InsidePartnership, ProjectExists, SapError, UnknownTemplate, UsageProblem
from sap_cli.files import git as gitops
from sap_cli.files import git_commit
from sap_cli.files.atomic import atomic_write, create_exclusive, refuse_unsafe
from sap_cli.ids import slugify
from sap_cli.model.commented import commented_yaml
from sap_cli.model.folder import FILE_MODELS
from sap_cli.model.people import RolesFile
from sap_cli.model.plan import GoalsFile, MatrixFile, ProjectFile, TimelineFile
from sap_cli.partnership.layout import PARTNERSHIP_FILES, partnership_above
from sap_cli.partnership.modeline import SCHEMA_FOLDER, with_modeline
from sap_cli.resources import bundled_yaml, kinds_folder
from sap_cli.validation.check import check_folder
from sap_cli.validation.custom_values import CustomPlan, plan_custom
from sap_cli.words import did_you_mean, display_path

FILE_HEADINGS: dict[str, list[str]] = {
    "project.yaml": [
        "project.yaml: what this partnership is, why you are doing it together, and the terms",
        "you agree to. Lines starting with # are notes for you; sap ignores them and keeps them.",
        "Empty fields are fine while you talk things through. Check your edits: sap validate",
    ],
    "roles.yaml": [
        "roles.yaml: who the partners are and what each has agreed to do.",
        "Other files refer to partners by their id.",
    ],
    "goals.yaml": [
        "goals.yaml: the goals you share, what each partner hopes to get out of the project,",
        "and the concrete things you will produce.",
    ],
    "timeline.yaml": [
        "timeline.yaml: the milestones of the project, with their dates.",
    ],
    "matrix.yaml": [
        "matrix.yaml: how students take part at each stage of the project, after Bovill's (2017)",
        "participation matrix: inform, consult, participate or partnership, and who holds control.",
        "Plan it at the start; fill in `enacted` as the project goes, to see what really happened.",
    ],
}


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    label: str
    description: str


@dataclass
class InitRequest:
    """What `sap init` was asked for; every field has a flag and a wizard question."""

    folder: Path
    title: str
    template: str = "blank"
    students: Sequence[str] = ()
    faculty: Sequence[str] = ()
    staff: Sequence[str] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    cadence: str | None = None
    git: bool = False
    custom: Sequence[str] = ()  # --custom NAME=VALUE, for the programme.yaml above the folder


@dataclass
class Created:
    folder: Path
    files: list[Path] = field(default_factory=list)
    schemas: list[Path] = field(default_factory=list)  # .sap/schema/, for editors
    committed: bool = False
    partners: list[tuple[str, str]] = field(default_factory=list)  # (id, name), as roles.yaml lists them
    custom_missing: list[str] = field(default_factory=list)  # required by programme.yaml, left empty


def list_templates() -> list[TemplateInfo]:
    """The partnership templates sap ships, blank first."""
    infos = []
    for entry in kinds_folder().iterdir():
        if entry.name.endswith(".yaml"):
            data = bundled_yaml(f"kinds/{entry.name}")
            infos.append(TemplateInfo(entry.name[: -len(".yaml")], data["label"], data["description"]))
    return sorted(infos, key=lambda info: (info.name != "blank", info.name))


def load_template(name: str) -> dict[str, Any]:
    entry = kinds_folder() / f"{name}.yaml"
    if not entry.is_file():
        known = [info.name for info in list_templates()]
        raise UnknownTemplate(name, known, did_you_mean(name, known))
    data: dict[str, Any] = bundled_yaml(f"kinds/{name}.yaml")
    return data


def _partners(request: InitRequest, roles: dict[str, Any]) -> list[dict[str, Any]]:
    partners: list[dict[str, Any]] = []
    taken: set[str] = set()
    for kind, names in (
        ("student", request.students),
        ("faculty", request.faculty),
        ("staff", request.staff),
    ):
        defaults = roles.get(kind) or {}
        for name in names:
            # A name in any script gets an id made from it (王芳: wang-fang); one with no letters, student-2.
            base = slugify(name) or f"{kind}-{sum(p['kind'] == kind for p in partners) + 1}"
            partner_id, n = base, 2
            while partner_id in taken:
                partner_id, n = f"{base}-{n}", n + 1
            taken.add(partner_id)
            partners.append(
                {
                    "id": partner_id,
                    "name": name.strip(),
                    "kind": kind,
                    "role": defaults.get("role"),
                    "responsibilities": list(defaults.get("responsibilities") or []),
                }
            )
    return partners


def _owners(token: str, partners: list[dict[str, Any]]) -> list[str]:
    """Turn a template's 'everyone' / 'students' / 'faculty' / 'staff' into partner ids."""
    by_kind = {
        "students": ["student"],
        "faculty": ["faculty", "staff"],
        "staff": ["staff", "faculty"],
        "everyone": ["student", "faculty", "staff", "other"],
    }.get(token, [])
    if token == "everyone":
        return [p["id"] for p in partners]
    for kind in by_kind:  # fall back to the nearest kind present
        ids = [p["id"] for p in partners if p["kind"] == kind]
        if ids:
            return ids
    return []


STUDENT_COUNT = " (n={students})"  # in a template's matrix: the number of student partners named


def _count_students(matrix: dict[str, Any], students: Sequence[str]) -> dict[str, Any]:
    """The template's matrix with "(n={students})" as the number of student partners, or left out if none."""
    shown = f" (n={len(students)})" if students else ""
    stages = []
    for stage in matrix.get("stages") or []:
        involvements = [
            {**inv, "who": inv["who"].replace(STUDENT_COUNT, shown)}
            if isinstance(inv.get("who"), str)
            else inv
            for inv in stage.get("involvements") or []
        ]
        stages.append({**stage, "involvements": involvements} if "involvements" in stage else stage)
    return {**matrix, "stages": stages} if "stages" in matrix else matrix


def build_files(request: InitRequest, today: dt.date, plan: CustomPlan | None = None) -> dict[str, str]:
    """Each new file's text, validated then written with comments; `plan`: project.yaml's `custom:`."""

    template = load_template(request.template)
    start = request.start or today
    end = request.end or start + dt.timedelta(weeks=int(template["weeks"]))
    if end < start:
        started = "" if request.start else " (today, as no start date was given)"
        raise UsageProblem(
            f"the end date {end} is before the start date {start}{started}",
            hint="Give both --start and --end as YYYY-MM-DD.",
        )
    partners = _partners(request, template.get("roles") or {})

    def week(n: int) -> dt.date:
        return min(start + dt.timedelta(weeks=n), end)

    project = ProjectFile.model_validate(
        {
            "title": request.title.strip(),
            "summary": template.get("summary"),
            "areas": template.get("areas") or [],
            "why_partnership": template.get("why_partnership"),
            "values": template.get("values") or [],
            "propositions": template.get("propositions") or [],
            "start": start,
            "end": end,
            "cadence": request.cadence or template.get("cadence"),
            "review_date": start + (end - start) / 2,
            "terms": template.get("terms") or {},
        }
    )
    roles = RolesFile.model_validate({"partners": partners})
    goals = GoalsFile.model_validate(
        {
            "goals": [
                {**g, "owners": _owners(g.get("owners", "everyone"), partners)}
                for g in template.get("goals") or []
            ],
            "own_objectives": {p["id"]: [] for p in partners},
            "deliverables": [
                {
                    "id": d["id"],
                    "title": d["title"],
                    "goals": d.get("goals") or [],
                    "owners": _owners(d.get("owners", "everyone"), partners),
                    "due": week(d["due_week"]),
                }
                for d in template.get("deliverables") or []
            ],
        }
    )
    timeline = TimelineFile.model_validate(
        {
            "milestones": [
                {
                    "id": m["id"],
                    "title": m["title"],
                    "due": week(m["week"]),
                    "deadline": m.get("deadline", "soft"),
                    "goals": m.get("goals") or [],
                    "owners": _owners(m.get("owners", "everyone"), partners),
                    "completes": m.get("completes") or [],
                }
                for m in template.get("milestones") or []
            ]
        }
    )
    matrix = MatrixFile.model_validate(_count_students(template.get("matrix") or {}, request.students))
    records = {
        "project.yaml": project,
        "roles.yaml": roles,
        "goals.yaml": goals,
        "timeline.yaml": timeline,
        "matrix.yaml": matrix,
    }
    texts = {}
    for name, record in records.items():
        data = record.model_dump(mode="python", exclude_none=False)
        if name == "matrix.yaml" and data.get("ladder") is None:
            data.pop("ladder")
        if block := plan.block() if plan is not None and name == "project.yaml" else "":
            data.pop("custom")  # the last field, written with a note on each programme field
        texts[name] = commented_yaml(FILE_MODELS[name], data, FILE_HEADINGS[name]) + block
    return texts


def _existing_partnership_files(folder: Path) -> list[str]:
    return [name for name in PARTNERSHIP_FILES if (folder / name).exists()]


def holds_partnership(folder: Path) -> bool:
    return bool(_existing_partnership_files(folder))


def refuse_inside_partnership(folder: Path) -> None:
    """InsidePartnership when `folder` lies inside another partnership, which would then hold two."""
    around = partnership_above(folder)
    if around is None:
        return
    title = None
    with contextlib.suppress(OSError, UnicodeDecodeError):
        found = re.search(r"^title:[ \t]*(.+?)[ \t]*$", (around / "project.yaml").read_text("utf-8"), re.M)
        title = found[1].strip("'\"") if found else None
    raise InsidePartnership(Path(display_path(folder)), around.resolve(), title)


def _check_folder_is_usable(folder: Path) -> None:
    """Refuse, before anything is written, a target that is or sits inside a file."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            if not candidate.is_dir():
                raise SapError(
                    f"{display_path(candidate)} is a file, not a folder, so sap cannot create "
                    f"{display_path(folder)} there.",
                    hint="Choose another folder name.",
                )
            return


def create_partnership(request: InitRequest, today: dt.date | None = None) -> Created:
    """Write a new partnership folder; refuse, changing nothing, if one is already there."""

    folder = request.folder
    _check_folder_is_usable(folder)
    clashes = _existing_partnership_files(folder)
    if clashes:
        raise ProjectExists(folder, clashes)
    refuse_inside_partnership(folder)
    if request.git:
        gitops.require_can_start(folder)
    plan = plan_custom(folder, request.custom)
    texts = build_files(request, today or dt.date.today(), plan)
    gitignore = gitops.gitignore_with_private(folder)
    # An existing folder may hold links (a linked .sap/schema/); nothing is written through one.
    refuse_unsafe(
        folder,
        [*texts, *schema_paths(), ".gitignore"],
    )

    created = Created(folder, partners=[(p["id"], p["name"]) for p in _partners(request, {})])
    written = _what_init_will_write(folder, gitignore)
    try:
        for name, text in texts.items():
            path = folder / name
            create_exclusive(path, with_modeline(text, Path(name)))
            created.files.append(path)
        for name, text in json_schemas().items():
            path = folder / SCHEMA_FOLDER / name
            atomic_write(path, text)  # sap's own files, the same for every partnership
            created.schemas.append(path)
        if gitignore is not None:
            atomic_write(folder / ".gitignore", gitignore)
    except BaseException as exc:
        # All or nothing: a clash, a full disk or Ctrl-C leaves the folder as it was.
        for path in [*created.files, *created.schemas]:
            path.unlink()
        for empty in (folder / SCHEMA_FOLDER, folder / SCHEMA_FOLDER.parent):
            with contextlib.suppress(OSError):
                empty.rmdir()
        if isinstance(exc, FileExistsError):
            raise ProjectExists(folder, [Path(str(exc.filename)).name]) from exc
        if isinstance(exc, OSError):
            raise SapError(
                f"sap could not write to {display_path(folder)}: {exc.strerror}; nothing was changed.",
                hint="Check that the folder is writable and the disk has space.",
            ) from exc
        raise
    if gitignore is not None:
        created.files.append(folder / ".gitignore")

    report = check_folder(folder)
    errors = [p for p in report.errors if p.code != "custom-missing"]  # left for partners to fill in
    if errors:  # the template or the flags produced something the schema rejects
        first = errors[0]
        raise SapError(
            f"sap made {display_path(first.path)} but it does not pass its own check: {first.message}",
            hint="This is a bug in sap; please report it with the command you ran.",
        )
    created.custom_missing = [] if plan is None else plan.missing
    if request.git:
        _first_commit(created, written, request.title)
    return created


def _first_commit(created: Created, written: git_commit.Written, title: str) -> None:
    """Commit what init wrote; a refused commit takes back every file and folder init made."""
    written.created = [p for p in [*created.files, *created.schemas] if p not in written.replaced]
    git_commit.commit_new(created.folder, written, f"Start the partnership: {title.strip()}")
    created.committed = True


def _what_init_will_write(folder: Path, gitignore: bytes | None) -> git_commit.Written:
    """The folders init will make, and the files it will replace with their bytes now (for --git)."""
    written = git_commit.Written()
    for made in (folder, *folder.parents):
        if made.exists():
            break
        written.folders.insert(0, made)
    for made in (folder / SCHEMA_FOLDER.parent, folder / SCHEMA_FOLDER):
        if not made.exists():
            written.folders.append(made)
    for name, text in json_schemas().items():
        path = folder / SCHEMA_FOLDER / name
        if path.is_file():
            written.replaced[path] = (path.read_bytes(), text.encode("utf-8"))
    if gitignore is not None and (folder / ".gitignore").is_file():
        written.replaced[folder / ".gitignore"] = ((folder / ".gitignore").read_bytes(), gitignore)
    return written


DEFAULT_TEMPLATE = "blank"


def default_folder(title: str) -> Path:
    """The folder `sap init` creates when none is given: a name made from the title."""
    return Path(slugify(title) or "partnership")


def with_init_defaults(request: InitRequest, folder_given: bool) -> InitRequest:
    """`sap init`'s defaults for what neither the flags nor the questions gave.

    The blank template, and a folder named from the title unless a folder was given (`.` included).
    """
    folder = request.folder
    if not folder_given and folder == Path():
        folder = default_folder(request.title)
    return replace(request, template=request.template or DEFAULT_TEMPLATE, folder=folder)
