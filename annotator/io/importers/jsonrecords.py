"""JSON Lines and JSON files: one document per line / object, any annotation schema.

The file's shape is sniffed from its content, not only its suffix: a ``.json``
holding one object per line is read as JSON Lines, a ``.jsonl`` holding a
single array (a Label Studio export saved under the wrong name) as JSON.
JSON Lines are streamed: only one line is held at a time. A UTF-8 JSON array
is streamed too, item by item (ijson): a 59 MB Label Studio export no longer
sits in memory as text, bytes and objects at once. Other JSON files (one
object, or an array in a legacy or UTF-16 encoding) are read whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import ijson
import orjson

from annotator.io.importers._common import (
    Record,
    RecordError,
    SourceFile,
    SNIFF_BYTES,
    encoding_name,
    iter_lines,
    read_text,
    undecodable_line,
)
from annotator.io.importers._schemas import record_from_json
from annotator.io.registry import register_importer


def _parse_error(exc: orjson.JSONDecodeError) -> str:
    return f"not valid JSON ({exc.msg} at column {_place(exc)[1]}{_AT_END if _past_content(exc) else ''})"


_AT_END = ", the end of the line"


def _past_content(exc: orjson.JSONDecodeError) -> bool:
    """Whether the parser ran off the end (of data): orjson then points past the line's newline."""
    return exc.pos >= len(exc.doc.rstrip())


def _place(exc: orjson.JSONDecodeError) -> tuple[int, int]:
    """(line, column) of the problem in the parsed text, 1-based, the column in code points.

    Where the parser ran off the end, the place is just after the last thing written,
    not the start of the (empty) line after the final newline.
    """
    pos = min(exc.pos, len(exc.doc.rstrip()))
    line_start = exc.doc.rfind("\n", 0, pos) + 1
    return exc.doc.count("\n", 0, pos) + 1, pos - line_start + 1


def _record(obj: Any, source: SourceFile, line: int | None, fallback_title: str) -> Record | RecordError:
    try:
        record = record_from_json(obj)
    except RecordError as exc:
        return RecordError(exc.message, line)
    record.line = line
    if not record.native:  # a native record's title is kept exactly, even empty
        record.title = record.title or record.uid or fallback_title
    return record


UTF8_BOM = b"\xef\xbb\xbf"
# A \uD800-\uDFFF escape. Without its partner, ijson's C backend reads it as "?" where orjson
# refuses it: a file holding one is read whole, so it is refused as before.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_BACKSLASH = 0x5C
_CHUNK = 1 << 20


def _starts_with_array(source: SourceFile) -> bool:
    with source.path.open("rb") as fh:
        head = fh.read(4096).removeprefix(UTF8_BOM).lstrip(b" \t\r\n")
    return head.startswith(b"[")


def _streamable_array(source: SourceFile) -> bool:
    """A JSON array in UTF-8 (as far as its first MiB tells): ijson reads it item by item."""
    if not _starts_with_array(source):
        return False
    with source.path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3 or len(head) < SNIFF_BYTES:  # more than a character cut by the sniff
            return False
    return not _has_lone_surrogate(source)


def _has_lone_surrogate(source: SourceFile) -> bool:
    tail = b""
    with source.path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            window = tail + chunk
            # An escape near the window's end may have its partner in the next chunk: judged there.
            if _lone_surrogate_in(window, max(0, len(tail) - 12), len(window) - 12):
                return True
            tail = window[-64:]
    return _lone_surrogate_in(tail, max(0, len(tail) - 12), len(tail))


def _lone_surrogate_in(window: bytes, start: int, stop: int) -> bool:
    """Whether an escape starting in [start, stop) is half a surrogate pair; earlier ones only pair."""
    partner = -1  # where the low half of the last pair starts
    for match in _SURROGATE_ESCAPE.finditer(window, 0, stop + 6):
        at = match.start()
        if at >= stop:
            break
        before = at
        while before and window[before - 1] == _BACKSLASH:
            before -= 1
        if (at - before) % 2:  # an escaped backslash and the text "u...": no escape at all
            continue
        if window[at + 3] in b"89abAB":
            low = window[match.end() : match.end() + 6]
            if at >= start and (len(low) < 6 or not _SURROGATE_ESCAPE.fullmatch(low) or low[3] not in b"cdefCDEF"):
                return True
            partner = match.end()
        elif at != partner and at >= start:
            return True
    return False


def _stream_problem(source: SourceFile, item: int, exc: Exception) -> RecordError:
    """The problem that stopped the stream, placed as exactly as a whole read would place it.

    A file that stops importing may cost memory once: orjson re-reads it whole for the line
    and column. Bytes that are not UTF-8 are named at once (a whole read would guess an encoding).
    """
    if "invalid bytes in UTF8" in str(exc):
        name = encoding_name(source.encoding)
        return RecordError(f"item {item}: not valid {name} text (the file begins as {name}): save the whole file "
                           "in one encoding, e.g. UTF-8; nothing imported")
    try:
        orjson.loads(source.path.read_bytes().removeprefix(UTF8_BOM))
    except orjson.JSONDecodeError as located:
        return RecordError(_parse_error(located), _place(located)[0])
    return RecordError(f"item {item}: not valid JSON ({str(exc).splitlines()[0] if str(exc) else exc!r})")


def _from_array_stream(source: SourceFile) -> Iterator[Record | RecordError]:
    """The items of a UTF-8 JSON array, one at a time; a problem names its line (or item)."""
    stem = source.path.stem
    index = 0
    with source.path.open("rb") as fh:
        source.encoding = "utf-8-sig" if fh.read(3) == UTF8_BOM else "utf-8"
        if source.encoding == "utf-8":
            fh.seek(0)
        try:
            for obj in ijson.items(fh, "item", use_float=True):
                index += 1
                yield _item(_record(obj, source, None, f"{stem} #{index}"), index)
        except ijson.JSONError as exc:
            raise _stream_problem(source, index + 1, exc) from exc
    if not index:
        raise RecordError("the JSON list is empty; nothing imported")


def _item(item: Record | RecordError, index: int) -> Record | RecordError:
    if isinstance(item, RecordError):
        return RecordError(f"item {index}: {item.message}")
    item.where = f"item {index}: "
    return item


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
        raise RecordError(_parse_error(exc), _place(exc)[0]) from exc
    stem = source.path.stem
    if isinstance(value, list):
        if not value:
            raise RecordError("the JSON list is empty; nothing imported")
        for index, obj in enumerate(value, 1):
            yield _item(_record(obj, source, None, f"{stem} #{index}"), index)
    else:
        yield _record(value, source, None, stem)


class JsonImporter:
    name = "json"
    suffixes = (".jsonl", ".json", ".ndjson")

    def read(self, source: SourceFile) -> Iterator[Record | RecordError]:
        if _streamable_array(source):
            yield from _from_array_stream(source)
        elif source.path.suffix.lower() == ".json" or _starts_with_array(source):
            yield from _from_document(source)
        else:
            yield from _from_lines(source, iter_lines(source))


IMPORTER = JsonImporter()
for _suffix in IMPORTER.suffixes:
    register_importer(_suffix)(IMPORTER)
