"""Defining attributes in the label schema dialog: typed with real keys, added, changed, refused with a
message, deleted and undone; each step is one entry on the undo stack and in the file at once."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from annotator.store import Project
from annotator.ui.label_dialog import LabelSchemaDialog

pytestmark = pytest.mark.gui


def file_defs(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT label, name, kind, choices, hotkeys FROM attribute_defs ORDER BY label, name").fetchall()


@pytest.fixture
def dialog(qtbot, tmp_path):
    project = Project.open(tmp_path / "p.db")
    stack = QUndoStack()
    dialog = LabelSchemaDialog(project, stack)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    dialog.close()
    project.close()


def type_into(qtbot, widget, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)


def test_add_change_refuse_delete_and_undo_an_attribute(qtbot, dialog):
    path, box = dialog.project.path, dialog.attributes
    dialog.label_list.setCurrentRow([label.name for label in dialog.labels()].index("claim"))
    assert box.label == "claim" and box.list.count() == 1  # certainty, the default
    type_into(qtbot, box.name_edit, "tone")
    type_into(qtbot, box.choices_edit, "calm, angry")
    type_into(qtbot, box.hotkeys_edit, "c g")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    assert ("claim", "tone", "choice", '["calm","angry"]', '["c","g"]') in file_defs(path)
    assert dialog.undo_stack.undoText() == "Add attribute tone of claim"
    type_into(qtbot, box.choices_edit, "calm, calm")
    qtbot.mouseClick(box.change_button, Qt.MouseButton.LeftButton)
    assert "lists a choice twice" in box.error.text() and not box.error.isHidden()
    assert dialog.undo_stack.count() == 1
    qtbot.mouseClick(box.delete_button, Qt.MouseButton.LeftButton)
    assert [d[1] for d in file_defs(path) if d[0] == "claim"] == ["certainty"]
    dialog.undo_stack.undo()
    assert [d[1] for d in file_defs(path) if d[0] == "claim"] == ["certainty", "tone"]
    assert box.list.count() == 2
    dialog.undo_stack.undo()
    assert [d[1] for d in file_defs(path) if d[0] == "claim"] == ["certainty"]


def test_an_attribute_may_not_be_called_actor_link_what_review_calls_a_link(qtbot, dialog):
    """Review lists a span's actor link as 'actor link' among its attribute values; an attribute of that name
    would read the same there, so the dialog (and the store under it) refuses the name and says why."""
    from annotator.core.attributes import AttributeDef

    path, box = dialog.project.path, dialog.attributes
    dialog.label_list.setCurrentRow([label.name for label in dialog.labels()].index("actor"))
    before = file_defs(path)
    type_into(qtbot, box.name_edit, "Actor link")
    box.kind_combo.setCurrentText("text")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    assert "'Actor link' is what review calls a span's link to the actor list" in box.error.text()
    assert not box.error.isHidden() and file_defs(path) == before and dialog.undo_stack.count() == 0
    with pytest.raises(ValueError, match="give the attribute another name"):
        dialog.project.define_attribute(AttributeDef("quote", "actor link", "yes-no"))
    assert file_defs(path) == before
