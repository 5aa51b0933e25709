"""SpanRows: spans kept as columns in text order, against plain sorted lists of Span; and the store's read."""

from __future__ import annotations

import copy as copy_module
import random

import pytest

from annotator.core.model import Span, text_order
from annotator.core.span_rows import SpanRows
from annotator.store import Project


def random_spans(rng: random.Random, count: int) -> list[Span]:
    """Spans with many equal starts, so that ties (outer first, then id) decide the order."""
    spans = []
    for span_id in rng.sample(range(1, 10 * count + 2), count):
        start = rng.randrange(0, 30)
        spans.append(Span(span_id, 7, start, start + rng.randrange(1, 6), rng.choice(["actor", "claim"]), "ann",
                          note=rng.choice([None, "a note"])))
    return spans


def columns_of(spans: list[Span]) -> list[list]:
    return [list(column) for column in zip(*spans)] if spans else [[] for _ in Span._fields]


@pytest.mark.parametrize("seed", range(40))
def test_rows_come_out_in_text_order_whatever_order_they_go_in(seed):
    rng = random.Random(seed)
    spans = random_spans(rng, rng.randrange(0, 40))
    expected = sorted(spans, key=text_order)
    by_start_only = sorted(spans, key=lambda span: (span.start, rng.random()))  # as an index on start gives them
    shuffled = rng.sample(spans, len(spans))
    for given in (by_start_only, shuffled):
        rows = SpanRows.from_columns(columns_of(given))
        assert list(rows) == expected
        assert rows.ids == [span.id for span in expected] and rows.starts == [span.start for span in expected]
    assert list(SpanRows(shuffled)) == expected


@pytest.mark.parametrize("seed", range(20))
def test_adds_removes_and_replacements_keep_text_order(seed):
    rng = random.Random(seed)
    spans = random_spans(rng, 30)
    rows, kept = SpanRows(spans[:10]), sorted(spans[:10], key=text_order)
    for span in spans[10:]:
        row = rows.add(span)
        kept = sorted([*kept, span], key=text_order)
        assert kept[row] == span and list(rows) == kept
    for _ in range(10):
        row = rng.randrange(len(rows))
        assert rows.pop(row) == kept.pop(row)
    row = rng.randrange(len(rows))
    relabelled = kept[row]._replace(label="quote", note="changed")
    rows.replace(row, relabelled)
    kept[row] = relabelled
    assert rows == kept and rows[2:5] == kept[2:5] and rows[-1] == kept[-1]
    assert rows.row_of(relabelled.id) == row and rows.row_of(-1) is None
    assert rows.column("note") == [span.note for span in kept]


def test_a_copy_is_independent_and_bad_columns_are_refused():
    rows = SpanRows([Span(1, 1, 0, 4, "actor", "a"), Span(2, 1, 2, 9, "claim", "a")])
    for copy in (rows.copy(), copy_module.copy(rows)):
        copy.pop(0)
        assert len(rows) == 2 and len(copy) == 1 and rows != copy
    assert SpanRows() == [] and len(SpanRows()) == 0 and list(SpanRows()) == []
    with pytest.raises(ValueError, match="columns"):
        SpanRows.from_columns([[1], [1]])
    with pytest.raises(ValueError, match="columns"):
        SpanRows.from_columns([[1, 2]] + [[1]] * (len(Span._fields) - 1))


def test_a_copy_shares_its_lists_until_either_side_changes_and_neither_sees_the_others_change():
    spans = [Span(1, 1, 0, 4, "actor", "a"), Span(2, 1, 2, 9, "claim", "a"), Span(3, 1, 5, 6, "quote", "a")]
    changes = [lambda rows: rows.pop(0), lambda rows: rows.add(Span(9, 1, 1, 3, "figure", "a")),
               lambda rows: rows.replace(1, spans[1]._replace(label="quote")),
               lambda rows: rows.pop_rows([True, False, True]), lambda rows: rows.insert(3, Span(8, 1, 7, 8, "actor", "a"))]
    for change in changes:
        for changed_side in ("original", "copy"):
            original = SpanRows(spans)
            copy = original.copy()
            assert copy.starts is original.starts  # shared, not copied
            change(original if changed_side == "original" else copy)
            untouched = copy if changed_side == "original" else original
            assert list(untouched) == spans and untouched != (original if untouched is copy else copy)
            copy_of_copy = untouched.copy()
            copy_of_copy.pop(0)
            assert list(untouched) == spans


def test_a_copy_shares_the_id_lookup_and_each_side_keeps_its_own_right_after_a_change():
    spans = [Span(1, 1, 0, 4, "actor", "a"), Span(2, 1, 2, 9, "claim", "a"), Span(3, 1, 5, 6, "quote", "a")]
    for built_by in ("original", "copy"):
        original = SpanRows(spans)
        copy = original.copy()
        (original if built_by == "original" else copy).row_of(2)
        assert copy.starts_by_id() is original.starts_by_id()  # built once for both
        copy.add(Span(9, 1, 1, 3, "figure", "a"))
        original.pop(0)
        assert [copy.row_of(i) for i in (1, 9, 2, 3)] == [0, 1, 2, 3]
        assert [original.row_of(i) for i in (1, 9, 2, 3)] == [None, None, 0, 1]
        assert copy.starts_by_id() == {1: 0, 9: 1, 2: 2, 3: 5} and original.starts_by_id() == {2: 2, 3: 5}


def test_rows_can_be_taken_out_at_once_and_a_replacement_may_not_move():
    spans = [Span(i, 1, i * 3, i * 3 + (50 if i % 3 == 0 else 2), "actor", "a") for i in range(12)]
    rows = SpanRows(spans)
    rows.row_of(4)  # the id lookup is built: taking rows out must not leave it stale
    taken = rows.pop_rows([span.end - span.start > 10 for span in rows])
    assert taken == [s for s in spans if s.id % 3 == 0] and list(rows) == [s for s in spans if s.id % 3]
    assert rows.row_of(3) is None and rows.row_of(4) == 2
    with pytest.raises(ValueError, match="flags for"):
        rows.pop_rows([True])
    with pytest.raises(ValueError, match="starts at"):
        rows.replace(0, rows[0]._replace(start=rows[0].start + 1))


def test_the_store_reads_spans_as_rows_in_text_order_for_one_or_several_annotators(tmp_path):
    project = Project.open(tmp_path / "p.db")
    text = "Kim Jong Un met 😀 officials in 北京.\nThey said 1.3 million."
    doc_id, _ = project.add_document(text)
    added = []
    for start, end, label, annotator in [(4, 8, "actor", "ann"), (0, 12, "claim", "ann"), (0, 3, "actor", "ann"),
                                         (0, 12, "quote", "bob"), (16, 17, "figure", "ann"), (31, 33, "actor", "bob")]:
        added.append(project.add_span(doc_id, start, end, label, annotator))
    for annotator in ("ann", ["ann", "bob"], None):
        rows = project.spans(doc_id, annotator)
        names = {annotator} if isinstance(annotator, str) else {"ann", "bob"}
        assert isinstance(rows, SpanRows)
        assert list(rows) == sorted((s for s in added if s.annotator in names), key=text_order)
        assert all(rows[row] == project.span(rows.ids[row]) for row in range(len(rows)))  # every field, as stored
    ann = project.spans(doc_id, "ann")
    assert [span.text_in(text) for span in ann] == ["Kim Jong Un ", "Kim", "Jong", "😀"]  # a tie: the longer first
    assert project.spans(doc_id, "bob")[1].text_in(text) == "北京"
    assert project.spans(doc_id, "nobody") == []
    project.close()
