"""Undo and redo keys inside the Edit labels dialog drive the window's undo stack (the dialog is window-modal,
so the Edit menu cannot be reached while it is open)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

from annotator.ui.label_dialog import LabelSchemaDialog
from ui_fixtures import *  # noqa: F403
from ui_fixtures import CTRL, SHIFT

pytestmark = pytest.mark.gui


def file_label_names(project) -> list[str]:
    import sqlite3

    with sqlite3.connect(project.path) as conn:
        return [row[0] for row in conn.execute("SELECT name FROM labels ORDER BY sort_order, name")]


@pytest.fixture
def dialog(qtbot, main_window):
    main_window.edit_labels()
    found = next(w for w in QApplication.topLevelWidgets() if isinstance(w, LabelSchemaDialog) and w.isVisible())
    qtbot.waitActive(found)
    yield found
    if isValid(found):
        found.close()


def shown_names(dialog) -> list[str]:
    return [label.name for label in dialog.labels()]


def key_in_dialog(qtbot, key, modifiers) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifiers)


def add_person(qtbot, dialog) -> None:
    qtbot.keyClick(dialog.label_list, Qt.Key.Key_N, CTRL)
    qtbot.keyClicks(dialog.name_edit, "person")
    with qtbot.waitSignal(dialog.labelsChanged):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)


def test_ctrl_z_in_the_dialog_undoes_the_added_label_and_ctrl_shift_z_or_ctrl_y_redoes_it(qtbot, main_window, dialog):
    project = main_window.project
    add_person(qtbot, dialog)
    assert "person" in shown_names(dialog) and "person" in file_label_names(project)
    assert main_window.undo_stack.undoText() == "Add label person"

    key_in_dialog(qtbot, Qt.Key.Key_Z, CTRL)
    assert "person" not in shown_names(dialog) and "person" not in file_label_names(project)
    key_in_dialog(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    assert "person" in shown_names(dialog) and "person" in file_label_names(project)
    dialog.label_list.setFocus()
    key_in_dialog(qtbot, Qt.Key.Key_Z, CTRL)
    assert "person" not in file_label_names(project)
    key_in_dialog(qtbot, Qt.Key.Key_Y, CTRL)
    assert "person" in shown_names(dialog) and "person" in file_label_names(project)
    assert main_window.undo_stack.undoText() == "Add label person"


def test_ctrl_z_in_a_field_with_typing_to_undo_undoes_the_typing_first(qtbot, main_window, dialog):
    add_person(qtbot, dialog)
    dialog.description_edit.setFocus()
    qtbot.keyClicks(dialog.description_edit, "abc")
    key_in_dialog(qtbot, Qt.Key.Key_Z, CTRL)
    assert dialog.description_edit.text() == "" and "person" in file_label_names(main_window.project)
    key_in_dialog(qtbot, Qt.Key.Key_Z, CTRL)  # nothing typed is left to undo there: the label goes
    assert "person" not in file_label_names(main_window.project)
