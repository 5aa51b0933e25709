"""Ctrl+Right / Ctrl+Left (with Shift: select) step by the words of core/tokens.py, not Qt's word boundaries:
an abbreviation (U.S., D.C.) is one step, an emoji with its skin tone is one, offsets stay code points."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.tokens import next_word_start, previous_word_start
from ui_fixtures import *  # noqa: F403
from ui_fixtures import CTRL, SHIFT

pytestmark = pytest.mark.gui

TEXT = "the U.S. and 👍🏽 D.C. today"
STARTS = [0, 4, 9, 13, 16, 21]  # the words' code-point starts


@pytest.fixture
def window(qtbot, main_window):
    doc_id, _ = main_window.project.add_document(TEXT, title="words")
    main_window.open_document(doc_id)
    main_window.text_view.setFocus()
    return main_window


def put_cursor(view, offset: int) -> None:
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_utf16(offset))
    view.setTextCursor(cursor)


def test_ctrl_right_and_left_step_over_abbreviations_and_emoji_in_one_press(qtbot, window):
    view = window.text_view
    put_cursor(view, 0)
    seen = []
    for _ in range(7):
        qtbot.keyClick(view, Qt.Key.Key_Right, CTRL)
        seen.append(view.cursor_offset())
    assert seen == STARTS[1:] + [len(TEXT), len(TEXT)]
    assert view.textCursor().position() == len(TEXT.encode("utf-16-le")) // 2  # Qt counts UTF-16 units
    seen = []
    for _ in range(7):
        qtbot.keyClick(view, Qt.Key.Key_Left, CTRL)
        seen.append(view.cursor_offset())
    assert seen == STARTS[::-1] + [0]


def test_ctrl_shift_right_selects_u_s_in_one_press_and_the_emoji_in_one_more(qtbot, window):
    view = window.text_view
    put_cursor(view, 4)
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT)
    assert view.selection() == (4, 9) and TEXT[4:9] == "U.S. "
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT)
    assert view.selection() == (4, 16)
    qtbot.keyClick(view, Qt.Key.Key_Left, CTRL | SHIFT)
    assert view.selection() == (4, 13)
    put_cursor(view, 20)
    qtbot.keyClick(view, Qt.Key.Key_Left, CTRL | SHIFT)
    assert view.selection() == (16, 20) and TEXT[16:20] == "D.C."


def test_a_press_inside_a_word_goes_to_its_start_or_the_next_one():
    assert previous_word_start(TEXT, 6) == 4 and next_word_start(TEXT, 6) == 9
    assert previous_word_start(TEXT, 14) == 13 and next_word_start(TEXT, 14) == 16  # (inside 👍🏽)
    assert next_word_start("a\n\nb", 1) == 3 and previous_word_start("a\n\nb", 3) == 0
    assert next_word_start("", 0) == 0 and previous_word_start("", 0) == 0
    assert next_word_start("end.", 0) == 3 and next_word_start("end.", 3) == 4  # punctuation is a stop, as in Qt
