"""The two ruamel.yaml loaders sap reads with: the fast safe one for bulk reads (plain values only,
read as YAML 1.2, impossible dates kept as text) and the round-trip one for files sap edits."""

from __future__ import annotations

import functools
from typing import Any

from sap_cli.files.yaml_plain import plain_document


def _lenient_dates(base: Any) -> Any:
    """`base` constructor reading an impossible date such as 2026-02-30 as text, for the schema to place."""

    class LenientDates(base):  # type: ignore[misc]
        def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
            try:
                return super().construct_yaml_timestamp(node, values)
            except ValueError:
                return self.construct_scalar(node)

    LenientDates.add_constructor("tag:yaml.org,2002:timestamp", LenientDates.construct_yaml_timestamp)
    return LenientDates


@functools.cache
def _lenient_dates_constructor() -> Any:
    from ruamel.yaml.constructor import RoundTripConstructor

    return _lenient_dates(RoundTripConstructor)


_PLAIN_TAGS: dict[str, Any] = {}  # the tag each short plain scalar resolved to (see `fast_yaml`)


@functools.cache
def fast_yaml() -> Any:
    """The safe loader, with the C parser (ruamel.yaml.clib) where it is installed."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    class Yaml12Resolver(VersionedResolver):
        """Every file is read as YAML 1.2, the version the round-trip loader assumes too.

        Asking the C parser for a document's version costs an exception per value; fixing it
        makes a bulk read about a third faster.
        """

        @property
        def processing_version(self) -> Any:
            return (1, 2)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            """The tag of a plain scalar depends on its text alone: each text is matched once."""
            if kind is not ScalarNode or not implicit[0]:
                return super().resolve(kind, value, implicit)
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(value) <= 80:
                    if len(_PLAIN_TAGS) >= 20_000:
                        _PLAIN_TAGS.clear()
                    _PLAIN_TAGS[value] = tag
            return tag

    class PlainValues(_lenient_dates(SafeConstructor)):  # type: ignore[misc]
        """Only text, numbers, booleans, dates, lists and maps: no binary data, sets or ordered pairs."""

        def construct_document(self, node: Any) -> Any:
            try:
                return plain_document(self, node)
            except Exception:  # anything unusual is built, and refused, the loader's own way
                return super().construct_document(node)

        def refuse_tag(self, node: Any) -> Any:
            from ruamel.yaml.constructor import ConstructorError

            raise ConstructorError(None, None, f"tag {node.tag} is refused", node.start_mark)

    for refused in ("binary", "set", "omap", "pairs"):
        PlainValues.add_constructor(f"tag:yaml.org,2002:{refused}", PlainValues.refuse_tag)
    yaml = YAML(typ="safe")
    yaml.Constructor = PlainValues
    yaml.Resolver = Yaml12Resolver
    return yaml


def round_trip_yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.Constructor = _lenient_dates_constructor()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a partner's long sentence
    return yaml
