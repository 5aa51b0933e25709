"""Property: for any text and any spans, the token formats' tokens rebuild the text and their
IOB2 tags, decoded by seqeval's strict mode, give back exactly the spans (edge whitespace trimmed,
overlapping ones left out and named), and the native JSONL token range of each span is exact."""

from __future__ import annotations

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.scheme import IOB2, Entities

from annotator.core.tokens import trim_whitespace
from annotator.io.exporters._base import ExportContext, ExportDocument, ExportOptions, ExportRecord, ExportSummary
from annotator.io.exporters._bio import OVERLAP, tagged
from annotator.io.exporters.jsonl import spans_and_tokens

PIECES = ["Kim", "U.S.", "Trump’s", "Russia-North", "don't", "1,300.5", "J.", " ", " ", "  ", "\t", "\n", "\n\n",
          "\u00a0", "\u2028", "東京", "タワー", "👍🏽", "👨\u200d👩\u200d👧", "🇰🇷", "e\u0301", "हिन्दी", ".", ",", "(", "—"]


@st.composite
def records(draw):
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25)))
    bounds = st.integers(0, len(text))
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        a, b = draw(bounds), draw(bounds)
        if a != b:
            spans.append((min(a, b), max(a, b), draw(st.sampled_from(["actor", "claim"])), None))
    spans = sorted(set(spans))
    document = ExportDocument(1, "d1", "t", text, "{}")
    return ExportRecord(document, "ana", "done", spans)


@settings(max_examples=300, deadline=None)
@given(records())
def test_tags_decode_to_exactly_the_kept_spans(record):
    text = record.document.text
    summary = ExportSummary()
    context = ExportContext(ExportOptions(format="hf"), ["actor", "claim"], summary)
    aligned, tags = tagged(record, context)
    tokens = aligned.tokens
    assert "".join(t.text + " " * t.ws for t in tokens) == text
    entities = Entities([tags], IOB2, suffix=False).entities[0]
    decoded = [(tokens[x.start].start, tokens[x.end - 1].end, x.tag) for x in entities]
    expected = []
    for start, end, label, _note in record.spans:
        bounds = trim_whitespace(text, start, end)
        if bounds is not None:
            expected.append((*bounds, label))
    assert set(decoded) <= set(expected)  # nothing moved
    assert len(decoded) + summary.left_out[OVERLAP] == len(expected)  # the rest overlap a kept span
    assert len(summary.report) == sum(summary.left_out.values()) + sum(summary.adjusted.values())


@settings(max_examples=300, deadline=None)
@given(records())
def test_native_token_ranges_are_exact(record):
    spans, tokens_json = spans_and_tokens(record)
    tokens = orjson.loads(orjson.dumps(tokens_json))
    text = record.document.text
    assert "".join(t["text"] + " " * t["ws"] for t in tokens) == text
    for span in spans:
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
