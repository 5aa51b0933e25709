"""HTML: the visible text only, with block elements as line breaks.

Uses the standard library parser, which never fetches anything: images,
stylesheets and scripts are not loaded, script and style content is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from annotator.io.importers._common import Record, RecordError, SourceFile, read_text
from annotator.io.registry import register_importer

BLOCK_TAGS = frozenset(
    "address article aside blockquote br caption dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th "
    "thead tr ul".split()
)
HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title", "svg", "math"})
_SPACES = re.compile(r"[ \t\f\v\r\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._hidden: list[str] = []
        self._pre = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in HIDDEN_TAGS:
            self._hidden.append(tag)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "pre":
            self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in HIDDEN_TAGS:
            if tag in self._hidden:
                # Close up to the matching open tag: forgives unclosed inner hidden tags.
                del self._hidden[len(self._hidden) - 1 - self._hidden[::-1].index(tag) :]
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "pre" and self._pre:
            self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        if self._hidden:
            return
        self.parts.append(data if self._pre else _SPACES.sub(" ", data))


def html_to_text(html: str) -> tuple[str, str]:
    """(visible text, title) of an HTML document."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (line.strip(" ") for line in "".join(parser.parts).split("\n"))
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")
    title = _SPACES.sub(" ", "".join(parser.title_parts)).strip()
    return text, title


class HtmlImporter:
    name = "html"
    suffixes = (".html", ".htm")

    def read(self, source: SourceFile) -> Iterator[Record | RecordError]:
        text, title = html_to_text(read_text(source))
        if not text.strip():
            raise RecordError("no visible text in the HTML file; nothing imported")
        yield Record(text, title=title or source.path.stem)


IMPORTER = HtmlImporter()
for _suffix in IMPORTER.suffixes:
    register_importer(_suffix)(IMPORTER)
