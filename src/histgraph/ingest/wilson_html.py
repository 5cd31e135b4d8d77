"""The Wilson Center Digital Archive document page, as its HTML.

The HTML is read into the lines a browser shows (each paragraph, heading, list
item and line break its own line, paragraphs separated by a blank line, runs of
white space as one space, scripts and styles left out), and those lines are read
like the page as text (:mod:`histgraph.ingest.wilson_text`). The title is the
page's first ``<h1>``, when it has one.
"""

from __future__ import annotations

from html.parser import HTMLParser

from histgraph.ingest.readers import SourceDocument, decode
from histgraph.ingest.wilson_text import read_page

_BLOCKS = frozenset({
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "li", "ul", "ol",
    "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "blockquote", "dd", "dt", "dl", "figure",
})
_PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})
_HIDDEN = frozenset({"script", "style", "template", "noscript", "head"})


class _PageText(HTMLParser):
    """Collects the lines a browser would show, and the first ``<h1>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._words: list[str] = []
        self._hidden = 0
        self._in_h1 = False
        self._h1: list[str] = []
        self.h1: str | None = None

    def _end_line(self, *, blank: bool = False) -> None:
        line = " ".join("".join(self._words).split())
        self._words = []
        if line:
            self.lines.append(line)
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self._end_line()
        elif tag in _BLOCKS:
            self._end_line(blank=tag in _PARAGRAPHS)
            if tag == "h1" and self.h1 is None:
                self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self._end_line(blank=tag in _PARAGRAPHS)
            if tag == "h1" and self._in_h1:
                self._in_h1 = False
                self.h1 = " ".join("".join(self._h1).split()) or None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self._words.append(data)
        if self._in_h1:
            self._h1.append(data)

    def close(self) -> None:
        super().close()
        self._end_line()


def page_lines(html: str) -> tuple[list[str], str | None]:
    """The lines ``html`` shows and its first ``<h1>`` (see the module docstring)."""
    parser = _PageText()
    parser.feed(html)
    parser.close()
    return parser.lines, parser.h1


class WilsonHtmlReader:
    """The archive's document page as HTML."""

    name = "wilson-html"

    def accepts(self, filename: str, data: bytes) -> bool:
        """An HTML page with the archive's citation box."""
        head = data[:200_000].lower()
        return (b"<html" in head or b"<!doctype html" in head) and b"digital archive" in head

    def read(self, filename: str, data: bytes, *, sidecar: bytes | None = None) -> SourceDocument:
        """The page's document: see the module docstring."""
        lines, h1 = page_lines(decode(filename, data))
        return read_page(lines, title=h1, format_name=self.name)
