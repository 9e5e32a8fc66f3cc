"""Compiled templates in the user's cache: never compiled twice, never stale, never taken from anyone else."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import jinja2
import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, assert_handled
from sap_cli import cli
from sap_cli.files import read_cache


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from their text."""
    names: list[str] = []
    real = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, name: str | None = None, *rest: object) -> object:
        names.append(str(name))
        return real(self, source, name, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own, so what an earlier test compiled is not here."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return tmp_path / "user-cache" / "sap" / "templates"


def _render(runner: CliRunner, folder: Path, *what: str) -> dict[str, bytes]:
    result = runner.invoke(cli.app, ["render", str(folder), *what])
    assert_handled(result)
    assert result.exit_code == 0, result.output
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted((folder / "docs").rglob("*.md"))}


def _fresh_copy(tmp_path: Path, example: str, name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(EXAMPLES / example, folder)
    shutil.rmtree(folder / "docs", ignore_errors=True)
    return folder


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_every_example_renders_the_same_bytes_with_compiled_templates_from_the_cache(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_cache: Path,
    compiles: list[str],
    example: str,
) -> None:
    monkeypatch.setenv("SAP_NO_CACHE", "1")
    plain = _render(runner, _fresh_copy(tmp_path, example, "plain"))
    assert not fresh_cache.exists()  # switched off means nothing is kept
    monkeypatch.delenv("SAP_NO_CACHE")
    assert _render(runner, _fresh_copy(tmp_path, example, "filling")) == plain
    assert list(fresh_cache.glob("*.template"))
    compiles.clear()
    assert _render(runner, _fresh_copy(tmp_path, example, "cached")) == plain
    assert compiles == []  # every template came compiled from the cache


def test_an_edited_template_is_compiled_again_even_at_the_same_size_and_second(
    runner: CliRunner, tmp_path: Path, fresh_cache: Path
) -> None:
    folder = _fresh_copy(tmp_path, "course-redesign", "demo")
    override = folder / "templates" / "docs" / "progress.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text("first {{ project.title }}\n", encoding="utf-8")
    before = override.stat()
    assert "first Redesigning GEOG" in _render(runner, folder, "progress")["docs/progress.md"].decode()
    override.write_text("other {{ project.title }}\n", encoding="utf-8")
    os.utime(override, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same size and times
    assert "other Redesigning GEOG" in _render(runner, folder, "progress")["docs/progress.md"].decode()


def test_a_compiled_template_not_signed_by_this_user_is_never_used(
    runner: CliRunner, tmp_path: Path, fresh_cache: Path, compiles: list[str]
) -> None:
    """A cache file copied from someone else, or forged, holds code: it is compiled afresh instead."""
    folder = _fresh_copy(tmp_path, "course-redesign", "demo")
    expected = _render(runner, folder, "progress")
    kept = sorted(fresh_cache.glob("*.template"))
    assert kept
    other_secret = b"x" * 32
    # The code of a template that prints something else, well formed and signed, but with another key.
    # It even names the real template's text, so only the signature can tell it apart.
    real = (Path(cli.__file__).parent.parent / "templates" / "docs" / "progress.md.j2").read_text("utf-8")
    env = jinja2.Environment()
    bucket = jinja2.bccache.Bucket(env, "k", jinja2.bccache.BytecodeCache().get_source_checksum(real))
    bucket.code = env.compile("FORGED\n", "progress.md.j2")
    forged = bucket.bytecode_to_string()
    for path in kept:
        payload = read_cache.read_signed(path, read_cache._secret(fresh_cache.parent / "read"))  # type: ignore[arg-type]
        assert payload is not None
        read_cache.write_signed(path, other_secret, forged)
    compiles.clear()
    again = _render(runner, folder, "progress")
    assert again == expected
    assert b"FORGED" not in again["docs/progress.md"]
    assert compiles  # compiled from the template's text


def test_a_damaged_cache_file_is_compiled_afresh(
    runner: CliRunner, tmp_path: Path, fresh_cache: Path
) -> None:
    folder = _fresh_copy(tmp_path, "course-redesign", "demo")
    expected = _render(runner, folder, "progress")
    for path in fresh_cache.glob("*.template"):
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    assert _render(runner, folder, "progress") == expected
