"""Saying "wait": a busy cursor for work that can take over 300 ms, a progress dialog past 2 s.

Accepting 16,000 agreed spans, its undo and redo, entering review mode on a long
report and merging a colleague's file can each take longer than a key press
should; the cursor says the window is working rather than frozen.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

PROGRESS_AFTER_MS = 2000  # a progress dialog appears only once the work has taken this long


@contextmanager
def busy_cursor() -> Iterator[None]:
    """The wait cursor while inside (nested uses stack, as Qt's override cursors do)."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


@contextmanager
def progress_steps(parent: QWidget, title: str, total: int) -> Iterator[QProgressDialog]:
    """A window-modal progress dialog over ``total`` steps, shown only if they take over 2 s, with the
    busy cursor; call ``setValue`` and ``setLabelText`` per step. Closed and deleted on leaving."""
    dialog = QProgressDialog(title, "", 0, max(total, 1), parent)
    dialog.setObjectName("progressSteps")
    dialog.setWindowTitle(title)
    dialog.setCancelButton(None)  # a step is one transaction: it cannot stop halfway
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(PROGRESS_AFTER_MS)
    try:
        with busy_cursor():
            dialog.setValue(0)
            yield dialog
            QApplication.processEvents()
    finally:
        dialog.close()
        dialog.deleteLater()
