"""`sap explain`: each topic cites its sources, names only real files, fields and checks, and is short."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from conftest import MINIMAL
from sap_cli import cli
from sap_cli.errors import UnknownTopic, UsageProblem
from sap_cli.explain import explain, topic_names
from sap_cli.model.folder import FILE_MODELS
from sap_cli.model.plan import Ladder
from sap_cli.model.vocab import (
    LADDER_RUNGS,
    LEVEL_LABELS,
    STAFF_CONTROL,
    Area,
    Control,
    Level,
    Proposition,
    Value,
)
from sap_cli.review.figures import SHARED_LEVELS, build_review
from sap_cli.validation.check import check_folder
from sap_cli.validation.practice import HEALTH_RULES

TOPICS = ["bovill", "ladder", "values", "propositions", "areas", "power"]

# Who proposed each framework and when, and the file that records it.
CITED: dict[str, tuple[list[str], str]] = {
    "bovill": (["Bovill", "2017"], "matrix.yaml"),
    "ladder": (["Bovill", "Bulley", "2011", "Arnstein", "1969"], "matrix.yaml"),
    "values": (["Cook-Sather", "Bovill", "Felten", "Healey", "Flint", "Harrington", "2014"], "project.yaml"),
    "propositions": (["Matthews", "2017"], "project.yaml"),
    "areas": (["Healey", "Flint", "Harrington", "2014"], "project.yaml"),
    "power": (["NUS", "2015"], "matrix.yaml"),
}

# Errors the texts say `sap validate` gives: topic, file, the broken text, the code it must produce.
MATRIX = MINIMAL["matrix.yaml"]
CLAIMED_ERRORS: list[tuple[str, str, str, str]] = [
    ("bovill", "matrix", MATRIX.replace("level: partnership", "level: co-create"), "bad-choice"),
    ("bovill", "matrix", MATRIX.replace("control: shared", "control: everyone"), "bad-choice"),
    ("ladder", "matrix", MATRIX + "ladder:\n  planned: 9\n", "out-of-range"),
    ("values", "project", MINIMAL["project.yaml"] + "values: [respect, honesty]\n", "bad-choice"),
    ("propositions", "project", MINIMAL["project.yaml"] + "propositions: [kind]\n", "bad-choice"),
    ("areas", "project", MINIMAL["project.yaml"] + "areas: [research]\n", "bad-choice"),
]


def body(topic: str) -> str:
    """The explanation without its Source line."""
    return explain(topic).split("\nSource: ")[0]


def backticked(text: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", text))


def _names_in_schema() -> tuple[set[str], set[str]]:
    """Every field name and every fixed choice the project files accept, read from the models."""
    fields: set[str] = set()
    choices: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def visit(annotation: Any) -> None:
        if get_origin(annotation) is Literal:
            choices.update(str(arg) for arg in get_args(annotation))
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in seen:
            seen.add(annotation)
            for name, info in annotation.model_fields.items():
                fields.add(name)
                visit(info.annotation)
        for arg in get_args(annotation):
            visit(arg)

    for model in FILE_MODELS.values():
        visit(model)
    return fields, choices


def _commands() -> set[str]:
    from sap_cli.cli.app import command_functions

    return {name for name in command_functions() if " " not in name}


def test_the_listing_covers_exactly_the_six_topics() -> None:
    listed = topic_names()
    assert [name for name, _ in listed] == TOPICS
    for name, summary in listed:
        assert summary.strip() and "\n" not in summary, name


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_cites_its_authors_and_year_and_names_its_file(topic: str) -> None:
    authors, file = CITED[topic]
    text = explain(topic)
    *_, last = text.rstrip("\n").split("\n")
    assert last.startswith("Source: ")
    assert re.search(r"\(\d{4}\)\. \S", last), "the source gives a year and a title"
    for word in authors:
        assert word in body(topic), f"{topic} text does not name {word}"
        assert word in last, f"{topic} source does not name {word}"
    assert f"`{file}`" in body(topic)
    assert "**In sap**" in body(topic)


@pytest.mark.parametrize("topic", TOPICS)
def test_every_name_in_backticks_is_a_real_file_field_choice_check_or_command(topic: str) -> None:
    fields, choices = _names_in_schema()
    codes = {rule.code for rule in HEALTH_RULES} | {case[3] for case in CLAIMED_ERRORS}
    commands = _commands()
    for name in backticked(body(topic)):
        if name.startswith("sap "):
            assert name.split()[1] in commands, f"{topic}: no command {name!r}"
        else:
            assert name in FILE_MODELS or name in fields or name in choices or name in codes, (
                f"{topic}: {name!r} is not a file, field, choice or check code of sap"
            )


@pytest.mark.parametrize(
    ("topic", "accepted"),
    [
        ("bovill", set(get_args(Level)) | set(get_args(Control))),
        ("values", set(get_args(Value))),
        ("propositions", set(get_args(Proposition))),
        ("areas", set(get_args(Area))),
        # The power-transfer test: the levels and control that share power, and the control that does not.
        ("power", set(SHARED_LEVELS) | {"students", "shared"} | set(STAFF_CONTROL)),
        ("ladder", set()),
    ],
)
def test_the_choices_a_topic_lists_are_exactly_those_the_model_accepts(
    topic: str, accepted: set[str]
) -> None:
    _, choices = _names_in_schema()
    assert backticked(body(topic)) & choices == accepted
    assert set(get_args(Control)) - set(STAFF_CONTROL) == {"students", "shared"}


def test_bovill_levels_are_explained_from_least_to_most_say() -> None:
    text = body("bovill")
    places = [text.index(f"**{LEVEL_LABELS[level]}**") for level in get_args(Level)]
    assert places == sorted(places)
    assert len(places) == 4


def test_the_ladder_lists_the_models_rungs_bottom_up_and_its_range() -> None:
    text = body("ladder")
    places = [text.index(f"{number}. {label}\n") for number, label in sorted(LADDER_RUNGS.items())]
    assert places == sorted(places)
    assert len(places) == 8
    bounds = {type(m).__name__: m for m in Ladder.model_fields["planned"].metadata}
    assert f"from {bounds['Ge'].ge} to {bounds['Le'].le}" in text


@pytest.mark.parametrize(("topic", "file", "broken", "code"), CLAIMED_ERRORS)
def test_the_error_a_topic_promises_is_the_one_validate_gives(
    topic: str, file: str, broken: str, code: str, make_partnership: Callable[..., Path]
) -> None:
    assert f"`{code}`" in body(topic)
    report = check_folder(make_partnership(**{file: broken}))
    assert [(p.code, p.severity, Path(p.file).name) for p in report.errors] == [
        (code, "error", f"{file}.yaml")
    ]


@pytest.mark.parametrize("topic", TOPICS)
def test_every_warning_a_topic_names_is_a_health_rule_on_its_file(topic: str) -> None:
    rules = {rule.code: rule.file for rule in HEALTH_RULES}
    named = [name for name in backticked(body(topic)) if name in rules]
    for code in named:
        assert rules[code] == CITED[topic][1]
    if topic in ("bovill", "power"):
        assert set(named) == {"no-stage-above-consult", "staff-hold-all-control"}


def test_every_verdict_of_the_power_transfer_test_is_explained(make_partnership: Callable[..., Path]) -> None:
    matrix = MINIMAL["matrix.yaml"]
    enacted = "    enacted:\n      involvements:\n        - level: partnership\n          who: Students\n"
    staff_only = matrix.replace("partnership", "consult").replace("control: shared", "control: staff")
    cases = {
        "planned": matrix,
        "enacted": matrix + enacted,
        "staff-only": staff_only,
        "empty": "stages: []\n",
    }
    verdicts = set()
    for folder, text in cases.items():
        partnership = check_folder(make_partnership(folder, matrix=text)).partnership
        assert partnership is not None
        verdicts.add(build_review(partnership)["power"]["power_transfer"]["verdict"])
    assert len(verdicts) == 4
    for verdict in verdicts:
        assert re.search(rf"\b{verdict}\b", body("power")), verdict


def test_an_unknown_topic_is_a_usage_error_that_suggests_the_closest() -> None:
    with pytest.raises(UnknownTopic) as caught:
        explain("ladr")
    assert isinstance(caught.value, UsageProblem)
    assert caught.value.message == "There is no topic called 'ladr'. Did you mean 'ladder'?"
    assert caught.value.hint == "Choose one of: " + ", ".join(TOPICS)


def test_a_misspelt_alias_suggests_the_topic_it_stands_for() -> None:
    with pytest.raises(UnknownTopic, match="Did you mean 'bovill'"):
        explain("matrx")


def test_nothing_close_is_not_guessed() -> None:
    with pytest.raises(UnknownTopic) as caught:
        explain("zzzz")
    assert "Did you mean" not in caught.value.message


def test_aliases_and_capitals_reach_the_same_text() -> None:
    assert explain("Matrix") == explain("bovill")
    assert explain(" POWER ") == explain("nus") == explain("power")


@pytest.mark.parametrize("topic", TOPICS)
def test_each_text_is_short_enough_to_read_at_a_terminal(topic: str) -> None:
    words = len(re.findall(r"\S+", body(topic).split("\n", 1)[1]))
    assert 120 <= words <= 260, words


@pytest.mark.slow
def test_the_module_loads_no_cli_library_and_reads_yaml_only_when_asked() -> None:
    probe = (
        "import sys, sap_cli.explain as e\n"
        "print('ruamel' in ' '.join(sys.modules))\n"
        "e.explain('bovill')\n"
        "print(any(m.split('.')[0] in ('typer', 'rich', 'click') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_sap_explain_lists_the_topics_and_prints_one(runner: CliRunner) -> None:
    listing = runner.invoke(cli.app, ["explain"])
    assert listing.exit_code == 0
    assert [line.split()[0] for line in listing.output.splitlines()[:6]] == [n for n, _ in topic_names()]
    one = runner.invoke(cli.app, ["explain", "ladder"])
    assert one.exit_code == 0
    assert one.output == explain("ladder")  # not a terminal: the Markdown as it is, nothing added


def test_sap_explain_with_a_misspelt_topic_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["explain", "bovil"])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "error: There is no topic called 'bovil'. Did you mean 'bovill'?",
        "hint: Choose one of: bovill, ladder, values, propositions, areas, power",
    ]
