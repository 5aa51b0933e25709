"""Token-level IOB2 tags from character spans, shared by the CoNLL and Hugging Face formats.

Tokens come from ``_aligned.align``: every span starts and ends on a token
boundary (a token is split where a span edge falls inside it; whitespace at a
span's edges is trimmed), so decoding the tags gives back exactly the spans.
Tags cannot overlap: where spans share a token the longest span (in tokens)
wins, ties go to the earlier start, then the label name; the others are left
out and named in the report.
"""

from __future__ import annotations

from annotator.core.tokens import Token
from annotator.io.exporters._aligned import Aligned, align
from annotator.io.exporters._base import ExportContext, ExportRecord, non_overlapping

OVERLAP = "overlaps a longer span (longest wins, ties to the earlier start)"
SENTENCE_END = frozenset(".!?。！？…")
LINE_BREAKS = frozenset("\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def tagged(record: ExportRecord, context: ExportContext) -> tuple[Aligned, list[str]]:
    """The record's tokens (whitespace tokens included) and one IOB2 tag per token."""
    aligned = align(record, context, trim=True)
    tags = ["O"] * len(aligned.tokens)
    kept, dropped = non_overlapping([(s.first, s.stop, s.label) for s in aligned.spans])
    for i in dropped:
        context.report(record, aligned.spans[i].source, OVERLAP, left_out=True)
    for i in kept:
        span = aligned.spans[i]
        tags[span.first] = f"B-{span.label}"
        for j in range(span.first + 1, span.stop):
            tags[j] = f"I-{span.label}"
    return aligned, tags


def tag_names(labels: list[str]) -> list[str]:
    """Every tag a BIO export can hold, in a fixed order: O, then B-/I- per label in label order."""
    names = ["O"]
    for label in labels:
        names += [f"B-{label}", f"I-{label}"]
    return names


def sentences(tokens: list[Token], tags: list[str]) -> list[list[int]]:
    """Indexes of the non-whitespace tokens, grouped in sentences.

    A sentence ends after sentence punctuation (an abbreviation such as ``U.S.``
    keeps its dot and ends none) or at a line break, but never inside a span: where
    the next token continues a span (``I-``), the sentence goes on.
    """
    groups: list[list[int]] = [[]]
    pending_break = False
    for i, token in enumerate(tokens):
        if token.text.isspace():
            pending_break = pending_break or not LINE_BREAKS.isdisjoint(token.text)
            continue
        if pending_break and groups[-1] and not tags[i].startswith("I-"):
            groups.append([])
        groups[-1].append(i)
        pending_break = token.text in SENTENCE_END
    return [group for group in groups if group]
