"""The document list: a lazy model (ids first, rows fetched in pages) and its panel.

Opening a project reads only the document ids, as a ``range`` when they have no gaps;
titles, statuses and span counts are fetched with ``Project.document_rows`` a page at a
time when a row is first shown, and cached; an added or removed span adjusts its row's
count from the change notice. A project of 100,000 documents opens at once.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QTableView, QVBoxLayout, QWidget)

from annotator.core.model import Span
from annotator.store import Project

PAGE = 200
STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done", "skipped": "skipped"}
STATUS_COLOR = {"new": "#777777", "in_progress": "#0072b2", "done": "#009e73", "skipped": "#d55e00"}
FILTERS = (("All documents", None), ("Unfinished", ("new", "in_progress")), ("New", ("new",)),
           ("In progress", ("in_progress",)), ("Done", ("done",)), ("Skipped", ("skipped",)))
FINISHED = ("done", "skipped")
COLUMNS = ("Title", "Status", "Spans", "Review")
SPANS_COLUMN = 2
REVIEW_COLUMN = 3  # shown in review mode only
REVIEW_TEXT = {"unreviewed": "unreviewed", "in_review": "in review", "reviewed": "reviewed"}
REVIEW_COLOR = {"unreviewed": "#777777", "in_review": "#e69f00", "reviewed": "#009e73"}


class ListedIds(Sequence[int]):
    """The ids a list shows, in its order, held compactly: a ``range`` for a whole project.

    Rows are found without a dict over every id (building one for 100,000 documents takes
    longer than the rest of opening the window): by bisection when the ids ascend, through a
    dict built on first need otherwise (e.g. sorted by agreement).
    """

    def __init__(self, ids: Sequence[int] = (), *, ascending: bool = True) -> None:
        self._ids = ids
        self._ascending = ascending
        self._rows: dict[int, int] | None = None

    def row_of(self, doc_id: int) -> int | None:
        if self._ascending:
            row = bisect_left(self._ids, doc_id)
            return row if row < len(self._ids) and self._ids[row] == doc_id else None
        if self._rows is None:
            self._rows = {listed: row for row, listed in enumerate(self._ids)}
        return self._rows.get(doc_id)

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, item: Any) -> Any:
        return self._ids[item]

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, int) and self.row_of(doc_id) is not None

    def __eq__(self, other: object) -> bool:  # equal to any sequence of the same ids: ``ids == [1, 2, 3]``
        other = other._ids if isinstance(other, ListedIds) else other
        return isinstance(other, Sequence) and len(other) == len(self._ids) and all(
            mine == theirs for mine, theirs in zip(self._ids, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ListedIds({self._ids!r})"


class DocumentListModel(QAbstractTableModel):
    def __init__(self, project: Project, annotator: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.project = project
        self.annotator = annotator
        self.ids = ListedIds()
        self._rows: dict[int, dict[str, Any]] = {}

    def set_ids(self, ids: Sequence[int], *, ascending: bool = True) -> None:
        self.beginResetModel()
        self.ids = ListedIds(ids, ascending=ascending)
        self._rows.clear()
        self.endResetModel()

    def set_annotator(self, annotator: str) -> None:
        self.beginResetModel()
        self.annotator = annotator
        self._rows.clear()
        self.endResetModel()

    def row_of(self, doc_id: int) -> int | None:
        return self.ids.row_of(doc_id)

    def doc_row(self, row: int) -> dict[str, Any]:
        """Title, status and span count of the document in ``row`` (fetched with its page)."""
        doc_id = self.ids[row]
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
        """Re-read one document's row (after its status changed)."""
        row = self.row_of(doc_id)
        if row is None:
            return
        fresh = self.project.document_rows([doc_id], self.annotator)
        if fresh:
            self._rows[doc_id] = fresh[0]
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def count_span(self, span: Span, change: int) -> None:
        """``span`` was just added (+1) or removed (-1): adjust its document's count, with no query
        (counting a document's spans reads its index: ~0.5 ms for 10,000). A row not read yet is
        read when shown, with the change in it; so this must run before anything reads rows."""
        cached = self._rows.get(span.doc_id)
        if span.annotator != self.annotator or cached is None:
            return
        cached["spans"] += change
        row = self.row_of(span.doc_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, SPANS_COLUMN), self.index(row, SPANS_COLUMN))

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


class DocumentTable(QTableView):
    """Rows of documents: Home and End go to the first and last document (a table's own Home and
    End move between the columns of one row)."""

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:  # noqa: N802
        if action in (QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd):
            modifiers = modifiers | Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(action, modifiers)


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
        self.view = DocumentTable()  # not QTreeView: that lays out all rows (100,000) on every reset
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
        self._choice_orders: dict[int, Callable[[list[int]], list[int]]] = {}  # drop-down row -> its order
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

    def add_ordered_choice(self, text: str, statuses: tuple[str, ...] | None,
                           order: Callable[[list[int]], list[int]]) -> int:
        """A choice of the status drop-down that also orders what it lists (e.g. "Least sure first":
        unfinished documents, those the model is least sure of first); returns its row."""
        self.filter.addItem(text, statuses)
        row = self.filter.count() - 1
        self._choice_orders[row] = order
        return row

    def chosen_order(self) -> Callable[[list[int]], list[int]] | None:
        """The order of the drop-down's choice, else the one a mode set (``order``), else None (by id)."""
        return self._choice_orders.get(self.filter.currentIndex(), self.order)

    def apply_filter(self) -> None:
        """Show the documents matching both the search words and the status filter, in the chosen order."""
        self._debounce.stop()
        query = self.search.text().strip()
        statuses = self.filter.currentData()
        ids: Sequence[int] | None = self.project.search_document_ids(query) if query else None
        if statuses is not None:
            wanted = self.project.document_ids_with_status(self.model.annotator, statuses)
            ids = wanted if ids is None else sorted(set(ids) & set(wanted))
        ids = ids if ids is not None else self.project.all_document_ids()
        order = self.chosen_order()
        if order is None:
            self.model.set_ids(ids)
        else:
            self.model.set_ids(order(list(ids)), ascending=False)
        self.update_progress()

    def set_review_columns(self, on: bool) -> None:
        """Show each document's review status (review mode) or hide it."""
        self.view.setColumnHidden(REVIEW_COLUMN, not on)

    def update_progress(self) -> None:
        total = self.project.document_count()
        done = self.project.count_with_status(self.model.annotator, "done")
        shown = len(self.model.ids)
        text = f"{done} of {total} done"
        self.progress.setText(text if shown == total else f"{text} · {shown} shown")

    def refresh(self, doc_id: int) -> None:
        self.model.refresh(doc_id)
        self.update_progress()

    def status_changed(self, doc_id: int, shown: int | None) -> None:
        """A document's status changed: re-read its row, or filter again when that moves it into or
        out of a status filter (a document marked done leaves "Unfinished"); ``shown`` stays selected if listed.

        The first span of a new document makes it "in progress" and leaves it in "Unfinished":
        re-filtering 100,000 ids then would cost each such hotkey 4-10 ms for nothing.
        """
        statuses = self.filter.currentData()
        listed = self.model.row_of(doc_id) is not None
        if statuses is None or (self.project.status(doc_id, self.model.annotator) in statuses) == listed:
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
        """The next document in list order (wrapping) that is new or in progress.

        Reads the ids of the finished documents (status rows only, usually a few), not a row
        per document passed over."""
        ids = self.model.ids
        finished = set(self.project.document_ids_with_status(self.model.annotator, FINISHED))
        row = self.model.row_of(doc_id) if doc_id is not None else None
        after = 0 if row is None else row + 1
        for row in chain(range(after, len(ids)), range(after)):
            if ids[row] != doc_id and ids[row] not in finished:
                return ids[row]
        return None
