"""The review list's marks for a whole document (one sweep over the gold columns) are those of looking
each region up in the gold index, with and without rejected regions and chapter-long gold spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.changes import Rejection
from annotator.core.disagreements import compare_on_demand
from annotator.core.intervals import BUCKET
from annotator.core.model import GOLD_ANNOTATOR, Span
from annotator.core.span_rows import SpanRows
from annotator.ui.review_list import Decisions

keys = st.tuples(st.integers(0, 60), st.integers(1, 9), st.sampled_from("xyz")).map(lambda k: (k[0], k[0] + k[1], k[2]))


def rows(name: str, found, first_id: int) -> SpanRows:
    return SpanRows(Span(first_id + i, 1, start, end, label, name) for i, (start, end, label) in enumerate(found))


@settings(max_examples=200, deadline=None)
@given(st.sets(keys, max_size=10), st.sets(keys, max_size=10), st.sets(keys, max_size=10),
       st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12)), max_size=3), st.booleans())
def test_marks_of_a_sweep_are_the_marks_of_the_index(ana, ben, gold, rejected, chapter):
    disagreements, _ = compare_on_demand({"ana": rows("ana", ana, 1), "ben": rows("ben", ben, 100)})
    gold_rows = rows(GOLD_ANNOTATOR, gold, 200)
    if chapter:  # longer than the index's bucket: the index files it apart, the sweep steps aside
        gold_rows.add(Span(999, 1, 3, BUCKET + 10, "w", GOLD_ANNOTATOR))
    gold_spans = list(gold_rows)  # the panel gives Decisions its rows to keep
    rejections = [Rejection(i + 1, 1, start, start + length, "rita") for i, (start, length) in enumerate(rejected)]
    decisions = Decisions(disagreements, gold_rows, rejections)
    ordered = sorted(rejections, key=lambda r: r.start)
    longest = max((r.end - r.start for r in ordered), default=0)
    expected = [decisions._mark(d.start, d.end, ordered, [r.start for r in ordered], longest) for d in disagreements]
    assert decisions.marks == expected
    assert decisions.gold_keys == {(s.start, s.end, s.label) for s in gold_spans}
