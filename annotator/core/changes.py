"""What one edit changed, as one value: views refresh once per edit, not once per span.

Like Anki's ``OpChanges``: a command that adds 16,000 gold spans (accept all
agreed) or takes them away again (its undo) sends one ``Changes``; a listener
refreshes what it names once. Per-span notices would make every listener that
recomputes a view per notice quadratic.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.model import Span


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
class Changes:
    """Spans and rejected regions one edit added and removed (ids included, so undo can put them back)."""

    added: tuple[Span, ...] = ()
    removed: tuple[Span, ...] = ()
    rejected: tuple[Rejection, ...] = ()  # rejections recorded
    unrejected: tuple[Rejection, ...] = ()  # rejections taken back

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.rejected or self.unrejected)

    def __len__(self) -> int:
        return len(self.added) + len(self.removed) + len(self.rejected) + len(self.unrejected)

    def inverse(self) -> Changes:
        """The change that undoes this one."""
        return Changes(self.removed, self.added, self.unrejected, self.rejected)

    def doc_ids(self) -> set[int]:
        return {x.doc_id for group in (self.added, self.removed, self.rejected, self.unrejected) for x in group}

    def annotators(self) -> set[str]:
        return {s.annotator for s in (*self.added, *self.removed)}

    def spans_of(self, doc_id: int, annotator: str) -> bool:
        """Whether any span of ``annotator`` in ``doc_id`` was added or removed."""
        return any(s.doc_id == doc_id and s.annotator == annotator for s in (*self.added, *self.removed))
