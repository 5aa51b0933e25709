"""The document list: a lazy model (ids first, rows fetched in pages) and its panel.

Opening a project reads only the document ids; titles, statuses and span counts
are fetched with ``Project.document_rows`` a page at a time when a row is first
shown, and cached. A project of 100,000 documents opens at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QTableView, QVBoxLayout, QWidget)

from annotator.store import Project

PAGE = 200
STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done", "skipped": "skipped"}
STATUS_COLOR = {"new": "#777777", "in_progress": "#0072b2", "done": "#009e73", "skipped": "#d55e00"}
FILTERS = (("All documents", None), ("Unfinished", ("new", "in_progress")), ("New", ("new",)),
           ("In progress", ("in_progress",)), ("Done", ("done",)), ("Skipped", ("skipped",)))
UNFINISHED = ("new", "in_progress")
COLUMNS = ("Title", "Status", "Spans", "Review")
REVIEW_COLUMN = 3  # shown in review mode only
REVIEW_TEXT = {"unreviewed": "unreviewed", "in_review": "in review", "reviewed": "reviewed"}
REVIEW_COLOR = {"unreviewed": "#777777", "in_review": "#e69f00", "reviewed": "#009e73"}


class DocumentListModel(QAbstractTableModel):
    def __init__(self, project: Project, annotator: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.project = project
        self.annotator = annotator
        self.ids: list[int] = []
        self._rows: dict[int, dict[str, Any]] = {}
        self._position: dict[int, int] = {}
        self._stale: set[int] = set()  # rows to re-read on the next event-loop turn (or when read)
        self._stale_timer = QTimer(self, singleShot=True, interval=0)
        self._stale_timer.timeout.connect(self.refresh_stale)

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self.ids = ids
        self._position = {doc_id: row for row, doc_id in enumerate(ids)}
        self._rows.clear()
        self.endResetModel()

    def set_annotator(self, annotator: str) -> None:
        self.beginResetModel()
        self.annotator = annotator
        self._rows.clear()
        self.endResetModel()

    def row_of(self, doc_id: int) -> int | None:
        return self._position.get(doc_id)

    def doc_row(self, row: int) -> dict[str, Any]:
        """Title, status and span count of the document in ``row`` (fetched with its page)."""
        doc_id = self.ids[row]
        if doc_id in self._stale:
            self.refresh_stale()
        cached = self._rows.get(doc_id)
        if cached is None:
            first = row - row % PAGE
            if len(self._rows) > 50 * PAGE:
                self._rows.clear()
            for fetched in self.project.document_rows(self.ids[first : first + PAGE], self.annotator):
                self._rows[fetched["id"]] = fetched
            cached = self._rows.get(doc_id, {"id": doc_id, "title": "", "status": "new", "spans": 0})
        return cached

    def refresh(self, doc_id: int) -> None:
        """Re-read one document's row (after its status or spans changed)."""
        row = self.row_of(doc_id)
        if row is None:
            return
        fresh = self.project.document_rows([doc_id], self.annotator)
        if fresh:
            self._rows[doc_id] = fresh[0]
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def refresh_later(self, doc_id: int) -> None:
        """Re-read a row on the next event-loop turn: one query for a burst of edits,
        none on the edit's own path (counting a document's spans reads its index)."""
        self._stale.add(doc_id)
        self._stale_timer.start()

    def refresh_stale(self) -> None:
        self._stale_timer.stop()
        stale = [doc_id for doc_id in self._stale if doc_id in self._position]
        self._stale.clear()
        for fresh in self.project.document_rows(stale, self.annotator):
            self._rows[fresh["id"]] = fresh
            row = self._position[fresh["id"]]
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # --------------------------------------------------------- Qt model API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.ids)

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
        if role == Qt.ItemDataRole.UserRole:
            return self.ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.doc_row(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.ForegroundRole and column == REVIEW_COLUMN:
            return QColor(REVIEW_COLOR.get(row.get("review", "unreviewed"), "#777777"))
        if column == REVIEW_COLUMN:
            return REVIEW_TEXT.get(row.get("review", "unreviewed"), row.get("review"))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(STATUS_COLOR[row["status"]]) if column == 1 else None
        if column == 0:
            return row["title"] or f"Document {row['id']}"
        if column == 1:
            return STATUS_TEXT.get(row["status"], row["status"])
        return row["spans"]


class DocumentListPanel(QWidget):
    """Search box, status filter, progress line and the list itself."""

    documentActivated = Signal(int)  # doc id chosen by click or Enter

    def __init__(self, project: Project, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.model = DocumentListModel(project, annotator, self)
        self.search = QLineEdit(placeholderText="Search words in documents…", clearButtonEnabled=True)
        self.search.setObjectName("documentSearch")
        self.filter = QComboBox()
        self.filter.setObjectName("statusFilter")
        for text, statuses in FILTERS:
            self.filter.addItem(text, statuses)
        self.progress = QLabel()
        self.progress.setObjectName("progress")
        self.view = QTableView()  # not QTreeView: that lays out all rows (100,000) on every reset
        self.view.setObjectName("documentList")
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        rows = self.view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 80)
        header.resizeSection(2, 50)
        header.setSectionResizeMode(REVIEW_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(REVIEW_COLUMN, 80)
        self.view.setColumnHidden(REVIEW_COLUMN, True)
        self.order: Callable[[list[int]], list[int]] | None = None  # e.g. least agreement first
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.apply_filter)
        self.filter.currentIndexChanged.connect(self.apply_filter)
        self.view.activated.connect(self._activated)
        self.view.clicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        row.addWidget(self.filter)
        row.addWidget(self.progress, 1, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.search)
        layout.addLayout(row)
        layout.addWidget(self.view)  # the owner calls set_project, which fills the list once

    def set_project(self, project: Project, annotator: str) -> None:
        self.project = project
        self.model.project = project
        self.model.annotator = annotator
        self.apply_filter()

    def set_annotator(self, annotator: str) -> None:
        self.model.set_annotator(annotator)
        self.apply_filter()

    def apply_filter(self) -> None:
        """Show the documents matching both the search words and the status filter."""
        self._debounce.stop()
        query = self.search.text().strip()
        statuses = self.filter.currentData()
        ids = self.project.search_document_ids(query) if query else None
        if statuses is not None:
            wanted = self.project.document_ids_with_status(self.model.annotator, statuses)
            ids = wanted if ids is None else sorted(set(ids) & set(wanted))
        ids = ids if ids is not None else self.project.document_ids()
        self.model.set_ids(self.order(ids) if self.order is not None else ids)
        self.update_progress()

    def set_review_columns(self, on: bool) -> None:
        """Show each document's review status (review mode) or hide it."""
        self.view.setColumnHidden(REVIEW_COLUMN, not on)

    def update_progress(self) -> None:
        total = self.project.document_count()
        done = len(self.project.document_ids_with_status(self.model.annotator, ("done",)))
        shown = len(self.model.ids)
        text = f"{done} of {total} done"
        self.progress.setText(text if shown == total else f"{text} · {shown} shown")

    def refresh(self, doc_id: int) -> None:
        self.model.refresh(doc_id)
        self.update_progress()

    def status_changed(self, doc_id: int, shown: int | None) -> None:
        """A document's status changed: re-read its row, or filter again when the list is filtered
        by status (a document marked done leaves "Unfinished"); ``shown`` stays selected if listed."""
        if self.filter.currentData() is None:
            self.refresh(doc_id)
            return
        self.apply_filter()
        if shown is not None:
            self.select(shown)

    def select(self, doc_id: int) -> None:
        row = self.model.row_of(doc_id)
        if row is None:
            self.view.clearSelection()
            return
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def _activated(self, index: QModelIndex) -> None:
        self.documentActivated.emit(self.model.ids[index.row()])

    # ----------------------------------------------------------- navigation
    def neighbour(self, doc_id: int | None, step: int) -> int | None:
        """The document ``step`` rows away in the list, or None at either end."""
        if not self.model.ids:
            return None
        row = self.model.row_of(doc_id) if doc_id is not None else None
        if row is None:
            return self.model.ids[0 if step > 0 else -1]
        target = row + step
        return self.model.ids[target] if 0 <= target < len(self.model.ids) else None

    def next_unfinished(self, doc_id: int | None) -> int | None:
        """The next document in list order (wrapping) that is new or in progress."""
        ids = self.model.ids
        if not ids:
            return None
        start = (self.model.row_of(doc_id) if doc_id is not None else -1)
        start = -1 if start is None else start
        for step in range(1, len(ids) + 1):
            row = (start + step) % len(ids)
            if ids[row] != doc_id and self.model.doc_row(row)["status"] in UNFINISHED:
                return ids[row]
        return None
