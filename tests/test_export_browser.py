"""The exported agreement in a real browser: headless Chromium from the OS packages (.ci/run installs it)."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdp import Chromium
from conftest import EXAMPLES, assert_handled
from export_checks import chinese_fonts, dangers, rename_partners
from sap_cli import cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# axe-core's one-file build; .ci/run puts it here with npm (SAP_AXE_CORE names another copy).
AXE = Path(
    os.environ.get("SAP_AXE_CORE")
    or Path.home() / ".cache" / "sap-ci" / "node_modules" / "axe-core" / "axe.min.js"
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed here (apt-get install chromium); CI installs it"
    ),
]


def _pixels(png: bytes) -> set[bytes]:
    """Every distinct pixel of an 8-bit RGB or RGBA PNG, decoded with zlib (no imaging library)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, data, width, height, channels = 8, b"", 0, 0, 0
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind, chunk = png[position + 4 : position + 8], png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (2, 6), "an RGB or RGBA screenshot"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            data += chunk
        position += 12 + length
    raw, stride = zlib.decompress(data), width * channels
    previous, seen, offset = bytearray(stride), set(), 0
    for _ in range(height):
        kind, line = raw[offset], bytearray(raw[offset + 1 : offset + 1 + stride])
        offset += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                a, b, c = abs(guess - left), abs(guess - up), abs(guess - corner)
                line[i] = (line[i] + (left if a <= b and a <= c else up if b <= c else corner)) & 0xFF
        seen.update(bytes(line[i : i + channels]) for i in range(0, stride, channels * 7))
        previous = line
    return seen


def _chromium(tmp_path: Path, page: Path, *what: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing on the network could answer
            "--window-size=1000,1400",
            *what,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_the_exported_agreement_renders_in_chromium(tmp_path: Path, runner: CliRunner) -> None:
    folder = tmp_path / "course-redesign"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    result = runner.invoke(cli.app, ["export", str(folder), "agreement"])
    assert_handled(result)
    page = folder / "export" / "agreement.html"
    html = page.read_text(encoding="utf-8")
    assert dangers(html) == []  # no src or href that could leave the page, so no request can

    dom = _chromium(tmp_path, page, "--dump-dom")
    assert "<title>Partnership agreement: Redesigning GEOG 210" in dom.stdout
    assert "Sofia Martins" in dom.stdout
    assert ":CONSOLE" not in dom.stderr, dom.stderr  # no script ran, no resource was refused

    shot = tmp_path / "agreement.png"
    _chromium(tmp_path, page, f"--screenshot={shot}")
    assert len(_pixels(shot.read_bytes())) > 8, "the screenshot is blank"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Chromium]:
    assert CHROMIUM is not None
    chromium = Chromium(CHROMIUM, tmp_path / "cdp-profile")
    try:
        yield chromium
    finally:
        chromium.close()


def _export_all(runner: CliRunner, folder: Path) -> list[Path]:
    result = runner.invoke(cli.app, ["export", str(folder)])
    assert_handled(result)
    pages = sorted((folder / "export").rglob("*.html"))
    stems = {page.stem for page in pages}
    assert {"agreement", "progress", "review"} <= stems and any("worksheets" in p.parts for p in pages)
    return pages


_AXE_RUN = """axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  where: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary)})))"""


@pytest.mark.skipif(not AXE.is_file(), reason=f"axe-core is not at {AXE} (.ci/run installs it with npm)")
@pytest.mark.parametrize("name", ["course-redesign", "micro-credential", "student-recruitment-panel"])
def test_axe_finds_no_accessibility_problem_on_any_exported_page(
    tmp_path: Path, runner: CliRunner, browser: Chromium, name: str
) -> None:
    folder = tmp_path / name
    shutil.copytree(EXAMPLES / name, folder)
    axe = AXE.read_text(encoding="utf-8")
    found: dict[str, list[dict[str, object]]] = {}
    for page in _export_all(runner, folder):
        browser.open(page)
        browser.evaluate(axe)  # through DevTools: the page's own policy allows no script
        violations = browser.evaluate(_AXE_RUN)
        if violations:
            found[str(page.relative_to(folder))] = violations
    serious = {
        page: [v for v in violations if v["impact"] in ("serious", "critical")]
        for page, violations in found.items()
    }
    assert not any(serious.values()), json.dumps(serious, indent=1)
    assert found == {}, json.dumps(found, indent=1)  # not even a minor or moderate one


# Each character alone in a box at whole pixels, in the font of the page's text where the name
# stands, and one character no font has (a private-use code point): its box is the missing glyph.
_BOXES = r"""((name) => {
  const where = [...document.querySelectorAll("main *")].find(e => e.children.length === 0
    && e.textContent.includes(name));
  if (!where) return null;
  const style = getComputedStyle(where), board = document.createElement("div");
  board.style.cssText = "position:fixed;left:0;top:0;z-index:9;background:#fff;color:#000;margin:0;padding:0;"
    + "font-family:" + style.fontFamily + ";font-size:32px;line-height:48px";
  [...name.replace(/ /g, ""), "\u{10FFFD}", " "].forEach((character, i) => {
    const box = document.createElement("div");
    box.style.cssText = "position:absolute;left:0;width:64px;height:48px;background:#fff;"
      + "top:" + i * 48 + "px";
    box.textContent = character;
    board.appendChild(box);
  });
  document.body.appendChild(board);
  return style.fontFamily;
})"""


@pytest.mark.skipif(
    not chinese_fonts(), reason="no font with Chinese glyphs (apt-get install fonts-noto-cjk)"
)
def test_names_in_three_scripts_show_as_letters_not_boxes(
    tmp_path: Path, runner: CliRunner, browser: Chromium
) -> None:
    folder = tmp_path / "course-redesign"
    shutil.copytree(EXAMPLES / "course-redesign", folder)
    names = rename_partners(folder)
    result = runner.invoke(cli.app, ["export", str(folder), "agreement"])
    assert_handled(result)
    for name in names:
        browser.open(folder / "export" / "agreement.html")
        assert browser.evaluate(_BOXES + f"({json.dumps(name)})"), f"{name} is not on the page"
        characters = list(name.replace(" ", ""))
        shots = [
            browser.screenshot({"x": 0, "y": 48 * i, "width": 64, "height": 48})
            for i in range(len(characters) + 2)
        ]
        missing, blank = shots[-2], shots[-1]
        assert missing != blank  # the missing glyph shows as a box, so a box can be told apart
        for character, shot in zip(characters, shots, strict=False):
            assert shot != blank, f"{character!r} of {name} drew nothing"
            assert shot != missing, f"{character!r} of {name} shows as a box: no font has it"
