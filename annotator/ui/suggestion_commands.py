"""Accepting and rejecting suggestions as undoable commands: one store call and one change set each.

``redo`` calls the store's ``accept`` / ``accept_all`` / ``reject`` (one durable transaction
returning one ``core.changes.Changes``); ``undo`` calls ``store.suggestions.undo`` with it,
which returns the inverse. Either way the views get that one change set on ``notifier.changed``:
the spans made or taken away, and the suggestions used (``used``) or offered again (``offered``),
which the window's suggestion list follows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from annotator.core.changes import Changes
from annotator.core.suggest import Suggestion
from annotator.core.wording import counted
from annotator.store import Project
from annotator.store import suggestions as store
from annotator.ui.commands import ChangeNotifier, EditCommand


class SuggestionCommand(EditCommand):
    def __init__(self, project: Project, notifier: ChangeNotifier, text: str, doc_id: int, annotator: str,
                 act: Callable[[], Changes]) -> None:
        super().__init__(project, notifier, text)
        self.doc_id, self.annotator = doc_id, annotator
        self._act = act
        self.changes: Changes | None = None

    def _do(self) -> None:
        # redo after undo: the same suggestions again (new span ids)
        self.changes = self._act() if self.changes is None else self._redo_again(self.changes)
        self.notifier.changed.emit(self.changes)

    def _redo_again(self, before: Changes) -> Changes:
        if before.declined:
            return store.reject(self.project, self.doc_id, before.declined[0].suggestion, self.annotator)
        used = [offered.suggestion for offered in before.used]
        label = before.added[0].label if len(used) == 1 and before.added else None
        return store.accept_many(self.project, self.doc_id, used, self.annotator, label=label)

    def _undo(self) -> None:
        assert self.changes is not None
        for span in self.changes.added:
            self.project.expect_span(span)
        self.notifier.changed.emit(store.undo(self.project, self.changes))


def accept_command(project: Project, notifier: ChangeNotifier, doc_id: int, suggestion: Suggestion, annotator: str,
                   *, label: str | None = None) -> SuggestionCommand:
    shown = label or suggestion.label
    return SuggestionCommand(project, notifier, f"Accept suggested {shown} span", doc_id, annotator,
                             lambda: store.accept(project, doc_id, suggestion, annotator, label=label))


def reject_command(project: Project, notifier: ChangeNotifier, doc_id: int, suggestion: Suggestion,
                   annotator: str) -> SuggestionCommand:
    return SuggestionCommand(project, notifier, f"Reject suggested {suggestion.label} span", doc_id, annotator,
                             lambda: store.reject(project, doc_id, suggestion, annotator))


def accept_all_command(project: Project, notifier: ChangeNotifier, doc_id: int, suggestions: Sequence[Suggestion],
                       label: str, annotator: str) -> SuggestionCommand:
    wanted = [s for s in suggestions if s.label == label]
    return SuggestionCommand(project, notifier, f"Accept {counted(len(wanted), f'suggested {label} span')}", doc_id, annotator,
                             lambda: store.accept_all(project, doc_id, wanted, label, annotator))
