"""Native JSONL: one line per (document, annotator), Prodigy-shaped spans and tokens.

``{"id", "title", "text", "meta", "annotator", "status", "spans": [{"start", "end",
"label", "text", "token_start", "token_end"[, "meta": {"note"}][, "attrs": {NAME: VALUE}][, "kb_id"]}], "tokens": [{"text",
"start", "end", "id", "ws"}]}``. Offsets are code points, ``end`` exclusive,
``token_end`` inclusive. A record with relations has a ``relations`` list in Prodigy's
``rel.manual`` shape (``prodigy_relations``). Spans are written exactly as stored; tokens are
``core.tokens.tokenize``'s (whitespace other than one space is a token, ``ws`` marks
one following space), split where a span of this record starts or ends inside one,
so every span starts on a token start and ends on a token end. Serialized with orjson (compact, keys in this order),
so the same project always gives the same bytes; the importer reads it back.
``kb_id`` is the linked actor's external id (a Wikidata QID), else its stable project id
(``annotator:<12 hex>``). With ``tokens=False`` (``--no-tokens``) the ``tokens`` key and the spans'
``token_start``/``token_end`` are left out: no tokenization at all.
"""

from __future__ import annotations

import orjson

from annotator.core.tokens import Token
from annotator.io.exporters._aligned import on_tokens
from annotator.io.exporters._base import BaseExporter, ExportContext, ExportDocument, ExportRecord, Output, StreamWriter
from annotator.io.registry import register_exporter

LINE_BUFFER = 256  # lines joined per write call


def _token_dicts(tokens: list[Token]) -> bytes:
    return orjson.dumps([{"text": t.text, "start": t.start, "end": t.end, "id": t.id, "ws": t.ws} for t in tokens])


def tokens_fragment(document: ExportDocument) -> orjson.Fragment:
    """The document's tokens as JSON, serialized once and reused for each of its annotators."""
    fragment = document.cache.get("jsonl_tokens")
    if fragment is None:
        fragment = document.cache["jsonl_tokens"] = orjson.Fragment(_token_dicts(document.tokens))
    return fragment


def spans_and_tokens(record: ExportRecord) -> tuple[list[dict], orjson.Fragment]:
    """The record's spans as stored, with the token range of each, and the tokens they index."""
    text = record.document.text
    aligned = on_tokens(record, [(s[0], s[1], s) for s in record.spans])
    spans = []
    for index, span in enumerate(aligned.spans):  # one aligned span per record span, in order
        item = {"start": span.start, "end": span.end, "label": span.label, "text": text[span.start : span.end],
                "token_start": span.first, "token_end": span.stop - 1}
        if span.source[3]:
            item["meta"] = {"note": span.source[3]}
        attributes = record.attributes_of(index)
        if attributes:
            item["attrs"] = attributes
        actor = record.actor_of(index)
        if actor:
            item["kb_id"] = actor[0]
        spans.append(item)
    tokens = orjson.Fragment(_token_dicts(aligned.tokens)) if aligned.split else tokens_fragment(record.document)
    return spans, tokens


def plain_spans(record: ExportRecord) -> list[dict]:
    """The record's spans as stored, without token indexes."""
    text = record.document.text
    spans = []
    for index, (start, end, label, note) in enumerate(record.spans):
        item = {"start": start, "end": end, "label": label, "text": text[start:end]}
        if note:
            item["meta"] = {"note": note}
        attributes = record.attributes_of(index)
        if attributes:
            item["attrs"] = attributes
        actor = record.actor_of(index)
        if actor:
            item["kb_id"] = actor[0]
        spans.append(item)
    return spans


def native_line(record: ExportRecord, tokens: bool = True) -> bytes:
    document = record.document
    line = {
        "id": document.uid,
        "title": document.title,
        "text": document.text,
        "meta": document.meta,
        "annotator": record.annotator,
        "status": record.status,
    }
    if tokens:
        line["spans"], line["tokens"] = spans_and_tokens(record)
    else:
        line["spans"] = plain_spans(record)
    if record.relations:
        line["relations"] = prodigy_relations(line["spans"], record.relations)
    return orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE)


def prodigy_relations(spans: list[dict], relations: list[tuple[int, int, str]]) -> list[dict]:
    """Relations in Prodigy's ``rel.manual`` shape: ``head``/``child`` are the token index of each end's
    last token, ``head_span``/``child_span`` the ends (start, end, token_start, token_end, label)."""
    keys = ("start", "end", "token_start", "token_end", "label")
    written = []
    for head, child, label in relations:
        head_span = {key: spans[head][key] for key in keys if key in spans[head]}
        child_span = {key: spans[child][key] for key in keys if key in spans[child]}
        item: dict = {}
        if "token_end" in head_span:  # without tokens (--no-tokens) the ends are named by their spans only
            item = {"head": head_span["token_end"], "child": child_span["token_end"]}
        item.update(head_span=head_span, child_span=child_span, label=label)
        written.append(item)
    return written


class _LineWriter(StreamWriter):
    def __init__(self, output: Output, context: ExportContext) -> None:
        super().__init__(output, context)
        self.lines: list[bytes] = []
        self.tokens = context.options.tokens

    def write(self, record: ExportRecord) -> None:
        self.lines.append(native_line(record, self.tokens))
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
    options: tuple[str, ...] = ("tokens",)
    writes_relations = True
    writer = _LineWriter


EXPORTER = NativeJsonl()
register_exporter("jsonl")(EXPORTER)
