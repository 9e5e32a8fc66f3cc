"""The pieces every SVG picture sap draws is made of: its size, font and colours, escaped text and
attributes, coordinates written the same on every machine, and the outer <svg> with its title."""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

WIDTH = 680  # about 18 cm at 96 dpi: the width of an A4 page inside its margins
FONT = "sans-serif"  # the reader's own system font: nothing is fetched
BLUE, ORANGE, VERMILLION, GREEN, SKY, PURPLE, GREY = (
    "#0072B2",
    "#E69F00",
    "#D55E00",
    "#009E73",
    "#56B4E9",
    "#CC79A7",
    "#767676",
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def attrs(**values: object) -> str:
    """XML attributes from keyword arguments (`class_` for class, `data_x` for data-x), quoted."""
    return "".join(
        f" {name.rstrip('_').replace('_', '-')}={quoteattr(str(value))}" for name, value in values.items()
    )


def text(x: float, y: float, words: str, **extra: object) -> str:
    return f"<text{attrs(x=n(x), y=n(y), **extra)}>{escape(words)}</text>"


def n(value: float) -> str:
    """A coordinate with at most one decimal, the same on every machine."""
    return f"{value:.1f}".removesuffix(".0")


def clip(words: str, most: int) -> str:
    words = " ".join(words.split())
    return words if len(words) <= most else words[: most - 1].rstrip() + "…"


def svg(name: str, height: float, title: str, desc: str, body: Iterable[str]) -> str:
    ids = f"sap-{name}-title sap-{name}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg"{attrs(width=WIDTH, height=n(height))}'
        f"{attrs(viewBox=f'0 0 {WIDTH} {n(height)}', role='img', aria_labelledby=ids)}"
        f"{attrs(font_family=FONT, font_size=12)}>"
    )
    return "\n".join(
        [
            head,
            f'<title id="sap-{name}-title">{escape(title)}</title>',
            f'<desc id="sap-{name}-desc">{escape(desc)}</desc>',
            f'<rect width="{WIDTH}" height="{n(height)}" fill="#ffffff"/>',
            *body,
            "</svg>",
            "",
        ]
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def anchor_near_edges(x: float) -> str:
    """Where a label centred on x would run off the picture, it ends (or starts) at x instead."""
    if x > WIDTH - 70:
        return "end"
    return "start" if x < 70 else "middle"


def as_of_marker(x: float, top: float, bottom: float, day: str) -> list[str]:
    """The dashed line of the day a picture is seen from, and its "as of" label above it."""
    line = attrs(x1=n(x), y1=top - 4, x2=n(x), y2=bottom, stroke="#333333", stroke_dasharray="4 3")
    return [
        f"<line{line}/>",
        text(x, top - 8, f"as of {day}", text_anchor=anchor_near_edges(x), font_size=11),
    ]
