"""File > Export dialog on a real project: choose a format, filters and a destination, run, read the file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.ui.export_dialog import PREVIEW_DELAY_MS, ExportDialog
from export_fixtures import *  # noqa: F403
from export_fixtures import build_project, read_jsonl
from ui_fixtures import *  # noqa: F403
from ui_fixtures import pick_file_in_dialog

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot, tricky):
    widget = ExportDialog(tricky)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def choose_format(qtbot, dialog, name):
    combo = dialog.format_combo
    combo.setFocus()
    target = combo.findData(name)
    while combo.currentIndex() != target:  # real key presses through the list
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def check(widget, name):
    item = widget.findItems(name, Qt.MatchFlag.MatchExactly)[0]
    item.setCheckState(Qt.CheckState.Checked)


def test_formats_come_from_the_registry(dialog):
    names = {dialog.format_combo.itemData(i) for i in range(dialog.format_combo.count())}
    assert names == {"jsonl", "spacy", "conll", "hf", "doccano", "brat", "labelstudio"}
    assert "Ana" in dialog.preview.toPlainText() and '"annotator":"ana"' in dialog.preview.toPlainText()


def test_export_conll_for_one_annotator(qtbot, dialog, tmp_path):
    choose_format(qtbot, dialog, "conll")
    assert dialog.option_widgets["sentences"].isVisibleTo(dialog)
    assert not dialog.option_widgets["offsets"].isVisibleTo(dialog)
    check(dialog.annotator_list, "ben")
    out = tmp_path / "ben.conll"
    dialog.destination.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    text = out.read_text(encoding="utf-8")
    tags = [line.split("\t")[1] for line in text.splitlines() if line]
    assert [t for t in tags if t.startswith("B-")] == ["B-claim", "B-actor", "B-quote", "B-actor"]
    assert text.startswith("A\tB-claim\nna\tI-claim\n")  # the quote "na 👩" starts inside Ana: the token is split
    assert "Exported 2 documents, 2 records" in dialog.summary.text()
    assert "left out: overlaps a longer span" in dialog.summary.text()
    qtbot.waitUntil(lambda: "\tB-claim" in dialog.preview.toPlainText())


def test_save_report_names_each_span_not_written_exactly(qtbot, dialog, tmp_path):
    assert not dialog.report_button.isVisibleTo(dialog)
    choose_format(qtbot, dialog, "hf")
    check(dialog.annotator_list, "ben")
    dialog.destination.setText(str(tmp_path / "ben.jsonl"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.report_button.isVisibleTo(dialog)  # two of ben's spans overlap a longer one
    report = tmp_path / "ben.report.tsv"
    pick_file_in_dialog(report)
    qtbot.mouseClick(dialog.report_button, Qt.MouseButton.LeftButton)
    header, *lines = report.read_text(encoding="utf-8").splitlines()
    assert header.startswith("document\tannotator\tstart") and len(lines) == 2
    assert all(line.split("\t")[1] == "ben" and "overlaps a longer span" in line for line in lines)
    assert str(report) in dialog.summary.text()


def test_export_gold_jsonl_with_split(qtbot, dialog, tmp_path):
    qtbot.mouseClick(dialog.gold_check, Qt.MouseButton.LeftButton)
    assert not dialog.annotator_list.isEnabled()
    qtbot.keyClicks(dialog.split_edit, "train=1,test=1")
    out = tmp_path / "gold.jsonl"
    dialog.destination.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    records = read_jsonl(tmp_path / "gold.train.jsonl") + read_jsonl(tmp_path / "gold.test.jsonl")
    assert sorted(s["text"] for r in records for s in r["spans"]) == ["Alice", "Bob"]
    assert {r["annotator"] for r in records} == {"gold"}


def test_errors_are_shown_and_nothing_is_written(qtbot, dialog, tmp_path):
    check(dialog.status_list, "skipped")
    out = tmp_path / "none.jsonl"
    dialog.destination.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "no records match the filters" in dialog.summary.text() and not out.exists()
    qtbot.waitUntil(lambda: "no records match" in dialog.preview.toPlainText())


def test_cancel_stops_the_export(qtbot, dialog, tmp_path):
    out = tmp_path / "c.labelstudio.json"
    choose_format(qtbot, dialog, "labelstudio")
    dialog.destination.setText(str(out))
    clicks = []

    def press_cancel(done, total):
        if not clicks:
            assert dialog.cancel_button.isEnabled() and not dialog.export_button.isEnabled()
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
            clicks.append(done)

    dialog.progressed.connect(press_cancel)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert clicks == [0]
    assert dialog.summary.text() == "Export cancelled: nothing was written."
    assert not out.exists() and dialog.export_button.isEnabled()


def test_brat_folder_export(qtbot, dialog, tmp_path):
    choose_format(qtbot, dialog, "brat")
    qtbot.waitUntil(lambda: ".ann" in dialog.preview.toPlainText())
    out = tmp_path / "brat"
    dialog.destination.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert (out / "annotation.conf").is_file() and len(list(out.rglob("*.ann"))) == 5


def test_preview_waits_for_the_clicks_to_stop(qtbot, dialog):
    """Each checkbox click used to re-read the preview at once (a freeze per click on a large project)."""
    updates = []
    dialog.preview_updated.connect(lambda: updates.append(dialog.preview.toPlainText()))
    before = dialog.preview.toPlainText()
    dialog.status_list.setFocus()
    for row in (2, 1, 0):  # done, in_progress, new: three quick clicks by keyboard
        dialog.status_list.setCurrentRow(row)
        qtbot.keyClick(dialog.status_list, Qt.Key.Key_Space)
    assert [dialog.status_list.item(i).checkState() for i in range(3)] == [Qt.CheckState.Checked] * 3
    assert updates == [] and dialog.preview.toPlainText() == before  # nothing read while clicking
    with qtbot.waitSignal(dialog.preview_updated, timeout=2000):
        pass
    qtbot.wait(PREVIEW_DELAY_MS + 100)
    assert len(updates) == 1  # one read for the three clicks
    check(dialog.label_list, "figure")
    qtbot.waitUntil(lambda: len(updates) == 2)
    assert '"label":"figure"' in dialog.preview.toPlainText() and '"label":"actor"' not in dialog.preview.toPlainText()



def test_a_pending_preview_never_reads_a_closed_project(qtbot, tmp_path):
    """CI flaked under load: a preview still waiting when the dialog closed fired after its project
    was closed (sqlite3.ProgrammingError in the next test's set-up)."""
    project = build_project(tmp_path / "p.db", tmp_path)
    widget = ExportDialog(project)
    qtbot.addWidget(widget)
    widget.show()
    updates = []
    widget.preview_updated.connect(lambda: updates.append(1))
    qtbot.mouseClick(widget.gold_check, Qt.MouseButton.LeftButton)  # starts the debounce
    qtbot.keyClick(widget, Qt.Key.Key_Escape)  # closes the dialog before the preview is due
    assert not widget.isVisible()
    project.close()
    qtbot.wait(PREVIEW_DELAY_MS * 2)  # an exception in the event loop fails this test
    assert updates == []


def test_the_window_stops_its_timers_and_closes_its_dialogs_when_it_closes(qtbot, main_window):
    from PySide6.QtCore import QTimer

    qtbot.keyClicks(main_window.documents.search, "harb")  # starts the search debounce
    qtbot.keyClick(main_window, Qt.Key.Key_F1)
    assert main_window.cheat_sheet.isVisible()
    assert any(t.isActive() for t in main_window.findChildren(QTimer))
    main_window.close()
    assert not main_window.cheat_sheet.isVisible()
    assert not any(t.isActive() for t in main_window.findChildren(QTimer))


def choose_untouched(qtbot, dialog, choice):
    combo = dialog.untouched_combo
    combo.setFocus()
    target = combo.findData(choice)
    assert target >= 0, f"{choice} not offered"
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)


def test_untouched_choices_follow_the_format_and_reach_the_export(qtbot, dialog, tmp_path):
    assert dialog.untouched_combo.currentData() == "include"  # jsonl keeps them as tasks
    choose_format(qtbot, dialog, "hf")
    offered = [dialog.untouched_combo.itemData(i) for i in range(dialog.untouched_combo.count())]
    assert offered == ["leave-out", "negative"]  # BIO cannot say "not annotated"
    dialog.destination.setText(str(tmp_path / "hf.jsonl"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "1 untouched record left out" in dialog.summary.text()
    assert "Nobody" not in (tmp_path / "hf.jsonl").read_text(encoding="utf-8")
    choose_untouched(qtbot, dialog, "negative")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "Nobody" in (tmp_path / "hf.jsonl").read_text(encoding="utf-8")
    assert "untouched records left out" not in dialog.summary.text()


def test_jsonl_without_tokens(qtbot, dialog, tmp_path):
    tokens = dialog.option_widgets["tokens"]
    assert tokens.isVisibleTo(dialog) and tokens.isChecked()
    qtbot.mouseClick(tokens, Qt.MouseButton.LeftButton)
    out = tmp_path / "spans.jsonl"
    dialog.destination.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    records = read_jsonl(out)
    assert records and all("tokens" not in r and all("token_start" not in s for s in r["spans"]) for r in records)
    choose_format(qtbot, dialog, "conll")
    assert not tokens.isVisibleTo(dialog)
