"""The whole review workflow on the sample documents, through the paths users take.

Two analysts import the samples and label them in the real window by keyboard, a
reviewer merges both project files, measures agreement, adjudicates in review
mode and exports the gold layer: every step is a real command, widget or file.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from PySide6.QtCore import Qt

from annotator.cli import main
from annotator.store import Project
from annotator.ui.main_window import MainWindow
from ui_fixtures import SAMPLE_DOCS, press, select_with_keys, settings  # noqa: F401

pytestmark = pytest.mark.gui
CTRL = Qt.KeyboardModifier.ControlModifier
KOREA = "korea-peninsula-threat"

# What each analyst labels in the Korea article: (words, hotkey).
ANA = [("U.S. officials", "1"), ("Bruce Klingner", "1"), ("North Korea", "1"), ("1.3 million soldiers", "4")]
BEN = [("U.S. officials", "1"), ("Bruce Klingner", "1"), ("North Korea", "2"), ("1.3 million", "4")]


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output + result.stderr
    return result.output


def korea_id(project: Project) -> int:
    return next(d.id for d in project.iter_documents() if d.title == KOREA)


def label_in_window(qtbot, path, who: str, spans, settings) -> None:  # noqa: F811
    """``who`` labels the Korea article by keyboard and marks it done with Ctrl+Enter."""
    project = Project.open(path)
    window = show_window(qtbot, project, who, settings)
    text = window.text_view.text
    for words, hotkey in spans:
        start = text.index(words)
        select_with_keys(qtbot, window, start, len(words))
        press(qtbot, window, hotkey)
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    close(qtbot, window)


def show_window(qtbot, project: Project, who: str, settings) -> MainWindow:  # noqa: F811
    window = MainWindow(project, who, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.open_document(korea_id(project))
    window.text_view.setFocus()
    return window


def close(qtbot, window: MainWindow) -> None:
    """Close as the app does: the window first, pending events, then the project file."""
    window.close()
    qtbot.wait(20)
    window.project.close()


def test_two_analysts_a_merge_agreement_review_and_gold_export(qtbot, tmp_path, settings):  # noqa: F811
    for who, spans in (("ana", ANA), ("ben", BEN)):
        cli("import", str(tmp_path / f"{who}.db"), str(SAMPLE_DOCS))
        label_in_window(qtbot, tmp_path / f"{who}.db", who, spans, settings)

    review = tmp_path / "review.db"
    merged = cli("merge", str(review), str(tmp_path / "ana.db"), str(tmp_path / "ben.db"))
    assert "ana" in merged and "ben" in merged
    assert cli("merge", str(review), str(tmp_path / "ben.db"))  # a second time changes nothing
    with Project.open(review) as project:
        assert project.document_count() == 2
        assert project.stats()["spans_by_annotator"] == {"ana": 4, "ben": 4}

    report = json.loads(cli("agreement", str(review), "--json"))
    pair = report["pairs"][0]
    assert (pair["a"], pair["b"], pair["documents"]) == ("ana", "ben", 1)
    assert pair["strict"]["f1"] == pytest.approx(0.5)  # 2 of 4 spans identical
    assert pair["lenient"]["f1"] == pytest.approx(0.75)  # the figure overlaps; North Korea differs in label

    window = show_window(qtbot, Project.open(review), "rita", settings)
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    panel = window.review.panel
    assert [d.kind for d in panel.disagreements] == ["label", "boundary"]
    qtbot.keyClick(panel.list, "a")  # accept the two agreed spans in one step
    panel.list.setCurrentRow(0)
    qtbot.keyClick(panel.list, "1")  # North Korea: take ana's "actor"
    panel.list.setCurrentRow(1)
    qtbot.keyClick(panel.list, "2")  # the figure: take ben's "1.3 million"
    close(qtbot, window)

    out = tmp_path / "gold.jsonl"
    cli("export", str(review), "--gold", "-o", str(out))
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["annotator"] for r in records] == ["gold"]
    spans = [(s["text"], s["label"]) for s in records[0]["spans"]]
    assert sorted(spans) == sorted([("U.S. officials", "actor"), ("Bruce Klingner", "actor"),
                                    ("North Korea", "actor"), ("1.3 million", "figure")])
    assert all(records[0]["text"][s["start"]:s["end"]] == s["text"] for s in records[0]["spans"])
