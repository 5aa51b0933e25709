"""Issue 11, in the real window with real keys on a real project file: what the reviewer sees and trusts.

Point 1 (X is a recorded decision) is in test_ui_review.py; point 3 (lanes) belongs to the view.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.model import GOLD_ANNOTATOR
from annotator.store import Project
from annotator.ui.annotator_dialog import SwitchAnnotatorDialog
from annotator.ui.review_list import ElidedButton
from test_ui_review import at, carls_project, gold_rows, key, rejected_rows, review_project, window  # noqa: F401
from ui_fixtures import CTRL, SHIFT, pick_file_in_dialog, press, select_with_keys, settings, shown_window  # noqa: F401

pytestmark = pytest.mark.gui

LONG = "despite its poverty and isolation. It has one of the world’s largest militaries, with 1.3 million soldiers"


def own_rows(path, who: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT start, [end], label FROM spans WHERE annotator = ? ORDER BY start", [who]).fetchall()


def enter_review(qtbot, window) -> None:
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.review.active
    window.review.panel.list.setFocus()


# ----------------------------------------------------------- 2: what differs
def test_a_label_disagreement_is_named_so_even_when_a_third_annotator_marked_nothing(qtbot, review_project, settings):  # noqa: F811
    korea = review_project.document_text(1)
    review_project.add_span(1, *at(korea, "Bruce Klingner"), "actor", "cy")  # cy agrees there only
    review_project.add_span(1, *at(korea, "U.S. officials"), "actor", "cy")
    review_project.set_status(1, "cy", "done")
    window = shown_window(qtbot, review_project, "rita", settings, doc_id=1)
    enter_review(qtbot, window)
    panel = window.review.panel
    assert panel.row_text(0).startswith("1. ·  different label · only ana, ben — “North Korea”")
    assert panel.row_text(1).startswith("2. ·  different boundaries · only ana, ben — “1.3 million soldiers”")
    key(qtbot, panel, "n")
    assert panel.current().kinds == ("boundary", "missing")


def test_different_label_and_ends_say_both(qtbot, review_project, settings):  # noqa: F811
    korea = review_project.document_text(1)
    start, end = at(korea, "Kim Jong Un")
    review_project.add_span(1, start, end, "actor", "ana")
    review_project.add_span(1, start, end - 3, "quote", "ben")
    window = shown_window(qtbot, review_project, "rita", settings, doc_id=1)
    enter_review(qtbot, window)
    texts = [window.review.panel.row_text(r) for r in range(window.review.panel.model.rowCount())]
    assert any("different label and boundaries — “Kim Jong Un”" in t for t in texts)


# ----------------------------------------------------- 4: the text stays put
def test_the_dock_keeps_its_width_and_elides_a_long_version(qtbot, review_project, settings):  # noqa: F811
    korea = review_project.document_text(1)
    review_project.add_span(1, *at(korea, LONG), "quote", "ana")  # a long version: ana's quote of the sentence
    window = shown_window(qtbot, review_project, "rita", settings, doc_id=1)
    enter_review(qtbot, window)
    panel = window.review.panel
    qtbot.wait(50)  # the dock settles its first layout
    dock_width, text_width = window.review.dock.width(), window.text_view.viewport().width()
    seen_long = False
    for _ in range(len(panel.disagreements) + 1):
        key(qtbot, panel, "n")
        QApplication.processEvents()
        assert window.review.dock.width() == dock_width  # the dock does not widen ...
        assert window.text_view.viewport().width() == text_width  # ... so the text does not re-wrap
        shown = {b for b in panel.findChildren(ElidedButton) if b.isVisible()}
        assert shown == {*panel.version_buttons, panel.reject_button, panel.agreed_button}  # no stale button over it
        for button in panel.version_buttons:
            if len(button.full_text) > 60:
                seen_long = True
                assert button.text().endswith("…") and button.text() != button.full_text
                assert "1.3 million soldiers" in button.toolTip()  # the whole version on hover
    assert seen_long


# ------------------------------------------- 5: undo survives switching mode
def test_each_layer_keeps_its_undo_history_across_switching_review_mode(qtbot, window):  # noqa: F811
    path = window.project.path
    start, end = at(window.text_view.text, "Korea expert")
    select_with_keys(qtbot, window, start, end - start)
    press(qtbot, window, "1")  # rita's own span
    assert own_rows(path, "rita") == [(start, end, "actor")]
    enter_review(qtbot, window)
    assert not window.undo_action.isEnabled()  # gold has no history yet: Ctrl+Z cannot undo rita's span here
    key(qtbot, window.review.panel, "a")  # accept all agreed into gold
    assert len(gold_rows(path)) == 2
    press(qtbot, window, Qt.Key.Key_R, CTRL)  # leave: rita's history is back
    assert window.undo_action.isEnabled() and "Add actor span" in window.undo_action.text()
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert own_rows(path, "rita") == [] and len(gold_rows(path)) == 2  # only her own edit was undone
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert own_rows(path, "rita") == [(start, end, "actor")]
    enter_review(qtbot, window)  # and the gold history is back in review mode
    assert "Accept 2 agreed spans" in window.undo_action.text()
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert gold_rows(path) == [] and own_rows(path, "rita") == [(start, end, "actor")]
    assert window.review.panel.agreed_button.isEnabled()


# -------------------------------------------------- 6: merging says what it did
def test_merging_shows_a_summary_dialog_per_source_with_what_was_refused(qtbot, window, tmp_path):  # noqa: F811
    carls_project(tmp_path / "carl.db", window.project.document_text(1))
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    pick_file_in_dialog([tmp_path / "carl.db", broken])
    press(qtbot, window, Qt.Key.Key_M, CTRL | SHIFT)  # File > Merge colleague's work...
    box = window.review.summary
    qtbot.waitUntil(lambda: box.isVisible())
    assert box.objectName() == "mergeSummary" and box.windowTitle() == "Merge finished with problems"
    assert box.text().startswith("Merged 1 source: 1 span added, 0 new documents.")
    assert "1 source refused" in box.text()
    details = box.informativeText()
    assert "carl.db: 0 documents added, 1 matched, 1 span added" in details  # not "1 spans"
    assert "spans added for carl: 1" in details
    assert "Refused:\n  broken.db: " in details
    assert window.statusBar().currentMessage() == ""  # not a status-bar line that vanishes
    box.accept()


# ------------------------------------------------ 7: switch annotator
def test_switch_annotator_offers_the_names_and_confirms_a_new_one(qtbot, window):  # noqa: F811
    press(qtbot, window, Qt.Key.Key_A, CTRL | SHIFT)
    dialog = window.findChild(SwitchAnnotatorDialog, "switchAnnotator")
    qtbot.waitUntil(dialog.isVisible)
    combo = dialog.combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["ana", "ben", "rita"]
    assert combo.currentText() == "rita"
    assert dialog.width() > dialog.fontMetrics().horizontalAdvance(dialog.windowTitle()) + 150  # room for the title
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "bne")  # a typo
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    confirm = dialog.confirm
    qtbot.waitUntil(lambda: confirm is not None and confirm.isVisible())
    assert "bne" in confirm.text() and "ana, ben, rita" in confirm.informativeText()
    qtbot.keyClick(confirm, Qt.Key.Key_Escape)  # no: back to the list, nobody new
    assert window.annotator == "rita" and dialog.isVisible()
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "ben")
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)  # a known name: no question
    assert window.annotator == "ben" and not dialog.isVisible()
    assert "bne" not in window.project.annotators()


def test_a_confirmed_new_annotator_is_taken(qtbot, window):  # noqa: F811
    press(qtbot, window, Qt.Key.Key_A, CTRL | SHIFT)
    dialog = window.findChild(SwitchAnnotatorDialog, "switchAnnotator")
    qtbot.waitUntil(dialog.isVisible)
    dialog.combo.lineEdit().selectAll()
    qtbot.keyClicks(dialog.combo.lineEdit(), "dora")
    qtbot.keyClick(dialog.combo.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.confirm is not None and dialog.confirm.isVisible())
    dialog.confirm.button(QMessageBox.StandardButton.Yes).click()
    assert window.annotator == "dora" and "dora" in window.project.annotators()


# ------------------------------------------- a kill during a long accept
KILLED_ACCEPT = textwrap.dedent("""
    import os, signal, sys
    from annotator.store import Project, review
    from annotator.core.disagreements import agreed_spans
    project = Project.open(sys.argv[1], create=False)
    doc = int(sys.argv[2])
    insert = review._insert_spans

    def insert_then_die(project, spans):
        insert(project, spans)
        print(len(spans), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # as a crash or a kill -9 in the middle of the accept

    review._insert_spans = insert_then_die
    by = review.spans_by_annotator(project, doc, ["ana", "ben"])
    review.add_gold_spans(project, doc, agreed_spans(by), "rita")
""")


def test_a_kill_in_the_middle_of_accept_all_leaves_the_file_as_before(tmp_path):
    path = tmp_path / "big.db"
    with Project.open(path) as project:
        text = " ".join(f"word{i}" for i in range(4000))
        doc, _ = project.add_document(text, title="long")
        starts = [i for i in range(len(text)) if i == 0 or text[i - 1] == " "]
        spans = [(s, text.index(" ", s) if " " in text[s:] else len(text), "actor") for s in starts[:3000]]
        for who in ("ana", "ben"):
            project.add_spans({"doc_id": doc, "start": s, "end": e, "label": lb, "annotator": who} for s, e, lb in spans)
    result = subprocess.run([sys.executable, "-c", KILLED_ACCEPT, str(path), str(doc)], capture_output=True, text=True,
                            timeout=120, env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PATH": ""})
    assert result.returncode == -9 and result.stdout.strip() == "3000", result.stderr  # killed after writing all
    assert gold_rows(path) == []  # nothing of the accept is in the file: it was one transaction
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM spans WHERE annotator IN ('ana', 'ben')").fetchone() == (6000,)
    with Project.open(path, create=False) as project:  # and the accept works afterwards, whole
        from annotator.core.disagreements import agreed_spans
        from annotator.store import review

        by = review.spans_by_annotator(project, doc, ["ana", "ben"])
        assert len(review.add_gold_spans(project, doc, agreed_spans(by), "rita")) == 3000
    assert len(gold_rows(path)) == 3000 and {r[4] for r in gold_rows(path)} == {"gold"}


def test_an_older_project_gains_the_rejections_table(tmp_path):
    import shutil

    path = tmp_path / "old.db"
    shutil.copy(Path(__file__).resolve().parent / "data" / "schema_v1.db", path)
    with Project.open(path, create=False) as project:
        assert "0004_rejected_regions" in project.schema_steps()
        from annotator.store import review

        rejection = review.reject_region(project, 1, 0, 3, "rita")
        assert review.rejections(project, 1) == [rejection]
    assert rejected_rows(path) == [(1, 0, 3, "rita")]
    assert GOLD_ANNOTATOR == "gold"
    QTest.qWait(0)


def test_an_id_freed_by_one_layers_undo_and_reused_by_another_is_never_touched_by_the_first(qtbot, window):  # noqa: F811
    """Histories are kept per layer; SQLite may give the id of an undone span to another layer's new span."""
    path = window.project.path
    start, end = at(window.text_view.text, "Korea expert")
    select_with_keys(qtbot, window, start, end - start)
    press(qtbot, window, "1")  # rita's span gets the highest id ...
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # ... and her undo frees it
    assert window.set_annotator("ben")
    select_with_keys(qtbot, window, start, end - start)
    press(qtbot, window, "2")  # ben's new span is given that id
    bens = own_rows(path, "ben")
    assert window.set_annotator("rita")
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)  # rita's redo cannot put hers back under ben's id ...
    assert window.status_saved.text() == "✗ Last change NOT saved"
    assert "cannot be put back" in window.status_saved.toolTip()
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # ... and no undo of hers deletes ben's span
    assert own_rows(path, "ben") == bens and own_rows(path, "rita") == []


def test_a_gold_undo_never_deletes_a_span_that_took_its_id(qtbot, window):  # noqa: F811
    path = window.project.path
    enter_review(qtbot, window)
    key(qtbot, window.review.panel, "n")
    key(qtbot, window.review.panel, "n")
    key(qtbot, window.review.panel, "1")  # ana's Heritage Foundation into gold: the highest id
    [gold] = gold_rows(path)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # undone: the id is free
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    start, end = at(window.text_view.text, "Korea expert")
    select_with_keys(qtbot, window, start, end - start)
    press(qtbot, window, "1")  # rita's span takes it
    mine = own_rows(path, "rita")
    enter_review(qtbot, window)
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)  # the gold redo is refused, rita's span stays
    assert "cannot be put back" in window.status_saved.toolTip()
    assert own_rows(path, "rita") == mine and gold_rows(path) == []


def test_a_kept_comparison_is_compared_again_after_another_program_adds_a_compared_span(qtbot, window, review_project):  # noqa: F811
    """The kept comparison's marker (data version, count, highest id) is taken from the rows it compared:
    a span a colleague's merge adds through another connection makes entering review mode compare again."""
    comparisons = window.review.comparisons
    enter_review(qtbot, window)
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    before = len(window.review.comparisons._items)
    with sqlite3.connect(review_project.path) as conn:  # no change notice reaches the window: only the marker tells
        conn.execute("INSERT INTO spans (doc_id, start, [end], label, annotator, origin, created)"
                     " SELECT doc_id, 0, 3, label, annotator, origin, created FROM spans WHERE annotator = 'ben' LIMIT 1")
    enter_review(qtbot, window)
    assert before == 1 and comparisons.computed == 2, comparisons.computed
    assert any(d.start == 0 for d in window.review.panel.disagreements)  # ben's new span is compared


def test_review_mode_reuses_a_documents_comparison_until_a_compared_annotator_changes_it(qtbot, window):  # noqa: F811
    comparisons = window.review.comparisons
    enter_review(qtbot, window)
    assert comparisons.computed == 1 and window.review.panel.current().kinds == ("label",)
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    enter_review(qtbot, window)
    assert comparisons.computed == 1  # entering again: nothing changed, nothing compared again
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.set_annotator("ben")
    ben_north_korea = next(s for s in window.text_view.spans() if s.label == "claim")
    window.select_span(ben_north_korea.id)
    press(qtbot, window, "1")  # ben relabels his "North Korea" as actor: now he agrees with ana
    assert window.set_annotator("rita")
    enter_review(qtbot, window)
    assert comparisons.computed == 2, comparisons.computed
    assert [d.kinds for d in window.review.panel.disagreements] == [("boundary",), ("missing",), ("missing",)]
