"""Document flow through the real window: the status filter, undoing status changes, File > Import,
the label dialog from the menu, and the README shortcut table against the window's actions."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.ui.shortcuts import KEY_NOTES
from ui_fixtures import *  # noqa: F403
from ui_fixtures import (
    CTRL, FIRST, SHIFT, answer_message_box, back_to,
    pick_file_in_dialog, press, read_spans, select_with_keys,
)

pytestmark = pytest.mark.gui
README = Path(__file__).resolve().parent.parent / "README.md"


def status(window, doc_id: int) -> str:
    with sqlite3.connect(window.project.path) as conn:
        row = conn.execute("SELECT status FROM doc_status WHERE doc_id = ? AND annotator = 'alice'",
                           [doc_id]).fetchone()
    return row[0] if row else "new"


def choose_filter(qtbot, window, text: str) -> None:
    combo = window.documents.filter
    combo.setFocus()
    while combo.currentText() != text:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    window.text_view.setFocus()


def selected_document(window) -> int | None:
    index = window.documents.view.currentIndex()
    return window.documents.model.ids[index.row()] if index.isValid() else None


# --------------------------------------------------------------- status filter, undo
def test_marking_done_under_unfinished_drops_it_from_the_list(qtbot, main_window):
    choose_filter(qtbot, main_window, "Unfinished")
    assert main_window.documents.model.ids == [1, 2, 3]
    press(qtbot, main_window, Qt.Key.Key_Return, CTRL)
    assert status(main_window, 1) == "done"
    assert main_window.documents.model.ids == [2, 3]
    assert main_window.doc_id == 2 and selected_document(main_window) == 2
    assert main_window.status_position.text() == "Document 1 of 2 · new"
    press(qtbot, main_window, Qt.Key.Key_K, CTRL)  # skipped leaves it too
    assert main_window.documents.model.ids == [3]
    assert main_window.doc_id == 3 and selected_document(main_window) == 3


def test_marking_done_in_the_middle_of_a_filtered_list_goes_to_the_next(qtbot, main_window):
    choose_filter(qtbot, main_window, "Unfinished")
    press(qtbot, main_window, Qt.Key.Key_PageDown, CTRL)
    assert main_window.doc_id == 2
    press(qtbot, main_window, Qt.Key.Key_Return, CTRL)
    assert main_window.documents.model.ids == [1, 3]
    assert main_window.doc_id == 3  # the next one after it, not the first of the list


def test_undo_and_redo_of_mark_done_bring_its_document_back(qtbot, main_window):
    choose_filter(qtbot, main_window, "Unfinished")
    press(qtbot, main_window, Qt.Key.Key_Return, CTRL)
    assert main_window.doc_id == 2
    assert main_window.undo_action.text().replace("&", "") == "Undo Mark document done"
    press(qtbot, main_window, Qt.Key.Key_Z, CTRL)
    assert status(main_window, 1) == "new"
    assert main_window.doc_id == 1 and main_window.text_view.text == FIRST
    assert main_window.documents.model.ids == [1, 2, 3] and selected_document(main_window) == 1
    press(qtbot, main_window, Qt.Key.Key_PageDown, CTRL)
    press(qtbot, main_window, Qt.Key.Key_PageDown, CTRL)
    assert main_window.doc_id == 3
    press(qtbot, main_window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert status(main_window, 1) == "done"
    assert main_window.doc_id == 1  # shown although "Unfinished" no longer lists it
    assert main_window.status_position.text() == "Document #1 (not in the filtered list)"


# ------------------------------------------------------------------------ import
def close_import_summary(qtbot, window) -> str:
    box = next(b for b in window.findChildren(QMessageBox, "importSummary") if b.isVisible())
    text = box.text()
    box.accept()
    back_to(qtbot, window)
    return text


def import_through_menu(qtbot, window, paths: list[Path]) -> tuple[list[list[str]], str]:
    filters: list[list[str]] = []
    pick_file_in_dialog(paths, filters)
    press(qtbot, window, Qt.Key.Key_I, CTRL)  # File > Import files...
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox, "importSummary")))
    return filters, close_import_summary(qtbot, window)


def test_import_lists_importable_types_then_search_finds_the_document(qtbot, main_window, tmp_path):
    note = tmp_path / "harbour.txt"
    note.write_text("The lighthouse keeper counted forty ships.\n", encoding="utf-8")
    filters, summary = import_through_menu(qtbot, main_window, [note])
    (names,) = filters
    assert names[-1] == "All files (*)"
    for suffix in ("*.txt", "*.md", "*.html", "*.json", "*.jsonl", "*.ann"):
        assert suffix in names[0]
    assert "1 new document" in summary
    assert main_window.documents.model.ids == [1, 2, 3, 4]
    press(qtbot, main_window, Qt.Key.Key_F, CTRL)
    search = main_window.documents.search
    qtbot.keyClicks(search, "lighthouse")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert main_window.documents.model.ids == [4]
    qtbot.keyClick(search, Qt.Key.Key_L, CTRL)  # Ctrl+L: to the list, Enter opens the hit
    qtbot.keyClick(main_window.documents.view, Qt.Key.Key_Down)
    qtbot.keyClick(main_window.documents.view, Qt.Key.Key_Return)
    assert main_window.doc_id == 4
    assert main_window.text_view.text.startswith("The lighthouse keeper")


def test_a_crlf_emoji_cjk_file_imported_then_labelled_by_keyboard(qtbot, main_window, tmp_path):
    source = tmp_path / "unicode.txt"
    raw = "Intro 👍🏽 line\r\n東京 では 🇯🇵 Kim Jong-un said “hi” 👨‍👩‍👧 end\r\n"
    source.write_bytes(raw.encode("utf-8"))
    import_through_menu(qtbot, main_window, [source])
    doc_id = main_window.documents.model.ids[-1]
    main_window.open_document(doc_id)
    main_window.text_view.setFocus()
    text = main_window.project.document_text(doc_id)
    assert "\r" not in text and main_window.text_view.text == text
    targets = (("Kim Jong-un", "1", len("Kim Jong-un")), ("東京", "2", 2), ("👨‍👩‍👧", "4", 1))  # keys: Shift+Right presses
    for target, label, keys in targets:
        start = text.index(target)
        select_with_keys(qtbot, main_window, start, keys)
        selected = main_window.text_view.selection()
        assert text[selected[0]:selected[1]] == target  # what the user sees selected, in stored offsets
        press(qtbot, main_window, label)
    spans = [(s, e, label) for d, s, e, label, *_ in read_spans(main_window.project.path) if d == doc_id]
    assert sorted(text[s:e] for s, e, _ in spans) == sorted(["Kim Jong-un", "東京", "👨‍👩‍👧"])


# --------------------------------------------------------------------- labels
def test_label_dialog_from_the_menu_rename_delete_and_window_undo(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    select_with_keys(qtbot, main_window, 16, 3)
    press(qtbot, main_window, "3")
    press(qtbot, main_window, Qt.Key.Key_L, CTRL | SHIFT)  # Labels > Edit labels...
    dialog = next(w for w in QApplication.topLevelWidgets() if w.windowTitle() == "Labels" and w.isVisible())
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    labels = dialog.label_list  # (the Relation labels tab has lists too)
    labels.setFocus()
    assert labels.currentItem().data(Qt.ItemDataRole.UserRole) == "actor"
    name = dialog.name_edit
    name.setFocus()
    qtbot.keyClick(name, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(name, "person")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert [s[3] for s in read_spans(main_window.project.path)] == ["person", "quote"]
    assert "person" in main_window.palette.buttons

    labels.setFocus()
    while labels.currentItem().data(Qt.ItemDataRole.UserRole) != "quote":
        qtbot.keyClick(labels, Qt.Key.Key_Down)
    seen: list[str] = []
    answer_message_box(seen, QMessageBox.StandardButton.Yes)
    qtbot.keyClick(labels, Qt.Key.Key_Delete)
    assert seen == ["Delete label quote and the 1 span that uses it? You can undo this."]
    assert [s[3] for s in read_spans(main_window.project.path)] == ["person"]
    assert "quote" not in main_window.palette.buttons
    qtbot.keyClick(labels, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    back_to(qtbot, main_window)

    assert main_window.undo_action.text().replace("&", "").startswith("Undo Delete label quote")
    press(qtbot, main_window, Qt.Key.Key_Z, CTRL)
    assert [s[3] for s in read_spans(main_window.project.path)] == ["person", "quote"]
    assert "quote" in main_window.palette.buttons
    assert sorted(s.label for s in main_window.text_view.spans()) == ["person", "quote"]
    press(qtbot, main_window, Qt.Key.Key_Z, CTRL)
    assert [s[3] for s in read_spans(main_window.project.path)] == ["actor", "quote"]
    assert "actor" in main_window.palette.buttons and "person" not in main_window.palette.buttons


# ------------------------------------------------------------ README shortcut table
def readme_shortcut_rows() -> list[tuple[str, str]]:
    section = README.read_text(encoding="utf-8").split("<!-- section: workspace -->")[1]
    table = section[section.index("| Action | Keys |"):].split("\n\n")[0].splitlines()[2:]
    return [tuple(cell.strip() for cell in row.strip("|").split("|")) for row in table]


def window_actions(window) -> list:
    """What F1 lists: every menu action with keys (the label actions are covered by one README row)."""
    return [a for menu in window.menus.values() for a in menu.actions()
            if not a.isSeparator() and a.menu() is None and a.shortcuts()]


def test_readme_shortcut_table_and_f1_list_the_same_keys(qtbot, main_window):
    rows = readme_shortcut_rows()
    plain_cells = {keys.replace("`", "") for _, keys in rows}
    readme_keys = [QKeySequence(k) for _, keys in rows for k in re.findall(r"`([^`]+)`", keys)]
    actions = window_actions(main_window)
    missing = [a.text() for a in actions if not a.objectName().startswith("label_")
               and not any(k in readme_keys for k in a.shortcuts())]
    assert missing == [], "actions whose keys the README table leaves out"
    bound = [k for a in actions for k in a.shortcuts()]
    stale = [keys for _, keys in rows if keys.replace("`", "") not in {k for _, k in KEY_NOTES}
             for k in re.findall(r"`([^`]+)`", keys) if QKeySequence(k) not in bound]
    assert stale == [], "README keys that no action has"
    assert [keys for _, keys in KEY_NOTES if keys not in plain_cells] == []

    press(qtbot, main_window, Qt.Key.Key_F1)
    sheet = main_window.cheat_sheet.browser.toPlainText()
    for action in actions:
        assert action.text().replace("&", "").replace("...", "…") in sheet
    for text, keys in KEY_NOTES:
        assert text in sheet and keys in sheet
