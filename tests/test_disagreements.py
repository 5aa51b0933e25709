"""Disagreement regions and agreed spans, on plain Span records."""

import itertools

import pytest

from annotator.core.disagreements import Disagreement, agreed_spans, attribute_differences, find_disagreements
from annotator.core.model import Span

_ids = itertools.count(1)


def sp(annotator: str, start: int, end: int, label: str = "actor") -> Span:
    return Span(next(_ids), 1, start, end, label, annotator)


def test_identical_annotations_are_no_disagreement():
    by = {"ana": [sp("ana", 0, 5), sp("ana", 10, 15, "claim")], "ben": [sp("ben", 10, 15, "claim"), sp("ben", 0, 5)]}
    assert find_disagreements(by) == []
    assert agreed_spans(by) == [(0, 5, "actor"), (10, 15, "claim")]


def test_same_boundaries_different_label_is_a_label_disagreement():
    a, b = sp("ana", 3, 8, "actor"), sp("ben", 3, 8, "quote")
    [d] = find_disagreements({"ana": [a], "ben": [b]})
    assert d == Disagreement(("label",), 3, 8, (a, b), ("ana", "ben"), ())
    assert agreed_spans({"ana": [a], "ben": [b]}) == []


def test_overlapping_same_label_different_boundaries_is_a_boundary_disagreement():
    a, b = sp("ana", 0, 10), sp("ben", 4, 12)
    [d] = find_disagreements({"ana": [a], "ben": [b]})
    assert (d.kind, d.start, d.end, d.annotators, d.missing) == ("boundary", 0, 12, ("ana", "ben"), ())
    assert set(d.spans) == {a, b}


def test_different_label_and_different_boundaries_names_both():
    [d] = find_disagreements({"ana": [sp("ana", 0, 10, "claim")], "ben": [sp("ben", 2, 10, "quote")]})
    assert d.kinds == ("label", "boundary") and d.kind == "label+boundary"


def test_a_span_only_some_annotators_marked_is_missing():
    a = sp("ana", 20, 25)
    [d] = find_disagreements({"ana": [a], "ben": [], "cy": [sp("cy", 20, 25)]})
    assert (d.kind, d.start, d.end, d.annotators, d.missing) == ("missing", 20, 25, ("ana", "cy"), ("ben",))


def test_a_third_annotator_marking_nothing_does_not_hide_what_the_others_differ_in():
    by = {"ana": [sp("ana", 0, 5, "claim")], "ben": [sp("ben", 0, 7, "quote")], "cy": []}
    [d] = find_disagreements(by)
    assert d.kinds == ("label", "boundary", "missing") and d.missing == ("cy",)


def test_issue_example_same_words_claim_against_quote_is_a_label_disagreement():
    """Issue 11: ana = claim vs ben = quote on the same words was listed as "only ana, ben"."""
    by = {"ana": [sp("ana", 0, 5, "claim")], "ben": [sp("ben", 0, 5, "quote")], "cy": []}
    [d] = find_disagreements(by)
    assert d.kinds == ("label", "missing") and d.annotators == ("ana", "ben") and d.missing == ("cy",)
    by.pop("cy")
    assert find_disagreements(by)[0].kinds == ("label",)


def test_touching_spans_are_separate_regions():
    by = {"ana": [sp("ana", 0, 5), sp("ana", 5, 9)], "ben": [sp("ben", 0, 5)]}
    [d] = find_disagreements(by)
    assert (d.kind, d.start, d.end, d.missing) == ("missing", 5, 9, ("ben",))


def test_overlap_is_transitive_and_regions_come_in_text_order():
    by = {
        "ana": [sp("ana", 50, 60, "claim"), sp("ana", 0, 4), sp("ana", 6, 12)],
        "ben": [sp("ben", 50, 60, "quote"), sp("ben", 3, 8)],
    }
    found = find_disagreements(by)
    assert [(d.kind, d.start, d.end) for d in found] == [("boundary", 0, 12), ("label", 50, 60)]
    assert len(found[0].spans) == 3
    assert [s.start for s in found[0].spans] == sorted(s.start for s in found[0].spans)


def test_extra_span_inside_an_agreed_one_is_a_disagreement_but_the_shared_span_is_agreed():
    by = {"ana": [sp("ana", 0, 20, "quote"), sp("ana", 2, 5)], "ben": [sp("ben", 0, 20, "quote")]}
    [d] = find_disagreements(by)
    # Everybody marked something in the region, but not the same set, and boundaries differ.
    assert d.kind == "boundary" and d.missing == ()
    assert agreed_spans(by) == [(0, 20, "quote")]


def test_one_annotator_with_two_labels_on_the_same_text_against_one():
    by = {"ana": [sp("ana", 0, 5, "actor"), sp("ana", 0, 5, "quote")], "ben": [sp("ben", 0, 5, "actor")]}
    [d] = find_disagreements(by)
    assert d.kind == "label"
    assert agreed_spans(by) == [(0, 5, "actor")]


def test_duplicate_spans_of_one_annotator_do_not_make_a_disagreement():
    by = {"ana": [sp("ana", 0, 5), sp("ana", 0, 5)], "ben": [sp("ben", 0, 5)]}
    assert find_disagreements(by) == []


def test_three_annotators_agree_only_when_all_three_do():
    by = {name: [sp(name, 0, 5)] for name in ("ana", "ben", "cy")}
    assert find_disagreements(by) == []
    by["cy"] = [sp("cy", 0, 6)]
    assert [d.kind for d in find_disagreements(by)] == ["boundary"]
    assert agreed_spans(by) == []


def test_no_annotators_or_no_spans():
    assert find_disagreements({}) == []
    assert agreed_spans({}) == []
    assert find_disagreements({"ana": [], "ben": []}) == []
    assert agreed_spans({"ana": [], "ben": []}) == []


def test_a_single_annotator_never_disagrees_with_itself():
    by = {"ana": [sp("ana", 0, 5), sp("ana", 3, 9, "claim")]}
    assert find_disagreements(by) == []
    assert agreed_spans(by) == [(0, 5, "actor"), (3, 9, "claim")]


def test_a_span_listed_under_the_wrong_annotator_is_refused():
    with pytest.raises(ValueError, match="belongs to"):
        find_disagreements({"ana": [sp("ben", 0, 5)]})


def test_every_span_lands_in_exactly_one_region_or_is_agreed():
    # A pseudo-random layout: each span is either in one disagreement or in agreed_spans.
    import random

    rng = random.Random(7)
    by = {}
    for name in ("ana", "ben", "cy"):
        spans = []
        for _ in range(40):
            start = rng.randrange(0, 500)
            spans.append(sp(name, start, start + rng.randrange(1, 15), rng.choice(["actor", "claim"])))
        by[name] = spans
    found = find_disagreements(by)
    in_regions = [s.id for d in found for s in d.spans]
    assert len(in_regions) == len(set(in_regions))
    agreed = set(agreed_spans(by))
    for spans in by.values():
        for s in spans:
            assert s.id in in_regions or (s.start, s.end, s.label) in agreed
    for first, second in zip(found, found[1:]):
        assert first.end <= second.start
    for d in found:
        assert all(d.start <= s.start and s.end <= d.end for s in d.spans)
        assert set(d.annotators) | set(d.missing) <= set(by)


# ------------------------------------------------------------------ attribute values (issue 13)
def test_the_same_span_with_another_attribute_value_is_an_attribute_disagreement():
    a, b = sp("ana", 0, 5, "claim"), sp("ben", 0, 5, "claim")
    by = {"ana": [a, sp("ana", 10, 15)], "ben": [b, sp("ben", 10, 15)]}
    values = {a.id: {"certainty": "asserted"}, b.id: {"certainty": "hedged"}}
    [d] = find_disagreements(by, values)
    assert d == Disagreement(("attribute",), 0, 5, (a, b), ("ana", "ben"), ())
    assert agreed_spans(by, values) == [(10, 15, "actor")]  # not (0, 5, "claim"): its values differ
    assert attribute_differences(d.spans, values) == {"certainty": ["asserted", "hedged"]}
    # without values (or with equal ones) the span is agreed as before
    assert find_disagreements(by) == [] and agreed_spans(by) == [(0, 5, "claim"), (10, 15, "actor")]
    same = {a.id: {"certainty": "hedged"}, b.id: {"certainty": "hedged"}}
    assert find_disagreements(by, same) == [] and (0, 5, "claim") in agreed_spans(by, same)


def test_a_value_against_no_value_differs_and_other_differences_keep_their_kinds():
    a, b, c = sp("ana", 0, 5, "claim"), sp("ben", 0, 5, "claim"), sp("cy", 0, 9, "claim")
    values = {a.id: {"certainty": "asserted"}}
    [d] = find_disagreements({"ana": [a], "ben": [b]}, values)
    assert d.kinds == ("attribute",)
    assert attribute_differences(d.spans, values) == {"certainty": ["asserted", None]}
    [d] = find_disagreements({"ana": [a], "ben": [b], "cy": [c]}, values)
    assert d.kinds == ("boundary", "attribute")
    [d] = find_disagreements({"ana": [a], "ben": [b], "cy": []}, values)
    assert d.kinds == ("attribute", "missing") and d.missing == ("cy",)


def test_attribute_comparison_reads_span_rows_columns():
    from annotator.core.span_rows import SpanRows

    a, b = sp("ana", 3, 8, "quote"), sp("ben", 3, 8, "quote")
    by = {"ana": SpanRows([a]), "ben": SpanRows([b])}
    [d] = find_disagreements(by, {a.id: {"form": "direct"}, b.id: {"form": "reported"}})
    assert d.kind == "attribute" and d.spans == (a, b)


def test_collector_paused_keeps_what_was_made_in_the_oldest_generation_and_frees_cycles_later():
    """Inside, no collection; after, the collector runs again (only the outermost pause restarts it),
    what was kept sits in the oldest generation untraversed, and a cycle made inside is still freed."""
    import gc
    import weakref

    from annotator.core.disagreements import collector_paused

    class Node:
        pass

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            kept = [(i, -i, "actor") for i in range(1000)]
        assert not gc.isenabled()  # the inner pause leaves it to the outer one
        cycle = Node()
        cycle.self = cycle
        gone = weakref.ref(cycle)
        del cycle
    assert gc.isenabled()
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(kept) in oldest and id(kept[-1]) in oldest
    assert gc.get_count()[0] < 50  # the young generation starts empty: nothing made inside is walked
    assert gone() is not None  # a cycle waits for a full collection, as any old one does
    gc.collect()
    assert gone() is None
    assert gc.get_freeze_count() == 0  # nothing stays frozen
