"""JSON Lines and JSON files: one document per line / object, any annotation schema.

The file's shape is sniffed from its content, not only its suffix: a ``.json``
holding one object per line is read as JSON Lines, a ``.jsonl`` holding a
single array (a Label Studio export saved under the wrong name) as JSON.
JSON Lines are streamed: only one line is held at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from annotator.io.importers._common import (
    Record,
    RecordError,
    SourceFile,
    iter_lines,
    read_text,
    undecodable_line,
)
from annotator.io.importers._schemas import record_from_json
from annotator.io.registry import register_importer


def _parse_error(exc: orjson.JSONDecodeError) -> str:
    return f"not valid JSON ({exc.msg} at column {exc.colno})"


def _record(obj: Any, source: SourceFile, line: int | None, fallback_title: str) -> Record | RecordError:
    try:
        record = record_from_json(obj)
    except RecordError as exc:
        return RecordError(exc.message, line)
    record.line = line
    if not record.native:  # a native record's title is kept exactly, even empty
        record.title = record.title or record.uid or fallback_title
    return record


def _starts_with_array(source: SourceFile) -> bool:
    with source.path.open("rb") as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"[")


def _from_lines(source: SourceFile, lines: Iterable[tuple[int, bytes | str]]) -> Iterator[Record | RecordError]:
    stem = source.path.stem
    for number, line in lines:
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield undecodable_line(line, number, source.encoding) or RecordError(_parse_error(exc), number)
            continue
        yield _record(obj, source, number, f"{stem} #{number}")


def _from_document(source: SourceFile) -> Iterator[Record | RecordError]:
    """A whole JSON file: one object, a list of objects, or (sniffed) JSON Lines."""
    text = read_text(source)
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if exc.msg.startswith("unexpected content after document"):  # several values: one per line
            yield from _from_lines(source, enumerate(text.split("\n"), 1))
            return
        raise RecordError(_parse_error(exc), exc.lineno) from exc
    stem = source.path.stem
    if isinstance(value, list):
        if not value:
            raise RecordError("the JSON list is empty; nothing imported")
        for index, obj in enumerate(value, 1):
            item = _record(obj, source, None, f"{stem} #{index}")
            if isinstance(item, RecordError):
                item = RecordError(f"item {index}: {item.message}")
            else:
                item.where = f"item {index}: "
            yield item
    else:
        yield _record(value, source, None, stem)


class JsonImporter:
    name = "json"
    suffixes = (".jsonl", ".json", ".ndjson")

    def read(self, source: SourceFile) -> Iterator[Record | RecordError]:
        if source.path.suffix.lower() == ".json" or _starts_with_array(source):
            yield from _from_document(source)
        else:
            yield from _from_lines(source, iter_lines(source))


IMPORTER = JsonImporter()
for _suffix in IMPORTER.suffixes:
    register_importer(_suffix)(IMPORTER)
