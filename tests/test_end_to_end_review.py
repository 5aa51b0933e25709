"""The whole review workflow on the sample documents, through the paths users take.

Two analysts import the samples and label both documents in the real window by
keyboard, marking each done; a reviewer merges both project files, measures
agreement, adjudicates both documents in review mode, marks them reviewed and
exports the gold layer: every step is a real command, widget or key.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from PySide6.QtCore import Qt

from annotator.cli import main
from annotator.store import Project
from annotator.ui.main_window import MainWindow
from export_fixtures import read_jsonl
from ui_fixtures import CTRL, SAMPLE_DOCS, press, select_with_keys, settings, shown_window  # noqa: F401

pytestmark = pytest.mark.gui
KOREA = "korea-peninsula-threat"
RUSSIA = "north-korea-russia-alliance-2025"

# What each analyst labels, document by document: (words, hotkey).
ANA = {
    KOREA: [("U.S. officials", "1"), ("Bruce Klingner", "1"), ("North Korea", "1"), ("1.3 million soldiers", "4")],
    RUSSIA: [("Kim Jong Un", "1"), ("July 12, 2025", "4"), ("Russia", "1")],
}
BEN = {
    KOREA: [("U.S. officials", "1"), ("Bruce Klingner", "1"), ("North Korea", "2"), ("1.3 million", "4")],
    RUSSIA: [("Kim Jong Un", "1"), ("July 12, 2025", "4"), ("Wonsan", "1")],
}
GOLD = {
    KOREA: [("U.S. officials", "actor"), ("Bruce Klingner", "actor"), ("North Korea", "actor"), ("1.3 million", "figure")],
    RUSSIA: [("Kim Jong Un", "actor"), ("July 12, 2025", "figure"), ("Russia", "actor")],
}


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output + result.stderr
    return result.output


def doc_ids(project: Project) -> dict[str, int]:
    return {d.title: d.id for d in project.iter_documents()}


def label_in_window(qtbot, path, who: str, work: dict, settings) -> None:  # noqa: F811
    """``who`` labels both sample documents by keyboard; Ctrl+Enter marks each done and opens the next."""
    project = Project.open(path)
    ids = doc_ids(project)
    window = shown_window(qtbot, project, who, settings, doc_ids(project)[KOREA])
    for title in (KOREA, RUSSIA):
        assert window.doc_id == ids[title]
        text = window.text_view.text
        for words, hotkey in work[title]:
            start = text.index(words)
            select_with_keys(qtbot, window, start, len(words))
            press(qtbot, window, hotkey)
        press(qtbot, window, Qt.Key.Key_Return, CTRL)
    assert {project.status(doc_id, who) for doc_id in ids.values()} == {"done"}
    close(qtbot, window)


def close(qtbot, window: MainWindow) -> None:
    """Close as the app does: the window first, pending events, then the project file."""
    window.close()
    qtbot.wait(20)
    window.project.close()


def resolve(qtbot, panel, keys: list[tuple[int, str]]) -> None:
    """Press each key with disagreement ``row`` current, in the Review dock."""
    for row, key in keys:
        panel.set_row(row)
        qtbot.keyClick(panel.list, key)


def mark_reviewed(qtbot, panel) -> None:
    panel.status_combo.setFocus()
    qtbot.keyClick(panel.status_combo, Qt.Key.Key_End)  # the last status: reviewed
    assert panel.status_combo.currentData() == "reviewed"


def test_two_analysts_a_merge_agreement_review_and_gold_export(qtbot, tmp_path, settings):  # noqa: F811
    for who, work in (("ana", ANA), ("ben", BEN)):
        cli("import", str(tmp_path / f"{who}.db"), str(SAMPLE_DOCS))
        label_in_window(qtbot, tmp_path / f"{who}.db", who, work, settings)

    review = tmp_path / "review.db"
    merged = cli("merge", str(review), str(tmp_path / "ana.db"), str(tmp_path / "ben.db"))
    assert "spans added for ana: 7" in merged and "spans added for ben: 7" in merged
    assert "0 spans added, 7 already present" in cli("merge", str(review), str(tmp_path / "ben.db"))
    with Project.open(review) as project:
        assert project.document_count() == 2
        assert project.stats()["spans_by_annotator"] == {"ana": 7, "ben": 7}

    report = json.loads(cli("agreement", str(review), "--json"))
    pair = report["pairs"][0]
    assert (pair["a"], pair["b"], pair["documents"]) == ("ana", "ben", 2)
    assert pair["strict"]["f1"] == pytest.approx(8 / 14)  # 4 of 7 spans identical on each side
    assert pair["lenient"]["f1"] == pytest.approx(10 / 14)  # the figure overlaps; North Korea differs in label

    reviewed = Project.open(review)
    window = shown_window(qtbot, reviewed, "rita", settings, doc_ids(reviewed)[KOREA])
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    panel = window.review.panel
    assert [d.kind for d in panel.disagreements] == ["label", "boundary"]
    qtbot.keyClick(panel.list, "a")  # accept the two agreed spans in one step
    resolve(qtbot, panel, [(0, "1"), (1, "2")])  # North Korea: ana's actor; the figure: ben's "1.3 million"
    mark_reviewed(qtbot, panel)
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # next document
    assert panel.doc_id == doc_ids(window.project)[RUSSIA]
    assert [(d.kind, d.annotators) for d in panel.disagreements] == [("missing", ("ana",)), ("missing", ("ben",))]
    qtbot.keyClick(panel.list, "a")
    resolve(qtbot, panel, [(0, "1"), (1, "x")])  # keep ana's Russia, reject ben's Wonsan
    mark_reviewed(qtbot, panel)
    assert {window.project.review_status(d) for d in doc_ids(window.project).values()} == {"reviewed"}
    close(qtbot, window)

    out = tmp_path / "gold.jsonl"
    cli("export", str(review), "--gold", "-o", str(out))
    records = {r["title"]: r for r in read_jsonl(out)}
    assert sorted(records) == [KOREA, RUSSIA]
    for title, expected in GOLD.items():
        record = records[title]
        assert record["annotator"] == "gold"
        assert sorted((s["text"], s["label"]) for s in record["spans"]) == sorted(expected)
        assert all(record["text"][s["start"]:s["end"]] == s["text"] for s in record["spans"])
