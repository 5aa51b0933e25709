"""Review mode compares attribute values (issue 13): the same span with another value is a disagreement of
its own kind, resolved by the same keys; gold keeps the accepted values; every step undoable and on disk.

The real window on a real project file, real key events; gold is read back from the file through a
connection of the test's own.
"""

from __future__ import annotations

import sqlite3

import orjson
import pytest

from annotator.core.model import GOLD_ANNOTATOR
from annotator.store import Project
from ui_fixtures import words_at as at, CTRL, SAMPLE_DOCS, settings, shown_window  # noqa: F401

pytestmark = pytest.mark.gui

THREAT = "one of America’s gravest threats"
STOCKPILE = "it has developed a stockpile of nuclear warheads"


@pytest.fixture
def project(tmp_path) -> Project:
    """ana and ben marked the same two claims and one actor on the Korea article.

    THREAT: ana says certainty asserted, ben hedged (an attribute disagreement);
    STOCKPILE: both hedged (agreed, value and all); "Bruce Klingner": both, no attribute.
    """
    proj = Project.open(tmp_path / "review.db")
    doc, _ = proj.add_document((SAMPLE_DOCS / "korea-peninsula-threat.txt").read_text(encoding="utf-8"), title="korea")
    text = proj.document_text(doc)
    for who, threat in (("ana", "asserted"), ("ben", "hedged")):
        proj.set_span_attribute(proj.add_span(doc, *at(text, THREAT), "claim", who).id, "certainty", threat)
        proj.set_span_attribute(proj.add_span(doc, *at(text, STOCKPILE), "claim", who).id, "certainty", "hedged")
        proj.add_span(doc, *at(text, "Bruce Klingner"), "actor", who)
        proj.set_status(doc, who, "done")
    yield proj
    proj.close()


def gold(path) -> list[tuple]:
    """(start, label, {attribute: value}) of every gold span, read from the file."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT s.start, s.label, (SELECT json_group_object(a.name, json(a.value)) FROM span_attrs a"
            " WHERE a.span_id = s.id) FROM spans s WHERE s.annotator = ? ORDER BY s.start", [GOLD_ANNOTATOR]).fetchall()
    return [(start, label, orjson.loads(values)) for start, label, values in rows]


@pytest.fixture
def window(qtbot, project, settings):
    window = shown_window(qtbot, project, "rita", settings, doc_id=1)
    qtbot.keyClick(window.text_view, "r", CTRL)  # Review > Review mode
    assert window.review.active
    panel = window.review.panel
    panel.list.setFocus()
    return window


def key(qtbot, window, k, mods=None) -> None:
    panel = window.review.panel
    qtbot.keyClick(panel.list, k, mods) if mods is not None else qtbot.keyClick(panel.list, k)


def test_a_different_value_on_the_same_span_is_listed_and_accept_all_agreed_leaves_it(qtbot, window, project):
    panel, text = window.review.panel, project.document_text(1)
    threat, stockpile = text.index(THREAT), text.index(STOCKPILE)
    [d] = panel.disagreements
    assert d.kinds == ("attribute",) and (d.start, d.end) == at(text, THREAT)
    assert panel.row_text(0) == "1. ·  different attribute: certainty asserted/hedged — “one of America’s gravest threats”"
    assert [b.full_text for b in panel.version_buttons] == [
        "1  ana — claim: “one of America’s gravest th…” [certainty asserted]",
        "2  ben — claim: “one of America’s gravest th…” [certainty hedged]"]
    assert panel.agreed_button.full_text.startswith("Accept all agreed (2)")  # STOCKPILE and Bruce Klingner

    key(qtbot, window, "a")  # the agreed spans go into gold with the values everyone gave them; THREAT waits
    assert gold(project.path) == [(stockpile, "claim", {"certainty": "hedged"}),
                                  (text.index("Bruce Klingner"), "actor", {})]
    assert panel.count_label.text() == "0 of 1 decided"

    window.undo_stack.undo()
    assert gold(project.path) == []
    window.undo_stack.redo()
    assert gold(project.path)[0] == (stockpile, "claim", {"certainty": "hedged"})
    assert threat not in [start for start, _, _ in gold(project.path)]


def test_accepting_a_version_takes_its_values_into_gold_and_undo_brings_back_the_ones_before(qtbot, window, project):
    panel, text = window.review.panel, project.document_text(1)
    threat = text.index(THREAT)
    key(qtbot, window, "2")  # ben's version: hedged
    assert gold(project.path) == [(threat, "claim", {"certainty": "hedged"})]
    assert panel.row_text(0).startswith("1. ✓ claim  different attribute")
    assert window.undo_stack.undoText() == "Accept ben's claim"

    panel.set_row(0)
    key(qtbot, window, "1")  # changes its mind: ana's version, asserted, replaces the gold span's value
    assert gold(project.path) == [(threat, "claim", {"certainty": "asserted"})]
    window.undo_stack.undo()
    assert gold(project.path) == [(threat, "claim", {"certainty": "hedged"})]
    window.undo_stack.undo()
    assert gold(project.path) == []
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert gold(project.path) == [(threat, "claim", {"certainty": "asserted"})]

    panel.set_row(0)
    key(qtbot, window, "x")  # reject every version: the gold span (and its value) goes
    assert gold(project.path) == []
    assert panel.row_text(0).startswith("1. ✗ rejected")
    window.undo_stack.undo()
    assert gold(project.path) == [(threat, "claim", {"certainty": "asserted"})]


def reviewing(qtbot, proj: Project, settings):  # noqa: F811
    """The window as rita on document 1, review mode on (Ctrl+R), focus in the review list."""
    window = shown_window(qtbot, proj, "rita", settings, doc_id=1)
    qtbot.keyClick(window.text_view, "r", CTRL)
    window.review.panel.list.setFocus()
    return window, window.review.panel


def test_the_comparison_survives_reopening_and_equal_values_agree(qtbot, tmp_path, settings):
    """Values read from the file: after ben changes his mind (another program), the span is agreed."""
    path = tmp_path / "review.db"
    with Project.open(path) as proj:
        doc, _ = proj.add_document("Kim said the talks failed.", title="t")
        for who in ("ana", "ben"):
            proj.set_span_attribute(proj.add_span(doc, 9, 25, "claim", who).id, "certainty", "disputed")
            proj.set_status(doc, who, "done")
    proj = Project.open(path)
    try:
        window, panel = reviewing(qtbot, proj, settings)
        assert panel.disagreements == [] and panel.agreed == [(9, 25, "claim")]
        qtbot.keyClick(panel.list, "a")
        assert gold(path) == [(9, "claim", {"certainty": "disputed"})]
    finally:
        proj.close()



def test_a_value_changed_outside_review_mode_is_compared_when_review_mode_comes_back(qtbot, project, settings):
    """The comparison is kept across review mode's on and off; a value ben sets meanwhile must not be missed."""
    window = shown_window(qtbot, project, "ben", settings, doc_id=1)
    qtbot.keyClick(window.text_view, "r", CTRL)
    assert [d.kind for d in window.review.panel.disagreements] == ["attribute"]
    qtbot.keyClick(window.review.panel.list, "r", CTRL)  # off: ben's own layer
    threat = project.document_text(1).index(THREAT)
    mine = next(s for s in project.spans(1, "ben") if s.start == threat)
    window.attributes.set_value(mine.id, "certainty", "asserted")  # what the attribute editor does
    qtbot.keyClick(window.text_view, "r", CTRL)
    assert window.review.panel.disagreements == [] and (threat, threat + len(THREAT), "claim") in window.review.panel.agreed


def test_accepting_a_relation_brings_its_end_spans_with_their_values(qtbot, tmp_path, settings):
    """Gold lacks both ends of ana's relation: they come with ana's values (an agreed value must not be lost)."""
    path = tmp_path / "relations.db"
    with Project.open(path) as proj:
        doc, _ = proj.add_document("Kim said the talks failed.", title="t")
        for who in ("ana", "ben"):
            claim = proj.add_span(doc, 9, 25, "claim", who)
            proj.set_span_attribute(claim.id, "certainty", "hedged")
            kim = proj.add_span(doc, 0, 3, "actor", who)
            if who == "ana":
                proj.add_relation(claim.id, kim.id, "claimed_by")
            proj.set_status(doc, who, "done")
    proj = Project.open(path)
    try:
        window, panel = reviewing(qtbot, proj, settings)
        assert panel.disagreements == [] and len(panel.relations) == 1
        qtbot.keyClick(panel.list, "1")  # ana's claimed_by, with its two ends
        assert gold(path) == [(0, "actor", {}), (9, "claim", {"certainty": "hedged"})]
        window.undo_stack.undo()
        assert gold(path) == []
        window.undo_stack.redo()
        assert gold(path) == [(0, "actor", {}), (9, "claim", {"certainty": "hedged"})]
    finally:
        proj.close()
