"""Which spans cover a range of text: an interval index in code-point offsets.

The text view asks "which spans touch this paragraph" once per paragraph, and
adds or removes one span at a time. Most spans are short, so they are kept in
one list in text order with a parallel list of starts: a span no longer than
``bucket`` that ends after ``a`` starts after ``a - bucket``, so a query is two
bisects and a short scan. The few long spans are filed under every fixed-width
bucket they touch. Building from 10,000 spans is a sort and a list comprehension,
not 10,000 Python-level inserts. No Qt here.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import Generic, Protocol, TypeVar


class HasRange(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=HasRange)

BUCKET = 2048


def text_order(span: HasRange) -> tuple[int, int, int]:
    """Text order: by start, longer (outer) spans first, then by id."""
    return (span.start, -span.end, span.id)


class IntervalIndex(Generic[S]):
    """Spans (anything with id, start, end) looked up by the range they overlap."""

    def __init__(self, spans: Iterable[S] = (), bucket: int = BUCKET) -> None:
        self._bucket = bucket
        ordered = sorted(spans, key=text_order)  # presorted input (as the store gives it): one pass
        self._by_id: dict[int, S] = {span.id: span for span in ordered}
        if len(self._by_id) != len(ordered):  # a repeated id: the last one wins, as with add()
            ordered = sorted(self._by_id.values(), key=text_order)
        self._short: list[S] = [span for span in ordered if span.end - span.start <= bucket]
        self._starts: list[int] = [span.start for span in self._short]
        self._long: dict[int, list[S]] = {}
        if len(self._short) != len(ordered):
            for span in ordered:
                if span.end - span.start > bucket:
                    self._file_long(span)

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._by_id

    def get(self, span_id: int) -> S | None:
        return self._by_id.get(span_id)

    def all(self) -> list[S]:
        if not self._long:
            return list(self._short)
        return sorted(self._by_id.values(), key=text_order)

    def _keys(self, start: int, end: int) -> range:
        return range(start // self._bucket, max(start, end - 1) // self._bucket + 1)

    def _file_long(self, span: S) -> None:
        for key in self._keys(span.start, span.end):
            self._long.setdefault(key, []).append(span)

    def _short_row(self, span: S) -> int:
        return bisect.bisect_left(self._short, text_order(span), key=text_order)

    def add(self, span: S) -> None:
        if span.id in self._by_id:
            self.remove(span.id)
        self._by_id[span.id] = span
        if span.end - span.start > self._bucket:
            self._file_long(span)
            return
        row = self._short_row(span)
        self._short.insert(row, span)
        self._starts.insert(row, span.start)

    def remove(self, span_id: int) -> S | None:
        span = self._by_id.pop(span_id, None)
        if span is None:
            return None
        if span.end - span.start > self._bucket:
            for key in self._keys(span.start, span.end):
                bucket = self._long.get(key, [])
                bucket[:] = [s for s in bucket if s.id != span_id]
                if not bucket:
                    self._long.pop(key, None)
            return span
        row = self._short_row(span)
        if row < len(self._short) and self._short[row].id == span_id:
            del self._short[row]
            del self._starts[row]
        return span

    def overlapping(self, start: int, end: int) -> list[S]:
        """Spans sharing at least one character with [start, end), in text order."""
        if end <= start:
            return []
        first = bisect.bisect_left(self._starts, start - self._bucket)
        last = bisect.bisect_left(self._starts, end, first)
        found = [span for span in self._short[first:last] if span.end > start]
        if not self._long:
            return found
        extra: dict[int, S] = {}
        for key in self._keys(start, end):
            for span in self._long.get(key, ()):
                if span.start < end and span.end > start:
                    extra[span.id] = span
        return sorted(found + list(extra.values()), key=text_order) if extra else found

    def at(self, offset: int) -> list[S]:
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
    starts, ends = [span.start for span in spans], [span.end for span in spans]
    count, i = len(spans), 0
    while i < count:
        reach, j = ends[i], i + 1
        while j < count and starts[j] < reach:
            if ends[j] > reach:
                reach = ends[j]
            j += 1
        if j == i + 1:
            found.append((starts[i], reach, (spans[i],)))
        else:
            _sweep(spans[i:j], found)
        i = j
    return found


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
