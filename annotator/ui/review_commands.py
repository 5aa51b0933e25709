"""Undoable edits of the gold layer made while reviewing: one QUndoCommand per gesture.

A command works out what to change on its first ``redo()`` (``QUndoStack.push()``
calls it), so nothing is written before the push. Later redos put back exactly
the same gold spans, with the same ids, so other commands on the stack that
remember those ids stay valid. A command that would change nothing (the gold
layer already says so) marks itself obsolete and ``push()`` drops it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtGui import QUndoCommand

from annotator.core.model import GOLD_ANNOTATOR, Span
from annotator.store import Project, review
from annotator.ui.commands import STORE_ERRORS, ChangeNotifier

SpanKey = tuple[int, int, str]  # (start, end, label) in code points


def gold_in_region(project: Project, doc_id: int, start: int, end: int) -> list[Span]:
    """Gold spans that overlap ``[start, end)``."""
    return [s for s in project.spans(doc_id, GOLD_ANNOTATOR) if s.start < end and s.end > start]


class GoldCommand(QUndoCommand):
    """Remove some gold spans and add others, as one step."""

    def __init__(self, project: Project, notifier: ChangeNotifier, doc_id: int, reviewer: str, text: str) -> None:
        super().__init__(text)
        self.project = project
        self.notifier = notifier
        self.doc_id = doc_id
        self.reviewer = reviewer
        self.error: str | None = None
        self.removed: list[Span] = []
        self.added: list[Span] = []
        self._planned = False

    def plan(self) -> tuple[list[Span], list[SpanKey]]:
        """(gold spans to remove, spans to add); read from the store at the first redo."""
        raise NotImplementedError

    def redo(self) -> None:
        self.error = None
        first_time = not self._planned
        try:
            if first_time:
                self._first_redo()
            else:
                self._apply(delete=self.removed, restore=self.added)
        except STORE_ERRORS as exc:
            self._failed(exc, first_time=first_time)
            return
        self._notify(removed=self.removed, added=self.added)

    def _first_redo(self) -> None:
        remove, add = self.plan()
        if not remove and not add:
            self.setObsolete(True)
            return
        with self.project.transaction():
            removed = review.delete_spans(self.project, [s.id for s in remove]) if remove else []
            added = review.add_gold_spans(self.project, self.doc_id, add, self.reviewer) if add else []
        self.removed, self.added, self._planned = removed, added, True

    def undo(self) -> None:
        self.error = None
        try:
            self._apply(delete=self.added, restore=self.removed)
        except STORE_ERRORS as exc:
            self._failed(exc, first_time=False)
            return
        self._notify(removed=self.added, added=self.removed)

    def _apply(self, *, delete: list[Span], restore: list[Span]) -> None:
        with self.project.transaction():
            if delete:
                review.delete_spans(self.project, [s.id for s in delete])
            if restore:
                review.restore_spans(self.project, restore)

    def _failed(self, exc: Exception, *, first_time: bool) -> None:
        self.error = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        if first_time:
            self.setObsolete(True)
        self.notifier.failed.emit(self.error)

    def _notify(self, *, removed: list[Span], added: list[Span]) -> None:
        if not removed and not added:
            return
        for span in removed:
            self.notifier.spanRemoved.emit(span)
        for span in added:
            self.notifier.spanAdded.emit(span)
        self.notifier.saved.emit()


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


class AcceptAgreedCommand(GoldCommand):
    """Add every agreed span the gold layer does not have yet, in one undoable step."""

    def __init__(
        self, project: Project, notifier: ChangeNotifier, doc_id: int, agreed: Sequence[SpanKey], reviewer: str
    ) -> None:
        super().__init__(project, notifier, doc_id, reviewer, "Accept all agreed spans")
        self.agreed = list(agreed)

    def plan(self) -> tuple[list[Span], list[SpanKey]]:
        present = {(s.start, s.end, s.label) for s in self.project.spans(self.doc_id, GOLD_ANNOTATOR)}
        missing = [key for key in dict.fromkeys(self.agreed) if key not in present]
        count = len(missing)
        self.setText(f"Accept {count} agreed span" + ("" if count == 1 else "s"))
        return [], missing


def accept_text(annotator: str, version: Sequence[SpanKey]) -> str:
    if not version:
        return f"Accept {annotator}'s version (nothing marked)"
    labels = ", ".join(dict.fromkeys(label for _, _, label in version))
    return f"Accept {annotator}'s {labels}"
