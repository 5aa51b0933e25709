"""Which spans cover a range of text: an interval index in code-point offsets.

The text view asks "which spans touch this paragraph" once per paragraph, and
adds or removes one span at a time. Most spans are short, so they are kept in
one ``SpanRows`` in text order, whose list of starts is bisected: a span no
longer than ``bucket`` that ends after ``a`` starts after ``a - bucket``, so a
query is two bisects and a short scan of the ends. The few long spans are filed
under every fixed-width bucket they touch. Built from the store's ``SpanRows``,
the index takes them as they are: no sort and no Span object made. No Qt here.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

from annotator.core.model import Span, text_order
from annotator.core.span_rows import SpanRows


class HasRange(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=HasRange)

BUCKET = 2048


class IntervalIndex:
    """Spans looked up by the range they overlap, or by id."""

    def __init__(self, spans: Iterable[Span] = (), bucket: int = BUCKET) -> None:
        """Index ``spans``. A ``SpanRows`` is taken, not copied: the index changes it, so do not keep it.

        Of spans with the same id, the last in text order wins.
        """
        self._bucket = bucket
        if not isinstance(spans, SpanRows):
            spans = SpanRows(spans)
        if len(set(spans.ids)) != len(spans):
            spans = SpanRows({span.id: span for span in spans}.values())
        self._short = spans
        self._long: dict[int, list[Span]] = {}
        self._long_by_id: dict[int, Span] = {}
        if max(map(operator.sub, spans.ends, spans.starts), default=0) > bucket:
            for span in spans.pop_rows([b - a > bucket for a, b in zip(spans.starts, spans.ends)]):
                self._file_long(span)

    def __len__(self) -> int:
        return len(self._short) + len(self._long_by_id)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._long_by_id or self._short.has_id(span_id)

    def get(self, span_id: int) -> Span | None:
        span = self._long_by_id.get(span_id)
        if span is not None:
            return span
        row = self._short.row_of(span_id)
        return None if row is None else self._short[row]

    def all(self) -> SpanRows:
        """Every span, in text order (a copy)."""
        if not self._long_by_id:
            return self._short.copy()
        return SpanRows([*self._short, *self._long_by_id.values()])

    def _keys(self, start: int, end: int) -> range:
        return range(start // self._bucket, max(start, end - 1) // self._bucket + 1)

    def _file_long(self, span: Span) -> None:
        self._long_by_id[span.id] = span
        for key in self._keys(span.start, span.end):
            self._long.setdefault(key, []).append(span)

    def add(self, span: Span) -> None:
        if span.id in self:
            self.remove(span.id)
        if span.end - span.start > self._bucket:
            self._file_long(span)
        else:
            self._short.add(span)

    def remove(self, span_id: int) -> Span | None:
        span = self._long_by_id.pop(span_id, None)
        if span is not None:
            for key in self._keys(span.start, span.end):
                bucket = self._long.get(key, [])
                bucket[:] = [s for s in bucket if s.id != span_id]
                if not bucket:
                    self._long.pop(key, None)
            return span
        row = self._short.row_of(span_id)
        return None if row is None else self._short.pop(row)

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans sharing at least one character with [start, end), in text order."""
        if end <= start:
            return []
        starts, ends = self._short.starts, self._short.ends
        first = bisect.bisect_left(starts, start - self._bucket)
        last = bisect.bisect_left(starts, end, first)
        found = [self._short[row] for row in range(first, last) if ends[row] > start]
        if not self._long:
            return found
        extra: dict[int, Span] = {}
        for key in self._keys(start, end):
            for span in self._long.get(key, ()):
                if span.start < end and span.end > start:
                    extra[span.id] = span
        return sorted(found + list(extra.values()), key=text_order) if extra else found

    def at(self, offset: int) -> list[Span]:
        """Spans covering the character at ``offset``, outermost first."""
        return self.overlapping(offset, offset + 1)


def nested_ids(spans: Iterable[S]) -> set[int]:
    """Ids of spans lying inside another span of the list (inner spans are drawn differently).

    Of two spans with the same range the later one (in text order) counts as inner.
    Every span before a span in text order starts no later, so it lies inside one of
    them exactly when it ends no later than the furthest end seen so far: one pass.
    """
    inner: set[int] = set()
    reach = -1
    for span in sorted(spans, key=text_order):
        if span.end <= reach:
            inner.add(span.id)
        else:
            reach = span.end
    return inner


def pieces(spans: Sequence[S]) -> list[tuple[int, int, tuple[S, ...]]]:
    """Split the text the spans cover into maximal pieces covered by the same spans.

    ``spans`` must be in text order. Returns ``(start, end, covering)`` in text order,
    ``covering`` outermost first. A span overlapping no other is one piece (the common
    case, one step); a group of overlapping spans is swept cut by cut.
    """
    found: list[tuple[int, int, tuple[S, ...]]] = []
    for group in overlap_groups(spans):
        if len(group) == 1:
            found.append((group[0].start, group[0].end, (group[0],)))
        else:
            _sweep(group, found)
    return found


def overlap_groups(spans: Sequence[S]) -> Iterator[Sequence[S]]:
    """Maximal runs of transitively overlapping spans; ``spans`` sorted by start."""
    count, i = len(spans), 0
    while i < count:
        reach, j = spans[i].end, i + 1
        while j < count and spans[j].start < reach:
            reach, j = max(reach, spans[j].end), j + 1
        yield spans[i:j]
        i = j


def _sweep(group: Sequence[S], found: list[tuple[int, int, tuple[S, ...]]]) -> None:
    cuts = sorted({span.start for span in group} | {span.end for span in group})
    active: list[S] = []  # spans covering the current cut, in text order
    k = 0
    for a, b in zip(cuts, cuts[1:]):
        if any(span.end <= a for span in active):
            active = [span for span in active if span.end > a]
        while k < len(group) and group[k].start <= a:
            active.append(group[k])
            k += 1
        if active:
            found.append((a, b, tuple(active)))


def stack_levels(spans: Sequence[S]) -> dict[int, int]:
    """A level per span id such that spans sharing a character never share a level.

    ``spans`` in text order. Level 0 is the first free level (drawn as a background); a span
    nested in or crossing one already open gets the lowest level free at its start (drawn as an
    underline bar, one per level), so every span's whole extent stays visible.
    """
    levels: dict[int, int] = {}
    open_spans: list[tuple[int, int]] = []  # (end, level) of the spans covering the current start
    for span in spans:
        if open_spans:
            open_spans = [(end, level) for end, level in open_spans if end > span.start]
        taken = {level for _, level in open_spans}
        level = 0
        while level in taken:
            level += 1
        levels[span.id] = level
        open_spans.append((span.end, level))
    return levels
