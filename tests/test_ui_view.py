"""The text view for long reading sessions (issue 16) and review lanes (issue 11 point 3):
spacing and measure, headings, dark mode, find in the document, overlapping spans, label tags
and hidden labels, window habits. Real window, real project file, real keys and clicks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QTextCharFormat
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QToolButton

from annotator.core.model import DEFAULT_LABELS, Label
from annotator.ui.decorations import PITCH
from annotator.ui.theme import contrast, text_color, tint
from ui_fixtures import *  # noqa: F403
from ui_fixtures import CTRL, FIRST, SHIFT, point_of, press, select_with_keys, shown_window

REPO = Path(__file__).resolve().parent.parent


def formats_at(view, offset: int) -> QTextCharFormat:
    position = view.offsets.to_utf16(offset)
    block = view.document().findBlock(position)
    inside = position - block.position()
    merged = QTextCharFormat()
    for r in block.layout().formats():
        if r.start <= inside < r.start + r.length:
            merged.merge(r.format)
    return merged


def line_tops(view, block) -> list[float]:
    top = view.blockBoundingGeometry(block).translated(view.contentOffset()).top()
    layout = block.layout()
    return [top + layout.lineAt(n).y() for n in range(layout.lineCount())]


# ------------------------------------------------------------------ reading
def test_paragraphs_are_spaced_and_lines_capped_at_a_centred_measure(qtbot, main_window):
    view = main_window.text_view
    main_window.resize(1800, 800)
    qtbot.waitUntil(lambda: view.viewportMargins().left() > 0)
    first, second = view.document().firstBlock(), view.document().firstBlock().next()
    line = QFontMetricsF(view.font()).lineSpacing()
    gap = line_tops(view, second)[0] - (line_tops(view, first)[-1] + first.layout().lineAt(0).height())
    assert gap >= line  # a visible space between paragraphs (one newline in the text)
    margins = view.viewportMargins()
    assert margins.left() == margins.right() > 0  # centred
    assert view.viewport().width() <= 82 * QFontMetricsF(view.font()).averageCharWidth() + 30
    assert view.text == FIRST and view.document().blockCount() == FIRST.count("\n") + 1  # the text is untouched
    select_with_keys(qtbot, main_window, 29, 5)
    assert view.selection() == (29, 34)  # offsets unchanged

    press(qtbot, main_window, Qt.Key.Key_U, CTRL | SHIFT)  # the next line length: full width after wide
    press(qtbot, main_window, Qt.Key.Key_U, CTRL | SHIFT)
    assert view.viewportMargins().left() == 0
    press(qtbot, main_window, Qt.Key.Key_U, CTRL | SHIFT)  # and round to comfortable
    assert view.viewportMargins().left() > 0


def text_width(view) -> int:
    return view.viewport().width()


def test_line_length_is_a_setting_comfortable_wide_or_full_width_and_is_remembered(qtbot, ws_project, settings):
    window = shown_window(qtbot, ws_project, "alice", settings)
    view = window.text_view
    window.resize(1800, 800)
    qtbot.waitUntil(lambda: view.viewportMargins().left() > 0)
    char = QFontMetricsF(view.font()).averageCharWidth()
    comfortable = text_width(view)
    assert 70 * char < comfortable <= 82 * char + 30
    line_length = next(a.menu() for a in window.menus["&View"].actions() if a.text() == "&Line length")
    wide = next(a for a in line_length.actions() if a.objectName() == "line_length_110")
    assert wide.text().replace("&", "") == "Wide (about 110 characters)" and not wide.isChecked()
    wide.trigger()  # View > Line length > Wide
    assert wide.isChecked() and 100 * char < text_width(view) <= 112 * char + 30
    assert settings.value("view/lineLength", type=int) == 110
    select_with_keys(qtbot, window, 29, 5)
    assert view.selection() == (29, 34)  # offsets unchanged
    window.close()

    again = shown_window(qtbot, ws_project, "alice", settings)  # remembered across restarts
    again.resize(1800, 800)
    qtbot.waitUntil(lambda: again.text_view.viewportMargins().left() > 0)
    assert again.line_length_actions[110].isChecked()
    assert text_width(again.text_view) == text_width(view)
    press(qtbot, again, Qt.Key.Key_U, CTRL | SHIFT)  # the next one: full width
    assert again.text_view.viewportMargins().left() == 0 and again.line_length_actions[0].isChecked()
    assert settings.value("view/lineLength", type=int) == 0
    assert again.text_view.text == FIRST  # the text is untouched


def test_full_width_chosen_in_an_older_version_is_kept(qtbot, ws_project, settings):
    settings.setValue("view/fullWidth", True)  # what the old on/off toggle wrote
    window = shown_window(qtbot, ws_project, "alice", settings)
    window.resize(1800, 800)
    assert window.line_length_actions[0].isChecked() and window.text_view.measure == 0


def test_headings_from_meta_are_shown_large_without_changing_the_text(qtbot, ws_project, settings):
    text = "Summit report\nThe talks ended.\nOutlook\nMore talks."
    doc_id, _ = ws_project.add_document(text, title="with headings", meta={
        "headings": [[0, 13, 1], [31, 38, 2], [5, 99, 1], ["x", 1, 2]]})  # the last two are malformed: ignored
    window = shown_window(qtbot, ws_project, "alice", settings, doc_id=doc_id)
    view = window.text_view
    view.viewport().repaint()  # paragraphs get their formats when painted
    body = view.font().pointSizeF()
    h1, h2, plain = formats_at(view, 3), formats_at(view, 33), formats_at(view, 20)
    assert h1.fontPointSize() > h2.fontPointSize() > body and h1.fontWeight() >= 700
    assert plain.fontPointSize() in (0, body)
    assert view.text == text
    select_with_keys(qtbot, window, 0, 6)
    press(qtbot, window, "1")
    assert window.project.spans(doc_id, "alice")[0].start == 0  # labelling a heading counts code points as ever


# ------------------------------------------------------------------ colours
@pytest.mark.parametrize("dark", [False, True])
def test_span_backgrounds_keep_text_readable_and_labels_apart(dark):
    page_text = text_color(dark)
    tints = [tint(label.color, dark) for label in DEFAULT_LABELS]
    assert all(contrast(page_text, t) >= 4.5 for t in tints)  # WCAG AA for body text
    for i, a in enumerate(tints):
        for b in tints[i + 1:]:
            distance = sum((x - y) ** 2 for x, y in zip(a.getRgb()[:3], b.getRgb()[:3])) ** 0.5
            assert distance > 40  # labels stay distinct from each other


def test_theme_menu_forces_dark_and_back_and_remembers_it(qtbot, main_window):
    app = QApplication.instance()
    style, palette = app.style().name(), app.palette()
    try:
        select_with_keys(qtbot, main_window, 0, 5)
        press(qtbot, main_window, "1")
        light_background = formats_at(main_window.text_view, 2).background().color()
        main_window.findChild(type(main_window.actions_by_name["quit"]), "theme_dark").trigger()
        assert app.palette().base().color().lightness() < 80
        assert main_window.settings.value("view/theme") == "dark"
        main_window.text_view.viewport().repaint()
        dark_background = formats_at(main_window.text_view, 2).background().color()
        assert dark_background.lightness() < light_background.lightness()
        assert contrast(app.palette().text().color(), dark_background) >= 4.5
    finally:
        main_window.findChild(type(main_window.actions_by_name["quit"]), "theme_system").trigger()
        app.setStyle(style)
        app.setPalette(palette)


# ------------------------------------------------------------------ find
def test_ctrl_f_finds_every_hit_in_the_document_and_f3_steps(qtbot, main_window):
    view = main_window.text_view
    press(qtbot, main_window, Qt.Key.Key_F, CTRL)
    bar = main_window.find_bar
    assert bar.isVisible() and bar.edit.hasFocus()
    qtbot.keyClicks(bar.edit, "the")  # "They", "the budget"
    they, the = FIRST.index("They"), FIRST.index("the budget")
    assert view.decorations.hits == [(they, they + 3), (the, the + 3)] and bar.count.text() == "1 of 2"
    assert view.selection() == (they, they + 3)
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert view.selection() == (the, the + 3) and bar.count.text() == "2 of 2"
    view.setFocus()
    press(qtbot, main_window, Qt.Key.Key_F3)  # wraps around
    assert view.selection() == (they, they + 3)
    press(qtbot, main_window, Qt.Key.Key_F3, SHIFT)
    assert view.selection() == (the, the + 3)
    press(qtbot, main_window, "1")  # the found words are selected: a label's key labels them
    assert [s.label for s in view.spans()] == ["actor"]
    bar.edit.setFocus()
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible() and view.decorations.hits == [] and view.hasFocus()


def test_document_search_finds_the_start_of_a_word(qtbot, main_window):
    press(qtbot, main_window, Qt.Key.Key_F, CTRL | SHIFT)
    search = main_window.documents.search
    assert search.hasFocus()
    qtbot.keyClicks(search, "harb")  # "harbour"
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert main_window.documents.model.ids == [2]
    assert main_window.project.search_document_ids('Ali "Jon') == [1]  # quotes are text, not syntax


# ------------------------------------------------------------------ spans
def test_crossing_spans_each_show_their_whole_extent(qtbot, main_window):
    view = main_window.text_view
    select_with_keys(qtbot, main_window, 0, 15)  # "Alice Smith met"
    press(qtbot, main_window, "2")
    select_with_keys(qtbot, main_window, 12, 13)  # "met Bob Jones"
    press(qtbot, main_window, "3")
    claim, quote = view.spans()
    assert all(formats_at(view, i).background().color() == formats_at(view, 0).background().color()
               for i in range(claim.start, claim.end))  # the first keeps its background to its end
    [bar] = view.decorations.bar_rects(quote.id)
    [line] = view.paragraphs_on_screen()[0].rects(quote.start, quote.end)
    assert (bar.left(), bar.right()) == (line.left(), line.right()) and bar.top() > line.bottom()


def test_the_selected_span_is_framed_not_filled_like_a_text_selection(qtbot, main_window):
    view = main_window.text_view
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    press(qtbot, main_window, Qt.Key.Key_Escape)  # (a new span is selected: clear that first)
    assert view.current_span_id is None
    before = view.viewport().grab().toImage()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(main_window, 2))
    assert view.current_span_id is not None and view.selection() is None and view.extraSelections() == []
    after = view.viewport().grab().toImage()
    [rect] = view.paragraphs_on_screen()[0].rects(0, 5)
    ratio = after.devicePixelRatio()
    middle = QPoint(int(rect.center().x() * ratio), int(rect.center().y() * ratio))
    assert after.pixelColor(middle) == before.pixelColor(middle)  # the words keep their colour: no fill
    edge = QPoint(int((rect.left() - 2) * ratio), int(rect.center().y() * ratio))
    assert after.pixelColor(edge).lightness() < before.pixelColor(edge).lightness() - 60  # a dark frame


def test_label_tags_and_hidden_labels(qtbot, main_window):
    view = main_window.text_view
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    block = view.document().firstBlock()
    assert view.spacing(block).above == 0  # off by default
    press(qtbot, main_window, Qt.Key.Key_T, CTRL | SHIFT)
    assert view.decorations.show_tags and view.spacing(block).above > 0
    assert main_window.settings.value("view/labelTags", type=bool) is True
    actor = next(a for a in main_window.palette.show_menu.actions() if a.text() == "actor")
    actor.trigger()  # hide actor spans
    view.viewport().repaint()
    assert formats_at(view, 2).background().style() == Qt.BrushStyle.NoBrush
    assert main_window.palette.show_button.text() == "Show ▾ (1 hidden)"
    assert main_window.settings.value("view/hiddenLabels") in (["actor"], "actor")
    actor.trigger()
    view.viewport().repaint()
    assert formats_at(view, 2).background().style() != Qt.BrushStyle.NoBrush


# ------------------------------------------------------------------ window habits
def test_toolbar_keeps_its_width_and_tooltips_show_keys(qtbot, main_window):
    undo = main_window.findChild(type(main_window.actions_by_name["quit"]), "toolbar_undo")
    width = main_window.toolbar.widgetForAction(undo).width()
    select_with_keys(qtbot, main_window, 0, 5)
    press(qtbot, main_window, "1")
    assert undo.text() == "Undo" and main_window.toolbar.widgetForAction(undo).width() == width
    assert "Add actor span" in undo.toolTip() and "Ctrl+Z" in undo.toolTip()
    assert main_window.actions_by_name["export"].toolTip() == "Export (Ctrl+E)"
    extension = main_window.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible()  # nothing pushed into an overflow menu


def test_panels_close_come_back_and_the_layout_is_remembered(qtbot, ws_project, settings):
    window = shown_window(qtbot, ws_project, "alice", settings)
    toggle = window.spans_dock.toggleViewAction()
    assert toggle in window.menus["&View"].findChild(type(window.recent_menu), "").actions() or any(
        toggle in menu.actions() for menu in window.menus["&View"].findChildren(type(window.recent_menu)))
    toggle.trigger()
    assert not window.spans_dock.isVisible()
    window.close()
    again = shown_window(qtbot, ws_project, "alice", settings)
    assert not again.spans_dock.isVisible() and again.documents_dock.isVisible()
    again.spans_dock.toggleViewAction().trigger()
    assert again.spans_dock.isVisible()


def test_details_panel_shows_title_source_meta_and_statuses(qtbot, ws_project, settings):
    doc_id, _ = ws_project.add_document("Body text.", title="Budget talks", source="news/budget.html",
                                        meta={"byline": "Staff", "headings": [[0, 4, 1]]})
    ws_project.set_status(doc_id, "ben", "done")
    window = shown_window(qtbot, ws_project, "alice", settings, doc_id=doc_id)
    text = window.details.text()
    for expected in ("Budget talks", "news/budget.html", "byline", "Staff", "ben", "done", "Headings"):
        assert expected in text
    select_with_keys(qtbot, window, 0, 4)
    press(qtbot, window, "1")
    assert "alice" in window.details.text() and "in progress" in window.details.text()


def test_home_and_end_in_the_document_list(qtbot, main_window):
    press(qtbot, main_window, Qt.Key.Key_L, CTRL)
    table = main_window.documents.view
    qtbot.keyClick(table, Qt.Key.Key_End)
    assert table.currentIndex().row() == 2
    qtbot.keyClick(table, Qt.Key.Key_Home)
    assert table.currentIndex().row() == 0


def test_spans_panel_shows_whole_label_names_and_no_annotator_column(qtbot, main_window):
    panel = main_window.spans_panel
    assert panel.isColumnHidden(2)
    main_window.project.add_label(Label("organisation_or_state", "#56b4e9", "", "", 9))
    main_window.reload_labels()
    wanted = panel.fontMetrics().horizontalAdvance("organisation_or_state")
    assert panel.columnWidth(1) > wanted + 16  # the swatch too


def test_file_dialogs_start_in_the_last_folder_used(qtbot, main_window, tmp_path, monkeypatch):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("An article.", encoding="utf-8")
    seen = []

    def pick(parent, caption, directory, *_):
        seen.append(directory)
        return [str(folder / "a.txt")], ""
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", pick)
    main_window.import_files()
    main_window.import_files()
    assert seen[1] == str(folder)
    from annotator.ui.export_dialog import ExportDialog
    dialog = ExportDialog(main_window.project, main_window)
    chosen = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda p, c, d, f: (chosen.append(d), ("", ""))[1])
    dialog._browse()
    assert Path(chosen[0]).parent == folder
    split = next(label for label in dialog.findChildren(QLabel) if label.buddy() is dialog.split_edit)
    assert split.text() == "&Split by document:"  # shown as "Split by document:", S underlined
    dialog.close()


def test_f1_sheet_lists_no_keys_a_keyboard_lacks(qtbot, main_window):
    press(qtbot, main_window, Qt.Key.Key_F1)
    sheet = main_window.cheat_sheet.browser.toPlainText()
    assert not any(f"F{n}" in sheet.replace("F1 ", "").split() for n in range(13, 36))
    assert "F14" not in sheet and "Ctrl+F" in sheet and "Ctrl+Shift+F" in sheet and "F3" in sheet


def test_without_a_display_the_window_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(REPO)
    env["HOME"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "annotator.cli"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "annotator --help" in lines[0]
    assert "xcb" not in result.stderr


# ------------------------------------------------------------------ review lanes
def test_three_annotators_lanes_sit_below_the_letters(qtbot, ws_project, settings):
    text = ws_project.document_text(1)
    for who in ("ana", "ben", "cy"):
        ws_project.add_span(1, 0, 11, "actor", who)
        ws_project.set_status(1, who, "done")
    window = shown_window(qtbot, ws_project, "rita", settings, doc_id=1)
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    overlay = window.review.overlay
    assert overlay.lanes == {"ana": 0, "ben": 1, "cy": 2}
    view = window.text_view
    block = view.document().firstBlock()
    assert view.spacing(block).below >= 3 * PITCH  # room for three lanes under every line
    paragraph = view.paragraphs_on_screen()[0]
    paragraph.first_slot = paragraph.first_slots[0]  # the lanes' slots
    [line] = paragraph.rects(0, 11)
    bars = [paragraph.bar(line, lane) for lane in range(3)]
    assert all(bar.top() > line.bottom() for bar in bars)  # none crosses the letters
    next_line_top = line_tops(view, block.next())[0]
    assert bars[-1].bottom() < next_line_top  # nor the next line's
    assert text[0:11] == "Alice Smith"
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    third = bars[2].center()
    color = image.pixelColor(int(third.x() * ratio), int(third.y() * ratio))
    assert color != view.palette().base().color()  # cy's bar is painted there
    expected = QColor(DEFAULT_LABELS[0].color).darker(120)
    assert all(abs(a - b) <= 2 for a, b in zip(color.getRgb(), expected.getRgb()))


def test_display_problems_are_named_before_qt_starts():
    from annotator.app import _package_of, display_problem

    assert "no display" in display_problem({}, "linux")
    assert display_problem({}, "darwin") is None
    assert "QT_QPA_PLATFORM=bogus" in display_problem({"QT_QPA_PLATFORM": "bogus"}, "linux")
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert _package_of("libxcb-icccm.so.4") == "libxcb-icccm4"  # what to install, for a library Qt lacks


def test_details_panel_shows_markup_in_a_title_as_typed(qtbot, ws_project, settings):
    doc_id, _ = ws_project.add_document("Body.", title="<b>R&D</b> notes", meta={"tags": ["a", "b"]})
    window = shown_window(qtbot, ws_project, "alice", settings, doc_id=doc_id)
    assert "Title: <b>R&D</b> notes" in window.details.text().splitlines()
    assert 'tags: ["a", "b"]' in window.details.text().splitlines()
