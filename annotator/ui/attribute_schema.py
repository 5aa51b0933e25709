"""The attributes of one label, in the label schema dialog: list, add, change, delete (each undoable).

Choices are typed comma-separated (``asserted, hedged, disputed``), their hotkeys space-separated
in the same order (``a h d``), the default as a choice, yes/no, a number or text.
"""

from __future__ import annotations

import sqlite3

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QPushButton, QVBoxLayout, QWidget)

from annotator.core.attributes import ATTRIBUTE_KINDS, AttributeDef, parse_value, show_value
from annotator.store import Project
from annotator.ui.attribute_commands import DefineAttributeCommand, DeleteAttributeCommand
from annotator.ui.label_commands import LabelCommand


class AttributeSchemaEditor(QGroupBox):
    def __init__(self, project: Project, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__("Attributes of the label", parent)
        self.project, self.undo_stack = project, undo_stack
        self.label: str | None = None
        self.defs: list[AttributeDef] = []
        self.list = QListWidget()
        self.list.setAccessibleName("Attributes")
        self.name_edit = QLineEdit()
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(ATTRIBUTE_KINDS)
        self.choices_edit = QLineEdit()
        self.choices_edit.setPlaceholderText("asserted, hedged, disputed")
        self.hotkeys_edit = QLineEdit()
        self.hotkeys_edit.setPlaceholderText("a h d (one per choice)")
        self.default_edit = QLineEdit()
        self.default_edit.setPlaceholderText("none")
        self.add_button = QPushButton("Add a&ttribute")
        self.change_button = QPushButton("C&hange attribute")
        self.delete_button = QPushButton("Delete attri&bute")
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        for text, widget in (("Attribute name:", self.name_edit), ("Kind:", self.kind_combo),
                             ("Choices:", self.choices_edit), ("Choice hotkeys:", self.hotkeys_edit),
                             ("Default:", self.default_edit)):
            form.addRow(text, widget)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.change_button, self.delete_button):
            buttons.addWidget(button)
            button.setAutoDefault(False)
        body = QHBoxLayout()
        body.addWidget(self.list, 2)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(buttons)
        body.addLayout(right, 3)
        outer = QVBoxLayout(self)
        outer.addLayout(body)
        outer.addWidget(self.error)
        self.list.currentRowChanged.connect(self._row_changed)
        self.add_button.clicked.connect(lambda: self.apply(new=True))
        self.change_button.clicked.connect(lambda: self.apply(new=False))
        self.delete_button.clicked.connect(self.delete_current)
        undo_stack.indexChanged.connect(self._stack_moved)  # a bound slot: gone with the dialog

    def set_label(self, label: str | None) -> None:
        self.label = label
        self.setEnabled(label is not None)
        self._reload()

    def _stack_moved(self, _index: int = 0) -> None:
        try:
            self._reload()
        except sqlite3.ProgrammingError:
            pass  # the project was closed first

    def _reload(self, select: str | None = None) -> None:
        row = max(self.list.currentRow(), 0)
        self.defs = self.project.attribute_defs(self.label) if self.label else []
        names = [a.name for a in self.defs]
        if select in names:
            row = names.index(select)
        self.list.blockSignals(True)
        self.list.clear()
        for attribute in self.defs:
            detail = ", ".join(attribute.choices) if attribute.kind == "choice" else attribute.kind
            self.list.addItem(f"{attribute.name}: {detail}")
        self.list.setCurrentRow(min(row, len(self.defs) - 1))
        self.list.blockSignals(False)
        self._row_changed(self.list.currentRow())

    def _row_changed(self, row: int) -> None:
        attribute = self.defs[row] if 0 <= row < len(self.defs) else None
        self.change_button.setEnabled(attribute is not None)
        self.delete_button.setEnabled(attribute is not None)
        if attribute is None:
            return
        self.name_edit.setText(attribute.name)
        self.kind_combo.setCurrentText(attribute.kind)
        self.choices_edit.setText(", ".join(attribute.choices))
        self.hotkeys_edit.setText(" ".join(key or "-" for key in attribute.hotkeys))
        self.default_edit.setText(show_value(attribute.default))

    def form_attribute(self) -> AttributeDef:
        kind = self.kind_combo.currentText()
        choices = tuple(c.strip() for c in self.choices_edit.text().split(",") if c.strip()) if kind == "choice" else ()
        hotkeys = tuple("" if k == "-" else k for k in self.hotkeys_edit.text().split()) if kind == "choice" else ()
        draft = AttributeDef(self.label or "", self.name_edit.text().strip(), kind, choices, None, hotkeys)
        default = self.default_edit.text().strip()
        return AttributeDef(draft.label, draft.name, kind, choices, parse_value(draft, default) if default else None,
                            hotkeys)

    def apply(self, *, new: bool) -> None:
        if self.label is None:
            return
        row = self.list.currentRow()
        replacing = None if new or not 0 <= row < len(self.defs) else self.defs[row].name
        self._push(DefineAttributeCommand(self.project, self.form_attribute(), replacing))

    def delete_current(self) -> None:
        row = self.list.currentRow()
        if self.label is not None and 0 <= row < len(self.defs):
            self._push(DeleteAttributeCommand(self.project, self.label, self.defs[row].name))

    def _push(self, command: LabelCommand) -> None:
        self.undo_stack.push(command)
        self.error.setText(command.error or "")
        self.error.setVisible(bool(command.error))
        self._reload(select=getattr(command, "stored", None) and command.stored.name)
