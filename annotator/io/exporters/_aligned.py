"""A record's tokens with every span boundary on a token boundary: what token-based formats write.

Tokens are ``core.tokens.tokenize``'s (the window's word definition). The
exporter never moves a span: where a span starts or ends inside a token, that
token is split there for this record. The one documented change: with ``trim``
(hf, conll, spacy), whitespace at a span's edges is trimmed (an imported
``\\tAlice Smith`` becomes ``Alice Smith``: an entity edged with whitespace is
flagged by ``spacy debug data`` and teaches nothing), and a span of nothing but
whitespace is left out. Both are named in the export report.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.tokens import Token, split_tokens, trim_whitespace
from annotator.io.exporters._base import ONLY_WHITESPACE, ExportContext, ExportRecord

TRIMMED = "trimmed: whitespace at its edges"


@dataclass
class AlignedSpan:
    first: int  # index of its first token
    stop: int  # index after its last token
    label: str
    start: int  # code points, as written (after trimming)
    end: int
    source: tuple[int, int, str, str | None]  # the record's span, as stored


@dataclass
class Aligned:
    tokens: list[Token]
    spans: list[AlignedSpan]  # in the record's order, less those left out
    split: bool  # tokens were split at span boundaries (they differ from the document's)


def align(record: ExportRecord, context: ExportContext, *, trim: bool) -> Aligned:
    """The record's tokens and its spans as token ranges (see the module rules)."""
    text = record.document.text
    kept: list[tuple[int, int, tuple[int, int, str, str | None]]] = []
    for span in record.spans:
        bounds = trim_whitespace(text, span[0], span[1]) if trim else (span[0], span[1])
        if bounds is None:
            context.report(record, span, ONLY_WHITESPACE, left_out=True)
            continue
        start, end = bounds
        if (start, end) != span[:2]:
            context.report(record, span, TRIMMED)
        kept.append((start, end, span))
    return on_tokens(record, kept)


def on_tokens(record: ExportRecord, kept: list[tuple[int, int, tuple[int, int, str, str | None]]]) -> Aligned:
    """Token ranges of (start, end, source span) triples; tokens split where an edge falls inside one."""
    index_of_start, index_of_end = _indexes(record)
    starts = {start for start, _end, _span in kept}
    ends = {end for _start, end, _span in kept}
    split = not (starts <= index_of_start.keys() and ends <= index_of_end.keys())
    tokens = record.document.tokens
    if split:
        tokens = split_tokens(record.document.text, tokens, starts, ends)
        index_of_start = {t.start: t.id for t in tokens}
        index_of_end = {t.end: t.id for t in tokens}
    spans = [AlignedSpan(index_of_start[s], index_of_end[e] + 1, span[2], s, e, span) for s, e, span in kept]
    return Aligned(tokens, spans, split)


def _indexes(record: ExportRecord) -> tuple[dict[int, int], dict[int, int]]:
    """Token index by start and by end offset of the document's own tokens, computed once per document."""
    cache = record.document.cache
    if "token_index" not in cache:
        tokens = record.document.tokens
        cache["token_index"] = ({t.start: t.id for t in tokens}, {t.end: t.id for t in tokens})
    return cache["token_index"]
