"""What every exported page must be, read with a real HTML parser: nothing active, nothing fetched."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

# div: the ruled spaces to write an answer in, sap's own markup (export/answers.py).
PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "footer", "span", "div"}
BODY_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code",
    "ul", "ol", "li", "strong", "em", "s", "del", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
# The charts sap draws itself (documents/charts.py) and puts in after sanitising: shapes and words.
SVG_TAGS = {
    "svg", "title", "desc", "g", "rect", "circle", "ellipse", "line", "path", "polygon", "polyline",
    "text", "tspan",
}  # fmt: skip


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


def dangers(page: str) -> list[str]:
    """Everything in `page` that could run, fetch or point at a file; empty for a safe page."""
    found = []
    parsed = parse(page)
    for tag, attrs in parsed.elements:
        if tag not in PAGE_TAGS | BODY_TAGS | SVG_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            value = (value or "").strip().lower()
            if name.startswith("on"):
                found.append(f"{tag} {name}=")
            fetches = name in ("src", "srcset", "data", "action", "formaction", "poster", "background")
            if fetches and not value.startswith("data:"):
                found.append(f"{tag} {name}={value}")
            if name == "href" and not value.startswith(("mailto:", "#")):
                found.append(f"{tag} href={value}")
            if name == "style" and ("url(" in value or "expression" in value):
                found.append(f"{tag} style={value}")
            if tag == "meta" and name == "http-equiv" and value == "refresh":
                found.append("meta refresh")
    styles = page.split("<style>", 1)[-1].split("</style>", 1)[0] if "<style>" in page else ""
    if "url(" in styles or "@import" in styles:
        found.append("a stylesheet that fetches")
    return found


# Partner names in three scripts: Irish (Latin with fadas), Vietnamese (stacked diacritics), Chinese.
NAMES_IN_THREE_SCRIPTS = {
    "Sofia Martins": "Siobhán Ó Briain",
    "Jamal Osei": "Nguyễn Thị Minh Khai",
    "Kiri Walker": "王芳",
}


def rename_partners(folder: Path) -> list[str]:
    """Rename three partners of a copy of the course-redesign example (roles.yaml only)."""
    roles = folder / "roles.yaml"
    text = roles.read_text(encoding="utf-8")
    for old, new in NAMES_IN_THREE_SCRIPTS.items():
        assert f"    name: {old}\n" in text
        text = text.replace(f"    name: {old}\n", f"    name: {new}\n")
    roles.write_text(text, encoding="utf-8")
    return list(NAMES_IN_THREE_SCRIPTS.values())


def chinese_fonts() -> list[str]:
    """The families of the installed fonts with Chinese glyphs, as fontconfig sees them."""
    if shutil.which("fc-list") is None:
        return []
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return sorted(
        {name.strip() for line in found.stdout.splitlines() for name in line.split(",") if name.strip()}
    )
