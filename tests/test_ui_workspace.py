"""Document flow, the document list, zoom, shortcuts, projects and annotators in the real window."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from annotator.store import Project
from annotator.ui.annotator_dialog import SwitchAnnotatorDialog
from ui_fixtures import *  # noqa: F403
from ui_fixtures import CTRL, SHIFT, error_dialog, press, read_spans, select_with_keys

pytestmark = pytest.mark.gui


def statuses(path) -> dict[int, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT doc_id, status FROM doc_status WHERE annotator = 'alice'").fetchall())


def test_next_previous_document_keys_do_not_change_status(qtbot, main_window):
    assert main_window.doc_id == 1
    press(qtbot, main_window, Qt.Key.Key_PageDown, CTRL)
    assert main_window.doc_id == 2
    press(qtbot, main_window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert main_window.doc_id == 3
    assert main_window.status_position.text().startswith("Document 3 of 3")
    press(qtbot, main_window, Qt.Key.Key_PageUp, CTRL)
    press(qtbot, main_window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert main_window.doc_id == 1
    assert statuses(main_window.project.path) == {}  # opening documents marks nothing


def test_mark_done_goes_to_next_unfinished_and_undoes(qtbot, main_window):
    main_window.project.set_status(2, "alice", "done")
    main_window.documents.refresh(2)
    press(qtbot, main_window, Qt.Key.Key_Return, CTRL)
    assert statuses(main_window.project.path)[1] == "done"
    assert main_window.doc_id == 3  # document 2 was already done
    assert main_window.documents.progress.text() == "2 of 3 done"
    press(qtbot, main_window, Qt.Key.Key_K, CTRL)
    assert statuses(main_window.project.path)[3] == "skipped"
    assert main_window.undo_action.text().replace("&", "") == "Undo Skip document"
    press(qtbot, main_window, Qt.Key.Key_Z, CTRL)
    press(qtbot, main_window, Qt.Key.Key_Z, CTRL)
    assert statuses(main_window.project.path) == {1: "new", 2: "done", 3: "new"}
    assert main_window.documents.progress.text() == "1 of 3 done"


def test_first_span_starts_the_document_in_the_list(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    model = main_window.documents.model
    assert model.data(model.index(0, 1)) == "in progress"
    assert model.data(model.index(0, 2)) == 1


def test_search_and_status_filter(qtbot, main_window):
    main_window.project.set_status(3, "alice", "done")
    press(qtbot, main_window, Qt.Key.Key_F, CTRL | SHIFT)  # Ctrl+F finds in the document shown
    search = main_window.documents.search
    assert search.hasFocus()
    qtbot.keyClicks(search, "harbour fleet")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert main_window.documents.model.ids == [2]
    search.clear()
    qtbot.waitUntil(lambda: len(main_window.documents.model.ids) == 3)
    combo = main_window.documents.filter
    combo.setCurrentIndex(combo.findText("Done"))
    assert main_window.documents.model.ids == [3]
    combo.setCurrentIndex(combo.findText("Unfinished"))
    assert main_window.documents.model.ids == [1, 2]
    assert main_window.documents.progress.text() == "1 of 3 done · 2 shown"


def test_clicking_a_document_opens_it(qtbot, main_window):
    view = main_window.documents.view
    rect = view.visualRect(main_window.documents.model.index(1, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert main_window.doc_id == 2
    assert main_window.text_view.text == main_window.project.document_text(2)


def test_zoom_keys(qtbot, main_window):
    size = main_window.text_view.point_size
    press(qtbot, main_window, Qt.Key.Key_Equal, CTRL)
    press(qtbot, main_window, Qt.Key.Key_Equal, CTRL)
    assert main_window.text_view.point_size > size
    press(qtbot, main_window, Qt.Key.Key_0, CTRL)
    assert main_window.text_view.point_size == size
    press(qtbot, main_window, Qt.Key.Key_Minus, CTRL)
    assert main_window.text_view.point_size < size


def test_f1_opens_the_cheat_sheet_with_every_shortcut(qtbot, main_window):
    press(qtbot, main_window, Qt.Key.Key_F1)
    sheet = main_window.cheat_sheet
    assert sheet is not None and sheet.isVisible()
    text = sheet.browser.toPlainText()
    for expected in ("Undo", "Redo", "Mark done and go to next unfinished", "Label as actor", "F1", "Ctrl+="):
        assert expected in text
    undo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Undo)
    assert main_window.undo_action.shortcuts()[: len(undo_keys)] == undo_keys
    # Keys of special keyboards still work but are not listed: "Ctrl+N", not "Ctrl+N or New"
    opening = main_window.actions_by_name["open_project"]
    assert QKeySequence(Qt.Key.Key_Open) in opening.shortcuts()  # Qt's second standard binding here
    assert "Ctrl+O" in text and " or Open" not in text and " or New" not in text and " or Find" not in text


def test_every_menu_action_has_a_shortcut(main_window):
    missing = [a.text() for menu in main_window.menus.values() for a in menu.actions()
               if not a.isSeparator() and a.menu() is None and not a.shortcuts()]
    assert missing == []


def test_corrupt_project_shows_the_reason_and_keeps_the_current_one(qtbot, main_window, tmp_path):
    bad = tmp_path / "broken.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    before = bad.read_bytes()
    assert main_window.open_project(bad) is False
    box = error_dialog(main_window)
    assert box is not None
    assert "broken.db" in box.text() and box.informativeText()
    box.accept()
    assert bad.read_bytes() == before
    assert main_window.project.path.name == "work.db"
    assert main_window.project.document_count() == 3  # still open and usable


def test_open_another_project_and_recent_menu(qtbot, main_window, tmp_path):
    other_path = tmp_path / "other.db"
    with Project.open(other_path) as other:
        other.add_document("Only document of the other project.", title="other")
    assert main_window.open_project(other_path)
    assert main_window.project.path == other_path
    assert main_window.documents.model.ids == [1]
    assert main_window.text_view.text.startswith("Only document")
    recent = [a.text() for a in main_window.recent_menu.actions()]
    assert recent[0].endswith("other.db") and recent[1].endswith("work.db")


def test_switch_annotator_hides_other_spans_and_refuses_gold(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    press(qtbot, main_window, Qt.Key.Key_A, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = main_window.findChild(SwitchAnnotatorDialog, "switchAnnotator")
    dialog.combo.setCurrentText("bob")
    dialog._take("bob")  # the new-name confirmation has its own test (test_review_points.py)
    assert main_window.annotator == "bob"
    assert main_window.settings.value("annotator") == "bob"
    assert main_window.text_view.spans() == [] and main_window.spans_panel.model_.rowCount() == 0
    select_with_keys(qtbot, main_window, 16, 3)
    press(qtbot, main_window, "2")
    assert [(s[3], s[4]) for s in read_spans(main_window.project.path)] == [("actor", "alice"), ("claim", "bob")]
    for reserved in ("gold", " Gold "):
        assert main_window.set_annotator(reserved) is False
        dialog = error_dialog(main_window)
        assert dialog.text() == "'gold' is reserved for the reviewed layer."
        dialog.accept()
    assert main_window.annotator == "bob"
