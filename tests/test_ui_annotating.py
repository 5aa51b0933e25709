"""Annotating in the real window with real key and mouse events; results read back from the SQLite file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QApplication, QInputDialog

from annotator.core.text import normalize_newlines
from ui_fixtures import *  # noqa: F403
from ui_fixtures import FIRST, back_to, drag_select, point_of, press, read_spans, select_with_keys

pytestmark = pytest.mark.gui


def test_keyboard_selection_and_hotkey_make_a_span(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    assert read_spans(main_window.project.path) == [(1, 0, 5, "actor", "alice", None)]
    assert FIRST[0:5] == "Alice"
    assert main_window.spans_panel.model_.rowCount() == 1
    assert main_window.project.status(1, "alice") == "in_progress"


def test_mouse_drag_snaps_to_whole_words(qtbot, main_window):
    drag_select(qtbot, main_window, 2, 9)  # "ice Smi"
    press(qtbot, main_window, "2")
    assert read_spans(main_window.project.path) == [(1, 0, 11, "claim", "alice", None)]  # "Alice Smith"


def test_double_click_selects_a_word(qtbot, main_window):
    qtbot.mouseDClick(main_window.text_view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(main_window, 17))
    press(qtbot, main_window, "1")
    (doc, start, end, *_), = read_spans(main_window.project.path)
    assert FIRST[start:end] == "Bob"


def test_exact_mode_by_toggle_and_by_alt(qtbot, main_window):
    press(qtbot, main_window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not main_window.snap_to_words
    select_with_keys(qtbot, main_window, 1, 4)  # "lice"
    press(qtbot, main_window, "1")
    press(qtbot, main_window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert main_window.snap_to_words
    drag_select(qtbot, main_window, 17, 19, alt=True)  # "ob" of Bob, exact because Alt is held
    press(qtbot, main_window, "4")
    spans = read_spans(main_window.project.path)
    assert [(FIRST[s:e], label) for _, s, e, label, *_ in spans] == [("lice", "actor"), ("ob", "figure")]


def test_whitespace_only_selection_is_refused(qtbot, main_window):
    select_with_keys(qtbot, main_window, 5, 1)  # the space after "Alice"
    press(qtbot, main_window, "1")
    assert read_spans(main_window.project.path) == []
    assert "Nothing to label" in main_window.statusBar().currentMessage()


def test_click_relabel_delete_with_undo_and_redo(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    main_window.clear_current_span()
    qtbot.mouseClick(main_window.text_view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(main_window, 2))
    span_id = main_window.text_view.current_span_id
    assert span_id is not None
    assert main_window.spans_panel.selected_span_id() == span_id

    press(qtbot, main_window, "3")
    assert read_spans(main_window.project.path)[0][3] == "quote"
    assert main_window.undo_action.text().replace("&", "") == "Undo Relabel actor span as quote"
    press(qtbot, main_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert read_spans(main_window.project.path)[0][3] == "actor"
    press(qtbot, main_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert read_spans(main_window.project.path)[0][3] == "quote"

    press(qtbot, main_window, Qt.Key.Key_Delete)
    assert read_spans(main_window.project.path) == []
    assert main_window.spans_panel.model_.rowCount() == 0
    assert main_window.undo_action.text().replace("&", "") == "Undo Delete quote span"
    press(qtbot, main_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert read_spans(main_window.project.path) == [(1, 0, 5, "quote", "alice", None)]
    assert main_window.text_view.span(span_id) is not None  # the same span, with its id, is back

    press(qtbot, main_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # relabel
    press(qtbot, main_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # add
    assert read_spans(main_window.project.path) == []
    assert main_window.project.status(1, "alice") == "new"
    for _ in range(3):
        press(qtbot, main_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert read_spans(main_window.project.path) == []  # add, relabel, delete redone
    assert main_window.project.status(1, "alice") == "in_progress"


def test_backspace_deletes_selected_span(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    press(qtbot, main_window, Qt.Key.Key_Backspace)
    assert read_spans(main_window.project.path) == []


def test_note_added_through_the_dialog_and_undone(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    press(qtbot, main_window, Qt.Key.Key_F2)
    dialog = main_window.findChild(QInputDialog, "askText")
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue("check spelling")
    dialog.accept()
    qtbot.waitUntil(lambda: read_spans(main_window.project.path)[0][5] == "check spelling")
    back_to(qtbot, main_window)
    assert main_window.spans_panel.model_.data(main_window.spans_panel.model_.index(0, 3)) == "check spelling"
    assert main_window.undo_action.text().replace("&", "") == "Undo Add note"
    press(qtbot, main_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert read_spans(main_window.project.path)[0][5] is None


def test_a_text_prompt_answers_after_its_own_key_handler_returned(qtbot, main_window):
    """The answer to a prompt (say, merging a colleague's file) may run events; run inside the
    dialog's Return handler, that let the dialog's deferred delete free it under the handler
    (valgrind: invalid write in QDialog::keyPressEvent; the suite aborted now and then)."""
    from PySide6.QtWidgets import QLineEdit

    from annotator.ui.prompts import ask_text

    inside_key_handler = [True]
    answers: list[tuple[str, bool]] = []

    def on_ok(text: str) -> None:
        QApplication.processEvents()  # as a progress bar would
        answers.append((text, inside_key_handler[0]))

    dialog = ask_text(main_window, "Whose work is this?", "Whose spans are they?", "", on_ok)
    field = dialog.findChild(QLineEdit)
    qtbot.keyClicks(field, "cy")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    inside_key_handler[0] = False
    qtbot.waitUntil(lambda: bool(answers))
    assert answers == [("cy", False)]


def test_context_menu_relabels_and_copies(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    span_id = main_window.text_view.current_span_id
    menu = main_window.show_span_menu(span_id, main_window.mapToGlobal(point_of(main_window, 2)))
    relabel = next(a.menu() for a in menu.actions() if a.menu() is not None)
    next(a for a in relabel.actions() if a.text() == "figure").trigger()
    menu.close()
    assert read_spans(main_window.project.path)[0][3] == "figure"
    menu = main_window.show_span_menu(span_id, main_window.mapToGlobal(point_of(main_window, 2)))
    next(a for a in menu.actions() if a.text().replace("&", "") == "Copy span text").trigger()
    menu.close()
    assert QApplication.clipboard().text() == "Alice"


def test_overlapping_spans_stay_distinct(qtbot, main_window):
    select_with_keys(qtbot, main_window, 0, 34)  # the first sentence
    press(qtbot, main_window, "3")
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    select_with_keys(qtbot, main_window, 29, 5)  # "Paris"
    press(qtbot, main_window, "1")
    spans = read_spans(main_window.project.path)
    assert [(FIRST[s:e], label) for _, s, e, label, *_ in spans] == [
        ("Alice Smith met Bob Jones in Paris", "quote"), ("Alice", "actor"), ("Paris", "actor")]
    block = main_window.text_view.document().firstBlock()
    ranges = block.layout().formats()

    def format_at(position: int):
        return next(r.format for r in ranges if r.start <= position < r.start + r.length)

    inner, outer = format_at(2), format_at(12)
    assert outer.background().color().isValid() and outer.underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
    assert inner.background().color() == outer.background().color()  # the quote's background continues
    view = main_window.text_view
    quote, alice, paris = (span.id for span in view.spans())
    assert view.decorations.bar_rects(quote) == []  # the outer span is its background
    for span_id, (start, end) in ((alice, (0, 5)), (paris, (29, 34))):  # each nested one: a bar as wide as it
        [bar] = view.decorations.bar_rects(span_id)
        [line] = view.paragraphs_on_screen()[0].rects(start, end)
        assert bar.left() == line.left() and bar.width() == line.width()
        assert bar.top() > line.bottom() and bar.height() >= 3  # below the letters, readable
    tip = main_window.text_view.tooltip_text(main_window.text_view.spans_at_point(point_of(main_window, 2)))
    assert "quote" in tip and "actor" in tip


def test_spans_panel_and_text_share_the_selection(qtbot, main_window):
    for start in (16, 0):
        select_with_keys(qtbot, main_window, start, 3)
        press(qtbot, main_window, "1")
    panel = main_window.spans_panel
    first_row = panel.model_.index(0, 0)
    assert panel.model_.data(first_row) == "Alice"  # text order, not creation order
    rect = panel.visualRect(first_row)
    qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert main_window.text_view.current_span_id == panel.model_.spans[0].id
    press(qtbot, main_window, "]")
    assert main_window.text_view.current_span_id == panel.model_.spans[1].id
    assert panel.selected_span_id() == panel.model_.spans[1].id


def test_emoji_cjk_crlf_document_offsets(qtbot, main_window):
    raw = "Intro 👍🏽 line\r\n東京 では 🇯🇵 Kim Jong-un said “hi” 👨‍👩‍👧 end\r\n"
    text = normalize_newlines(raw)
    doc_id, _ = main_window.project.add_document(text, title="unicode")
    main_window.documents.apply_filter()
    main_window.open_document(doc_id)
    target = "Kim Jong-un"
    start = text.index(target)
    main_window.text_view.setFocus()
    view = main_window.text_view
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_utf16(start))
    view.setTextCursor(cursor)
    for _ in range(len(target)):  # every character here is in the BMP: one Right each
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, main_window, "1")
    emoji_start = text.index("👨")
    select_with_keys(qtbot, main_window, emoji_start - 1, 2)  # space + the family emoji (one grapheme)
    press(qtbot, main_window, "4")  # snapping drops the space and keeps the emoji whole
    spans = [s for s in read_spans(main_window.project.path) if s[0] == doc_id]
    texts = [text[s:e] for _, s, e, *_ in spans]
    assert texts == [target, "👨‍👩‍👧"]
    cjk = text.index("東京")
    select_with_keys(qtbot, main_window, cjk, 2)
    press(qtbot, main_window, "2")
    spans = [s for s in read_spans(main_window.project.path) if s[0] == doc_id]
    assert [text[s:e] for _, s, e, *_ in spans] == ["東京", target, "👨‍👩‍👧"]


def test_the_spans_list_takes_any_sequence_and_reads_cells_from_columns(qtbot):
    from annotator.core.model import Span
    from annotator.ui.spans_panel import SpanListModel

    model = SpanListModel()
    model.set_spans("", [])  # what the window shows before any document
    assert model.rowCount() == 0 and model.row_of(1) is None
    text = "Kim 😀 met 北京 officials"
    model.set_spans(text, [Span(2, 1, 10, 12, "actor", "ann", note="the city"), Span(1, 1, 0, 3, "actor", "ann")])
    model.add(Span(3, 1, 4, 5, "figure", "ann"))
    cells = [[model.data(model.index(row, column)) for column in range(4)] for row in range(model.rowCount())]
    assert cells == [["Kim", "actor", "ann", ""], ["😀", "figure", "ann", ""], ["北京", "actor", "ann", "the city"]]
    assert model.data(model.index(2, 0), Qt.ItemDataRole.UserRole) == 2 and model.row_of(3) == 1


def test_the_times_a_span_was_made_and_changed_survive_delete_and_undo_in_the_window(qtbot, ws_project, settings):
    """The window reads its spans without the times made and changed (it never shows them); a delete
    and its undo still put back what the file held, a relabel keeps the time made, and its undo the time
    changed."""
    import sqlite3

    def times() -> list[tuple]:
        with sqlite3.connect(ws_project.path) as conn:
            return conn.execute("SELECT id, created, updated FROM spans ORDER BY id").fetchall()

    span = ws_project.add_span(1, 0, 5, "actor", "alice")
    with sqlite3.connect(ws_project.path) as conn:  # an old span: its times are not now
        conn.execute("UPDATE spans SET created = '2020-01-02T03:04:05.000+00:00', updated = created")
    before = times()
    window = shown_window(qtbot, ws_project, "alice", settings, doc_id=1)
    assert window.text_view.span(span.id).created == ""  # (as read for the window)
    window.select_span(span.id)
    press(qtbot, window, Qt.Key.Key_Delete)
    assert times() == []
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert times() == before
    window.select_span(span.id)
    press(qtbot, window, "3")  # relabel as quote
    assert times()[0][1] == before[0][1] and times()[0][2] > before[0][2]
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the relabel undone: its time too
    assert times() == before
