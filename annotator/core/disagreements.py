"""Where annotators disagree: overlapping spans grouped into regions and classified.

Spans of all selected annotators are grouped into clusters of transitively
overlapping spans (a span that only touches another, ``a.end == b.start``, does
not overlap it). A cluster in which every selected annotator has exactly the
same set of ``(start, end, label)`` is agreement; any other cluster is one
disagreement. What differs is said by its ``kinds``, any of

- ``"label"``: annotators who marked the region gave the same words different labels
  (or, where their boundaries differ, used different labels);
- ``"boundary"``: annotators who marked the region put its ends in different places;
- ``"missing"``: some selected annotators marked nothing in the region.

So ``ana = claim`` against ``ben = quote`` on the same words is a label
disagreement even when a third annotator marked nothing there (kinds
``("label", "missing")``), and both differences are named when both occur.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from annotator.core.intervals import overlap_groups
from annotator.core.model import Span

KINDS = ("label", "boundary", "missing")


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


def _clusters(spans: Sequence[Span]) -> Iterator[list[Span]]:
    """Maximal groups of transitively overlapping spans, in text order."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end, s.annotator, s.label, s.id))
    yield from map(list, overlap_groups(ordered))


def _classify(cluster: list[Span], selected: Sequence[str]) -> Disagreement | None:
    sets: dict[str, set[tuple[int, int, str]]] = {name: set() for name in selected}
    for span in cluster:
        sets[span.annotator].add((span.start, span.end, span.label))
    first = sets[selected[0]]
    if all(sets[name] == first for name in selected):
        return None
    marked = tuple(name for name in selected if sets[name])
    missing = tuple(name for name in selected if not sets[name])
    extents = [{(start, end) for start, end, _ in sets[name]} for name in marked]
    boundary = any(e != extents[0] for e in extents[1:])
    if boundary:  # different ends: a label differs where two annotators gave overlapping spans different labels
        label = _labels_differ(cluster)
    else:  # the same extents: any difference is in the labels
        label = any(sets[name] != sets[marked[0]] for name in marked[1:])
    kinds = tuple(k for k, differs in zip(KINDS, (label, boundary, bool(missing))) if differs)
    return Disagreement(
        kinds,
        min(s.start for s in cluster),
        max(s.end for s in cluster),
        tuple(cluster),
        marked,
        missing,
    )


PAIRWISE_LIMIT = 200  # a bigger cluster (a span over a whole chapter) compares label sets, not span pairs


def _labels_differ(cluster: list[Span]) -> bool:
    """Whether two annotators' overlapping spans carry labels the other did not put there.

    ``ana: claim 0-5`` against ``ben: quote 0-7`` differs in label (and in boundaries);
    ``ana: quote 0-20, actor 2-5`` against ``ben: quote 0-20`` does not: ana's extra
    span is an extra span, ben's quote has ana's quote over it.
    """
    if len(cluster) > PAIRWISE_LIMIT:
        labels: dict[str, set[str]] = {}
        for span in cluster:
            labels.setdefault(span.annotator, set()).add(span.label)
        first, *rest = labels.values()
        return any(lb != first for lb in rest)

    def has(annotator: str, label: str, over: Span) -> bool:
        return any(s.annotator == annotator and s.label == label and s.start < over.end and s.end > over.start
                   for s in cluster)

    return any(
        a.annotator != b.annotator and a.label != b.label and a.start < b.end and b.start < a.end
        and not has(b.annotator, a.label, a) and not has(a.annotator, b.label, b)
        for a in cluster for b in cluster
    )


def find_disagreements(spans_by_annotator: Mapping[str, Sequence[Span]]) -> list[Disagreement]:
    """Every region where the selected annotators (the mapping's keys) disagree, in text order.

    The ``annotators`` and ``missing`` of each result keep the mapping's order.
    A span whose annotator is not a key of the mapping is refused (ValueError).
    """
    selected = list(spans_by_annotator)
    if not selected:
        return []
    every: list[Span] = []
    for name, spans in spans_by_annotator.items():
        for span in spans:
            if span.annotator != name:
                raise ValueError(f"span {span.id} belongs to {span.annotator!r}, listed under {name!r}")
            every.append(span)
    found = (_classify(cluster, selected) for cluster in _clusters(every))
    return [d for d in found if d is not None]


def agreed_spans(spans_by_annotator: Mapping[str, Sequence[Span]]) -> list[tuple[int, int, str]]:
    """The ``(start, end, label)`` that every selected annotator has, in text order.

    This is the intersection of the annotators' span sets, so a span everybody
    marked counts even when someone added another span overlapping it.
    """
    sets = [{(s.start, s.end, s.label) for s in spans} for spans in spans_by_annotator.values()]
    if not sets:
        return []
    common = set.intersection(*sets)
    return sorted(common, key=lambda t: (t[0], -t[1], t[2]))
