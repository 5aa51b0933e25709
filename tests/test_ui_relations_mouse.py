"""Linking with the mouse: Ctrl+drag from a span to another with real QTest press/move/release, then the picker."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from ui_fixtures import *  # noqa: F403
from ui_fixtures import CTRL, alice_bob_quote, point_of, read_relations

pytestmark = pytest.mark.gui


@pytest.fixture
def spans(qtbot, main_window):
    """Alice Smith, Bob Jones (actors) and the quote "the budget is 40 million", in alice's layer."""
    alice, bob, quote = alice_bob_quote(main_window)
    return main_window, alice, bob, quote


def ctrl_drag(window, start: int, end: int) -> None:
    viewport = window.text_view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, CTRL, point_of(window, start))
    QTest.mouseMove(viewport, point_of(window, (start + end) // 2))
    QTest.mouseMove(viewport, point_of(window, end))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, CTRL, point_of(window, end))


def picker() -> QMenu | None:
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMenu) and w.objectName() == "relationPicker" and w.isVisible()), None)


def test_ctrl_drag_from_the_quote_to_an_actor_offers_the_fitting_labels_and_links(qtbot, spans):
    window, alice, bob, quote = spans
    ctrl_drag(window, 50, 2)
    menu = picker()
    assert menu is not None
    assert [action.text() for action in menu.actions()] == ["said_by\tS"]  # only said_by goes quote -> actor
    assert window.relations.painter.pending == (quote.id, alice.id)  # the dashed arc while choosing
    said_by = menu.actions()[0]
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(said_by).center())
    assert read_relations(window.project.path) == [(quote.id, alice.id, "said_by")]
    assert window.relations.painter.pending is None and not window.relations.linking
    assert window.relations.model.rowCount() == 1
    assert window.text_view.selection() is None  # the drag selected no text
    window.undo_stack.undo()
    assert read_relations(window.project.path) == [] and window.relations.model.rowCount() == 0


def test_escape_in_the_picker_links_nothing(qtbot, spans):
    window, alice, bob, quote = spans
    ctrl_drag(window, 50, 18)
    menu = picker()
    qtbot.keyClick(menu, Qt.Key.Key_Escape)
    assert picker() is None
    assert read_relations(window.project.path) == []
    assert not window.relations.linking and window.relations.painter.pending is None


def test_a_drag_between_spans_no_label_fits_says_why(qtbot, spans):
    window, alice, bob, quote = spans
    ctrl_drag(window, 2, 18)  # actor -> actor
    assert picker() is None and read_relations(window.project.path) == []
    assert window.statusBar().currentMessage() == "No relation label goes from an actor span to an actor span."
    assert not window.relations.linking


def test_a_drag_onto_spans_already_linked_says_so_without_a_box(qtbot, spans):
    window, alice, bob, quote = spans
    window.project.add_relation(quote.id, alice.id, "said_by")
    window.relations.reload()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    ctrl_drag(window, 50, 2)
    menu = picker()
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(menu.actions()[0]).center())
    assert error_dialog(window) is None  # noqa: F405
    assert read_relations(window.project.path) == [(quote.id, alice.id, "said_by")]
    assert window.statusBar().currentMessage() == "Not linked: these two spans are already joined by 'said_by'."
    assert window.status_saved.text() == "✓ All changes saved" and not window.relations.linking


def test_a_plain_drag_still_selects_text(qtbot, spans):
    window, alice, bob, quote = spans
    viewport = window.text_view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point_of(window, 50))
    QTest.mouseMove(viewport, point_of(window, 60))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point_of(window, 60))
    assert window.text_view.selection() is not None
    assert picker() is None and not window.relations.linking and read_relations(window.project.path) == []


def test_the_text_stays_still_while_dragging_and_the_drop_links_the_span_aimed_at(qtbot, spans):
    """Points are taken before the press: a drag that moved the lines would drop on another span."""
    window, alice, bob, quote = spans
    view, viewport = window.text_view, window.text_view.viewport()
    cursor = QTextCursor(view.document())

    def line_y(offset: int) -> int:
        cursor.setPosition(view.offsets.to_utf16(offset))
        return view.cursorRect(cursor).y()

    before = (line_y(2), line_y(50))
    press, middle, drop = point_of(window, 50), point_of(window, 30), point_of(window, 2)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, CTRL, press)
    QTest.mouseMove(viewport, middle)
    QApplication.processEvents()
    assert window.relations.linking
    assert (line_y(2), line_y(50)) == before
    QTest.mouseMove(viewport, drop)
    QApplication.processEvents()
    assert (line_y(2), line_y(50)) == before
    assert window.relations.painter.pending == (quote.id, alice.id)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, CTRL, drop)
    menu = picker()
    assert menu is not None and [action.text() for action in menu.actions()] == ["said_by\tS"]
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(menu.actions()[0]).center())
    assert read_relations(window.project.path) == [(quote.id, alice.id, "said_by")]
