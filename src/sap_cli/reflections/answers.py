"""Reading partners' reflections: the answers under each prompt, and what is wrong with a file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sap_cli.files.paths import first_link, read_refusal
from sap_cli.model.vocab import PHASES
from sap_cli.partnership.problems import Problem
from sap_cli.resources import worksheet_prompts

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership
    from sap_cli.model.people import Partner
    from sap_cli.partnership.problems import Problem


SHARED_FOLDER = "reflections"


PRIVATE_FOLDER = "private/reflections"


_HEADER = re.compile(r"<!--\s*sap reflection:(?P<fields>[^>]*?)-->")


_ANSWER_START = re.compile(r"^<!--\s*answer\s+(?P<id>[a-z0-9-]+)\s*-->[ \t]*$", re.MULTILINE)


_ANSWER_END = re.compile(r"^<!--\s*end answer\s*-->[ \t]*$", re.MULTILINE)


ANSWER_END = "<!-- end answer -->"


_FILE_NAME = re.compile(rf"^(?P<phase>{'|'.join(PHASES)})-(?P<partner>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


def prompt_kind(partner: Partner) -> str:
    """Students answer the student prompts; everyone else the faculty-and-staff prompts."""
    return "student" if partner.kind == "student" else "faculty"


def phase_prompts(phase: str, kind: str) -> list[dict[str, str]]:
    """The prompts of one phase for one kind of partner: id (theme-number), theme title and text."""

    return [
        {"id": f"{theme['id']}-{n}", "theme": theme["title"], "text": text}
        for theme in worksheet_prompts()[phase]["themes"]
        for n, text in enumerate(theme[kind], start=1)
    ]


def looks_back(kind: str) -> dict[str, str]:
    """End prompt id -> the start prompt id it takes up again."""

    pairs: dict[str, str] = worksheet_prompts()["end"].get("looks_back", {}).get(kind, {})
    return pairs


@dataclass
class ParsedReflection:
    """What sap could read from a reflection file, and what looked wrong (line, message, hint)."""

    phase: str | None = None
    partner: str | None = None
    listed: list[str] = field(default_factory=list)  # prompt ids the file was made with
    answers: dict[str, str] = field(default_factory=dict)  # prompt id -> answer text, stripped
    questions: dict[str, str] = field(default_factory=dict)  # prompt id -> the question above it
    issues: list[tuple[int, str, str]] = field(default_factory=list)
    # Text a partner wrote among the questions but outside every answer's marker lines, which the
    # review leaves out: (its first line, the question it is under, or None above the first one).
    stray: list[tuple[int, str | None]] = field(default_factory=list)


def _describe(phase: str | None, prompt_id: str) -> str:
    """'question 2 under "Meetings, messages and time"' for a prompt id such as communication-2."""

    theme_id, _, number = prompt_id.rpartition("-")
    themes = worksheet_prompts().get(phase or "", {}).get("themes", [])
    title = next((theme["title"] for theme in themes if theme["id"] == theme_id), None)
    return (
        f"question {number} under '{title}'" if title and number.isdigit() else f"the question '{prompt_id}'"
    )


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def parse_reflection(text: str) -> ParsedReflection:
    """The answers between the markers; anything else in the file is the partner's and is ignored."""
    parsed = ParsedReflection()
    header = _HEADER.search(text)
    if header is None:
        parsed.issues.append(
            (
                1,
                "the first line, '<!-- sap reflection: ... -->', is missing, so sap cannot tell "
                "whose answers these are",
                "Put the first line back (`git diff` shows it if the folder is in git). To keep notes of "
                "your own here, give the file another name, such as notes-<your id>.md.",
            )
        )
        return parsed
    values = dict(re.findall(r"(\w+)=(\S+)", header["fields"]))
    parsed.phase, parsed.partner = values.get("phase"), values.get("partner")
    parsed.listed = [item for item in values.get("prompts", "").split(",") if item]
    starts = list(_ANSWER_START.finditer(text))
    for index, start in enumerate(starts):
        limit = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        end = _ANSWER_END.search(text, start.end(), limit)
        prompt_id = start["id"]
        if end is None:
            parsed.issues.append(
                (
                    _line_of(text, start.start()),
                    f"the answer to {_describe(parsed.phase, prompt_id)} has no '{ANSWER_END}' line after it",
                    f"Put the line {ANSWER_END} after your answer, so sap knows where it stops.",
                )
            )
            continue
        parsed.answers[prompt_id] = text[start.end() : end.start()].strip()
        heading = [line for line in text[: start.start()].splitlines() if line.startswith("### ")]
        if heading:
            parsed.questions[prompt_id] = heading[-1][4:].strip()
    parsed.stray = _stray_text(text, starts)
    marked = {start["id"] for start in starts}
    for prompt_id in parsed.listed:
        if prompt_id not in marked:
            parsed.issues.append(
                (
                    _line_of(text, header.start()),
                    f"{_describe(parsed.phase, prompt_id)} was deleted, with its answer space",
                    "sap reads only the text between '<!-- answer "
                    f"{prompt_id} -->' and '<!-- end answer -->'. If you meant to skip the question, "
                    "you can leave the space empty instead. sap has not changed the file.",
                )
            )
    return parsed


def _stray_text(text: str, starts: list[re.Match[str]]) -> list[tuple[int, str | None]]:
    """Blocks of the partner's text among the questions that lie outside every answer space.

    Only the part from the first theme heading on is looked at: above it is sap's introduction,
    which a partner may rewrite as they like. Headings, marker lines and other HTML comments are
    sap's; any other line outside an answer space is text the review will not show.
    """
    inside: list[tuple[int, int]] = []
    for index, start in enumerate(starts):
        limit = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        end = _ANSWER_END.search(text, start.end(), limit)
        inside.append((start.start(), end.end() if end is not None else limit))
    first_heading = re.search(r"^##\s", text, re.MULTILINE)
    if first_heading is None:
        return []
    found: list[tuple[int, str | None]] = []
    question: str | None = None
    in_block = False
    offset = 0
    for line in text.splitlines(keepends=True):
        here, offset = offset, offset + len(line)
        stripped = line.strip()
        if here < first_heading.start() or any(a <= here < b for a, b in inside):
            in_block = False
            continue
        if stripped.startswith("### "):
            question = stripped[4:].strip()
        if not stripped or stripped.startswith("#") or _is_comment(stripped):
            in_block = in_block and not stripped.startswith("#") and not _is_comment(stripped)
            continue
        if not in_block:
            found.append((_line_of(text, here), question))
            in_block = True
    return found


def _is_comment(line: str) -> bool:
    return line.startswith("<!--") and line.endswith("-->")


def _linked(folder: Path, relative: str) -> str | None:
    """Why a reflection path is not read, or None: any link on the way, inside the folder or out.

    A link in reflections/ could bring another partnership's private answers, or this one's
    private/, into the shared review; private text comes only from private/, and only when asked.
    """
    refused = read_refusal(folder, relative)
    if refused is not None:
        return refused.message
    link = first_link(folder, relative)
    if link is None:
        return None
    return (
        f"{link} is a link, and sap reads reflections only from plain files in "
        f"{SHARED_FOLDER}/ and {PRIVATE_FOLDER}/, so it was left out"
    )


def _reflection_paths(folder: Path, include_private: bool) -> tuple[list[str], list[tuple[str, str]]]:
    """(readable reflection files, [(path, why it was left out)]) as relative paths."""
    found: list[str] = []
    refused: list[tuple[str, str]] = []
    for sub in (SHARED_FOLDER, *((PRIVATE_FOLDER,) if include_private else ())):
        why = _linked(folder, sub)
        if why is not None:
            refused.append((sub, why))
            continue
        where = folder / sub
        if not where.is_dir():
            continue
        for path in sorted(where.glob("*.md")):
            relative = f"{sub}/{path.name}"
            why = _linked(folder, relative)
            if why is not None:
                refused.append((relative, why))
            elif path.is_file():
                found.append(relative)
    return found, refused


def reflection_files(folder: Path, include_private: bool = True) -> list[str]:
    """Reflection files in the partnership, as relative paths; private ones only if asked.

    Links are never followed, whether they lead out of the partnership or into its private/.
    """
    return _reflection_paths(folder, include_private)[0]


def _read(folder: Path, relative: str) -> tuple[str | None, str | None]:
    """(text, None) or (None, why it cannot be read)."""
    try:
        return (folder / relative).read_bytes().decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, "this file is not UTF-8 text, so sap cannot read the answers in it"
    except OSError as exc:
        return None, f"the file cannot be read: {exc.strerror}"


def reflection_problems(folder: Path, partner_ids: set[str] | None) -> list[Problem]:
    """Warnings for `sap validate`: reflections whose prompts were deleted or whose partner is gone."""

    problems = []
    readable, refused = _reflection_paths(folder, include_private=True)
    for relative, why in refused:
        problems.append(
            Problem(
                relative,
                1,
                1,
                "warning",
                "reflection-link",
                why,
                "Replace the link with a plain file of your own answers; the review reads nothing "
                "through it.",
                folder=folder,
            )
        )
    for relative in readable:
        problems += _file_problems(folder, relative, partner_ids)
    return problems


def reflection_file_problems(folder: Path, path: Path) -> list[Problem]:
    """What `sap reflect` says when the editor closes: the warnings validate would give this file."""
    return _file_problems(folder, path.relative_to(folder).as_posix(), None)


def _file_problems(folder: Path, relative: str, partner_ids: set[str] | None) -> list[Problem]:
    problems: list[Problem] = []

    def warn(line: int, code: str, message: str, hint: str) -> None:
        problems.append(Problem(relative, line, 1, "warning", code, message, hint, folder=folder))

    text, unreadable = _read(folder, relative)
    if text is None:
        warn(1, "reflection-unreadable", str(unreadable), "Save it as UTF-8 text in your editor.")
        return problems
    named = _FILE_NAME.match(Path(relative).name)
    if named is None and _HEADER.search(text) is None:
        return problems  # a partner's own notes, not a reflection sap made
    parsed = parse_reflection(text)
    for line, message, hint in parsed.issues:
        warn(line, "reflection-marker", message, hint)
    for line, question in parsed.stray:
        under = f"under the question '{question}'" if question else "above the first question"
        warn(
            line,
            "reflection-text-outside-answers",
            f"this text, {under}, is outside the marker lines of an answer, so the review leaves it out",
            "Move it between an '<!-- answer ... -->' line and the '<!-- end answer -->' line below it, "
            "where sap reads answers; sap has not changed the file.",
        )
    if parsed.partner and named and named["partner"] != parsed.partner:
        warn(
            1,
            "reflection-not-file-name",
            f"the file is named after '{named['partner']}' but holds the answers of '{parsed.partner}'",
            f"Rename it to {parsed.phase}-{parsed.partner}.md.",
        )
    if parsed.partner and partner_ids is not None and parsed.partner not in partner_ids:
        warn(
            1,
            "reflection-of-unknown-partner",
            f"this reflection belongs to '{parsed.partner}', who is no longer in roles.yaml",
            "sap keeps the file as it is. If their id changed, correct 'partner=' in the first line and "
            "the file name; the review leaves it out until then.",
        )
    return problems


@dataclass(frozen=True)
class Answer:
    prompt_id: str
    question: str
    text: str


def read_answers(p: Partnership, include_private: bool = False) -> dict[str, dict[str, dict[str, Answer]]]:
    """partner id -> phase -> prompt id -> answer, from every readable reflection (empty answers left out).

    A shared and a private file for the same phase are both read; the private one wins a clash.
    """
    partner_ids = {partner.id for partner in p.roles.partners}
    found: dict[str, dict[str, dict[str, Answer]]] = {}
    for relative in reflection_files(p.folder, include_private):
        text, _ = _read(p.folder, relative)
        if text is None:
            continue
        parsed = parse_reflection(text)
        if parsed.partner not in partner_ids or parsed.phase not in PHASES:
            continue
        assert parsed.partner is not None and parsed.phase is not None
        phase = found.setdefault(parsed.partner, {}).setdefault(parsed.phase, {})
        for prompt_id, answer in parsed.answers.items():
            if answer:
                question = parsed.questions.get(prompt_id, prompt_id)
                phase[prompt_id] = Answer(prompt_id, question, answer)
    return found


def side_by_side(p: Partnership, include_private: bool = False) -> list[dict[str, Any]]:
    """Per partner with answers: rows pairing a start answer with the end answer that looks back on it."""
    answers = read_answers(p, include_private)
    result = []
    for partner in p.roles.partners:
        mine = answers.get(partner.id)
        if not mine:
            continue
        start, end = mine.get("start", {}), mine.get("end", {})
        pairs = {start_id: end_id for end_id, start_id in looks_back(prompt_kind(partner)).items()}
        rows = []
        used_end: set[str] = set()
        for prompt_id, answer in start.items():
            partner_end = end.get(pairs.get(prompt_id, ""))
            if partner_end is not None:
                used_end.add(partner_end.prompt_id)
            rows.append({"start": _row(answer), "end": _row(partner_end)})
        for prompt_id, answer in end.items():
            if prompt_id not in used_end:
                rows.append({"start": None, "end": _row(answer)})
        during = [_row(answer) for answer in mine.get("during", {}).values()]
        if rows or during:
            result.append(
                {
                    "partner": partner.id,
                    "name": partner.name,
                    "kind": partner.kind,
                    "rows": rows,
                    "during": during,
                }
            )
    return result


def _row(answer: Answer | None) -> dict[str, str] | None:
    return None if answer is None else {"question": answer.question, "answer": answer.text}
