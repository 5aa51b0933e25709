"""Plain text: the whole file is one document, titled by its file name (Markdown: ``markdown``)."""

from __future__ import annotations

from collections.abc import Iterator

from annotator.io.importers._common import Record, RecordError, SourceFile, read_text
from annotator.io.registry import register_importer


class PlainTextImporter:
    name = "text"
    suffixes = (".txt",)

    def read(self, source: SourceFile) -> Iterator[Record | RecordError]:
        yield Record(read_text(source), title=source.path.stem)


IMPORTER = PlainTextImporter()
for _suffix in IMPORTER.suffixes:
    register_importer(_suffix)(IMPORTER)
