"""Where annotators disagree: overlapping spans grouped into regions and classified.

Spans of all selected annotators are grouped into clusters of transitively
overlapping spans (a span that only touches another, ``a.end == b.start``, does
not overlap it). A cluster in which every selected annotator has exactly the
same set of ``(start, end, label)`` is agreement; any other cluster is one
disagreement, classified as

- ``"missing"``: some selected annotators marked nothing in the region;
- ``"label"``: everybody marked it, every span has the same boundaries, labels differ;
- ``"boundary"``: everybody marked it, boundaries differ (whether labels differ too or not).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from annotator.core.intervals import overlap_groups
from annotator.core.model import Span

KINDS = ("label", "boundary", "missing")


@dataclass(frozen=True)
class Disagreement:
    kind: str  # one of KINDS
    start: int  # region covered: min start of its spans, code points
    end: int  # max end of its spans, exclusive
    spans: tuple[Span, ...]  # every annotator's span in the region, text order
    annotators: tuple[str, ...]  # selected annotators who marked something here
    missing: tuple[str, ...]  # selected annotators who marked nothing here


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
    if missing:
        kind = "missing"
    elif len({(s.start, s.end) for s in cluster}) == 1:
        kind = "label"
    else:
        kind = "boundary"
    return Disagreement(
        kind,
        min(s.start for s in cluster),
        max(s.end for s in cluster),
        tuple(cluster),
        marked,
        missing,
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
