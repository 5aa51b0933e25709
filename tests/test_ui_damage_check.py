"""The window checks its project for damage in the background: opening never reads the whole file,
and damage no command has met yet is still reported, naming the file."""

from __future__ import annotations

import pytest

from annotator.store import Project
from test_schema_check import damage_search_index
from ui_fixtures import *  # noqa: F403
from ui_fixtures import error_dialog, shown_window

pytestmark = pytest.mark.gui


def make(path):
    with Project.open(path) as project:
        project.add_document("Alice met Bob in Paris.", title="one")
    return path


def test_a_damaged_page_no_command_reads_is_reported_after_opening(qtbot, tmp_path, settings):
    path = make(tmp_path / "work.db")
    damage_search_index(path)
    project = Project.open(path)  # opening does not notice: it reads no more than it needs
    try:
        window = shown_window(qtbot, project, "alice", settings)
        assert window.text_view.text.startswith("Alice met Bob")
        qtbot.waitUntil(lambda: error_dialog(window) is not None, timeout=10_000)
        box = error_dialog(window)
        assert "work.db is damaged" in box.text() and "annotator check" in box.informativeText()
        assert "annotator check work.db" in window.statusBar().currentMessage()
        box.close()
        window.close()
        assert not window.damage_check.running
    finally:
        project.close()


def test_a_sound_project_is_checked_quietly_and_the_check_ends_with_the_window(qtbot, tmp_path, settings):
    project = Project.open(make(tmp_path / "work.db"))
    try:
        window = shown_window(qtbot, project, "alice", settings)
        # The check the opening started may be over already (its signal gone): watch one to its end.
        with qtbot.waitSignal(window.damage_check.finished, timeout=10_000):
            window.damage_check.start(project.path)
        assert error_dialog(window) is None  # what it found would have come before it finished
        window.damage_check.start(project.path)  # a check under way when the window closes is stopped
        window.close()
        assert not window.damage_check.running
    finally:
        project.close()
