"""The label-schema dialog, driven by real keys and clicks against a real project file."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import QApplication, QColorDialog

from annotator.ui.label_dialog import PALETTE, LabelSchemaDialog

pytestmark = pytest.mark.gui


def file_rows(project, sql, params=()):
    """Read the project file through a separate connection: what is really on disk."""
    conn = sqlite3.connect(project.path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def file_labels(project):
    return file_rows(project, "SELECT name, color, hotkey, description FROM labels ORDER BY sort_order, name")


def file_spans(project):
    return file_rows(project, "SELECT id, label FROM spans ORDER BY id")


class Questions:
    """A confirm function that records each question and gives a fixed answer."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def __call__(self, question: str) -> bool:
        self.asked.append(question)
        return self.answer


@pytest.fixture
def stack():
    return QUndoStack()


@pytest.fixture
def with_spans(project):
    doc_id, _ = project.add_document("Alice said the tax rose 5% in 2020, said Bob.", title="d1")
    ids = [
        project.add_span(doc_id, 0, 5, "actor", "ann").id,
        project.add_span(doc_id, 41, 44, "actor", "ann").id,
        project.add_span(doc_id, 15, 27, "quote", "ann").id,
        project.add_span(doc_id, 6, 10, "quote", "ann").id,
        project.add_span(doc_id, 24, 26, "figure", "ann").id,
    ]
    return project, ids


def open_dialog(qtbot, project, stack, **kwargs):
    dialog = LabelSchemaDialog(project, stack, **kwargs)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    return dialog


def click_label(qtbot, dialog, name):
    row = [label.name for label in dialog.labels()].index(name)
    rect = dialog.label_list.visualItemRect(dialog.label_list.item(row))
    qtbot.mouseClick(dialog.label_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.current_name() == name


def retype(qtbot, line_edit, text):
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(line_edit, text)


def test_add_label_by_keyboard_is_stored_and_undoable(qtbot, project, stack):
    dialog = open_dialog(qtbot, project, stack)
    qtbot.keyClick(dialog.label_list, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert dialog.name_edit.hasFocus()
    assert dialog.color_edit.text() == PALETTE[4]  # first Okabe-Ito colour not used by a default label
    qtbot.keyClicks(dialog.name_edit, "person")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.hotkey_edit, "E")
    qtbot.keyClick(dialog.hotkey_edit, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.color_edit, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.color_button, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.description_edit, "A named individual")
    with qtbot.waitSignal(dialog.labelsChanged):
        qtbot.keyClick(dialog.description_edit, Qt.Key.Key_Return)

    assert ("person", PALETTE[4], "e", "A named individual") in file_labels(project)
    assert file_labels(project)[-1][0] == "person"
    assert stack.undoText() == "Add label person"
    assert dialog.current_name() == "person"
    stack.undo()
    assert "person" not in [row[0] for row in file_labels(project)]
    assert "person" not in [label.name for label in dialog.labels()]


def test_rename_relabels_spans_and_undo_redo(qtbot, with_spans, stack):
    project, ids = with_spans
    dialog = open_dialog(qtbot, project, stack)
    click_label(qtbot, dialog, "actor")
    retype(qtbot, dialog.name_edit, "person")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Enter)

    assert stack.undoText() == "Rename label actor to person"
    names = [row[0] for row in file_labels(project)]
    assert "person" in names and "actor" not in names
    assert [label for span_id, label in file_spans(project) if span_id in ids[:2]] == ["person", "person"]
    assert dialog.labels()[0].name == "person"

    with qtbot.waitSignal(dialog.labelsChanged):
        stack.undo()
    names = [row[0] for row in file_labels(project)]
    assert "actor" in names and "person" not in names
    assert [label for span_id, label in file_spans(project) if span_id in ids[:2]] == ["actor", "actor"]
    assert dialog.current_name() == "actor" and dialog.name_edit.text() == "actor"

    stack.redo()
    assert [label for span_id, label in file_spans(project) if span_id in ids[:2]] == ["person", "person"]
    assert dialog.labels()[0].name == "person"


def test_rename_to_non_ascii_name(qtbot, with_spans, stack):
    project, ids = with_spans
    dialog = open_dialog(qtbot, project, stack)
    click_label(qtbot, dialog, "quote")
    dialog.name_edit.setText("Zitat \u00e4\u00df \u201cdirekt\u201d")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert stack.undoText() == "Rename label quote to Zitat \u00e4\u00df \u201cdirekt\u201d"
    assert {label for span_id, label in file_spans(project) if span_id in ids[2:4]} == {"Zitat \u00e4\u00df \u201cdirekt\u201d"}


def test_recolour_through_the_colour_button(qtbot, project, stack):
    offered = []

    def choose(initial, parent):
        offered.append(initial.name())
        return QColor("#0072b2")

    dialog = open_dialog(qtbot, project, stack, choose_color=choose)
    click_label(qtbot, dialog, "claim")
    qtbot.mouseClick(dialog.color_button, Qt.MouseButton.LeftButton)
    assert offered == ["#56b4e9"]
    assert ("claim", "#0072b2") in [row[:2] for row in file_labels(project)]
    assert stack.undoText() == "Recolour label claim to #0072b2"
    stack.undo()
    assert ("claim", "#56b4e9") in [row[:2] for row in file_labels(project)]
    assert dialog.color_edit.text() == "#56b4e9"


def test_real_colour_dialog_offers_okabe_ito_and_recolours(qtbot, project, stack):
    dialog = open_dialog(qtbot, project, stack)
    click_label(qtbot, dialog, "figure")
    seen = {}

    def answer_colour_dialog():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QColorDialog)
        seen["custom"] = [QColorDialog.customColor(i).name() for i in range(len(PALETTE))]
        box.setCurrentColor(QColor("#d55e00"))
        box.accept()

    QTimer.singleShot(0, answer_colour_dialog)
    dialog.color_button.setFocus()
    qtbot.keyClick(dialog.color_button, Qt.Key.Key_Space)
    assert seen["custom"] == list(PALETTE)
    assert ("figure", "#d55e00") in [row[:2] for row in file_labels(project)]


def test_hotkey_conflict_is_refused_and_names_the_owner(qtbot, project, stack):
    before = file_labels(project)
    dialog = open_dialog(qtbot, project, stack)
    click_label(qtbot, dialog, "claim")
    retype(qtbot, dialog.hotkey_edit, "1")
    qtbot.keyClick(dialog.hotkey_edit, Qt.Key.Key_Return)

    assert "actor" in dialog.error_text() and "'1'" in dialog.error_text()
    assert file_labels(project) == before
    assert stack.count() == 0
    # a free key then works and the message goes away
    retype(qtbot, dialog.hotkey_edit, "c")
    qtbot.keyClick(dialog.hotkey_edit, Qt.Key.Key_Return)
    assert dialog.error_text() == ""
    assert ("claim", "#56b4e9", "c") in [row[:3] for row in file_labels(project)]
    assert stack.undoText() == "Set hotkey of label claim to c"


@pytest.mark.parametrize("key", ["n", "P", "a", "X"])
def test_review_keys_are_refused_as_hotkeys_with_the_reason(qtbot, project, stack, key):
    before = file_labels(project)
    dialog = open_dialog(qtbot, project, stack)
    click_label(qtbot, dialog, "claim")
    retype(qtbot, dialog.hotkey_edit, key)
    qtbot.keyClick(dialog.hotkey_edit, Qt.Key.Key_Return)
    assert f"hotkey '{key.lower()}' is reserved: in review mode {key.upper()} means" in dialog.error_text()
    assert file_labels(project) == before and stack.count() == 0


def test_duplicate_name_is_refused(qtbot, project, stack):
    before = file_labels(project)
    dialog = open_dialog(qtbot, project, stack)
    click_label(qtbot, dialog, "quote")
    retype(qtbot, dialog.name_edit, "claim")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert "already exists" in dialog.error_text()
    assert file_labels(project) == before and stack.count() == 0


def test_hotkey_field_takes_one_key_only(qtbot, project, stack):
    dialog = open_dialog(qtbot, project, stack)
    click_label(qtbot, dialog, "claim")
    retype(qtbot, dialog.hotkey_edit, "%x7")
    assert dialog.hotkey_edit.text() == "x"


def test_reorder_by_keys_and_buttons_is_persisted(qtbot, project, stack):
    dialog = open_dialog(qtbot, project, stack)
    click_label(qtbot, dialog, "quote")
    qtbot.keyClick(dialog.label_list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [row[0] for row in file_labels(project)] == ["actor", "quote", "claim", "figure"]
    assert stack.undoText() == "Move label quote up"
    assert dialog.current_name() == "quote"
    qtbot.keyClick(dialog.label_list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [row[0] for row in file_labels(project)] == ["quote", "actor", "claim", "figure"]
    assert not dialog.up_button.isEnabled()
    qtbot.mouseClick(dialog.down_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog.label_list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [row[0] for row in file_labels(project)] == ["actor", "claim", "quote", "figure"]
    assert stack.count() == 4
    stack.undo()
    assert [row[0] for row in file_labels(project)] == ["actor", "quote", "claim", "figure"]
    assert [label.name for label in dialog.labels()] == ["actor", "quote", "claim", "figure"]


def test_delete_label_in_use_asks_with_count_and_undo_restores_ids(qtbot, with_spans, stack):
    project, ids = with_spans
    questions = Questions(True)
    dialog = open_dialog(qtbot, project, stack, confirm=questions)
    click_label(qtbot, dialog, "quote")
    with qtbot.waitSignal(dialog.labelsChanged):
        qtbot.keyClick(dialog.label_list, Qt.Key.Key_Delete)

    assert len(questions.asked) == 1 and "quote" in questions.asked[0] and "2 spans" in questions.asked[0]
    assert "quote" not in [row[0] for row in file_labels(project)]
    assert [span_id for span_id, _ in file_spans(project)] == [ids[0], ids[1], ids[4]]
    assert stack.undoText() == "Delete label quote (2 spans)"
    assert "quote" not in [label.name for label in dialog.labels()]

    stack.undo()
    assert "quote" in [row[0] for row in file_labels(project)]
    assert file_spans(project) == [(ids[0], "actor"), (ids[1], "actor"), (ids[2], "quote"), (ids[3], "quote"), (ids[4], "figure")]
    assert [label.name for label in dialog.labels()] == ["actor", "claim", "quote", "figure"]
    stack.redo()
    assert [span_id for span_id, _ in file_spans(project)] == [ids[0], ids[1], ids[4]]


def test_declining_the_delete_changes_nothing(qtbot, with_spans, stack):
    project, ids = with_spans
    before_labels, before_spans = file_labels(project), file_spans(project)
    questions = Questions(False)
    dialog = open_dialog(qtbot, project, stack, confirm=questions)
    click_label(qtbot, dialog, "actor")
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert "2 spans" in questions.asked[0]
    assert file_labels(project) == before_labels and file_spans(project) == before_spans
    assert stack.count() == 0


def test_delete_key_in_a_text_field_edits_text_not_labels(qtbot, project, stack):
    questions = Questions(True)
    dialog = open_dialog(qtbot, project, stack, confirm=questions)
    click_label(qtbot, dialog, "claim")
    dialog.name_edit.setFocus()
    dialog.name_edit.home(False)
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Delete)
    assert dialog.name_edit.text() == "laim"
    assert questions.asked == [] and stack.count() == 0


def test_dialog_follows_undo_done_elsewhere(qtbot, project, stack):
    from annotator.ui.label_commands import UpdateLabelCommand

    dialog = open_dialog(qtbot, project, stack)
    old = project.label("figure")
    with qtbot.waitSignal(dialog.labelsChanged):
        stack.push(UpdateLabelCommand(project, old, old.__class__("number", old.color, old.hotkey, old.description, old.order)))
    assert "number" in [label.name for label in dialog.labels()]
    with qtbot.waitSignal(dialog.labelsChanged):
        stack.undo()
    assert "figure" in [label.name for label in dialog.labels()]


def test_keyboard_only_edit_of_a_description(qtbot, project, stack):
    dialog = open_dialog(qtbot, project, stack)
    assert dialog.label_list.hasFocus()
    qtbot.keyClick(dialog.label_list, Qt.Key.Key_Down)
    assert dialog.current_name() == "claim"
    order = [dialog.name_edit, dialog.hotkey_edit, dialog.color_edit, dialog.color_button, dialog.description_edit]
    for widget in order:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert widget.hasFocus()
    dialog.description_edit.selectAll()
    qtbot.keyClicks(dialog.description_edit, "A checkable assertion")
    qtbot.keyClick(dialog.description_edit, Qt.Key.Key_Return)
    assert project.label("claim").description == "A checkable assertion"
    assert stack.undoText() == "Edit description of label claim"
    assert dialog.isVisible()
    qtbot.keyClick(dialog.label_list, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


@pytest.mark.parametrize("name", ["B-x\u202eO", "zero\u200bwidth", "no\u00a0break", "a  b"])
def test_names_the_label_rule_refuses_are_refused_with_the_reason(qtbot, project, stack, name):
    """A pasted name with a bidi control, an invisible or an odd space would reach every export."""
    before = file_labels(project)
    dialog = open_dialog(qtbot, project, stack)
    click_label(qtbot, dialog, "quote")
    dialog.name_edit.setText(name)  # non-ASCII: pasted, not typed (keyClicks aborts on it)
    dialog.name_edit.setFocus()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert f"label {name!r} contains" in dialog.error_text()
    assert file_labels(project) == before and stack.count() == 0


def test_deleting_a_label_and_undoing_brings_back_attribute_values_and_relations(qtbot, with_spans, stack):
    """Bug (issue 13): the spans of a deleted label came back without their attribute values."""
    project, ids = with_spans
    doc_id = project.span(ids[2]).doc_id
    project.set_span_attribute(ids[2], "form", "direct")
    project.set_span_attribute(ids[3], "form", "reported")
    relation = project.add_relation(ids[2], ids[0], "said_by")
    values = "SELECT span_id, name, value FROM span_attrs ORDER BY span_id"
    defs = "SELECT label, name, kind, choices FROM attribute_defs WHERE label = 'quote'"
    before_values, before_defs = file_rows(project, values), file_rows(project, defs)
    assert len(before_values) == 2 and before_defs

    dialog = open_dialog(qtbot, project, stack, confirm=Questions(True))
    click_label(qtbot, dialog, "quote")
    with qtbot.waitSignal(dialog.labelsChanged):
        qtbot.keyClick(dialog.label_list, Qt.Key.Key_Delete)
    assert file_rows(project, values) == [] and file_rows(project, defs) == []  # nothing left behind a gone label

    stack.undo()
    assert file_rows(project, values) == before_values
    assert file_rows(project, defs) == before_defs
    assert project.span_attributes(ids[2]) == {"form": "direct"}
    assert project.relations(doc_id) == [relation]
    stack.redo()
    assert file_rows(project, values) == [] and project.relations(doc_id) == []
    stack.undo()
    assert file_rows(project, values) == before_values and project.relations(doc_id) == [relation]
