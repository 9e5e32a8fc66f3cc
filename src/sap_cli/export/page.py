"""One self-contained HTML page per document: inline style only, no script, nothing fetched."""

from __future__ import annotations

import html

from sap_cli.export.answers import LINE_MM

PAPERS = {"a4": "A4", "letter": "letter"}

# Fonts the reader's computer has, for any script: the system face first, then the faces that
# carry Irish, Vietnamese, Chinese, Japanese, Korean, Arabic and Devanagari on common systems.
FONTS = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, '
    '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Hiragino Sans", "Noto Sans Arabic", '
    '"Noto Sans Devanagari", sans-serif, "Apple Color Emoji", "Segoe UI Emoji"'
)

_STYLE = """
:root { color-scheme: light; }
html { font-family: %(fonts)s; font-size: 11pt; line-height: 1.45; color: #1a1a1a; background: #fff; }
body { max-width: 50rem; margin: 2rem auto; padding: 0 1.25rem; }
h1, h2, h3, h4 { line-height: 1.2; margin: 1.4em 0 0.5em; break-after: avoid; page-break-after: avoid; }
h1 { font-size: 1.7rem; margin-top: 0; }
h2 { font-size: 1.3rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
h3 { font-size: 1.1rem; }
table { border-collapse: collapse; width: 100%%; margin: 0.8em 0; font-size: 0.95em; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; vertical-align: top; text-align: left; }
thead th { background: #f0f0f0; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
.date { white-space: nowrap; }
code { font-family: ui-monospace, "Cascadia Mono", Menlo, Consolas, "Noto Sans Mono", monospace; }
code { font-size: 0.95em; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 0.6em; }
blockquote { margin: 0.8em 0; padding-left: 1em; border-left: 3px solid #ccc; color: #333; }
a { color: inherit; }
.chart { break-inside: avoid; page-break-inside: avoid; }
.answer-space { border: 1px solid #8a8a8a; border-radius: 3px; padding: 0 4mm; margin: 0.4em 0 1.4em;
  break-inside: avoid; page-break-inside: avoid; }
.answer-space .rule { height: %(line)smm; border-bottom: 1px solid #c8c8c8; }
.answer-space .rule:last-child { border-bottom: none; }
p:has(+ .answer-space) { break-after: avoid; page-break-after: avoid; margin-bottom: 0.2em; }
footer { margin-top: 3em; font-size: 0.85em; color: #555; }
@page { size: %(paper)s; margin: 18mm 16mm 20mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; color: #555; } }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; margin: 0; padding: 0; }
  h2 { break-before: auto; }
  a { text-decoration: none; }
}
"""


def style(paper: str = "a4") -> str:
    """The page's stylesheet, screen and print, for A4 or Letter paper."""
    return _STYLE % {"fonts": FONTS, "paper": PAPERS[paper], "line": LINE_MM}


def html_page(body: str, title: str, paper: str = "a4", lang: str = "en", footer: str = "") -> str:
    """`body` (already safe HTML) as a whole page; `title` and `footer` are text and are escaped here."""
    shown_footer = f"<footer>{html.escape(footer)}</footer>\n" if footer else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Nothing may be fetched: no script, no frame, no image from anywhere, no form target.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n"
        f"<title>{html.escape(title)}</title>\n"
        f"<style>{style(paper)}</style>\n"
        "</head>\n"
        "<body>\n"
        f"<main>\n{body.strip()}\n</main>\n"
        f"{shown_footer}"
        "</body>\n"
        "</html>\n"
    )
