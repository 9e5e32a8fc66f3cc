"""sap's SVG charts as PNG pictures, for Word (which python-docx can only give raster images).

The `typst` wheel (in both the `pdf` and the `docx` extras) draws them: a one-image Typst page
the size of the chart, compiled to PNG in a new empty folder as its root. It carries its own fonts
as well as using the computer's, so the chart's words always show, and the same chart gives the
same bytes on every run. Without the wheel there is no picture (None) and the caller says so.
"""

from __future__ import annotations

import importlib
import re
import tempfile
from dataclasses import dataclass
from xml.sax.saxutils import unescape

from sap_cli.export.typst_source import chart_image

PPI = 192.0  # twice a screen's 96 pixels an inch: sharp on paper and on a high-density screen
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.DOTALL)
_DESC = re.compile(r"<desc[^>]*>(.*?)</desc>", re.DOTALL)
_SIZE = re.compile(r'<svg[^>]* width="([0-9.]+)" height="([0-9.]+)"')


@dataclass(frozen=True)
class Picture:
    """A chart as a PNG, its size in CSS pixels (96 an inch) and the words a screen reader says."""

    png: bytes
    width: float
    height: float
    alt: str


def alt_text(svg: str) -> str:
    """The chart's own <title> and <desc>, as one sentence or two."""
    words = [unescape(m.group(1)).strip() for m in (_TITLE.search(svg), _DESC.search(svg)) if m]
    return ". ".join(word.rstrip(".") for word in words if word) + "."


def svg_to_png(svg: str) -> Picture | None:
    """The chart as a PNG, or None when the `typst` wheel is not installed (or cannot draw it)."""
    try:
        typst = importlib.import_module("typst")
    except ImportError:
        return None
    size = _SIZE.search(svg)
    if size is None:
        return None
    source = "#set page(width: auto, height: auto, margin: 0pt, fill: white)\n" + chart_image(svg, False)
    with tempfile.TemporaryDirectory(prefix="sap-chart-") as root:
        try:
            png = typst.compile(source.encode("utf-8"), root=root, format="png", ppi=PPI)
        except typst.TypstError:
            return None
    if not isinstance(png, bytes):  # a many-page document gives a list: not a chart
        return None
    return Picture(png, float(size.group(1)), float(size.group(2)), alt_text(svg))
