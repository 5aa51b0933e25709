"""Merging reports its progress once per batch; the window shows a status-bar progress bar past 2 s.

The threshold and the batch sizes are module constants, lowered here so that a small real
merge takes the path a large one takes.
"""

from __future__ import annotations

import json
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QProgressBar

from annotator.io.merge import merge_source
from annotator.store import Project, colleague
from annotator.ui import busy
from test_ui_review import review_project, window  # noqa: F401 (fixtures)
from ui_fixtures import CTRL, press, settings  # noqa: F401


def words(text: str, count: int) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\w+", text)][:count]


def carls_file(path, text: str, spans: int):
    """Carl's project: three documents, ``spans`` actor spans on the first, done."""
    carl = Project.open(path)
    doc, _ = carl.add_document(text, title="korea")
    carl.add_document("A second note.", title="second")
    carl.add_document("A third note.", title="third")
    for start, end in words(text, spans):
        carl.add_span(doc, start, end, "actor", "carl")
    carl.set_status(doc, "carl", "done")
    carl.close()
    return path


def test_merge_reports_progress_per_batch_not_per_row(tmp_path, monkeypatch):
    monkeypatch.setattr(colleague, "SPAN_BATCH", 10)
    monkeypatch.setattr(colleague, "DOCUMENT_BATCH", 2)
    text = "word " * 200
    source = carls_file(tmp_path / "carl.db", text, 45)
    calls = []
    with Project.open(tmp_path / "mine.db") as project:
        summary = merge_source(project, source, progress=lambda done, total: calls.append((done, total)))
    assert summary.spans_total == 45
    total = 3 + 45
    # one report after 2 documents, one for the last document, one per 10 spans (5 batches), one at the end
    assert calls == [(2, total), (3, total), (13, total), (23, total), (33, total), (43, total), (48, total),
                     (48, total)]


@pytest.mark.gui
def test_a_long_merge_shows_a_progress_bar_after_the_dialog_closed(qtbot, window, tmp_path, monkeypatch):  # noqa: F811
    """The file names nobody: the reviewer types whose work it is, and the merge runs with a progress bar."""
    monkeypatch.setattr(busy, "PROGRESS_AFTER_SECONDS", 0.0)  # as if the merge had already taken 2 s
    monkeypatch.setattr(busy, "REPAINT_SECONDS", 0.0)
    monkeypatch.setattr(colleague, "SPAN_BATCH", 5)
    text = window.project.document_text(2)
    spans = [{"start": s, "end": e, "label": "actor"} for s, e in words(text, 23)]
    source = tmp_path / "notes.jsonl"
    source.write_text(json.dumps({"text": text, "spans": spans}) + "\n", encoding="utf-8")
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    window.review.merge_files([source])
    dialog = next(w for w in window.findChildren(QInputDialog) if w.isVisible())
    field = dialog.findChild(QLineEdit)
    qtbot.keyClicks(field, "cy")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.project.stats()["spans_by_annotator"].get("cy") == 23)
    shown = window.review.merge_progress.shown
    assert len(shown) >= 5  # a batch of five spans at a time, each shown
    assert shown[-1][0] == shown[-1][1]  # it ends full
    assert [done for done, _ in shown] == sorted(done for done, _ in shown)
    bars = window.statusBar().findChildren(QProgressBar, "statusProgress")
    assert not any(bar.isVisible() for bar in bars)  # gone once the merge is in
    qtbot.waitUntil(lambda: window.review.summary is not None and window.review.summary.isVisible())
    assert "23 spans added" in window.review.summary.text()
    window.review.summary.close()


@pytest.mark.gui
def test_a_short_merge_shows_only_the_busy_cursor(qtbot, window, tmp_path):  # noqa: F811
    source = carls_file(tmp_path / "carl.db", window.project.document_text(1), 12)
    seen = []

    def watch(done: int, total: int) -> None:
        seen.append(busy.QGuiApplication.overrideCursor().shape())

    window.review.merge_files([source])
    assert window.review.merge_progress.shown == []  # under 2 s: no bar
    assert not window.statusBar().findChildren(QProgressBar, "statusProgress")
    with busy.busy_progress(window.statusBar(), "merging") as progress:
        watch(0, 1)
        assert progress.bar is None
    assert seen == [Qt.CursorShape.WaitCursor]
    window.review.summary.close()
