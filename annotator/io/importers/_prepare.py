"""One record made canonical: newlines normalized, span offsets converted and checked.

Every format goes through here, so each imported span satisfies
``text[start:end]`` on the stored text, and a span the record gives with its
text matches that slice.
"""

from __future__ import annotations

import functools
from typing import Callable

from annotator.core.offsets import OffsetError, Utf16Map
from annotator.core.text import NewlineRemap, normalize_newlines
from annotator.io.importers._common import RawSpan, Record, RecordError
from annotator.store.bulk import QueuedDocument, SpanRow, StatusRow

def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


class _Offsets:
    """Record offsets (code points or UTF-16 units, raw newlines) -> stored-text code points."""

    def __init__(self, raw: str, utf16: bool) -> None:
        self.raw_length = len(raw)
        self.utf16 = Utf16Map(raw) if utf16 else None
        # Lone CR -> LF keeps every offset; only CRLF pairs shift what follows them.
        self.newlines = NewlineRemap(raw) if "\r\n" in raw else None

    def convert(self, start: int, end: int) -> tuple[int, int]:
        if self.utf16 is not None:
            start, end = self.utf16.to_codepoint(start), self.utf16.to_codepoint(end)
        if not 0 <= start < end <= self.raw_length:
            what = "empty or reversed" if end <= start else f"outside the text (length {self.raw_length})"
            raise OffsetError(what)
        if self.newlines is not None:
            start, end = self.newlines(start), self.newlines(end)
        return start, end


def _has_astral(text: str) -> bool:
    return not text.isascii() and any(ord(ch) > 0xFFFF for ch in text)


def _utf16_hint(record: Record, offsets: str) -> str:
    if offsets != "utf16" and record.utf16_offsets and _has_astral(record.text):
        return " (offsets counted in UTF-16 by the exporting tool? try --offsets utf16)"
    return ""


def _check_span(span: RawSpan, offsets: _Offsets, text: str, hint: Callable[[], str], prefix: str) -> tuple[int, int]:
    where = f"{prefix}{span.name} ({span.start}-{span.end} {span.label!r})"
    try:
        start, end = offsets.convert(span.start, span.end)
    except OffsetError as exc:
        raise RecordError(f"{where}: {exc}{hint()}", span.line) from exc
    if span.text is not None and normalize_newlines(span.text) != text[start:end]:
        raise RecordError(
            f"{where}: the record's span text {_short(span.text)} does not match the text at those offsets "
            f"{_short(text[start:end])}{hint()}",
            span.line,
        )
    return start, end


def _spans(record: Record, text: str, offsets: str, record_annotator: str) -> tuple[list[SpanRow], list[RecordError]]:
    converter = _Offsets(record.text, utf16=offsets == "utf16" and record.utf16_offsets)
    hint = functools.partial(_utf16_hint, record, offsets)
    rows: list[SpanRow] = []
    errors: list[RecordError] = []
    for span in record.spans:
        span.line = span.line or record.line
        try:
            start, end = _check_span(span, converter, text, hint, record.where)
        except RecordError as exc:
            errors.append(exc)
            continue
        rows.append((start, end, span.label, span.annotator or record_annotator, span.note))
    return rows, errors


def prepare(
    record: Record, *, offsets: str, default_annotator: str, encoding: str, source: str
) -> tuple[QueuedDocument | None, list[RecordError]]:
    """The canonical record, or the problems that keep it (and its file) out."""
    text = normalize_newlines(record.text)
    if not text or text.isspace():
        return None, [RecordError(f"{record.where}the text is empty", record.line)]
    record_annotator = record.annotator or default_annotator
    spans: list[SpanRow] = []
    if record.spans:
        spans, errors = _spans(record, text, offsets, record_annotator)
        if errors:
            return None, errors
    meta = record.meta if record.native else {**record.meta, "encoding": record.meta.get("encoding", encoding)}
    statuses = _statuses(record, spans) if spans or record.native else []
    return QueuedDocument(text, record.title, source, meta, record.uid, spans, statuses), []


def _statuses(record: Record, spans: list[SpanRow]) -> list[StatusRow]:
    """A native record sets its annotator's status; elsewhere, an annotator with spans is 'done'."""
    if record.native and record.annotator and record.status:
        return [(record.annotator, record.status, False)]
    with_spans = dict.fromkeys(row[3] for row in spans)
    return [(name, "done", not record.native) for name in with_spans]
