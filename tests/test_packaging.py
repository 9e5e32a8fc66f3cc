"""The built wheel carries every template, its licence and its version; sap finds the templates in it."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sap_cli import __version__

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "sap_cli"


def test_building_needs_hatchling_alone_and_the_version_is_written_once() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and newer
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert [re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0] for r in config["build-system"]["requires"]] == [
        "hatchling"
    ]
    assert "version" not in config["project"] and "version" in config["project"]["dynamic"]
    assert config["tool"]["hatch"]["version"]["path"] == "src/sap_cli/__init__.py"


@pytest.mark.slow
def test_wheel_ships_and_uses_its_own_templates(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "dist"), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    [wheel] = (tmp_path / "dist").glob("*.whl")
    assert wheel.name.startswith(f"sap_cli-{__version__}-")
    templates = sorted(
        p.relative_to(PACKAGE.parent).as_posix() for p in (PACKAGE / "templates").rglob("*") if p.is_file()
    )
    kinds = [name for name in templates if name.startswith("sap_cli/templates/kinds/")]
    assert len(kinds) >= 6 and "sap_cli/templates/ci/github-actions.yml" in templates
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "unpacked")
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        headers = archive.read(metadata).decode("utf-8").split("\n\n", 1)[0].splitlines()
    assert sorted(n for n in names if n.startswith("sap_cli/templates/")) == templates  # every one, no more
    assert not any(n.startswith("templates/") for n in names)
    assert f"Version: {__version__}" in headers
    assert "License-Expression: MIT" in headers and "License-File: LICENSE" in headers
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)

    probe = (
        f"import sys; sys.path.insert(0, {str(tmp_path / 'unpacked')!r})\n"
        "import sap_cli.resources as r, sap_cli.scaffold as s\n"
        "print(r.templates_root())\n"
        "print(len(s.list_templates()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == str(tmp_path / "unpacked" / "sap_cli" / "templates")  # not the checkout's copy
    assert out[1] == str(len(kinds))
