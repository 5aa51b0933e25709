"""Undoable edits of the gold layer made while reviewing: one QUndoCommand per gesture.

A command works out what to change on its first ``redo()`` (``QUndoStack.push()``
calls it), so nothing is written before the push. Later redos put back exactly
the same gold spans, with the same ids, so other commands on the stack that
remember those ids stay valid. A command that would change nothing (the gold
layer already says so) marks itself obsolete and ``push()`` drops it. A redo or
undo the store refuses (another edit took a span's id, the file is busy) marks
it obsolete too: the stack deletes it instead of moving its index past an edit
that did not happen, so the data and the stack keep telling the same story.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import nullcontext

from PySide6.QtGui import QUndoCommand

from annotator.core.changes import Changes, Rejection
from annotator.core.model import Span
from annotator.store import Project, review
from annotator.store.errors import error_message
from annotator.store.review import SpanKey, gold_in_region
from annotator.ui.busy import busy_cursor
from annotator.ui.commands import STORE_ERRORS, ChangeNotifier

BUSY_SPANS = 1000  # a change set this big takes a few hundred ms to write and show: the busy cursor says so


class GoldCommand(QUndoCommand):
    """Remove some gold spans and add others (and record or take back a rejection), as one step.

    Every redo and undo is one transaction and one change notice (``ChangeNotifier.changed``),
    however many spans it moves: listeners refresh once per command, never once per span.
    """

    def __init__(self, project: Project, notifier: ChangeNotifier, doc_id: int, reviewer: str, text: str) -> None:
        super().__init__(text)
        self.project = project
        self.notifier = notifier
        self.doc_id = doc_id
        self.reviewer = reviewer
        self.error: str | None = None
        self.changes = Changes()
        self._planned = False

    def plan(self) -> tuple[list[Span], list[SpanKey]]:
        """(gold spans to remove, spans to add); read from the store at the first redo."""
        raise NotImplementedError

    def plan_rejections(self) -> tuple[list[Rejection], tuple[int, int] | None]:
        """(rejections to take back, region to record as rejected); none by default."""
        return [], None

    def redo(self) -> None:
        self._run(self._first_redo if not self._planned else lambda: review.apply_changes(self.project, self.changes),
                  self.changes, first_time=not self._planned)

    def undo(self) -> None:
        self._run(lambda: review.apply_changes(self.project, self.changes.inverse()), self.changes.inverse(),
                  first_time=False)

    def _run(self, action, changes: Changes, *, first_time: bool) -> None:  # noqa: ANN001
        self.error = None
        big = len(changes) > BUSY_SPANS or (first_time and self.expected_size() > BUSY_SPANS)
        with busy_cursor() if big else nullcontext():
            try:
                action()
            except STORE_ERRORS as exc:
                self.error = error_message(self.project.path, exc)
                self.setObsolete(True)  # QUndoStack then deletes it and leaves its index where it was
                if not first_time:
                    self.error += f" ({self.text()!r} was taken out of the undo history)"
                self.notifier.failed.emit(self.error)
                return
            self._announce(changes, first_time=first_time)

    def expected_size(self) -> int:
        """How many spans the first redo may write (for the busy cursor)."""
        return 0

    def _announce(self, changes: Changes, *, first_time: bool) -> None:
        changes = self.changes if first_time else changes  # the first redo learns its changes in the action
        if changes:
            self.notifier.changed.emit(changes)
            self.notifier.saved.emit()

    def _first_redo(self) -> None:
        remove, add = self.plan()
        unreject, reject = self.plan_rejections()
        if not remove and not add and not unreject and reject is None:
            self.setObsolete(True)
            return
        with self.project.transaction():
            removed = review.delete_spans(self.project, [s.id for s in remove]) if remove else []
            added = review.add_gold_spans(self.project, self.doc_id, add, self.reviewer) if add else []
            if unreject:
                review.delete_rejections(self.project, unreject)
            rejected = [review.reject_region(self.project, self.doc_id, *reject, self.reviewer)] if reject else []
        self.changes = Changes(tuple(added), tuple(removed), tuple(rejected), tuple(unreject))
        self._planned = True


class ResolveRegionCommand(GoldCommand):
    """Make the gold layer in ``[start, end)`` say exactly ``version``.

    Accepting an annotator's version passes their spans; rejecting all passes
    an empty version, which removes whatever gold the region had.
    """

    def __init__(
        self,
        project: Project,
        notifier: ChangeNotifier,
        doc_id: int,
        region: tuple[int, int],
        version: Iterable[SpanKey],
        reviewer: str,
        text: str,
    ) -> None:
        super().__init__(project, notifier, doc_id, reviewer, text)
        start, end = region
        self.start, self.end = start, end
        self.version = sorted(set(version))

    def plan(self) -> tuple[list[Span], list[SpanKey]]:
        present = gold_in_region(self.project, self.doc_id, self.start, self.end)
        wanted = set(self.version)
        remove = [s for s in present if (s.start, s.end, s.label) not in wanted]
        kept = {(s.start, s.end, s.label) for s in present if s not in remove}
        return remove, [key for key in self.version if key not in kept]

    def plan_rejections(self) -> tuple[list[Rejection], tuple[int, int] | None]:
        """Rejecting records the region as decided; accepting a version takes back a rejection there."""
        present = review.rejections_in_region(self.project, self.doc_id, self.start, self.end)
        if self.version:
            return present, None
        if any((r.start, r.end) == (self.start, self.end) for r in present):
            return [], None  # rejected already: X again changes nothing
        return present, (self.start, self.end)


class AcceptAgreedCommand(GoldCommand):
    """Add every agreed span the gold layer does not have yet, in one undoable step."""

    def __init__(
        self, project: Project, notifier: ChangeNotifier, doc_id: int, agreed: Sequence[SpanKey], reviewer: str
    ) -> None:
        super().__init__(project, notifier, doc_id, reviewer, "Accept all agreed spans")
        self.agreed = list(agreed)

    def expected_size(self) -> int:
        return len(self.agreed)

    def plan(self) -> tuple[list[Span], list[SpanKey]]:
        present = review.gold_keys(self.project, self.doc_id)
        missing = [key for key in dict.fromkeys(self.agreed) if key not in present]
        count = len(missing)
        self.setText(f"Accept {count} agreed span" + ("" if count == 1 else "s"))
        return [], missing


def accept_text(annotator: str, version: Sequence[SpanKey]) -> str:
    if not version:
        return f"Accept {annotator}'s version (nothing marked)"
    labels = ", ".join(dict.fromkeys(label for _, _, label in version))
    return f"Accept {annotator}'s {labels}"
