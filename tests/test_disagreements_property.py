"""The one-pass comparison against the definition, on any spans of one to three annotators (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.disagreements import compare, compare_on_demand
from annotator.core.model import Span, text_order
from annotator.core.span_rows import SpanRows

NAMES = ("ana", "ben", "cy")
keys = st.tuples(st.integers(0, 40), st.integers(1, 8), st.sampled_from("xyz")).map(lambda k: (k[0], k[0] + k[1], k[2]))


def by_definition(by: dict[str, list[Span]]) -> tuple[list[tuple[int, int, frozenset[int]]], list[tuple[int, int, str]]]:
    """Regions = connected groups of overlapping spans; a region disagrees when the annotators' sets differ there."""
    spans = [s for found in by.values() for s in found]
    group = {s.id: {s.id} for s in spans}
    for a in spans:
        for b in spans:
            if a.start < b.end and b.start < a.end and group[a.id] is not group[b.id]:
                merged = group[a.id] | group[b.id]
                for i in merged:
                    group[i] = merged
    regions = []
    for ids in {frozenset(g) for g in group.values()}:
        inside = [s for s in spans if s.id in ids]
        sets = [{(s.start, s.end, s.label) for s in inside if s.annotator == name} for name in by]
        if any(found != sets[0] for found in sets[1:]):
            regions.append((min(s.start for s in inside), max(s.end for s in inside), ids))
    sets = [{(s.start, s.end, s.label) for s in found} for found in by.values()]
    agreed = sorted(set.intersection(*sets), key=lambda k: (k[0], -k[1], k[2]))
    return sorted(regions, key=lambda r: r[0]), agreed


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sets(keys, max_size=8), min_size=1, max_size=3), st.booleans())
def test_compare_finds_exactly_the_regions_and_agreed_spans_of_the_definition(key_sets, as_rows):
    by, next_id = {}, 1
    for name, found in zip(NAMES, key_sets):
        spans = []
        for start, end, label in found:
            spans.append(Span(next_id, 1, start, end, label, name, "manual", None, None, "", ""))
            next_id += 1
        by[name] = SpanRows(spans) if as_rows else sorted(spans, key=text_order)
    disagreements, agreed = compare(by)
    regions, expected_agreed = by_definition(by)
    assert agreed == expected_agreed
    assert [(d.start, d.end, frozenset(s.id for s in d.spans)) for d in disagreements] == regions
    for d in disagreements:
        assert list(d.spans) == sorted(d.spans, key=lambda s: (s.start, -s.end, NAMES.index(s.annotator), s.label))
        assert set(d.annotators) == {s.annotator for s in d.spans}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sets(keys, max_size=8), min_size=1, max_size=3))
def test_the_disagreements_made_on_demand_are_those_compare_lists(key_sets):
    by, next_id = {}, 1
    for name, found in zip(NAMES, key_sets):
        by[name] = SpanRows(Span(next_id + i, 1, s, e, lb, name) for i, (s, e, lb) in enumerate(found))
        next_id += len(found)
    listed, agreed = compare(by)
    lazy, agreed_too = compare_on_demand(by)
    assert agreed_too == agreed
    assert (lazy.starts, lazy.ends) == ([d.start for d in listed], [d.end for d in listed])  # before any is made
    assert list(reversed(lazy)) == listed[::-1]  # made in any order, the same
    assert lazy == listed and lazy[1:] == listed[1:]
