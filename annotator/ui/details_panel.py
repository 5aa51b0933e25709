"""Document details: title, source, when it was imported, what the importer recorded, and statuses
(span counts are in the document list).

Shown as a form of plain-text labels, reused from one document to the next: a rich-text table in
one word-wrapped label cost 3-6 ms of layout on every document opened (measured in
``benchmarks/ui_open_document.py``), these rows ~0.2 ms.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QWidget

from annotator.core.model import Document

STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done", "skipped": "skipped"}
NO_DOCUMENT = [("", "No document")]


def details_rows(document: Document, statuses: dict[str, str]) -> list[tuple[str, str]]:
    """(name, value) rows: title, source, import time, length, each annotator's status, the import's meta."""
    rows = [("Title", document.title or f"Document {document.id}"), ("Source", document.source or "—"),
            ("Imported", document.created.replace("T", " ")[:19] or "—"),
            ("Length", f"{len(document.text):,} characters")]
    rows += [(name, STATUS_TEXT.get(status, status)) for name, status in statuses.items()] or [("Status", "new")]
    meta = dict(document.meta)
    headings = meta.pop("headings", None)
    if headings:
        rows.append(("Headings", str(len(headings))))
    rows += [(str(key), _value(value)) for key, value in sorted(meta.items())]
    return rows


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 300 else text[:297] + "..."


class DetailsPanel(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPanel")
        inner = QWidget()
        inner.setObjectName("documentDetails")
        self.form = QFormLayout(inner)
        self.form.setContentsMargins(6, 6, 6, 6)
        self.form.setVerticalSpacing(2)  # as compact as a table's rows
        self.form.setHorizontalSpacing(10)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._rows: list[tuple[QLabel, QLabel]] = []
        self.setWidget(inner)
        self.setWidgetResizable(True)
        self.show_document(None, {})

    def show_document(self, document: Document | None, statuses: dict[str, str]) -> None:
        self.show_rows(details_rows(document, statuses) if document is not None else NO_DOCUMENT)

    def show_rows(self, rows: list[tuple[str, str]]) -> None:
        """Fill the form, reusing its labels (rows past ``rows`` are hidden, not deleted)."""
        while len(self._rows) < len(rows):
            self._rows.append(self._add_row())
        for number, (name_label, value_label) in enumerate(self._rows):
            shown = number < len(rows)
            if shown:
                name, value = rows[number]
                name_label.setText(name)
                value_label.setText(value)
            self.form.setRowVisible(number, shown)

    def _add_row(self) -> tuple[QLabel, QLabel]:
        name, value = QLabel(), QLabel()
        name.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        value.setWordWrap(True)
        for label in (name, value):
            label.setTextFormat(Qt.TextFormat.PlainText)  # a title or meta value is never markup
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow(name, value)
        return name, value

    def text(self) -> str:
        """What the panel shows, one ``name: value`` line per row (for tests and copying)."""
        return "\n".join(f"{name.text()}: {value.text()}" if name.text() else value.text()
                         for number, (name, value) in enumerate(self._rows) if self.form.isRowVisible(number))
