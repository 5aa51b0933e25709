"""Saying "wait": a busy cursor for work that can take over 300 ms.

Accepting 16,000 agreed spans, its undo and redo, entering review mode on a long
report and merging a colleague's file can each take longer than a key press
should; the cursor says the window is working rather than frozen.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication


@contextmanager
def busy_cursor() -> Iterator[None]:
    """The wait cursor while inside (nested uses stack, as Qt's override cursors do)."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()
