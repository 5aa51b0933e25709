"""A redo or undo of a gold command that the store refuses leaves the undo stack where it was.

The refused step is taken out of the history (it can no longer be done or undone truthfully),
the stack's index does not move past it, the window says the change was not saved, and the
steps below it still undo.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from test_ui_review import at, gold_rows, review_project, window  # noqa: F401 (fixtures)
from ui_fixtures import CTRL, SHIFT, press, settings  # noqa: F401

pytestmark = pytest.mark.gui


def enter_review_and_accept_two(qtbot, window):  # noqa: F811
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    panel = window.review.panel
    qtbot.keyClick(panel.list, "1")  # North Korea: ana's actor
    qtbot.keyClick(panel.list, "1")  # 1.3 million soldiers: ana's figure
    assert len(gold_rows(window.project.path)) == 2
    return panel


def test_a_refused_redo_leaves_the_stack_index_where_it_was(qtbot, window):  # noqa: F811
    enter_review_and_accept_two(qtbot, window)
    stack = window.undo_stack
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # the figure leaves gold: its id is free again
    assert (stack.count(), stack.index()) == (2, 1)
    text = window.project.document_text(1)
    taken = window.project.add_span(1, *at(text, "Bruce"), "actor", "ana")  # another edit takes that id
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert [row[3] for row in gold_rows(window.project.path)] == ["actor"]  # nothing was redone
    assert (stack.count(), stack.index()) == (1, 1)  # the refused step is gone; the index did not move on
    assert not stack.canRedo()
    assert "NOT saved" in window.status_saved.text()
    assert "taken out of the undo history" in window.status_saved.toolTip()
    assert window.project.span(taken.id).annotator == "ana"  # the other edit is untouched
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # the step below still undoes
    assert gold_rows(window.project.path) == []
    assert (stack.count(), stack.index()) == (1, 0)


def test_a_refused_undo_takes_the_step_out_and_keeps_the_ones_below(qtbot, window):  # noqa: F811
    enter_review_and_accept_two(qtbot, window)
    stack = window.undo_stack
    project = window.project
    figure = max(project.spans(1, "gold"), key=lambda s: s.id)
    project.delete_span(figure.id)  # another program removed that gold span and reused its id
    text = project.document_text(1)
    project.add_span(1, *at(text, "Bruce"), "actor", "ana")
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert (stack.count(), stack.index()) == (1, 1)  # refused: deleted from the history, no redo offered
    assert not stack.canRedo()
    assert "NOT saved" in window.status_saved.text()
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # the accept below it still undoes
    assert gold_rows(project.path) == []
