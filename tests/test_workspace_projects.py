"""Opening projects through the real window and at start-up: busy, foreign, newer, corrupt files
are refused with their reason, left byte for byte as they were, and the current project keeps working."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

import annotator.store.project as store_project
from annotator.app import choose_annotator, run
from annotator.store import Project
from export_fixtures import digest
from ui_fixtures import *  # noqa: F403
from ui_fixtures import (
    CTRL, answer_message_box, back_to, error_dialog, pick_file_in_dialog,
    press, read_spans, select_with_keys, when_modal,
)

pytestmark = pytest.mark.gui


def make_project(path: Path, text: str = "Only document of the other project.") -> Path:
    with Project.open(path) as project:
        project.add_document(text, title="other")
    return path


@pytest.fixture
def short_busy_wait(monkeypatch) -> None:
    """Writers wait BUSY_TIMEOUT_S (5 s) for a lock; the same refusal comes sooner in tests."""
    monkeypatch.setattr(store_project, "BUSY_TIMEOUT_S", 0.2)


class Locks:
    """Write locks on project files, held from second connections as another program would."""

    def __init__(self) -> None:
        self.held: dict[Path, sqlite3.Connection] = {}

    def hold(self, path: Path) -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        self.held[path] = conn

    def release(self, path: Path) -> None:
        conn = self.held.pop(path)
        conn.execute("ROLLBACK")
        conn.close()


@pytest.fixture
def locks(short_busy_wait) -> Iterator[Locks]:
    held = Locks()
    yield held
    for path in list(held.held):
        held.release(path)


def test_a_busy_project_is_refused_and_labels_still_go_to_the_current_one(qtbot, main_window, tmp_path, locks):
    other = make_project(tmp_path / "other.db")
    before = digest(other)
    locks.hold(other)
    assert main_window.open_project(other) is False
    box = error_dialog(main_window)
    assert box is not None
    assert "other.db was not opened" in box.text() and "work.db stays open" in box.text()
    assert "project is busy" in box.informativeText()
    box.accept()
    assert main_window.project.path.name == "work.db"
    assert main_window.windowTitle().startswith("work.db")
    assert main_window.documents.model.ids == [1, 2, 3]
    assert main_window.text_view.text == FIRST  # noqa: F405

    select_with_keys(qtbot, main_window, 0, 5)  # "Alice"
    press(qtbot, main_window, "1")
    assert read_spans(main_window.project.path) == [(1, 0, 5, "actor", "alice", None)]
    locks.release(other)
    assert read_spans(other) == []
    assert digest(other) == before
    recent = [a.toolTip() for a in main_window.recent_menu.actions()]
    assert str(other.resolve()) not in recent

    assert main_window.open_project(other) is True  # free again: it opens
    assert main_window.text_view.text.startswith("Only document")


def corrupt(path: Path) -> Path:
    with Project.open(path) as project:
        for i in range(200):
            project.add_document(f"document number {i} " * 40)
        project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(path.read_bytes())
    raw[4096 * 3 : 4096 * 3 + 600] = b"\xff" * 600
    path.write_bytes(bytes(raw))
    return path


def foreign(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE documents (x)")
    conn.commit()
    conn.close()
    return path


def newer(path: Path) -> Path:
    with Project.open(path) as project:
        project.conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                             " VALUES ('annotator', '0099_future', 'x')")
    return path


def not_sqlite(path: Path) -> Path:
    path.write_text("Dear Ana, here are my notes.", encoding="utf-8")
    return path


BAD_FILES = {
    "corrupt": (corrupt, "damaged"),
    "foreign": (foreign, "another program"),
    "newer": (newer, "newer version of Annotator"),
    "text": (not_sqlite, "not an SQLite database"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_file_open_refuses_a_bad_file_untouched(qtbot, main_window, tmp_path, kind):
    make, reason = BAD_FILES[kind]
    bad = make(tmp_path / f"{kind}.db")
    before = digest(bad)
    pick_file_in_dialog(bad)
    press(qtbot, main_window, Qt.Key.Key_O, CTRL)  # File > Open project...
    box = error_dialog(main_window)
    assert box is not None and f"{kind}.db was not opened" in box.text()
    assert reason in box.informativeText()
    box.accept()
    assert digest(bad) == before
    assert main_window.project.path.name == "work.db"
    back_to(qtbot, main_window)
    select_with_keys(qtbot, main_window, 16, 3)  # "Bob": the current project still takes labels
    press(qtbot, main_window, "2")
    assert read_spans(main_window.project.path) == [(1, 16, 19, "claim", "alice", None)]


def test_file_open_refuses_a_busy_project(qtbot, main_window, tmp_path, locks):
    other = make_project(tmp_path / "other.db")
    locks.hold(other)
    pick_file_in_dialog(other)
    press(qtbot, main_window, Qt.Key.Key_O, CTRL)
    box = error_dialog(main_window)
    assert "project is busy" in box.informativeText()
    box.accept()
    assert main_window.project.path.name == "work.db"
    locks.release(other)


def test_recent_project_entry_switches_back(qtbot, main_window, tmp_path):
    other = make_project(tmp_path / "other.db")
    assert main_window.open_project(other)
    entries = main_window.recent_menu.actions()
    assert [a.text() for a in entries] == ["&1 other.db", "&2 work.db"]
    entries[1].trigger()
    assert main_window.project.path.name == "work.db"
    assert main_window.text_view.text == FIRST  # noqa: F405
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    assert read_spans(main_window.project.path) == [(1, 0, 5, "actor", "alice", None)]


def test_starting_on_a_busy_project_says_why_and_exits(qtbot, tmp_path, settings, locks):
    settings.setValue("annotator", "dora")
    path = make_project(tmp_path / "team.db")
    locks.hold(path)
    seen: list[str] = []
    answer_message_box(seen)
    assert run(path, [], settings=settings) == 1
    assert len(seen) == 1
    assert "team.db was not opened" in seen[0] and "project is busy" in seen[0]
    assert not [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow" and w.isVisible()]
    locks.release(path)
    assert read_spans(path) == []


def test_starting_on_a_corrupt_project_says_why_and_exits(qtbot, tmp_path, settings):
    settings.setValue("annotator", "dora")
    path = corrupt(tmp_path / "team.db")
    before = digest(path)
    seen: list[str] = []
    answer_message_box(seen)
    assert run(path, [], settings=settings) == 1
    assert "damaged" in seen[0]
    assert digest(path) == before


def type_into_input_dialog(qtbot, answers: list[str], seen: list[str]) -> None:
    """Answer each name prompt in turn: select the default, type the answer, press Enter."""
    def answer(dialog: QInputDialog) -> None:
        seen.append(dialog.labelText())
        edit = dialog.findChild(QLineEdit)
        qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
        qtbot.keyClicks(edit, answers.pop(0))
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        if answers:
            when_modal(QInputDialog, answer)

    when_modal(QInputDialog, answer)


def test_first_launch_name_prompt_is_the_real_dialog(qtbot, settings):
    seen: list[str] = []
    type_into_input_dialog(qtbot, ["gold", "carol"], seen)
    assert choose_annotator(settings) == "carol"
    assert len(seen) == 2
    assert "Your name" in seen[0] and "reserved" in seen[1]
    assert settings.value("annotator") == "carol"


def test_first_launch_asks_the_name_then_shows_the_window(qtbot, tmp_path, settings):
    path = make_project(tmp_path / "team.db")
    seen: list[str] = []
    type_into_input_dialog(qtbot, ["erin"], seen)
    shown = {}

    def look_and_close() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow" and w.isVisible()]
        if not windows:
            QTimer.singleShot(20, look_and_close)
            return
        shown["annotator"] = windows[0].annotator
        shown["message"] = windows[0].statusBar().currentMessage()
        windows[0].close()

    QTimer.singleShot(0, look_and_close)
    assert run(path, [], settings=settings) == 0
    assert shown == {"annotator": "erin", "message": ""}  # nothing announced at start (snapping restored silently)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM annotators").fetchall() == [("erin",)]


def test_switching_annotator_on_a_busy_project_is_refused(qtbot, locks, main_window):  # locks first: short wait
    locks.hold(main_window.project.path)
    assert main_window.set_annotator("bob") is False
    box = error_dialog(main_window)
    assert "still alice" in box.text() and "project is busy" in box.informativeText()
    box.accept()
    assert main_window.annotator == "alice" and main_window.settings.value("annotator") is None
    locks.release(main_window.project.path)
    assert main_window.set_annotator("bob") is True
