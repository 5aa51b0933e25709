"""The composition root: annotator name on first launch, the start project, the whole app running."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator import paths
from annotator.app import choose_annotator, default_user, open_start_project, run, start_window
from annotator.store import Project
from ui_fixtures import *  # noqa: F403
from ui_fixtures import SAMPLE_DOCS

pytestmark = pytest.mark.gui


def test_first_launch_asks_once_and_remembers(settings):
    asked = []

    def ask(default, problem):
        asked.append((default, problem))
        return "gold" if len(asked) == 1 else "  carol "

    assert choose_annotator(settings, ask) == "carol"
    assert asked[0] == (default_user(), "")
    assert "reserved" in asked[1][1]  # "gold" was refused with the reason
    assert settings.value("annotator") == "carol"
    assert choose_annotator(settings, lambda *_: pytest.fail("asked again")) == "carol"


def test_cancelled_name_prompt_stops(settings):
    assert choose_annotator(settings, lambda *_: None) is None


def test_default_project_is_seeded_with_samples_once(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert paths.default_project_path().is_relative_to(tmp_path)
    project, message = open_start_project(None, "alice")
    with project:
        assert project.document_count() == len(list(SAMPLE_DOCS.glob("*.txt")))
        assert message.startswith("Opened the sample documents (2 imported")
    project, message = open_start_project(None, "alice")
    with project:  # second launch: nothing imported again, nothing to say
        assert project.document_count() == len(list(SAMPLE_DOCS.glob("*.txt")))
        assert message == ""


def test_missing_samples_are_said_in_the_status_bar(qtbot, tmp_path, monkeypatch, settings):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(paths, "sample_docs_candidates", lambda: [tmp_path / "nowhere"])
    window = start_window(None, [], "alice", settings)
    qtbot.addWidget(window)
    assert window.project.document_count() == 0
    assert "sample documents were not found" in window.statusBar().currentMessage()
    window.project.close()


def test_files_given_on_the_command_line_are_imported_and_the_window_says_how_it_went(qtbot, tmp_path, settings):
    doc = tmp_path / "note.txt"
    doc.write_text("A short note about Paris.\r\nSecond line.\r\n", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": "broken"\n', encoding="utf-8")
    window = start_window(tmp_path / "p.db", [doc, bad], "alice", settings)
    qtbot.addWidget(window)
    try:
        project = window.project
        assert project.document_count() == 1
        assert "\r" not in project.document_text(project.document_ids()[0])
        assert window.doc_id == project.document_ids()[0]  # the imported note is shown
        box = window.findChild(QMessageBox, "importSummary")  # what File > Import shows, in the window
        assert box is not None and box.isVisible()
        assert box.windowTitle() == "Import finished with problems"
        assert "Imported 1 file: 1 new document" in box.text() and "1 file failed" in box.text()
        assert "note.txt" in box.informativeText() and "bad.jsonl: not valid JSON" in box.informativeText()
        assert f"{bad}:2" in box.detailedText()  # the failure names its file and line
        box.close()
    finally:
        window.project.close()


def test_run_shows_the_window_on_a_project(qtbot, tmp_path, settings):
    settings.setValue("annotator", "dora")
    path = tmp_path / "run.db"
    with Project.open(path) as project:
        project.add_document("Text for the window.", title="t")
    seen = {}

    def look_and_close():
        windows = [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow" and w.isVisible()]
        seen["annotator"] = windows[0].annotator if windows else None
        seen["text"] = windows[0].text_view.text if windows else None
        for window in windows:
            window.close()

    QTimer.singleShot(200, look_and_close)
    assert run(path, [], settings=settings) == 0
    assert seen == {"annotator": "dora", "text": "Text for the window."}
