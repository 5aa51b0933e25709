"""Fixtures for the workspace window tests: a real project file, real settings, the real window.

Use with ``from ui_fixtures import *`` in a test module (tests/ is on sys.path).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from annotator.store import Project
from annotator.ui.main_window import MainWindow

SAMPLE_DOCS = Path(__file__).resolve().parent.parent / "sample_docs"

FIRST = "Alice Smith met Bob Jones in Paris.\nThey said: \"the budget is 40 million\".\n"
SECOND = "Second document about the harbour and the fleet."
THIRD = "Third document, with nothing in it."

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def alice_bob_quote(window: MainWindow) -> tuple:
    """Alice Smith, Bob Jones (actors) and the quote "the budget is 40 million" in alice's layer of the
    workspace document, which the window then opens: (alice, bob, quote)."""
    project = window.project
    alice = project.add_span(1, 0, 11, "actor", "alice")
    bob = project.add_span(1, 16, 25, "actor", "alice")
    quote = project.add_span(1, 47, 73, "quote", "alice")
    window.open_document(1)
    return alice, bob, quote


def words_at(text: str, words: str) -> tuple[int, int]:
    """Where ``words`` first occur in ``text``: (start, end) in code points."""
    start = text.index(words)
    return start, start + len(words)


@pytest.fixture
def settings(tmp_path) -> QSettings:
    """Settings in an ini file of the test's own (never the user's)."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def ws_project(tmp_path) -> Project:
    proj = Project.open(tmp_path / "work.db")
    for number, text in enumerate((FIRST, SECOND, THIRD), start=1):
        proj.add_document(text, title=f"doc {number}")
    yield proj
    proj.close()


@pytest.fixture
def main_window(qtbot, ws_project, settings) -> MainWindow:
    """The real window on a three-document project, annotator "alice", shown and focused on the text."""
    return shown_window(qtbot, ws_project, "alice", settings)


def read_spans(path: Path) -> list[tuple]:
    """What the project file holds, read through a fresh connection (not the window's)."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT doc_id, start, [end], label, annotator, note FROM spans ORDER BY doc_id, start, id"
        ).fetchall()


def read_relations(path: Path) -> list[tuple]:
    """(head, tail, label) of every relation in the project file, through a fresh connection."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT head, tail, label FROM relations ORDER BY id").fetchall()


def select_with_keys(qtbot, window: MainWindow, start: int, length: int, *, alt: bool = False) -> None:
    """Put the cursor at ``start`` (code points) and extend it with Shift(+Alt)+Right ``length`` times."""
    view = window.text_view
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_utf16(start))
    view.setTextCursor(cursor)
    mods = Qt.KeyboardModifier.ShiftModifier | (Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier)
    for _ in range(length):
        qtbot.keyClick(view, Qt.Key.Key_Right, mods)


def point_of(window: MainWindow, offset: int) -> QPoint:
    """Viewport point at the middle of the character at ``offset``."""
    view = window.text_view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_utf16(offset))
    left = view.cursorRect(cursor)
    cursor.setPosition(view.offsets.to_utf16(offset + 1))
    right = view.cursorRect(cursor)
    # just left of the middle: a click exactly half-way may put the cursor after the character
    return QPoint((left.left() + right.left() - 1) // 2 if right.top() == left.top() else left.left() + 3,
                  left.center().y())


def drag_select(qtbot, window: MainWindow, start: int, end: int, *, alt: bool = False) -> None:
    """Select with a real mouse drag from the left edge of ``start`` to the left edge of ``end``."""
    view = window.text_view
    mods = Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier

    def edge(offset: int) -> QPoint:
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.offsets.to_utf16(offset))
        rect = view.cursorRect(cursor)
        return QPoint(rect.left() + 1, rect.center().y())

    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, mods, edge(start))
    qtbot.mouseMove(view.viewport(), edge(end))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, mods, edge(end))


def press(qtbot, window: MainWindow, key: str | Qt.Key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press delivered to the focused text view (shortcuts resolve as for a user)."""
    qtbot.keyClick(window.text_view, key, mods)


def when_modal(kind: type[QWidget], act: Callable[[QWidget], None]) -> None:
    """Run ``act`` on the next modal dialog of type ``kind`` once it is open.

    A modal ``exec()`` blocks the test, so a timer polls for the dialog and answers it.
    """
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            act(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def answer_message_box(seen: list[str], button: QMessageBox.StandardButton | str = QMessageBox.StandardButton.Ok) -> None:
    """Click ``button`` (a standard button, or the start of a custom button's text) of the next message
    box; ``seen`` gets its text (and informative text, on a line of its own)."""
    def click(box: QMessageBox) -> None:
        seen.append(f"{box.text()}\n{box.informativeText()}" if box.informativeText() else box.text())
        found = (box.button(button) if not isinstance(button, str)
                 else next(b for b in box.buttons() if b.text().startswith(button)))
        found.click()

    when_modal(QMessageBox, click)


def pick_file_in_dialog(path: Path | list[Path], filters: list[list[str]] | None = None) -> None:
    """Answer the next QFileDialog with ``path`` (or several files of one folder); ``filters`` gets
    its name filters."""
    paths = path if isinstance(path, list) else [path]

    def pick(dialog: QFileDialog) -> None:
        if filters is not None:
            filters.append(dialog.nameFilters())
        dialog.setDirectory(str(paths[0].parent))
        dialog.selectFile(" ".join(f'"{p.name}"' for p in paths) if len(paths) > 1 else str(paths[0]))
        dialog.accept()

    when_modal(QFileDialog, pick)


def shown_window(qtbot, project: Project, who: str, settings: QSettings, doc_id: int | None = None) -> MainWindow:
    """The real window for ``who``, shown and active, focus in the text (on ``doc_id`` when given)."""
    window = MainWindow(project, who, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    if doc_id is not None:
        window.open_document(doc_id)
    window.text_view.setFocus()
    return window


def back_to(qtbot, window: MainWindow) -> None:
    """Once a dialog closed, the window is active again (offscreen, it must be asked)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.text_view.setFocus()


def error_dialog(window: MainWindow) -> QMessageBox | None:
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    boxes += [w for w in window.findChildren(QMessageBox) if w.isVisible() and w not in boxes]
    return boxes[0] if boxes else None


__all__ = ["FIRST", "SECOND", "THIRD", "SAMPLE_DOCS", "settings", "ws_project", "main_window", "read_spans", "read_relations",
           "select_with_keys", "point_of", "drag_select", "press", "error_dialog", "when_modal",
           "answer_message_box", "pick_file_in_dialog", "shown_window", "back_to", "CTRL", "SHIFT"]


def review_panel(qtbot, project: Project, reviewer: str = "rita", doc_id: int = 1):
    """The review dock's panel alone on ``project``, on ``doc_id``, shown, focus in its list; its undo stack
    and change notifier are the test's, as the window owns the window's."""
    from PySide6.QtGui import QUndoStack

    from annotator.ui.commands import ChangeNotifier
    from annotator.ui.review_panel import ReviewPanel

    stack, notifier = QUndoStack(), ChangeNotifier()
    widget = ReviewPanel(project, stack, notifier, reviewer)
    widget._keep = (stack, notifier)
    qtbot.addWidget(widget)
    widget.set_document(doc_id)
    widget.show()
    qtbot.waitExposed(widget)
    widget.list.setFocus()
    return widget
