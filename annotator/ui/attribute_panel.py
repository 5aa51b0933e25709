"""Attributes in the window: the Attributes dock (the selected span's editor and a filter for the
spans list), the Edit > Edit attributes action (`;`), and the spans list's attribute columns.

Nothing here runs while a document opens: the spans list reads the values of the rows it paints
(one query per paint, on the next event-loop turn), the editor those of the selected span, and only
a filter reads the whole document's (one query).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from annotator.core.attributes import AttributeDef, show_value
from annotator.ui.attribute_commands import AttributeNotifier, SetAttributeCommand
from annotator.ui.attribute_editor import AttributeEditor
from annotator.ui.spans_panel import COLUMNS

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

EDIT_ATTRIBUTES_KEY = ";"
_ANY, _NONE = object(), object()


class AttributeFilter(QWidget):
    """Show only the spans whose attribute has a value (or any value, or none): hides the other rows."""

    def __init__(self, window: MainWindow, read_all: Callable[[], None]) -> None:
        super().__init__()
        self.window = window
        self.read_all = read_all  # the filter needs every row's values
        # Some row was hidden by the last apply: without, opening a document with no filter costs nothing
        # (asking 10,000 rows whether they are hidden took ~5 ms of every open).
        self._hiding = False
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
            if self._hiding:  # only after a filter: costs nothing on every edit and document otherwise
                self._hiding = False
                for row in range(model.rowCount()):
                    panel.setRowHidden(row, False)
            return
        self._hiding = True
        self.read_all()
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
        self.filter = AttributeFilter(window, self.read_document_values)
        self._complete = False  # the model holds every value of the document (a filter asked)
        self._wanted: set[int] = set()
        self._read_timer = QTimer(self, singleShot=True, interval=0)
        self._read_timer.timeout.connect(self._read_wanted)
        window.spans_panel.model_.want_attributes = self._want
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
        # review compares values: a kept comparison is stale once a value changes (spans_marker cannot tell)
        self.notifier.valuesChanged.connect(lambda _span: window.review.comparisons.invalidate())
        window.text_view.currentSpanChanged.connect(lambda _id: self.show_current())
        window.documentOpened.connect(lambda _doc: self.show_current())
        window.spans_panel.model_.modelReset.connect(self._forget_values)
        window.notifier.spanAdded.connect(lambda span: self._values_changed(span.id))
        window.notifier.spanUpdated.connect(lambda _old, new: self._values_changed(new.id))
        window.notifier.changed.connect(lambda _changes: self._forget_values())
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

    def _forget_values(self) -> None:
        """Another document or layer (or many spans changed): values are read again as rows are painted."""
        model = self.window.spans_panel.model_
        model.attribute_values = {}
        self._complete = False
        self._wanted.clear()
        if model.attribute_names and model.rowCount():
            model.dataChanged.emit(model.index(0, len(COLUMNS)), model.index(model.rowCount() - 1, model.columnCount() - 1))

    def _want(self, span_id: int) -> None:
        self._wanted.add(span_id)
        self._read_timer.start()

    def _read_wanted(self) -> None:
        model = self.window.spans_panel.model_
        wanted, self._wanted = self._wanted, set()
        found = self.window.project.spans_attributes(wanted)
        for span_id in wanted:
            model.set_attribute_values(span_id, found.get(span_id, {}))

    def read_document_values(self) -> None:
        """Every attribute value of the shown document, in one query (what a filter needs)."""
        if self._complete or self.window.doc_id is None:
            return
        model = self.window.spans_panel.model_
        model.attribute_values = self.window.project.document_attributes(self.window.doc_id)
        for span_id in model.spans.ids:
            model.attribute_values.setdefault(span_id, {})
        self._complete = True

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
