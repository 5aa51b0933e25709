"""A document's suggestions held as columns of plain values, in text order.

A dense 2 MB report gets ~165,000 suggestions. As that many ``Suggestion`` tuples they are
165,000 objects the garbage collector walks on every full collection: measured in the window,
collections of 60-190 ms while they arrived, each one a frozen frame. As typed arrays they are
nothing it walks; a ``Suggestion`` is made only for the one asked for (the current one, the
ones on screen, a tooltip). Parts of a document computed
separately are inserted as they arrive (``insert_part``), and a few taken out or put back
(``remove`` / ``add``) without sorting the whole list again.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from annotator.core.suggest import Place, Suggestion


def order_key(suggestion: Suggestion) -> tuple[int, int, str]:
    """Text order: by start, the longer first, then by label."""
    return (suggestion.start, -suggestion.end, suggestion.label)


class SuggestionColumns(Sequence[Suggestion]):
    """Suggestions in text order (``order_key``) in typed arrays: offsets and scores as machine
    numbers, labels, sources and rules as codes into one table of the distinct names. Arrays are no
    containers to the garbage collector (lists of 165,000 ints still cost a full collection ~50 ms:
    it visits every int)."""

    def __init__(self, suggestions: Iterable[Suggestion] = (), *, shift: int = 0) -> None:
        """From suggestions already in text order; ``shift`` is added to every offset (a part's start)."""
        rows = list(suggestions)
        self.names: list[str] = []
        self._codes: dict[str, int] = {}
        code = self._code
        self.starts = array("q", [s.start + shift for s in rows])
        self.ends = array("q", [s.end + shift for s in rows])
        self.label_codes = array("I", [code(s.label) for s in rows])
        self.source_codes = array("I", [code(s.source) for s in rows])
        self.rule_codes = array("I", [code(s.rule) for s in rows])
        self.scores = array("d", [s.score for s in rows])
        self.longest = max((s.end - s.start for s in rows), default=0)

    def _code(self, name: str) -> int:
        found = self._codes.get(name)
        if found is None:
            found = self._codes[name] = len(self.names)
            self.names.append(name)
        return found

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, index: int) -> Suggestion: ...
    @overload
    def __getitem__(self, index: slice) -> list[Suggestion]: ...
    def __getitem__(self, index: int | slice) -> Suggestion | list[Suggestion]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        names = self.names
        return Suggestion(self.starts[index], self.ends[index], names[self.label_codes[index]],
                          names[self.source_codes[index]], names[self.rule_codes[index]], self.scores[index])

    def __iter__(self) -> Iterator[Suggestion]:
        return (self[i] for i in range(len(self)))

    def label(self, index: int) -> str:
        return self.names[self.label_codes[index]]

    def indexes_of_label(self, label: str) -> list[int]:
        code = self._codes.get(label)
        return [] if code is None else [i for i, c in enumerate(self.label_codes) if c == code]

    def _columns(self) -> tuple[array, ...]:
        return (self.starts, self.ends, self.label_codes, self.source_codes, self.rule_codes, self.scores)

    def overlapping(self, start: int, end: int) -> range | list[int]:
        """Indexes of the suggestions sharing a character with [start, end)."""
        first = bisect.bisect_left(self.starts, start - self.longest)
        last = bisect.bisect_left(self.starts, end)
        ends = self.ends
        return [i for i in range(first, last) if ends[i] > start]

    def index_of(self, key: Place) -> int | None:
        """Where the suggestion with this (start, end, label) is, or None."""
        start, end, label = key
        code = self._codes.get(label)
        for i in range(bisect.bisect_left(self.starts, start), bisect.bisect_right(self.starts, start)):
            if self.ends[i] == end and self.label_codes[i] == code:
                return i
        return None

    def insert_part(self, part: SuggestionColumns) -> int:
        """Insert the suggestions of a part of the text none of these lie in; returns where they went."""
        if not len(part):
            return len(self)
        at = bisect.bisect_left(self.starts, part.starts[0])
        mapping = [self._code(name) for name in part.names]
        theirs = list(part._columns())
        for column in (2, 3, 4):
            theirs[column] = array("I", [mapping[c] for c in theirs[column]])
        for mine, values in zip(self._columns(), theirs):
            mine[at:at] = values
        self.longest = max(self.longest, part.longest)
        return at

    def add(self, suggestion: Suggestion) -> int:
        """Put one suggestion in its place (an undo gives it back); returns its index."""
        existing = self.index_of(suggestion.key)
        if existing is not None:
            return existing
        wanted = order_key(suggestion)
        at = bisect.bisect_left(self.starts, suggestion.start)
        while at < len(self) and order_key(self[at]) < wanted:
            at += 1
        values = (suggestion.start, suggestion.end, self._code(suggestion.label), self._code(suggestion.source),
                  self._code(suggestion.rule), suggestion.score)
        for column, value in zip(self._columns(), values):
            column.insert(at, value)
        self.longest = max(self.longest, suggestion.end - suggestion.start)
        return at

    def remove(self, keys: Iterable[Place]) -> None:
        """Take out the suggestions with these (start, end, label) (accepted or rejected): one by
        one for a few, in one pass over the columns for many (accepting all of a label)."""
        found = {i for i in (self.index_of(key) for key in keys) if i is not None}
        if len(found) <= 64:
            for index in sorted(found, reverse=True):
                for column in self._columns():
                    del column[index]
            return
        for column in self._columns():
            column[:] = array(column.typecode, [value for i, value in enumerate(column) if i not in found])
