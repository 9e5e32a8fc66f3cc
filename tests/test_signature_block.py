"""The agreement's signature block: a place to sign by hand for each partner, and how to record it in sap."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt
from typer.testing import CliRunner

from conftest import assert_handled
from sap_cli import cli
from sap_cli.agreement.fingerprint import fingerprint
from sap_cli.documents.pages import render_documents
from sap_cli.validation.check import check_folder

ROLES = """\
partners:
  - id: amira-haddad
    name: Amira Haddad
    preferred_name: Mira
    kind: student
  - id: lee-chen
    name: Dr Lee Chen
    kind: faculty
  - id: sam-left
    name: Sam Gone
    kind: student
    left: 2026-01-20
"""


def _agreement(folder: Path) -> str:
    partnership = check_folder(folder).partnership
    assert partnership is not None
    (doc,) = render_documents(partnership, which=("agreement",))
    return doc.text


def _block(text: str) -> str:
    return text.split("### Signatures", 1)[1].split("## Version history", 1)[0]


def test_each_partner_still_in_the_partnership_has_a_name_signature_and_date_line(
    make_partnership: Callable[..., Path],
) -> None:
    block = _block(_agreement(make_partnership(roles=ROLES)))
    assert "Printed name: **Mira (Amira Haddad)**" in block
    assert "Printed name: **Dr Lee Chen**" in block
    assert "Sam Gone" not in block  # left before signing: not asked to sign
    assert block.count("Signature: ____") == 2
    assert block.count("Date: ____") == 2
    assert block.count("Recorded in sap: not signed yet.") == 2


def test_the_block_names_the_version_and_fingerprint_and_how_to_record_a_paper_signature(
    make_partnership: Callable[..., Path],
) -> None:
    folder = make_partnership(roles=ROLES)
    partnership = check_folder(folder).partnership
    assert partnership is not None
    block = _block(_agreement(folder))
    assert f"Agreement version 1, fingerprint `{fingerprint(partnership).whole}`." in block
    whole = fingerprint(partnership).whole
    assert '`sap sign --partner "<name or id>"`' in block
    assert f"`sap sign --partner amira-haddad --date YYYY-MM-DD --how paper --fingerprint {whole}`" in block


def test_a_recorded_signature_shows_in_the_block(
    make_partnership: Callable[..., Path], runner: CliRunner
) -> None:
    folder = make_partnership(roles=ROLES)
    args = ["sign", str(folder), "--partner", "amira-haddad", "--date", "2026-01-14"]
    result = runner.invoke(cli.app, args)
    assert_handled(result)
    assert result.exit_code == 0, result.output
    block = _block(_agreement(folder))
    mira = block.split("Printed name: **Mira (Amira Haddad)**", 1)[1].split("Printed name:", 1)[0]
    assert "Recorded in sap: signed version 1 on 2026-01-14." in mira
    assert block.count("Recorded in sap: not signed yet.") == 1
    # the command's example goes to someone who has not signed yet
    assert "`sap sign --partner lee-chen --date YYYY-MM-DD --how paper --fingerprint " in block


def test_the_signature_lines_stay_plain_text_when_printed(make_partnership: Callable[..., Path]) -> None:
    html = MarkdownIt("commonmark").render(_block(_agreement(make_partnership(roles=ROLES))))
    assert "<p>Signature: ________________________________________</p>" in html
    assert "<hr" not in html  # the underscores make no rule
    assert html.count("<p>Date: ____________________</p>") == 2
