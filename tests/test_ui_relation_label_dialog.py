"""The label dialog's Relation labels tab, driven by real keys and clicks against a real project file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QUndoStack

from test_ui_label_dialog import Questions, file_rows, open_dialog, retype

pytestmark = pytest.mark.gui


def file_relation_labels(project):
    return file_rows(project, "SELECT name, color, hotkey, heads, children FROM relation_labels ORDER BY sort_order")


def file_relations(project):
    return file_rows(project, "SELECT id, head, tail, label FROM relations ORDER BY id")


@pytest.fixture
def stack():
    return QUndoStack()


@pytest.fixture
def linked(project):
    """A quote said by Alice, a claim claimed by Bob."""
    doc_id, _ = project.add_document("Alice said the tax rose. Bob claims it fell.", title="d1")
    alice = project.add_span(doc_id, 0, 5, "actor", "ann")
    quote = project.add_span(doc_id, 11, 23, "quote", "ann")
    bob = project.add_span(doc_id, 25, 28, "actor", "ann")
    claim = project.add_span(doc_id, 36, 43, "claim", "ann")
    project.add_relation(quote.id, alice.id, "said_by")
    project.add_relation(claim.id, bob.id, "claimed_by")
    return project


def relation_tab(qtbot, project, stack, **kwargs):
    dialog = open_dialog(qtbot, project, stack, **kwargs)
    qtbot.keyClick(dialog, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # "Relation la&bels"
    assert dialog.tabs.currentWidget() is dialog.relation_labels
    return dialog, dialog.relation_labels


def click_relation_label(qtbot, editor, name):
    row = [label.name for label in editor.labels()].index(name)
    rect = editor.label_list.visualItemRect(editor.label_list.item(row))
    qtbot.mouseClick(editor.label_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editor.current_name() == name


def tick(qtbot, end_list, name):
    """Move to ``name`` in an end list with the arrow keys and tick or untick it with Space."""
    end_list.setFocus()
    row = [end_list.item(n).text() for n in range(end_list.count())].index(name)
    while end_list.currentRow() > row:
        qtbot.keyClick(end_list, Qt.Key.Key_Up)
    while end_list.currentRow() < row:
        qtbot.keyClick(end_list, Qt.Key.Key_Down)
    qtbot.keyClick(end_list, Qt.Key.Key_Space)


def test_the_tab_lists_the_default_relation_labels_with_their_rules(qtbot, project, stack):
    dialog, editor = relation_tab(qtbot, project, stack)
    assert [label.name for label in editor.labels()] == ["said_by", "claimed_by", "supports"]
    assert editor.label_list.item(0).text() == "said_by  [s]    quote → actor"
    assert editor.heads_list.ticked() == ("quote",) and editor.children_list.ticked() == ("actor",)


def test_add_a_relation_label_by_keyboard_with_its_end_rule_and_undo(qtbot, project, stack):
    dialog, editor = relation_tab(qtbot, project, stack)
    qtbot.keyClick(editor.label_list, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert editor.name_edit.hasFocus() and editor.apply_button.text() == "&Add relation label"
    qtbot.keyClicks(editor.name_edit, "cites")
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(editor.hotkey_edit, "i")
    tick(qtbot, editor.heads_list, "claim")
    tick(qtbot, editor.children_list, "figure")
    with qtbot.waitSignal(dialog.labelsChanged):
        qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)

    assert file_relation_labels(project)[-1] == ("cites", editor.color_edit.text(), "i", '["claim"]', '["figure"]')
    assert editor.current_name() == "cites" and stack.undoText() == "Add relation label cites"
    assert editor.color_edit.text() not in {label.color for label in editor.labels()[:3]}  # a colour of its own
    stack.undo()
    assert "cites" not in [row[0] for row in file_relation_labels(project)]
    assert "cites" not in [label.name for label in editor.labels()]
    stack.redo()
    assert file_relation_labels(project)[-1][0] == "cites"


def test_rename_relabels_its_relations_and_undo_brings_the_name_back(qtbot, linked, stack):
    dialog, editor = relation_tab(qtbot, linked, stack)
    click_relation_label(qtbot, editor, "said_by")
    retype(qtbot, editor.name_edit, "quoted_from")
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_Return)
    assert stack.undoText() == "Rename relation label said_by to quoted_from"
    assert [row[3] for row in file_relations(linked)] == ["quoted_from", "claimed_by"]
    assert editor.current_name() == "quoted_from"
    stack.undo()
    assert [row[3] for row in file_relations(linked)] == ["said_by", "claimed_by"]
    assert editor.current_name() == "said_by" and editor.name_edit.text() == "said_by"


def test_recolour_and_hotkey_are_stored_and_undoable(qtbot, project, stack):
    chosen = QColor("#123456")
    dialog, editor = relation_tab(qtbot, project, stack, choose_color=lambda initial, parent: chosen)
    click_relation_label(qtbot, editor, "supports")
    qtbot.mouseClick(editor.color_button, Qt.MouseButton.LeftButton)
    assert file_relation_labels(project)[2][1] == "#123456"
    assert stack.undoText() == "Recolour relation label supports to #123456"
    retype(qtbot, editor.hotkey_edit, "g")
    qtbot.keyClick(editor.hotkey_edit, Qt.Key.Key_Return)
    assert file_relation_labels(project)[2][:3] == ("supports", "#123456", "g")
    stack.undo()
    stack.undo()
    assert file_relation_labels(project)[2][:3] == ("supports", "#009e73", "u")


def test_widening_the_rule_is_allowed_and_a_rule_relations_break_is_refused_saying_why(qtbot, linked, stack):
    dialog, editor = relation_tab(qtbot, linked, stack)
    click_relation_label(qtbot, editor, "said_by")
    tick(qtbot, editor.heads_list, "claim")  # claim or quote: the relation from a quote still fits
    qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    assert file_relation_labels(linked)[0][3] == '["claim", "quote"]'
    assert stack.undoText() == "Change the ends of relation label said_by"

    tick(qtbot, editor.heads_list, "quote")  # only claims now: the quote -> Alice relation would break
    qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    assert "relations labelled 'said_by' exist from 'quote' to 'actor' spans" in editor.error_text()
    assert "goes from a 'claim' span, not from a 'quote' span" in editor.error_text()
    assert editor.error_label.isVisible()
    assert file_relation_labels(linked)[0][3] == '["claim", "quote"]'  # nothing written
    assert stack.count() == 1  # and nothing on the undo stack


def test_hotkey_used_by_another_relation_label_is_refused(qtbot, project, stack):
    dialog, editor = relation_tab(qtbot, project, stack)
    click_relation_label(qtbot, editor, "supports")
    retype(qtbot, editor.hotkey_edit, "s")
    qtbot.keyClick(editor.hotkey_edit, Qt.Key.Key_Return)
    assert "hotkey 's' is already used by relation label 'said_by'" in editor.error_text()
    assert file_relation_labels(project)[2][2] == "u" and stack.count() == 0


def test_delete_asks_with_the_count_and_undo_restores_relations_with_their_ids(qtbot, linked, stack):
    before = file_relations(linked)
    questions = Questions(True)
    dialog, editor = relation_tab(qtbot, linked, stack, confirm=questions)
    click_relation_label(qtbot, editor, "claimed_by")
    qtbot.keyClick(editor.label_list, Qt.Key.Key_Delete)
    assert questions.asked == ["Delete relation label claimed_by and the 1 relation that uses it? You can undo this."]
    assert "claimed_by" not in [row[0] for row in file_relation_labels(linked)]
    assert file_relations(linked) == before[:1]
    assert stack.undoText() == "Delete relation label claimed_by (1 relation)"
    stack.undo()
    assert file_relations(linked) == before
    assert "claimed_by" in [label.name for label in editor.labels()]


def test_declining_the_delete_keeps_everything(qtbot, linked, stack):
    dialog, editor = relation_tab(qtbot, linked, stack, confirm=Questions(False))
    click_relation_label(qtbot, editor, "said_by")
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert len(file_relation_labels(linked)) == 3 and len(file_relations(linked)) == 2 and stack.count() == 0
