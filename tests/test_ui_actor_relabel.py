"""Relabelling a linked span takes its actor link away in the same undo step (issue 13): a link names who an
actor span is, so a span relabelled as a claim carries no kb_id into exports and no count in the Actors
panel; undo brings label and link back together. Real key events; the file read by a second connection."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from ui_fixtures import *  # noqa: F403
from ui_fixtures import CTRL, press, select_with_keys

pytestmark = pytest.mark.gui


def spans(path) -> list[tuple]:
    """(start, label, linked entry's name or None) of every span, from the file."""
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT s.start, s.label, a.name FROM spans s LEFT JOIN span_actors l ON l.span_id = s.id"
                            " LEFT JOIN actors a ON a.id = l.actor_id ORDER BY s.start").fetchall()


def test_relabel_unlinks_in_the_same_step_and_undo_relinks(qtbot, main_window):
    window = main_window
    select_with_keys(qtbot, window, 16, 9)  # "Bob Jones"
    press(qtbot, window, "1")  # actor
    span = next(s for s in window.text_view.spans() if s.start == 16)
    window.select_span(span.id)
    press(qtbot, window, "@")
    qtbot.keyClick(window.actors.bar.edit, Qt.Key.Key_Return)  # a new entry from the span's text
    assert spans(window.project.path) == [(16, "actor", "Bob Jones")]

    window.select_span(span.id)
    press(qtbot, window, "2")  # relabel as claim: the link goes with the old label
    assert spans(window.project.path) == [(16, "claim", None)]
    assert window.undo_stack.undoText() == "Relabel actor span as claim"
    assert [(c.actor.name, c.spans) for c in window.project.actor_counts()] == [("Bob Jones", 0)]

    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL)  # one undo: label and link come back
    assert spans(window.project.path) == [(16, "actor", "Bob Jones")]
    window.undo_stack.redo()
    assert spans(window.project.path) == [(16, "claim", None)]
    window.undo_stack.undo()
    assert spans(window.project.path) == [(16, "actor", "Bob Jones")]
