"""The quick way of building plain YAML documents gives what ruamel's own way gives, for every file.

`files/yaml_plain.py` builds most documents without ruamel's bookkeeping, and the safe loader
remembers the tag of each short plain scalar; both exist only for speed. Here every file of the
YAML corpus, the examples and some awkward documents is read three ways (the quick way with
nothing remembered, again with the tags remembered, and ruamel's way alone) and the results,
data and problems alike, must be the same.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sap_cli.files import yaml_loaders, yaml_read
from sap_cli.files.yaml_plain import NotPlain, plain_document

ROOT = Path(__file__).parent.parent
CORPUS = sorted((ROOT / "tests" / "fixtures" / "yaml-corpus").iterdir())
EXAMPLES = sorted((ROOT / "examples").rglob("*.yaml"))

AWKWARD = {
    "merge-key": "base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n",
    "merge-list": "a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n",
    "double-merge": "a: &a {x: 1}\nc:\n  <<: *a\n  <<: *a\n",
    "value-key": "a:\n  =: 3\n",
    "duplicate": "title: One\ntitle: Two\n",
    "duplicate-nested": "a:\n  - {b: 1, b: 2}\n",
    "alias-shared": "a: &x [1, 2]\nb: *x\nc: *x\n",
    "alias-scalar": "a: &t hello\nb: *t\n",
    "recursive": "a: &r\n  b: *r\n",
    "recursive-list": "&l [*l]\n",
    "tags": "a: !!str 3\nb: !!int '7'\nc: !!float 1\nd: !!bool true\ne: !!null ''\n",
    "bad-int": "a: !!int three\n",
    "bad-bool": "a: !!bool perhaps\n",
    "impossible-date": "a: 2026-02-30\nb: 2026-02-28\n",
    "datetime": "a: 2026-03-04 10:30:00\nb: 2026-03-04T10:30:00Z\n",
    "set": "a: !!set {x, y}\n",
    "omap": "a: !!omap [{x: 1}, {y: 2}]\n",
    "pairs": "a: !!pairs [{x: 1}]\n",
    "binary": "a: !!binary aGVsbG8=\n",
    "local-tag": "a: !secret text\n",
    "map-tag-on-scalar": "a: !!map text\n",
    "complex-key": "? [a, b]\n: value\n",
    "mapping-key": "? {a: 1}\n: value\n",
    "number-keys": "1: one\n1.0: float\ntrue: yes\nnull: nothing\n",
    "same-number-twice": "1: one\n01: again\n",
    "yaml-1-1-words": "a: yes\nb: no\nc: on\nd: 0o17\ne: 017\nf: .inf\ng: 1_000\n",
    "empty": "",
    "only-null": "~\n",
    "scalar": "just words\n",
    "empty-values": "a:\nb: []\nc: {}\nd: ''\n",
    "quoted": "a: '2026-03-04'\nb: \"true\"\nc: '12'\n",
    "escapes": 'a: "\\e[31m"\nb: "tab\\there"\n',
    "long-text": "a: " + "word " * 100 + "\n",
}


def _shape(value: Any) -> Any:
    """The value with every type spelt out, so 1, 1.0 and True are told apart."""
    if isinstance(value, dict):
        return ("dict", [(_shape(k), _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_shape(v) for v in value])
    if isinstance(value, dt.date):
        return (type(value).__name__, value.isoformat())
    return (type(value).__name__, repr(value))


def _reading(raw: bytes) -> Any:
    loaded = yaml_read.parse_bytes(Path("file.yaml"), raw)
    return _shape(loaded.data), loaded.syntax


def _ruamel_only(constructor: Any, root: Any) -> Any:
    raise NotPlain


def _three_ways(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    yaml_loaders._PLAIN_TAGS.clear()
    quick = _reading(raw)
    remembered = _reading(raw)
    with monkeypatch.context() as patched:
        patched.setattr(yaml_loaders, "plain_document", _ruamel_only)
        patched.setattr(yaml_loaders, "_PLAIN_TAGS", {})
        slow = _reading(raw)
    assert quick == slow
    assert remembered == slow


@pytest.mark.parametrize("path", CORPUS + EXAMPLES, ids=lambda p: p.name)
def test_every_corpus_and_example_file_reads_the_same_both_ways(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_ways(path.read_bytes(), monkeypatch)


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_awkward_documents_read_the_same_both_ways(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _three_ways(AWKWARD[name].encode(), monkeypatch)


def test_the_quick_way_leaves_what_it_cannot_build_to_ruamel(monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes: list[str] = []

    def watched(constructor: Any, root: Any) -> Any:
        try:
            data = plain_document(constructor, root)
        except NotPlain:
            outcomes.append("ruamel")
            raise
        outcomes.append("quick")
        return data

    monkeypatch.setattr(yaml_loaders, "plain_document", watched)
    for name in ("merge-key", "duplicate", "recursive", "set", "local-tag", "complex-key", "alias-shared"):
        yaml_read.parse_bytes(Path("file.yaml"), AWKWARD[name].encode())
    assert outcomes == ["ruamel"] * 6 + ["quick"]


def test_a_shared_part_is_one_object_as_ruamel_makes_it() -> None:
    data = yaml_read.parse_bytes(Path("file.yaml"), AWKWARD["alias-shared"].encode()).data
    assert data["a"] is data["b"] is data["c"]
