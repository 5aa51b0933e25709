"""Arcs on the text view: room only above the lines where an arc ends; a link adds one arc without reading
every relation again."""

from __future__ import annotations

import pytest

from annotator.ui.relations_view import ROOM
from ui_fixtures import *  # noqa: F403
from ui_fixtures import press, read_relations

pytestmark = pytest.mark.gui

TEXT = ("Opening paragraph without any arc in it at all.\n"
        "Merkel spoke first. She said \"we will manage\" to the reporters.\n"
        "A closing paragraph, also without arcs.")


def line_tops(view, paragraph: int) -> list[float]:
    view.viewport().repaint()
    block = view.document().findBlockByNumber(paragraph)
    view.blockBoundingRect(block)  # placed
    layout = block.layout()
    return [layout.lineAt(n).y() for n in range(layout.lineCount())]


@pytest.fixture
def linked(qtbot, main_window):
    project = main_window.project
    doc, _ = project.add_document(TEXT)
    actor_at, quote_at = TEXT.index("Merkel"), TEXT.index("\"we")
    actor = project.add_span(doc, actor_at, actor_at + 6, "actor", "alice")
    quote = project.add_span(doc, quote_at, quote_at + 17, "quote", "alice")
    main_window.open_document(doc)
    main_window.text_view.resize(2000, 600)  # one line per paragraph
    return main_window, doc, actor, quote


def test_only_the_line_where_an_arc_ends_gets_room_and_the_text_stays_the_stored_text(qtbot, linked):
    window, doc, actor, quote = linked
    view = window.text_view
    plain = [line_tops(view, n)[0] for n in range(3)]
    window.project.add_relation(quote.id, actor.id, "said_by")
    window.relations.reload()
    with_arc = [line_tops(view, n)[0] for n in range(3)]
    assert with_arc[0] == plain[0] and with_arc[2] == plain[2]  # no room where no arc ends
    assert with_arc[1] == plain[1] + ROOM
    assert view.document().toPlainText() == window.project.document(doc).text  # room is spacing, not text


def test_linking_by_keyboard_adds_one_arc_without_reading_the_relations_again(qtbot, linked):
    window, doc, actor, quote = linked
    view = window.text_view
    window.select_span(quote.id)
    view.setFocus()
    statements: list[str] = []
    window.project.conn.set_trace_callback(statements.append)
    try:
        press(qtbot, window, "r")
        press(qtbot, window, "s")
    finally:
        window.project.conn.set_trace_callback(None)
    assert read_relations(window.project.path) == [(quote.id, actor.id, "said_by")]
    assert not [sql for sql in statements if "FROM relations r JOIN" in sql]  # no reload of all relations
    assert list(window.relations.painter.relations) == [window.project.relations(doc)[0].id]
    assert line_tops(view, 1)[0] == line_tops(view, 0)[0] + ROOM  # the new arc's line got its room
    model = window.spans_panel.model_
    assert model.data(model.index(model.row_of(quote.id), 4)) == "said_by → Merkel"
    window.undo_stack.undo()
    assert read_relations(window.project.path) == [] and not window.relations.painter.relations
    assert model.data(model.index(model.row_of(quote.id), 4)) in ("", None)
    assert window.relations.model.rowCount() == 0
