"""`sap explain`: the Students as Partners frameworks, who proposed them, and where sap records them."""

from __future__ import annotations

from typing import Annotated

import typer

from sap_cli.cli.options import complete_topic
from sap_cli.cli.output import console, escape


def explain(
    topic: Annotated[
        str | None,
        typer.Argument(
            metavar="TOPIC",
            help="What to explain: bovill, ladder, values, propositions, areas or power. "
            "Leave it out to list the topics.",
            show_default=False,
            autocompletion=complete_topic,
        ),
    ] = None,
) -> None:
    """Explain a Students as Partners framework, who proposed it, and where sap records it.

    \f
    sap explain
    sap explain ladder
    """
    from sap_cli.explain import explain as explain_topic
    from sap_cli.explain import topic_names

    out = console()
    if topic is None:
        for name, summary in topic_names():
            out.print(f"[bold]{name:13}[/] {escape(summary)}")
        out.print("\nRead one with: sap explain TOPIC")
        return
    text = explain_topic(topic)
    if out.is_terminal and not out.no_color:
        from rich.markdown import Markdown

        out.print(Markdown(text), soft_wrap=False)  # prose wraps at the window edge; no cut words
    else:
        typer.echo(text, nl=False)
