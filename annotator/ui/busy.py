"""Saying "wait": a busy cursor for work that can take over 300 ms.

Accepting 16,000 agreed spans, its undo and redo, entering review mode on a long
report and merging a colleague's file can each take longer than a key press
should; the cursor says the window is working rather than frozen. Work that
can go on past two seconds (merging a large colleague's file) also shows a
progress bar in the status bar (``busy_progress``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QProgressBar, QStatusBar


@contextmanager
def busy_cursor() -> Iterator[None]:
    """The wait cursor while inside (nested uses stack, as Qt's override cursors do)."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


PROGRESS_AFTER_SECONDS = 2.0  # work still going after this long shows a progress bar (before: the busy cursor)
REPAINT_SECONDS = 0.25  # the bar is repainted (events processed) at most this often


class StatusProgress:
    """A progress bar in the window's status bar for work that goes on past ``PROGRESS_AFTER_SECONDS``.

    Call it with ``(done, total)`` once per batch of the work. Until the work has taken
    ``PROGRESS_AFTER_SECONDS`` nothing shows but the busy cursor; then the bar appears, and
    at most every ``REPAINT_SECONDS`` the pending paint and timer events are processed so it
    moves. Input events are not processed: the user cannot start another edit in the middle
    of the transaction. It is not modal, so never run it inside another dialog's action.
    """

    def __init__(self, status_bar: QStatusBar, text: str) -> None:
        self.status_bar = status_bar
        self.text = text
        self.started = time.monotonic()
        self.painted = 0.0
        self.bar: QProgressBar | None = None
        self.shown: list[tuple[int, int]] = []  # (done, total) of each repaint, for tests and observers

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < PROGRESS_AFTER_SECONDS or (now - self.painted < REPAINT_SECONDS and done < total):
            return
        if self.bar is None:
            self.bar = QProgressBar(objectName="statusProgress")
            self.bar.setMaximumWidth(260)
            self.status_bar.addPermanentWidget(self.bar)
            self.bar.show()
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.bar.setFormat(f"{self.text} %p%")
        self.shown.append((done, total))
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        self.painted = time.monotonic()

    def close(self) -> None:
        if self.bar is not None:
            self.status_bar.removeWidget(self.bar)
            self.bar.deleteLater()
            self.bar = None


@contextmanager
def busy_progress(status_bar: QStatusBar, text: str) -> Iterator[StatusProgress]:
    """The busy cursor while inside, and a ``StatusProgress`` to call per batch (see there)."""
    progress = StatusProgress(status_bar, text)
    with busy_cursor():
        try:
            yield progress
        finally:
            progress.close()
