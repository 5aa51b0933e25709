"""Undoable attribute edits: a span's value, and the definitions in the label schema.

Each is one QUndoCommand whose ``redo()``/``undo()`` make one durable store call
(see ``annotator.ui.commands``); a refused edit is reported and leaves nothing on the stack.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from annotator.core.attributes import AttributeDef, show_value
from annotator.store import Project
from annotator.ui.commands import ChangeNotifier, EditCommand
from annotator.ui.label_commands import LabelCommand


class AttributeNotifier(QObject):
    """Which span's attribute values changed (the editor and the spans panel refresh that row)."""

    valuesChanged = Signal(int)  # span id


class SetAttributeCommand(EditCommand):
    """Set (or clear, with None) one attribute of one span."""

    def __init__(self, project: Project, notifier: ChangeNotifier, attributes: AttributeNotifier, span_id: int,
                 name: str, value: Any) -> None:
        shown = show_value(value) if value is not None else "nothing"
        super().__init__(project, notifier, f"Set {name} to {shown}")
        self.attributes = attributes
        self.span_id, self.name, self.value = span_id, name, value
        self.before: Any = None

    def _do(self) -> None:
        self.before = self.project.set_span_attribute(self.span_id, self.name, self.value)
        self.attributes.valuesChanged.emit(self.span_id)

    def _undo(self) -> None:
        self.project.set_span_attribute(self.span_id, self.name, self.before)
        self.attributes.valuesChanged.emit(self.span_id)


class DefineAttributeCommand(LabelCommand):
    """Add an attribute to a label, or change one (``replacing`` names it)."""

    def __init__(self, project: Project, attribute: AttributeDef, replacing: str | None = None) -> None:
        verb = "Add" if replacing is None else "Change"
        super().__init__(project, f"{verb} attribute {attribute.name} of {attribute.label}")
        self.attribute, self.replacing = attribute, replacing
        self.before = project.attribute_def(attribute.label, replacing) if replacing is not None else None
        self.stored: AttributeDef | None = None

    def _do(self) -> None:
        self.stored = self.project.define_attribute(self.attribute, replacing=self.replacing)

    def _undo(self) -> None:
        assert self.stored is not None
        if self.before is None:
            self.project.delete_attribute(self.stored.label, self.stored.name)
        else:
            self.project.define_attribute(self.before, replacing=self.stored.name)


class DeleteAttributeCommand(LabelCommand):
    """Remove an attribute from a label; undo brings back the definition and every span's value."""

    def __init__(self, project: Project, label: str, name: str) -> None:
        super().__init__(project, f"Delete attribute {name} of {label}")
        self.label, self.name = label, name
        self.saved: tuple[AttributeDef, dict[int, Any]] | None = None

    def _do(self) -> None:
        self.saved = self.project.delete_attribute(self.label, self.name)

    def _undo(self) -> None:
        assert self.saved is not None
        self.project.restore_attribute(*self.saved)
