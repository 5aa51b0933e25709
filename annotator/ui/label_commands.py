"""Undoable edits of the label schema: one QUndoCommand per user gesture.

Each command captures the old values in ``__init__`` and performs the edit in
``redo()`` (``QUndoStack.push()`` calls it). When the store refuses an edit
(a duplicate name or hotkey, a busy file), the command records the reason in
``error`` and marks itself obsolete, so ``push()`` drops it: nothing changed in
the file and nothing is on the stack. Callers read ``error`` after pushing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from PySide6.QtGui import QUndoCommand

from annotator.core.model import Label, Span
from annotator.core.relations import Relation, RelationLabel
from annotator.core.wording import counted
from annotator.store import Project
from annotator.store.attributes import HeldAttributes
from annotator.store.errors import ProjectError, error_message

# What the store raises for an edit it refuses; shown to the user as they are.
STORE_ERRORS = (ValueError, KeyError, ProjectError, sqlite3.Error)


class LabelCommand(QUndoCommand):
    """Base: runs a store call and turns a refusal into ``error`` + obsolete."""

    def __init__(self, project: Project, text: str) -> None:
        super().__init__(text)
        self.project = project
        self.error: str | None = None

    def redo(self) -> None:
        self._guard(self._do)

    def undo(self) -> None:
        self._guard(self._undo)

    def _guard(self, action) -> None:
        self.error = None
        try:
            action()
        except STORE_ERRORS as exc:
            self.error = error_message(self.project.path, exc)
            self.setObsolete(True)

    def _do(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class AddLabelCommand(LabelCommand):
    def __init__(self, project: Project, label: Label) -> None:
        super().__init__(project, f"Add label {label.name}")
        self.label = label

    def _do(self) -> None:
        self.project.add_label(self.label)

    def _undo(self) -> None:
        self.project.delete_label(self.label.name)


def describe_update(old: Label, new: Label) -> str:
    """The undo text of an edit, naming what changed."""
    changes = [
        field
        for field in ("name", "color", "hotkey", "description", "order")
        if getattr(old, field) != getattr(new, field)
    ]
    if changes == ["name"]:
        return f"Rename label {old.name} to {new.name}"
    if changes == ["color"]:
        return f"Recolour label {old.name} to {new.color}"
    if changes == ["hotkey"]:
        key = new.hotkey or "none"
        return f"Set hotkey of label {old.name} to {key}"
    if changes == ["description"]:
        return f"Edit description of label {old.name}"
    if "name" in changes:
        return f"Edit label {old.name} (renamed to {new.name})"
    return f"Edit label {old.name}"


class UpdateLabelCommand(LabelCommand):
    """Rename, recolour, change hotkey or description; a rename relabels the spans."""

    def __init__(self, project: Project, old: Label, new: Label) -> None:
        super().__init__(project, describe_update(old, new))
        self.old = old
        self.new = new

    def _do(self) -> None:
        self.project.update_label(self.old.name, self.new)

    def _undo(self) -> None:
        self.project.update_label(self.new.name, self.old)


class ReorderLabelsCommand(LabelCommand):
    def __init__(self, project: Project, old_order: Sequence[str], new_order: Sequence[str], text: str) -> None:
        super().__init__(project, text)
        self.old_order = list(old_order)
        self.new_order = list(new_order)

    def _do(self) -> None:
        self.project.set_label_order(self.new_order)

    def _undo(self) -> None:
        self.project.set_label_order(self.old_order)


def move_label_command(project: Project, name: str, step: int) -> ReorderLabelsCommand | None:
    """A command moving ``name`` one place up (step -1) or down (+1); None at either end."""
    names = [label.name for label in project.labels()]
    row = names.index(name)
    target = row + step
    if not 0 <= target < len(names):
        return None
    moved = list(names)
    moved[row], moved[target] = moved[target], moved[row]
    direction = "up" if step < 0 else "down"
    return ReorderLabelsCommand(project, names, moved, f"Move label {name} {direction}")


def spans_phrase(count: int) -> str:
    return counted(count, "span")


def relations_phrase(count: int) -> str:
    return counted(count, "relation")


class DeleteLabelCommand(LabelCommand):
    """Delete a label and its spans; undo brings both back with their ids, relations and attribute values."""

    def __init__(self, project: Project, name: str) -> None:
        self.span_count = project.label_span_count(name)
        text = f"Delete label {name}"
        if self.span_count:
            text += f" ({spans_phrase(self.span_count)})"
        super().__init__(project, text)
        self.name = name
        self.deleted: tuple[Label, list[Span], list[Relation], HeldAttributes] | None = None

    def _do(self) -> None:
        self.deleted = self.project.delete_label(self.name)

    def _undo(self) -> None:
        if self.deleted is not None:
            self.project.restore_label(*self.deleted)


# ------------------------------------------------------------------ relation labels
class AddRelationLabelCommand(LabelCommand):
    def __init__(self, project: Project, label: RelationLabel) -> None:
        super().__init__(project, f"Add relation label {label.name}")
        self.label = label

    def _do(self) -> None:
        self.project.add_relation_label(self.label)

    def _undo(self) -> None:
        self.project.delete_relation_label(self.label.name)


def describe_relation_update(old: RelationLabel, new: RelationLabel) -> str:
    """The undo text of a relation label edit, naming what changed."""
    changes = [field for field in ("name", "color", "hotkey", "description", "heads", "children")
               if getattr(old, field) != getattr(new, field)]
    if changes == ["name"]:
        return f"Rename relation label {old.name} to {new.name}"
    if changes == ["color"]:
        return f"Recolour relation label {old.name} to {new.color}"
    if changes == ["hotkey"]:
        return f"Set hotkey of relation label {old.name} to {new.hotkey or 'none'}"
    if set(changes) <= {"heads", "children"}:
        return f"Change the ends of relation label {old.name}"
    return f"Edit relation label {old.name}" + (f" (renamed to {new.name})" if "name" in changes else "")


class UpdateRelationLabelCommand(LabelCommand):
    """Rename, recolour, re-key or change the end rule of a relation label; a rename relabels its relations,
    a rule its relations would break is refused by the store (``error`` says which)."""

    def __init__(self, project: Project, old: RelationLabel, new: RelationLabel) -> None:
        super().__init__(project, describe_relation_update(old, new))
        self.old, self.new = old, new

    def _do(self) -> None:
        self.project.update_relation_label(self.old.name, self.new)

    def _undo(self) -> None:
        self.project.update_relation_label(self.new.name, self.old)


class DeleteRelationLabelCommand(LabelCommand):
    """Delete a relation label and its relations; undo brings both back with their ids."""

    def __init__(self, project: Project, name: str, relation_count: int) -> None:
        text = f"Delete relation label {name}" + (f" ({relations_phrase(relation_count)})" if relation_count else "")
        super().__init__(project, text)
        self.name = name
        self.deleted: tuple[RelationLabel, list[Relation]] | None = None

    def _do(self) -> None:
        self.deleted = self.project.delete_relation_label(self.name)

    def _undo(self) -> None:
        if self.deleted is not None:
            self.project.restore_relation_label(*self.deleted)
