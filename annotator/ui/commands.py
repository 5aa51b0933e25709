"""Undoable annotation edits: one QUndoCommand per gesture, each calling the store.

``QUndoStack.push()`` calls ``redo()``, which performs the edit; old values are
captured so ``undo()`` can put them back. Every store call commits at once.
A refused edit (busy file, bad range) records ``error`` and marks the command
obsolete, so ``push()`` drops it and the caller reports ``error``.
Views learn what changed from the ``ChangeNotifier`` signals, never by reloading.
A command that changes many spans sends one ``changed`` notice for all of them
(see ``core.changes``); per-span signals are for one-span edits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from annotator.core.model import Span
from annotator.core.relations import Relation
from annotator.store import Project
from annotator.store.errors import ProjectError, error_message

STORE_ERRORS = (ValueError, KeyError, ProjectError, sqlite3.Error)


class ChangeNotifier(QObject):
    """What an edit changed, for views to refresh just that."""

    spanAdded = Signal(object)  # Span
    spanRemoved = Signal(object)  # Span
    spanUpdated = Signal(object, object)  # old Span, new Span
    relationsChanged = Signal(int)  # doc_id whose relations were added or removed (many, or with spans)
    relationAdded = Signal(object)  # Relation: one linked (views add just its arc)
    relationRemoved = Signal(object)  # Relation: one unlinked
    changed = Signal(object)  # core.changes.Changes: a command's many spans at once (accept all agreed, its undo)
    projectChanged = Signal()  # a merge or an import wrote outside the undo stack: views read what they show again
    statusChanged = Signal(int, str)  # doc_id, annotator
    saved = Signal()  # a change reached the project file
    failed = Signal(str)  # a change did not


class EditCommand(QUndoCommand):
    def __init__(self, project: Project, notifier: ChangeNotifier, text: str) -> None:
        super().__init__(text)
        self.project = project
        self.notifier = notifier
        self.error: str | None = None

    def redo(self) -> None:
        self._guard(self._do, first_time_obsolete=True)

    def undo(self) -> None:
        self._guard(self._undo, first_time_obsolete=False)

    def _guard(self, action: Callable[[], None], *, first_time_obsolete: bool) -> None:
        self.error = None
        try:
            action()
        except STORE_ERRORS as exc:
            self.error = error_message(self.project.path, exc)
            if first_time_obsolete:
                self.setObsolete(True)
            self.notifier.failed.emit(self.error)
            return
        self.notifier.saved.emit()

    def _do(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class AddSpanCommand(EditCommand):
    def __init__(self, project: Project, notifier: ChangeNotifier, doc_id: int, start: int, end: int,
                 label: str, annotator: str, *, origin: str = "manual", reviewer: str | None = None) -> None:
        super().__init__(project, notifier, f"Add {label} span")
        self.request = (doc_id, start, end, label, annotator)
        self.options = {"origin": origin, "reviewer": reviewer}  # gold spans made in review mode
        self.span: Span | None = None
        self._status_before = project.status(doc_id, annotator)

    def _do(self) -> None:
        if self.span is None:
            self.span = self.project.add_span(*self.request, **self.options)
        else:
            self.project.restore_span(self.span)
            if self._status_before == "new":  # restore_span does not start the document; redo as add did
                self.project.set_status(self.span.doc_id, self.span.annotator, "in_progress")
        self.notifier.spanAdded.emit(self.span)
        if self._status_before == "new":
            self.notifier.statusChanged.emit(self.span.doc_id, self.span.annotator)

    def _undo(self) -> None:
        assert self.span is not None
        self.project.expect_span(self.span)
        self.project.delete_span(self.span.id)
        self.notifier.spanRemoved.emit(self.span)
        if self._status_before == "new":  # the first span had started the document: undo that too
            self.project.set_status(self.span.doc_id, self.span.annotator, "new")
            self.notifier.statusChanged.emit(self.span.doc_id, self.span.annotator)


class DeleteSpanCommand(EditCommand):
    """Delete a span and its relations in one step; undo brings both back with their ids."""

    def __init__(self, project: Project, notifier: ChangeNotifier, span: Span) -> None:
        super().__init__(project, notifier, f"Delete {span.label} span")
        self.span = span
        self.attributes: dict[str, object] = {}  # the span's attribute values, put back by undo
        self.actor_id: int | None = None  # the actor entry it was linked to, linked again by undo
        self.relations: list[Relation] = []

    def _do(self) -> None:
        self.project.expect_span(self.span)
        self.attributes = self.project.span_attributes(self.span.id)
        linked = self.project.span_actor(self.span.id)
        self.actor_id = linked.id if linked is not None else None
        self.span, self.relations = self.project.delete_span_with_relations(self.span.id)
        self.notifier.spanRemoved.emit(self.span)
        if self.relations:
            self.notifier.relationsChanged.emit(self.span.doc_id)

    def _undo(self) -> None:
        self.project.restore_span_with_relations(self.span, self.relations, self.attributes, self.actor_id)
        self.notifier.spanAdded.emit(self.span)
        if self.relations:
            self.notifier.relationsChanged.emit(self.span.doc_id)


class UpdateSpanCommand(EditCommand):
    """Relabel and/or change the note of one span."""

    def __init__(self, project: Project, notifier: ChangeNotifier, span: Span, text: str, *,
                 label: str | None = None, note: object = Project._UNCHANGED, unlink: bool = False) -> None:
        super().__init__(project, notifier, text)
        self.before = span
        self.label = label
        self.note = note
        self.unlink = unlink  # a relabel that deletes the relations it breaks (the user was asked)
        self.unlinked: list[Relation] = []
        self.after: Span | None = None
        self.actor_id: int | None = None  # the actor link a relabel took away (undo brings it back)
        self.stored: Span | None = None  # the span as the file held it (the window's copy has no times)

    def _do(self) -> None:
        self.project.expect_span(self.before)
        with self.project.transaction():
            self.stored = self.project.span(self.before.id)
            if self.label is not None and self.label != self.before.label:
                # a link says who an actor span is: it does not outlive the label (README, Actors)
                self.actor_id = self.project.link_span(self.before.id, None)
            if self.unlink and self.label is not None:
                self.after, self.unlinked = self.project.relabel_span_unlinking(self.before.id, self.label)
            else:
                self.after = self.project.update_span(self.before.id, label=self.label, note=self.note)
        self.notifier.spanUpdated.emit(self.before, self.after)
        if self.unlinked:
            self.notifier.relationsChanged.emit(self.before.doc_id)

    def _undo(self) -> None:
        assert self.after is not None
        self.project.expect_span(self.after)
        with self.project.transaction():
            restored = self.project.update_span(self.before.id, label=self.before.label, note=self.before.note,
                                                updated=self.stored.updated if self.stored is not None else None)
            self.project.restore_relations(self.unlinked)
            if self.actor_id is not None:
                self.project.link_span(self.before.id, self.actor_id)
        self.notifier.spanUpdated.emit(self.after, restored)
        if self.unlinked:
            self.notifier.relationsChanged.emit(self.before.doc_id)


def relabel_command(project: Project, notifier: ChangeNotifier, span: Span, label: str, *,
                    unlink: bool = False) -> UpdateSpanCommand:
    """Relabel ``span``; with ``unlink`` the relations the new label breaks are deleted in the same step."""
    text = f"Relabel {span.label} span as {label}" + (" (unlinking)" if unlink else "")
    return UpdateSpanCommand(project, notifier, span, text, label=label, unlink=unlink)


class AddRelationCommand(EditCommand):
    def __init__(self, project: Project, notifier: ChangeNotifier, head: Span, child: Span, label: str) -> None:
        super().__init__(project, notifier, f"Link {head.label} to {child.label} ({label})")
        self.request = (head.id, child.id, label)
        self.relation: Relation | None = None

    def _do(self) -> None:
        if self.relation is None:
            self.relation = self.project.add_relation(*self.request)
        else:
            self.project.restore_relations([self.relation])
        self.notifier.relationAdded.emit(self.relation)

    def _undo(self) -> None:
        assert self.relation is not None
        self.project.delete_relation(self.relation.id)
        self.notifier.relationRemoved.emit(self.relation)


class DeleteRelationCommand(EditCommand):
    def __init__(self, project: Project, notifier: ChangeNotifier, relation: Relation) -> None:
        super().__init__(project, notifier, f"Delete {relation.label} relation")
        self.relation = relation

    def _do(self) -> None:
        self.relation = self.project.delete_relation(self.relation.id)
        self.notifier.relationRemoved.emit(self.relation)

    def _undo(self) -> None:
        self.project.restore_relations([self.relation])
        self.notifier.relationAdded.emit(self.relation)


def note_command(project: Project, notifier: ChangeNotifier, span: Span, note: str | None) -> UpdateSpanCommand:
    text = "Remove note" if not note else ("Add note" if not span.note else "Edit note")
    return UpdateSpanCommand(project, notifier, span, text, note=note or None)


STATUS_TEXT = {"done": "Mark document done", "skipped": "Skip document",
               "in_progress": "Reopen document", "new": "Mark document new"}


class SetStatusCommand(EditCommand):
    def __init__(self, project: Project, notifier: ChangeNotifier, doc_id: int, annotator: str, status: str) -> None:
        super().__init__(project, notifier, STATUS_TEXT.get(status, f"Set status {status}"))
        self.doc_id, self.annotator, self.status = doc_id, annotator, status
        self.previous = project.status(doc_id, annotator)

    def _do(self) -> None:
        self.previous = self.project.set_status(self.doc_id, self.annotator, self.status)
        self.notifier.statusChanged.emit(self.doc_id, self.annotator)

    def _undo(self) -> None:
        self.project.set_status(self.doc_id, self.annotator, self.previous)
        self.notifier.statusChanged.emit(self.doc_id, self.annotator)
