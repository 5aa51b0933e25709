"""Attributes in the window: the Attributes dock (the selected span's editor and a filter for the
spans list), the Edit > Edit attributes action (`;`), and the spans list's attribute columns.

Nothing here runs while a document opens but one query for the spans list's attribute
columns (``Project.document_attributes``); the editor reads the selected span's values only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from annotator.core.attributes import AttributeDef, show_value
from annotator.ui.attribute_commands import AttributeNotifier, SetAttributeCommand
from annotator.ui.attribute_editor import AttributeEditor

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

EDIT_ATTRIBUTES_KEY = ";"
_ANY, _NONE = object(), object()


class AttributeFilter(QWidget):
    """Show only the spans whose attribute has a value (or any value, or none): hides the other rows."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.combo = QComboBox()
        self.combo.setObjectName("attributeFilter")
        self.combo.setAccessibleName("Filter spans by attribute")
        label = QLabel("&Filter spans:")
        label.setBuddy(self.combo)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 0, 6, 4)
        row.addWidget(label)
        row.addWidget(self.combo, 1)
        self.combo.currentIndexChanged.connect(lambda _: self.apply())
        self._filtered = False  # some row was hidden by the last apply (opening a document with no filter
        # then costs nothing: asking 10,000 rows whether they are hidden took ~5 ms of every open)
        model = window.spans_panel.model_
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged):
            signal.connect(lambda *_: self.apply())

    def set_attributes(self, defs: list[AttributeDef]) -> None:
        wanted = self.combo.currentText()
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem("all spans", None)
        for attribute in defs:
            for value in attribute.values():
                self.combo.addItem(f"{attribute.label} {attribute.name} = {show_value(value)}",
                                   (attribute.label, attribute.name, value))
            self.combo.addItem(f"{attribute.label} {attribute.name}: any value", (attribute.label, attribute.name, _ANY))
            self.combo.addItem(f"{attribute.label} {attribute.name}: no value", (attribute.label, attribute.name, _NONE))
        self.combo.setCurrentIndex(max(self.combo.findText(wanted), 0))
        self.combo.blockSignals(False)
        self.apply()

    def choose(self, text: str) -> None:
        self.combo.setCurrentIndex(self.combo.findText(text))

    def apply(self) -> None:
        panel = self.window.spans_panel
        model = panel.model_
        wanted = self.combo.currentData()
        if wanted is None:
            if self._filtered:
                for row in range(model.rowCount()):
                    panel.setRowHidden(row, False)
                self._filtered = False
            return
        self._filtered = True
        label, name, value = wanted
        labels, ids = model.spans.column("label"), model.spans.ids
        for row in range(model.rowCount()):
            held = model.attribute_values.get(ids[row], {}).get(name)
            if labels[row] != label:
                shown = False
            elif value is _ANY:
                shown = held is not None
            elif value is _NONE:
                shown = held is None
            else:
                shown = held == value and type(held) is type(value)
            panel.setRowHidden(row, not shown)


class AttributeControls(QObject):
    """Wires the editor, the filter and the spans list's columns to the window and the project."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.notifier = AttributeNotifier(self)
        self.editor = AttributeEditor()
        self.filter = AttributeFilter(window)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)
        layout.addWidget(self.filter)
        layout.addStretch(1)
        self.dock = window.add_dock("Attributes", body, Qt.DockWidgetArea.RightDockWidgetArea)
        window.splitDockWidget(window.spans_dock, self.dock, Qt.Orientation.Vertical)
        self.action = self._action()
        self.editor.valuePicked.connect(self.set_value)
        self.editor.finished.connect(window.focus_text)
        self.notifier.valuesChanged.connect(self._values_changed)
        window.text_view.currentSpanChanged.connect(lambda _id: self.show_current())
        window.documentOpened.connect(lambda _doc: self.show_current())
        window.spans_panel.model_.modelReset.connect(self.load_document_values)
        window.notifier.spanAdded.connect(lambda span: self._values_changed(span.id))
        window.notifier.spanUpdated.connect(lambda _old, new: self._values_changed(new.id))
        window.notifier.changed.connect(lambda _changes: self.load_document_values())
        window.undo_group.indexChanged.connect(lambda _index: self.reload_definitions())
        self.reload_definitions()

    def _action(self) -> QAction:
        action = QAction("Edit &attributes of the span", self.window)
        action.setObjectName("edit_attributes")
        action.setShortcut(QKeySequence(EDIT_ATTRIBUTES_KEY))
        action.triggered.connect(self.focus_editor)
        menu = self.window.menus["&Edit"]
        menu.insertAction(self.window.actions_by_name["copy_span"], action)
        self.window.addAction(action)
        return action

    # -------------------------------------------------------------- reading
    def reload_definitions(self) -> None:
        """The label schema may have changed (the label dialog, its undo): columns, filter, editor."""
        project = self.window.project
        defs = project.attribute_defs()
        known = {label.name for label in project.labels()}
        defs = [d for d in defs if d.label in known]
        if defs == getattr(self, "_defs", None):
            return
        self._defs = defs
        self.window.spans_panel.model_.set_attribute_names(list(dict.fromkeys(d.name for d in defs)))
        self.filter.set_attributes(defs)
        self.show_current()

    def load_document_values(self) -> None:
        """All attribute values of the shown document, in one query (the spans list's columns, the filter)."""
        model = self.window.spans_panel.model_
        doc_id = self.window.doc_id
        model.attribute_values = self.window.project.document_attributes(doc_id) if doc_id is not None else {}
        if model.attribute_names and model.rowCount():
            model.dataChanged.emit(model.index(0, 0), model.index(model.rowCount() - 1, model.columnCount() - 1))

    def show_current(self) -> None:
        span = self.window.current_span()
        if span is None:
            self.editor.show_span(None, "", [], {})
            return
        defs = [d for d in getattr(self, "_defs", []) if d.label == span.label]
        self.editor.show_span(span.id, span.label, defs, self.window.project.span_attributes(span.id) if defs else {})

    def _values_changed(self, span_id: int) -> None:
        self.window.spans_panel.model_.set_attribute_values(span_id, self.window.project.span_attributes(span_id))
        current = self.window.text_view.current_span_id
        if current == span_id:
            self.show_current()

    # -------------------------------------------------------------- editing
    def focus_editor(self) -> None:
        span = self.window.current_span()
        if span is None:
            self.window.statusBar().showMessage("Select a span (click it, or use [ and ]) to edit its attributes.", 4000)
            return
        self.dock.show()
        self.dock.raise_()
        self.show_current()
        self.editor.setFocus()

    def set_value(self, span_id: int, name: str, value: Any) -> None:
        window = self.window
        window.push(SetAttributeCommand(window.project, window.notifier, self.notifier, span_id, name, value))


def install_attributes(window: MainWindow) -> AttributeControls:
    window.attributes = AttributeControls(window)
    return window.attributes
