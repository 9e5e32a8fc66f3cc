"""sap reflect: make a partner's reflection file once, and never overwrite it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sap_cli.errors import UsageProblem
from sap_cli.files.atomic import create_exclusive, refuse_unsafe
from sap_cli.files.git import keep_private_out_of_git
from sap_cli.model.vocab import PHASES
from sap_cli.partnership.load import load_valid
from sap_cli.reflections.answers import (
    ANSWER_END,
    PRIVATE_FOLDER,
    SHARED_FOLDER,
    phase_prompts,
    prompt_kind,
)
from sap_cli.resources import worksheet_prompts
from sap_cli.words import did_you_mean

if TYPE_CHECKING:
    from sap_cli.model.folder import Partnership
    from sap_cli.model.people import Partner


def reflection_text(p: Partnership, partner: Partner, phase: str, private: bool) -> str:
    """A new reflection file: each prompt under its theme, followed by an empty, marked answer space."""

    section = worksheet_prompts()[phase]
    prompts = phase_prompts(phase, prompt_kind(partner))
    where = (
        "This file is in private/, which git leaves out: it stays on your computer unless you share it."
        if private
        else "This file is shared with your partners when the folder is committed to git. For thoughts "
        f"you want to keep to yourself, use `sap reflect --phase {phase} --partner {partner.id} --private`."
    )
    lines = [
        f"<!-- sap reflection: phase={phase} partner={partner.id} "
        f"prompts={','.join(prompt['id'] for prompt in prompts)} -->",
        f"# {section['label']}: {partner.name}'s reflection",
        "",
        f"*{p.project.title}*",
        "",
        section["intro"],
        "",
        "Write each answer in the space under its question, between the two marker lines (they do not "
        "show when the page is displayed). Write as much or as little as you like: sap never changes "
        "this file. Keep the marker lines, so the end-of-project review can find your answers.",
        "",
        where,
    ]
    theme = None
    for prompt in prompts:
        if prompt["theme"] != theme:
            theme = prompt["theme"]
            lines += ["", f"## {theme}"]
        lines += ["", f"### {prompt['text']}", "", f"<!-- answer {prompt['id']} -->", "", ANSWER_END]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class OpenedReflection:
    """The reflection file `sap reflect` made or found."""

    path: Path
    created: bool
    partner_name: str


def open_reflection(folder: Path, phase: str, partner_id: str, private: bool = False) -> OpenedReflection:
    """Make a partner's reflection file for a phase, once; an existing file is returned untouched."""

    if phase not in PHASES:
        guess = did_you_mean(phase, PHASES)
        raise UsageProblem(
            f"'{phase}' is not a phase" + (f" (did you mean '{guess}'?)" if guess else ""),
            hint="Choose start, during or end.",
        )
    p = load_valid(folder)
    partner = p.find_partner(partner_id)
    relative = f"{PRIVATE_FOLDER if private else SHARED_FOLDER}/{phase}-{partner.id}.md"
    refuse_unsafe(folder, [relative])
    path = folder / relative
    if private:
        keep_private_out_of_git(folder)
    try:
        create_exclusive(path, reflection_text(p, partner, phase, private))
    except FileExistsError:
        return OpenedReflection(path, False, partner.name)
    return OpenedReflection(path, True, partner.name)
