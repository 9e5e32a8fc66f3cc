"""A fuzz harness: broken copies of real partnership files through every command that reads or edits.

Used by tests/test_fuzz.py (a fixed seed, a small budget) and benchmarks/fuzz.py (long runs). Each
mutant is one example partnership with one YAML file changed by one to three seeded mutations that
matter for YAML (tabs, tags, anchors and merge keys, odd line ends, strange characters, impossible
dates, truncation...). Each corpus case is a file from PyYAML's own test data placed as one file of
a partnership. Every command then runs in-process (typer's CliRunner) and is held to sap's promises:

- it ends with exit 0, 1 or 2 and no escaped exception or printed traceback;
- a read command changes no byte of the folder (render, report and calendar write only into docs/);
- an edit (checkin --done, sign, upgrade) changes only the lines it means to change, each other
  line byte for byte with its own line end;
- every position it reports (path:line:col) is inside the file as it was;
- and the slowest run is recorded (measured, never asserted here).

A failure is keyed by its cause (the exception and the sap function it escaped from, or the promise
broken), so a long run can be triaged by counting causes.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import random
import re
import shutil
import tempfile
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from typer.testing import CliRunner

from sap_cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FORMAT_1 = ROOT / "tests" / "fixtures" / "format-1" / "course-redesign"
CORPUS = ROOT / "tests" / "fixtures" / "yaml-corpus"
CORPUS_SUFFIXES = (".data", ".canonical", ".loader-error", ".error", ".single-loader-error", ".stream-error")

# Where a partnership folder of the harness lives: short, so printed paths stay on one line.
FOLDER_NAME = "p"
ON = "2026-03-20"  # the day given to every command that takes --date, so runs repeat exactly
GROSSLY_SLOW = 30.0  # seconds; the promise is 10 s, measured by benchmarks/fuzz.py


def bases() -> list[Path]:
    """The folders mutants start from: each example, and a partnership in the first file format."""
    found = sorted(p for p in EXAMPLES.iterdir() if (p / "project.yaml").is_file())
    return [*found, FORMAT_1]


def yaml_files(folder: Path) -> list[str]:
    """Every YAML file of a partnership (plan files, check-ins, signatures), relative to it."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*.yaml")
        if ".sap" not in p.relative_to(folder).parts
    )


# ---------------------------------------------------------------- mutations

Mutation = Callable[[str, random.Random], str | bytes]

TOKENS = [
    ": ", ":", "- ", "-", "? ", "&a ", "*a", "<<: *a", "!!int ", "!!float ", "!!bool ", "!!timestamp ",
    "!!str ", "!!null ", "!!binary ", "!!set ", "!local ", '"', "'", "|", ">", "# ", "{", "}", "[", "]",
    ",", "%", "@", "`", "\t", " ",
]  # fmt: skip
ODD_CHARACTERS = [
    "\u2028", "\u2029", "\u0085", "\u00a0", "\u200b", "\u200d", "\ufeff", "\u202e", "\x00", "\x1b",
    "\x7f", "\x0b", "\x0c", "\ue000", "\U0001f600", "\u0301",
]  # fmt: skip
ESCAPES = [r'"\ud800"', r'"x\udfff y"', r'"\u00e9"', r'"\x85"', r'"\u2028"', r'"\0"', r'"\e[31m"', r'"\N"']
BAD_NUMBERS = [
    "9" * 400, "-" + "9" * 5000, "1e999", "-1e999", ".nan", ".inf", "-.inf", "0x" + "f" * 300, "1_000",
    "0o777", "-0", "+12", "1.5e-400", "12:30:00", "0b101",
]  # fmt: skip
BAD_TIMES = [
    "2026-02-30", "2026-13-01", "2026-00-10", "2026-03-04T25:00:00", "2026-03-04 25:00:00",
    "2026-03-04T12:61:00", "2026-03-04T23:59:60Z", "0000-01-01", "9999-12-31T23:59:59+25:00",
    "2026-3-4", "2026-03-04t10:00:00.123456789", "12026-01-01",
]  # fmt: skip
NON_UTF8 = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe9", b"\x80\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf"]

_VALUE = re.compile(r"^(?P<head>\s*(?:- )?[\w-]+:)(?P<gap> +)(?P<value>\S.*?)(?P<end>\r?\n|\r)?$")


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) or [""]


def _pick(lines: list[str], rng: random.Random) -> int:
    return rng.randrange(len(lines))


def _value_lines(lines: list[str]) -> list[int]:
    return [n for n, line in enumerate(lines) if _VALUE.match(line)]


def _replace_value(text: str, rng: random.Random, new: Callable[[str], str]) -> str:
    """Replace the value of one `key: value` line, keeping its key and line end."""
    lines = _lines(text)
    candidates = _value_lines(lines)
    if not candidates:
        return text + new("x") + "\n"
    n = rng.choice(candidates)
    match = _VALUE.match(lines[n])
    assert match is not None
    lines[n] = f"{match['head']}{match['gap']}{new(match['value'])}{match['end'] or ''}"
    return "".join(lines)


def delete_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    del lines[_pick(lines, rng)]
    return "".join(lines)


def duplicate_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    n = _pick(lines, rng)
    lines.insert(n, lines[n] if lines[n].endswith(("\n", "\r")) else lines[n] + "\n")
    return "".join(lines)


def swap_lines(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    a, b = _pick(lines, rng), _pick(lines, rng)
    lines[a], lines[b] = lines[b], lines[a]
    return "".join(lines)


def insert_token(text: str, rng: random.Random) -> str:
    """A YAML indicator or tag at a random place of a random line."""
    lines = _lines(text)
    n = _pick(lines, rng)
    line = lines[n]
    at = rng.randrange(len(line.rstrip("\r\n")) + 1)
    lines[n] = line[:at] + rng.choice(TOKENS) + line[at:]
    return "".join(lines)


def tab_in(text: str, rng: random.Random) -> str:
    """A tab where YAML forbids or distrusts one: in the indentation, after a colon, after a dash."""
    lines = _lines(text)
    n = _pick(lines, rng)
    line = lines[n]
    choice = rng.randrange(3)
    if choice == 0 and line.startswith(" "):
        lines[n] = "\t" + line.lstrip(" ")
    elif choice == 1 and ": " in line:
        lines[n] = line.replace(": ", ":\t", 1)
    else:
        lines[n] = line.replace("- ", "-\t", 1) if "- " in line else "\t" + line
    return "".join(lines)


def tag_value(text: str, rng: random.Random) -> str:
    tag = rng.choice(["!!int", "!!float", "!!bool", "!!timestamp", "!!str", "!!null", "!!map", "!!seq"])
    return _replace_value(text, rng, lambda v: f"{tag} {v}")


def anchor_and_merge(text: str, rng: random.Random) -> str:
    """An anchor on one value and an alias or a merge key `<<: *a` on a later line."""
    lines = _lines(text)
    candidates = _value_lines(lines)
    if len(candidates) < 2:
        return text + "<<: *a\n"
    first, second = sorted(rng.sample(candidates, 2))
    lines[first] = re.sub(r":( +)", r":\1&a ", lines[first], count=1)
    indent = re.match(r"\s*(?:- )?", lines[second])
    pad = " " * (indent.end() if indent else 0)
    how = rng.randrange(3)
    if how == 0:
        lines.insert(second + 1, f"{pad}<<: *a\n")
    elif how == 1:
        lines[second] = re.sub(r":( +).*", r":\1*a", lines[second].rstrip("\r\n"), count=1) + "\n"
    else:
        lines.insert(second + 1, f"{pad}<<: [*a, *a]\n")
    return "".join(lines)


def quote_value(text: str, rng: random.Random) -> str:
    how = rng.randrange(4)
    if how == 0:
        return _replace_value(text, rng, lambda v: '"' + v)
    if how == 1:
        return _replace_value(text, rng, lambda v: "'" + v.replace("'", "''") + "'")
    if how == 2:
        return _replace_value(text, rng, lambda v: rng.choice(ESCAPES))
    return _replace_value(text, rng, lambda v: '"' + v + rng.choice(ESCAPES)[1:])


def block_scalar(text: str, rng: random.Random) -> str:
    """A value turned into a `|` or `>` block whose lines are indented oddly."""
    header = rng.choice(["|", ">", "|-", ">+", "|2", ">9", "|+1", "| # note"])
    pads = [rng.choice([0, 1, 2, 3, 4, 5, 8]) for _ in range(rng.randrange(1, 5))]
    body = "".join(" " * pad + rng.choice(["line", "", "  ", "- x", "k: v", "\t"]) + "\n" for pad in pads)
    return _replace_value(text, rng, lambda v: header + "\n" + body.rstrip("\n"))


def odd_character(text: str, rng: random.Random) -> str:
    """A character that looks like nothing or like a line break: LS, PS, NEL, NBSP, zero-width, BOM..."""
    at = rng.randrange(len(text) + 1)
    return text[:at] + rng.choice(ODD_CHARACTERS) + text[at:]


def line_ends(text: str, rng: random.Random) -> str:
    """Mixed CRLF, CR and LF line ends, or the whole file in one of them."""
    lines = _lines(text)
    how = rng.randrange(4)
    if how == 0:
        return "".join(line.rstrip("\r\n") + "\r\n" for line in lines)
    if how == 1:
        return "".join(line.rstrip("\r\n") + "\r" for line in lines)
    for n in rng.sample(range(len(lines)), max(1, len(lines) // 4)):
        lines[n] = lines[n].rstrip("\r\n") + rng.choice(["\r\n", "\r", "\n\r"])
    return "".join(lines)


def document_markers(text: str, rng: random.Random) -> str:
    """A comment above `---`, a `%YAML` directive, a trailing `...`, or a second document."""
    how = rng.randrange(6)
    if how == 0:
        return "# kept by hand\n---\n" + text
    if how == 1:
        return "%YAML 1.2\n---\n" + text
    if how == 2:
        return text + ("" if text.endswith("\n") else "\n") + "...\n"
    if how == 3:
        return "%YAML 1.1\n%TAG !e! tag:example.com,2000:\n# note\n--- # here\n" + text + "...\n# after\n"
    if how == 4:
        return text + "---\nsecond: document\n"
    return "\ufeff" + text


def bad_number(text: str, rng: random.Random) -> str:
    return _replace_value(text, rng, lambda v: rng.choice(BAD_NUMBERS))


def bad_time(text: str, rng: random.Random) -> str:
    """An impossible date or time in place of a date, or of any value."""
    dates = list(re.finditer(r"\d{4}-\d{2}-\d{2}", text))
    if dates and rng.random() < 0.7:
        found = rng.choice(dates)
        return text[: found.start()] + rng.choice(BAD_TIMES) + text[found.end() :]
    return _replace_value(text, rng, lambda v: rng.choice(BAD_TIMES))


def long_line(text: str, rng: random.Random) -> str:
    """A value over 4,096 characters: one word, many words, or a long flow list."""
    how = rng.randrange(3)
    if how == 0:
        long = "x" * rng.randrange(4097, 20_000)
    elif how == 1:
        long = " ".join(["word"] * rng.randrange(900, 3000))
    else:
        long = "[" + ", ".join(["item"] * rng.randrange(900, 2000)) + "]"
    return _replace_value(text, rng, lambda v: long)


def deep_nesting(text: str, rng: random.Random) -> str:
    depth = rng.choice([30, 100, 500, 2000, 10_000])
    how = rng.randrange(3)
    if how == 0:
        return _replace_value(text, rng, lambda v: "[" * depth + "]" * depth)
    if how == 1:
        return _replace_value(text, rng, lambda v: "{a: " * depth + "b" + "}" * depth)
    nested = "".join(" " * (2 * n) + f"k{n}:\n" for n in range(min(depth, 300)))
    return text + ("" if text.endswith("\n") else "\n") + nested


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def non_utf8(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(NON_UTF8) + data[at:]


TEXT_MUTATIONS: dict[str, Mutation] = {
    "delete-line": delete_line,
    "duplicate-line": duplicate_line,
    "swap-lines": swap_lines,
    "insert-token": insert_token,
    "tab": tab_in,
    "tag": tag_value,
    "anchor-merge": anchor_and_merge,
    "quote": quote_value,
    "block-scalar": block_scalar,
    "odd-character": odd_character,
    "line-ends": line_ends,
    "document-markers": document_markers,
    "bad-number": bad_number,
    "bad-time": bad_time,
    "long-line": long_line,
    "deep-nesting": deep_nesting,
}
BYTE_MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncate": truncate,
    "non-utf8": non_utf8,
}
MUTATION_NAMES = [*TEXT_MUTATIONS, *BYTE_MUTATIONS]


def mutate(data: bytes, names: list[str], rng: random.Random) -> bytes:
    """Apply each named mutation in turn (text ones on the text as decoded, keeping bad bytes)."""
    for name in names:
        if name in BYTE_MUTATIONS:
            data = BYTE_MUTATIONS[name](data, rng)
            continue
        text = data.decode("utf-8", errors="surrogateescape")
        changed = TEXT_MUTATIONS[name](text, rng)
        data = changed if isinstance(changed, bytes) else changed.encode("utf-8", errors="surrogateescape")
    return data


@dataclass(frozen=True)
class Case:
    """One broken folder: a base partnership with one file's bytes replaced."""

    name: str
    base: Path
    relative: str
    data: bytes


def make_mutant(seed: int, index: int) -> Case:
    """Mutant `index` of a run seeded `seed`: the same pair gives the same bytes on any machine."""
    rng = random.Random(f"{seed}:{index}")
    base = rng.choice(bases())
    relative = rng.choice(yaml_files(base))
    names = rng.sample(MUTATION_NAMES, rng.choices([1, 2, 3], weights=[6, 3, 1])[0])
    data = mutate((base / relative).read_bytes(), names, rng)
    return Case(f"mutant {seed}:{index} {base.name}/{relative} {'+'.join(names)}", base, relative, data)


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.name.endswith(CORPUS_SUFFIXES))


CORPUS_PLACES = ["project.yaml", "roles.yaml", "matrix.yaml", "checkins/2026-03-03-redesign-plan.yaml"]


def corpus_cases() -> Iterator[Case]:
    """Each corpus file as project.yaml, roles.yaml, matrix.yaml and a check-in of a partnership."""
    base = EXAMPLES / "course-redesign"
    for path in corpus_files():
        for relative in CORPUS_PLACES:
            yield Case(f"corpus {path.name} as {relative}", base, relative, path.read_bytes())


# ---------------------------------------------------------------- commands

READS = ["validate", "status", "actions", "render", "report", "calendar"]
EDITS = ["checkin --done", "sign", "upgrade"]
COMMANDS = [*READS, *EDITS]
WRITES_DOCS = {"render", "report", "calendar"}

_ACTION_ID = re.compile(rb"^[ \t]*(?:- )?[ \t]*id:[ \t]*['\"]?([0-9]{4}-[0-9]{2}-[0-9]{2}-[\w-]*-a\d+)", re.M)
_PARTNER_ID = re.compile(rb"^[ \t]*- [ \t]*id:[ \t]*['\"]?([a-z0-9][a-z0-9-]*)", re.M)


def _first_id(pattern: re.Pattern[bytes], *texts: bytes) -> str:
    for text in texts:
        for found in pattern.finditer(text):
            return found[1].decode(errors="replace")
    return "nobody"


def _open_action(*texts: bytes) -> str | None:
    """The id of an action with no `done` date, from the first of `texts` that parses."""
    from ruamel.yaml import YAML

    for text in texts:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a reused anchor in a mutant: sap's to report, not ours
                record = YAML(typ="safe", pure=True).load(text)
            for action in record.get("actions") or []:
                if (
                    isinstance(action, dict)
                    and action.get("done") is None
                    and isinstance(action.get("id"), str)
                ):
                    return str(action["id"])
        except Exception:  # a mutant need not parse; the next text may
            continue
    return None


def arguments(command: str, files: dict[str, bytes], case: Case) -> list[str]:
    """The command line for `command` on the folder, with an action id or partner id that parses."""
    folder = FOLDER_NAME
    if command == "validate":
        return ["validate", folder, "--format", "json"]
    if command in ("status", "actions"):
        return [
            command,
            folder,
            "--format",
            "json",
            "--date",
            ON,
            *(["--done"] if command == "actions" else []),
        ]
    if command == "render":
        return ["render", folder, "--date", ON]
    if command in ("report", "calendar"):
        return [command, folder]
    if command == "checkin --done":
        own = files.get(case.relative, b"") if case.relative.startswith("checkins/") else b""
        others = [data for name, data in sorted(files.items()) if name.startswith("checkins/")]
        action = _open_action(own, *others) or _first_id(_ACTION_ID, own, *others)
        return ["checkin", folder, "--no-input", "--date", ON, "--done", action]
    if command == "sign":
        partner = _first_id(_PARTNER_ID, files.get("roles.yaml", b""))
        return ["sign", folder, "--partner", partner, "--date", ON]
    return ["upgrade", folder, "--yes"]


# ---------------------------------------------------------------- checks


@dataclass
class Failure:
    cause: str
    case: str
    command: list[str]
    detail: str


@dataclass
class Tally:
    """What a campaign saw: runs per command and exit code, failures by cause, the slowest run."""

    mutants: int = 0
    corpus_cases: int = 0
    runs: int = 0
    per_command: Counter[str] = field(default_factory=Counter)
    exits: Counter[tuple[str, int]] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    slowest: tuple[float, str, str] = (0.0, "", "")
    edits_that_wrote: Counter[str] = field(default_factory=Counter)
    positions_checked: int = 0

    def causes(self) -> Counter[str]:
        return Counter(f.cause for f in self.failures)

    def add(self, other: Tally) -> None:
        """Count another campaign's runs into this one (a long run splits the work across processes)."""
        self.mutants += other.mutants
        self.corpus_cases += other.corpus_cases
        self.runs += other.runs
        self.per_command.update(other.per_command)
        self.exits.update(other.exits)
        self.failures.extend(other.failures)
        self.slowest = max(self.slowest, other.slowest)
        self.edits_that_wrote.update(other.edits_that_wrote)
        self.positions_checked += other.positions_checked


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def restore(folder: Path, files: dict[str, bytes]) -> None:
    shutil.rmtree(folder)
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _sap_frame(tb: traceback.StackSummary) -> str:
    """The last frame inside sap's own code: where the exception escaped sap's handling."""
    inside = [f for f in tb if "/sap_cli/" in f.filename.replace(os.sep, "/")]
    if not inside:
        return "outside sap_cli"
    frame = inside[-1]
    return f"{frame.filename.replace(os.sep, '/').split('/sap_cli/')[-1]}:{frame.name}"


def escaped_cause(error: BaseException) -> str:
    summary = traceback.extract_tb(error.__traceback__)
    return f"traceback {type(error).__name__} from {_sap_frame(summary)}"


_LINE_END = re.compile(rb"\r\n|\r|\n")


def editor_lines(data: bytes) -> list[str]:
    """The file's lines as an editor shows them: split at LF, CRLF or CR (not at LS, PS or NEL)."""
    text = data.decode("utf-8", errors="surrogateescape")
    return re.split(r"\r\n|\r|\n", text)


_POSITION = re.compile(r"^(?P<file>[^\s:][^:\n]*?):(?P<line>\d+):(?P<col>\d+): ", re.M)


def positions(command: str, stdout: str, output: str) -> list[tuple[str, int, int]]:
    """Every (file relative to the folder, line, column) the command reported."""
    found: list[tuple[str, int, int]] = []
    if command == "validate":
        with contextlib.suppress(ValueError):
            for problem in json.loads(stdout):
                found.append((problem["file"], int(problem["line"]), int(problem["column"])))
    for match in _POSITION.finditer(output):
        name = match["file"]
        if name.startswith(FOLDER_NAME + "/"):
            found.append((name[len(FOLDER_NAME) + 1 :], int(match["line"]), int(match["col"])))
    return found


def bad_positions(found: list[tuple[str, int, int]], files: dict[str, bytes]) -> list[str]:
    wrong = []
    for relative, line, col in found:
        if relative not in files:
            continue  # a file that is missing, or outside the folder
        lines = editor_lines(files[relative])
        if not 1 <= line <= len(lines) + 1:
            wrong.append(f"{relative}:{line}:{col} (the file has {len(lines)} lines)")
        elif not 1 <= col <= (len(lines[line - 1]) if line <= len(lines) else 0) + 1:
            wrong.append(f"{relative}:{line}:{col} (line {line} has {len(lines[line - 1])} characters)")
    return wrong


# What each edit may remove and add, line by line (each line with its own line end).
_EOL = rb"(?:\r\n|\r|\n)?\Z"
ALLOWED: dict[str, tuple[re.Pattern[bytes], re.Pattern[bytes]]] = {
    # checkin --done: an action's `done:` line gains the day (or a `done:` line is added).
    "checkin --done": (
        re.compile(rb"[ \t]*done:.*" + _EOL),
        re.compile(rb"[ \t]*done: " + ON.encode() + _EOL),
    ),
    # sign, in project.yaml: agreement_version is raised (or added).
    "sign project.yaml": (
        re.compile(rb"agreement_version:.*" + _EOL),
        re.compile(rb"agreement_version: \d+" + _EOL),
    ),
    # sign, in the partner's signature file: one entry appended (date, version, fingerprint).
    "sign signatures": (
        re.compile(rb"signatures:.*" + _EOL),
        re.compile(rb"(signatures:|[ \t]+(- )?[\w-]+:.*)" + _EOL),
    ),
    # upgrade, in project.yaml: the format number.
    "upgrade project.yaml": (
        re.compile(rb"schema_version:.*" + _EOL),
        re.compile(rb"schema_version: \d+" + _EOL),
    ),
    # upgrade, in a signature file: an entry moved in from roles.yaml, with its comments.
    "upgrade signatures": (
        re.compile(rb"signatures:.*" + _EOL),
        re.compile(rb"(signatures:|[ \t]+(- )?[\w-]+:.*|[ \t]*#.*)" + _EOL),
    ),
}


def _sign_off_lines(old: list[bytes]) -> set[int]:
    """Lines of roles.yaml inside a `sign_off:` block (and comments among them), which upgrade moves."""
    inside: set[int] = set()
    depth: int | None = None
    for n, line in enumerate(old):
        stripped = line.lstrip(b" ")
        indent = len(line) - len(stripped)
        if re.match(rb"(- )?sign_off:", stripped):
            depth = indent
            inside.add(n)
        elif depth is not None and (indent > depth or stripped.startswith(b"#") or not stripped.strip()):
            inside.add(n)
        else:
            depth = None
    return inside


def rule_for(command: str, relative: str) -> str | None:
    """Which ALLOWED rule governs `relative` for this edit; None if the edit may not touch it."""
    if command == "checkin --done":
        return "checkin --done" if relative.startswith("checkins/") else None
    if command == "sign":
        if relative == "project.yaml":
            return "sign project.yaml"
        return "sign signatures" if relative.startswith("signatures/") else None
    if relative == "project.yaml":
        return "upgrade project.yaml"
    if relative.startswith("signatures/"):
        return "upgrade signatures"
    return "upgrade roles.yaml" if relative == "roles.yaml" else None


def _same_but_final_newline(removed: bytes, added: bytes, is_last: bool) -> bool:
    """The old last line, with no line end, gains one because a line now follows it."""
    return is_last and not removed.endswith((b"\n", b"\r")) and added.rstrip(b"\r\n") == removed


def foreign_changes(command: str, relative: str, old: bytes, new: bytes) -> list[str]:
    """Lines the edit changed that it had no business changing ('' if the change is sap's own)."""
    rule = rule_for(command, relative)
    if rule is None:
        return [f"{relative} changed, but {command} never edits it"]
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    movable = _sign_off_lines(old_lines) if rule == "upgrade roles.yaml" else set()
    may_remove, may_add = ALLOWED.get(rule, (re.compile(rb"(?!)"), re.compile(rb"(?!)")))
    wrong: list[str] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = old_lines[i1:i2], new_lines[j1:j2]
        if removed and added and _same_but_final_newline(removed[-1], added[0], i2 == len(old_lines)):
            removed, added = removed[:-1], added[1:]
        for n, line in enumerate(removed, start=i1):
            if n not in movable and not may_remove.match(line):
                wrong.append(f"{relative}:{n + 1} lost {line[:120]!r}")
        wrong.extend(f"{relative} gained {line[:120]!r}" for line in added if not may_add.match(line))
    return wrong


def edit_problems(command: str, before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    wrong: list[str] = []
    for relative in sorted(set(before) | set(after)):
        old, new = before.get(relative), after.get(relative)
        if old == new:
            continue
        if new is None:
            wrong.append(f"{relative} was deleted")
        elif old is None:
            if rule_for(command, relative) not in ("sign signatures", "upgrade signatures"):
                wrong.append(f"{relative} was made by {command}")
        elif not relative.startswith(".sap/schema/") or command != "upgrade":
            wrong.extend(foreign_changes(command, relative, old, new))
    return wrong


def _outside_docs(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if not k.startswith("docs/")}


# ---------------------------------------------------------------- running


class Harness:
    """Runs cases through every command in one scratch folder, counting into a Tally."""

    def __init__(self, tally: Tally | None = None, commands: list[str] | None = None) -> None:
        self.tally = tally or Tally()
        self.commands = commands or COMMANDS
        self.runner = CliRunner()

    def run_case(self, case: Case) -> None:
        with tempfile.TemporaryDirectory(prefix="sap-fuzz-") as scratch:
            where = Path(scratch)
            folder = where / FOLDER_NAME
            shutil.copytree(case.base, folder)
            target = folder / case.relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(case.data)
            start = snapshot(folder)
            old_cwd = Path.cwd()
            os.chdir(where)
            try:
                for command in self.commands:
                    self._run(case, command, folder, start)
                    if snapshot(folder) != start:
                        restore(folder, start)
            finally:
                os.chdir(old_cwd)

    def _run(self, case: Case, command: str, folder: Path, before: dict[str, bytes]) -> None:
        args = arguments(command, before, case)
        began = time.perf_counter()
        result = self.runner.invoke(cli.app, args)
        took = time.perf_counter() - began
        tally = self.tally
        tally.runs += 1
        tally.per_command[command] += 1
        tally.exits[(command, result.exit_code)] += 1
        if took > tally.slowest[0]:
            tally.slowest = (took, case.name, " ".join(args))

        def fail(cause: str, detail: str) -> None:
            tally.failures.append(Failure(cause, case.name, args, detail))

        error = result.exception
        if error is not None and not isinstance(error, SystemExit):
            shown = "".join(traceback.format_exception(error))[-1500:]
            fail(escaped_cause(error), shown)
            return
        if result.exit_code not in (0, 1, 2):
            fail(f"exit {result.exit_code} from {command}", result.output[-800:])
        if "Traceback (most recent call last)" in result.output:
            fail(f"traceback printed by {command}", result.output[-800:])
        if took > GROSSLY_SLOW:
            fail(f"over {GROSSLY_SLOW:.0f} s: {command}", f"{took:.1f} s")
        self._check_files(case, command, folder, before, fail)
        found = positions(command, result.stdout, result.output)
        tally.positions_checked += len(found)
        for where in bad_positions(found, before):
            fail(f"position outside the file from {command}", where)

    def _check_files(
        self,
        case: Case,
        command: str,
        folder: Path,
        before: dict[str, bytes],
        fail: Callable[[str, str], None],
    ) -> None:
        after = snapshot(folder)
        if command in READS:
            keep = _outside_docs if command in WRITES_DOCS else dict
            changed = sorted(k for k in set(keep(before)) | set(keep(after)) if before.get(k) != after.get(k))
            if changed:
                fail(f"changed by reading: {command}", ", ".join(changed))
            return
        if after != before:
            self.tally.edits_that_wrote[command] += 1
        for wrong in edit_problems(command, before, after):
            fail(f"edit touched other lines: {command}", wrong)


@contextlib.contextmanager
def plain_terminal() -> Iterator[None]:
    """A fixed-width terminal without colour or a CI flag, as the tests see it; restored after."""
    old = {name: os.environ.get(name) for name in ("COLUMNS", "NO_COLOR", "CI")}
    os.environ.update(COLUMNS="120", NO_COLOR="1")
    os.environ.pop("CI", None)
    try:
        yield
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def campaign(seed: int, mutants: range | int, corpus: list[Case] | None = None) -> Tally:
    """Mutants of seed `seed` (a count or a range of their numbers) and corpus cases, through each command."""
    harness = Harness()
    with plain_terminal():
        for index in range(mutants) if isinstance(mutants, int) else mutants:
            harness.run_case(make_mutant(seed, index))
            harness.tally.mutants += 1
        for case in corpus or []:
            harness.run_case(case)
            harness.tally.corpus_cases += 1
    return harness.tally
