"""Relations in the window: deleting a linked span and undo (real keys), relabelling asks first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from ui_fixtures import *  # noqa: F403
from ui_fixtures import CTRL, point_of, press, read_relations, read_spans

pytestmark = pytest.mark.gui


@pytest.fixture
def linked_window(qtbot, main_window):
    """'Alice Smith' (actor) and '"the budget is 40 million"' (quote) joined by said_by, in alice's layer."""
    project = main_window.project
    actor = project.add_span(1, 0, 11, "actor", "alice")
    quote = project.add_span(1, 47, 73, "quote", "alice")
    relation = project.add_relation(quote.id, actor.id, "said_by")
    main_window.open_document(1)
    main_window.text_view.setFocus()
    return main_window, actor, quote, relation


def click_span(qtbot, window, offset: int) -> None:
    qtbot.mouseClick(window.text_view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(window, offset))


def test_delete_key_takes_the_relations_and_one_undo_brings_both_back_with_ids(qtbot, linked_window):
    window, actor, quote, relation = linked_window
    click_span(qtbot, window, 2)
    assert window.text_view.current_span_id == actor.id
    press(qtbot, window, Qt.Key.Key_Delete)
    assert [row[1] for row in read_spans(window.project.path)] == [47]
    assert read_relations(window.project.path) == []
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert read_relations(window.project.path) == [(quote.id, actor.id, "said_by")]
    assert window.project.relations(1) == [relation]  # with its id
    assert window.project.span(actor.id) == actor


def test_relabel_breaking_a_relation_asks_and_no_keeps_everything(qtbot, linked_window):
    window, actor, quote, relation = linked_window
    click_span(qtbot, window, 2)
    press(qtbot, window, "2")  # claim: said_by needs an actor child
    box = window.findChild(QMessageBox, "askYesNo")
    assert box is not None and "breaks 1 of its relations" in box.text()
    assert "'said_by' goes to an 'actor' span" in box.informativeText()
    box.button(QMessageBox.StandardButton.No).click()
    assert window.project.span(actor.id).label == "actor"
    assert len(read_relations(window.project.path)) == 1


def test_relabel_breaking_a_relation_yes_unlinks_in_one_undo_step(qtbot, linked_window):
    window, actor, quote, relation = linked_window
    click_span(qtbot, window, 2)
    press(qtbot, window, "2")
    window.findChild(QMessageBox, "askYesNo").button(QMessageBox.StandardButton.Yes).click()
    assert window.project.span(actor.id).label == "claim"
    assert read_relations(window.project.path) == []
    window.text_view.setFocus()
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert window.project.span(actor.id).label == "actor"
    assert window.project.relations(1) == [relation]  # with its id
