"""Review mode with real widgets and keys: disagreements, accepting into gold, undo, status, the window."""

from __future__ import annotations

import json
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QInputDialog, QLineEdit

from annotator.core.disagreements import agreed_spans
from annotator.core.model import GOLD_ANNOTATOR
from annotator.store import Project
from annotator.ui.commands import ChangeNotifier
from annotator.ui.main_window import MainWindow
from annotator.ui.review_panel import ReviewPanel
from ui_fixtures import words_at as at, CTRL, SAMPLE_DOCS, press, review_panel, select_with_keys, settings, shown_window  # noqa: F401

pytestmark = pytest.mark.gui


@pytest.fixture
def review_project(tmp_path) -> Project:
    """The two sample documents labelled by ana and ben, with one disagreement of every kind."""
    proj = Project.open(tmp_path / "review.db")
    ids = []
    for path in sorted(SAMPLE_DOCS.glob("*.txt")):
        ids.append(proj.add_document(path.read_text(encoding="utf-8"), title=path.stem)[0])
    doc = ids[0]  # korea-peninsula-threat
    text = proj.document_text(doc)
    both = [("U.S. officials", "actor"), ("Bruce Klingner", "actor")]
    for words, label in both:
        for who in ("ana", "ben"):
            proj.add_span(doc, *at(text, words), label, who)
    proj.add_span(doc, *at(text, "North Korea"), "actor", "ana")  # label disagreement
    proj.add_span(doc, *at(text, "North Korea"), "claim", "ben")
    proj.add_span(doc, *at(text, "1.3 million soldiers"), "figure", "ana")  # boundary disagreement
    proj.add_span(doc, *at(text, "1.3 million"), "figure", "ben")
    proj.add_span(doc, *at(text, "Heritage Foundation"), "actor", "ana")  # only ana
    proj.add_span(doc, *at(text, "Washington, D.C."), "actor", "ben")  # only ben
    other = proj.document_text(ids[1])
    proj.add_span(ids[1], *at(other, "Russia"), "actor", "ana")
    proj.add_span(ids[1], *at(other, "Russia"), "actor", "ben")
    for doc_id in ids:
        for who in ("ana", "ben"):
            proj.set_status(doc_id, who, "done")
    yield proj
    proj.close()


def gold_rows(path) -> list[tuple]:
    """Gold spans as the project file holds them, through a connection of our own."""
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT doc_id, start, [end], label, origin, reviewer FROM spans WHERE annotator = ? ORDER BY start",
            [GOLD_ANNOTATOR],
        ).fetchall()


@pytest.fixture
def panel(qtbot, review_project) -> ReviewPanel:
    return review_panel(qtbot, review_project)


def key(qtbot, panel: ReviewPanel, k) -> None:
    qtbot.keyClick(panel.list, k)


def test_disagreements_are_listed_and_classified(panel):
    kinds = [(d.kind, d.annotators, d.missing) for d in panel.disagreements]
    assert kinds == [
        ("label", ("ana", "ben"), ()),
        ("boundary", ("ana", "ben"), ()),
        ("missing", ("ana",), ("ben",)),
        ("missing", ("ben",), ("ana",)),
    ]
    assert panel.row_text(0).startswith("1. ·  different label — “North Korea”")
    assert "only ana" in panel.row_text(2)
    assert [b.text().split(" — ")[0] for b in panel.version_buttons] == ["1  ana", "2  ben"]


def test_the_list_shows_each_row_as_made_when_painted_and_repaints_a_decided_one(qtbot, panel):
    """Rows are made when the view asks (no text stored up front); a decision tells the view to ask again."""
    model = panel.model
    shown = [model.data(model.index(row)) for row in range(model.rowCount())]
    assert shown == [panel.row_text(row) for row in range(4)]
    assert model.stringList() == [""] * 4  # the C++ list only counts the rows
    repainted = []
    model.dataChanged.connect(lambda first, last: repainted.append((first.row(), last.row())))
    key(qtbot, panel, "1")
    assert (0, 0) in repainted
    assert model.data(model.index(0)).startswith("1. ✓ actor  different label")
    assert model.data(model.index(0), Qt.ItemDataRole.ToolTipRole).endswith("gold: actor")


def test_n_and_p_step_and_announce_the_disagreement(qtbot, panel):
    seen = []
    panel.disagreementChanged.connect(seen.append)
    key(qtbot, panel, "n")
    key(qtbot, panel, "n")
    assert panel.row() == 2
    assert seen[-1].kind == "missing"
    key(qtbot, panel, "p")
    assert panel.current().kind == "boundary"
    for _ in range(6):
        key(qtbot, panel, "n")
    assert panel.row() == 3  # stops at the last one


def test_accepting_annotator_1_puts_their_span_in_gold_and_undo_removes_it(qtbot, panel):
    start, end = at(panel.text, "North Korea")
    key(qtbot, panel, "1")
    assert gold_rows(panel.project.path) == [(1, start, end, "actor", "gold", "rita")]
    assert panel.row() == 1  # moved on to the next disagreement
    assert "✓ actor" in panel.row_text(0)
    assert panel.project.review_status(1) == "in_review"
    stack = panel.undo_stack
    assert stack.count() == 1
    stack.undo()
    assert gold_rows(panel.project.path) == []
    stack.redo()
    assert gold_rows(panel.project.path) == [(1, start, end, "actor", "gold", "rita")]


def test_accepting_another_version_replaces_the_gold_in_the_region(qtbot, panel):
    key(qtbot, panel, "1")  # ana: actor
    key(qtbot, panel, "p")
    key(qtbot, panel, "2")  # ben: claim
    start, end = at(panel.text, "North Korea")
    assert gold_rows(panel.project.path) == [(1, start, end, "claim", "gold", "rita")]
    panel.undo_stack.undo()
    assert gold_rows(panel.project.path) == [(1, start, end, "actor", "gold", "rita")]


def test_clicking_a_version_accepts_it(qtbot, panel):
    key(qtbot, panel, "n")
    qtbot.mouseClick(panel.version_buttons[1], Qt.MouseButton.LeftButton)
    start, end = at(panel.text, "1.3 million")
    assert gold_rows(panel.project.path) == [(1, start, end, "figure", "gold", "rita")]


def test_accept_all_agreed_adds_exactly_the_agreed_spans_in_one_undo_step(qtbot, panel):
    expected = agreed_spans(panel.spans_by_annotator)
    assert [panel.text[s:e] for s, e, _ in expected] == ["U.S. officials", "Bruce Klingner"]
    key(qtbot, panel, "a")
    assert [(s, e, lb) for _, s, e, lb, _, _ in gold_rows(panel.project.path)] == expected
    assert {r[5] for r in gold_rows(panel.project.path)} == {"rita"}
    assert panel.undo_stack.count() == 1
    assert not panel.agreed_button.isEnabled()
    key(qtbot, panel, "a")  # nothing left to accept: no second step
    assert panel.undo_stack.count() == 1
    panel.undo_stack.undo()
    assert gold_rows(panel.project.path) == []


def rejected_rows(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT doc_id, start, [end], reviewer FROM rejected_regions ORDER BY start").fetchall()


def test_x_is_a_recorded_decision_that_counts_survives_reopening_and_undoes(qtbot, panel):
    """Issue 11 point 1: X left no mark and did not count ("2 of 10 in gold" after rejecting)."""
    key(qtbot, panel, "n")  # the boundary disagreement over "1.3 million soldiers"
    d = panel.current()
    key(qtbot, panel, "x")
    assert gold_rows(panel.project.path) == []
    assert rejected_rows(panel.project.path) == [(1, d.start, d.end, "rita")]  # in the file, read from outside
    assert panel.undo_stack.count() == 1 and panel.row() == 2
    assert panel.row_text(1).startswith("2. ✗ rejected  different boundaries") and panel.count_label.text() == "1 of 4 decided"
    key(qtbot, panel, "p")
    key(qtbot, panel, "x")  # rejected already: nothing new to record, no second undo step
    assert panel.undo_stack.count() == 1 and len(rejected_rows(panel.project.path)) == 1

    with Project.open(panel.project.path) as again:  # the decision survives reopening the project
        stack, notifier = QUndoStack(), ChangeNotifier()
        reopened = ReviewPanel(again, stack, notifier, "rita")
        qtbot.addWidget(reopened)
        reopened.set_document(1)
        assert reopened.row_text(1).startswith("2. ✗ rejected  different boundaries") and reopened.count_label.text() == "1 of 4 decided"

    panel.undo_stack.undo()
    assert rejected_rows(panel.project.path) == [] and panel.row_text(1).startswith("2. ·  different boundaries")
    assert panel.count_label.text() == "0 of 4 decided"
    panel.undo_stack.redo()
    assert len(rejected_rows(panel.project.path)) == 1 and panel.count_label.text() == "1 of 4 decided"


def test_accepting_a_version_where_all_were_rejected_takes_the_rejection_back(qtbot, panel):
    key(qtbot, panel, "n")
    key(qtbot, panel, "1")  # ana's "1.3 million soldiers" into gold
    key(qtbot, panel, "p")
    key(qtbot, panel, "x")  # then reject every version: gold goes, the region is rejected
    assert gold_rows(panel.project.path) == [] and len(rejected_rows(panel.project.path)) == 1
    key(qtbot, panel, "p")
    key(qtbot, panel, "2")  # ben's version after all
    assert [r[3] for r in gold_rows(panel.project.path)] == ["figure"] and rejected_rows(panel.project.path) == []
    assert "✓ figure" in panel.row_text(1)
    panel.undo_stack.undo()  # back to rejected
    assert gold_rows(panel.project.path) == [] and len(rejected_rows(panel.project.path)) == 1
    assert panel.row_text(1).startswith("2. ✗ rejected  different boundaries")


def stored_review(path, doc_id: int) -> tuple | None:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT status, reviewer FROM review_status WHERE doc_id = ?", [doc_id]).fetchone()


def test_review_status_is_set_from_the_panel_by_keys_alone(qtbot, panel):
    assert panel.status_combo.currentData() == "unreviewed"
    changed = []
    panel.reviewStatusChanged.connect(lambda doc, status: changed.append((doc, status)))
    panel.status_combo.setFocus()
    qtbot.keyClick(panel.status_combo, Qt.Key.Key_Down)
    assert stored_review(panel.project.path, 1) == ("in_review", "rita")
    qtbot.keyClick(panel.status_combo, Qt.Key.Key_Down)
    assert stored_review(panel.project.path, 1) == ("reviewed", "rita")
    assert changed == [(1, "in_review"), (1, "reviewed")]
    qtbot.keyClick(panel.status_combo, Qt.Key.Key_Up)
    assert stored_review(panel.project.path, 1) == ("in_review", "rita")


def test_unticking_an_annotator_leaves_nothing_to_compare(qtbot, panel):
    panel.annotator_list.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert panel.selected_annotators() == ["ana"]
    assert panel.disagreements == [] and panel.model.rowCount() == 0
    panel.annotator_list.item(1).setCheckState(Qt.CheckState.Checked)
    assert len(panel.disagreements) == 4


# ------------------------------------------------------------------ the window
@pytest.fixture
def window(qtbot, review_project, settings) -> MainWindow:  # noqa: F811
    return shown_window(qtbot, review_project, "rita", settings, doc_id=1)


def test_ctrl_r_switches_the_window_to_the_gold_layer_and_back(qtbot, window):
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.review.active and window.annotator == GOLD_ANNOTATOR
    panel = window.review.panel
    assert panel.doc_id == 1 and len(panel.disagreements) == 4
    assert set(window.review.overlay.lanes) == {"ana", "ben"}
    assert window.review.overlay.span_count() == 10  # every selected annotator's spans are drawn
    assert not window.documents.view.isColumnHidden(3)
    assert window.text_view.spans() == []  # gold is empty so far
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert not window.review.active and window.annotator == "rita"
    assert window.documents.view.isColumnHidden(3)


def test_a_reviewer_who_annotated_is_compared_with_the_layer_just_edited(qtbot, review_project, settings):  # noqa: F811
    """ana adjudicates: her layer, shown until Ctrl+R, is compared as it is (not read again), edits included."""
    from annotator.core.disagreements import compare
    from annotator.store import review

    window = shown_window(qtbot, review_project, "ana", settings, doc_id=1)
    text = window.text_view.text
    start, end = at(text, "Washington, D.C.")
    select_with_keys(qtbot, window, start, end - start)
    press(qtbot, window, Qt.Key.Key_1)  # ana marks what only ben had (actor): one disagreement fewer
    assert (start, end, "actor") in {(s.start, s.end, s.label) for s in review_project.spans(1, "ana")}
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    panel = window.review.panel
    stored = review.spans_by_annotator(review_project, 1, ["ana", "ben"])
    def untimed(layers):  # (the window reads its layer without the times made and changed: it never shows them)
        return {name: [span[:-2] for span in rows] for name, rows in layers.items()}

    def places(disagreements):
        return [(d.kinds, d.start, d.end, [span[:-2] for span in d.spans], d.missing) for d in disagreements]
    assert untimed(panel.spans_by_annotator) == untimed(stored)
    assert places(panel.disagreements) == places(compare(stored)[0])
    assert [d.kind for d in panel.disagreements] == ["label", "boundary", "missing"]
    press(qtbot, window, Qt.Key.Key_R, CTRL)


def test_normal_tools_edit_gold_with_the_reviewer_and_undo(qtbot, window):
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    start, end = at(window.text_view.text, "Korea expert")
    select_with_keys(qtbot, window, start, end - start)
    press(qtbot, window, "2")  # the "claim" label key, as in annotation mode
    assert gold_rows(window.project.path) == [(1, start, end, "claim", "gold", "rita")]
    assert [s.label for s in window.text_view.spans()] == ["claim"]
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert gold_rows(window.project.path) == []
    assert window.text_view.spans() == []


def test_review_keys_in_the_window_then_undo_with_ctrl_z(qtbot, window):
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    panel = window.review.panel
    assert panel.list.hasFocus()
    qtbot.keyClick(panel.list, "1")  # "1" is also a label key: inside the review dock it accepts
    start, end = at(window.text_view.text, "North Korea")
    assert gold_rows(window.project.path) == [(1, start, end, "actor", "gold", "rita")]
    assert [(s.start, s.label) for s in window.text_view.spans()] == [(start, "actor")]
    model = window.documents.model
    assert model.data(model.index(model.row_of(1), 3)) == "in review"
    press(qtbot, window, "n")  # N also steps while the text has focus
    assert panel.row() == 2
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert gold_rows(window.project.path) == []
    press(qtbot, window, "a")
    assert len(gold_rows(window.project.path)) == 2
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert gold_rows(window.project.path) == []




def carls_project(path, text: str):
    """Carl's own project file: the first document, "North Korea" marked quote, done."""
    colleague = Project.open(path)
    doc, _ = colleague.add_document(text, title="korea")
    colleague.add_span(doc, *at(text, "North Korea"), "quote", "carl")
    colleague.set_status(doc, "carl", "done")
    colleague.close()
    return path


def test_merge_colleagues_project_brings_their_spans_into_review(qtbot, window, tmp_path):
    carls_project(tmp_path / "carl.db", window.project.document_text(1))
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    panel = window.review.panel
    panel.annotator_list.item(1).setCheckState(Qt.CheckState.Unchecked)  # the reviewer leaves ben out
    lines = window.review.merge_files([tmp_path / "carl.db"])
    assert lines
    assert panel.selected_annotators() == ["ana", "carl"]  # the newcomer is ticked, the reviewer's choice kept
    assert any(s.annotator == "carl" for d in panel.disagreements for s in d.spans)


# ------------------------------------------- who is compared on each document
@pytest.fixture
def with_cy(review_project) -> Project:
    """cy marked only document 2 done (agreeing there); on document 1 she has a span but is not done."""
    other = review_project.document_text(2)
    review_project.add_span(2, *at(other, "Russia"), "actor", "cy")
    review_project.set_status(2, "cy", "done")
    korea = review_project.document_text(1)
    review_project.add_span(1, *at(korea, "Bruce Klingner"), "quote", "cy")  # in progress: not compared
    return review_project


def compare_rows(panel: ReviewPanel) -> list[tuple[str, bool, bool]]:
    """(text, ticked, greyed) of each row of the Compare list."""
    rows = []
    for i in range(panel.annotator_list.count()):
        item = panel.annotator_list.item(i)
        greyed = item.foreground().color().name() == "#8a8a8a"
        rows.append((item.text(), item.checkState() == Qt.CheckState.Checked, greyed))
    return rows


def test_a_document_compares_only_the_ticked_annotators_who_did_it(qtbot, with_cy):
    stack, notifier = QUndoStack(), ChangeNotifier()
    panel = ReviewPanel(with_cy, stack, notifier, "rita")
    qtbot.addWidget(panel)
    panel.set_document(1)
    assert panel.selected_annotators() == ["ana", "ben", "cy"]  # everyone who marked a document done
    assert list(panel.spans_by_annotator) == ["ana", "ben"]
    assert [(d.kind, d.missing) for d in panel.disagreements] == [
        ("label", ()), ("boundary", ()), ("missing", ("ben",)), ("missing", ("ana",))]
    assert compare_rows(panel) == [("1  ana", True, False), ("2  ben", True, False), ("    cy — not done", True, True)]
    assert panel.agreed_button.text() == "Accept all agreed (2)   A"
    panel.list.setFocus()
    qtbot.keyClick(panel.list, "a")
    assert [r[3] for r in gold_rows(with_cy.path)] == ["actor", "actor"]
    panel.set_document(2)
    assert list(panel.spans_by_annotator) == ["ana", "ben", "cy"] and panel.disagreements == []
    assert compare_rows(panel)[2] == ("3  cy", True, False)


def test_the_window_draws_lanes_only_for_annotators_who_did_the_document(qtbot, with_cy, settings):  # noqa: F811
    win = shown_window(qtbot, with_cy, "rita", settings, doc_id=1)
    press(qtbot, win, Qt.Key.Key_R, CTRL)
    assert set(win.review.overlay.lanes) == {"ana", "ben"}
    win.open_document(2)
    assert win.review.overlay.lanes == {"ana": 0, "ben": 1, "cy": 2}


def test_merging_a_file_that_names_nobody_asks_whose_work_it_is(qtbot, window, tmp_path):
    text = window.project.document_text(2)
    start, end = at(text, "Russia")
    source = tmp_path / "notes.jsonl"
    source.write_text(json.dumps({"text": text, "spans": [{"start": start, "end": end, "label": "actor"}]}) + "\n",
                      encoding="utf-8")
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.review.merge_files([source]) == []
    dialog = next(w for w in window.findChildren(QInputDialog) if w.isVisible())
    assert "notes.jsonl:1" in dialog.labelText()
    field = dialog.findChild(QLineEdit)
    qtbot.keyClicks(field, "cy")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.project.stats()["spans_by_annotator"].get("cy") == 1)
    panel = window.review.panel
    assert panel.selected_annotators() == ["ana", "ben", "cy"]  # an imported record with spans counts as done
    window.open_document(2)
    assert list(panel.spans_by_annotator) == ["ana", "ben", "cy"]


# ------------------------------------------------------- sort by agreement
@pytest.fixture
def contested_third(review_project) -> Project:
    """Document 3, the most contested (ana: actor, ben: claim on the same word); document 1 is next."""
    doc, _ = review_project.add_document("Kim met Putin in Hanoi.", title="hanoi")
    review_project.add_span(doc, 0, 3, "actor", "ana")
    review_project.add_span(doc, 0, 3, "claim", "ben")
    for who in ("ana", "ben"):
        review_project.set_status(doc, who, "done")
    return review_project


def search(qtbot, win: MainWindow, words: str) -> None:
    box = win.documents.search
    box.setFocus()
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Backspace)
    qtbot.keyClicks(box, words)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_sort_by_agreement_gives_the_exact_order_and_is_computed_once(qtbot, contested_third, settings):  # noqa: F811
    win = shown_window(qtbot, contested_third, "rita", settings, doc_id=1)
    assert win.documents.model.ids == [1, 2, 3]
    press(qtbot, win, Qt.Key.Key_O, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert win.documents.model.ids == [3, 1, 2]  # strict F1 0, 0.4, 1.0
    for words in ("Putin", "the", ""):  # every search refreshes the list: the ranking is reused
        search(qtbot, win, words)
    assert win.documents.model.ids == [3, 1, 2]
    assert win.review.order.computed == 1


def test_sort_follows_the_ticked_annotators(qtbot, contested_third, settings):  # noqa: F811
    contested_third.add_span(3, 0, 3, "actor", "cy")  # cy agrees with ana on 3, marked nothing on 1
    for doc in (1, 3):
        contested_third.set_status(doc, "cy", "done")
    win = shown_window(qtbot, contested_third, "rita", settings, doc_id=1)
    press(qtbot, win, Qt.Key.Key_R, CTRL)
    win.review.actions["sort_by_agreement"].trigger()
    assert win.documents.model.ids == [1, 3, 2]  # mean pairwise F1 over ana, ben, cy: 0.13, 0.33, 1.0
    panel = win.review.panel
    panel.annotator_list.item(2).setCheckState(Qt.CheckState.Unchecked)  # leave cy out
    assert win.documents.model.ids == [3, 1, 2]
    panel.annotator_list.item(2).setCheckState(Qt.CheckState.Checked)
    panel.annotator_list.item(1).setCheckState(Qt.CheckState.Unchecked)  # ana and cy only
    assert win.documents.model.ids == [1, 3, 2]  # 1: 0.0, 3: 1.0; cy did not do 2: listed after


def test_sort_is_recomputed_after_a_compared_annotators_edit_not_after_gold(qtbot, contested_third, settings):  # noqa: F811
    win = shown_window(qtbot, contested_third, "ben", settings, doc_id=1)
    win.review.actions["sort_by_agreement"].trigger()
    assert win.documents.model.ids == [3, 1, 2]
    win.open_document(3)
    press(qtbot, win, "]")  # select ben's span on "Kim"
    press(qtbot, win, "1")  # relabel it actor: now ben agrees with ana on document 3
    search(qtbot, win, "")
    assert win.documents.model.ids == [1, 2, 3]
    assert win.review.order.computed == 2
    press(qtbot, win, Qt.Key.Key_R, CTRL)  # review mode: ranks again for the ticked annotators
    computed = win.review.order.computed
    win.open_document(1)
    qtbot.keyClick(win.review.panel.list, "1")  # a gold edit
    search(qtbot, win, "")
    assert win.review.order.computed == computed


def test_a_long_gold_span_counts_as_in_gold():
    """A gold span longer than the interval index's bucket (a whole chapter) is still known to be in gold:
    accept-all-agreed does not offer it again (its key was read after the index moved it out of the rows)."""
    from annotator.core.intervals import BUCKET
    from annotator.core.model import Span
    from annotator.core.span_rows import SpanRows
    from annotator.ui.review_list import Decisions

    chapter = Span(7, 1, 0, BUCKET + 500, "quote", GOLD_ANNOTATOR)
    word = Span(8, 1, 10, 15, "actor", GOLD_ANNOTATOR)
    decisions = Decisions([], SpanRows([chapter, word]), [])
    assert decisions.gold_keys == {(0, BUCKET + 500, "quote"), (10, 15, "actor")}
    assert [s.id for s in decisions.gold.overlapping(0, 20)] == [7, 8]
