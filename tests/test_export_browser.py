"""The exported agreement in a real browser: headless Chromium from the OS packages (.ci/run installs it)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, assert_handled
from export_checks import dangers
from sap_cli import cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

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
