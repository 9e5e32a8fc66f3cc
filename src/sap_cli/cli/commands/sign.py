"""`sap sign`: record that a partner agrees to the agreement as it stands."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from sap_cli.cli.options import PartnershipFolder, folder_or_here, partner_ids_in, today_or
from sap_cli.cli.output import console, escape
from sap_cli.errors import UsageProblem


class SigningWay(str, Enum):
    """`sap sign --how`: the same words as model/vocab.py's SigningWay (a test keeps them equal)."""

    paper = "paper"
    e_signature = "e-signature"
    e_mail = "e-mail"
    in_person = "in-person"


def sign(
    folder: PartnershipFolder = None,
    partner: Annotated[
        str, typer.Option("--partner", metavar="PARTNER", help="The partner who agrees: their name or id.")
    ] = "",
    on: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="The day they agreed (default: today)."),
    ] = None,
    how: Annotated[
        SigningWay | None,
        typer.Option(
            "--how",
            help="How they agreed, when you record it for them: paper, e-signature, e-mail or in-person.",
        ),
    ] = None,
    printed: Annotated[
        str | None,
        typer.Option(
            "--fingerprint",
            metavar="FINGERPRINT",
            help="The fingerprint on the copy they signed; sap refuses if the agreement changed since.",
        ),
    ] = None,
) -> None:
    """Record that a partner agrees to the agreement as it stands now.

    \f
    sap sign --partner amira-haddad
    sap sign --partner lee-chen --date 2026-02-02
    sap sign --partner "Lee Chen" --how paper --fingerprint 3f9a2c41d0b7
    """
    from sap_cli.agreement.sign import sign_partner
    from sap_cli.partnership.layout import find_project
    from sap_cli.words import command_path, display_path

    if not partner:
        ids = partner_ids_in(folder)
        raise UsageProblem(
            "say who is signing with --partner NAME",
            hint=f"The ids are in roles.yaml: {', '.join(ids)}; e.g. --partner {ids[0]}"
            if ids
            else "The ids are in roles.yaml, under partners: --partner ID",
        )
    project_folder = find_project(folder_or_here(folder))
    signed = sign_partner(project_folder, partner, today_or(on), how.value if how else None, printed)
    out = console()
    if signed.finished_from is not None:
        out.print(
            f"{escape(signed.name)} had already signed version {signed.version} of the agreement as it "
            f"stands, in a `sap sign` that stopped part way; project.yaml now says agreement_version: "
            f"{signed.version} (it said {signed.finished_from}), and nothing else was written."
        )
        return
    if signed.covered:
        out.print(
            f"{escape(signed.name)} does not need to sign again: {escape(signed.covered)}. "
            "Nothing was written."
        )
        return
    if signed.already:
        out.print(
            f"{escape(signed.name)} has already signed version {signed.version} of the agreement "
            "as it stands; nothing was written."
        )
        return
    if signed.new_version_from is not None:
        out.print(
            f"The agreement has changed since version {signed.new_version_from} was signed, "
            f"so this is version {signed.version} (project.yaml updated)."
        )
    out.print(
        f"{escape(signed.name)} signed version {signed.version} "
        f"(fingerprint {signed.fingerprint}): wrote {escape(display_path(signed.path))}"
    )
    out.print(f"Run `sap render{escape(command_path(project_folder))}` to show it in docs/agreement.md.")
