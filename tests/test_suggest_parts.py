"""A long document's suggestions computed in parts: the parts, inserted as they come in any order,
are what the whole text gives; the child process sends them for a real project file; the window
shows the lines in view first and the rest as it arrives, and its child ends with it."""

from __future__ import annotations

import time

import pytest

from annotator.core.suggest import Suggestion
from annotator.core.suggest.columns import SuggestionColumns
from annotator.core.suggest.compute import first_part, has_rest, parts, suggest_parts, suggest_text
from annotator.core.suggest.rules import DEFAULT_RULES, compile_rules
from annotator.io.suggest_process import RestRequest, SuggestingProcess
from annotator.store import Project
from annotator.store.suggestions import document_suggestions, project_dictionary, set_enabled_sources
from ui_fixtures import settings, shown_window  # noqa: F401

LINE = 'Kim Jong Un said "we stay" as 10,000 troops and 👍 40% of 5 km moved; Putin answered.'
TEXT = "\n".join(f"{n}: {LINE}" for n in range(400))  # ~36,000 characters: several parts


def rules():
    return compile_rules(DEFAULT_RULES)


def test_parts_inserted_in_any_order_are_the_whole_texts_suggestions():
    whole = suggest_text(TEXT, rules())
    first = first_part(TEXT, TEXT.index("200:"), 4000)
    pieces = parts(TEXT, first, 4000)
    assert len(pieces) > 5 and pieces[0] == first
    shown = SuggestionColumns()
    for _start, _end, part in suggest_parts(TEXT, pieces, rules(), None):
        shown.insert_part(part)
    assert list(shown) == whole
    assert shown.overlapping(whole[5].start, whole[5].start + 1) == [5]


def test_columns_take_out_and_give_back_in_text_order():
    found = SuggestionColumns(suggest_text(TEXT, rules()))
    whole = list(found)
    gone = [whole[3], whole[100], whole[-1]]
    found.remove(s.key for s in gone)
    assert len(found) == len(whole) - 3 and found.index_of(gone[0].key) is None
    for suggestion in reversed(gone):
        found.add(suggestion)
    assert list(found) == whole
    many = [s for s in whole if s.label == "figure"]
    found.remove(s.key for s in many)  # accepting all of a label: one pass
    assert list(found) == [s for s in whole if s.label != "figure"]
    assert found.indexes_of_label("figure") == []
    assert SuggestionColumns([Suggestion(0, 2, "actor", "model", "spancat", 0.25)])[0].score == 0.25


def test_the_child_process_sends_the_rest_part_by_part(tmp_path):
    project = Project.open(tmp_path / "long.db")
    doc_id, _ = project.add_document(TEXT, title="long")
    project.add_span(doc_id, 3, 14, "actor", "ana")  # labelled: not suggested there, and in the dictionary
    set_enabled_sources(project, ["rules", "dictionary"])
    expected = document_suggestions(project, doc_id, "ana", rules=rules(), dictionary=project_dictionary(project))
    pieces = tuple(parts(TEXT, first_part(TEXT, 0, 4000), 4000))
    process = SuggestingProcess(lambda: None)
    try:
        process.ask(RestRequest(1, str(project.path), doc_id, "ana", ("rules", "dictionary"), pieces, 0))
        received, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline and not (received and received[-1][5]):
            message = process.take()
            if message is None:
                time.sleep(0.01)
                continue
            assert message[0] == "part", message
            received.append(message)
    finally:
        process.close()
    assert not process.alive
    assert [(m[2], m[3]) for m in received] == list(pieces)  # one message per part, in order
    shown = SuggestionColumns()
    for message in received:
        shown.insert_part(message[4])
    assert list(shown) == expected
    project.close()



@pytest.mark.parametrize("text", ["", "a", "a\n", "\n", "ab\ncd", "ab\ncd\n", "ab\n\ncd\ne", "\n\nab"])
def test_has_rest_says_whether_parts_has_more_than_the_first(text):
    for offset in range(len(text) + 1):
        for size in range(1, 5):
            first = first_part(text, offset, size)
            assert has_rest(text, first) == (len(parts(text, first, size)) > 1), (text, offset, size)

def window_showing(qtbot, project: Project, settings, doc_id: int):  # noqa: F811
    """The window with the rules on, once the suggestions in view of ``doc_id`` are shown."""
    set_enabled_sources(project, ["rules"])
    window = shown_window(qtbot, project, "alice", settings)
    with qtbot.waitSignal(window.suggestions.shown, timeout=10_000):
        window.open_document(doc_id)
    return window


@pytest.mark.gui
def test_the_window_shows_the_lines_in_view_first_then_the_rest(qtbot, tmp_path, settings):  # noqa: F811
    project = Project.open(tmp_path / "long.db")
    doc_id, _ = project.add_document(TEXT, title="long")
    window = window_showing(qtbot, project, settings, doc_id)
    suggestions = window.suggestions
    in_view = len(suggestions.overlay.suggestions)
    assert 0 < in_view < len(suggest_text(TEXT, rules()))
    assert suggestions.busy()  # the rest is on its way from the child process
    qtbot.waitUntil(lambda: not suggestions.busy(), timeout=60_000)
    assert list(suggestions.overlay.suggestions) == suggest_text(TEXT, rules())
    assert suggestions.panel.count.text().startswith(f"{len(suggestions.overlay.suggestions):,} suggestions")
    process = suggestions.process
    assert process is not None and process.alive
    window.close()
    assert suggestions.process is None and not process.alive
    project.close()


OTHER_TEXT = "\n".join(f"{n}: The minister said 40% of 2,000 soldiers left." for n in range(600))


def second_document(qtbot, tmp_path, settings):  # noqa: F811
    """A project of TEXT and OTHER_TEXT, the window showing the first with its suggestions in view."""
    project = Project.open(tmp_path / "two.db")
    first, _ = project.add_document(TEXT, title="first")
    second, _ = project.add_document(OTHER_TEXT, title="second")
    return project, window_showing(qtbot, project, settings, first), second


@pytest.mark.gui
def test_parts_of_a_document_no_longer_shown_are_dropped(qtbot, tmp_path, settings):  # noqa: F811
    project, window, second = second_document(qtbot, tmp_path, settings)
    suggestions = window.suggestions
    qtbot.waitUntil(lambda: suggestions.rest_due and not suggestions.rest.isActive(), timeout=10_000)
    deadline = time.monotonic() + 30
    while not suggestions.process._inbox and time.monotonic() < deadline:  # no event loop: parts wait unread
        time.sleep(0.01)
    assert suggestions.process._inbox, "the child sent the first document's parts"
    window.open_document(second)  # with parts of the first document still to be read
    qtbot.waitUntil(lambda: not suggestions.busy(), timeout=60_000)
    assert list(suggestions.overlay.suggestions) == suggest_text(OTHER_TEXT, rules())
    window.close()
    project.close()


@pytest.mark.gui
def test_once_built_the_lines_in_view_are_shown_with_the_opening_itself(qtbot, tmp_path, settings):  # noqa: F811
    """The rules are built for the first document; the next one's suggestions in view are there when
    open_document returns (its first paint shows them), and they are what the whole text gives there."""
    project, window, second = second_document(qtbot, tmp_path, settings)
    suggestions = window.suggestions
    window.open_document(second)  # no event-loop turn from here to the asserts
    shown = list(suggestions.overlay.suggestions)
    assert shown and not suggestions.first_due and not suggestions.after_open.isActive()
    assert shown == [s for s in suggest_text(OTHER_TEXT, rules()) if s.end <= shown[-1].end]
    window.text_view.viewport().repaint()
    start, end = suggestions.overlay.painted
    assert start == 0 and shown[-1].end >= OTHER_TEXT.rfind("\n", 0, end)  # the screen is covered
    qtbot.waitUntil(lambda: not suggestions.busy(), timeout=60_000)
    assert list(suggestions.overlay.suggestions) == suggest_text(OTHER_TEXT, rules())
    window.close()
    project.close()
