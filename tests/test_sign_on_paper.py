"""A signature given away from sap (on paper, by e-signature, by e-mail), recorded afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_handled, replace_once
from sap_cli import cli
from sap_cli.agreement.fingerprint import fingerprint
from sap_cli.cli.commands.sign import SigningWay as CommandWays
from sap_cli.model.vocab import SIGNING_WAY_LABELS, SIGNING_WAYS
from sap_cli.partnership.load import load_valid


def _sign(runner: CliRunner, folder: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        cli.app, ["sign", str(folder), "--partner", "Lee Chen", "--date", "2026-01-20", *extra]
    )
    assert_handled(result)
    return result.exit_code, result.output


def test_a_paper_signature_is_recorded_with_how_and_shown_in_the_agreement(
    runner: CliRunner, demo: Path
) -> None:
    printed = fingerprint(load_valid(demo)).whole
    code, output = _sign(runner, demo, "--how", "paper", "--fingerprint", printed)
    assert code == 0, output
    assert "how: paper" in (demo / "signatures" / "lee-chen.yaml").read_text(encoding="utf-8")

    status = runner.invoke(cli.app, ["status", str(demo), "--format", "json", "--date", "2026-01-21"])
    partners = {p["partner"]: p for p in json.loads(status.output)["agreement"]["partners"]}
    assert partners["lee-chen"]["how"] == "paper"
    assert partners["lee-chen"]["state"] == "signed"
    assert partners["amira-haddad"]["how"] is None

    assert runner.invoke(cli.app, ["render", str(demo), "agreement"]).exit_code == 0
    agreement = (demo / "docs" / "agreement.md").read_text(encoding="utf-8")
    assert "| 2026-01-20 (on paper) |" in agreement
    assert "signed version 1 on 2026-01-20 (on paper)" in agreement
    assert f"--how paper --fingerprint {printed}" in agreement


def test_a_copy_of_an_agreement_that_changed_since_is_refused_and_nothing_is_written(
    runner: CliRunner, demo: Path
) -> None:
    printed = fingerprint(load_valid(demo)).whole
    first = runner.invoke(cli.app, ["sign", str(demo), "--partner", "Amira", "--date", "2026-01-15"])
    assert first.exit_code == 0, first.output
    replace_once(demo / "goals.yaml", "title: ", "title: Revised ")  # the agreement changes after printing
    before = {path.name: path.read_bytes() for path in demo.rglob("*") if path.is_file()}
    code, output = _sign(runner, demo, "--how", "paper", "--fingerprint", printed)
    assert code == 1
    assert f"fingerprint {printed}, the text of version 1" in output and "has changed since" in output
    assert "nothing was written" in output and "sap agreement diff" in output
    assert {path.name: path.read_bytes() for path in demo.rglob("*") if path.is_file()} == before


def test_the_fingerprint_may_be_copied_with_its_backticks_or_in_capitals(
    runner: CliRunner, demo: Path
) -> None:
    printed = fingerprint(load_valid(demo)).whole
    code, output = _sign(runner, demo, "--fingerprint", f"`{printed.upper()}`")
    assert code == 0, output


@pytest.mark.parametrize("given", ["abc", "", "zzzzzzzzzzzz"])
def test_a_fingerprint_too_short_or_not_the_agreements_is_refused(
    runner: CliRunner, demo: Path, given: str
) -> None:
    code, output = _sign(runner, demo, "--fingerprint", given)
    assert code == 1
    assert "is not this agreement's" in output
    assert not (demo / "signatures").exists()


def test_an_unknown_way_of_signing_is_a_usage_error_listing_the_ways(runner: CliRunner, demo: Path) -> None:
    code, output = _sign(runner, demo, "--how", "fax")
    assert code == 2
    assert "paper" in output and "e-signature" in output
    assert not (demo / "signatures").exists()


def test_the_command_offers_exactly_the_ways_the_schema_accepts() -> None:
    assert tuple(way.value for way in CommandWays) == SIGNING_WAYS
    assert set(SIGNING_WAY_LABELS) == set(SIGNING_WAYS)
