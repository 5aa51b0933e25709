"""HTML: the visible text only, with block elements as line breaks, and the headings' offsets.

Parsed by lxml (libxml2's HTML parser), which reads any input in time linear in
its size: the standard library's ``html.parser`` is quadratic on runs of
``<!--``, ``</`` or ``<?`` (160 KB took 74 s, a few MB more than 15 minutes).
Nothing is fetched: libxml2's network access is off, images, stylesheets and
scripts are never loaded, script and style content is dropped. A document nested
deeper than libxml2 allows (2,048 elements) is refused with a message instead of
being cut short in silence.

Headings ``h1``-``h6`` are recorded as ``[start, end, level]`` in code points of
the visible text (see ``Record.headings``); the text itself does not change.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from lxml import etree

from annotator.io.importers._common import Record, RecordError, SourceFile, read_text
from annotator.io.registry import register_importer

BLOCK_TAGS = frozenset(
    "address article aside blockquote br caption dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th "
    "thead tr ul".split()
)
VOID_TAGS = frozenset({"br", "hr"})  # block tags without an end: one line break, not two
HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title", "svg", "math"})
MAX_DEPTH = 2048  # libxml2's limit on nested elements (with huge_tree)
HEADING_LEVELS = {f"h{n}": n for n in range(1, 7)}
_SPACES = re.compile(r"[ \t\f\v\r\n]+")
_LINE_EDGE_SPACES = re.compile(r"^ +| +$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")

Heading = tuple[int, int, int]  # start, end (code points), level


class _Deletions:
    """Where characters were deleted from a text, to move offsets into the shorter result."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.removed_before: list[int] = []  # characters removed by the earlier deletions
        self.lengths: list[int] = []

    def add(self, start: int, end: int) -> None:
        removed = self.removed_before[-1] + self.lengths[-1] if self.starts else 0
        self.starts.append(start)
        self.removed_before.append(removed)
        self.lengths.append(end - start)

    def __call__(self, offset: int) -> int:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return offset
        return offset - self.removed_before[i] - min(self.lengths[i], offset - self.starts[i])


def _delete(text: str, pattern: re.Pattern[str], keep: int = 0) -> tuple[str, _Deletions]:
    """``text`` without the matches of ``pattern`` (each keeps its first ``keep`` characters)."""
    deletions = _Deletions()
    pieces, last = [], 0
    for match in pattern.finditer(text):
        start = match.start() + keep
        if start < match.end():
            pieces.append(text[last:start])
            deletions.add(start, match.end())
            last = match.end()
    pieces.append(text[last:])
    return "".join(pieces), deletions


class _VisibleText:
    """Walks the parsed tree once, collecting visible text pieces, the title and heading marks."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.title = ""
        self.headings: list[Heading] = []
        self._open_headings: list[tuple[int, int]] = []
        self._hidden = 0
        self._pre = 0

    def _add(self, text: str | None) -> None:
        if text and not self._hidden:
            self._append(text if self._pre else _SPACES.sub(" ", text))

    def _append(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def start(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "title" and not self.title:
            self.title = _SPACES.sub(" ", "".join(element.itertext())).strip()
        if tag in HIDDEN_TAGS:
            self._hidden += 1
        elif tag in BLOCK_TAGS and not self._hidden:
            self._append("\n")
        if tag == "pre":
            self._pre += 1
        if tag in HEADING_LEVELS and not self._hidden:
            self._open_headings.append((self.length, HEADING_LEVELS[tag]))
        self._add(element.text)

    def end(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in HEADING_LEVELS and not self._hidden and self._open_headings:
            start, level = self._open_headings.pop()
            self.headings.append((start, self.length, level))
        if tag in HIDDEN_TAGS:
            self._hidden -= 1
        elif tag in BLOCK_TAGS and tag not in VOID_TAGS and not self._hidden:
            self._append("\n")
        if tag == "pre":
            self._pre -= 1
        self._add(element.tail)


def _parse(html: str) -> etree._Element | None:
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(html.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:  # nothing that parses as a document (e.g. only a doctype)
        if "empty" in str(exc).lower():
            return None
        raise RecordError(f"cannot parse the HTML ({exc}); nothing imported") from exc
    for error in parser.error_log:
        if error.level == etree.ErrorLevels.FATAL:
            if "depth" in error.message.lower():
                raise RecordError(f"the HTML nests elements more than {MAX_DEPTH:,} levels deep, more than the parser "
                                  "reads; nothing imported")
            raise RecordError(f"cannot parse the HTML at line {error.line} ({error.message.strip()}); nothing imported")
    return root


def _walk(root: etree._Element) -> _VisibleText:
    visible = _VisibleText()
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            visible.start(element)
        else:
            visible.end(element)
    return visible


def html_to_text(html: str) -> tuple[str, str, list[Heading]]:
    """(visible text, title, headings) of an HTML document.

    The visible text: lines stripped of edge spaces, at most one blank line in a
    row, no blank lines at either end. Heading offsets follow each deletion.
    """
    root = _parse(html)
    if root is None:
        return "", "", []
    visible = _walk(root)
    text, edges = _delete("".join(visible.parts), _LINE_EDGE_SPACES)
    text, blanks = _delete(text, _BLANK_LINES, keep=2)
    stripped = text.strip("\n")
    lead = len(text) - len(text.lstrip("\n"))
    headings = []
    for start, end, level in visible.headings:
        start, end = (blanks(edges(offset)) - lead for offset in (start, end))
        start, end = max(start, 0), min(end, len(stripped))
        while start < end and stripped[start].isspace():
            start += 1
        while end > start and stripped[end - 1].isspace():
            end -= 1
        if start < end:
            headings.append((start, end, level))
    return stripped, visible.title, sorted(headings)


class HtmlImporter:
    name = "html"
    suffixes = (".html", ".htm")

    def read(self, source: SourceFile) -> Iterator[Record | RecordError]:
        text, title, headings = html_to_text(read_text(source))
        if not text.strip():
            raise RecordError("no visible text in the HTML file; nothing imported")
        yield Record(text, title=title or source.path.stem, headings=headings)


IMPORTER = HtmlImporter()
for _suffix in IMPORTER.suffixes:
    register_importer(_suffix)(IMPORTER)
