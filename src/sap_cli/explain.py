"""Short introductions to the SaP frameworks sap is built on, and where each lives in the files."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sap_cli.errors import UnknownTopic
from sap_cli.model.vocab import LADDER_RUNGS
from sap_cli.resources import bundled_yaml
from sap_cli.words import did_you_mean


@lru_cache(maxsize=1)
def _topics() -> dict[str, dict[str, Any]]:
    """templates/explain/topics.yaml, in the order it lists the topics."""
    data: dict[str, dict[str, Any]] = bundled_yaml("explain/topics.yaml")
    return data


def topic_names() -> list[tuple[str, str]]:
    """Each topic's name and its one-line summary, for `sap explain` with no topic."""
    return [(name, str(topic["summary"])) for name, topic in _topics().items()]


def _resolve(topic: str) -> str:
    """The topic's own name, whether given as that name, an alias, or in capitals."""
    wanted = topic.strip().lower()
    topics = _topics()
    if wanted in topics:
        return wanted
    for name, entry in topics.items():
        if wanted in entry.get("aliases", []):
            return name

    known = list(topics)
    aliases = {alias: name for name, entry in topics.items() for alias in entry.get("aliases", [])}
    guess = did_you_mean(wanted, [*known, *aliases])
    raise UnknownTopic(topic, known, aliases.get(guess, guess) if guess else None)


def _rungs() -> str:

    return "\n".join(f"{number}. {label}" for number, label in sorted(LADDER_RUNGS.items()))


def explain(topic: str) -> str:
    """The topic as Markdown: a title, the explanation, and a closing `Source:` line."""
    name = _resolve(topic)
    entry = _topics()[name]
    body = str(entry["text"]).strip()
    if "{rungs}" in body:
        body = body.replace("{rungs}", _rungs())
    source = " ".join(str(entry["source"]).split())
    return f"# {entry['title']}\n\n{body}\n\nSource: {source}\n"
