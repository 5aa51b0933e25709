"""Merging a JSONL file reads it into a scratch project first: that reading reports how far it got,
can be cancelled with nothing merged, shows a cancellable progress dialog in the window, and the
``annotator merge`` command draws progress bars on a terminal (and nothing else when not on one)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QPushButton

from annotator.cli import main
from annotator.io.importing import CANCEL_CHECK_EVERY
from annotator.io.merge import MergeCancelled, merge_source
from annotator.store import Project
from test_ui_review import review_project, window  # noqa: F401 (fixtures)
from ui_fixtures import settings  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def cys_export(path: Path, records: int) -> Path:
    """cy's native JSONL export: one short document with one span per line (emoji: offsets in code points)."""
    with path.open("w", encoding="utf-8") as out:
        for n in range(records):
            text = f"Report {n} 👍 says Seoul doubted the claim."
            start = text.index("Seoul")
            out.write(json.dumps({"text": text, "annotator": "cy", "status": "done",
                                  "spans": [{"start": start, "end": start + 5, "label": "actor"}]},
                                 ensure_ascii=False) + "\n")
    return path


def test_reading_an_import_file_reports_its_lines_every_few_hundred_records(tmp_path):
    source = cys_export(tmp_path / "cy.jsonl", 2 * CANCEL_CHECK_EVERY + 10)
    heard = []
    with Project.open(tmp_path / "mine.db") as project:
        summary = merge_source(project, source, reading=lambda done, total: heard.append((done, total)))
        assert summary.spans_added == {"cy": 2 * CANCEL_CHECK_EVERY + 10}
    lines = 2 * CANCEL_CHECK_EVERY + 10
    assert heard == [(0, lines), (CANCEL_CHECK_EVERY, lines), (2 * CANCEL_CHECK_EVERY, lines), (lines, lines)]


def test_a_cancelled_reading_merges_nothing(tmp_path):
    source = cys_export(tmp_path / "cy.jsonl", CANCEL_CHECK_EVERY + 10)
    asked = []

    def cancelled() -> bool:  # asked before the file, then every few hundred records: cancel at the first of those
        asked.append(1)
        return len(asked) == 2

    with Project.open(tmp_path / "mine.db") as project:
        with pytest.raises(MergeCancelled, match="cy.jsonl: cancelled while it was read; nothing merged"):
            merge_source(project, source, reading=lambda done, total: None, cancelled=cancelled)
        assert project.document_count() == 0 and project.span_count() == 0
        assert merge_source(project, source).spans_total == CANCEL_CHECK_EVERY + 10  # and it can be merged later


@pytest.mark.gui
def test_the_window_shows_the_reading_in_a_dialog_and_the_merge_in_the_status_bar(qtbot, window, tmp_path):  # noqa: F811
    source = cys_export(tmp_path / "cy.jsonl", 3 * CANCEL_CHECK_EVERY)
    window.review.merge_files([source], progress_after=0.0)  # as if each part had already taken 2 s
    reading = window.review.reading_progress
    assert reading.shown and reading.shown[0] == (0, 3 * CANCEL_CHECK_EVERY)
    assert [done for done, _ in reading.shown] == sorted(done for done, _ in reading.shown)
    assert not any(d.isVisible() for d in window.findChildren(QProgressDialog))  # gone once read
    assert window.review.merge_progress.shown[-1] == (3 * CANCEL_CHECK_EVERY + 3 * CANCEL_CHECK_EVERY,) * 2
    assert not any(bar.isVisible() for bar in window.statusBar().findChildren(QProgressBar, "statusProgress"))
    assert window.project.stats()["spans_by_annotator"]["cy"] == 3 * CANCEL_CHECK_EVERY
    qtbot.waitUntil(lambda: window.review.summary is not None and window.review.summary.isVisible())
    window.review.summary.close()


@pytest.mark.gui
def test_cancel_in_the_reading_dialog_merges_nothing(qtbot, window, tmp_path):  # noqa: F811
    source = cys_export(tmp_path / "cy.jsonl", 3 * CANCEL_CHECK_EVERY)
    before = window.project.stats()
    clicked = []

    def click_cancel() -> None:  # runs inside the merge, while the dialog processes events
        dialog = window.findChild(QProgressDialog, "mergeReading")
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
        clicked.append(dialog.labelText())

    QTimer.singleShot(0, click_cancel)
    window.review.merge_files([source], progress_after=0.0)
    assert clicked == ["Reading cy.jsonl..."]
    assert window.review.reading_progress.was_cancelled
    assert window.project.stats() == before  # nothing of it merged
    assert window.statusBar().currentMessage() == "Merge cancelled: nothing merged from cy.jsonl"
    assert window.review.summary is None  # the reviewer knows: no dialog to close


def test_cli_merge_is_quiet_but_for_its_summary_when_not_on_a_terminal(tmp_path):
    source = cys_export(tmp_path / "cy.jsonl", 20)
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "team.db"), str(source)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{source}: 20 documents added")
    assert result.stderr == ""  # no progress bar written into a pipe or a log


def test_cli_merge_draws_its_progress_on_a_terminal(tmp_path):
    """On a real terminal (a pty) a merge that takes long enough draws a bar for the reading and one for
    the merge on stderr (the wait before a bar, a second, set to none here), and its summary on stdout."""
    source = cys_export(tmp_path / "cy.jsonl", 3 * CANCEL_CHECK_EVERY)
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run_cli = "import sys; from annotator import cli; cli.PROGRESS_AFTER_SECONDS = 0.0; sys.exit(cli.main())"
    process = subprocess.Popen([sys.executable, "-c", run_cli, "merge", str(tmp_path / "team.db"), str(source)],
                               stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    out, _ = process.communicate(timeout=120)
    os.close(leader)
    assert process.returncode == 0
    assert out.decode().startswith(f"{source}: {3 * CANCEL_CHECK_EVERY} documents added")
    shown = drawn.decode()
    assert "Reading cy.jsonl" in shown and "Merging cy.jsonl" in shown
    assert shown.count("100%") >= 2  # each bar ends full
