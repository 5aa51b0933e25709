"""Find in this document: a bar over the text; every hit is painted, F3 / Shift+F3 step through them.

Hits are found in the stored text (code points, case-insensitive), never read back from the
widget. The current hit is selected in the text, so a label's key labels it at once.
"""

from __future__ import annotations

import bisect
import re

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from annotator.ui.text_view import SpanTextView


class FindBar(QWidget):
    def __init__(self, view: SpanTextView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.view = view
        self.hits: list[tuple[int, int]] = []
        self.current: int | None = None
        self.edit = QLineEdit(placeholderText="Find in this document (Enter: next, Shift+Enter: previous, Esc: close)",
                              clearButtonEnabled=True)
        self.edit.setObjectName("findInDocument")
        self.count = QLabel()
        self.count.setObjectName("findCount")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count)
        for text, tip, step in (("▲", "Previous (Shift+F3)", -1), ("▼", "Next (F3)", 1)):
            button = QToolButton(text=text, toolTip=tip, autoRaise=True)
            button.clicked.connect(lambda _=False, step=step: self.step(step))
            layout.addWidget(button)
        close = QToolButton(text="✕", toolTip="Close (Esc)", autoRaise=True)
        close.clicked.connect(self.close_bar)
        layout.addWidget(close)
        self.edit.textChanged.connect(self.search)
        self.edit.installEventFilter(self)
        self.hide()

    def open_bar(self) -> None:
        """Show the bar with the words selected in the text (if any) and focus it."""
        self.show()
        selection = self.view.selection()
        if selection is not None and 0 < selection[1] - selection[0] <= 100:
            self.edit.setText(self.view.text[selection[0] : selection[1]])
        self.edit.setFocus()
        self.edit.selectAll()
        self.search()

    def close_bar(self) -> None:
        self.hide()
        self.view.set_hits([], None)
        self.view.setFocus()

    def search(self) -> None:
        """Find every hit of the query; the current one is the first at or after the cursor."""
        query = self.edit.text()
        text = self.view.text
        self.hits = [m.span() for m in re.finditer(re.escape(query), text, re.IGNORECASE)] if query else []
        if self.hits:
            here = self.view.selection()
            start = here[0] if here is not None else self.view.cursor_offset()
            self.current = bisect.bisect_left(self.hits, (start, 0)) % len(self.hits)
        else:
            self.current = None
        self._show()

    def step(self, step: int) -> None:
        """Next (1) or previous (-1) hit, wrapping around; opens the bar if it is closed."""
        if not self.isVisible():
            self.open_bar()
            return
        if not self.hits:
            return
        self.current = 0 if self.current is None else (self.current + step) % len(self.hits)
        self._show()

    def _show(self) -> None:
        self.view.set_hits(self.hits, self.current)
        query = self.edit.text()
        if not self.hits:
            self.count.setText("no match" if query else "")
            return
        self.count.setText(f"{self.current + 1} of {len(self.hits)}")
        start, end = self.hits[self.current]
        self.view.show_range(start, end)
        self.view.select_range(start, end)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802, ANN001 (Qt's name)
        keys = (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if (watched is self.edit and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.ShortcutOverride
                and event.key() in keys):
            event.accept()  # these keys are the bar's, not the window's (Esc clears the span selection there)
            return True
        if watched is self.edit and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.step(-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1)
                return True
        return super().eventFilter(watched, event)
