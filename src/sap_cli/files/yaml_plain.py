"""A quicker way to build the data of a plain YAML document, with exactly the safe loader's values.

Most partnership files are maps, lists and scalars with the standard tags, no merge keys (`<<`)
and no repeated keys. For those, `plain_document` walks the node tree once and builds each scalar
with the loader's own constructor for its tag (so dates, numbers and the refused tags behave as
they always did), skipping ruamel's bookkeeping for documents that may refer to themselves. It
gives up (`NotPlain`) on anything else, and the caller then builds the document the usual way,
which also raises the usual errors in the usual order.
"""

from __future__ import annotations

from typing import Any

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_STR = "tag:yaml.org,2002:str"


class NotPlain(Exception):
    """The document needs ruamel's own construction (a merge key, a repeated key, another tag...)."""


def plain_document(constructor: Any, root: Any) -> Any:
    """The data ruamel's safe `constructor` would build from `root`, or NotPlain."""
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    scalars = constructor.yaml_constructors
    # Text is the node's own value when the loader builds text the standard way (it does).
    plain_text = scalars.get(_STR) is SafeConstructor.construct_yaml_str
    made: dict[int, Any] = {}  # a node met again (an alias) gives the same object, as in ruamel
    building: set[int] = set()

    def build(node: Any, known_tag: str | None = None) -> Any:
        key = id(node)
        if key in made:
            return made[key]
        if key in building:  # a part that contains itself
            raise NotPlain
        building.add(key)
        tag = node.tag if known_tag is None else known_tag  # ruamel makes the text anew at each ask
        if isinstance(node, MappingNode) and tag == _MAP:
            data: Any = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise NotPlain
                key_tag = key_node.tag
                if key_tag is None or key_tag not in scalars or key_tag in (_MAP, _SEQ):
                    raise NotPlain  # a merge key `<<`, a `=` key or an unknown tag
                name = build(key_node, key_tag)
                if name in data:
                    raise NotPlain  # ruamel says which key is repeated, and where
                data[name] = build(value_node)
        elif isinstance(node, SequenceNode) and tag == _SEQ:
            data = [build(child) for child in node.value]
        elif plain_text and tag == _STR and isinstance(node, ScalarNode):
            data = node.value
        elif isinstance(node, ScalarNode) and tag is not None and tag in scalars and tag not in (_MAP, _SEQ):
            data = scalars[tag](constructor, node)
            if hasattr(data, "__next__"):  # a constructor that builds in two steps (a set, pairs)
                raise NotPlain
        else:
            raise NotPlain
        building.discard(key)
        made[key] = data
        return data

    return build(root)
