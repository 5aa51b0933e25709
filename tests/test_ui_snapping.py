"""Word snapping in the real window: the export's words, abbreviations whole (issues 10.1 and 16.8).

Non-ASCII text goes in through the project (the view's setPlainText), never keyClicks.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.store import Project
from ui_fixtures import *  # noqa: F403
from ui_fixtures import point_of, press, read_spans, select_with_keys, shown_window

pytestmark = pytest.mark.gui

TEXT = "Russia-North Korea talks: Trump’s envoy met officials in the U.S. and Kim J. Un, e.g. here."


@pytest.fixture
def window(qtbot, tmp_path, settings):
    project = Project.open(tmp_path / "snap.db")
    project.add_document(TEXT, title="actors")
    yield shown_window(qtbot, project, "alice", settings)
    project.close()


def labelled(window) -> list[str]:
    return [TEXT[start:end] for _doc, start, end, *_ in read_spans(window.project.path)]


def double_click(qtbot, window, offset: int) -> None:
    qtbot.mouseDClick(window.text_view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(window, offset))


@pytest.mark.parametrize(("part", "inside"), [
    ("U.S.", 0), ("U.S.", 2), ("Russia", 3), ("North", 1), ("Trump", 2), ("J.", 0), ("e.g.", 2)])
def test_double_click_labels_the_exports_word(qtbot, window, part, inside):
    double_click(qtbot, window, TEXT.index(part) + inside)
    press(qtbot, window, "1")
    assert labelled(window) == [part]


def test_shift_arrow_selection_keeps_the_abbreviations_dot(qtbot, window):
    select_with_keys(qtbot, window, TEXT.index("the U.S."), len("the U.S."))
    press(qtbot, window, "2")
    assert labelled(window) == ["the U.S."]


def test_a_selection_inside_an_abbreviation_grows_to_all_of_it(qtbot, window):
    select_with_keys(qtbot, window, TEXT.index("U.S.") + 1, 2)  # ".S"
    press(qtbot, window, "1")
    assert labelled(window) == ["U.S."]


def test_hyphenated_and_possessive_actors_are_labelled_apart(qtbot, window):
    select_with_keys(qtbot, window, TEXT.index("North"), len("North Korea"))
    press(qtbot, window, "1")
    select_with_keys(qtbot, window, TEXT.index("Trump"), len("Trump’s"))  # the clitic is a word of its own
    press(qtbot, window, "1")
    assert labelled(window) == ["North Korea", "Trump’s"]
