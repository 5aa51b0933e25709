"""Relation disagreements: relations matched across layers by their ends' spans, label and direction."""

from annotator.core.relation_disagreements import RelationDisagreement, compare_relations

QUOTE = (0, 20, "quote")
ACTOR = (30, 39, "actor")
CLAIM = (50, 60, "claim")
FIGURE = (70, 75, "figure")

SAID = (QUOTE, ACTOR, "said_by")


def test_the_same_relations_in_every_layer_are_agreed_not_disagreements():
    found, agreed = compare_relations({"ana": [SAID, (FIGURE, CLAIM, "supports")], "ben": [(FIGURE, CLAIM, "supports"), SAID]})
    assert found == []
    assert agreed == sorted([SAID, (FIGURE, CLAIM, "supports")])


def test_a_relation_only_some_drew_is_missing_for_the_others():
    found, agreed = compare_relations({"ana": [SAID], "ben": [], "cy": [SAID]})
    assert found == [RelationDisagreement(("missing",), (QUOTE, ACTOR), (("ana", (SAID,)), ("ben", ()), ("cy", (SAID,))),
                                          ("ana", "cy"), ("ben",))]
    assert agreed == []
    assert (found[0].start, found[0].end) == (0, 39)


def test_the_same_ends_with_another_label_is_a_label_disagreement():
    other = (QUOTE, ACTOR, "claimed_by")
    [d], agreed = compare_relations({"ana": [SAID], "ben": [other]})
    assert d.kinds == ("label",) and d.version("ana") == (SAID,) and d.version("ben") == (other,)
    assert agreed == []


def test_the_same_label_pointing_the_other_way_is_a_direction_disagreement():
    [d], _ = compare_relations({"ana": [SAID], "ben": [(ACTOR, QUOTE, "said_by")]})
    assert d.kinds == ("direction",) and d.pair == (QUOTE, ACTOR)


def test_ends_that_differ_in_a_boundary_are_two_pairs():
    shorter = ((0, 18, "quote"), ACTOR, "said_by")
    found, _ = compare_relations({"ana": [SAID], "ben": [shorter]})
    assert [(d.kinds, d.annotators) for d in found] == [(("missing",), ("ben",)), (("missing",), ("ana",))]


def test_a_relation_everybody_drew_stays_agreed_on_a_pair_where_someone_drew_one_more():
    extra = (QUOTE, ACTOR, "claimed_by")
    [d], agreed = compare_relations({"ana": [SAID, extra], "ben": [SAID]})
    assert agreed == [SAID] and d.kinds == ("label",)


def test_disagreements_come_in_text_order_and_one_annotator_never_disagrees():
    late = (FIGURE, CLAIM, "supports")
    found, _ = compare_relations({"ana": [late, SAID], "ben": []})
    assert [d.start for d in found] == [0, 50]
    assert compare_relations({"ana": [SAID]}) == ([], [SAID])
    assert compare_relations({}) == ([], [])


def _naive(by):
    """Every pair looked at: the definition, without the shortcut over agreed pairs."""
    from annotator.core.relation_disagreements import pair_of

    pairs = sorted({pair_of(k) for keys in by.values() for k in keys})
    found = []
    for pair in pairs:
        per = [{k for k in keys if pair_of(k) == pair} for keys in by.values()]
        if any(p != per[0] for p in per[1:]):
            found.append((pair, tuple(tuple(sorted(p)) for p in per)))
    return found


def test_the_shortcut_finds_what_looking_at_every_pair_finds():
    from hypothesis import given, settings, strategies as st

    ends = st.sampled_from([QUOTE, ACTOR, CLAIM, FIGURE, (0, 18, "quote")])
    relation = st.tuples(ends, ends, st.sampled_from(["said_by", "claimed_by"])).filter(lambda r: r[0] != r[1])
    layers = st.lists(st.lists(relation, max_size=6), min_size=2, max_size=3)

    @settings(max_examples=200, deadline=None)
    @given(layers)
    def check(lists):
        by = {f"a{n}": keys for n, keys in enumerate(lists)}
        found, agreed = compare_relations(by)
        assert sorted((d.pair, tuple(keys for _name, keys in d.versions)) for d in found) == _naive(by)
        assert agreed == sorted(set.intersection(*map(set, by.values())))

    check()
