"""Where annotators disagree on relations: relations matched by their two ends, then compared.

A relation is known here by its ``RelationKey``: the ``(start, end, label)`` of its head span,
of its child span, and its relation label (the span ids differ from layer to layer; the words
and labels do not). Relations are grouped by the *pair* of spans they join, whichever way they
point, so ``ana: quote -> actor said_by`` against ``ben: actor -> quote said_by`` is one
disagreement about one pair. A pair where every compared annotator has the same set of
relations is agreement; any other pair is one disagreement, whose ``kinds`` say what differs:

- ``"label"``: annotators who joined the pair used different relation labels;
- ``"direction"``: they used the same label, pointing different ways;
- ``"missing"``: some compared annotators did not join the pair at all.

Ends match exactly (start, end and span label): two relations whose ends differ in a
boundary are two pairs, each missing for someone, and the span disagreement shows the
boundary. The work is a few dict and set operations per relation: linear in the relations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from annotator.core.disagreements import collector_paused

SpanKey = tuple[int, int, str]  # (start, end, span label), code points
RelationKey = tuple[SpanKey, SpanKey, str]  # (head, child, relation label)
Pair = tuple[SpanKey, SpanKey]  # the two ends in text order: a relation's place, whichever way it points
Place = tuple[tuple[int, int], tuple[int, int]]  # a pair's two (start, end), its span labels left out

RELATION_KINDS = ("label", "direction", "missing")


def pair_of(key: RelationKey) -> Pair:
    head, child, _label = key
    return (head, child) if head <= child else (child, head)


def place_of(pair: Pair) -> Place:
    """Where a pair's two ends are, whatever their span labels: gold's relations between the spans there
    are what gold says on every pair at that place (one end may be a claim in gold, a quote for ben)."""
    first, second = sorted((start, end) for start, end, _label in pair)
    return first, second


@dataclass(frozen=True)
class RelationDisagreement:
    kinds: tuple[str, ...]  # what differs: some of RELATION_KINDS, in that order
    pair: Pair
    versions: tuple[tuple[str, tuple[RelationKey, ...]], ...]  # each compared annotator's relations on the pair
    annotators: tuple[str, ...]  # compared annotators who joined the pair
    missing: tuple[str, ...]  # compared annotators who did not

    @property
    def start(self) -> int:
        return min(self.pair[0][0], self.pair[1][0])

    @property
    def end(self) -> int:
        return max(self.pair[0][1], self.pair[1][1])

    @property
    def kind(self) -> str:
        return "+".join(self.kinds)

    def version(self, annotator: str) -> tuple[RelationKey, ...]:
        """``annotator``'s relations on the pair, sorted (empty when they have none or are not compared)."""
        return next((keys for name, keys in self.versions if name == annotator), ())


def _classify(sets: list[set[RelationKey]]) -> tuple[str, ...]:
    marked = [found for found in sets if found]
    missing = len(marked) < len(sets)
    labels = [{label for _h, _c, label in found} for found in marked]
    label = any(lb != labels[0] for lb in labels[1:])
    direction = not label and any(found != marked[0] for found in marked[1:])
    return tuple(k for k, differs in zip(RELATION_KINDS, (label, direction, missing)) if differs)


def compare_relations(
    relations_by_annotator: Mapping[str, Iterable[RelationKey]],
) -> tuple[list[RelationDisagreement], list[RelationKey]]:
    """(disagreements in text order of their pairs, relations every compared annotator has).

    The agreed relations are the intersection of the annotators' relation sets, so a
    relation everybody drew counts even on a pair where someone drew one more. The garbage
    collector waits meanwhile, as for the span comparison (thousands of short-lived tuples).
    """
    with collector_paused():
        return _compare(relations_by_annotator)


def _compare(relations_by_annotator: Mapping[str, Iterable[RelationKey]]) -> tuple[list[RelationDisagreement], list[RelationKey]]:
    names = list(relations_by_annotator)
    sets = [set(keys) for keys in relations_by_annotator.values()]
    if not sets:
        return [], []
    common = set.intersection(*sets)
    agreed = sorted(common)
    if len(sets) < 2:
        return [], agreed
    # A pair disagrees exactly when it holds a relation someone lacks: agreed pairs are never looked at one by one.
    by_pair: dict[Pair, list[set[RelationKey]]] = {}
    for a, keys in enumerate(sets):
        for key in keys - common:
            by_pair.setdefault(pair_of(key), [set() for _ in names])[a].add(key)
    if not by_pair:
        return [], agreed
    for key in common:
        per = by_pair.get(pair_of(key))
        if per is not None:
            for keys in per:
                keys.add(key)
    found = []
    for pair, per in by_pair.items():
        found.append(RelationDisagreement(
            _classify(per), pair,
            tuple((name, tuple(sorted(keys))) for name, keys in zip(names, per)),
            tuple(name for name, keys in zip(names, per) if keys),
            tuple(name for name, keys in zip(names, per) if not keys)))
    found.sort(key=lambda d: (d.start, d.pair))
    return found, agreed

