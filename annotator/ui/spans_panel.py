"""The spans of the current document in text order: text, label, annotator, note."""

from __future__ import annotations

import bisect
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from annotator.core.intervals import text_order
from annotator.core.model import Span

COLUMNS = ("Text", "Label", "Annotator", "Note")


class SpanListModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.spans: list[Span] = []
        self._keys: list[tuple[int, int, int]] = []
        self.colors: dict[str, str] = {}

    def set_spans(self, text: str, spans: list[Span]) -> None:
        self.beginResetModel()
        self.text = text
        self.spans = sorted(spans, key=text_order)
        self._keys = [text_order(s) for s in self.spans]
        self.endResetModel()

    def row_of(self, span_id: int) -> int | None:
        return next((row for row, span in enumerate(self.spans) if span.id == span_id), None)

    def add(self, span: Span) -> None:
        key = text_order(span)
        row = bisect.bisect_left(self._keys, key)
        self.beginInsertRows(QModelIndex(), row, row)
        self.spans.insert(row, span)
        self._keys.insert(row, key)
        self.endInsertRows()

    def remove(self, span_id: int) -> None:
        row = self.row_of(span_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.spans[row]
        del self._keys[row]
        self.endRemoveRows()

    def replace(self, span: Span) -> None:
        row = self.row_of(span.id)
        if row is None:
            return
        self.spans[row] = span
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.spans)

    def hasChildren(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid()  # a flat list: spares the view a rowCount call per row

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        span = self.spans[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return span.id
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 1:
            return QColor(self.colors.get(span.label, "#999999"))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            words = " ".join(self.text[span.start : span.end].split())
            return (words if role == Qt.ItemDataRole.ToolTipRole or len(words) <= 80 else words[:77] + "…",
                    span.label, span.annotator, span.note or "")[index.column()]
        return None


class SpansPanel(QTableView):
    """A table, not a tree: QTreeView lays out every row again after each insert (~40 ms at 10k)."""

    spanSelected = Signal(int)  # span id chosen in the list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spansPanel")
        self.model_ = SpanListModel(self)
        self.setModel(self.model_)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)  # the note column takes what is left
        for column, width in enumerate((190, 64, 70)):
            header.resizeSection(column, width)
        self._quiet = False
        self.selectionModel().currentRowChanged.connect(self._current_changed)

    def select_span(self, span_id: int | None) -> None:
        """Follow the text view's selection without echoing it back."""
        self._quiet = True
        try:
            row = self.model_.row_of(span_id) if span_id is not None else None
            if row is None:
                self.selectionModel().clear()
            else:
                index = self.model_.index(row, 0)
                self.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
                self.scrollTo(index)
        finally:
            self._quiet = False

    def selected_span_id(self) -> int | None:
        index = self.currentIndex()
        return self.model_.spans[index.row()].id if index.isValid() and self.selectionModel().hasSelection() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._quiet and current.isValid():
            self.spanSelected.emit(self.model_.spans[current.row()].id)
