"""Where annotators disagree: overlapping spans grouped into regions and classified.

Spans of all selected annotators are grouped into clusters of transitively
overlapping spans (a span that only touches another, ``a.end == b.start``, does
not overlap it). A cluster in which every selected annotator has exactly the
same set of ``(start, end, label)`` is agreement; any other cluster is one
disagreement. What differs is said by its ``kinds``, any of

- ``"label"``: annotators who marked the region gave the same words different labels
  (or, where their boundaries differ, used different labels);
- ``"boundary"``: annotators who marked the region put its ends in different places;
- ``"attribute"``: two annotators marked the same span (start, end, label) but gave one of
  its attributes different values (``certainty`` asserted against hedged; a value against none);
- ``"missing"``: some selected annotators marked nothing in the region.

Attribute values are compared only when the caller passes them (``attributes``: span id ->
{name: value}, the values of the attributes the span's label defines). A span every annotator
marked with different values is then not agreed: it is a region of its own, kind ``attribute``.

So ``ana = claim`` against ``ben = quote`` on the same words is a label
disagreement even when a third annotator marked nothing there (kinds
``("label", "missing")``), and both differences are named when both occur.
"""

from __future__ import annotations

import gc
import itertools
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, overload

from annotator.core.model import Span
from annotator.core.span_rows import SpanRows

KINDS = ("label", "boundary", "attribute", "missing")
MISSING_ONLY = ("missing",)  # a region of one span (start, end, label) that someone lacks


@dataclass(frozen=True)
class Disagreement:
    kinds: tuple[str, ...]  # what differs: some of KINDS, in KINDS order
    start: int  # region covered: min start of its spans, code points
    end: int  # max end of its spans, exclusive
    spans: tuple[Span, ...]  # every annotator's span in the region, text order
    annotators: tuple[str, ...]  # selected annotators who marked something here
    missing: tuple[str, ...]  # selected annotators who marked nothing here

    @property
    def kind(self) -> str:
        """The kinds as one word: "label", "boundary", "label+boundary", "missing", "label+missing", ..."""
        return "+".join(self.kinds)


Item = tuple[int, int, int, str, int]  # (start, -end, annotator index, label, row): a span before it is made


def _classify(group: list[Item], selected: Sequence[str], attribute: bool = False) -> tuple[str, ...]:
    """What differs in a group of overlapping spans (``attribute``: a span in it has values that differ)."""
    sets: list[set[tuple[int, int, str]]] = [set() for _ in selected]
    for start, neg_end, a, label, _ in group:
        sets[a].add((start, -neg_end, label))
    if all(found == sets[0] for found in sets[1:]):
        return ("attribute",) if attribute else ()
    marked = [a for a, found in enumerate(sets) if found]
    missing = len(marked) < len(selected)
    extents = [{(start, end) for start, end, _ in sets[a]} for a in marked]
    boundary = any(e != extents[0] for e in extents[1:])
    if boundary:  # different ends: a label differs where two annotators gave overlapping spans different labels
        label = _labels_differ([(start, -neg_end, a, lb) for start, neg_end, a, lb, _ in group])
    else:  # the same extents: any difference is in the labels
        label = any(sets[a] != sets[marked[0]] for a in marked[1:])
    return tuple(k for k, differs in zip(KINDS, (label, boundary, attribute, missing)) if differs)


PAIRWISE_LIMIT = 200  # a bigger cluster (a span over a whole chapter) compares label sets, not span pairs


def _labels_differ(group: list[tuple[int, int, int, str]]) -> bool:
    """Whether two annotators' overlapping spans carry labels the other did not put there.

    ``group`` holds (start, end, annotator, label). ``ana: claim 0-5`` against ``ben: quote 0-7``
    differs in label (and in boundaries); ``ana: quote 0-20, actor 2-5`` against ``ben: quote 0-20``
    does not: ana's extra span is an extra span, ben's quote has ana's quote over it.
    """
    if len(group) > PAIRWISE_LIMIT:
        labels: dict[int, set[str]] = {}
        for _, _, who, label in group:
            labels.setdefault(who, set()).add(label)
        first, *rest = labels.values()
        return any(lb != first for lb in rest)

    def has(who: int, label: str, start: int, end: int) -> bool:
        return any(w == who and lb == label and s < end and e > start for s, e, w, lb in group)

    return any(
        wa != wb and la != lb and sa < eb and sb < ea and not has(wb, la, sa, ea) and not has(wa, lb, sb, eb)
        for sa, ea, wa, la in group for sb, eb, wb, lb in group
    )


def _keyed(name: str, spans: Sequence[Span]) -> tuple[list[int], list[int], list[str]]:
    """(starts, ends, labels) of one annotator's spans, read from the columns when it has them."""
    if isinstance(spans, SpanRows):
        names = spans.column("annotator")
        if names.count(name) != len(names):  # counted in C: the common case is no stranger
            span = spans[next(i for i, who in enumerate(names) if who != name)]
            raise ValueError(f"span {span.id} belongs to {span.annotator!r}, listed under {name!r}")
        return spans.starts, spans.ends, spans.column("label")
    for span in spans:
        if span.annotator != name:
            raise ValueError(f"span {span.id} belongs to {span.annotator!r}, listed under {name!r}")
    return [s.start for s in spans], [s.end for s in spans], [s.label for s in spans]


Values = Mapping[str, Any]  # one span's attribute values: name -> value
NO_VALUES: Values = {}


def find_disagreements(spans_by_annotator: Mapping[str, Sequence[Span]],
                       attributes: Mapping[int, Values] | None = None) -> list[Disagreement]:
    """Every region where the selected annotators (the mapping's keys) disagree, in text order.

    The ``annotators`` and ``missing`` of each result keep the mapping's order.
    A span whose annotator is not a key of the mapping is refused (ValueError).
    """
    return compare(spans_by_annotator, attributes)[0]


def agreed_spans(spans_by_annotator: Mapping[str, Sequence[Span]],
                 attributes: Mapping[int, Values] | None = None) -> list[tuple[int, int, str]]:
    """The ``(start, end, label)`` that every selected annotator has (with the same attribute values,
    when ``attributes`` are given), in text order.

    This is the intersection of the annotators' span sets, so a span everybody
    marked counts even when someone added another span overlapping it.
    """
    return compare(spans_by_annotator, attributes)[1]


def attribute_differences(spans: Iterable[Span], attributes: Mapping[int, Values]) -> dict[str, list[Any]]:
    """Which attributes differ between annotators' copies of the same span: name -> the values given,
    in the spans' order (None where a copy has no value), each value once. {} when none differ."""
    copies: dict[tuple[int, int, str], list[Values]] = {}
    for span in spans:
        copies.setdefault((span.start, span.end, span.label), []).append(attributes.get(span.id, NO_VALUES))
    differences: dict[str, list[Any]] = {}
    for held in copies.values():
        if len(held) < 2 or all(values == held[0] for values in held[1:]):
            continue
        for name in sorted({name for values in held for name in values}):
            given = _once(values.get(name) for values in held)
            if len(given) > 1:
                differences[name] = _once([*differences.get(name, []), *given])
    return differences


def _once(values: Iterable[Any]) -> list[Any]:
    """Each value once, in order (values need not be hashable)."""
    found: list[Any] = []
    for value in values:
        if value not in found:
            found.append(value)
    return found


Key = tuple[int, int, str]  # (start, -end, label): sorts in text order as it is


def compare(spans_by_annotator: Mapping[str, Sequence[Span]], attributes: Mapping[int, Values] | None = None
            ) -> tuple[list[Disagreement], list[tuple[int, int, str]]]:
    """(``find_disagreements``, ``agreed_spans``) in one pass over the spans."""
    disagreements, agreed = compare_on_demand(spans_by_annotator, attributes)
    return list(disagreements), agreed


def compare_on_demand(spans_by_annotator: Mapping[str, Sequence[Span]], attributes: Mapping[int, Values] | None = None
                      ) -> tuple[Disagreements, list[tuple[int, int, str]]]:
    """``compare``, with the disagreements as a ``Disagreements`` sequence: each one is classified and
    its spans made when it is first read (a review list shows a screenful of 4,000 at a time).

    Work is done on sets and sorted tuples in C, never per agreed span: a span every annotator
    has (``common``) and that overlaps no other span is agreement without being looked at, so
    two annotators agreeing on 16,000 of 18,000 spans each cost a few set operations and one
    sort of the distinct spans. A region is a cluster of transitively overlapping distinct
    spans; it is a disagreement exactly when it holds a span someone lacks (or, with
    ``attributes``, a span whose copies carry different values).
    The garbage collector waits meanwhile (see ``collector_paused``).
    """
    with collector_paused():
        return _compare(spans_by_annotator, attributes or NO_VALUES)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection inside: the one way to make tens of thousands of tuples without cycles
    (a comparison, a layer's keys, an index) in the window. The comparison makes ~60,000 short-lived
    tuples, and in the window (a heap of ~120,000 objects) the collections they set off took as long
    as the comparison itself (measured: 147 ms of CPU with, 86 ms without). Nested uses are fine:
    only the outermost one enables the collector again.

    What was made inside and is kept (a comparison, a list's keys) moves to the oldest generation
    untraversed (``gc.freeze()`` then ``gc.unfreeze()``: two list splices): the first collection
    after the pause would otherwise walk all of it once (~54,000 tuples on entering review mode:
    7-25 ms). Garbage cycles made inside are freed by the next full collection, as old ones are.
    (Nothing in Annotator keeps objects frozen, which ``gc.unfreeze()`` would end.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


class Disagreements(Sequence[Disagreement]):
    """The disagreements of one comparison in text order, each made (grouped, classified, its
    ``Span`` objects gathered) when first read and then kept. ``starts`` and ``ends`` give every
    region's extent without making any. Equal to a list of the same disagreements."""

    def __init__(self, selected: list[str], sources: list[Sequence[Span]], rows: list[dict[Key, int]],
                 keys: list[Key], bounds: list[int], starts: list[int], ends: list[int],
                 differing: set[Key] | frozenset[Key] = frozenset()) -> None:
        self._selected, self._sources, self._rows, self._keys = selected, sources, rows, keys
        self._bounds, self._differing = bounds, differing  # first and last key of each region, in turn
        self.starts = starts  # region starts, text order (read only)
        self.ends = ends  # region ends (exclusive)
        self._made: list[Disagreement | None] = [None] * len(starts)

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, i: int) -> Disagreement: ...
    @overload
    def __getitem__(self, i: slice) -> list[Disagreement]: ...
    def __getitem__(self, i: int | slice) -> Disagreement | list[Disagreement]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        made = self._made[i]
        if made is None:
            made = self._made[i] = self._make(self._bounds[2 * i], self._bounds[2 * i + 1])
        return made

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, str) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Disagreements({list(self)!r})"

    def _make(self, first: int, last: int) -> Disagreement:
        """The disagreement of the distinct keys ``first:last`` (one region)."""
        rows, selected, differing = self._rows, self._selected, self._differing
        if last - first == 1:  # one span alone, lacked by someone (the most common disagreement): no sort
            key = self._keys[first]
            group = [(key[0], key[1], a, key[2], row[key]) for a, row in enumerate(rows) if key in row]
        else:
            group = sorted((start, neg_end, a, label, row[(start, neg_end, label)])
                           for start, neg_end, label in self._keys[first:last]
                           for a, row in enumerate(rows) if (start, neg_end, label) in row)
        marked = {a for _, _, a, _, _ in group}
        alone = group[0][:2] == group[-1][:2] and len({label for _, _, _, label, _ in group}) == 1
        attribute = bool(differing) and any((start, neg_end, label) in differing for start, neg_end, _, label, _ in group)
        return Disagreement(
            MISSING_ONLY if alone and not attribute else _classify(group, selected, attribute),
            group[0][0], max(-item[1] for item in group),
            tuple(self._sources[a][row] for _, _, a, _, row in group),
            tuple(name for a, name in enumerate(selected) if a in marked),
            tuple(name for a, name in enumerate(selected) if a not in marked))


def _compare(spans_by_annotator: Mapping[str, Sequence[Span]], attributes: Mapping[int, Values]
             ) -> tuple[Disagreements, list[tuple[int, int, str]]]:
    selected = list(spans_by_annotator)
    sources = list(spans_by_annotator.values())
    rows: list[dict[Key, int]] = []  # per annotator: key -> row of its span
    for name, spans in zip(selected, sources):
        starts, ends, labels = _keyed(name, spans)
        rows.append(dict(zip(zip(starts, map(operator.neg, ends), labels), itertools.count())))
    none = Disagreements(selected, sources, rows, [], [], [], [])
    if not rows:
        return none, []
    common = set(rows[0]).intersection(*rows[1:])
    differing = _differing_values(sources, rows, attributes) if attributes else set()
    common -= differing  # the same span with other values is not agreed: it becomes a region of its own
    # Each annotator's spans come nearly in key order (text order breaks ties by id, not label):
    # sorting them together merges runs, and dict.fromkeys drops the repeats, in order.
    keys = list(dict.fromkeys(sorted(itertools.chain.from_iterable(rows))))
    shared = list(map(common.__contains__, keys))
    agreed = list(itertools.compress(keys, shared))
    agreed = list(zip(map(_START, agreed), map(operator.neg, map(_NEG_END, agreed)), map(_LABEL, agreed)))
    if len(agreed) == len(keys):  # (one annotator alone never disagrees)
        return none, agreed
    # Regions: a new one starts where a span starts at or past every end before it (running max, in C).
    starts = list(map(_START, keys))
    reach = list(itertools.accumulate(map(operator.neg, map(_NEG_END, keys)), max))
    new_region = list(map(operator.ge, itertools.islice(starts, 1, None), reach))
    cuts = [0, *itertools.compress(range(1, len(keys)), new_region), len(keys)]
    region_of = itertools.accumulate(new_region, initial=0)
    regions = sorted(set(itertools.compress(region_of, map(operator.not_, shared))))  # regions someone lacks a span of
    firsts = list(map(cuts.__getitem__, regions))
    lasts = list(map(cuts.__getitem__, map((1).__add__, regions)))
    bounds = list(itertools.chain.from_iterable(zip(firsts, lasts)))
    region_starts = list(map(starts.__getitem__, firsts))
    region_ends = list(map(reach.__getitem__, map((-1).__add__, lasts)))  # the running max at its last key
    return Disagreements(selected, sources, rows, keys, bounds, region_starts, region_ends, differing), agreed


_START, _NEG_END, _LABEL = (operator.itemgetter(i) for i in range(3))


def _differing_values(sources: Sequence[Sequence[Span]], rows: list[dict[Key, int]],
                      attributes: Mapping[int, Values]) -> set[Key]:
    """Keys that two or more annotators marked with different attribute values (a value against none too).

    Per annotator, the spans with values become a key -> values dict made in C (masks and zips over the
    columns); annotators are then compared pair by pair with set operations, and only the keys both
    gave values to are looked at one by one: 16,000 valued spans on each side cost a few ms.
    """
    valued: list[dict[Key, Values]] = []
    for source in sources:
        if isinstance(source, SpanRows):
            ids, starts, ends, labels = source.ids, source.starts, source.ends, source.column("label")
        else:
            ids, starts, ends, labels = ([getattr(s, f) for s in source] for f in ("id", "start", "end", "label"))
        has = list(map(bool, map(attributes.get, ids)))
        keys = itertools.compress(zip(starts, map(operator.neg, ends), labels), has)
        valued.append(dict(zip(keys, map(attributes.__getitem__, itertools.compress(ids, has)))))
    differing: set[Key] = set()
    for a, b in itertools.combinations(range(len(sources)), 2):
        va, vb = valued[a], valued[b]
        both = va.keys() & vb.keys()
        differing.update(key for key in both if va[key] != vb[key])
        differing.update((va.keys() - both) & rows[b].keys())  # a value where the other's copy has none
        differing.update((vb.keys() - both) & rows[a].keys())
    return differing
