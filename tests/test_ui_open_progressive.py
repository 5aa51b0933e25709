"""Opening a long document: every span is read, indexed and listed before open_document returns;
each paragraph is highlighted when it is painted.

Whatever the user does right after opening, before any event-loop turn (scroll to the end, add a
span, hover a span), must see every span, exactly once.
"""

from __future__ import annotations

import pytest

from annotator.store import Project
from annotator.ui.main_window import MainWindow
from ui_fixtures import *  # noqa: F403

pytestmark = pytest.mark.gui

PARAGRAPH = "Alice met Bob in Paris and they talked about the budget of the fleet for a long while."


@pytest.fixture
def long_doc_window(qtbot, tmp_path, settings):
    project = Project.open(tmp_path / "long.db")
    text = "\n".join(f"{n} {PARAGRAPH}" for n in range(400))
    doc_id, _ = project.add_document(text, title="long")
    starts = [text.index("Alice", p) for p in (0, len(text) // 2, text.rindex("\n"))]
    project.add_spans({"doc_id": doc_id, "start": s, "end": s + 5, "label": "actor", "annotator": "alice",
                       "origin": "manual"} for s in starts)
    window = MainWindow(project, "alice", settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window, doc_id, text, starts
    project.close()


def formats_at(window: MainWindow, offset: int) -> int:
    block = window.text_view.document().findBlock(window.text_view.offsets.to_utf16(offset))
    return len(block.layout().formats())


def reopen(window: MainWindow, doc_id: int) -> None:
    """Open the document again and paint, without letting the event loop run."""
    window.open_document(doc_id)
    window.text_view.viewport().repaint()


def test_the_whole_document_and_list_at_once(long_doc_window):
    window, doc_id, _text, starts = long_doc_window
    reopen(window, doc_id)
    assert [formats_at(window, start) for start in starts] == [1, 0, 0]  # on screen: highlighted
    assert window.spans_panel.model_.rowCount() == 3
    assert [s.start for s in window.text_view.spans()] == starts
    middle = window.text_view.document().findBlock(window.text_view.offsets.to_utf16(starts[1]))
    window.text_view.verticalScrollBar().setValue(middle.firstLineNumber())  # scrolled into view:
    window.text_view.viewport().repaint()  # paragraphs further down get their formats as they are painted
    assert formats_at(window, starts[1]) == 1


def test_scrolling_to_the_end_at_once_shows_the_highlight(long_doc_window):
    window, doc_id, _text, starts = long_doc_window
    reopen(window, doc_id)
    bar = window.text_view.verticalScrollBar()
    bar.setValue(bar.maximum())
    window.text_view.viewport().repaint()
    assert formats_at(window, starts[-1]) == 1
    assert window.spans_panel.model_.rowCount() == 3


def test_a_span_added_right_after_opening_appears_once(qtbot, long_doc_window):
    window, doc_id, text, starts = long_doc_window
    reopen(window, doc_id)
    bob = text.index("Bob")
    window.text_view.select_range(bob, bob + 3)
    window.apply_label("actor")
    qtbot.wait(10)
    assert sorted(s.start for s in window.text_view.spans()) == sorted([*starts, bob])
    assert [s.start for s in window.spans_panel.model_.spans] == sorted([*starts, bob])
    assert window.documents.model.doc_row(window.documents.model.row_of(doc_id))["spans"] == 4


def test_tooltip_of_a_span_far_down_right_after_opening(long_doc_window):
    window, doc_id, _text, starts = long_doc_window
    reopen(window, doc_id)
    assert [s.start for s in window.text_view.spans_at(starts[1] + 1)] == [starts[1]]
