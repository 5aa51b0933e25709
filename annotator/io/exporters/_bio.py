"""Token-level BIO tags from character spans, shared by the CoNLL and Hugging Face formats.

Tokens are ``annotator.core.tokens.tokenize``'s. A span that does not start and
end on token boundaries is widened to the tokens it overlaps (counted as
adjusted). Tags cannot overlap, so where spans share a token the longest span
(in tokens) wins and ties go to the earlier start, then the label name; the
others are left out and counted.
"""

from __future__ import annotations

from annotator.io.exporters._base import ONLY_WHITESPACE, ExportContext, ExportRecord, non_overlapping

EXPANDED = "aligned to whole tokens (widened to the tokens they touch, edge spaces dropped)"
OVERLAP = "overlap a longer span (longest wins, ties to the earlier start)"
SENTENCE_END = frozenset(".!?。！？…")


def bio_tags(record: ExportRecord, context: ExportContext) -> list[str]:
    document = record.document
    tokens = document.tokens
    tags = ["O"] * len(tokens)
    ranges: list[tuple[int, int, str]] = []
    exact: list[bool] = []
    for start, end, label, _note in record.spans:
        bounds = document.token_range(start, end)
        if bounds is None:
            context.left_out(ONLY_WHITESPACE)
            continue
        first, last = bounds
        ranges.append((first, last + 1, label))
        exact.append(tokens[first].start == start and tokens[last].end == end)
    kept, dropped = non_overlapping(ranges)
    if dropped:
        context.left_out(OVERLAP, len(dropped))
    for i in kept:
        first, stop, label = ranges[i]
        if not exact[i]:
            context.adjusted(EXPANDED)
        tags[first] = f"B-{label}"
        for j in range(first + 1, stop):
            tags[j] = f"I-{label}"
    return tags


def tag_names(labels: list[str]) -> list[str]:
    """Every tag a BIO export can hold, in a fixed order: O, then B-/I- per label in label order."""
    names = ["O"]
    for label in labels:
        names += [f"B-{label}", f"I-{label}"]
    return names


def sentence_breaks(record: ExportRecord) -> set[int]:
    """Indexes of tokens that end a sentence: sentence punctuation, or a line break after the token."""
    tokens = record.document.tokens
    text = record.document.text
    breaks = set()
    for i, token in enumerate(tokens[:-1]):
        gap = text[token.end : tokens[i + 1].start]
        if token.text in SENTENCE_END or "\n" in gap:
            breaks.add(i)
    return breaks
