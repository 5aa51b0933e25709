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
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

# Detection order for bytes that are not UTF-8 and carry no byte order mark.
# Western code pages come first: on short texts an unrestricted detector guesses
# Baltic or Central European code pages for plain French or German, and UTF-16
# or DOS code pages for a few smart quotes. UTF-16/32 are accepted only with a BOM.
WESTERN_8BIT = ["cp1252", "latin_1"]
OTHER_LEGACY = [
    "cp1250", "cp1251", "koi8_r", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "cp932", "euc_jp", "gb18030", "big5", "euc_kr",
]
# charset-normalizer's mess ratio above which it rejects a decoding. A text of a
# few words with smart quotes or a euro sign scores 0.5-0.67 even in its real
# code page, so the last pass accepts Western text up to this ratio.
SHORT_TEXT_MESS = 0.7
# Bytes that are printable in cp1252 but C1 control characters in latin-1.
_C1_BYTE = re.compile(rb"[\x80-\x9f]")
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
    attrs: Any = None  # attribute values {name: value}, checked against the project's attributes by prepare
    kb_id: Any = None  # the linked actor's kb_id (external id or project id), checked by prepare
    kb_name: str | None = None  # the actor's name where the format gives it (brat N lines)


@dataclass
class RawRelation:
    """A relation of a record: its ends are indexes into the record's spans (head -> child)."""

    head: int
    child: int
    label: str
    name: str = ""  # how messages name it ("relation 2", "R1")


@dataclass
class Record:
    text: str  # raw text, newlines not yet normalized; span offsets point into it
    line: int | None = None
    title: str = ""
    # [start, end, level] of each heading (HTML h1-h6, Markdown '#' lines), offsets into the raw text;
    # stored in meta["headings"] in stored-text offsets, the contract with the text view.
    headings: list[tuple[int, int, int]] = field(default_factory=list)
    uid: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[RawSpan] = field(default_factory=list)
    relations: list[RawRelation] = field(default_factory=list)
    annotator: str | None = None
    status: str | None = None
    native: bool = False  # our own JSONL: meta is kept exactly as written
    exact_meta: bool = False  # meta is ours, kept exactly as written (native JSONL, our Label Studio tasks)
    utf16_offsets: bool = False  # a format whose tools may count UTF-16 units (--offsets utf16 applies)
    where: str = ""  # prefix naming the record in messages when it has no line ("item 3: ")
    done_by: list[str | None] = field(default_factory=list)  # annotators who finished the record, spans or not
    left_out: dict[str, int] = field(default_factory=dict)  # what the record holds that is not kept -> how many

    def leave_out(self, what: str, count: int = 1) -> None:
        """Count something of the record that is not imported, for the import summary."""
        if count:
            self.left_out[what] = self.left_out.get(what, 0) + count


@dataclass
class SourceFile:
    path: Path
    companion: Path | None = None  # brat: the .txt next to the .ann
    encoding: str = ""  # filled in by the importer once known


class Importer(Protocol):
    name: str
    suffixes: tuple[str, ...]
    # Optional: names of files in the format's own folders that hold no document (brat's
    # annotation.conf); a folder import passes them by, not counting them as of unknown type.
    folder_files: tuple[str, ...]

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
    """The legacy encoding charset-normalizer finds among the candidates, in order of preference."""
    from charset_normalizer import from_bytes

    passes = ((WESTERN_8BIT, 0.2), (OTHER_LEGACY, 0.2), (WESTERN_8BIT, SHORT_TEXT_MESS))
    for candidates, mess in passes:
        best = from_bytes(data, cp_isolation=candidates, threshold=mess).best()
        if best is not None:
            return _prefer_cp1252(best.encoding, data)
    return None


def _prefer_cp1252(encoding: str, data: bytes) -> str:
    """cp1252 over latin-1 when bytes 0x80-0x9f are there: they are quotes and dashes, not controls."""
    if encoding != "latin_1" or not _C1_BYTE.search(data):
        return encoding
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return encoding
    return "cp1252"


BINARY_MESSAGE = "binary file (contains NUL bytes), not text; nothing imported (UTF-16 text needs a byte order mark)"
UNDECODABLE_MESSAGE = "cannot decode the file: not UTF-8, UTF-16 or a known 8-bit encoding; nothing imported"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a whole file; RecordError for binary or undecodable bytes.

    The order: a byte order mark, then strict UTF-8, then charset-normalizer among
    the legacy candidates (see ``_detect_legacy``).
    """
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
    encoding = _detect_legacy(_sample(data))
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            encoding = _detect_legacy(data)  # the sample misled: the whole file decides
    if encoding is None:
        raise RecordError(UNDECODABLE_MESSAGE)
    return data.decode(encoding), encoding


def _sample(data: bytes) -> bytes:
    """What the detector sees of a file: its first MiB.

    The detector holds several copies of what it is given: a sample keeps a
    100 MB file from costing 300 MB more just to be detected.
    """
    return data if len(data) <= SNIFF_BYTES else _whole_lines(data[:SNIFF_BYTES])


def _whole_lines(head: bytes) -> bytes:
    """The first part of a file up to its last line break, so no multi-byte character is cut."""
    cut = head.rfind(b"\n")
    return head[: cut + 1] if cut > 0 else head


def read_text(source: SourceFile, path: Path | None = None) -> str:
    """The whole file as text; records the encoding on ``source``.

    The bytes are dropped as soon as they are decoded: a 100 MB file is held
    twice only while it is decoded.
    """
    text, source.encoding = decode_bytes((path or source.path).read_bytes())
    if not text or text.isspace():
        raise RecordError("empty file (no text); nothing imported")
    return text


def encoding_name(encoding: str) -> str:
    """How messages name an encoding ("UTF-8", "cp1252")."""
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}.get(encoding, encoding)


def _not_text(encoding: str, exc: UnicodeDecodeError, line: int | None) -> RecordError:
    name = encoding_name(encoding)
    byte = exc.object[exc.start : exc.start + 1].hex()
    return RecordError(
        f"not valid {name} text (byte 0x{byte} at byte {exc.start + 1} of the line; the file begins as {name}): "
        "save the whole file in one encoding, e.g. UTF-8; nothing imported",
        line,
    )


def undecodable_line(line: bytes | str, number: int, encoding: str) -> RecordError | None:
    """The problem with a UTF-8 line that does not decode, else None (its trouble is elsewhere)."""
    if isinstance(line, str):
        return None
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _not_text(encoding, exc, number)
    return None


def iter_lines(source: SourceFile) -> Iterator[tuple[int, bytes | str]]:
    """(line number, line) of a line-per-record file, streamed.

    The encoding is told from the first MiB. UTF-8 lines stay bytes (orjson
    parses them without a decode step: use ``undecodable_line`` on a line it
    refuses); other encodings are decoded line by line, and a line that does not
    decode stops the file with a RecordError naming it. Records ``source.encoding``.
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
            yield from _wide_lines(fh, bom[0])
            return
        if bom:
            source.encoding = "utf-8-sig"
            fh.seek(3)
        elif not _is_utf8_prefix(head):
            encoding = _detect_legacy(head if len(head) < SNIFF_BYTES else _whole_lines(head))
            if encoding is None:
                raise RecordError(UNDECODABLE_MESSAGE)
            source.encoding = encoding
            yield from _legacy_lines(fh, encoding)
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


def _legacy_lines(fh: BinaryIO, encoding: str) -> Iterator[tuple[int, str]]:
    # Split on LF bytes: no candidate legacy encoding uses 0x0A inside a character.
    # A CR before it stays (JSON treats it as whitespace).
    for number, raw in enumerate(fh, 1):
        try:
            yield number, raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise _not_text(encoding, exc, number) from exc


def _wide_lines(fh: BinaryIO, encoding: str) -> Iterator[tuple[int, str]]:
    """Lines of a UTF-16/32 file (with its BOM); LF is not one byte there."""
    wrapper = io.TextIOWrapper(fh, encoding=encoding, newline="\n")
    number = 0
    try:
        for number, line in enumerate(wrapper, 1):
            yield number, line
    except UnicodeDecodeError as exc:
        raise RecordError(
            f"not valid {encoding_name(encoding)} text after line {number} ({exc.reason}); nothing imported"
        ) from exc
    finally:
        wrapper.detach()
