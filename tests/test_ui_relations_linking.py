"""Linking spans in the window with real keys and mouse; arcs drawn; the Relations dock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QMenu

from ui_fixtures import *  # noqa: F403
from ui_fixtures import CTRL, alice_bob_quote, point_of, press, read_relations, read_spans

pytestmark = pytest.mark.gui


@pytest.fixture
def three_spans(qtbot, main_window):
    """Alice Smith, Bob Jones (actors) and the quote, in alice's layer; the quote selected."""
    alice, bob, quote = alice_bob_quote(main_window)
    main_window.text_view.setFocus()
    qtbot.mouseClick(main_window.text_view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(main_window, 50))
    assert main_window.text_view.current_span_id == quote.id
    return main_window, alice, bob, quote


def test_r_then_bracket_then_enter_links_and_undo_unlinks(qtbot, three_spans):
    window, alice, bob, quote = three_spans
    press(qtbot, window, "r")
    controls = window.relations
    assert controls.linking and controls.target.id == bob.id  # nothing after the quote: the span before it
    press(qtbot, window, "[")
    assert controls.target.id == alice.id
    assert window.text_view.current_span_id == quote.id  # [ moved the other end, not the selection
    press(qtbot, window, Qt.Key.Key_Return)  # only said_by goes from a quote to an actor
    assert read_relations(window.project.path) == [(quote.id, alice.id, "said_by")]
    assert not controls.linking and len(controls.painter.relations) == 1
    assert controls.model.rowCount() == 1 and "said_by" in controls.model.index(0).data()
    model = window.spans_panel.model_
    assert model.data(model.index(model.row_of(quote.id), 4)) == "said_by → Alice Smith"
    assert model.data(model.index(model.row_of(alice.id), 4)).startswith("← said_by \"the budget")
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert read_relations(window.project.path) == []
    assert controls.model.rowCount() == 0


def test_relation_hotkey_links_and_escape_cancels(qtbot, three_spans):
    window, alice, bob, quote = three_spans
    press(qtbot, window, "r")
    press(qtbot, window, Qt.Key.Key_Escape)
    assert not window.relations.linking and read_relations(window.project.path) == []
    assert window.text_view.current_span_id == quote.id  # Esc ended the linking only
    press(qtbot, window, "r")
    press(qtbot, window, "s")  # said_by's key
    assert read_relations(window.project.path) == [(quote.id, bob.id, "said_by")]


def active(qtbot, window) -> None:
    """The window active, as for a real user: only then do its window-wide shortcuts take keys first."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_a_relation_against_the_rule_is_refused_in_the_status_bar_and_linking_goes_on(qtbot, three_spans):
    window, alice, bob, quote = three_spans
    active(qtbot, window)
    qtbot.mouseClick(window.text_view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(window, 2))
    press(qtbot, window, "r")  # from Alice (actor): said_by goes from a quote
    press(qtbot, window, "s")
    assert read_relations(window.project.path) == []
    assert error_dialog(window) is None  # nothing was tried on disk: no box, no keyboard blocked
    assert window.statusBar().currentMessage() == (
        "Not linked: 'said_by' goes from a 'quote' span, not from an 'actor' span.")
    assert window.status_saved.text() == "✓ All changes saved"
    controls = window.relations
    assert controls.linking and controls.head.id == alice.id  # another key, or ] / [, may follow
    press(qtbot, window, "]")
    assert controls.target.id == quote.id
    press(qtbot, window, Qt.Key.Key_Escape)
    assert not controls.linking and window.undo_stack.count() == 0


def test_linking_two_spans_already_linked_says_so_without_a_box(qtbot, three_spans):
    window, alice, bob, quote = three_spans
    window.project.add_relation(quote.id, bob.id, "said_by")
    window.relations.reload()
    active(qtbot, window)
    press(qtbot, window, "r")  # from the quote to Bob
    press(qtbot, window, Qt.Key.Key_Return)
    assert error_dialog(window) is None and read_relations(window.project.path) == [(quote.id, bob.id, "said_by")]
    assert window.statusBar().currentMessage() == "Not linked: these two spans are already joined by 'said_by'."
    assert window.relations.linking and window.status_saved.text() == "✓ All changes saved"


def test_no_fitting_label_says_an_before_a_vowel(qtbot, three_spans):
    window, alice, bob, quote = three_spans
    qtbot.mouseClick(window.text_view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(window, 2))
    press(qtbot, window, "r")  # Alice to Bob: actor -> actor
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.statusBar().currentMessage() == "No relation label goes from an actor span to an actor span."


def test_context_menu_link_to_then_click_the_other_span(qtbot, three_spans):
    window, alice, bob, quote = three_spans
    menu = window.show_span_menu(quote.id, window.text_view.viewport().mapToGlobal(point_of(window, 50)))
    link = next(a for a in menu.actions() if a.text() == "Link to...")
    link.trigger()
    menu.close()
    qtbot.mouseClick(window.text_view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(window, 2))
    assert read_relations(window.project.path) == [(quote.id, alice.id, "said_by")]


@pytest.mark.parametrize("key", [Qt.Key.Key_Delete, Qt.Key.Key_Backspace])
def test_deleting_a_relation_from_the_dock_and_selecting_scrolls(qtbot, three_spans, key):
    window, alice, bob, quote = three_spans
    window.project.add_relation(quote.id, alice.id, "said_by")
    window.relations.reload()
    active(qtbot, window)  # (the window's own Delete/Backspace, "delete span", only compete when it is active)
    controls = window.relations
    controls.list.setFocus()
    qtbot.keyClick(controls.list, Qt.Key.Key_Home)  # row 0 chosen with the keyboard
    assert controls.list.currentIndex().row() == 0
    assert window.text_view.current_span_id == quote.id and controls.painter.selected is not None
    qtbot.keyClick(controls.list, key)
    assert read_relations(window.project.path) == []
    assert len(read_spans(window.project.path)) == 3  # the relation went, not its head span
    assert window.undo_stack.undoText() == "Delete said_by relation"
    window.undo_stack.undo()
    assert read_relations(window.project.path) == [(quote.id, alice.id, "said_by")]


def test_undoing_a_relation_deleted_in_the_dock_keeps_the_time_it_was_made(qtbot, three_spans):
    """The window reads relations without the time made (it never shows it); the delete reads it from the file."""
    import sqlite3

    window, alice, bob, quote = three_spans
    made = window.project.add_relation(quote.id, alice.id, "said_by")
    with sqlite3.connect(window.project.path) as conn:
        conn.execute("UPDATE relations SET created = '2020-01-02T03:04:05.000+00:00'")
    window.relations.reload()
    controls = window.relations
    assert controls.model.relations[0].created == ""  # (as read for the window)
    controls.list.setCurrentIndex(controls.model.index(0))
    qtbot.keyClick(controls.list, Qt.Key.Key_Delete)
    window.undo_stack.undo()
    assert window.project.relation(made.id).created == "2020-01-02T03:04:05.000+00:00"


def test_far_end_marker_names_the_other_end(qtbot, main_window):
    """A quote linked to an actor several screens up: the arc ends in a marker whose tooltip names the actor."""
    project = main_window.project
    text = "Merkel spoke.\n" + "Filler line of text.\n" * 200 + "She said \"we will manage\" then."
    doc, _ = project.add_document(text)
    actor = project.add_span(doc, 0, 6, "actor", "alice")
    start = text.index("\"we")
    quote = project.add_span(doc, start, start + 17, "quote", "alice")
    project.add_relation(quote.id, actor.id, "said_by")
    main_window.open_document(doc)
    main_window.text_view.viewport().repaint()  # laid out with the room for arcs
    main_window.select_span(quote.id, scroll=True)
    main_window.text_view.viewport().repaint()
    qtbot.waitUntil(lambda: bool(main_window.relations.painter.markers))
    rect, tip = main_window.relations.painter.markers[0]
    assert tip == "said_by: child “Merkel” (actor), above"
    assert main_window.relations.painter.tooltip_at(rect.center()) == tip
    assert main_window.relations.painter.tooltip_at(QPointF(1, 1)) is None or rect.contains(QPointF(1, 1))
