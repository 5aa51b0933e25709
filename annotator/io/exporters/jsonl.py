"""Native JSONL: one line per (document, annotator), Prodigy-shaped spans and tokens.

``{"id", "title", "text", "meta", "annotator", "status", "spans": [{"start", "end",
"label", "text", "token_start", "token_end"[, "meta": {"note"}]}], "tokens": [{"text",
"start", "end", "id", "ws"}]}``. Offsets are code points, ``end`` exclusive,
``token_end`` inclusive. Serialized with orjson (compact, keys in this order),
so the same project always gives the same bytes; the importer reads it back.
"""

from __future__ import annotations

import orjson

from annotator.io.exporters._base import BaseExporter, ExportContext, ExportDocument, ExportRecord, Output, StreamWriter
from annotator.io.registry import register_exporter

LINE_BUFFER = 256  # lines joined per write call


def tokens_fragment(document: ExportDocument) -> orjson.Fragment:
    """The document's tokens as JSON, serialized once and reused for each of its annotators."""
    fragment = document.cache.get("jsonl_tokens")
    if fragment is None:
        fragment = document.cache["jsonl_tokens"] = orjson.Fragment(
            orjson.dumps([{"text": t.text, "start": t.start, "end": t.end, "id": t.id, "ws": t.ws} for t in document.tokens])
        )
    return fragment


def span_dicts(record: ExportRecord) -> list[dict]:
    document = record.document
    text = document.text
    spans = []
    for start, end, label, note in record.spans:
        bounds = document.token_range(start, end)
        first, last = bounds if bounds is not None else (None, None)
        span = {"start": start, "end": end, "label": label, "text": text[start:end], "token_start": first, "token_end": last}
        if note:
            span["meta"] = {"note": note}
        spans.append(span)
    return spans


def native_line(record: ExportRecord) -> bytes:
    document = record.document
    return orjson.dumps(
        {
            "id": document.uid,
            "title": document.title,
            "text": document.text,
            "meta": document.meta,
            "annotator": record.annotator,
            "status": record.status,
            "spans": span_dicts(record),
            "tokens": tokens_fragment(document),
        },
        option=orjson.OPT_APPEND_NEWLINE,
    )


class _LineWriter(StreamWriter):
    def __init__(self, output: Output, context: ExportContext) -> None:
        super().__init__(output, context)
        self.lines: list[bytes] = []

    def write(self, record: ExportRecord) -> None:
        self.lines.append(native_line(record))
        if len(self.lines) >= LINE_BUFFER:
            self.stream.write(b"".join(self.lines))
            self.lines.clear()

    def close(self) -> None:
        self.stream.write(b"".join(self.lines))
        self.lines.clear()


class NativeJsonl(BaseExporter):
    name = "jsonl"
    title = "Annotator JSONL (native, Prodigy-style spans and tokens)"
    suffix = ".jsonl"
    layout = "lines"
    writer = _LineWriter


EXPORTER = NativeJsonl()
register_exporter("jsonl")(EXPORTER)
