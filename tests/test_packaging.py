"""The built wheel carries the templates, and sap finds them there rather than in the checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_and_uses_its_own_templates(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "dist"), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    [wheel] = (tmp_path / "dist").glob("*.whl")
    kinds = sorted(p.name for p in (ROOT / "templates" / "kinds").glob("*.yaml"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "unpacked")
        shipped = sorted(Path(n).name for n in archive.namelist() if "/templates/kinds/" in n)
    assert shipped == kinds
    probe = (
        f"import sys; sys.path.insert(0, {str(tmp_path / 'unpacked')!r})\n"
        "import sap_cli.resources as r, sap_cli.scaffold as s\n"
        "print(r.templates_root())\n"
        "print(len(s.list_templates()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0].startswith(str(tmp_path / "unpacked"))
    assert out[1] == str(len(kinds))
