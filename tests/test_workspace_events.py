"""Selecting and labelling with real mouse, keyboard, context-menu and tooltip events in the real window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QContextMenuEvent, QHelpEvent
from PySide6.QtWidgets import QApplication, QMenu, QToolTip

from ui_fixtures import *  # noqa: F403
from ui_fixtures import FIRST, SHIFT, point_of, press, read_spans, select_with_keys

pytestmark = pytest.mark.gui


def show_text(qtbot, window, text: str) -> int:
    """Add ``text`` as a project document and open it from the list; returns its id."""
    doc_id, _ = window.project.add_document(text, title="symbols")
    window.documents.apply_filter()
    window.open_document(doc_id)
    window.text_view.setFocus()
    return doc_id


def spans_of(window, doc_id: int) -> list[tuple[str, str]]:
    text = window.project.document_text(doc_id)
    return [(text[s:e], label) for d, s, e, label, *_ in read_spans(window.project.path) if d == doc_id]


EMOJI_TEXT = "Great 👍 and 👍🏽, from 🇯🇵: 👨\u200d👩\u200d👧 1\ufe0f\u20e3 ©.\n"


@pytest.mark.parametrize("symbol", ["👍", "👍🏽", "🇯🇵", "👨\u200d👩\u200d👧", "1\ufe0f\u20e3", "©"])
def test_an_emoji_or_symbol_is_labelled_with_snapping_on(qtbot, main_window, symbol):
    assert main_window.snap_to_words
    doc_id = show_text(qtbot, main_window, EMOJI_TEXT)
    select_with_keys(qtbot, main_window, EMOJI_TEXT.index(symbol), 1)  # one Shift+Right: one character on screen
    assert main_window.text_view.selection() == (EMOJI_TEXT.index(symbol), EMOJI_TEXT.index(symbol) + len(symbol))
    press(qtbot, main_window, "1")
    assert spans_of(main_window, doc_id) == [(symbol, "actor")]


def test_a_selection_running_into_an_emoji_keeps_it_and_drops_the_comma(qtbot, main_window):
    doc_id = show_text(qtbot, main_window, EMOJI_TEXT)
    start = EMOJI_TEXT.index("and")
    select_with_keys(qtbot, main_window, start, len("and 👍🏽,"))
    press(qtbot, main_window, "2")
    assert spans_of(main_window, doc_id) == [("and 👍🏽", "claim")]


def test_the_same_selection_and_label_twice_is_refused(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    select_with_keys(qtbot, main_window, 1, 3)  # "lic": snaps to "Alice" again
    press(qtbot, main_window, "1")
    assert read_spans(main_window.project.path) == [(1, 0, 5, "actor", "alice", None)]
    assert "already labelled actor" in main_window.statusBar().currentMessage()
    assert main_window.undo_action.text().replace("&", "") == "Undo Add actor span"
    assert main_window.spans_panel.model_.rowCount() == 1
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "2")  # another label on the same words is a different span
    assert [s[3] for s in read_spans(main_window.project.path)] == ["actor", "claim"]


def test_relabelling_onto_an_identical_span_is_refused(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "2")  # the claim span is selected now
    press(qtbot, main_window, "1")  # relabelling it to actor would duplicate the first span
    assert [s[3] for s in read_spans(main_window.project.path)] == ["actor", "claim"]
    assert "already labelled actor" in main_window.statusBar().currentMessage()


def test_shift_click_extends_the_selection(qtbot, main_window):
    viewport = main_window.text_view.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point_of(main_window, 1))
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, SHIFT, point_of(main_window, 13))  # inside "met"
    start, end = main_window.text_view.selection()
    assert start <= 1 and 13 <= end < 15
    press(qtbot, main_window, "3")
    (_, s, e, label, *_), = read_spans(main_window.project.path)
    assert (FIRST[s:e], label) == ("Alice Smith met", "quote")


def test_alt_shift_arrows_select_exact_characters(qtbot, main_window):
    assert main_window.snap_to_words
    select_with_keys(qtbot, main_window, 1, 4, alt=True)  # "lice", not snapped to "Alice"
    press(qtbot, main_window, "1")
    select_with_keys(qtbot, main_window, 17, 2)  # "ob" without Alt: snapped to "Bob"
    press(qtbot, main_window, "1")
    assert [FIRST[s:e] for _, s, e, *_ in read_spans(main_window.project.path)] == ["lice", "Bob"]


def test_a_real_context_menu_event_opens_the_span_menu_and_deletes(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    main_window.clear_current_span()
    viewport = main_window.text_view.viewport()
    where = point_of(main_window, 2)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where, viewport.mapToGlobal(where))
    QApplication.sendEvent(viewport, event)
    menu = next(m for m in main_window.findChildren(QMenu, "spanMenu") if m.isVisible())
    assert main_window.text_view.current_span_id is not None  # right-click selected the span
    delete = next(a for a in menu.actions() if a.text().replace("&", "") == "Delete span")
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(delete).center())
    assert read_spans(main_window.project.path) == []
    assert main_window.spans_panel.model_.rowCount() == 0


def test_a_real_tooltip_event_lists_both_nested_spans(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 11)  # "Alice Smith"
    press(qtbot, main_window, "3")
    select_with_keys(qtbot, main_window, 0, 5)  # "Alice", inside it
    press(qtbot, main_window, "1")
    viewport = main_window.text_view.viewport()
    where = point_of(main_window, 2)
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, where, viewport.mapToGlobal(where)))
    qtbot.waitUntil(QToolTip.isVisible)
    tip = QToolTip.text()
    assert "<b>quote</b> (alice): Alice Smith" in tip and "<b>actor</b> (alice): Alice" in tip
    QToolTip.hideText()
    empty = point_of(main_window, 30)  # "Paris": no span there
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, empty, viewport.mapToGlobal(empty)))
    qtbot.waitUntil(lambda: not QToolTip.isVisible())


def test_snapping_state_is_restored_silently(qtbot, main_window, ws_project, settings):
    assert main_window.statusBar().currentMessage() == ""
    assert not settings.contains("snapToWords")  # showing the saved state wrote nothing
    press(qtbot, main_window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier | SHIFT)
    assert main_window.statusBar().currentMessage() == "Exact character selections."
    assert settings.value("snapToWords", type=bool) is False

    from annotator.ui.main_window import MainWindow

    again = MainWindow(ws_project, "alice", settings)  # the next launch
    qtbot.addWidget(again)
    assert again.actions_by_name["snap_words"].isChecked() is False
    assert again.statusBar().currentMessage() == ""
