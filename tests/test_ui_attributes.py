"""Attributes in the window, by keyboard: `;` opens the editor, digits and choice hotkeys pick, each
pick is one undo step read back from the file by a second connection; the spans list shows and filters them."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from ui_fixtures import *  # noqa: F403
from ui_fixtures import CTRL, press, select_with_keys

pytestmark = pytest.mark.gui


def stored(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT span_id, name, value FROM span_attrs ORDER BY span_id").fetchall()


def test_keyboard_sets_a_claims_certainty_undo_and_redo(qtbot, main_window):
    window = main_window
    select_with_keys(qtbot, window, 0, 11)
    press(qtbot, window, "2")  # claim "Alice Smith"
    span_id = window.current_span().id if window.current_span() else window.text_view.spans()[0].id
    window.select_span(span_id)
    press(qtbot, window, ";")
    editor = window.attributes.editor
    assert editor.hasFocus() and editor.span_id == span_id
    qtbot.keyClick(editor, "2")  # the second choice
    assert stored(window.project.path) == [(span_id, "certainty", '"hedged"')]
    assert window.undo_stack.undoText() == "Set certainty to hedged"
    qtbot.keyClick(editor, "d")  # a choice's hotkey
    assert stored(window.project.path) == [(span_id, "certainty", '"disputed"')]
    model = window.spans_panel.model_
    column = model.columnCount() - 1 - model.attribute_names[::-1].index("certainty")
    assert model.index(0, column).data() == "disputed"
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert stored(window.project.path) == [(span_id, "certainty", '"hedged"')]
    assert model.index(0, column).data() == "hedged"
    qtbot.keyClick(editor, Qt.Key.Key_0)  # clears
    assert stored(window.project.path) == []
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert window.text_view.hasFocus()


def test_a_span_without_attributes_and_no_span_say_so(qtbot, main_window):
    window = main_window
    press(qtbot, window, ";")
    assert "Select a span" in window.statusBar().currentMessage()
    select_with_keys(qtbot, window, 0, 5)
    press(qtbot, window, "1")  # actor: no attributes
    window.select_span(window.text_view.spans()[0].id)
    press(qtbot, window, ";")
    qtbot.keyClick(window.attributes.editor, "2")
    assert stored(window.project.path) == []
    assert "actor has no attributes" in window.attributes.editor._empty.text()


def test_filter_the_spans_list_by_attribute(qtbot, main_window):
    window = main_window
    for start, length in ((0, 5), (16, 3)):
        select_with_keys(qtbot, window, start, length)
        press(qtbot, window, "2")
    first, second = sorted(window.text_view.spans(), key=lambda s: s.start)
    window.select_span(second.id)
    press(qtbot, window, ";")
    qtbot.keyClick(window.attributes.editor, "a")
    panel = window.spans_panel
    window.attributes.filter.choose("claim certainty = asserted")
    assert [panel.isRowHidden(row) for row in range(2)] == [True, False]
    window.attributes.filter.choose("claim certainty: no value")
    assert [panel.isRowHidden(row) for row in range(2)] == [False, True]
    window.attributes.filter.choose("all spans")
    assert [panel.isRowHidden(row) for row in range(2)] == [False, False]


def test_deleting_a_span_and_undo_brings_its_attributes_back(qtbot, main_window):
    window = main_window
    select_with_keys(qtbot, window, 0, 5)
    press(qtbot, window, "3")  # quote
    span_id = window.text_view.spans()[0].id
    window.select_span(span_id)
    press(qtbot, window, ";")
    qtbot.keyClick(window.attributes.editor, "r")
    qtbot.keyClick(window.attributes.editor, Qt.Key.Key_Escape)
    window.select_span(span_id)
    press(qtbot, window, Qt.Key.Key_Delete)
    assert stored(window.project.path) == []
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert stored(window.project.path) == [(span_id, "form", '"reported"')]


def test_the_spans_list_reads_values_of_the_rows_it_shows(qtbot, main_window):
    window, project = main_window, main_window.project
    span = project.add_span(2, 0, 6, "claim", "alice")  # made elsewhere (another window, an import)
    project.set_span_attribute(span.id, "certainty", "disputed")
    window.open_document(2)
    model = window.spans_panel.model_
    assert model.attribute_values == {}  # nothing read while opening
    from annotator.ui.spans_panel import COLUMNS
    column = len(COLUMNS) + model.attribute_names.index("certainty")
    qtbot.waitUntil(lambda: model.index(0, column).data() == "disputed")
