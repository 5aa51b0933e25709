"""The spans of the current document in text order: text, label, annotator, note, relations, actor, then one column per
attribute name of the project's labels (values set by ``attribute_panel``, read in one query per document)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, QTimer,
                            Signal)
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from annotator.core.attributes import show_value
from annotator.core.model import Span, text_order
from annotator.core.span_rows import SpanRows

COLUMNS = ("Text", "Label", "Annotator", "Note", "Relations", "Actor")
COLUMN_FIELDS = (None, "label", "annotator", "note")  # the Span field each column after the text shows
LABEL_COLUMN, ANNOTATOR_COLUMN, RELATIONS_COLUMN, ACTOR_COLUMN = 1, 2, 4, 5
_ROLES = frozenset((Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole,
                    Qt.ItemDataRole.UserRole))


@functools.cache
def swatch(color: str) -> QIcon:
    """A square of the label's colour, made once: given a QColor, Qt would paint a new pixmap per cell and repaint."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class SpanListModel(QAbstractTableModel):
    """Spans in text order; a row's cells are read from the columns only when the view asks for them."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.spans = SpanRows()
        self.colors: dict[str, str] = {}
        self.attribute_names: list[str] = []  # the columns after COLUMNS
        self.attribute_values: dict[int, dict[str, Any]] = {}  # span id -> values, read for the rows shown
        self.want_attributes: Callable[[int], None] | None = None  # asked for a row whose values are not read yet
        # span id -> its relations ("said_by → Merkel"): anything with get(span_id, default), set by relation_linking
        self.relation_text: Any = {}
        # span id -> the linked actor's name: anything with get(span_id, default), set by actors_panel
        self.actor_text: Any = {}

    def set_relation_text(self, texts: Any) -> None:
        self.relation_text = texts
        if self.rowCount():
            self.dataChanged.emit(self.index(0, RELATIONS_COLUMN), self.index(self.rowCount() - 1, RELATIONS_COLUMN))

    def set_attribute_names(self, names: list[str]) -> None:
        if names != self.attribute_names:
            self.beginResetModel()
            self.attribute_names = list(names)
            self.endResetModel()

    def set_attribute_values(self, span_id: int, values: dict[str, Any]) -> None:
        self.attribute_values[span_id] = values
        row = self.row_of(span_id)
        if row is not None and self.attribute_names:
            self.dataChanged.emit(self.index(row, len(COLUMNS)), self.index(row, self.columnCount() - 1))

    def set_spans(self, text: str, spans: Sequence[Span]) -> None:
        """Show ``spans``: a ``SpanRows`` (as ``SpanTextView.spans()`` gives) is kept, not copied."""
        self.beginResetModel()
        self.text = text
        self.spans = spans if isinstance(spans, SpanRows) else SpanRows(spans)
        self.endResetModel()

    def row_of(self, span_id: int) -> int | None:
        return self.spans.row_of(span_id)

    def add(self, span: Span) -> None:
        if self.spans.has_id(span.id):
            self.remove(span.id)
        row = self.spans.insertion_row(span)
        self.beginInsertRows(QModelIndex(), row, row)
        self.spans.insert(row, span)
        self.endInsertRows()

    def remove(self, span_id: int) -> None:
        row = self.row_of(span_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        self.spans.pop(row)
        self.endRemoveRows()

    def replace(self, span: Span) -> None:
        row = self.row_of(span.id)
        if row is None:
            return
        if text_order(self.spans[row]) != text_order(span):  # moved in text order
            self.remove(span.id)
            self.add(span)
            return
        self.spans.replace(row, span)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.spans)

    def hasChildren(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid()  # a flat list: spares the view a rowCount call per row

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS) + len(self.attribute_names)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if section < len(COLUMNS) else self.attribute_names[section - len(COLUMNS)]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:  # most of the roles a view asks for, per cell and paint: answer fast
            return None
        row = index.row()
        if not 0 <= row < len(self.spans):
            return None
        spans, column = self.spans, index.column()  # cells read from the columns: no Span made per call
        if role == Qt.ItemDataRole.UserRole:
            return spans.ids[row]
        if role == Qt.ItemDataRole.DecorationRole:
            return swatch(self.colors.get(spans.column("label")[row], "#999999")) if column == 1 else None
        if column == 0:
            words = " ".join(self.text[spans.starts[row] : spans.ends[row]].split())
            return words if role == Qt.ItemDataRole.ToolTipRole or len(words) <= 80 else words[:77] + "…"
        if column == RELATIONS_COLUMN:
            return self.relation_text.get(spans.ids[row], "")
        if column == ACTOR_COLUMN:
            return self.actor_text.get(spans.ids[row], "")
        if column >= len(COLUMNS):
            values = self.attribute_values.get(spans.ids[row])
            if values is None and self.want_attributes is not None:
                self.want_attributes(spans.ids[row])  # read with the other rows painted now, in one query
            return show_value(values.get(self.attribute_names[column - len(COLUMNS)])) if values else ""
        return spans.column(COLUMN_FIELDS[column])[row] or ""  # (the tooltip: a whole note or label name)


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
        self.setColumnHidden(ANNOTATOR_COLUMN, True)  # all the same outside review
        # A new document's rows are laid out (scroll bar range, header) before the first paint, not on
        # the next event-loop turn: that turn repainted the whole list and its scroll bar again (~4 ms).
        self.model_.modelReset.connect(self.executeDelayedItemsLayout)
        self._quiet = False
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        # Scrolling to the row a new span got forces the table to lay out its rows at once;
        # on the next event-loop turn it happens with the layout Qt has scheduled anyway.
        self._scroll_target = QPersistentModelIndex()
        self._scroll_timer = QTimer(self, singleShot=True, interval=0)
        self._scroll_timer.timeout.connect(self._scroll_to_target)
        self._release_timer = QTimer(self, singleShot=True, interval=0)
        self._release_timer.timeout.connect(lambda: self.setUpdatesEnabled(True))

    def set_annotator_column(self, on: bool) -> None:
        self.setColumnHidden(ANNOTATOR_COLUMN, not on)

    def fit_labels(self, names: list[str]) -> None:
        """Make the label column wide enough for the longest label name (with its swatch)."""
        widest = max((self.fontMetrics().horizontalAdvance(name) for name in names), default=40)
        self.horizontalHeader().resizeSection(LABEL_COLUMN, widest + 36)

    def hold_repaint(self) -> None:
        """Repaint the list on the next event-loop turn, after the text view.

        A new row shifts every row below it and changes the scroll bars, so the list
        repaints whole (~2-4 ms); the highlight in the text is what the user waits for.
        The model itself is up to date at once.
        """
        if self.updatesEnabled():
            self.setUpdatesEnabled(False)
        self._release_timer.start()

    def select_span(self, span_id: int | None) -> None:
        """Follow the text view's selection without echoing it back."""
        self._quiet = True
        try:
            row = self.model_.row_of(span_id) if span_id is not None else None
            if row is None:
                self.selectionModel().clear()
            else:
                index = self.model_.index(row, 0)
                self.setAutoScroll(False)  # setCurrentIndex would scroll at once
                self.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
                self._scroll_target = QPersistentModelIndex(index)
                self._scroll_timer.start()
        finally:
            self.setAutoScroll(True)
            self._quiet = False

    def _scroll_to_target(self) -> None:
        if self._scroll_target.isValid():
            self.scrollTo(self.model_.index(self._scroll_target.row(), 0))

    def selected_span_id(self) -> int | None:
        index = self.currentIndex()
        return self.model_.spans.ids[index.row()] if index.isValid() and self.selectionModel().hasSelection() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._quiet and current.isValid():
            self.spanSelected.emit(self.model_.spans.ids[current.row()])
