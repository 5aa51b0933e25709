"""What one edit changed, as one value: views refresh once per edit, not once per span.

Like Anki's ``OpChanges``: a command that adds 16,000 gold spans (accept all
agreed) or takes them away again (its undo) sends one ``Changes``; a listener
refreshes what it names once. Per-span notices would make every listener that
recomputes a view per notice quadratic.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.model import Span
from annotator.core.relations import Relation
from annotator.core.suggest import Suggestion


@dataclass(frozen=True)
class Rejection:
    """A reviewer's decision that no version of a region goes into gold (review key X)."""

    id: int
    doc_id: int
    start: int  # code points, end exclusive
    end: int
    reviewer: str
    created: str = ""


@dataclass(frozen=True)
class RelationRejection:
    """A reviewer's decision that no relation between two spans goes into gold (X on a relation row).

    The two spans are named by their (start, end, label), first in text order first.
    """

    id: int
    doc_id: int
    first: tuple[int, int, str]
    second: tuple[int, int, str]
    reviewer: str
    created: str = ""

    @property
    def start(self) -> int:
        return min(self.first[0], self.second[0])

    @property
    def end(self) -> int:
        return max(self.first[1], self.second[1])


@dataclass(frozen=True)
class Offered:
    """A suggestion offered in a document (``core.suggest.Suggestion`` has no document)."""

    doc_id: int
    suggestion: Suggestion


@dataclass(frozen=True)
class Declined:
    """An analyst's rejection of a suggestion (suggestions key -): its record in the project file."""

    id: int
    doc_id: int
    suggestion: Suggestion


@dataclass(frozen=True)
class Changes:
    """Spans, relations and rejections one edit added and removed (ids included, so undo can put them
    back); for suggestions, the analyst's rejections of them and the suggestions no longer offered
    (accepted or rejected) or offered again (an undo)."""

    added: tuple[Span, ...] = ()
    removed: tuple[Span, ...] = ()
    rejected: tuple[Rejection, ...] = ()  # rejections recorded
    unrejected: tuple[Rejection, ...] = ()  # rejections taken back
    relations_added: tuple[Relation, ...] = ()
    relations_removed: tuple[Relation, ...] = ()  # also those that went with a removed span
    relations_rejected: tuple[RelationRejection, ...] = ()
    relations_unrejected: tuple[RelationRejection, ...] = ()
    declined: tuple[Declined, ...] = ()  # suggestions rejected
    undeclined: tuple[Declined, ...] = ()  # suggestion rejections taken back
    used: tuple[Offered, ...] = ()  # suggestions accepted or rejected: no longer offered
    offered: tuple[Offered, ...] = ()  # suggestions offered again

    def _groups(self) -> tuple[tuple, ...]:
        return (self.added, self.removed, self.rejected, self.unrejected, self.relations_added,
                self.relations_removed, self.relations_rejected, self.relations_unrejected,
                self.declined, self.undeclined, self.used, self.offered)

    def __bool__(self) -> bool:
        return any(self._groups())

    def __len__(self) -> int:
        return sum(map(len, self._groups()))

    def inverse(self) -> Changes:
        """The change that undoes this one."""
        return Changes(self.removed, self.added, self.unrejected, self.rejected, self.relations_removed,
                       self.relations_added, self.relations_unrejected, self.relations_rejected,
                       self.undeclined, self.declined, self.offered, self.used)

    def doc_ids(self) -> set[int]:
        return {x.doc_id for group in self._groups() for x in group}

    def relations_changed(self, doc_id: int) -> bool:
        """Whether a relation or relation rejection of ``doc_id`` was added or removed."""
        return any(x.doc_id == doc_id for group in self._groups()[4:8] for x in group)

    def annotators(self) -> set[str]:
        return {s.annotator for s in (*self.added, *self.removed)}

    def spans_of(self, doc_id: int, annotator: str) -> bool:
        """Whether any span of ``annotator`` in ``doc_id`` was added or removed."""
        return any(s.doc_id == doc_id and s.annotator == annotator for s in (*self.added, *self.removed))
