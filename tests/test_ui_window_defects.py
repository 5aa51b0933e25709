"""Window defects a fresh-clone tester met, each driven as they met it: real project files, real keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from annotator.store import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.text_view import MEASURE
from ui_fixtures import *  # noqa: F403
from ui_fixtures import CTRL, point_of, press, read_relations, select_with_keys, shown_window

pytestmark = pytest.mark.gui


def test_relations_of_the_document_opened_at_startup_are_shown(qtbot, ws_project, settings):
    """Linked, closed, run again: the first document's arcs, Relations list and column are there."""
    actor = ws_project.add_span(1, 0, 11, "actor", "alice")
    quote = ws_project.add_span(1, 47, 73, "quote", "alice")
    ws_project.add_relation(quote.id, actor.id, "said_by")
    window = shown_window(qtbot, ws_project, "alice", settings)
    assert window.doc_id == 1
    controls = window.relations
    assert [(r.head, r.child) for r in controls.painter.relations.values()] == [(quote.id, actor.id)]
    assert controls.model.rowCount() == 1
    model = window.spans_panel.model_
    assert model.data(model.index(model.row_of(quote.id), 4)) == "said_by → Alice Smith"


def test_linking_spans_already_joined_says_why_in_the_status_bar_and_linking_goes_on(qtbot, main_window):
    """Refused before anything is written: no error box, no "NOT saved"; another key may follow."""
    window = main_window
    actor = window.project.add_span(1, 0, 11, "actor", "alice")
    quote = window.project.add_span(1, 47, 73, "quote", "alice")
    window.project.add_relation(quote.id, actor.id, "said_by")
    window.open_document(1)
    window.text_view.setFocus()
    qtbot.mouseClick(window.text_view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(window, 50))
    press(qtbot, window, "r")
    assert window.relations.linking and window.relations.target.id == actor.id
    press(qtbot, window, "s")
    assert window.relations.linking
    message = window.statusBar().currentMessage()
    assert "already joined" in message and "Link “" not in message
    assert read_relations(window.project.path) == [(quote.id, actor.id, "said_by")]
    assert error_dialog(window) is None and window.status_saved.text() == "✓ All changes saved"  # noqa: F405


@pytest.fixture
def long_report(tmp_path):
    """A project whose first document is a long report of long paragraphs (pages of them), then a short one."""
    project = Project.open(tmp_path / "report.db")
    paragraph = "the committee met again and said nothing new to anyone at all. " * 6
    project.add_document("\n".join(f"Paragraph {n}: {paragraph}" for n in range(200)), title="report")
    project.add_document("The next one.", title="next")
    yield project
    project.close()


def test_page_down_and_up_scroll_the_text_and_ctrl_page_keys_change_document(qtbot, long_report, settings):
    window = shown_window(qtbot, long_report, "alice", settings, doc_id=1)
    bar = window.text_view.verticalScrollBar()
    assert bar.value() == 0 and bar.maximum() > 0
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert window.doc_id == 1  # a reading key: the same document, a page further
    first_page = bar.value()
    assert first_page > 0
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert bar.value() > first_page
    press(qtbot, window, Qt.Key.Key_PageUp)
    press(qtbot, window, Qt.Key.Key_PageUp)
    assert bar.value() == 0 and window.doc_id == 1
    press(qtbot, window, Qt.Key.Key_PageDown, CTRL)
    assert window.doc_id == 2
    press(qtbot, window, Qt.Key.Key_PageUp, CTRL)
    assert window.doc_id == 1
    keys = window.actions_by_name["next_doc"].shortcuts()
    assert [k.toString() for k in keys] == ["Alt+Right", "Ctrl+PgDown"]


def test_attributes_panel_drops_the_previous_labels_widgets(qtbot, main_window):
    """Quote, then claim, then actor: only the actor's line is left, no stale captions or buttons."""
    window = main_window
    project = window.project
    assert {d.label for d in project.attribute_defs()} >= {"quote", "claim"}
    project.add_span(1, 0, 11, "actor", "alice")
    project.add_span(1, 16, 34, "claim", "alice")
    project.add_span(1, 47, 73, "quote", "alice")
    window.open_document(1)
    editor = window.attributes.editor
    view = window.text_view.viewport()

    def shown(kind):
        QApplication.processEvents()  # shows the widgets a layout was given (deferred deletes stay pending)
        return [w for w in editor.findChildren(kind) if w.isVisibleTo(editor)]

    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point_of(window, 50))
    assert [b.text() for b in shown(QPushButton)] == ["1 direct (d)", "2 reported (r)"]
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point_of(window, 20))
    assert {b.text().split(" ")[1] for b in shown(QPushButton)} == {"asserted", "hedged", "disputed"}
    assert "form" not in [label.text() for label in shown(QLabel)]
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point_of(window, 2))
    assert shown(QPushButton) == []
    assert [label.text() for label in shown(QLabel)] == ["actor has no attributes (Labels > Edit labels adds some)."]


def test_comfortable_lines_fit_the_pane_when_a_long_document_opens(qtbot, long_report, settings):
    """A window sized before it is shown (as a saved geometry does) lays the text out at the measure."""
    window = MainWindow(long_report, "alice", settings)
    qtbot.addWidget(window)
    window.resize(1500, 950)
    window.show()
    qtbot.waitExposed(window)
    view = window.text_view
    assert view.measure == MEASURE and view.viewportMargins().left() > 0
    assert view.horizontalScrollBar().maximum() == 0
    assert view.document().size().width() <= view.viewport().width()
    wide = view.width()
    window.resize(1100, 800)  # and again after a resize
    qtbot.waitUntil(lambda: view.width() < wide)
    assert view.horizontalScrollBar().maximum() == 0
    assert view.document().size().width() <= view.viewport().width()


def test_a_nested_span_keeps_its_paragraphs_line_height(qtbot, main_window):
    """Labelling a name inside a labelled quote draws its underline in room every line already has."""
    window = main_window
    view = window.text_view
    block = view.document().findBlockByNumber(1)  # They said: "the budget is 40 million".
    select_with_keys(qtbot, window, 47, 26)  # the quote
    press(qtbot, window, "3")
    layout = block.layout()
    before = (view.blockBoundingRect(block).height(), [layout.lineAt(n).y() for n in range(layout.lineCount())])
    assert view.decorations.slots(block) == 0
    select_with_keys(qtbot, window, 62, 10, alt=True)  # "40 million", inside the quote
    press(qtbot, window, "4")
    assert [(s.label, s.end) for s in view.spans()] == [("quote", 72), ("figure", 72)]
    assert view.decorations.slots(block) == 1  # an underline below the quote's background
    after = (view.blockBoundingRect(block).height(), [layout.lineAt(n).y() for n in range(layout.lineCount())])
    assert after == before


def test_entering_review_mode_does_not_grow_the_window_past_the_screen(qtbot, ws_project, settings):
    for who, label in (("ana", "quote"), ("ben", "claim")):
        ws_project.add_span(1, 48, 72, label, who)
        ws_project.add_span(1, 0, 11, "actor", who)
        ws_project.set_status(1, who, "done")
    window = shown_window(qtbot, ws_project, "rita", settings, doc_id=1)
    screen = window.screen().availableGeometry()
    window.resize(min(1500, screen.width()), screen.height())
    qtbot.waitUntil(lambda: window.height() == screen.height())
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.review.active
    qtbot.waitUntil(window.review.panel.isVisible)  # the dock is raised on the next turn of the event loop
    qtbot.wait(50)  # and a grown minimum would resize the window then
    assert window.height() == screen.height()
    assert window.minimumSizeHint().height() <= screen.height()
    panel = window.review.panel
    assert panel.minimumSizeHint().height() > window.review.dock.minimumSizeHint().height()  # it scrolls instead
