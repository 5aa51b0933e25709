"""What an edit updates without reading the project again: the document list's span count follows
each add, delete, undo and redo from the change notice; label edits alone reload the labels."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from ui_fixtures import *  # noqa: F403
from ui_fixtures import CTRL, press, read_spans, select_with_keys

pytestmark = pytest.mark.gui


def listed_spans(window, doc_id: int) -> int:
    model = window.documents.model
    return model.data(model.index(model.row_of(doc_id), 2))


def test_the_span_count_follows_adds_deletes_undo_and_redo(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    select_with_keys(qtbot, main_window, 16, 3)
    press(qtbot, main_window, "2")
    assert listed_spans(main_window, 1) == 2
    press(qtbot, main_window, Qt.Key.Key_Delete)  # the span just made is selected
    assert listed_spans(main_window, 1) == 1
    press(qtbot, main_window, Qt.Key.Key_Z, CTRL)
    assert listed_spans(main_window, 1) == 2
    press(qtbot, main_window, Qt.Key.Key_Z, CTRL)
    press(qtbot, main_window, Qt.Key.Key_Z, CTRL)
    assert listed_spans(main_window, 1) == 0
    press(qtbot, main_window, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert listed_spans(main_window, 1) == 1 == len(read_spans(main_window.project.path))


def test_an_undo_on_a_document_whose_row_is_not_read_yet_counts_once(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    select_with_keys(qtbot, main_window, 16, 3)
    press(qtbot, main_window, "2")
    press(qtbot, main_window, Qt.Key.Key_PageDown, CTRL)
    combo = main_window.documents.filter
    combo.setCurrentIndex(combo.findText("Unfinished"))
    combo.setCurrentIndex(combo.findText("All documents"))  # every row is read again when shown
    press(qtbot, main_window, Qt.Key.Key_Z, CTRL)  # brings document 1 back, reading its row
    assert main_window.doc_id == 1
    assert listed_spans(main_window, 1) == 1 == len(read_spans(main_window.project.path))


def test_adding_spans_with_an_unbound_hotkey_label_does_not_reload_the_document(qtbot, main_window, tmp_path):
    with sqlite3.connect(main_window.project.path) as conn:  # e.g. a project from an older version
        conn.execute("UPDATE labels SET hotkey = 'n' WHERE name = 'quote'")
    main_window.reload_labels()
    opened: list[int] = []
    main_window.documentOpened.connect(opened.append)
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    press(qtbot, main_window, Qt.Key.Key_Z, CTRL)
    assert opened == []
    assert next(label for label in main_window.labels if label.name == "quote").hotkey == ""


def test_a_label_edit_undone_reloads_the_palette(qtbot, main_window):
    from annotator.ui.label_commands import UpdateLabelCommand

    old = main_window.project.label("actor")
    renamed = old.__class__("person", old.color, old.hotkey, old.description, old.order)
    main_window.undo_stack.push(UpdateLabelCommand(main_window.project, old, renamed))  # as the label dialog does
    assert [label.name for label in main_window.labels][0] == "person"
    press(qtbot, main_window, Qt.Key.Key_Z, CTRL)
    assert [label.name for label in main_window.labels][0] == "actor"


def test_the_first_span_under_unfinished_rereads_one_row_not_the_whole_list(qtbot, main_window):
    combo = main_window.documents.filter
    combo.setCurrentIndex(combo.findText("Unfinished"))
    model = main_window.documents.model
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")  # new -> in progress: still unfinished, still listed
    assert main_window.project.status(1, "alice") == "in_progress" and resets == []
    assert model.row_of(1) is not None
    press(qtbot, main_window, Qt.Key.Key_Return, CTRL)  # done: it leaves the list
    assert resets and model.row_of(1) is None
