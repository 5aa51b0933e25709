"""Document details: title, source, when it was imported, what the importer recorded, and statuses
(span counts are in the document list)."""

from __future__ import annotations

import html
import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from annotator.core.model import Document

STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done", "skipped": "skipped"}


def details_html(document: Document, statuses: dict[str, str]) -> str:
    rows = [("Title", document.title or f"Document {document.id}"), ("Source", document.source or "—"),
            ("Imported", document.created.replace("T", " ")[:19] or "—"),
            ("Length", f"{len(document.text):,} characters")]
    rows += [(name, STATUS_TEXT.get(status, status)) for name, status in statuses.items()] or [("Status", "new")]
    meta = dict(document.meta)
    headings = meta.pop("headings", None)
    if headings:
        rows.append(("Headings", str(len(headings))))
    rows += [(str(key), _value(value)) for key, value in sorted(meta.items())]
    cells = "".join(f"<tr><td style='padding-right:10px; color:palette(placeholder-text)'>{html.escape(key)}</td>"
                    f"<td>{html.escape(value)}</td></tr>" for key, value in rows)
    return f"<table>{cells}</table>"


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 300 else text[:297] + "..."


class DetailsPanel(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPanel")
        self.label = QLabel()
        self.label.setObjectName("documentDetails")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setContentsMargins(6, 6, 6, 6)
        self.setWidget(self.label)
        self.setWidgetResizable(True)

    def show_document(self, document: Document | None, statuses: dict[str, str]) -> None:
        self.label.setText(details_html(document, statuses) if document is not None else "No document")
