"""Which spans cover a range of text: a bucketed interval index in code-point offsets.

The text view asks "which spans touch this paragraph" once per paragraph, and
adds or removes one span at a time. Buckets of a fixed width make both cheap:
a span is filed under every bucket it touches, a query reads only the buckets
its range touches. No Qt here.
"""

from __future__ import annotations

from collections.abc import Iterable
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
        self._buckets: dict[int, list[S]] = {}
        self._by_id: dict[int, S] = {}
        for span in spans:
            self.add(span)

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._by_id

    def get(self, span_id: int) -> S | None:
        return self._by_id.get(span_id)

    def all(self) -> list[S]:
        return sorted(self._by_id.values(), key=text_order)

    def _keys(self, start: int, end: int) -> range:
        return range(start // self._bucket, max(start, end - 1) // self._bucket + 1)

    def add(self, span: S) -> None:
        if span.id in self._by_id:
            self.remove(span.id)
        self._by_id[span.id] = span
        for key in self._keys(span.start, span.end):
            self._buckets.setdefault(key, []).append(span)

    def remove(self, span_id: int) -> S | None:
        span = self._by_id.pop(span_id, None)
        if span is None:
            return None
        for key in self._keys(span.start, span.end):
            bucket = self._buckets.get(key, [])
            bucket[:] = [s for s in bucket if s.id != span_id]
        return span

    def overlapping(self, start: int, end: int) -> list[S]:
        """Spans sharing at least one character with [start, end), in text order."""
        if end <= start:
            return []
        found: dict[int, S] = {}
        for key in self._keys(start, end):
            for span in self._buckets.get(key, ()):
                if span.start < end and span.end > start:
                    found[span.id] = span
        return sorted(found.values(), key=text_order)

    def at(self, offset: int) -> list[S]:
        """Spans covering the character at ``offset``, outermost first."""
        return self.overlapping(offset, offset + 1)


def nested_ids(spans: list[S]) -> set[int]:
    """Ids of spans lying inside another span of the list (inner spans are drawn differently).

    Of two spans with the same range the later one (in text order) counts as inner.
    """
    ordered = sorted(spans, key=text_order)
    inner: set[int] = set()
    for i, span in enumerate(ordered):
        if any(o.start <= span.start and o.end >= span.end for o in ordered[:i]):
            inner.add(span.id)
    return inner
