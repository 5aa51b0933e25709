"""The import progress dialog and its summary, over real files and a real project file."""

from __future__ import annotations

import json
import sqlite3

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton, QWidget

from annotator.ui.import_dialog import choose_import_paths, import_file_filter, import_with_progress
from ui_fixtures import answer_message_box

pytestmark = pytest.mark.gui


def file_documents(project):
    conn = sqlite3.connect(project.path)
    try:
        return conn.execute("SELECT title, text FROM documents ORDER BY id").fetchall()
    finally:
        conn.close()


def file_span_count(project):
    conn = sqlite3.connect(project.path)
    try:
        return conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def folder(tmp_path):
    """Three good files: two plain texts and a JSONL line with one span."""
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text("The minister said taxes rose.\n", encoding="utf-8")
    (root / "b.txt").write_text("Caf\u00e9 owners \U0001f600 disagreed.\n", encoding="utf-8")
    line = {"text": "Alice met Bob.", "spans": [{"start": 0, "end": 5, "label": "actor"}]}
    (root / "c.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    return root


@pytest.fixture
def window(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


class Boxes(list):
    """Summary hook for tests: keeps the boxes instead of showing them."""

    def __call__(self, box: QMessageBox) -> None:
        self.append(box)


def test_imports_files_with_progress(qtbot, project, folder, window):
    seen = []

    def watch(dialog, done, total, path):
        seen.append((done, total, dialog.labelText(), dialog.isVisible()))

    boxes = Boxes()
    report = import_with_progress(project, [folder], "ann", window, show_summary=boxes, on_progress=watch)

    assert [p.name for p in report.imported] == ["a.txt", "b.txt", "c.jsonl"]
    assert seen[0] == (0, 3, "Importing a.txt (1 of 3)", True)
    assert [s[0] for s in seen] == [0, 1, 2, 3]
    assert {text for _, text in file_documents(project)} == {
        "The minister said taxes rose.\n", "Caf\u00e9 owners \U0001f600 disagreed.\n", "Alice met Bob.",
    }
    assert file_span_count(project) == 1
    box = boxes[0]
    assert box.windowTitle() == "Import finished"
    assert box.text() == "Imported 3 files: 3 new documents, 1 span."
    assert "c.jsonl" in box.informativeText()


def test_cancel_after_the_first_file_keeps_it(qtbot, project, folder, window):
    def cancel_after_first(dialog, done, total, path):
        if done == 1:
            cancel = dialog.findChild(QPushButton)
            qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)

    boxes = Boxes()
    report = import_with_progress(project, [folder], "ann", window, show_summary=boxes, on_progress=cancel_after_first)

    assert report.cancelled
    assert [p.name for p in report.imported] == ["a.txt"]
    assert [p.name for p in report.not_imported] == ["b.txt", "c.jsonl"]
    assert file_documents(project) == [("a", "The minister said taxes rose.\n")]
    assert boxes[0].windowTitle() == "Import cancelled"
    assert "Cancelled: 2 files not imported." in boxes[0].text()
    assert "b.txt" in boxes[0].informativeText()


def test_summary_lists_duplicates_and_failures_with_reasons(qtbot, project, folder, window):
    import_with_progress(project, [folder / "a.txt"], "ann", None, show_summary=Boxes())
    (folder / "a copy.txt").write_text("The minister said taxes rose.\n", encoding="utf-8")
    bad = folder / "bad.jsonl"
    bad.write_text(
        json.dumps({"text": "Short.", "spans": [{"start": 0, "end": 99, "label": "actor"}]}) + "\nnot json\n",
        encoding="utf-8",
    )

    report = import_with_progress(project, [folder / "a copy.txt", bad, folder / "b.txt"], "ann", window)

    # the default summary does not block: the call returned while the box is open
    box = window.findChild(QMessageBox, "importSummary")
    assert box is not None and box.isVisible()
    assert box.windowTitle() == "Import finished with problems"
    assert "1 document was already in the project and was not added again." in box.text()
    assert "1 file failed and imported nothing." in box.text()
    assert "a copy.txt: 'a' is already in the project" in box.informativeText()
    assert "bad.jsonl: span 1" in box.informativeText()
    details = box.detailedText()
    assert f"{bad}:1: span 1" in details and "outside the text" in details
    assert f"{bad}:2: not valid JSON" in details
    assert [p.name for p in report.failed_files] == ["bad.jsonl"]
    assert len(file_documents(project)) == 2  # a and b; the bad file wrote nothing

    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "importSummary") is None)


def test_nothing_chosen_imports_nothing(project, window):
    assert import_with_progress(project, [], "ann", window) is None
    assert file_documents(project) == []


def test_choose_files_through_the_file_dialog(qtbot, folder, window):
    assert "*.txt" in import_file_filter() and "*.jsonl" in import_file_filter()

    def pick():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        dialog.setDirectory(str(folder))
        dialog.selectFile(str(folder / "b.txt"))
        dialog.accept()

    QTimer.singleShot(0, pick)
    assert choose_import_paths(window, folder=False) == [folder / "b.txt"]


def test_choose_folder_through_the_file_dialog(qtbot, folder, window):
    def pick():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        dialog.setDirectory(str(folder.parent))
        dialog.selectFile(str(folder))
        dialog.accept()

    QTimer.singleShot(0, pick)
    assert choose_import_paths(window, folder=True) == [folder]


@pytest.mark.parametrize("button, stored", [("doccano", "Trump"), ("Python", "Trump")])
def test_ambiguous_offsets_are_asked_for_then_imported(qtbot, project, tmp_path, window, button, stored):
    """doccano gives no span text: after an emoji the GUI asks which unit the file counts, then imports."""
    text = "\U0001f600 Kim met Trump."
    start = text.index("Trump") + (1 if button == "doccano" else 0)  # UTF-16 counts the emoji twice
    source = tmp_path / "doccano.jsonl"
    source.write_text(json.dumps({"text": text, "label": [[start, start + 5, "actor"]]}) + "\n", encoding="utf-8")
    asked: list[str] = []
    answer_message_box(asked, button)
    boxes = Boxes()

    report = import_with_progress(project, [source], "ann", window, show_summary=boxes)

    assert asked and "doccano.jsonl" in asked[0]
    assert report.ok and report.documents_added == 1
    conn = sqlite3.connect(project.path)
    start, end = conn.execute("SELECT start, [end] FROM spans").fetchone()
    conn.close()
    assert text[start:end] == stored
    assert "Failed" not in boxes[0].informativeText()


def test_leaving_ambiguous_files_out_imports_nothing_of_them(qtbot, project, tmp_path, window):
    source = tmp_path / "doccano.jsonl"
    source.write_text(json.dumps({"text": "\U0001f600 Kim", "label": [[3, 6, "actor"]]}) + "\n", encoding="utf-8")
    asked: list[str] = []
    answer_message_box(asked, "Leave them out")

    report = import_with_progress(project, [source], "ann", window, show_summary=Boxes())

    assert asked and report.failed_files == [source] and report.ambiguous_files == [source]
    assert file_documents(project) == []
