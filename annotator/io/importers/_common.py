"""What every importer shares: the record it yields, its errors, and reading bytes as text.

An importer turns one source file into a stream of ``Record`` (one document, its
raw text and any spans with offsets into that raw text) or ``RecordError`` (a
problem with one record, reported with its line while the rest is still read).
Newline normalization, offset conversion and validation happen once, in
``annotator.io.importing``, so every format gets the same guarantees.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

# Legacy 8-bit encodings tried first: on short texts an unrestricted detector
# guesses Baltic or Central European code pages for plain French or German.
WESTERN_8BIT = ["cp1252", "latin_1"]
SNIFF_BYTES = 1 << 20


class RecordError(Exception):
    """One problem with the input, meant for the user as it is."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class RawSpan:
    start: int
    end: int
    label: str
    text: str | None = None  # the span text as the record gives it, checked against the slice
    note: str | None = None
    annotator: str | None = None  # overrides the record's annotator (Label Studio: one per annotation)
    name: str = ""  # how messages name the span ("span 2", "T3")
    line: int | None = None  # where the span is written, when not on the record's line (brat)


@dataclass
class Record:
    text: str  # raw text, newlines not yet normalized; span offsets point into it
    line: int | None = None
    title: str = ""
    uid: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[RawSpan] = field(default_factory=list)
    annotator: str | None = None
    status: str | None = None
    native: bool = False  # our own JSONL: meta is kept exactly as written
    utf16_offsets: bool = False  # a format whose tools may count UTF-16 units (--offsets utf16 applies)
    where: str = ""  # prefix naming the record in messages when it has no line ("item 3: ")


@dataclass
class SourceFile:
    path: Path
    companion: Path | None = None  # brat: the .txt next to the .ann
    encoding: str = ""  # filled in by the importer once known


class Importer(Protocol):
    name: str
    suffixes: tuple[str, ...]

    def read(self, source: SourceFile) -> Iterator[Record | RecordError]: ...


# --------------------------------------------------------------------- decoding
def _bom_encoding(head: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) when the bytes start with a byte order mark."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32", 0
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    return None


def _detect_legacy(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=WESTERN_8BIT).best() or from_bytes(data).best()
    return best.encoding if best is not None else None


BINARY_MESSAGE = "binary file (contains NUL bytes), not text; nothing imported"
UNDECODABLE_MESSAGE = "cannot decode the file: not UTF-8, UTF-16 or a known 8-bit encoding; nothing imported"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a whole file; RecordError for binary or undecodable bytes."""
    bom = _bom_encoding(data[:4])
    if bom:
        codec, skip = bom
        try:
            text = data[skip:].decode(codec)
        except UnicodeDecodeError as exc:
            raise RecordError(f"{UNDECODABLE_MESSAGE} ({codec} with a byte order mark, but {exc.reason})") from exc
        if "\x00" in text:
            raise RecordError(BINARY_MESSAGE)
        return text, "utf-8-sig" if skip else codec
    if b"\x00" in data:
        raise RecordError(BINARY_MESSAGE)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _detect_legacy(data)
    if encoding is None:
        raise RecordError(UNDECODABLE_MESSAGE)
    return data.decode(encoding), encoding


def read_text(source: SourceFile, path: Path | None = None) -> str:
    """The whole file as text; records the encoding on ``source``."""
    text, source.encoding = decode_bytes((path or source.path).read_bytes())
    if not text.strip():
        raise RecordError("empty file (no text); nothing imported")
    return text


def iter_lines(source: SourceFile) -> Iterator[tuple[int, bytes | str]]:
    """(line number, line) of a line-per-record file, streamed.

    UTF-8 lines stay bytes (orjson parses them without a decode step); other
    encodings are decoded line by line. Records ``source.encoding``.
    """
    fh: BinaryIO = source.path.open("rb")
    with fh:
        head = fh.read(SNIFF_BYTES)
        fh.seek(0)
        bom = _bom_encoding(head[:4])
        if bom is None and b"\x00" in head:
            raise RecordError(BINARY_MESSAGE)
        if bom and bom[0] != "utf-8":
            source.encoding = bom[0]
            yield from _text_lines(fh, bom[0])
            return
        if bom:
            source.encoding = "utf-8-sig"
            fh.seek(3)
        elif not _is_utf8_prefix(head):
            encoding = _detect_legacy(head)
            if encoding is None:
                raise RecordError(UNDECODABLE_MESSAGE)
            source.encoding = encoding
            yield from _text_lines(fh, encoding)
            return
        else:
            source.encoding = "utf-8"
        yield from enumerate(fh, 1)


def _is_utf8_prefix(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _text_lines(fh: BinaryIO, encoding: str) -> Iterator[tuple[int, str]]:
    # newline="\n": a CR inside a record is data, and JSON lines end with LF (or CRLF).
    wrapper = io.TextIOWrapper(fh, encoding=encoding, newline="\n")
    try:
        yield from enumerate(wrapper, 1)
    except UnicodeDecodeError as exc:
        raise RecordError(f"cannot decode the file as {encoding} ({exc.reason})") from exc
    finally:
        wrapper.detach()
