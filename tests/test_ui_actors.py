"""The actor list in the window, by keyboard: `@` opens the link bar, Enter creates an entry from the span
or links to a typed (completed) one, a text linked before is offered as the one-key suggestion; the
Actors dock lists entries with counts, opens mentions, edits and merges two entries as one undo step.
Every step is read back from the file by a second connection."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from ui_fixtures import *  # noqa: F403
from ui_fixtures import CTRL, press, select_with_keys

pytestmark = pytest.mark.gui


def links(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT s.start, s.[end], a.name FROM span_actors l JOIN spans s ON s.id = l.span_id"
                            " JOIN actors a ON a.id = l.actor_id ORDER BY s.start").fetchall()


def actors(path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM actors ORDER BY name")]


def label_actor(qtbot, window, start, length):
    select_with_keys(qtbot, window, start, length)
    press(qtbot, window, "1")  # actor
    span = next(s for s in window.text_view.spans() if s.start == start)
    window.select_span(span.id)
    return span


def test_create_from_the_span_then_the_suggestion_is_one_key(qtbot, main_window):
    window = main_window
    label_actor(qtbot, window, 0, 11)  # "Alice Smith"
    press(qtbot, window, "@")
    bar = window.actors.bar
    assert bar.isVisible() and bar.edit.hasFocus() and bar.edit.text() == "Alice Smith"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)  # a new entry from the span
    assert links(window.project.path) == [(0, 11, "Alice Smith")] and not bar.isVisible()
    assert window.undo_stack.undoText() == "Link span to new actor Alice Smith"
    assert window.text_view.hasFocus()
    model = window.spans_panel.model_
    qtbot.waitUntil(lambda: model.index(model.row_of(window.current_span().id), 5).data() == "Alice Smith")
    assert window.actors.link_line.text() == f"Actor: Alice Smith ({window.project.actors()[0].uid})"
    # the second document mentions nobody; the first again: select 'Alice Smith' a second time elsewhere
    window.project.add_document("Alice Smith spoke. Smith left.", title="doc 4")
    window.open_document(4)
    label_actor(qtbot, window, 0, 11)
    press(qtbot, window, "@")
    assert bar.edit.text() == "Alice Smith" and "linked before" in bar.hint.text()
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)  # one key accepts the suggestion
    assert links(window.project.path) == [(0, 11, "Alice Smith"), (0, 11, "Alice Smith")]
    assert actors(window.project.path) == ["Alice Smith"]
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL)
    assert len(links(window.project.path)) == 1
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL)  # the span added in doc 4
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL)  # the first link: the entry it made goes too
    assert actors(window.project.path) == [] and links(window.project.path) == []
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # redo: the same entry
    assert links(window.project.path) == [(0, 11, "Alice Smith")]


def test_typing_completes_and_links_to_an_existing_entry(qtbot, main_window):
    window = main_window
    window.project.create_actor("Robert Jones", aliases=["Bob Jones"], external_id="Q42")
    window.project.create_actor("Alice Smith")
    span = label_actor(qtbot, window, 16, 9)  # "Bob Jones": its alias
    press(qtbot, window, "@")
    bar = window.actors.bar
    assert bar.edit.text() == "Robert Jones"  # the alias suggests its entry
    qtbot.keyClicks(bar.edit, "rob")
    assert bar.model.stringList() == ["Robert Jones"]
    assert bar.completer.popup().isVisible()
    qtbot.keyClick(bar.completer.popup(), Qt.Key.Key_Down)
    qtbot.keyClick(bar.completer.popup(), Qt.Key.Key_Return)  # takes the completion and links: one Enter
    assert not bar.isVisible()
    assert links(window.project.path) == [(16, 25, "Robert Jones")]
    # an emptied line unlinks; Esc closes without a change
    window.select_span(span.id)
    press(qtbot, window, "@")
    bar.edit.clear()
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert links(window.project.path) == []
    press(qtbot, window, "@")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible() and links(window.project.path) == []
    # deleting the span and undoing brings its link back
    press(qtbot, window, "@")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert links(window.project.path) == [(16, 25, "Robert Jones")]
    window.select_span(span.id)
    press(qtbot, window, Qt.Key.Key_Delete)
    assert links(window.project.path) == []
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL)
    assert links(window.project.path) == [(16, 25, "Robert Jones")]


def test_panel_counts_mentions_merge_and_undo(qtbot, main_window):
    window = main_window
    project = window.project
    big = project.create_actor("Alice Smith", external_id="Q1")
    small = project.create_actor("Alice")
    first = label_actor(qtbot, window, 0, 11)
    second = label_actor(qtbot, window, 16, 9)
    project.link_span(first.id, big.id)
    project.link_span(second.id, small.id)
    press(qtbot, window, Qt.Key.Key_J, CTRL | Qt.KeyboardModifier.ShiftModifier)  # Go to actors list
    panel = window.actors.panel
    assert [(r.actor.name, r.spans, r.documents) for r in panel.model.rows] == [("Alice", 1, 1), ("Alice Smith", 1, 1)]
    assert panel.table.hasFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Home)
    assert panel.selected() == small and panel.mentions.count() == 1
    assert "Bob Jones" in panel.mentions.item(0).text()
    panel.merge_into.setFocus()
    qtbot.keyClicks(panel.merge_into, "Alice Smith")
    panel.merge_into.completer().popup().hide()
    qtbot.keyClick(panel.merge_into, Qt.Key.Key_Return)
    assert links(project.path) == [(0, 11, "Alice Smith"), (16, 25, "Alice Smith")]
    assert actors(project.path) == ["Alice Smith"] and project.actor(big.id).aliases == ("Alice",)
    assert window.undo_stack.undoText() == "Merge actor Alice into Alice Smith"
    assert [(r.actor.name, r.spans) for r in panel.model.rows] == [("Alice Smith", 2)]
    assert panel.selected().id == big.id and panel.mentions.count() == 2
    qtbot.keyClick(panel.table, Qt.Key.Key_Z, CTRL)  # one undo step brings both entries back
    assert links(project.path) == [(0, 11, "Alice Smith"), (16, 25, "Alice")]
    assert actors(project.path) == ["Alice", "Alice Smith"] and project.actor(big.id).aliases == ()
    # edit name, aliases and external id from the dock; Enter saves as one undo step
    panel.select(big.id)
    panel.aliases.setText("A. Smith; Ms Smith")
    panel.external_id.setFocus()
    panel.external_id.selectAll()
    qtbot.keyClicks(panel.external_id, "Q7")
    qtbot.keyClick(panel.external_id, Qt.Key.Key_Return)
    assert project.actor(big.id).aliases == ("A. Smith", "Ms Smith") and project.actor(big.id).external_id == "Q7"
    assert window.undo_stack.undoText() == "Edit actor Alice Smith"
    # a mention opens its span in the text
    window.select_span(None)
    panel.mentions.setFocus()
    panel.mentions.setCurrentRow(0)
    qtbot.keyClick(panel.mentions, Qt.Key.Key_Return)
    assert window.current_span().id == first.id and window.text_view.hasFocus()


def test_without_a_span_the_key_says_what_to_do(qtbot, main_window):
    press(qtbot, main_window, "@")
    assert "Select a span" in main_window.statusBar().currentMessage()
    assert not main_window.actors.bar.isVisible()


def test_the_open_panel_follows_links_made_by_keyboard(qtbot, main_window):
    window = main_window
    window.project.create_actor("Bob Jones")
    window.actors.show_panel()
    panel = window.actors.panel
    assert [(r.actor.name, r.spans) for r in panel.model.rows] == [("Bob Jones", 0)]
    label_actor(qtbot, window, 16, 9)
    press(qtbot, window, "@")
    qtbot.keyClick(window.actors.bar.edit, Qt.Key.Key_Return)  # the span's text is the entry's name
    assert [(r.actor.name, r.spans, r.documents) for r in panel.model.rows] == [("Bob Jones", 1, 1)]
    label_actor(qtbot, window, 0, 11)
    press(qtbot, window, "@")
    qtbot.keyClick(window.actors.bar.edit, Qt.Key.Key_Return)  # a new entry: the list grows
    assert [(r.actor.name, r.spans) for r in panel.model.rows] == [("Alice Smith", 1), ("Bob Jones", 1)]
    panel.filter.setText("smi")
    assert [r.actor.name for r in panel.model.rows] == ["Alice Smith"]
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, CTRL)
    assert [r.actor.name for r in panel.model.rows] == []  # Alice's entry went with the undo
    panel.filter.clear()
    assert [(r.actor.name, r.spans) for r in panel.model.rows] == [("Bob Jones", 1)]
