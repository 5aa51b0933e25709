"""The document list of a 5,000-document project, read lazily: the rows, progress, filters and
"next unfinished" navigation an analyst sees, after scrolling to the end with real keys."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from annotator.store import Project
from ui_fixtures import *  # noqa: F403
from ui_fixtures import CTRL, press, shown_window

pytestmark = pytest.mark.gui
COUNT = 5000
UNFINISHED = (3, 4998)  # every other document is done, but the last one, which is skipped


@pytest.fixture
def big_project(tmp_path) -> Project:
    proj = Project.open(tmp_path / "big.db")
    with proj.transaction():
        for number in range(1, COUNT + 1):
            proj.add_document(f"Report {number} on the fleet in the harbour.", title=f"report {number:04d}")
        for doc_id in range(1, COUNT + 1):
            if doc_id not in UNFINISHED:
                proj.set_status(doc_id, "alice", "skipped" if doc_id == COUNT else "done")
    proj.add_spans({"doc_id": COUNT, "start": s, "end": e, "label": "actor", "annotator": "alice"}
                   for s, e in ((0, 6), (7, 11)))
    yield proj
    proj.close()


@pytest.fixture
def big_window(qtbot, big_project, settings):
    return shown_window(qtbot, big_project, "alice", settings)


def shown_row(window, row: int) -> list:
    model = window.documents.model
    return [model.data(model.index(row, column)) for column in range(3)]


def test_the_first_unfinished_document_opens_and_the_progress_counts_all(big_window):
    assert big_window.doc_id == 3
    assert big_window.documents.model.rowCount() == COUNT
    assert big_window.documents.progress.text() == f"{COUNT - 3} of {COUNT} done"
    assert big_window.status_position.text() == f"Document 3 of {COUNT} · new"


def test_ctrl_end_scrolls_to_the_last_row_with_its_title_status_and_spans(qtbot, big_window):
    view = big_window.documents.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, CTRL)
    qtbot.wait(10)  # a paint: the last page of rows is read
    assert view.currentIndex().row() == COUNT - 1
    assert view.rowAt(view.viewport().height() - 2) == COUNT - 1  # on screen
    assert shown_row(big_window, COUNT - 1) == [f"report {COUNT}", "skipped", 2]
    assert shown_row(big_window, COUNT - 3) == [f"report {COUNT - 2}", "new", 0]
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert big_window.doc_id == COUNT
    assert big_window.status_position.text() == f"Document {COUNT} of {COUNT} · skipped"


def test_mark_done_at_the_end_wraps_to_the_next_unfinished_document(qtbot, big_window):
    view = big_window.documents.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # document 4999 (done)
    assert big_window.doc_id == COUNT - 1
    press(qtbot, big_window, Qt.Key.Key_Return, CTRL)
    assert big_window.doc_id == 3  # past the skipped last one, round to the start
    press(qtbot, big_window, Qt.Key.Key_Return, CTRL)
    assert big_window.doc_id == 4998
    assert big_window.documents.progress.text() == f"{COUNT - 2} of {COUNT} done"
    with sqlite3.connect(big_window.project.path) as conn:
        assert conn.execute("SELECT status FROM doc_status WHERE doc_id = 3").fetchone() == ("done",)


def test_status_filters_and_search_over_the_big_list(qtbot, big_window):
    documents = big_window.documents
    combo = documents.filter
    combo.setCurrentIndex(combo.findText("Unfinished"))
    assert documents.model.ids == list(UNFINISHED)
    assert documents.progress.text() == f"{COUNT - 3} of {COUNT} done · 2 shown"
    combo.setCurrentIndex(combo.findText("Skipped"))
    assert documents.model.ids == [COUNT]
    combo.setCurrentIndex(combo.findText("Done"))
    assert len(documents.model.ids) == COUNT - 3 and 3 not in documents.model.ids
    assert documents.model.row_of(4999) == COUNT - 4
    combo.setCurrentIndex(combo.findText("All documents"))
    documents.search.setText("4998")
    qtbot.keyClick(documents.search, Qt.Key.Key_Return)
    assert documents.model.ids == [4998]


def test_a_list_whose_ids_have_gaps_navigates_in_order(qtbot, tmp_path, settings):
    with Project.open(tmp_path / "gaps.db") as project:
        project.add_document("First document.", title="first")
        with project.transaction():  # ids as a merge from another project can leave them
            project.conn.execute("INSERT INTO documents (id, uid, sha256, title, text, meta) "
                                 "VALUES (40, 'u40', 'sha40', 'forty', 'Document forty.', '{}')")
        project.add_document("Last document.", title="last")
        window = shown_window(qtbot, project, "alice", settings)
        assert window.documents.model.ids == [1, 40, 41]
        assert window.doc_id == 1
        press(qtbot, window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
        assert window.doc_id == 40
        assert window.status_position.text() == "Document 2 of 3 · new"
        press(qtbot, window, Qt.Key.Key_Return, CTRL)
        assert window.doc_id == 41
        assert window.documents.progress.text() == "1 of 3 done"
