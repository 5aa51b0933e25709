"""A document's spans in text order, kept as one list per field; a Span object is made when one is read.

A long report can carry tens of thousands of spans. As objects, 10,000 spans take ~2 ms
to make and ~3 ms more of the garbage collector's first pass over them (every tuple is
tracked until a collection finds it holds only atoms); as eleven lists of ints and strings
they cost neither, and read as SQLite's ``json_group_array`` per column they parse in
~1 ms. The window reads a few dozen at a time (those on screen), so opening a document
no longer makes them all.

A copy shares the lists until either side changes (copy on write): the text view, the spans list
and the suggestions worker each hold the same document's spans, and three copies of eleven lists of
10,000 cost copying and, on every opening, the garbage collector's walks over them (~1.5 ms per
generation for 40 such lists). No Qt here.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

from annotator.core.model import Span, text_order

FIELDS = Span._fields
_ID, _START, _END = FIELDS.index("id"), FIELDS.index("start"), FIELDS.index("end")
_new_span = tuple.__new__


class SpanRows(Sequence[Span]):
    """Spans in text order (``text_order``), one list per ``Span`` field.

    Reading a row makes a ``Span``; the columns (``ids``, ``starts``, ``ends``, ``column``)
    answer questions about all of them without making any. Order is kept by every change.
    Ids are taken to be unique, as the store's are (``has_id`` and ``row_of`` rely on it).
    """

    __slots__ = ("_columns", "_starts", "_shared")

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        ordered = sorted(spans, key=text_order)
        self._columns: list[list[Any]] = [list(column) for column in zip(*ordered)] or [[] for _ in FIELDS]
        # [each span's start by id, or None]: made when first needed, then kept up to date; the box is shared
        # with copies until either side changes, so the copies a window keeps of one layer build it once
        self._starts: list[dict[int, int] | None] = [None]
        self._shared = False  # the lists are shared with a copy: copied before the first change

    @classmethod
    def from_columns(cls, columns: Sequence[list[Any]]) -> SpanRows:
        """Adopt one list per ``Span`` field (taken, not copied), putting the rows in text order."""
        if len(columns) != len(FIELDS) or len({len(column) for column in columns}) > 1:
            raise ValueError(f"expected {len(FIELDS)} columns of equal length")
        rows = cls.__new__(cls)
        rows._columns, rows._starts, rows._shared = list(columns), [None], False
        rows._put_in_text_order()
        return rows

    # ------------------------------------------------------------- columns
    @property
    def ids(self) -> list[int]:
        return self._columns[_ID]

    @property
    def starts(self) -> list[int]:
        return self._columns[_START]

    @property
    def ends(self) -> list[int]:
        return self._columns[_END]

    def column(self, field: str) -> list[Any]:
        """One field of every span, in text order (read only)."""
        return self._columns[FIELDS.index(field)]

    def copy(self) -> SpanRows:
        """The same rows, sharing the lists until either side changes (see the module's docstring)."""
        rows = SpanRows.__new__(SpanRows)
        rows._columns, rows._starts = list(self._columns), self._starts
        rows._shared = self._shared = True
        return rows

    def _own(self) -> None:
        """Copy lists shared with a copy, before changing them."""
        if self._shared:
            self._columns = [column.copy() for column in self._columns]
            self._starts = [None if self._starts[0] is None else dict(self._starts[0])]
            self._shared = False

    __copy__ = copy

    # ------------------------------------------------------------ sequence
    def __len__(self) -> int:
        return len(self._columns[_ID])

    @overload
    def __getitem__(self, row: int) -> Span: ...
    @overload
    def __getitem__(self, row: slice) -> list[Span]: ...
    def __getitem__(self, row: int | slice) -> Span | list[Span]:
        if isinstance(row, slice):
            return [_new_span(Span, values) for values in zip(*(column[row] for column in self._columns))]
        return _new_span(Span, [column[row] for column in self._columns])

    def at_rows(self, rows: Sequence[int]) -> list[Span]:
        """The spans at ``rows`` (in that order), gathered column by column in C."""
        if len(rows) < 2:
            return [self[row] for row in rows]
        gather = operator.itemgetter(*rows)
        return list(map(_new_span, itertools.repeat(Span), zip(*(gather(column) for column in self._columns))))

    def __iter__(self) -> Iterator[Span]:
        return (_new_span(Span, values) for values in zip(*self._columns))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SpanRows):
            return self._columns == other._columns
        return isinstance(other, Sequence) and not isinstance(other, str) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SpanRows({list(self)!r})"

    # ------------------------------------------------------------- lookups
    def starts_by_id(self) -> dict[int, int]:
        """Each span's start by id (read only): made on first use (~0.5 ms for 10,000), so opening does not
        pay for it, then kept up to date."""
        found = self._starts[0]
        if found is None:
            found = self._starts[0] = dict(zip(self.ids, self.starts))
        return found

    def has_id(self, span_id: int) -> bool:
        return span_id in self.starts_by_id()

    def row_of(self, span_id: int) -> int | None:
        """The row of the span with this id, or None: a bisect to its start, then past any ties."""
        start = self.starts_by_id().get(span_id)
        if start is None:
            return None
        starts, ids = self.starts, self.ids
        row = bisect.bisect_left(starts, start)
        while ids[row] != span_id:
            row += 1
        return row

    def insertion_row(self, span: Span) -> int:
        """Where ``span`` goes to keep text order (before any row it ties with)."""
        starts, ends, ids = self.starts, self.ends, self.ids
        row = bisect.bisect_left(starts, span.start)
        while row < len(starts) and starts[row] == span.start and (-ends[row], ids[row]) < (-span.end, span.id):
            row += 1
        return row

    # ------------------------------------------------------------- changes
    def insert(self, row: int, span: Span) -> None:
        """Insert at ``row``, which must keep text order (``insertion_row``)."""
        self._own()
        for column, value in zip(self._columns, span):
            column.insert(row, value)
        if self._starts[0] is not None:
            self._starts[0][span.id] = span.start

    def add(self, span: Span) -> int:
        """Insert in text order; returns the row."""
        row = self.insertion_row(span)
        self.insert(row, span)
        return row

    def pop(self, row: int) -> Span:
        span = self[row]
        self._own()
        for column in self._columns:
            del column[row]
        if self._starts[0] is not None:
            del self._starts[0][span.id]
        return span

    def pop_rows(self, chosen: Sequence[bool]) -> list[Span]:
        """Remove every row whose flag is set, in one pass; returns their spans in text order."""
        if len(chosen) != len(self):
            raise ValueError(f"{len(chosen)} flags for {len(self)} rows")
        taken = [self[row] for row in itertools.compress(range(len(self)), chosen)]
        kept = [not flag for flag in chosen]
        self._columns = [list(itertools.compress(column, kept)) for column in self._columns]
        self._starts, self._shared = [None], False  # new lists
        return taken

    def replace(self, row: int, span: Span) -> None:
        """Put ``span`` at ``row`` in place: a span with the row's start (a moved span is popped and added)."""
        if span.start != self.starts[row]:
            raise ValueError(f"span {span.id} starts at {span.start}, not at row {row}'s {self.starts[row]}")
        self._own()
        if self._starts[0] is not None:
            del self._starts[0][self.ids[row]]
            self._starts[0][span.id] = span.start
        for column, value in zip(self._columns, span):
            column[row] = value

    # ---------------------------------------------------------------- order
    def _put_in_text_order(self) -> None:
        """Sort the rows, cheaply when they come sorted by start (as an index on start gives them)."""
        self._own()
        starts = self.starts
        if not all(map(operator.le, starts, itertools.islice(starts, 1, None))):
            order = sorted(range(len(starts)), key=self._order_key)
            self._columns = [list(map(column.__getitem__, order)) for column in self._columns]
            return
        for rows in _tie_runs(starts):  # sorted by start: only rows of equal starts may be out of order
            order = sorted(rows, key=self._order_key)
            if order != list(rows):
                for column in self._columns:
                    column[rows.start : rows.stop] = [column[row] for row in order]

    def _order_key(self, row: int) -> tuple[int, int, int]:
        return (self.starts[row], -self.ends[row], self.ids[row])


def merge_rows(parts: Sequence[SpanRows]) -> SpanRows:
    """Several SpanRows (each in text order, ids unique across them) as one, in text order.

    The order is found by sorting plain int tuples and each column gathered by ``itemgetter``,
    both in C: two annotators' 18,000 spans each in a few ms, against ~130 ms through Span objects.
    """
    columns = [list(itertools.chain.from_iterable(part._columns[field] for part in parts)) for field in range(len(FIELDS))]
    merged = SpanRows.__new__(SpanRows)
    merged._starts, merged._shared = [None], False
    if len(columns[_ID]) < 2:
        merged._columns = columns
        return merged
    order = sorted(zip(columns[_START], map(operator.neg, columns[_END]), columns[_ID], itertools.count()))
    gather = operator.itemgetter(*[row for *_, row in order])
    merged._columns = [list(gather(column)) for column in columns]
    return merged


def _tie_runs(starts: list[int]) -> Iterator[range]:
    """The runs of two or more consecutive rows with the same start."""
    ties = itertools.compress(range(len(starts) - 1), map(operator.eq, starts, itertools.islice(starts, 1, None)))
    first = last = None
    for row in ties:  # row and row + 1 share a start
        if last is not None and row == last + 1:
            last = row
            continue
        if first is not None:
            yield range(first, last + 2)
        first = last = row
    if first is not None:
        yield range(first, last + 2)
