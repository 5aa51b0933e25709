"""Review mode carries actor links into gold (issue 13): an accepted version's spans keep the accepted
annotator's link, a link two annotators gave differently is an attribute disagreement ("actor link"),
and removing or replacing a gold span and undoing brings back its attribute values and its link.

The real window on a real project file, real key events; gold read back through the test's own connection.
"""

from __future__ import annotations

import sqlite3

import orjson
import pytest

from annotator.core.model import GOLD_ANNOTATOR
from annotator.store import Project
from ui_fixtures import words_at as at, CTRL, SAMPLE_DOCS, settings, shown_window  # noqa: F401

pytestmark = pytest.mark.gui

KLINGNER = "Bruce Klingner"
OFFICIALS = "U.S. officials"
THREAT = "one of America’s gravest threats"


@pytest.fixture
def project(tmp_path) -> Project:
    """ana and ben marked the same actors and claim on the Korea article.

    OFFICIALS: both linked to "US government" (agreed, link and all); KLINGNER: ana linked him to
    "Bruce Klingner", ben to "Klingner" (a link disagreement); THREAT: a claim both hedged.
    """
    proj = Project.open(tmp_path / "review.db")
    doc, _ = proj.add_document((SAMPLE_DOCS / "korea-peninsula-threat.txt").read_text(encoding="utf-8"), title="korea")
    text = proj.document_text(doc)
    government, bruce, klingner = (proj.create_actor(name) for name in ("US government", "Bruce Klingner", "Klingner"))
    for who, entry in (("ana", bruce), ("ben", klingner)):
        proj.link_span(proj.add_span(doc, *at(text, OFFICIALS), "actor", who).id, government.id)
        proj.link_span(proj.add_span(doc, *at(text, KLINGNER), "actor", who).id, entry.id)
        proj.set_span_attribute(proj.add_span(doc, *at(text, THREAT), "claim", who).id, "certainty", "hedged")
        proj.set_status(doc, who, "done")
    yield proj
    proj.close()


def gold(path) -> list[tuple]:
    """(words, label, {attribute: value}, linked actor's name) of every gold span, read from the file."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT substr(d.text, s.start + 1, s.[end] - s.start), s.label, (SELECT json_group_object(a.name,"
            " json(a.value)) FROM span_attrs a WHERE a.span_id = s.id), (SELECT e.name FROM span_actors l"
            " JOIN actors e ON e.id = l.actor_id WHERE l.span_id = s.id) FROM spans s JOIN documents d"
            " ON d.id = s.doc_id WHERE s.annotator = ? ORDER BY s.start", [GOLD_ANNOTATOR]).fetchall()
    return [(words, label, orjson.loads(values), actor) for words, label, values, actor in rows]


@pytest.fixture
def window(qtbot, project, settings):
    window = shown_window(qtbot, project, "rita", settings, doc_id=1)
    qtbot.keyClick(window.text_view, "r", CTRL)  # Review > Review mode
    assert window.review.active
    window.review.panel.list.setFocus()
    return window


def key(qtbot, window, k) -> None:
    qtbot.keyClick(window.review.panel.list, k)


def test_a_different_link_is_an_attribute_disagreement_and_accept_all_carries_agreed_links(qtbot, window, project):
    panel = window.review.panel
    [d] = panel.disagreements
    assert d.kinds == ("attribute",) and (d.start, d.end) == at(project.document_text(1), KLINGNER)
    assert panel.row_text(0) == "1. ·  different attribute: actor link Bruce Klingner/Klingner — “Bruce Klingner”"
    assert [b.full_text for b in panel.version_buttons] == [
        "1  ana — actor: “Bruce Klingner” [actor link Bruce Klingner]",
        "2  ben — actor: “Bruce Klingner” [actor link Klingner]"]
    assert panel.agreed_button.full_text.startswith("Accept all agreed (2)")  # OFFICIALS and THREAT

    key(qtbot, window, "a")
    agreed = [(OFFICIALS, "actor", {}, "US government"), (THREAT, "claim", {"certainty": "hedged"}, None)]
    assert gold(project.path) == agreed
    window.undo_stack.undo()
    assert gold(project.path) == []
    window.undo_stack.redo()
    assert gold(project.path) == agreed


def test_accepting_a_version_carries_its_link_and_undo_of_a_replacement_brings_the_old_link_back(qtbot, window, project):
    panel = window.review.panel
    key(qtbot, window, "2")  # ben's version: linked to Klingner
    assert gold(project.path) == [(KLINGNER, "actor", {}, "Klingner")]
    panel.set_row(0)
    key(qtbot, window, "1")  # ana's version replaces the gold span: linked to Bruce Klingner
    assert gold(project.path) == [(KLINGNER, "actor", {}, "Bruce Klingner")]
    window.undo_stack.undo()
    assert gold(project.path) == [(KLINGNER, "actor", {}, "Klingner")]
    window.undo_stack.undo()
    assert gold(project.path) == []
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert gold(project.path) == [(KLINGNER, "actor", {}, "Bruce Klingner")]

    panel.set_row(0)
    key(qtbot, window, "x")  # reject every version: the gold span and its link go
    assert gold(project.path) == []
    window.undo_stack.undo()
    assert gold(project.path) == [(KLINGNER, "actor", {}, "Bruce Klingner")]


def test_rejecting_over_accepted_gold_and_undo_keeps_values_and_links(qtbot, window, project):
    """Accept all agreed, then reject the agreed claim's and actor's regions by hand: undo restores both."""
    key(qtbot, window, "a")
    before = gold(project.path)
    text = project.document_text(1)
    from annotator.ui.review_commands import ResolveRegionCommand
    for words in (OFFICIALS, THREAT):
        window.undo_stack.push(ResolveRegionCommand(project, window.review.panel.notifier, 1, at(text, words), [],
                                                    "rita", "Reject all versions"))
    assert gold(project.path) == []
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert gold(project.path) == before


def test_accepting_a_relation_brings_its_ends_with_their_links_and_values(qtbot, project, settings):
    """ana alone drew THREAT claimed_by KLINGNER: accepting it puts both ends into gold as ana has them."""
    spans = {(s.annotator, s.label): s.id for s in project.spans(1, "ana")}
    project.add_relation(spans[("ana", "claim")], next(s.id for s in project.spans(1, "ana")
                                                       if s.start == project.document_text(1).index(KLINGNER)),
                         "claimed_by")
    window = shown_window(qtbot, project, "rita", settings, doc_id=1)
    qtbot.keyClick(window.text_view, "r", CTRL)
    panel = window.review.panel
    panel.list.setFocus()
    assert panel.current() is panel.relations.disagreements[0]  # in text order: THREAT comes before KLINGNER's row
    key(qtbot, window, "1")  # ana's claimed_by, with its ends
    ends = [(THREAT, "claim", {"certainty": "hedged"}, None), (KLINGNER, "actor", {}, "Bruce Klingner")]
    assert gold(project.path) == ends
    window.undo_stack.undo()
    assert gold(project.path) == []
    window.undo_stack.redo()
    assert gold(project.path) == ends


def test_an_attribute_named_actor_link_is_its_own_attribute_beside_the_link(qtbot, project, settings):  # noqa: F811
    """An actor attribute literally called 'actor link' (a text; new ones are refused, an older file may have
    one) is compared and carried as an attribute, never mistaken for the link: ana wrote 'US government'
    in it, ben linked the span to that entry."""
    from annotator.core.attributes import AttributeDef

    project._insert_attribute_defs([AttributeDef("actor", "actor link", "text")])  # a file from before the name was refused
    text = project.document_text(1)
    kim = "Kim Jong Un"
    spans = {who: project.add_span(1, *at(text, kim), "actor", who) for who in ("ana", "ben")}
    project.set_span_attribute(spans["ana"].id, "actor link", "US government")
    project.link_span(spans["ben"].id, project.actor_named("US government").id)
    window = shown_window(qtbot, project, "rita", settings, doc_id=1)
    qtbot.keyClick(window.text_view, "r", CTRL)
    panel = window.review.panel
    panel.list.setFocus()
    row = next(i for i, d in enumerate(panel.disagreements) if (d.start, d.end) == at(text, kim))
    assert panel.disagreements[row].kinds == ("attribute",)  # the same words in both: not agreed
    assert "actor link none/US government" in panel.row_text(row)  # the link, ana had none
    assert "actor link US government/none" in panel.row_text(row)  # the attribute, ben had none
    panel.set_row(row)
    key(qtbot, window, "1")  # ana's: the attribute's value, no link
    assert (kim, "actor", {"actor link": "US government"}, None) in gold(project.path)
    panel.set_row(row)
    key(qtbot, window, "2")  # ben's: the link, no attribute value
    assert (kim, "actor", {}, "US government") in gold(project.path)
