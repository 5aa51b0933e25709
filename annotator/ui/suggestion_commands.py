"""Accepting and rejecting suggestions as undoable commands: one store call and one change set each.

``redo`` calls the store's ``accept`` / ``accept_all`` / ``reject`` (one durable transaction
returning one ``SuggestionChanges``); ``undo`` calls ``store.suggestions.undo`` with it. The
spans made or taken away reach the views as one ``Changes`` notice, and the suggestions
shown lose (or get back) the ones the command used, through ``on_suggestions``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from annotator.core.changes import Changes
from annotator.core.suggest import Suggestion
from annotator.store import Project
from annotator.store import suggestions as store
from annotator.ui.commands import ChangeNotifier, EditCommand

# (doc_id, suggestions gone, suggestions back): the suggestion list of the document shown follows
SuggestionsChanged = Callable[[int, Sequence[Suggestion], Sequence[Suggestion]], None]


class SuggestionCommand(EditCommand):
    def __init__(self, project: Project, notifier: ChangeNotifier, text: str, doc_id: int, annotator: str,
                 act: Callable[[], store.SuggestionChanges], on_suggestions: SuggestionsChanged) -> None:
        super().__init__(project, notifier, text)
        self.doc_id, self.annotator = doc_id, annotator
        self._act = act
        self._on_suggestions = on_suggestions
        self.changes: store.SuggestionChanges | None = None

    def _do(self) -> None:
        if self.changes is None:
            self.changes = self._act()
        else:  # redo after undo: the same suggestions again (new span ids)
            self.changes = self._redo_again(self.changes)
        self._on_suggestions(self.doc_id, self.changes.suggestions_removed, ())
        if self.changes.spans_added:
            self.notifier.changed.emit(Changes(added=self.changes.spans_added))

    def _redo_again(self, before: store.SuggestionChanges) -> store.SuggestionChanges:
        if before.rejections_added:
            return store.reject(self.project, self.doc_id, before.suggestions_removed[0], self.annotator)
        label = before.spans_added[0].label if len(before.suggestions_removed) == 1 and before.spans_added else None
        return store.accept_many(self.project, self.doc_id, before.suggestions_removed, self.annotator, label=label)

    def _undo(self) -> None:
        assert self.changes is not None
        for span in self.changes.spans_added:
            self.project.expect_span(span)
        store.undo(self.project, self.changes)
        self._on_suggestions(self.doc_id, (), self.changes.suggestions_removed)
        if self.changes.spans_added:
            self.notifier.changed.emit(Changes(removed=self.changes.spans_added))


def accept_command(project: Project, notifier: ChangeNotifier, doc_id: int, suggestion: Suggestion, annotator: str,
                   on_suggestions: SuggestionsChanged, *, label: str | None = None) -> SuggestionCommand:
    shown = label or suggestion.label
    return SuggestionCommand(project, notifier, f"Accept suggested {shown} span", doc_id, annotator,
                             lambda: store.accept(project, doc_id, suggestion, annotator, label=label), on_suggestions)


def reject_command(project: Project, notifier: ChangeNotifier, doc_id: int, suggestion: Suggestion, annotator: str,
                   on_suggestions: SuggestionsChanged) -> SuggestionCommand:
    return SuggestionCommand(project, notifier, f"Reject suggested {suggestion.label} span", doc_id, annotator,
                             lambda: store.reject(project, doc_id, suggestion, annotator), on_suggestions)


def accept_all_command(project: Project, notifier: ChangeNotifier, doc_id: int, suggestions: Sequence[Suggestion],
                       label: str, annotator: str, on_suggestions: SuggestionsChanged) -> SuggestionCommand:
    wanted = [s for s in suggestions if s.label == label]
    return SuggestionCommand(project, notifier, f"Accept {len(wanted)} suggested {label} spans", doc_id, annotator,
                             lambda: store.accept_all(project, doc_id, wanted, label, annotator), on_suggestions)
