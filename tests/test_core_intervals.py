"""The interval index against a brute-force scan: short, long, nested and repeated spans, adds and removes."""

from __future__ import annotations

import random

import pytest

from annotator.core.intervals import IntervalIndex, nested_ids, overlap_groups, pieces
from annotator.core.model import Span, text_order
from annotator.core.span_rows import SpanRows


def brute(spans: dict[int, Span], start: int, end: int) -> list[Span]:
    if end <= start:
        return []
    return sorted((s for s in spans.values() if s.start < end and s.end > start), key=text_order)


@pytest.mark.parametrize("bucket", [4, 16, 2048])
def test_queries_match_a_full_scan_through_adds_and_removes(bucket):
    rng = random.Random(bucket)
    for _ in range(60):
        spans = {}
        for i in range(rng.randint(0, 50)):
            start = rng.randrange(0, 200)
            spans[i] = Span(i, 1, start, start + rng.choice([1, 2, 5, 20, 100, 300]), "actor", "a")
        given = list(spans.values())
        index = IntervalIndex(SpanRows(given) if rng.random() < 0.5 else given, bucket=bucket)  # rows: taken as they are
        next_id = 1000
        for _ in range(40):
            if rng.random() < 0.3:  # a new span, or a changed one under an existing id
                span_id = rng.choice(list(spans)) if spans and rng.random() < 0.2 else next_id
                next_id += 1
                start = rng.randrange(0, 200)
                spans[span_id] = Span(span_id, 1, start, start + rng.choice([1, 3, 50, 400]), "claim", "a")
                index.add(spans[span_id])
            elif spans and rng.random() < 0.3:
                gone = rng.choice(list(spans))
                assert index.remove(gone) == spans.pop(gone)
            start = rng.randrange(0, 600)
            end = start + rng.randrange(0, 100)
            assert index.overlapping(start, end) == brute(spans, start, end)
            assert index.all() == sorted(spans.values(), key=text_order)
            assert len(index) == len(spans)


def test_repeated_ids_keep_the_last_span_in_text_order_and_unknown_removes_are_none():
    first, second = Span(1, 1, 0, 5, "actor", "a"), Span(1, 1, 10, 15, "claim", "a")
    for given in ([first, second], [second, first], SpanRows([second, first])):
        index = IntervalIndex(given)
        assert index.all() == [second] and index.at(2) == [] and index.at(12) == [second] and index.get(1) == second
    assert index.remove(99) is None


def test_at_lists_outer_spans_first_and_nested_ids_marks_inner_ones():
    outer, inner, long_one = Span(1, 1, 0, 20, "claim", "a"), Span(2, 1, 5, 8, "actor", "a"), Span(3, 1, 0, 9000, "quote", "a")
    index = IntervalIndex([inner, outer, long_one], bucket=16)
    assert index.at(6) == [long_one, outer, inner]
    assert nested_ids(index.at(6)) == {1, 2}


def brute_nested(spans: list[Span]) -> set[int]:
    ordered = sorted(spans, key=text_order)
    return {s.id for i, s in enumerate(ordered) if any(o.start <= s.start and o.end >= s.end for o in ordered[:i])}


def brute_pieces(spans: list[Span]) -> list[tuple[int, int, tuple[Span, ...]]]:
    """Character by character: runs of characters covered by the same spans."""
    ordered = sorted(spans, key=text_order)
    found: list[tuple[int, int, tuple[Span, ...]]] = []
    for offset in range(max((s.end for s in spans), default=0)):
        covering = tuple(s for s in ordered if s.start <= offset < s.end)
        if not covering:
            continue
        if found and found[-1][1] == offset and found[-1][2] == covering:
            found[-1] = (found[-1][0], offset + 1, covering)
        else:
            found.append((offset, offset + 1, covering))
    return found


def test_pieces_and_nested_ids_match_a_character_by_character_scan():
    rng = random.Random(7)
    for _ in range(300):
        spans = []
        for i in range(rng.randint(0, 12)):
            start = rng.randrange(0, 60)
            spans.append(Span(i, 1, start, start + rng.choice([1, 2, 3, 8, 30]), "actor", "a"))
        ordered = sorted(spans, key=text_order)
        assert pieces(ordered) == brute_pieces(spans)
        assert nested_ids(spans) == brute_nested(spans)


def test_a_span_covering_many_others_is_cut_where_they_start_and_end():
    whole = Span(1, 1, 0, 100, "quote", "a")
    inside = [Span(i, 1, 10 * i, 10 * i + 3, "actor", "a") for i in range(2, 6)]
    found = pieces(sorted([whole, *inside], key=text_order))
    assert [(a, b, [s.id for s in covering]) for a, b, covering in found] == [
        (0, 20, [1]), (20, 23, [1, 2]), (23, 30, [1]), (30, 33, [1, 3]), (33, 40, [1]), (40, 43, [1, 4]),
        (43, 50, [1]), (50, 53, [1, 5]), (53, 100, [1])]
    assert nested_ids([whole, *inside]) == {2, 3, 4, 5}


def test_overlap_groups_join_chains_of_overlaps_and_part_at_touching_ends():
    a, b, c, d = Span(1, 1, 0, 4, "x", "a"), Span(2, 1, 3, 8, "x", "a"), Span(3, 1, 7, 9, "x", "a"), Span(4, 1, 9, 12, "x", "a")
    assert [list(g) for g in overlap_groups([a, b, c, d])] == [[a, b, c], [d]]  # a-b-c chain; d only touches c
    assert list(overlap_groups([])) == []
