"""Review mode compares relations: listed with the span disagreements, resolved by the same keys into gold.

Real project files, the real review panel and window, real key events; what gold holds is read
back from the file through a connection of the test's own.
"""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from annotator.core.model import GOLD_ANNOTATOR
from annotator.store import Project
from annotator.ui.commands import ChangeNotifier
from annotator.ui.review_panel import ReviewPanel
from ui_fixtures import CTRL, SAMPLE_DOCS, press, review_panel, settings, shown_window  # noqa: F401

pytestmark = pytest.mark.gui

THREAT = "one of America’s gravest threats"
STOCKPILE = "it has developed a stockpile of nuclear warheads"
CYBER = "a sophisticated cyber warfare operation"


def at(text: str, words: str, after: str = "") -> tuple[int, int]:
    start = text.index(after + words) + len(after)
    return start, start + len(words)


@pytest.fixture
def project(tmp_path) -> Project:
    """ana and ben on the Korea article: the same actors and claims, and relations that agree and differ.

    - both: STOCKPILE claimed_by "Bruce Klingner" (agreed);
    - ana only: THREAT claimed_by "U.S. officials" (both have the two spans);
    - ben only: CYBER claimed_by "Klingner" (of "Klingner adds"): both ends are ben's alone.
    """
    proj = Project.open(tmp_path / "review.db")
    doc, _ = proj.add_document((SAMPLE_DOCS / "korea-peninsula-threat.txt").read_text(encoding="utf-8"), title="korea")
    text = proj.document_text(doc)
    spans: dict[tuple[str, str], int] = {}
    for who in ("ana", "ben"):
        for words, label in (("U.S. officials", "actor"), ("Bruce Klingner", "actor"), (THREAT, "claim"),
                             (STOCKPILE, "claim")):
            spans[(who, words)] = proj.add_span(doc, *at(text, words), label, who).id
        proj.add_relation(spans[(who, STOCKPILE)], spans[(who, "Bruce Klingner")], "claimed_by")
    proj.add_relation(spans[("ana", THREAT)], spans[("ana", "U.S. officials")], "claimed_by")
    cyber = proj.add_span(doc, *at(text, CYBER), "claim", "ben").id
    klingner = proj.add_span(doc, *_klingner_adds(text), "actor", "ben")
    proj.add_relation(cyber, klingner.id, "claimed_by")
    for who in ("ana", "ben"):
        proj.set_status(doc, who, "done")
    yield proj
    proj.close()


def _klingner_adds(text: str) -> tuple[int, int]:
    start = text.index("Klingner adds")
    return start, start + len("Klingner")


def gold(path) -> tuple[list[tuple], list[tuple]]:
    """(gold spans, gold relations as (head words' start, child start, label, id)) read from the file."""
    with sqlite3.connect(path) as conn:
        spans = conn.execute("SELECT start, [end], label, reviewer FROM spans WHERE annotator = ? ORDER BY start",
                             [GOLD_ANNOTATOR]).fetchall()
        relations = conn.execute(
            "SELECT h.start, c.start, r.label, r.id FROM relations r JOIN spans h ON h.id = r.head"
            " JOIN spans c ON c.id = r.tail WHERE r.annotator = ? ORDER BY h.start", [GOLD_ANNOTATOR]).fetchall()
    return spans, relations


def rejected_pairs(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT first_start, second_start, reviewer FROM rejected_relations").fetchall()


@pytest.fixture
def panel(qtbot, project) -> ReviewPanel:
    return review_panel(qtbot, project)


def key(qtbot, panel: ReviewPanel, k) -> None:
    qtbot.keyClick(panel.list, k)


# The list in text order: ana's relation (its first end "U.S. officials" opens the article), ben's CYBER,
# ben's relation from CYBER (after the span row of its first end), ben's "Klingner" (its second end).
ANA_RELATION, BEN_RELATION = 0, 2


def test_relation_disagreements_sit_among_the_span_disagreements_in_text_order(qtbot, panel):
    assert [d.kind for d in panel.disagreements] == ["missing", "missing"]  # ben's CYBER and "Klingner"
    assert [(d.kind, d.annotators) for d in panel.relations.disagreements] == [
        ("missing", ("ana",)), ("missing", ("ben",))]
    assert panel.model.rowCount() == 4 and panel.count_label.text() == "0 of 4 decided"
    assert [panel.row_text(row) for row in range(4)] == [
        "1. ·  relation claimed_by: only ana — “U.S. officials” ↔ “one of America’s …”",
        "2. ·  only ben — “a sophisticated cyber warfare operation”",
        "3. ·  relation claimed_by: only ben — “a sophisticated c…” ↔ “Klingner”",
        "4. ·  only ben — “Klingner”"]
    assert panel.row() == 0 and panel.current() is panel.relations.disagreements[0]
    seen = [panel.current()]
    for _ in range(4):
        key(qtbot, panel, "n")
        seen.append(panel.current())
    assert seen == [panel.relations.disagreements[0], panel.disagreements[0], panel.relations.disagreements[1],
                    panel.disagreements[1], panel.disagreements[1]]  # N stops at the last row
    key(qtbot, panel, "p")
    assert panel.current() is panel.relations.disagreements[1]
    panel.set_row(ANA_RELATION)
    assert [b.full_text for b in panel.version_buttons] == [
        "1  ana — claimed_by: “one of Americ…” → “U.S. officials”", "2  ben — no relation"]
    tip = panel.model.data(panel.model.index(ANA_RELATION), Qt.ItemDataRole.ToolTipRole)
    assert "ana: claimed_by" in tip and "ben: nothing" in tip and "gold: not decided yet" in tip
    tip = panel.model.data(panel.model.index(3), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("only ben, characters 617–625")  # a span row's own details, not a relation's
    assert "Accept all agreed (5)" in panel.agreed_button.full_text  # 4 agreed spans + 1 agreed relation


def test_accepting_a_relation_brings_its_ends_into_gold_in_one_undoable_step(qtbot, panel):
    text, path = panel.text, panel.project.path
    key(qtbot, panel, "1")  # ana's claimed_by, the first row
    threat, officials = at(text, THREAT), at(text, "U.S. officials")
    spans, relations = gold(path)
    assert spans == [(*officials, "actor", "rita"), (*threat, "claim", "rita")]
    assert [r[:3] for r in relations] == [(threat[0], officials[0], "claimed_by")]
    assert panel.undo_stack.count() == 1 and panel.row() == 1
    assert panel.row_text(0).startswith("1. ✓ claimed_by") and panel.count_label.text() == "1 of 4 decided"
    panel.undo_stack.undo()
    assert gold(path) == ([], []) and panel.row_text(0).startswith("1. ·")
    panel.undo_stack.redo()
    assert gold(path) == (spans, relations)  # the same relation id comes back


def test_accepting_a_relation_whose_ends_are_disputed_marks_those_span_rows_too(qtbot, panel):
    panel.set_row(BEN_RELATION)
    key(qtbot, panel, "2")  # ben's CYBER claimed_by "Klingner"
    spans, relations = gold(panel.project.path)
    assert [s[2] for s in spans] == ["claim", "actor"] and [r[2] for r in relations] == ["claimed_by"]
    assert panel.row_text(1).startswith("2. ✓ claim") and panel.row_text(3).startswith("4. ✓ actor")
    assert panel.row_text(2).startswith("3. ✓ claimed_by") and panel.count_label.text() == "3 of 4 decided"


def test_rejecting_a_span_region_takes_the_gold_relation_on_it_along_and_undo_brings_both_back(qtbot, panel):
    panel.set_row(BEN_RELATION)
    key(qtbot, panel, "2")  # gold: CYBER claimed_by "Klingner"; the next row is "Klingner"'s span row
    before = gold(panel.project.path)
    key(qtbot, panel, "x")
    spans, relations = gold(panel.project.path)
    assert [s[2] for s in spans] == ["claim"] and relations == []
    assert panel.row_text(2).startswith("3. ·")  # gold no longer has the relation
    panel.undo_stack.undo()
    assert gold(panel.project.path) == before and panel.row_text(2).startswith("3. ✓ claimed_by")


def test_editing_a_gold_end_with_the_normal_tools_updates_what_the_relation_row_says(qtbot, panel):
    from annotator.ui.commands import DeleteSpanCommand, relabel_command

    panel.project.conn.execute("UPDATE relation_labels SET heads = '[]', children = '[]' WHERE name = 'claimed_by'")
    key(qtbot, panel, "1")
    assert panel.row_text(0).startswith("1. ✓ claimed_by")
    officials = next(s for s in panel.project.spans(1, GOLD_ANNOTATOR) if s.label == "actor")
    panel.undo_stack.push(relabel_command(panel.project, panel.notifier, officials, "quote"))
    assert panel.row_text(0).startswith("1. ✓ claimed_by")  # gold's relation still joins those words
    tip = panel.model.data(panel.model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith("gold: claimed_by: “one of America’s graves…” → “U.S. officials”")
    officials = next(s for s in panel.project.spans(1, GOLD_ANNOTATOR) if s.label == "quote")
    panel.undo_stack.push(DeleteSpanCommand(panel.project, panel.notifier, officials))
    assert panel.row_text(0).startswith("1. ·")  # the end went, and its relation with it
    panel.undo_stack.undo()
    assert panel.row_text(0).startswith("1. ✓ claimed_by")


def test_x_rejects_a_relation_pair_decided_durable_and_undoable(qtbot, panel):
    key(qtbot, panel, "1")
    key(qtbot, panel, "p")
    key(qtbot, panel, "x")  # after all: no relation between THREAT and "U.S. officials" in gold
    path = panel.project.path
    spans, relations = gold(path)
    assert relations == [] and len(spans) == 2  # the ends stay: they are spans gold accepted
    threat, officials = at(panel.text, THREAT), at(panel.text, "U.S. officials")
    assert rejected_pairs(path) == [(officials[0], threat[0], "rita")]  # the pair, first end in text order
    assert panel.row_text(0).startswith("1. ✗ rejected  relation") and panel.count_label.text() == "1 of 4 decided"
    key(qtbot, panel, "p")
    key(qtbot, panel, "x")  # rejected already: no second step
    assert panel.undo_stack.count() == 2

    with Project.open(path) as again:  # the decision survives reopening
        stack, notifier = QUndoStack(), ChangeNotifier()
        reopened = ReviewPanel(again, stack, notifier, "rita")
        qtbot.addWidget(reopened)
        reopened.set_document(1)
        assert reopened.row_text(0).startswith("1. ✗ rejected  relation")

    panel.undo_stack.undo()
    assert rejected_pairs(path) == [] and [r[2] for r in gold(path)[1]] == ["claimed_by"]
    assert panel.row_text(0).startswith("1. ✓ claimed_by")


def test_accept_all_agreed_takes_the_agreed_relation_with_the_agreed_spans_in_one_step(qtbot, panel):
    key(qtbot, panel, "a")
    spans, relations = gold(panel.project.path)
    assert len(spans) == 4
    stockpile, klingner = at(panel.text, STOCKPILE), at(panel.text, "Bruce Klingner")
    assert [r[:3] for r in relations] == [(stockpile[0], klingner[0], "claimed_by")]
    assert panel.undo_stack.count() == 1
    assert panel.undo_stack.undoText() == "Accept 4 agreed spans and 1 agreed relation"
    assert "Accept all agreed (0)" in panel.agreed_button.full_text
    panel.undo_stack.undo()
    assert gold(panel.project.path) == ([], [])
    panel.undo_stack.redo()
    assert gold(panel.project.path) == (spans, relations)  # the same ids again


def test_a_relation_the_rules_now_refuse_is_refused_with_the_reason(qtbot, panel):
    failures = []
    panel.notifier.failed.connect(failures.append)
    panel.project.conn.execute("UPDATE relation_labels SET heads = '[\"quote\"]' WHERE name = 'claimed_by'")
    key(qtbot, panel, "1")  # ana's claimed_by, the first row
    assert gold(panel.project.path) == ([], [])  # nothing half-written: not even the ends
    assert "claimed_by" in failures[0] and "'quote'" in failures[0]
    assert panel.undo_stack.count() == 0


# ------------------------------------------------------------------ the window
def test_the_window_frames_the_selected_relation_and_resolves_it_by_keys(qtbot, project, settings):  # noqa: F811
    window = shown_window(qtbot, project, "rita", settings, doc_id=1)
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    panel = window.review.panel
    highlight = window.review.relation_highlight
    assert highlight.current is panel.relations.disagreements[0]  # the first row: ana's relation
    assert window.review.overlay.region is None  # the relation's two ends are framed, not all between them
    press(qtbot, window, "n")
    assert highlight.current is None and window.review.overlay.region is not None  # ben's CYBER span row
    press(qtbot, window, "p")
    assert highlight.current is panel.relations.disagreements[0] and window.review.overlay.region is None
    window.text_view.viewport().repaint()
    assert len(highlight.framed()) >= 2
    qtbot.keyClick(panel.list, "1")
    assert [r[2] for r in gold(project.path)[1]] == ["claimed_by"]
    assert [r.label for r in window.relations.painter.relations.values()] == ["claimed_by"]  # gold's arc is drawn
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert gold(project.path) == ([], []) and not window.relations.painter.relations
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert highlight not in window.text_view.extra_painters


def test_the_windows_merge_brings_a_colleagues_relations_into_review_and_says_so(qtbot, project, settings, tmp_path):  # noqa: F811
    """carl's own file: his span ids are not ours; his claimed_by comes into his layer and is compared."""
    text = project.document_text(1)
    with Project.open(tmp_path / "carl.annotator") as carl:
        doc, _ = carl.add_document(text, title="carl's korea")
        carl.add_span(doc, 0, 3, "figure", "carl")  # an extra span first: carl's ids differ from ours
        officials = carl.add_span(doc, *at(text, "U.S. officials"), "actor", "carl")
        threat = carl.add_span(doc, *at(text, THREAT), "claim", "carl")
        carl.add_relation(threat.id, officials.id, "claimed_by")
        carl.set_status(doc, "carl", "done")
    window = shown_window(qtbot, project, "rita", settings, doc_id=1)
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    lines = window.review.merge_files([tmp_path / "carl.annotator"])
    assert "  relations added for carl: 1" in lines
    box = window.review.summary
    assert box.text().startswith("Merged 1 source: 3 spans and 1 relation added")
    assert "relations added for carl: 1" in box.informativeText()
    box.close()
    panel = window.review.panel
    assert panel.selected_annotators() == ["ana", "ben", "carl"]
    threat_pair = next(d for d in panel.relations.disagreements if d.pair[1] == (*at(text, THREAT), "claim"))
    assert threat_pair.annotators == ("ana", "carl") and threat_pair.missing == ("ben",)


# ------------------------------------------- an end gold already has under another label
@pytest.fixture
def labels_differ(qtbot, tmp_path) -> ReviewPanel:
    """ana: STOCKPILE is a claim, claimed_by "Bruce Klingner"; ben: STOCKPILE is a quote, said_by him.

    One span row (STOCKPILE: different label) and two relation rows, one per annotator, on the same two
    places; "Bruce Klingner" is an agreed span (not in gold until accepted)."""
    proj = Project.open(tmp_path / "differ.db")
    doc, _ = proj.add_document((SAMPLE_DOCS / "korea-peninsula-threat.txt").read_text(encoding="utf-8"), title="korea")
    text = proj.document_text(doc)
    for who, label, relation in (("ana", "claim", "claimed_by"), ("ben", "quote", "said_by")):
        head = proj.add_span(doc, *at(text, STOCKPILE), label, who)
        proj.add_relation(head.id, proj.add_span(doc, *at(text, "Bruce Klingner"), "actor", who).id, relation)
        proj.set_status(doc, who, "done")
    yield review_panel(qtbot, proj)
    proj.close()


def relation_row_of(panel: ReviewPanel, annotator: str) -> int:
    """The list row of the relation disagreement only ``annotator`` drew."""
    for row in range(panel.row_count()):
        panel.set_row(row)
        d = panel.current()
        if not hasattr(d, "pair"):
            continue
        if d.annotators == (annotator,):
            return row
    raise AssertionError(f"no relation row of {annotator} alone")


def span_row(panel: ReviewPanel) -> int:
    return next(row for row in range(panel.row_count()) if panel.set_row(row) or not hasattr(panel.current(), "pair"))


def gold_spans_at_stockpile(panel: ReviewPanel) -> list[str]:
    start, end = at(panel.text, STOCKPILE)
    return [label for s, e, label, _who in gold(panel.project.path)[0] if (s, e) == (start, end)]


def test_a_relation_whose_end_gold_has_under_a_label_its_rule_refuses_is_refused_saying_why(qtbot, labels_differ):
    panel, failures = labels_differ, []
    panel.notifier.failed.connect(failures.append)
    panel.set_row(span_row(panel))
    key(qtbot, panel, "1")  # gold: STOCKPILE is ana's claim
    row = relation_row_of(panel, "ben")
    key(qtbot, panel, "2")  # ben's said_by needs a quote where gold has a claim
    assert gold_spans_at_stockpile(panel) == ["claim"]  # no second span over the same words
    assert gold(panel.project.path)[1] == []  # and no relation, nor its other end
    assert len(gold(panel.project.path)[0]) == 1
    [message] = failures
    assert "gold has “it has developed a stockpile of nuclear…” as a 'claim' span" in message
    assert "'said_by' goes from a 'quote' span, not from a 'claim' span" in message
    assert "accept the span's version with a 'quote' there first" in message
    assert panel.undo_stack.count() == 1 and panel.row() == row  # the reviewer stays on the refused row
    assert panel.row_text(row).split()[1] == "·"

    panel.set_row(span_row(panel))
    key(qtbot, panel, "2")  # decide the span first: ben's quote replaces gold's claim
    panel.set_row(relation_row_of(panel, "ben"))
    key(qtbot, panel, "2")  # now ben's said_by goes in, onto gold's quote
    assert gold_spans_at_stockpile(panel) == ["quote"] and [r[2] for r in gold(panel.project.path)[1]] == ["said_by"]
    assert panel.undo_stack.count() == 3


def test_a_relation_whose_rule_allows_gold_label_at_an_end_joins_gold_span_there_in_one_undo_step(qtbot, labels_differ):
    from dataclasses import replace

    panel = labels_differ
    project = panel.project
    project.update_relation_label("said_by", replace(project.relation_label("said_by"), heads=()))  # from any span
    panel.set_row(span_row(panel))
    key(qtbot, panel, "1")  # gold: STOCKPILE is ana's claim
    row = relation_row_of(panel, "ben")
    key(qtbot, panel, "2")  # ben's said_by, from gold's claim: the rule allows it
    stockpile, klingner = at(panel.text, STOCKPILE), at(panel.text, "Bruce Klingner")
    spans, relations = gold(project.path)
    assert [s[:3] for s in spans] == [(*stockpile, "claim"), (*klingner, "actor")]  # one span over STOCKPILE
    assert [r[:3] for r in relations] == [(stockpile[0], klingner[0], "said_by")]
    assert panel.row_text(row).startswith(f"{row + 1}. ✓ said_by")  # decided, though gold's end is a claim
    assert panel.undo_stack.count() == 2
    panel.undo_stack.undo()  # one step: the relation and the end it brought (Klingner) go, the claim stays
    assert [s[:3] for s in gold(project.path)[0]] == [(*stockpile, "claim")] and gold(project.path)[1] == []
    assert panel.row_text(row).split()[1] == "·"
    panel.undo_stack.redo()
    assert gold(project.path) == (spans, relations)

    panel.set_row(relation_row_of(panel, "ana"))
    assert panel.row_text(panel.row()).split()[1] == "✓"  # the same two places: gold's said_by is what gold says there
    key(qtbot, panel, "1")  # ana's claimed_by replaces gold's said_by between the two
    assert [r[2] for r in gold(project.path)[1]] == ["claimed_by"] and len(gold(project.path)[0]) == 2


def test_row_order_puts_each_relation_after_the_span_rows_starting_at_or_before_it():
    from annotator.ui.review_list import RowOrder

    order = RowOrder([5, 10, 10, 20], [0, 10, 10, 25])
    shown = [order.at(row) for row in range(8)]
    assert shown == [(True, 0), (False, 0), (False, 1), (False, 2), (True, 1), (True, 2), (False, 3), (True, 3)]
    assert [order.span_row(i) for i in range(4)] == [1, 2, 3, 6] and order.relation_rows == [0, 4, 5, 7]
    assert [RowOrder([], [3, 4]).at(row) for row in range(2)] == [(True, 0), (True, 1)]
    assert [RowOrder([1, 2], []).span_row(i) for i in range(2)] == [0, 1]


def test_a_decided_span_row_is_repainted_where_it_sits_among_the_relation_rows(qtbot, panel):
    repainted: list[tuple[int, int]] = []
    panel.model.dataChanged.connect(lambda first, last, _roles=(): repainted.append((first.row(), last.row())))
    panel.set_row(3)  # ben's "Klingner", the last row (span disagreement 1)
    key(qtbot, panel, "2")
    assert panel.row_text(3).startswith("4. ✓ actor")
    assert any(first <= 3 <= last for first, last in repainted)
