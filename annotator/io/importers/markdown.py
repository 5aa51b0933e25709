"""Markdown: the whole file is one document, its text unchanged, titled by its file name.

The ATX headings (``# Title`` ... ``###### Title``, CommonMark's rules: at most
three spaces before the ``#``s, then a space, a tab or the end of the line) are
recorded as ``[start, end, level]`` over the whole heading line (marks included,
trailing spaces not), so the view can show the line as a heading. Lines inside
fenced code blocks (```` ``` ```` or ``~~~``) are code, not headings.

A line scan, not a Markdown library: markdown-it-py took 10 s on a 3.6 MB file
and grew faster than its input, and only the headings are needed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from annotator.io.importers._common import Record, RecordError, SourceFile, read_text
from annotator.io.registry import register_importer

# A line, its end excluded; lone CR and CRLF end lines too (the text is normalized later, offsets with it).
_LINE = re.compile(r"[^\r\n]*")
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+[^\r\n]*?)?[ \t]*$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def markdown_headings(text: str) -> list[tuple[int, int, int]]:
    """[start, end, level] of the ATX headings of ``text`` outside fenced code, in code points."""
    headings = []
    fence = ""
    for line in _LINE.finditer(text):
        content = line.group()
        if not content:
            continue
        opening = _FENCE.match(content)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and not content[opening.end():].strip():
                fence = ""
            continue
        if opening and not (opening.group(1)[0] == "`" and "`" in content[opening.end():]):
            fence = opening.group(1)
            continue
        heading = _ATX.match(content)
        if heading and content[heading.end(1):].strip(" \t").rstrip("#").strip(" \t"):  # empty ones: no heading
            start = line.start() + heading.start(1)
            end = line.start() + len(content.rstrip(" \t"))
            headings.append((start, end, len(heading.group(1))))
    return headings


class MarkdownImporter:
    name = "markdown"
    suffixes = (".md", ".markdown")

    def read(self, source: SourceFile) -> Iterator[Record | RecordError]:
        text = read_text(source)
        yield Record(text, title=source.path.stem, headings=markdown_headings(text))


IMPORTER = MarkdownImporter()
for _suffix in IMPORTER.suffixes:
    register_importer(_suffix)(IMPORTER)
