"""Actor links survive the edits that take a span away and put it back (issue 13): deleting a label and
undoing (relabelling: tests/test_ui_actor_relabel.py); and the gold layer's links count like every other layer's.

Real project files; the CLI through click's runner; the file read back through a fresh connection."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Project, review
from annotator.store.review import ACTOR_LINK

TEXT = "Kim Jong Un met Moon in Pyongyang. 🇰🇵 Kim said nothing."


@pytest.fixture
def doc(project):
    doc_id, _ = project.add_document(TEXT, title="t")
    return doc_id


def links(path) -> list[tuple]:
    """(start, label, annotator, entry name) of every linked span, read through a connection of the test's own."""
    with Project.open(path) as other:
        return other.conn.execute(
            "SELECT s.start, s.label, s.annotator, a.name FROM span_actors l JOIN spans s ON s.id = l.span_id"
            " JOIN actors a ON a.id = l.actor_id ORDER BY s.start").fetchall()


def test_deleting_a_label_and_undoing_brings_its_spans_links_back(project, doc):
    kim = project.create_actor("Kim Jong Un")
    span = project.add_span(doc, 0, 11, "actor", "ana")
    project.link_span(span.id, kim.id)
    deleted = project.delete_label("actor")
    assert links(project.path) == []
    project.restore_label(*deleted)
    assert links(project.path) == [(0, "actor", "ana", "Kim Jong Un")]


def test_gold_links_count_like_any_layer(project, doc):
    kim = project.create_actor("Kim Jong Un")
    project.link_span(project.add_span(doc, 0, 11, "actor", "ana").id, kim.id)
    [gold] = review.add_gold_spans(project, doc, [(0, 11, "actor")], "rita", {(0, 11, "actor"): {ACTOR_LINK: "Kim Jong Un"}})
    assert project.span_actor(gold.id) == kim
    assert [(c.actor.name, c.spans, c.documents) for c in project.actor_counts()] == [("Kim Jong Un", 2, 1)]
    listed = json.loads(CliRunner().invoke(main, ["actors", str(project.path), "--json"]).output)
    assert [(a["name"], a["spans"], a["documents"]) for a in listed] == [("Kim Jong Un", 2, 1)]
