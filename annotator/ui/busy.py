"""Saying "wait": a busy cursor for work that can take over 300 ms.

Accepting 16,000 agreed spans, its undo and redo, entering review mode on a long
report and merging a colleague's file can each take longer than a key press
should; the cursor says the window is working rather than frozen. Work that
can go on past two seconds also shows its progress: in the status bar when it
cannot be stopped halfway (merging a colleague's file, one transaction:
``busy_progress``), in a dialog with a Cancel button when stopping it leaves
nothing half-written (reading a JSONL file into a merge's scratch project:
``DialogProgress``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QStatusBar, QWidget


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

    def __init__(self, status_bar: QStatusBar, text: str, after: float | None = None) -> None:
        self.status_bar = status_bar
        self.text = text
        self.after = PROGRESS_AFTER_SECONDS if after is None else after
        self.started = time.monotonic()
        self.painted = 0.0
        self.bar: QProgressBar | None = None
        self.shown: list[tuple[int, int]] = []  # (done, total) of each repaint, for tests and observers

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < self.after or (now - self.painted < REPAINT_SECONDS and done < total):
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
def busy_progress(status_bar: QStatusBar, text: str, after: float | None = None) -> Iterator[StatusProgress]:
    """The busy cursor while inside, and a ``StatusProgress`` to call per batch (see there)."""
    progress = StatusProgress(status_bar, text, after)
    with busy_cursor():
        try:
            yield progress
        finally:
            progress.close()


class DialogProgress:
    """A window-modal progress dialog with a Cancel button, for work that a cancel leaves with nothing
    half-written, once that work has gone on past ``after`` seconds (default ``PROGRESS_AFTER_SECONDS``).

    Call it with ``(done, total)`` every batch; ask ``cancelled()`` between batches. Until the dialog
    shows, nothing but the busy cursor is seen and no event is processed; once it shows, events are
    processed at most every ``REPAINT_SECONDS`` (the dialog is window-modal: only its Cancel button
    takes input). The dialog goes when ``done`` reaches ``total`` (or at ``close()``).
    """

    def __init__(self, parent: QWidget, title: str, text: str, after: float | None = None) -> None:
        self.parent, self.title, self.text = parent, title, text
        self.after = PROGRESS_AFTER_SECONDS if after is None else after
        self.started = time.monotonic()
        self.painted = 0.0
        self.dialog: QProgressDialog | None = None
        self.shown: list[tuple[int, int]] = []  # (done, total) of each repaint, for tests and observers
        self.was_cancelled = False

    def __call__(self, done: int, total: int) -> None:
        if done >= total and total:
            self.close()
            return
        now = time.monotonic()
        if now - self.started < self.after or now - self.painted < REPAINT_SECONDS:
            return
        if self.dialog is None:
            self.dialog = QProgressDialog(self.text, "Cancel", 0, max(total, 1), self.parent, objectName="mergeReading")
            self.dialog.setWindowTitle(self.title)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(0)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.show()
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(done)
        self.shown.append((done, total))
        QCoreApplication.processEvents()
        self.painted = time.monotonic()

    def cancelled(self) -> bool:
        self.was_cancelled |= self.dialog is not None and self.dialog.wasCanceled()
        return self.was_cancelled

    def close(self) -> None:
        if self.dialog is not None:
            self.cancelled()
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
