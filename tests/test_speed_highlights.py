"""What the fast paths of the text view must still get right.

Opening reads and indexes every span and lists them at once; a paragraph gets its formats when
it is painted (scrolled into view); one added or removed span re-formats only its paragraph and
repaints only that region. These tests check the result, never the time: every span is
highlighted wherever it is shown (far down too, with astral characters before it), the list and
the highlight follow an edit at once, only the changed paragraph is repainted, zoom and a change
of style keep the formats right.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QApplication

from annotator.core.model import Span
from annotator.store import Project
from annotator.ui.highlighter import SpanStyle
from annotator.ui.main_window import MainWindow
from ui_fixtures import *  # noqa: F403
from ui_fixtures import shown_window

pytestmark = pytest.mark.gui

PARAGRAPH = "Alice met Bob in Paris and they talked about the budget of the fleet for a long while."


def make_window(qtbot, tmp_path, settings, text: str, spans: list[tuple[int, int, str]]) -> tuple[MainWindow, int]:
    project = Project.open(tmp_path / "speed.db")
    doc_id, _ = project.add_document(text, title="long")
    project.add_spans({"doc_id": doc_id, "start": s, "end": e, "label": label, "annotator": "alice",
                       "origin": "manual"} for s, e, label in spans)
    window = shown_window(qtbot, project, "alice", settings)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.text_view)  # hotkeys reach the window
    return window, doc_id


@pytest.fixture
def long_window(qtbot, tmp_path, settings):
    text = "\n".join(f"{n} {PARAGRAPH}" for n in range(400))
    last = text.rindex("\n") + 1
    spans = [(text.index("Alice", p), text.index("Alice", p) + 5, "actor") for p in (0, len(text) // 2, last)]
    spans += [(last, len(text), "quote"),  # the whole last paragraph, with "Alice" nested in it
              (text.index("fleet", len(text) // 3), text.index("Alice", len(text) // 3 + 100) + 5, "claim")]  # across paragraphs
    window, doc_id = make_window(qtbot, tmp_path, settings, text, spans)
    yield window, doc_id, text
    window.project.close()


def show_block(view, block) -> None:
    """Scroll ``block`` to the top of the view and paint, as a reader scrolling there would."""
    if block.blockNumber() not in {b.blockNumber() for b in view.visible_blocks()}:
        view.verticalScrollBar().setValue(block.firstLineNumber())
    view.viewport().repaint()


def formats_over(window: MainWindow, start: int, end: int) -> list[QTextCharFormat | None]:
    """The format on each character of [start, end) (None where there is none), read from the layouts
    of the paragraphs once shown on screen."""
    view = window.text_view
    found = []
    for offset in range(start, end):
        position = view.offsets.to_utf16(offset)
        block = view.document().findBlock(position)
        show_block(view, block)
        inside = position - block.position()
        if inside == block.length() - 1:
            continue  # the paragraph separator is never drawn
        ranges = [r for r in block.layout().formats() if r.start <= inside < r.start + r.length]
        found.append(QTextCharFormat(ranges[0].format) if ranges else None)
    return found


def highlighted(window: MainWindow, span: Span) -> bool:
    """Every character of the span has a background or an underline."""
    return all(f is not None and (f.background().style() != Qt.BrushStyle.NoBrush
                                  or f.underlineStyle() != QTextCharFormat.UnderlineStyle.NoUnderline)
               for f in formats_over(window, span.start, span.end))


def test_every_span_is_highlighted_and_listed_as_soon_as_the_document_opens(long_window):
    window, doc_id, text = long_window
    window.open_document(doc_id)  # no event-loop turn: every span indexed and listed at once
    spans = window.project.spans(doc_id, "alice")
    assert [s.id for s in window.text_view.spans()] == [s.id for s in spans]
    assert [s.id for s in window.spans_panel.model_.spans] == [s.id for s in spans]
    assert len(spans) == 5 and all(highlighted(window, span) for span in spans)  # each as it is shown
    nested_actor = next(s for s in spans if s.label == "actor" and s.start == text.rindex("Alice"))
    formats_over(window, nested_actor.start, nested_actor.end)  # scrolls it on screen
    assert window.text_view.decorations.bar_rects(nested_actor.id)  # nested: a bar under it
    plain = text.index("Paris")
    assert formats_over(window, plain, plain + 5) == [None] * 5


def test_astral_characters_before_a_span_do_not_shift_its_highlight(qtbot, tmp_path, settings):
    text = "😀🇫🇷 Alice 👩‍👩‍👧 met Bob\nand 𝔸 Carol"
    spans = [(text.index("Alice"), text.index("Alice") + 5, "actor"), (text.index("Carol"), len(text), "actor")]
    window, doc_id = make_window(qtbot, tmp_path, settings, text, spans)
    view = window.text_view
    bob = text.index("Bob")
    view.select_range(bob, bob + 3)
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert [s.start for s in view.spans()] == [spans[0][0], bob, spans[1][0]]
    for start, end, _label in (*spans, (bob, bob + 3, "actor")):
        assert all(f is not None for f in formats_over(window, start, end))
        assert formats_over(window, start - 1, start) == [None] and formats_over(window, end, end + 1) in ([None], [])
    window.project.close()


def test_a_span_added_by_hotkey_is_listed_highlighted_and_saved_at_once(qtbot, long_window):
    window, doc_id, text = long_window
    view = window.text_view
    bob = text.index("Bob", 200)
    view.select_range(bob, bob + 3)
    qtbot.keyClick(view, Qt.Key.Key_1)  # no waiting: the list model and the formats are up to date now
    added = next(s for s in view.spans() if s.start == bob)
    assert highlighted(window, added)
    model = window.spans_panel.model_
    assert [s.start for s in model.spans] == sorted(s.start for s in view.spans())
    assert model.spans[model.row_of(added.id)] == added
    assert window.project.has_span(doc_id, bob, bob + 3, "actor", "alice")


def test_adding_a_span_repaints_its_paragraph_not_the_whole_view(qtbot, long_window):
    window, _doc_id, text = long_window
    view = window.text_view
    qtbot.wait(20)
    second = view.document().firstBlock().next()
    bob = text.index("Bob", second.position())
    view.select_range(bob, bob + 3)
    qtbot.wait(20)
    painted = PaintedRegion(view.viewport())
    qtbot.keyClick(view, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: painted.rect.isValid())
    qtbot.wait(20)
    paragraph = view.blockBoundingGeometry(second).translated(view.contentOffset()).toAlignedRect()
    assert paragraph.contains(painted.rect.adjusted(0, 1, 0, -1).center())
    assert painted.rect.height() < view.viewport().height() / 2


def test_undoing_a_span_far_off_screen_removes_its_highlight(qtbot, long_window):
    window, doc_id, text = long_window
    view = window.text_view
    bob = text.index("Bob")
    view.select_range(bob, bob + 3)
    qtbot.keyClick(view, Qt.Key.Key_1)
    added = next(s for s in view.spans() if s.start == bob)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.span(added.id) is None and formats_over(window, bob, bob + 3) == [None] * 3
    assert window.spans_panel.model_.row_of(added.id) is None


def test_a_span_over_the_whole_text_formats_only_painted_paragraphs_until_the_rest_are_shown(qtbot, long_window):
    window, doc_id, text = long_window
    view = window.text_view
    last = view.document().lastBlock()
    view.select_range(0, len(text))
    qtbot.keyClick(view, Qt.Key.Key_2)
    claim = next(s for s in view.spans() if s.label == "claim" and s.end > len(text) - 5)
    assert last.layout().formats() == []  # never painted: formatted when it first is
    tail = (claim.end - 3, claim.end)
    with_claim = formats_over(window, *tail)
    assert with_claim and all(f is not None for f in with_claim)  # shown now, so formatted
    assert all(f is not None for f in formats_over(window, 0, 3))
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    after_undo = formats_over(window, *tail)  # a painted paragraph is redone at once
    window.open_document(doc_id)
    assert after_undo == formats_over(window, *tail) != with_claim  # as freshly opened, without the claim


def test_a_new_style_and_span_set_replace_every_paragraphs_formats(long_window):
    window, doc_id, text = long_window
    view = window.text_view
    spans = view.spans()
    view.set_spans(spans[:1], lambda span: SpanStyle("#0072b2", role="underline", underline="dash"))
    first, rest = spans[0], spans[1:]  # the first "Alice" overlaps no other span
    assert all(f.underlineStyle() == QTextCharFormat.UnderlineStyle.DashUnderline
               for f in formats_over(window, first.start, first.end))
    assert all(f is None for span in rest for f in formats_over(window, span.start, span.end))


def test_zooming_keeps_every_highlight(qtbot, long_window):
    window, doc_id, _text = long_window
    window.zoom_in()
    window.zoom_in()
    qtbot.wait(10)
    assert all(highlighted(window, span) for span in window.project.spans(doc_id, "alice"))


class PaintedRegion(QObject):
    """The bounding rectangle of every paint event a widget gets from now on."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.rect = QRect()
        widget.installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.rect = self.rect.united(event.rect())
        return False
