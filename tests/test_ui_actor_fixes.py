"""Second tester's actor defects, in the real window on real project files with real key events:
Enter in the `@` bar with its completion list open, the Actors panel reading the list again after a
merge, an import or a review accept that brings actors or links, a clean merge titled as clean, and the
Actors panel's "Merge into" field emptied after a merge picked from its completion list."""

from __future__ import annotations

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.store import Project
from test_ui_actors import label_actor, links
from ui_fixtures import *  # noqa: F403
from ui_fixtures import FIRST, press

pytestmark = pytest.mark.gui


def jones_typed(qtbot, window):
    """The span "Jones" alone, `@`, and "Jones" typed: the open list offers the entry "Bob Jones"."""
    window.project.create_actor("Bob Jones")
    label_actor(qtbot, window, 20, 5)
    press(qtbot, window, "@")
    bar = window.actors.bar
    qtbot.keyClicks(bar.edit, "Jones")  # replaces the selected text
    assert bar.model.stringList() == ["Bob Jones"] and bar.completer.popup().isVisible()
    return bar


def rows(panel) -> list[tuple]:
    return [(r.actor.name, r.spans) for r in panel.model.rows]


@pytest.fixture
def colleague(tmp_path):
    """ben's project file: the first document, "Bob Jones" marked and linked to his entry "Robert Jones"."""
    ben = Project.open(tmp_path / "ben.db")
    doc, _ = ben.add_document(FIRST, title="doc 1")
    start = FIRST.index("Bob Jones")
    ben.link_span(ben.add_span(doc, start, start + 9, "actor", "ben").id, ben.create_actor("Robert Jones").id)
    ben.set_status(doc, "ben", "done")
    ben.close()
    return tmp_path / "ben.db"


def test_enter_with_the_list_open_and_no_row_chosen_creates_the_typed_name(qtbot, main_window):
    window = main_window
    bar = jones_typed(qtbot, window)
    popup = bar.completer.popup()
    qtbot.keyClick(popup, Qt.Key.Key_Return)  # the open list has the keyboard, as for a user
    assert not bar.isVisible() and not popup.isVisible()
    assert links(window.project.path) == [(20, 25, "Jones")]
    assert window.undo_stack.undoText() == "Link span to new actor Jones"


def test_enter_on_the_line_with_the_list_open_also_links(qtbot, main_window):
    window = main_window
    bar = jones_typed(qtbot, window)
    qtbot.keyClick(bar.edit, Qt.Key.Key_Enter)  # the keypad's Enter, delivered to the line
    assert links(window.project.path) == [(20, 25, "Jones")] and not bar.isVisible()


def test_enter_on_a_chosen_row_links_that_row(qtbot, main_window):
    window = main_window
    bar = jones_typed(qtbot, window)
    popup = bar.completer.popup()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert links(window.project.path) == [(20, 25, "Bob Jones")] and not bar.isVisible()
    assert [a.name for a in window.project.actors()] == ["Bob Jones"]


def test_merge_into_picked_from_the_list_empties_the_field(qtbot, main_window):
    window = main_window
    project = window.project
    project.create_actor("Bob Jones")
    small = project.create_actor("Jones")
    window.actors.show_panel()
    panel = window.actors.panel
    panel.select(small.id)
    panel.merge_into.setFocus()
    qtbot.keyClicks(panel.merge_into, "Bo")
    popup = panel.merge_into.completer().popup()
    assert popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert [a.name for a in project.actors()] == ["Bob Jones"]
    assert window.undo_stack.undoText() == "Merge actor Jones into Bob Jones"
    assert panel.merge_into.text() == "" and not popup.isVisible()
    qtbot.keyClick(panel.merge_into, Qt.Key.Key_Return)  # a second Enter on the empty field merges nothing
    assert window.undo_stack.undoText() == "Merge actor Jones into Bob Jones" and window.undo_stack.index() == 1


def test_the_open_panel_reads_the_list_after_a_merge_and_the_summary_is_clean(qtbot, main_window, colleague):
    window = main_window
    window.actors.show_panel()
    panel = window.actors.panel
    assert rows(panel) == []
    window.review.merge_files([colleague])
    assert rows(panel) == [("Robert Jones", 1)]
    summary = window.review.summary
    assert "actors: 1 added" in summary.informativeText()  # told, but nothing went wrong
    assert summary.windowTitle() == "Merge finished" and summary.icon() == QMessageBox.Icon.Information
    summary.close()


def test_a_merge_with_a_problem_is_still_titled_so(qtbot, main_window, tmp_path):
    ben = Project.open(tmp_path / "ben.db")
    doc, _ = ben.add_document(FIRST, title="doc 1")
    ben.add_span(doc, 0, 11, "actor", "gold")  # a gold span without a reviewer: the summary warns
    ben.close()
    main_window.review.merge_files([tmp_path / "ben.db"])
    summary = main_window.review.summary
    assert "have no reviewer" in summary.informativeText()
    assert summary.windowTitle() == "Merge finished with problems" and summary.icon() == QMessageBox.Icon.Warning
    summary.close()


def test_the_open_panel_reads_the_list_after_an_import(qtbot, main_window, tmp_path):
    from annotator.ui.project_files import import_paths

    window = main_window
    window.actors.show_panel()
    panel = window.actors.panel
    source = tmp_path / "new.jsonl"
    source.write_bytes(orjson.dumps({"text": "Carol King spoke.", "annotator": "alice",
                                     "spans": [{"start": 0, "end": 10, "label": "actor", "kb_id": "Q99"}]}) + b"\n")
    import_paths(window, [source])
    assert [r.actor.external_id for r in panel.model.rows] == ["Q99"]



def test_the_open_panel_counts_the_links_review_accepts(qtbot, ws_project, settings):
    from ui_fixtures import CTRL, shown_window

    entry = ws_project.create_actor("Bob Jones")
    start = FIRST.index("Bob Jones")
    for who in ("ana", "ben"):  # both marked and linked him: an agreed span
        ws_project.link_span(ws_project.add_span(1, start, start + 9, "actor", who).id, entry.id)
        ws_project.set_status(1, who, "done")
    window = shown_window(qtbot, ws_project, "rita", settings, doc_id=1)
    qtbot.keyClick(window.text_view, "r", CTRL)  # Review > Review mode
    window.actors.show_panel()
    panel = window.actors.panel
    assert rows(panel) == [("Bob Jones", 2)]
    qtbot.keyClick(window.review.panel.list, "a")  # accept all agreed: gold's span comes with its link
    assert rows(panel) == [("Bob Jones", 3)]
    window.undo_stack.undo()
    assert rows(panel) == [("Bob Jones", 2)]


def test_counts_in_the_export_summary_agree_with_their_nouns():
    from annotator.io.exporters._base import ExportSummary

    summary = ExportSummary(documents=1, records=1, spans_in_records=1, relations_in_records=1)
    summary.untouched_left_out = (1, 1)
    text = "\n".join(summary.lines())
    assert text.startswith("Exported 1 document, 1 record, 1 span.")
    assert "  1 relation written" in text and "1 untouched record left out" in text and "1 document has no" in text
    assert "Exported 2 documents" in ExportSummary(documents=2).lines()[0]
